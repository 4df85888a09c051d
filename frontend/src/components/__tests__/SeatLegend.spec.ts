import { render, screen } from '@testing-library/vue'
import { describe, expect, it } from 'vitest'
import type { Seat } from '@/api/types'
import SeatLegend from '@/components/SeatLegend.vue'
import { seatsFromLayout } from '@/lib/layout'

const seats = (): Seat[] =>
  seatsFromLayout(2, 3, { removed: [], categories: [{ name: 'Premium', rows: ['B'], surcharge: '100.00' }] }, '200.00')

describe('SeatLegend', () => {
  it('explains the seat statuses and the categories with their prices', () => {
    render(SeatLegend, { props: { seats: seats(), currency: 'INR' } })
    const statuses = screen.getByRole('list', { name: 'Seat status legend' })
    expect(statuses).toHaveTextContent('Free')
    expect(statuses).toHaveTextContent('Held by someone')
    expect(statuses).not.toHaveTextContent('Booked by you')
    const categories = screen.getByRole('list', { name: 'Price categories' })
    expect(categories).toHaveTextContent('Standard ₹200')
    expect(categories).toHaveTextContent('Premium ₹300')
  })

  it('leaves the statuses out when asked (the layout editor has no bookings), keeping the categories', () => {
    render(SeatLegend, { props: { seats: seatsFromLayout(2, 3, { removed: [], categories: [] }, '0.00'), currency: 'INR', statuses: false, pricePrefix: '+' } })
    expect(screen.queryByRole('list', { name: 'Seat status legend' })).toBeNull()
    expect(screen.getByRole('list', { name: 'Price categories' })).toHaveTextContent('Standard +₹0')
  })

  it("prices the categories in the venue's currency", () => {
    render(SeatLegend, { props: { seats: seats(), currency: 'EUR' } })
    const categories = screen.getByRole('list', { name: 'Price categories' })
    expect(categories).toHaveTextContent('Standard €200')
    expect(categories).toHaveTextContent('Premium €300')
    expect(categories).not.toHaveTextContent('₹')
  })
})
