import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { StatsShow, StatsVenue } from '@/api/types'
import DashboardFigures from '@/components/admin/DashboardFigures.vue'
import { formatOccupancy, rankShows, type DashboardStats } from '@/components/admin/dashboard'
import OccupancyCard from '@/components/admin/OccupancyCard.vue'
import VenueStatsTable from '@/components/admin/VenueStatsTable.vue'

// jsdom has no canvas to draw on; the charts' numbers are also in their screen-reader tables.
vi.mock('vue-chartjs', async () => {
  const { h } = await import('vue')
  return { Bar: { name: 'Bar', render: () => h('canvas') } }
})

let nextId = 1
function show(title: string, day: number, occupancy: number): StatsShow {
  const starts = `2099-12-${String(day).padStart(2, '0')}T18:15:00+05:30`
  return { show_id: nextId++, title, starts_at: starts, capacity: 100, booked: occupancy * 100, occupancy, revenue: '0.00', revenues: [] }
}
const venue = (name: string, shows: StatsShow[], currency = 'INR'): StatsVenue => ({ venue_id: nextId++, name, location: 'Chennai', currency, capacity: 100, shows })

describe('rankShows', () => {
  const venues = [venue('Sathyam', [show('Leo', 3, 0.2), show('Jawan', 1, 0.05)]), venue('PVR', [show('Kantara', 2, 0.9), show('Vikram', 4, 0.2)])]

  it('puts the fullest first, the sooner of two equally full first, with its venue', () => {
    expect(rankShows(venues, 'fullest', 3).map((s) => [s.title, s.venue])).toEqual([
      ['Kantara', 'PVR'], ['Leo', 'Sathyam'], ['Vikram', 'PVR'],
    ])
  })

  it('or the soonest first, whatever the venue', () => {
    expect(rankShows(venues, 'soonest', 10).map((s) => s.title)).toEqual(['Jawan', 'Kantara', 'Leo', 'Vikram'])
  })
})

describe('OccupancyCard', () => {
  // Ten shows, the fullest last in time: day 1 is 1% full ... day 10 is 10% full.
  const venues = [venue('Sathyam', Array.from({ length: 10 }, (_, i) => show(`Film ${i + 1}`, i + 1, (i + 1) / 100)))]
  // The shows in the chart, in its order, read from its screen-reader table.
  const charted = () => [...screen.getByText('Occupancy per show').closest('table')!.querySelectorAll('tbody tr')].map((r) => r.firstElementChild!.textContent)

  it('charts the 7 fullest shows, says how many more there are, and switches to the soonest', async () => {
    render(OccupancyCard, { props: { venues } })
    expect(charted()).toEqual(['Film 10', 'Film 9', 'Film 8', 'Film 7', 'Film 6', 'Film 5', 'Film 4'])
    expect(screen.getByText(/The 7 fullest of 10 upcoming shows; 3 more are in the venue tables below\./)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Fullest' })).toHaveAttribute('aria-pressed', 'true')

    await userEvent.setup().click(screen.getByRole('button', { name: 'Soonest' }))
    expect(charted()).toEqual(['Film 1', 'Film 2', 'Film 3', 'Film 4', 'Film 5', 'Film 6', 'Film 7'])
    expect(screen.getByText(/The 7 soonest of 10 upcoming shows/)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Soonest' })).toHaveAttribute('aria-pressed', 'true')
  }, 15_000) // the first render loads Chart.js's modules: slow on a busy machine

  it('says when every show is charted, and has no choice to offer for one show', () => {
    render(OccupancyCard, { props: { venues: [venue('PVR', [show('Leo', 2, 0.5)])] } })
    expect(screen.getByText('All 1 upcoming show.')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Soonest' })).toBeNull()
  })
})

describe('DashboardFigures', () => {
  it('shows the upcoming shows’ figures, each with its all-time figure beside it', () => {
    const stats: DashboardStats = {
      venues: [venue('PVR', []), venue('INOX', [])],
      bookings_per_day: [{ date: '2026-11-26', bookings: 2, tickets: 5 }, { date: '2026-12-09', bookings: 3, tickets: 4 }],
      upcoming: { revenue: '170620.00', revenues: [{ currency: 'INR', amount: '170620.00' }], tickets: 9, bookings: 5, shows: 216 },
      totals: { revenue: '186780.00', revenues: [{ currency: 'INR', amount: '186780.00' }], tickets: 719, bookings: 289 },
    }
    render(DashboardFigures, { props: { stats } })
    const card = (label: string) => screen.getByText(label).closest('li')!
    expect(card('Revenue')).toHaveTextContent(/₹1,70,620.*₹1,86,780 all time/)
    expect(card('Bookings')).toHaveTextContent(/^Bookings\s*5\s*289 all time$/)
    expect(card('Tickets sold')).toHaveTextContent(/^Tickets sold\s*9\s*719 all time$/)
    expect(card('Shows')).toHaveTextContent(/^Shows\s*216\s*in 2 venues$/)
    expect(screen.getByRole('heading', { name: /Upcoming shows/ })).toHaveTextContent('26 Nov – 9 Dec')
  })

  it('shows revenue per currency when venues sell in different ones, never one sum', () => {
    const stats: DashboardStats = {
      venues: [venue('PVR', []), venue('Rex', [], 'EUR')],
      bookings_per_day: [{ date: '2026-11-26', bookings: 3, tickets: 3 }],
      upcoming: {
        revenue: '212.50', revenues: [{ currency: 'EUR', amount: '12.50' }, { currency: 'INR', amount: '200.00' }],
        tickets: 3, bookings: 3, shows: 2,
      },
      totals: {
        revenue: '1012.50', revenues: [{ currency: 'EUR', amount: '12.50' }, { currency: 'INR', amount: '1000.00' }],
        tickets: 9, bookings: 7,
      },
    }
    render(DashboardFigures, { props: { stats } })
    const revenue = screen.getByText('Revenue').closest('li')!
    expect(revenue).toHaveTextContent(/€12.50 \+ ₹200\s*€12.50 \+ ₹1,000 all time/)
    expect(revenue).not.toHaveTextContent('212.5')
  })

  it("writes no revenue yet in the venues' currency when they share one", () => {
    const nothing = { revenue: '0.00', revenues: [], tickets: 0, bookings: 0 }
    const stats: DashboardStats = {
      venues: [venue('Rex', [], 'EUR')], bookings_per_day: [], upcoming: { ...nothing, shows: 0 }, totals: nothing,
    }
    render(DashboardFigures, { props: { stats } })
    expect(screen.getByText('Revenue').closest('li')).toHaveTextContent(/€0\s*€0 all time/)
  })
})

describe('occupancy percentages', () => {
  it('never round a few seats sold to 0% or a few left to 100%', () => {
    expect([0, 0.0001, 0.004, 0.0099, 0.01, 0.015, 0.29, 0.5, 0.99, 0.9901, 0.9999, 1].map(formatOccupancy)).toEqual(
      ['0%', '<1%', '<1%', '<1%', '1%', '2%', '29%', '50%', '99%', '>99%', '>99%', '100%'],
    )
  })

  // 2 of 504 seats over seven shows of 72: the dashboard said "0% full".
  const week = venue('Rex', Array.from({ length: 7 }, (_, i) => ({
    ...show(`Film ${i + 1}`, i + 1, 0), capacity: 72, booked: i === 0 ? 2 : 0, occupancy: i === 0 ? 0.0278 : 0,
  })))
  const almost = venue('Sathyam', [{ ...show('Leo', 1, 0), capacity: 504, booked: 503, occupancy: 0.998 }])

  it('in the venue tables', () => {
    const page = { template: '<div />' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/v/:id/shows', name: 'admin-venue-shows', component: page }, { path: '/v/:id/edit', name: 'admin-venue-edit', component: page }],
    })
    const { unmount } = render(VenueStatsTable, { props: { venue: week }, global: { plugins: [router] } })
    expect(screen.getByText(/7 upcoming shows · <1% full/)).toBeInTheDocument()
    expect(screen.getByRole('row', { name: /Film 1/ })).toHaveTextContent('3%')
    unmount()
    render(VenueStatsTable, { props: { venue: almost }, global: { plugins: [router] } })
    expect(screen.getByText(/1 upcoming show · >99% full/)).toBeInTheDocument()
    expect(screen.getByRole('row', { name: /Leo/ })).toHaveTextContent('>99%')
  })

  it("in the occupancy chart's table", () => {
    render(OccupancyCard, { props: { venues: [almost, venue('PVR', [{ ...show('Jawan', 2, 0), capacity: 504, booked: 2, occupancy: 0.004 }])] } })
    const rows = [...screen.getByText('Occupancy per show').closest('table')!.querySelectorAll('tbody tr')]
    expect(rows.map((r) => r.lastElementChild!.textContent)).toEqual(['>99%', '<1%'])
  })
})
