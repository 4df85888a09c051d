import { render, screen, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Show } from '@/api/types'
import { seatsFromLayout } from '@/lib/layout'
import { useNoticesStore } from '@/stores/notices'
import ConfirmView from '@/views/ConfirmView.vue'

const NOW = new Date('2026-11-26T12:00:00Z').getTime()
const at = (ms: number) => new Date(NOW + ms).toISOString()

const show = {
  show_id: 7, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title: 'Dune',
  starts_at: at(3 * 60_000), ends_at: null, language: 'en', rating: null,
} as unknown as Show

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(NOW)
})
afterEach(() => vi.useRealTimers())

/** The confirm page opened directly (as after a reload): it loads the show and our hold. */
async function mountConfirm(startsAt = show.starts_at, cutoff?: number, currency = 'INR', holdCurrency = currency) {
  const seats = seatsFromLayout(1, 4, { removed: [], categories: [] }, '200.00')
  Object.assign(seats[1]!, { status: 'held', mine: true })
  vi.spyOn(api, 'show').mockResolvedValue({ show: { ...show, starts_at: startsAt, currency } })
  vi.spyOn(api, 'meta').mockResolvedValue({ languages: {}, locations: [], tags: [], cancel_cutoff_minutes: cutoff } as never)
  vi.spyOn(api, 'seats').mockResolvedValue({
    show_id: 7, rows: 1, seats_per_row: 4, currency, seats,
    hold: { hold_id: 'h1', expires_at: at(8 * 60_000), seats: ['A2'], total: '200.00', currency: holdCurrency },
  })
  const stub = { render: () => h('div') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/shows/:id/confirm', name: 'confirm', component: ConfirmView },
      { path: '/shows/:id', name: 'show', component: stub },
      { path: '/bookings/:id', name: 'booking', component: stub },
      { path: '/bookings', name: 'bookings', component: stub },
    ],
  })
  await router.push('/shows/7/confirm')
  render({ render: () => h(RouterView) }, { global: { plugins: [createPinia(), router] } })
  await flushPromises()
}

describe('ConfirmView when the show starts while it is open', () => {
  it('disables Confirm and says so at the start time', async () => {
    await mountConfirm()
    const confirm = screen.getByRole('button', { name: /Confirm booking/ })
    expect(confirm).toBeEnabled()
    expect(screen.queryByText(/already started/)).toBeNull()
    expect(screen.getByRole('timer')).toHaveTextContent('Seats held for 8:00')

    await vi.advanceTimersByTimeAsync(3 * 60_000 - 1000)
    expect(confirm).toBeEnabled()
    await vi.advanceTimersByTimeAsync(1000)
    expect(confirm).toBeDisabled()
    expect(screen.getByText('This show has already started; seats can no longer be booked.')).toHaveAttribute('role', 'status')
    expect(screen.queryByRole('timer')).toBeNull() // in place of the hold's countdown

    // Nothing is sent: the server would only refuse.
    const book = vi.spyOn(api, 'book')
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(confirm)
    expect(book).not.toHaveBeenCalled()
  })
})

describe('ConfirmView on cancelling', () => {
  // 8 pm in Chennai is 14:30 UTC, two and a half hours after NOW.
  const evening = '2026-11-26T20:00:00+05:30'

  it("says until when the booking could be cancelled, by the server's cutoff, in the show's local time", async () => {
    await mountConfirm(evening, 45)
    expect(screen.getByText(/^You can cancel until/)).toHaveTextContent('You can cancel until Thu, 26 Nov, 7:15 pm.')
    expect(screen.queryByText(/cannot be cancelled/)).toBeNull()
  })

  it('says it cannot be cancelled once the show is nearer than the cutoff, at that moment', async () => {
    // 6:17 pm: cancelling closes at 5:32 pm, two minutes after NOW (within the hold's 8).
    await mountConfirm('2026-11-26T18:17:00+05:30', 45)
    expect(screen.getByText(/^You can cancel until/)).toHaveTextContent('5:32 pm')
    await vi.advanceTimersByTimeAsync(2 * 60_000 - 1000)
    expect(screen.getByText(/^You can cancel until/)).toBeInTheDocument()
    await vi.advanceTimersByTimeAsync(1000)
    expect(screen.queryByText(/^You can cancel until/)).toBeNull()
    expect(
      screen.getByText('This booking cannot be cancelled: the show starts in less than 45 minutes.'),
    ).toBeInTheDocument()
    expect(screen.getByRole('button', { name: /Confirm booking/ })).toBeEnabled() // booking still works
  })

  it('says nothing about cancelling when the server does not give its cutoff', async () => {
    await mountConfirm(evening)
    expect(screen.getByRole('button', { name: /Confirm booking/ })).toBeInTheDocument()
    expect(screen.queryByText(/cancel/i)).toBeNull()
  })
})

describe('ConfirmView prices', () => {
  it("says the seat prices and the total in the show's currency", async () => {
    await mountConfirm(show.starts_at, undefined, 'EUR')
    expect(screen.getByTestId('confirm-total')).toHaveTextContent('€200')
    expect(screen.getByRole('button', { name: 'Confirm booking · €200' })).toBeInTheDocument()
    expect(screen.getByRole('table')).not.toHaveTextContent('₹')
  })

  it('says the held seats in the currency the hold quoted, after the venue changed it', async () => {
    await mountConfirm(show.starts_at, undefined, 'CHF', 'EUR')
    const table = screen.getByRole('table')
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent('€200')
    expect(screen.getByTestId('confirm-total')).toHaveTextContent('€200')
    expect(table).not.toHaveTextContent('CHF')
  })
})

describe('ConfirmView when the hold ended before Confirm was pressed', () => {
  /** Confirm pressed, and the server answers that the hold (of seat A2) has ended; `a2` is
   * what the seat map says of A2 afterwards. */
  async function confirmEndedHold(a2: { status: 'free' | 'booked'; mine: boolean }) {
    await mountConfirm()
    vi.spyOn(api, 'book').mockRejectedValue(
      new ApiError(409, 'hold_expired', 'Your hold has expired; please choose your seats again.'),
    )
    const seats = seatsFromLayout(1, 4, { removed: [], categories: [] }, '200.00')
    Object.assign(seats[1]!, a2)
    vi.spyOn(api, 'seats').mockResolvedValue({ show_id: 7, rows: 1, seats_per_row: 4, currency: 'INR', seats, hold: null })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(screen.getByRole('button', { name: /Confirm booking/ }))
    await flushPromises()
  }

  it('says the seats are booked, with a link to My bookings, when they were booked in another tab', async () => {
    await confirmEndedHold({ status: 'booked', mine: true })
    expect(screen.getByText('You have booked these seats already, in another window.')).toBeInTheDocument()
    expect(screen.getByText('Seat A2 is booked for you.')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'My bookings' })).toHaveAttribute('href', '/bookings')
    expect(screen.queryByRole('link', { name: 'Choose seats' })).toBeNull()
    expect(screen.queryByText(/expired|pick your seats/i)).toBeNull()
    expect(screen.queryByRole('button', { name: /Confirm booking/ })).toBeNull()
    expect(useNoticesStore().items.map((n) => n.text)).toEqual(['You have booked these seats already, in another window.'])
  })

  it('asks to pick seats again when the hold really expired', async () => {
    await confirmEndedHold({ status: 'free', mine: false })
    // The show starts 3 minutes after NOW (12:00 UTC), written in UTC.
    expect(screen.getByText('Your seats for Dune, Thu, 26 Nov, 12:03 pm are no longer held')).toBeInTheDocument()
    expect(screen.getByText('Pick your seats again.')).toBeInTheDocument()
    expect(screen.queryByText(/No seats are held/)).toBeNull()
    expect(screen.getByRole('link', { name: 'Choose seats' })).toHaveAttribute('href', '/shows/7')
    expect(screen.queryByText(/booked these seats/)).toBeNull()
    expect(useNoticesStore().items.map((n) => n.text)).toEqual(['Your hold has expired; please choose your seats again.'])
  })

  it('asks to pick seats again when someone else booked them after the hold ended', async () => {
    await confirmEndedHold({ status: 'booked', mine: false })
    expect(screen.getByRole('link', { name: 'Choose seats' })).toBeInTheDocument()
    expect(screen.queryByText(/booked these seats/)).toBeNull()
  })

  it("names the show when the hold's countdown runs out on the page, and keeps Choose seats", async () => {
    await mountConfirm('2026-11-26T20:00:00+05:30')
    const seats = seatsFromLayout(1, 4, { removed: [], categories: [] }, '200.00')
    vi.spyOn(api, 'seats').mockResolvedValue({ show_id: 7, rows: 1, seats_per_row: 4, currency: 'INR', seats, hold: null })
    await vi.advanceTimersByTimeAsync(8 * 60_000)
    await flushPromises()
    expect(screen.getByText('Your seats for Dune, Thu, 26 Nov, 8:00 pm are no longer held')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Choose seats' })).toHaveAttribute('href', '/shows/7')
    expect(screen.queryByRole('button', { name: /Confirm booking/ })).toBeNull()
  })
})
