import { render, screen, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h, nextTick } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Booking } from '@/api/types'
import ConfirmDialog from '@/components/ConfirmDialog.vue'
import NoticeStack from '@/components/NoticeStack.vue'
import BookingDoneView from '@/views/BookingDoneView.vue'
import MyBookingsView from '@/views/MyBookingsView.vue'
import { answerDialog } from '@/test-utils/confirm'

// My bookings and one booking's page, left open while the cancel cutoff, the show's start and
// its end pass: they change at those moments, not when next loaded.

const NOW = new Date('2026-11-26T12:00:00Z').getTime()
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString()
const MINUTE = 60_000

/**
 * A show starting in `startsIn` minutes and lasting 150; cancelling closes 20 minutes before
 * the start (not the default 60).
 */
const booking = (id: number, startsIn: number, patch: Partial<Booking> = {}): Booking => ({
  booking_id: id, code: `CODE000${id}`, show_id: id, seats: ['E6'], total: '250.00', currency: 'INR', status: 'confirmed',
  booked_at: at(-600), cancelled_at: null, admitted_at: null, can_cancel: true,
  cancel_until: at(startsIn - 20), cancel_cutoff_minutes: 20,
  qr_url: `/api/booking/qr?booking_id=${id}`, ics_url: `/api/booking/ics?booking_id=${id}`,
  show: {
    show_id: id, title: `Show ${id}`, starts_at: at(startsIn), ends_at: at(startsIn + 150),
    venue: { name: 'PVR', location: 'Mumbai' },
  },
  ...patch,
})
const tooLate = new ApiError(409, 'cancel_too_late', 'Bookings can be cancelled until 20 minutes before the show.', {
  cutoff_minutes: 20,
})

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(NOW)
})
afterEach(() => vi.useRealTimers())

/** The app's page area, its notices and its confirmation dialog, at `url`. */
async function mount(url: string) {
  const stub = { render: () => h('div') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/bookings', name: 'bookings', component: MyBookingsView },
      { path: '/bookings/:id', name: 'booking', component: BookingDoneView },
      { path: '/:any(.*)*', component: stub },
    ],
  })
  await router.push(url)
  const view = render({ render: () => [h(RouterView), h(NoticeStack), h(ConfirmDialog)] }, { global: { plugins: [createPinia(), router] } })
  await flushPromises()
  return view
}

const cancelButtons = () => screen.queryAllByRole('button', { name: 'Cancel booking' })
const closedNote = () => screen.queryByText('Cancellation closed 20 minutes before the show.')

/** Cancel the first booking and say yes in the dialog. */
async function clickCancel() {
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
  await user.click(cancelButtons()[0]!)
  await flushPromises()
  await answerDialog(user, 'Cancel booking')
  await flushPromises()
}

describe('MyBookingsView left open', () => {
  const soon = booking(1, 90)
  const later = booking(2, 3 * 24 * 60)
  beforeEach(() => {
    vi.spyOn(api, 'bookings').mockResolvedValue({ bookings: [later, soon], total: 2 })
  })
  const section = (name: string) => within(screen.getByRole('region', { name }))

  it("takes the soonest show's Cancel away at its cutoff, and moves it to Past at its end", async () => {
    await mount('/bookings')
    expect(cancelButtons()).toHaveLength(2)

    await vi.advanceTimersByTimeAsync(70 * MINUTE - 1)
    expect(cancelButtons()).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(cancelButtons()).toHaveLength(1) // the later show's is still there
    expect(section('Upcoming').getByText('Show 1').closest('article')).toHaveTextContent(
      'Cancellation closed 20 minutes before the show.',
    )

    // Started: still usable (the door admits late comers), so still upcoming, with its code.
    await vi.advanceTimersByTimeAsync(20 * MINUTE)
    const started = within(section('Upcoming').getByText('Show 1').closest('article') as HTMLElement)
    expect(started.getByText('Show started')).toBeInTheDocument()
    expect(started.getByRole('img', { name: /QR code/ })).toBeInTheDocument()
    expect(closedNote()).toBeNull()

    await vi.advanceTimersByTimeAsync(150 * MINUTE - 1)
    expect(section('Upcoming').getByText('Show 1')).toBeInTheDocument()
    await vi.advanceTimersByTimeAsync(1)
    expect(section('Upcoming').queryByText('Show 1')).toBeNull()
    const past = within(section('Past and cancelled').getByText('Show 1').closest('article') as HTMLElement)
    expect(past.getByText('Past')).toBeInTheDocument()
    expect(past.queryByRole('img')).toBeNull()
    expect(section('Upcoming').getByText('Show 2')).toBeInTheDocument()
  })

  it('moves a show to Past when the tab comes back after its end (timers run late after sleep)', async () => {
    await mount('/bookings')
    vi.setSystemTime(NOW + 91 * MINUTE) // started, and no timer has fired yet
    document.dispatchEvent(new Event('visibilitychange'))
    await nextTick()
    expect(section('Upcoming').getByText('Show 1')).toBeInTheDocument()
    vi.setSystemTime(NOW + 241 * MINUTE) // ended
    document.dispatchEvent(new Event('visibilitychange'))
    await nextTick()
    expect(section('Past and cancelled').getByText('Show 1')).toBeInTheDocument()
    expect(cancelButtons()).toHaveLength(1)
  })

  it('keeps one timer per moment to wait for, and none once the page is gone', async () => {
    const view = await mount('/bookings')
    // The list's for the next end, and each card's for its own next moment.
    expect(vi.getTimerCount()).toBe(3)
    view.unmount()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('leaves the keyboard focus at the top of the list once a booking is cancelled, not on the page', async () => {
    vi.spyOn(api, 'cancelBooking').mockResolvedValue({ booking: { ...soon, status: 'cancelled', can_cancel: false } })
    await mount('/bookings')
    await clickCancel()
    expect(section('Past and cancelled').getByText('Show 1')).toBeInTheDocument()
    expect(screen.getByRole('heading', { name: 'Upcoming' })).toHaveFocus()
  })

  it('keeps the bookings shown when the next page fails, and offers to try again', async () => {
    vi.spyOn(api, 'bookings')
      .mockResolvedValueOnce({ bookings: [later, soon], total: 3 })
      .mockRejectedValueOnce(new ApiError(503, 'busy', 'The server is busy.'))
      .mockResolvedValueOnce({ bookings: [booking(3, -5000, { status: 'cancelled' })], total: 3 })
    await mount('/bookings')
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(screen.getByRole('button', { name: 'Show older bookings (1 more)' }))
    await flushPromises()
    expect(screen.getByRole('alert')).toHaveTextContent('The server is busy.')
    expect(section('Upcoming').getByText('Show 1')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    await flushPromises()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(section('Past and cancelled').getByText('Show 3')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Show older bookings|Try again/ })).toBeNull()
  })

  it("shows the server's refusal when its clock says too late, and the booking as it now is", async () => {
    vi.spyOn(api, 'cancelBooking').mockRejectedValue(tooLate)
    const reread = vi.spyOn(api, 'booking').mockResolvedValue({ booking: { ...soon, can_cancel: false } })
    await mount('/bookings')
    await clickCancel()
    expect(screen.getByRole('alert')).toHaveTextContent('Bookings can be cancelled until 20 minutes before the show.')
    expect(reread).toHaveBeenCalledWith(1)
    expect(cancelButtons()).toHaveLength(1) // only the later show's
    expect(closedNote()).toBeInTheDocument()
  })
})

describe('BookingDoneView left open', () => {
  const soon = booking(1, 90)

  it('puts the focus on the booking heading once it is cancelled, not on the page', async () => {
    vi.spyOn(api, 'booking').mockResolvedValue({ booking: soon })
    vi.spyOn(api, 'cancelBooking').mockResolvedValue({ booking: { ...soon, status: 'cancelled', can_cancel: false } })
    await mount('/bookings/1')
    await clickCancel()
    expect(screen.getByRole('heading', { name: 'Show 1' })).toHaveFocus()
    expect(cancelButtons()).toHaveLength(0)
  })

  it('takes Cancel away at the cutoff, the calendar link at the start and the QR code at the end', async () => {
    vi.spyOn(api, 'booking').mockResolvedValue({ booking: soon })
    await mount('/bookings/1')
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(70 * MINUTE - 1)
    expect(cancelButtons()).toHaveLength(1)
    expect(closedNote()).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(cancelButtons()).toHaveLength(0)
    expect(closedNote()).toHaveAttribute('role', 'status')
    expect(screen.getByRole('img', { name: /QR e-ticket/ })).toBeInTheDocument()

    await vi.advanceTimersByTimeAsync(20 * MINUTE)
    // Someone running late still has the code to show at the door.
    expect(screen.getByRole('img', { name: /QR e-ticket/ })).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent(/^The show has started\. .* until it ends at/)
    expect(screen.queryByRole('link', { name: 'Add to calendar' })).toBeNull()
    expect(closedNote()).toBeNull()
    expect(vi.getTimerCount()).toBe(1)

    await vi.advanceTimersByTimeAsync(150 * MINUTE - 1)
    expect(screen.getByRole('img', { name: /QR e-ticket/ })).toBeInTheDocument()
    await vi.advanceTimersByTimeAsync(1)
    expect(screen.queryByRole('img', { name: /QR e-ticket/ })).toBeNull()
    expect(screen.queryByRole('status')).toBeNull()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('checks the clock again when the tab comes back, and leaves no timer behind', async () => {
    vi.spyOn(api, 'booking').mockResolvedValue({ booking: soon })
    const view = await mount('/bookings/1')
    vi.setSystemTime(NOW + 75 * MINUTE)
    document.dispatchEvent(new Event('visibilitychange'))
    await nextTick()
    expect(cancelButtons()).toHaveLength(0)
    expect(closedNote()).toBeInTheDocument()
    view.unmount()
    expect(vi.getTimerCount()).toBe(0)
  })

  it("shows the server's refusal when its clock says too late, and the booking as it now is", async () => {
    const read = vi
      .spyOn(api, 'booking')
      .mockResolvedValueOnce({ booking: soon })
      .mockResolvedValueOnce({ booking: { ...soon, can_cancel: false } })
    vi.spyOn(api, 'cancelBooking').mockRejectedValue(tooLate)
    await mount('/bookings/1')
    await clickCancel()
    expect(screen.getByRole('alert')).toHaveTextContent('Bookings can be cancelled until 20 minutes before the show.')
    expect(read).toHaveBeenCalledTimes(2)
    expect(cancelButtons()).toHaveLength(0)
    expect(closedNote()).toBeInTheDocument()
  })

  it('still takes the button away when the booking cannot be read again after the refusal', async () => {
    vi.spyOn(api, 'booking')
      .mockResolvedValueOnce({ booking: soon })
      .mockRejectedValueOnce(new ApiError(0, 'network', 'No connection.'))
    vi.spyOn(api, 'cancelBooking').mockRejectedValue(tooLate)
    await mount('/bookings/1')
    await clickCancel()
    expect(cancelButtons()).toHaveLength(0)
    expect(closedNote()).toBeInTheDocument()
  })

  it('keeps the button after a refusal that may pass (try again)', async () => {
    vi.spyOn(api, 'booking').mockResolvedValue({ booking: soon })
    vi.spyOn(api, 'cancelBooking').mockRejectedValue(new ApiError(409, 'conflict', 'Please try again.'))
    await mount('/bookings/1')
    await clickCancel()
    expect(screen.getByRole('alert')).toHaveTextContent('Please try again.')
    expect(cancelButtons()).toHaveLength(1)
    expect(cancelButtons()[0]).toBeEnabled()
  })
})
