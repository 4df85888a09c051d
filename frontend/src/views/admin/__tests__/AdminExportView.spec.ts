import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Venue } from '@/api/types'
import AdminExportView from '@/views/admin/AdminExportView.vue'

const pvr = { venue_id: 3, name: 'PVR Phoenix', location: 'Mumbai' } as Venue
const sathyam = { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai' } as Venue

async function mount(url: string) {
  vi.spyOn(api, 'venues').mockResolvedValue({ venues: [pvr, sathyam] })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/export', name: 'admin-export', component: AdminExportView },
      { path: '/admin/venues', name: 'admin-venues', component: { template: '<div />' } },
    ],
  })
  await router.push(url)
  render(AdminExportView, { global: { plugins: [createPinia(), router] } })
  return userEvent.setup()
}

const heading = () => screen.getByRole('heading', { level: 1 })

describe('AdminExportView', () => {
  it('names the venue of the link in its heading, and the one chosen instead', async () => {
    const one = vi.spyOn(api, 'venue').mockResolvedValue({ venue: sathyam })
    const user = await mount('/admin/export?venue_id=4')
    await vi.waitFor(() => expect(heading()).toHaveTextContent('Show summary of Sathyam Cinemas, Chennai'))
    expect(one).toHaveBeenCalledWith(4)
    expect(screen.getByLabelText('Venue')).toHaveValue('4')
    await user.selectOptions(screen.getByLabelText('Venue'), '3')
    expect(heading()).toHaveTextContent('Show summary of PVR Phoenix, Mumbai')
  })

  it('names the first venue when the link names none', async () => {
    const one = vi.spyOn(api, 'venue')
    await mount('/admin/export')
    await vi.waitFor(() => expect(heading()).toHaveTextContent('Show summary of PVR Phoenix, Mumbai'))
    expect(one).not.toHaveBeenCalled()
  })

  it.each([
    ['a venue that does not exist', '99'],
    ['a link without a number', 'abc'],
  ])('says so for %s, with the way back to the venues', async (_, id) => {
    vi.spyOn(api, 'venue').mockRejectedValue(new ApiError(404, 'not_found', 'Venue not found.'))
    await mount(`/admin/export?venue_id=${id}`)
    expect(await screen.findByRole('alert')).toHaveTextContent('Venue not found.')
    expect(heading()).toHaveTextContent('Show summary of a venue')
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    expect(screen.getByRole('link', { name: 'All venues' })).toHaveAttribute('href', '/admin/venues')
    expect(screen.queryByRole('button', { name: 'Start export' })).toBeNull()
  })

  it('offers to try again when the venues could not be loaded', async () => {
    vi.spyOn(api, 'venue').mockRejectedValue(new ApiError(503, 'busy', 'The server is busy.'))
    await mount('/admin/export?venue_id=4')
    expect(await screen.findByRole('alert')).toHaveTextContent('The server is busy.')
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument()
  })

  it('says which venue a finished file is for once another is chosen', async () => {
    vi.spyOn(api, 'venue').mockResolvedValue({ venue: sathyam })
    const startExport = vi.spyOn(api, 'startExport').mockResolvedValue({ job_id: 'j1' })
    vi.spyOn(api, 'exportStatus').mockResolvedValue({ job_id: 'j1', state: 'done', progress: 100 })
    const user = await mount('/admin/export?venue_id=4')
    await user.click(await screen.findByRole('button', { name: 'Start export' }))
    expect(startExport).toHaveBeenCalledWith(4)
    expect(await screen.findByTestId('export-state')).toHaveTextContent('Ready')
    expect(screen.queryByText(/· Sathyam/)).toBeNull()
    await user.selectOptions(screen.getByLabelText('Venue'), '3')
    expect(screen.getByText('· Sathyam Cinemas (Chennai)')).toBeInTheDocument()
  })
})
