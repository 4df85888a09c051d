import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import type { Show, ShowInput, Venue } from '@/api/types'
import { useNoticesStore } from '@/stores/notices'
import AdminShowEditView from '@/views/admin/AdminShowEditView.vue'

const venue = { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120, currency: 'EUR' } as Venue
const show = {
  show_id: 9, venue_id: 4, venue: { venue_id: 4, name: 'Sathyam Cinemas', location: 'Chennai' }, title: 'Leo',
  starts_at: '2099-11-27T18:15:00+05:30', price: '200.00', currency: 'INR', language: 'ta', rating: null, tags: [],
  duration_minutes: 150, capacity: 120, free_seats: 120,
} as unknown as Show

async function mount(path: string, opts: { currency?: string; shows?: Show[]; meta?: object } = {}) {
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
  const meta = opts.meta ?? { languages: { ta: 'Tamil' }, locations: [], tags: [], timezone: 'Asia/Kolkata' }
  vi.spyOn(api, 'meta').mockResolvedValue(meta as never)
  vi.spyOn(api, 'venue').mockResolvedValue({ venue: { ...venue, currency: opts.currency ?? venue.currency } })
  vi.spyOn(api, 'show').mockResolvedValue({ show })
  vi.spyOn(api, 'shows').mockResolvedValue({ shows: opts.shows ?? [show] })
  await router.push(path)
  render(AdminShowEditView, { global: { plugins: [pinia, router] } })
  return router
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

  it("names the server's zone the start is typed in, not the venue's", async () => {
    await mount('/admin/venues/4/shows/new')
    expect(await screen.findByLabelText(/^Starts at \(Asia\/Kolkata time\)/)).toBeInTheDocument()
    expect(screen.queryByText(/venue time/)).toBeNull()
  })
})

describe('AdminShowEditView, the language', () => {
  it('offers every film language in the order the server gives: the common ones first', async () => {
    const meta = {
      // As the server sends it: in order of code.
      languages: { en: 'English', fr: 'French', hi: 'Hindi', ko: 'Korean', ta: 'Tamil', te: 'Telugu' },
      film_languages: ['en', 'hi', 'ta', 'te', 'fr', 'ko'],
      mail_languages: ['en', 'hi', 'ta', 'te'],
      locations: [],
      tags: [],
    }
    await mount('/admin/shows/9/edit', { meta })
    const select = (await screen.findByLabelText('Language')) as HTMLSelectElement
    await vi.waitFor(() => expect(select.options).toHaveLength(6))
    expect([...select.options].map((o) => o.textContent)).toEqual(['English', 'Hindi', 'Tamil', 'Telugu', 'French', 'Korean'])
    expect(select.value).toBe('ta')
    await userEvent.setup().selectOptions(select, 'ko')
    expect(select.value).toBe('ko')
  })
})

describe('AdminShowEditView, the price a new show starts with', () => {
  it('is empty in a venue charging euros: a rupee price means nothing there', async () => {
    await mount('/admin/venues/4/shows/new', { currency: 'EUR' })
    expect(await screen.findByLabelText(/Base price \(EUR\)/)).toHaveValue('')
  })

  it("is the venue's latest show's price", async () => {
    await mount('/admin/venues/4/shows/new', { currency: 'INR' })
    expect(await screen.findByLabelText(/Base price \(INR\)/)).toHaveValue('200.00')
  })

  it('is a usual rupee price in a rupee venue without shows', async () => {
    await mount('/admin/venues/4/shows/new', { currency: 'INR', shows: [] })
    expect(await screen.findByLabelText(/Base price \(INR\)/)).toHaveValue('250.00')
  })
})

describe('AdminShowEditView, a week of shows', () => {
  const created = (input: ShowInput, id: number) =>
    ({ ...show, ...input, show_id: id, ends_at: input.starts_at, rating: input.rating }) as unknown as Show

  it('fills a duplicate in from its show, a day later, and saves one day after another', async () => {
    const router = await mount('/admin/venues/4/shows/new?from=9', { currency: 'INR' })
    expect(await screen.findByTestId('show-copied')).toHaveTextContent(/Filled in from “Leo” on Fri, 27 Nov/)
    expect(api.show).toHaveBeenCalledWith(9)
    expect(screen.getByLabelText(/^Movie title/)).toHaveValue('Leo')
    expect(screen.getByLabelText(/^Starts at/)).toHaveValue('2099-11-28T18:15')
    expect(screen.getByLabelText(/^Base price/)).toHaveValue('200.00')
    expect(screen.getByLabelText('Language')).toHaveValue('ta')

    let id = 10
    const create = vi.spyOn(api, 'createShow').mockImplementation(async (input) => ({ show: created(input, id++) }))
    const user = userEvent.setup()
    const next = screen.getByRole('button', { name: 'Create and add next day' })
    await user.click(next)
    await vi.waitFor(() => expect(screen.getByLabelText(/^Starts at/)).toHaveValue('2099-11-29T18:15'))
    expect(create.mock.calls[0]![0]).toMatchObject({ venue_id: 4, title: 'Leo', starts_at: '2099-11-28T18:15:00+05:30', price: '200.00' })
    expect(screen.getByTestId('show-copied')).toHaveTextContent(/Filled in from “Leo” on Sat, 28 Nov/)
    expect(next).toHaveFocus()
    // Each save's notice names its day, so the next one is news to a screen reader too.
    expect(useNoticesStore().items.map((n) => n.text)).toEqual([expect.stringMatching(/^“Leo” on Sat, 28 Nov, 6:15\spm is saved\.$/)])
    expect(router.currentRoute.value.name).toBe('admin-show-new')

    // Enter saves the last one and goes back to the list.
    await user.type(screen.getByLabelText(/^Movie title/), '{Enter}')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('admin-venue-shows'))
    expect(create.mock.calls.map(([input]) => input.starts_at)).toEqual(['2099-11-28T18:15:00+05:30', '2099-11-29T18:15:00+05:30'])
  })

  it('offers no next day when a show is edited', async () => {
    await mount('/admin/shows/9/edit')
    await screen.findByRole('button', { name: 'Save show' })
    expect(screen.queryByRole('button', { name: 'Create and add next day' })).toBeNull()
    expect(screen.queryByTestId('show-copied')).toBeNull()
  })
})
