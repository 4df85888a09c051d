import { render, screen, waitFor } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import HomeView from '@/views/HomeView.vue'

describe('HomeView search', () => {
  it('sends one search when typing settles, not one per keystroke', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    const filter = vi.spyOn(api, 'filter').mockResolvedValue({ shows: [] })
    vi.spyOn(api, 'meta').mockResolvedValue({ languages: {}, locations: [], tags: [] } as never)
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }],
    })
    await router.push('/')
    render(HomeView, { global: { plugins: [createPinia(), router] } })
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(1)) // the first page
    await user.type(screen.getByLabelText('Search movie titles'), 'jawan')
    await waitFor(() => expect(filter).toHaveBeenCalledTimes(2))
    expect(filter.mock.calls[1]?.[0]).toMatchObject({ q: 'jawan' })
    // Nothing else was sent while typing, nor once the search has settled.
    await vi.advanceTimersByTimeAsync(1000)
    expect(filter).toHaveBeenCalledTimes(2)
    vi.useRealTimers()
  })
})
