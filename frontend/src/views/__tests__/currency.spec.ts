import { render, screen } from '@testing-library/vue'
import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import type { Booking, StatsVenue } from '@/api/types'
import VenueStatsTable from '@/components/admin/VenueStatsTable.vue'
import BookingDoneView from '@/views/BookingDoneView.vue'

// Every amount is shown in the currency it is in: a booking's own, a venue's revenue per currency.

const booking: Booking = {
  booking_id: 9, code: 'EURO2345', show_id: 4, seats: ['A1', 'A2'], total: '25.00', currency: 'EUR',
  status: 'confirmed', booked_at: '2099-11-20T10:00:00+01:00', cancelled_at: null, admitted_at: null,
  can_cancel: true, cancel_until: '2099-11-26T17:30:00+01:00', cancel_cutoff_minutes: 60,
  qr_url: '/api/booking/qr?booking_id=9', ics_url: '/api/booking/ics?booking_id=9',
  show: {
    show_id: 4, title: 'Amelie', starts_at: '2099-11-26T18:30:00+01:00', ends_at: '2099-11-26T20:30:00+01:00',
    venue: { name: 'Rex', location: 'Paris' },
  },
}

describe('BookingDoneView', () => {
  it('says the total in the currency the booking was charged in', async () => {
    vi.spyOn(api, 'booking').mockResolvedValue({ booking })
    const stub = { template: '<div />' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/bookings', name: 'bookings', component: stub }, { path: '/:any(.*)*', component: stub }],
    })
    await router.push('/bookings/9')
    render(BookingDoneView, { global: { plugins: [createPinia(), router] } })
    await flushPromises()
    expect(screen.getByText('Total').nextElementSibling).toHaveTextContent('€25')
    expect(document.body).not.toHaveTextContent('₹')
  })
})

describe('VenueStatsTable', () => {
  const show = (id: number, revenues: StatsVenue['shows'][number]['revenues']) => ({
    show_id: id, title: `Show ${id}`, starts_at: `2099-12-0${id}T18:15:00+01:00`, capacity: 10, booked: 2, occupancy: 0.2,
    revenue: '0.00', revenues,
  })

  it("sums a venue's revenue per currency when it has sold in two, and each show in its own", () => {
    const venue: StatsVenue = {
      venue_id: 1, name: 'Rex', location: 'Paris', currency: 'GBP', capacity: 10,
      shows: [show(1, [{ currency: 'EUR', amount: '25.00' }]), show(2, [{ currency: 'GBP', amount: '10.00' }]), show(3, [])],
    }
    render(VenueStatsTable, { props: { venue } })
    expect(screen.getByText(/revenue/)).toHaveTextContent('revenue €25 + £10')
    const cells = screen.getAllByRole('cell').filter((c) => c.getAttribute('data-label') === 'Revenue')
    expect(cells.map((c) => c.textContent)).toEqual(['€25', '£10', '£0'])
  })
})
