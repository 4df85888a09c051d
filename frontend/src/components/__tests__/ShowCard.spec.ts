import { render, screen } from '@testing-library/vue'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Show } from '@/api/types'
import ShowCard from '@/components/ShowCard.vue'

const base: Show = {
  show_id: 3, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title: 'Jailer',
  starts_at: '2099-11-26T18:30:00+05:30', ends_at: '2099-11-26T21:00:00+05:30', price: '200.00', price_from: '150.00', currency: 'INR',
  language: 'ta', rating: 7.8, tags: ['action'], duration_minutes: 150, capacity: 100, free_seats: 40,
}

function renderCard(patch: Partial<Show> = {}) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/shows/:id', name: 'show', component: { template: '<div/>' } }, { path: '/', component: { template: '<div/>' } }] })
  return render(ShowCard, { props: { show: { ...base, ...patch } }, global: { plugins: [createPinia(), router] } })
}

describe('ShowCard', () => {
  it('shows title, venue, time, price from and seats left', () => {
    renderCard()
    expect(screen.getByRole('link', { name: 'Jailer' })).toHaveAttribute('href', '/shows/3')
    expect(screen.getByText(/Sathyam · Chennai/)).toBeInTheDocument()
    expect(screen.getByText(/6:30\s?pm/i)).toBeInTheDocument()
    expect(screen.getByText('₹150')).toBeInTheDocument()
    expect(screen.getByText('40 of 100 seats left')).toBeInTheDocument()
    expect(screen.getByText('Tamil')).toBeInTheDocument()
    expect(screen.queryByText('Almost full')).toBeNull()
  })

  it("prices the show in its venue's currency", () => {
    renderCard({ currency: 'USD', price_from: '12.50' })
    expect(screen.getByText('$12.50')).toBeInTheDocument()
    expect(screen.queryByText(/₹/)).toBeNull()
  })

  it('says "Almost full" under 15 % free and "Sold out" at zero', () => {
    renderCard({ free_seats: 14 })
    expect(screen.getByText('Almost full')).toBeInTheDocument()
  })

  it('does not call 15 % almost full', () => {
    renderCard({ free_seats: 15 })
    expect(screen.queryByText('Almost full')).toBeNull()
  })

  it('marks sold-out shows', () => {
    renderCard({ free_seats: 0 })
    expect(screen.getByText('Sold out')).toBeInTheDocument()
  })
})
