import { render, screen, within } from '@testing-library/vue'
import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { api } from '@/api'
import type { SeatMapResponse, Show, User } from '@/api/types'
import { seatsFromLayout } from '@/lib/layout'
import { useAuthStore } from '@/stores/auth'
import { useNoticesStore } from '@/stores/notices'
import ShowView from '@/views/ShowView.vue'

const show = {
  show_id: 7, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title: 'Dune',
  starts_at: '2099-01-01T18:00:00+05:30', ends_at: null, language: 'en', rating: null, currency: 'INR',
} as unknown as Show

function seatMap(
  patch: Record<string, Partial<SeatMapResponse['seats'][number]>> = {},
  hold: SeatMapResponse['hold'] = null,
): SeatMapResponse {
  const seats = seatsFromLayout(2, 4, { removed: [], categories: [] }, '200.00')
  for (const [label, change] of Object.entries(patch)) Object.assign(seats.find((s) => s.seat === label)!, change)
  return { show_id: 7, rows: 2, seats_per_row: 4, currency: 'INR', seats, hold }
}

async function mountShow(map: SeatMapResponse, startsAt = show.starts_at, signedIn = true) {
  vi.spyOn(api, 'show').mockResolvedValue({ show: { ...show, starts_at: startsAt } })
  vi.spyOn(api, 'seats').mockResolvedValue(map)
  const stub = { render: () => h('div') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/shows/:id', name: 'show', component: ShowView },
      ...['confirm', 'bookings', 'signin', 'signup'].map((name) => ({ path: `/${name}`, name, component: stub })),
    ],
  })
  await router.push('/shows/7')
  const pinia = createPinia()
  if (signedIn) useAuthStore(pinia).user = ASHA
  render({ render: () => h(RouterView) }, { global: { plugins: [pinia, router] } })
  await flushPromises()
  expect(screen.getByRole('group', { name: 'Seats for Dune' })).toBeInTheDocument()
  return { router, pinia }
}

const ASHA = { email: 'asha@example.com', name: 'Asha' } as User

const seat = (label: string) => document.querySelector<HTMLElement>(`[data-seat="${label}"]`)!

describe('ShowView', () => {
  it('marks the seats you booked, says which, and lists them in the legend', async () => {
    await mountShow(seatMap({ A2: { status: 'booked', mine: true }, B1: { status: 'booked', mine: true }, A3: { status: 'booked' } }))
    expect(seat('A2')).toHaveAttribute('data-status', 'yours')
    expect(seat('A2')).toHaveAccessibleName('Seat A 2, Standard, ₹200, booked by you')
    expect(seat('A3')).toHaveAttribute('data-status', 'booked')
    expect(screen.getByTestId('booked-by-you')).toHaveTextContent('You have booked seats A2, B1 for this show')
    const legend = screen.getByRole('list', { name: 'Seat status legend' })
    expect(within(legend).getByText('Booked by you')).toBeInTheDocument()
  })

  it('keeps the keyboard focus on Suggest while the suggested seats are being held', async () => {
    await mountShow(seatMap())
    vi.spyOn(api, 'suggest').mockResolvedValue({ seats: ['A2', 'A3'] })
    let answer: (h: Awaited<ReturnType<typeof api.hold>>) => void = () => undefined
    vi.spyOn(api, 'hold').mockImplementation(() => new Promise((resolve) => (answer = resolve)))
    const suggest = screen.getByRole('button', { name: 'Suggest' })
    suggest.focus()
    await userEvent.keyboard('{Enter}')
    await flushPromises()
    // Busy, not disabled: a disabled button would have dropped the focus to the page.
    expect(suggest).toHaveAttribute('aria-disabled', 'true')
    expect(suggest).toBeEnabled()
    expect(suggest).toHaveFocus()
    await userEvent.keyboard('{Enter}') // ignored while busy
    expect(api.suggest).toHaveBeenCalledTimes(1)
    answer({ hold_id: 'h1', expires_at: '2099-01-01T12:00:00Z', seats: ['A2', 'A3'], total: '400.00' })
    await flushPromises()
    expect(suggest).not.toHaveAttribute('aria-disabled')
    expect(suggest).toHaveFocus()
  })

  it('gives keyboard instructions only once a keyboard is used (jsdom, like a phone, has no mouse)', async () => {
    await mountShow(seatMap())
    expect(screen.queryByText(/Use Tab to reach the map/)).toBeNull()
    await userEvent.tab()
    expect(screen.getByText('Use Tab to reach the map, arrow keys to move, Enter or Space to pick.')).toBeInTheDocument()
  })

  it('has no "booked by you" without a booking of yours', async () => {
    await mountShow(seatMap({ A3: { status: 'booked' } }))
    expect(screen.queryByTestId('booked-by-you')).toBeNull()
    const legend = screen.getByRole('list', { name: 'Seat status legend' })
    expect(within(legend).queryByText('Booked by you')).toBeNull()
    expect(within(legend).getByText('Booked')).toBeInTheDocument()
  })
})

describe('ShowView when the show starts while it is open', () => {
  const NOW = new Date('2026-11-26T12:00:00Z').getTime()
  afterEach(() => vi.useRealTimers())

  it('disables Continue and says so at the start time', async () => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    const startsAt = new Date(NOW + 5 * 60_000).toISOString()
    const held = { hold_id: 'h1', expires_at: new Date(NOW + 8 * 60_000).toISOString(), seats: ['B1'], total: '200.00' }
    await mountShow(seatMap({ B1: { status: 'held', mine: true } }, held), startsAt)
    const proceed = screen.getByRole('button', { name: 'Continue' })
    expect(proceed).toBeEnabled()
    expect(screen.queryByText(/already started/)).toBeNull()

    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1000)
    expect(proceed).toBeEnabled()
    await vi.advanceTimersByTimeAsync(1000)
    expect(proceed).toBeDisabled()
    expect(screen.getByText('This show has already started; seats can no longer be booked.')).toHaveAttribute('role', 'status')
    expect(screen.getByRole('button', { name: 'Suggest' })).toBeDisabled()
  })

  it('no longer invites a pick in the empty panel once the show started', async () => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    await mountShow(seatMap(), new Date(NOW + 60_000).toISOString())
    expect(screen.getByText(/Pick seats on the map/)).toBeInTheDocument()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(screen.queryByText(/Pick seats on the map/)).toBeNull()
    expect(screen.getByText('Booking has closed for this show.')).toBeInTheDocument()
  })
})

describe('ShowView signed out', () => {
  beforeEach(() => sessionStorage.clear())
  const hold = (seats: string[]) => ({ hold_id: 3, expires_at: '2099-01-01T12:00:00Z', seats, total: '400.00' })

  /** Clicks seats signed out, then signs in (as the sign-in page would) and comes back. */
  async function signInAfterClicking(labels: string[], mapOnReturn: SeatMapResponse) {
    const { router, pinia } = await mountShow(seatMap(), show.starts_at, false)
    const holdSpy = vi.spyOn(api, 'hold').mockImplementation(async (_id, seats) => hold(seats))
    for (const [i, label] of labels.entries()) {
      await userEvent.click(seat(label))
      await flushPromises()
      expect(router.currentRoute.value).toMatchObject({ name: 'signin', query: { next: '/shows/7' } })
      if (i === labels.length - 1) break
      await router.push('/shows/7') // back without signing in, to click another seat
      await flushPromises()
    }
    expect(holdSpy).not.toHaveBeenCalled()
    useAuthStore(pinia).user = ASHA
    vi.mocked(api.seats).mockResolvedValue(mapOnReturn)
    await router.replace('/shows/7')
    await flushPromises()
    return { holdSpy, notices: useNoticesStore(pinia) }
  }

  it('picks the seats clicked before signing in once back', async () => {
    const { holdSpy, notices } = await signInAfterClicking(['A2', 'B3'], seatMap())
    expect(holdSpy).toHaveBeenCalledTimes(1)
    expect(holdSpy).toHaveBeenCalledWith(7, ['A2', 'B3'])
    expect(seat('A2')).toHaveAttribute('data-status', 'mine')
    expect(seat('B3')).toHaveAttribute('data-status', 'mine')
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled()
    expect(notices.items.map((n) => n.text)).not.toContain('Seat A2 was taken meanwhile.')
  })

  it('says which of them were taken meanwhile and picks the rest', async () => {
    const { holdSpy, notices } = await signInAfterClicking(['A2', 'B3'], seatMap({ A2: { status: 'booked' } }))
    expect(holdSpy).toHaveBeenCalledWith(7, ['B3'])
    expect(seat('A2')).toHaveAttribute('data-status', 'booked')
    expect(seat('B3')).toHaveAttribute('data-status', 'mine')
    expect(notices.items.map((n) => n.text)).toContain('Seat A2 was taken meanwhile.')
  })
})
