import { render, screen, within } from '@testing-library/vue'
import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { api } from '@/api'
import type { SeatMapResponse, Show, User } from '@/api/types'
import { seatsFromLayout } from '@/lib/layout'
import { useAuthStore } from '@/stores/auth'
import ShowView from '@/views/ShowView.vue'

const show = {
  show_id: 7, venue_id: 1, venue: { venue_id: 1, name: 'Sathyam', location: 'Chennai' }, title: 'Dune',
  starts_at: '2099-01-01T18:00:00+05:30', ends_at: null, language: 'en', rating: null,
} as unknown as Show

function seatMap(
  patch: Record<string, Partial<SeatMapResponse['seats'][number]>> = {},
  hold: SeatMapResponse['hold'] = null,
): SeatMapResponse {
  const seats = seatsFromLayout(2, 4, { removed: [], categories: [] }, '200.00')
  for (const [label, change] of Object.entries(patch)) Object.assign(seats.find((s) => s.seat === label)!, change)
  return { show_id: 7, rows: 2, seats_per_row: 4, seats, hold }
}

async function mountShow(map: SeatMapResponse, startsAt = show.starts_at) {
  vi.spyOn(api, 'show').mockResolvedValue({ show: { ...show, starts_at: startsAt } })
  vi.spyOn(api, 'seats').mockResolvedValue(map)
  const stub = { render: () => h('div') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/shows/:id', name: 'show', component: ShowView },
      ...['confirm', 'bookings', 'signin', 'signup'].map((name) => ({ path: `/${name}`, name, component: stub })),
    ],
  })
  await router.push('/shows/7')
  const pinia = createPinia()
  useAuthStore(pinia).user = { email: 'asha@example.com', name: 'Asha' } as User
  render({ render: () => h(RouterView) }, { global: { plugins: [pinia, router] } })
  await flushPromises()
  expect(screen.getByRole('group', { name: 'Seats for Dune' })).toBeInTheDocument()
}

const seat = (label: string) => document.querySelector<HTMLElement>(`[data-seat="${label}"]`)!

describe('ShowView', () => {
  it('marks the seats you booked, says which, and lists them in the legend', async () => {
    await mountShow(seatMap({ A2: { status: 'booked', mine: true }, B1: { status: 'booked', mine: true }, A3: { status: 'booked' } }))
    expect(seat('A2')).toHaveAttribute('data-status', 'yours')
    expect(seat('A2')).toHaveAccessibleName('Seat A2, Standard, ₹200, booked by you')
    expect(seat('A3')).toHaveAttribute('data-status', 'booked')
    expect(screen.getByTestId('booked-by-you')).toHaveTextContent('You have booked seats A2, B1 for this show')
    const legend = screen.getByRole('list', { name: 'Seat status legend' })
    expect(within(legend).getByText('Booked by you')).toBeInTheDocument()
  })

  it('has no "booked by you" without a booking of yours', async () => {
    await mountShow(seatMap({ A3: { status: 'booked' } }))
    expect(screen.queryByTestId('booked-by-you')).toBeNull()
    const legend = screen.getByRole('list', { name: 'Seat status legend' })
    expect(within(legend).queryByText('Booked by you')).toBeNull()
    expect(within(legend).getByText('Booked')).toBeInTheDocument()
  })
})

describe('ShowView when the show starts while it is open', () => {
  const NOW = new Date('2026-11-26T12:00:00Z').getTime()
  afterEach(() => vi.useRealTimers())

  it('disables Continue and says so at the start time', async () => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    const startsAt = new Date(NOW + 5 * 60_000).toISOString()
    const held = { hold_id: 'h1', expires_at: new Date(NOW + 8 * 60_000).toISOString(), seats: ['B1'], total: '200.00' }
    await mountShow(seatMap({ B1: { status: 'held', mine: true } }, held), startsAt)
    const proceed = screen.getByRole('button', { name: 'Continue' })
    expect(proceed).toBeEnabled()
    expect(screen.queryByText(/already started/)).toBeNull()

    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1000)
    expect(proceed).toBeEnabled()
    await vi.advanceTimersByTimeAsync(1000)
    expect(proceed).toBeDisabled()
    expect(screen.getByText('This show has already started; seats can no longer be booked.')).toHaveAttribute('role', 'status')
    expect(screen.getByRole('button', { name: 'Suggest' })).toBeDisabled()
  })
})
