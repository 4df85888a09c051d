import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Venue } from '@/api/types'
import AdminVenuesView from '@/views/admin/AdminVenuesView.vue'

const venue = { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120 } as Venue

async function mount() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/venues', name: 'admin-venues', component: AdminVenuesView },
      ...['admin-venue-new', 'admin-venue-edit', 'admin-venue-shows', 'admin-export'].map((name) => ({ path: `/${name}/:id?`, name, component: stub })),
    ],
  })
  await router.push('/admin/venues')
  vi.spyOn(api, 'venues').mockResolvedValue({ venues: [venue] })
  render(AdminVenuesView, { global: { plugins: [pinia, router] } })
  await screen.findAllByText('Sathyam Cinemas')
}

describe('AdminVenuesView, deleting a venue whose upcoming shows have bookings', () => {
  it.each([
    [[7], '1 upcoming show of this venue has bookings. Deleting the venue cancels them.\n\nDelete anyway and cancel those bookings?'],
    [[7, 8, 9], '3 upcoming shows of this venue have bookings. Deleting the venue cancels them.\n\nDelete anyway and cancel those bookings?'],
    [undefined, 'It has bookings.\n\nDelete anyway and cancel those bookings?'],
  ])('says how many shows are concerned (%j)', async (showIds, question) => {
    await mount()
    const conflict = new ApiError(409, 'venue_has_bookings', 'It has bookings.', showIds ? { show_ids: showIds } : {})
    const remove = vi.spyOn(api, 'deleteVenue').mockRejectedValueOnce(conflict)
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(true).mockReturnValueOnce(false)
    await userEvent.setup().click(screen.getByRole('button', { name: /Delete/ }))
    await vi.waitFor(() => expect(confirm).toHaveBeenCalledTimes(2))
    expect(confirm.mock.calls[1]![0]).toBe(question)
    expect(remove.mock.calls).toEqual([[4, false]])
  })
})
