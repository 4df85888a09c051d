import { render, screen, waitFor } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api, ApiError } from '@/api'
import type { Show } from '@/api/types'
import HomeView from '@/views/HomeView.vue'

/** The home page at ``path``, with a route to a show's page for the result links. */
async function renderHome(path: string) {
  vi.spyOn(api, 'meta').mockResolvedValue({ languages: {}, locations: [], tags: [] } as never)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/shows/:id', name: 'show', component: { template: '<div />' } },
      { path: '/:any(.*)*', component: { template: '<div />' } },
    ],
  })
  await router.push(path)
  render(HomeView, { global: { plugins: [createPinia(), router] } })
  return router
}

describe('HomeView search', () => {
  it('sends one search when typing settles, not one per keystroke', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    const filter = vi.spyOn(api, 'filter').mockResolvedValue({ shows: [], next: null })
    await renderHome('/')
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(1)) // the first page
    await user.type(screen.getByLabelText('Search movie titles'), 'jawan')
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(2))
    expect(filter.mock.calls[1]?.[0]).toMatchObject({ q: 'jawan' })
    // Nothing else was sent while typing, nor once the search has settled.
    await vi.advanceTimersByTimeAsync(1000)
    expect(filter).toHaveBeenCalledTimes(2)
    vi.useRealTimers()
  })

  it('searches again when a link or back/forward changes the address', async () => {
    const filter = vi.spyOn(api, 'filter').mockResolvedValue({ shows: [], next: null })
    const router = await renderHome('/?q=leo&location=Delhi')
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(1))
    expect(filter.mock.calls[0]?.[0]).toMatchObject({ q: 'leo', location: 'Delhi' })

    await router.push('/') // "Shows" in the header
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(2))
    expect(filter.mock.calls[1]?.[0]).not.toHaveProperty('q')
    expect(filter.mock.calls[1]?.[0]).not.toHaveProperty('location')
    expect((screen.getByLabelText('Search movie titles') as HTMLInputElement).value).toBe('')

    router.back()
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(3))
    expect(filter.mock.calls[2]?.[0]).toMatchObject({ q: 'leo', location: 'Delhi' })
    expect((screen.getByLabelText('Search movie titles') as HTMLInputElement).value).toBe('leo')
  })

  it('appends the next page of results on "Show more" until the last page', async () => {
    const card = (id: number, title: string): Show => ({
      show_id: id, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title,
      starts_at: '2099-11-26T18:30:00+05:30', ends_at: '2099-11-26T21:00:00+05:30', price: '200.00',
      price_from: '200.00', currency: 'INR', language: 'ta', rating: 7.8, tags: ['action'], duration_minutes: 150,
      capacity: 100, free_seats: 40,
    })
    const filter = vi
      .spyOn(api, 'filter')
      .mockResolvedValueOnce({ shows: [card(1, 'Jailer'), card(2, 'Leo')], next: 'page-2' })
      .mockRejectedValueOnce(new ApiError(503, 'busy', 'The server is busy.'))
      .mockResolvedValueOnce({ shows: [card(3, 'Jawan')], next: null })
    await renderHome('/?location=Chennai')
    const user = userEvent.setup()
    expect(await screen.findByText('2+ shows found')).toBeTruthy()

    await user.click(screen.getByRole('button', { name: 'Show more' }))
    // A failed page keeps what is shown and offers to try again.
    expect((await screen.findByRole('alert')).textContent).toContain('The server is busy.')
    const cards = () => [...screen.getByRole('list', { name: 'Shows' }).children].map((li) => li.textContent)
    expect(cards()).toHaveLength(2)

    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText('3 shows found')).toBeTruthy()
    // The keyboard focus moves on to the first new show, not back to the top of the page.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Jawan'))
    expect(cards().map((text) => ['Jailer', 'Leo', 'Jawan'].find((t) => text?.includes(t)))).toEqual([
      'Jailer',
      'Leo',
      'Jawan',
    ])
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull()
    // The same search each time, continued from where the last page ended.
    expect(filter.mock.calls.map((call) => call[0])).toEqual([
      { location: 'Chennai', limit: 100 },
      { location: 'Chennai', limit: 100, after: 'page-2' },
      { location: 'Chennai', limit: 100, after: 'page-2' },
    ])
  })

  it('takes a show off the list when it starts while the page stays open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString()
    const card = (id: number, title: string, startsAt: string): Show => ({
      show_id: id, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title,
      starts_at: startsAt, ends_at: at(300), price: '200.00', price_from: '200.00', currency: 'INR', language: 'ta',
      rating: null, tags: [], duration_minutes: 150, capacity: 100, free_seats: 40,
    })
    vi.spyOn(api, 'filter').mockResolvedValue({ shows: [card(1, 'Jailer', at(2)), card(2, 'Leo', at(90))], next: null })
    await renderHome('/')
    expect(await screen.findByText('2 shows found')).toBeTruthy()
    expect(screen.getByText('Jailer')).toBeTruthy()

    await vi.advanceTimersByTimeAsync(2 * 60_000 + 1000)
    expect(await screen.findByText('1 show found')).toBeTruthy()
    expect(screen.queryByText('Jailer')).toBeNull()
    expect(screen.getByText('Leo')).toBeTruthy()
    vi.useRealTimers()
  })
})
