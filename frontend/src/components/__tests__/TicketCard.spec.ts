import { render, screen } from '@testing-library/vue'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Booking } from '@/api/types'
import TicketCard from '@/components/TicketCard.vue'

const booking = (patch: Partial<Booking> = {}): Booking => ({
  booking_id: 7, code: 'PKGNFBDU', show_id: 3, seats: ['E6', 'E7'], total: '500.00', status: 'confirmed',
  booked_at: '2026-11-20T10:00:00+05:30', cancelled_at: null, admitted_at: null, can_cancel: true,
  qr_url: '/api/booking/qr?booking_id=7', ics_url: '/api/booking/ics?booking_id=7',
  show: { show_id: 3, title: 'Jawan', starts_at: '2099-11-26T18:30:00+05:30', venue: { name: 'PVR', location: 'Mumbai' } },
  ...patch,
})

function mount(b: Booking) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', name: 'booking', component: { template: '<div />' } }] })
  render(TicketCard, { props: { booking: b }, global: { plugins: [router] } })
}

describe('TicketCard', () => {
  it('shows a confirmed ticket that can still be cancelled', () => {
    mount(booking())
    expect(screen.getByText('Confirmed')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Cancel booking' })).toBeInTheDocument()
  })

  it('says a ticket was used at the door, and offers no cancelling', () => {
    mount(booking({ admitted_at: '2026-11-26T18:05:00+05:30', can_cancel: false }))
    expect(screen.getByText('Used at the door')).toBeInTheDocument()
    expect(screen.queryByText('Confirmed')).toBeNull()
    expect(screen.queryByRole('button', { name: 'Cancel booking' })).toBeNull()
  })
})
