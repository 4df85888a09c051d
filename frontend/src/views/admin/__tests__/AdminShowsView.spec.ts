import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Show, Venue } from '@/api/types'
import ConfirmDialog from '@/components/ConfirmDialog.vue'
import { answerDialog, openQuestion } from '@/test-utils/confirm'
import AdminShowsView from '@/views/admin/AdminShowsView.vue'

const venue = { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120 } as Venue
const show = {
  show_id: 9, venue_id: 4, title: 'Leo', starts_at: '2099-11-27T18:15:00+05:30', price: '200.00', currency: 'INR', capacity: 120, free_seats: 117,
} as Show

async function mount() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/venues/:id/shows', name: 'admin-venue-shows', component: AdminShowsView },
      { path: '/admin/shows/:id/edit', name: 'admin-show-edit', component: { template: '<div />' } },
      { path: '/admin/venues/:venueId/shows/new', name: 'admin-show-new', component: { template: '<div />' } },
    ],
  })
  await router.push('/admin/venues/4/shows')
  vi.spyOn(api, 'venue').mockResolvedValue({ venue })
  vi.spyOn(api, 'shows').mockResolvedValue({ shows: [show] })
  render({ render: () => [h(AdminShowsView), h(ConfirmDialog)] }, { global: { plugins: [pinia, router] } })
  await screen.findByText('Leo')
}

describe('AdminShowsView, deleting a show with bookings', () => {
  it.each([
    [1, 'This show has 1 active booking.\n\nDelete anyway and cancel it?'],
    [3, 'This show has 3 active bookings.\n\nDelete anyway and cancel them?'],
  ])('words a count of %i with the right plural', async (active, question) => {
    await mount()
    const conflict = new ApiError(409, 'show_has_bookings', 'server text', { active_bookings: active })
    const remove = vi.spyOn(api, 'deleteShow').mockRejectedValueOnce(conflict)
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Delete' }))
    await answerDialog(user, 'Delete show')
    await vi.waitFor(() => expect(openQuestion().message).toBe(question))
    // Declining the second question keeps the show.
    await answerDialog(user, 'Keep it')
    expect(remove.mock.calls).toEqual([[9, false]])
  })

  it("falls back on the server's message when it gives no count", async () => {
    await mount()
    vi.spyOn(api, 'deleteShow').mockRejectedValueOnce(new ApiError(409, 'show_has_bookings', 'It has bookings.'))
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Delete' }))
    await answerDialog(user, 'Delete show')
    await vi.waitFor(() => expect(openQuestion().message).toBe('It has bookings.\n\nDelete anyway and cancel those bookings?'))
  })
})

describe('AdminShowsView, duplicating a show', () => {
  it('links each show to a new show filled in from it', async () => {
    await mount()
    expect(screen.getByRole('link', { name: 'Duplicate' })).toHaveAttribute('href', '/admin/venues/4/shows/new?from=9')
  })
})
