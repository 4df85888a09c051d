import { render, screen } from '@testing-library/vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Booking } from '@/api/types'
import TicketCard from '@/components/TicketCard.vue'

const booking = (patch: Partial<Booking> = {}): Booking => ({
  booking_id: 7, code: 'PKGNFBDU', show_id: 3, seats: ['E6', 'E7'], total: '500.00', currency: 'INR', status: 'confirmed',
  booked_at: '2026-11-20T10:00:00+05:30', cancelled_at: null, admitted_at: null, can_cancel: true,
  cancel_until: '2099-11-26T17:30:00+05:30', cancel_cutoff_minutes: 60,
  qr_url: '/api/booking/qr?booking_id=7', ics_url: '/api/booking/ics?booking_id=7',
  show: {
    show_id: 3, title: 'Jawan', starts_at: '2099-11-26T18:30:00+05:30', ends_at: '2099-11-26T21:00:00+05:30',
    venue: { name: 'PVR', location: 'Mumbai' },
  },
  ...patch,
})

function mount(b: Booking) {
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/bookings/:id', name: 'booking', component: stub }, { path: '/:any(.*)*', component: stub }],
  })
  return render(TicketCard, { props: { booking: b }, global: { plugins: [router] } })
}

const cancelButton = () => screen.queryByRole('button', { name: 'Cancel booking' })

describe('TicketCard', () => {
  it('says the total in the currency the booking was charged in', () => {
    mount(booking({ total: '25.00', currency: 'EUR' }))
    expect(screen.getByText('€25')).toBeInTheDocument()
    expect(screen.queryByText(/₹/)).toBeNull()
  })

  it('shows a confirmed ticket that can still be cancelled', () => {
    mount(booking())
    expect(screen.getByText('Confirmed')).toBeInTheDocument()
    expect(cancelButton()).toBeInTheDocument()
  })

  it('says a ticket was used at the door, and offers no cancelling', () => {
    mount(booking({ admitted_at: '2026-11-26T18:05:00+05:30', can_cancel: false }))
    expect(screen.getByText('Used at the door')).toBeInTheDocument()
    expect(screen.queryByText('Confirmed')).toBeNull()
    expect(cancelButton()).toBeNull()
    expect(screen.queryByText(/Cancellation closed/)).toBeNull()
  })
})

describe('TicketCard left open', () => {
  const NOW = new Date('2026-11-26T12:00:00Z').getTime()
  const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString()
  // The show starts in 90 minutes and ends 150 minutes later (at 16:00 UTC); cancelling closes
  // 20 minutes before the start (not the default 60).
  const soon = (patch: Partial<Booking> = {}) =>
    booking({
      show: { ...booking().show, starts_at: at(90), ends_at: at(240) },
      cancel_until: at(70),
      cancel_cutoff_minutes: 20,
      ...patch,
    })
  const qr = () => screen.queryByRole('img', { name: /QR code/ })

  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  it('takes Cancel away at the cutoff and says why, with one timer', async () => {
    mount(soon())
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(70 * 60_000 - 1)
    expect(cancelButton()).toBeInTheDocument()
    expect(screen.queryByText(/Cancellation closed/)).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(cancelButton()).toBeNull()
    expect(screen.getByRole('status')).toHaveTextContent('Cancellation closed 20 minutes before the show.')
    expect(screen.getByText('Confirmed')).toBeInTheDocument()
    expect(vi.getTimerCount()).toBe(1) // now waiting for the start
  })

  it('keeps the QR code past the start, saying the show has started, until the end', async () => {
    mount(soon())
    expect(screen.getByRole('link', { name: 'Add to calendar' })).toBeInTheDocument()
    await vi.advanceTimersByTimeAsync(90 * 60_000 - 1)
    expect(screen.queryByText('Show started')).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    // Someone running late opens the ticket: the door still admits it, so the code is there.
    expect(screen.getByText('Show started')).toBeInTheDocument()
    expect(qr()).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent(
      /^The show has started\. Your ticket still gets you in until it ends at 4:00\spm\.$/,
    )
    expect(screen.queryByRole('link', { name: 'Add to calendar' })).toBeNull()
    expect(screen.queryByText(/Cancellation closed/)).toBeNull()
    expect(screen.queryByText('Past')).toBeNull()
    expect(vi.getTimerCount()).toBe(1) // now waiting for the end

    await vi.advanceTimersByTimeAsync(150 * 60_000 - 1)
    expect(qr()).toBeInTheDocument()
    expect(screen.queryByText('Past')).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(screen.getByText('Past')).toBeInTheDocument()
    expect(qr()).toBeNull()
    expect(screen.queryByRole('status')).toBeNull()
    expect(screen.queryByText('Show started')).toBeNull()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('says nothing of the start on a ticket already used at the door', async () => {
    mount(soon({ admitted_at: at(80), can_cancel: false }))
    await vi.advanceTimersByTimeAsync(100 * 60_000)
    expect(screen.getByText('Used at the door')).toBeInTheDocument()
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('opened after the start, shows the QR code at once', () => {
    vi.setSystemTime(NOW + 100 * 60_000)
    mount(soon())
    expect(qr()).toBeInTheDocument()
    expect(screen.getByText('Show started')).toBeInTheDocument()
    expect(cancelButton()).toBeNull()
  })

  it('believes the server that cancelling closed, even before this clock says so', () => {
    mount(soon({ can_cancel: false })) // the server's clock is ahead of this one
    expect(cancelButton()).toBeNull()
    expect(screen.getByText('Cancellation closed 20 minutes before the show.')).toBeInTheDocument()
  })

  it('checks the clock again when the tab comes back from sleep', async () => {
    mount(soon())
    vi.setSystemTime(NOW + 75 * 60_000) // the timer has not fired yet
    expect(cancelButton()).toBeInTheDocument()
    document.dispatchEvent(new Event('visibilitychange'))
    await nextTick()
    expect(cancelButton()).toBeNull()
  })

  it('leaves no timer behind when it goes', () => {
    const view = mount(soon())
    view.unmount()
    expect(vi.getTimerCount()).toBe(0)
  })
})
