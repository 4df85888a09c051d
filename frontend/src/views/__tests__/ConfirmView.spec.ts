import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { api } from '@/api'
import type { Show } from '@/api/types'
import { seatsFromLayout } from '@/lib/layout'
import ConfirmView from '@/views/ConfirmView.vue'

const NOW = new Date('2026-11-26T12:00:00Z').getTime()
const at = (ms: number) => new Date(NOW + ms).toISOString()

const show = {
  show_id: 7, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title: 'Dune',
  starts_at: at(3 * 60_000), ends_at: null, language: 'en', rating: null,
} as unknown as Show

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(NOW)
})
afterEach(() => vi.useRealTimers())

/** The confirm page opened directly (as after a reload): it loads the show and our hold. */
async function mountConfirm() {
  const seats = seatsFromLayout(1, 4, { removed: [], categories: [] }, '200.00')
  Object.assign(seats[1]!, { status: 'held', mine: true })
  vi.spyOn(api, 'show').mockResolvedValue({ show })
  vi.spyOn(api, 'seats').mockResolvedValue({
    show_id: 7, rows: 1, seats_per_row: 4, seats,
    hold: { hold_id: 'h1', expires_at: at(8 * 60_000), seats: ['A2'], total: '200.00' },
  })
  const stub = { render: () => h('div') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/shows/:id/confirm', name: 'confirm', component: ConfirmView },
      { path: '/shows/:id', name: 'show', component: stub },
      { path: '/bookings/:id', name: 'booking', component: stub },
    ],
  })
  await router.push('/shows/7/confirm')
  render({ render: () => h(RouterView) }, { global: { plugins: [createPinia(), router] } })
  await flushPromises()
}

describe('ConfirmView when the show starts while it is open', () => {
  it('disables Confirm and says so at the start time', async () => {
    await mountConfirm()
    const confirm = screen.getByRole('button', { name: /Confirm booking/ })
    expect(confirm).toBeEnabled()
    expect(screen.queryByText(/already started/)).toBeNull()
    expect(screen.getByRole('timer')).toHaveTextContent('Seats held for 8:00')

    await vi.advanceTimersByTimeAsync(3 * 60_000 - 1000)
    expect(confirm).toBeEnabled()
    await vi.advanceTimersByTimeAsync(1000)
    expect(confirm).toBeDisabled()
    expect(screen.getByText('This show has already started; seats can no longer be booked.')).toHaveAttribute('role', 'status')
    expect(screen.queryByRole('timer')).toBeNull() // in place of the hold's countdown

    // Nothing is sent: the server would only refuse.
    const book = vi.spyOn(api, 'book')
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(confirm)
    expect(book).not.toHaveBeenCalled()
  })
})
