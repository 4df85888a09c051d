import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Venue } from '@/api/types'
import ConfirmDialog from '@/components/ConfirmDialog.vue'
import { answerDialog, openQuestion } from '@/test-utils/confirm'
import AdminVenuesView from '@/views/admin/AdminVenuesView.vue'

const venue = { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120 } as Venue

async function mount(list: Venue[] = [venue]) {
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
  vi.spyOn(api, 'venues').mockResolvedValue({ venues: list })
  render({ render: () => [h(AdminVenuesView), h(ConfirmDialog)] }, { global: { plugins: [pinia, router] } })
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
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Delete' }))
    expect(openQuestion()).toMatchObject({ title: 'Delete venue?', message: 'Delete Sathyam Cinemas? Its shows are deleted too.' })
    await answerDialog(user, 'Delete venue')
    await vi.waitFor(() => expect(openQuestion().message).toBe(question))
    // Declining the second question keeps the venue.
    await answerDialog(user, 'Keep it')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(remove.mock.calls).toEqual([[4, false]])
  })
})

describe('AdminVenuesView, after deleting a venue', () => {
  it('puts the focus on the heading, since the pressed button went with its row', async () => {
    await mount()
    vi.spyOn(api, 'deleteVenue').mockResolvedValueOnce({})
    vi.spyOn(api, 'venues').mockResolvedValue({ venues: [] })
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Delete' }))
    await answerDialog(user, 'Delete venue')
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Venues' })))
    expect(screen.queryByText('Sathyam Cinemas')).toBeNull()
  })
})

describe('AdminVenuesView, the seat count', () => {
  it('says how the rows and removed seats make up the count, so that it adds up', async () => {
    const halls = [
      { ...venue, venue_id: 5, name: 'Aisles', rows: 10, seats_per_row: 14, capacity: 120 },
      { ...venue, venue_id: 6, name: 'Studio', rows: 1, seats_per_row: 1, capacity: 1 },
    ]
    await mount([venue, ...halls])
    const cells = screen.getAllByRole('cell').filter((c) => c.getAttribute('data-label') === 'Seats')
    // Before: '120 (10 × 14)' for 140 places with 20 removed.
    expect(cells.map((c) => c.textContent!.replace(/\s+/g, ' ').trim())).toEqual([
      '120 seats (10 rows × 12)', '120 seats (10 rows × 14, 20 removed)', '1 seat (1 row × 1)',
    ])
  })
})
