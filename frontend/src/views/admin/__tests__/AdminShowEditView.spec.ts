import { render, screen } from '@testing-library/vue'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import type { Show, Venue } from '@/api/types'
import AdminShowEditView from '@/views/admin/AdminShowEditView.vue'

const venue = { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120, currency: 'EUR' } as Venue
const show = {
  show_id: 9, venue_id: 4, venue: { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai' }, title: 'Leo',
  starts_at: '2099-11-27T18:15:00+05:30', price: '200.00', currency: 'INR', language: 'ta', rating: null, tags: [],
  duration_minutes: 150, capacity: 120, free_seats: 120,
} as unknown as Show

async function mount(path: string) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/venues/:venueId/shows/new', name: 'admin-show-new', component: AdminShowEditView },
      { path: '/admin/shows/:id/edit', name: 'admin-show-edit', component: AdminShowEditView },
      { path: '/admin/venues/:id/shows', name: 'admin-venue-shows', component: { template: '<div />' } },
    ],
  })
  vi.spyOn(api, 'meta').mockResolvedValue({ languages: { ta: 'Tamil' }, locations: [], tags: [] } as never)
  vi.spyOn(api, 'venue').mockResolvedValue({ venue })
  vi.spyOn(api, 'show').mockResolvedValue({ show })
  vi.spyOn(api, 'shows').mockResolvedValue({ shows: [show] })
  await router.push(path)
  render(AdminShowEditView, { global: { plugins: [pinia, router] } })
}

describe('AdminShowEditView', () => {
  it('names the venue a new show is scheduled in', async () => {
    await mount('/admin/venues/4/shows/new')
    expect(await screen.findByTestId('show-venue')).toHaveTextContent('at Sathyam Cinemas, Chennai')
    expect(screen.getByRole('heading', { name: 'New show' })).toBeInTheDocument()
  })

  it("asks for the price in the venue's currency", async () => {
    await mount('/admin/venues/4/shows/new')
    expect(await screen.findByLabelText(/Base price \(EUR\)/)).toBeInTheDocument()
  })

  it("asks for the price of a show being edited in its venue's currency", async () => {
    await mount('/admin/shows/9/edit')
    expect(await screen.findByLabelText(/Base price \(INR\)/)).toBeInTheDocument()
  })

  it('names the venue of a show being edited', async () => {
    await mount('/admin/shows/9/edit')
    expect(await screen.findByTestId('show-venue')).toHaveTextContent('at Sathyam Cinemas, Chennai')
    expect(api.venue).not.toHaveBeenCalled()
  })
})
