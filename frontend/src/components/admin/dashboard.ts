import { api } from '@/api'
import type { AdminStats, Amount, CurrencyCode, Money, StatsShow } from '@/api/types'
import { DEFAULT_CURRENCY } from '@/lib/money'

/**
 * GET /api/admin/stats as the dashboard reads it: `upcoming` sums the same shows as the venue
 * lists and `bookings_per_day` (not ended, next 14 days); `totals` are all time. Declared here
 * so the dashboard's additions stay beside the dashboard.
 */
export interface DashboardStats extends AdminStats {
  upcoming: { revenue: Money; revenues: Amount[]; tickets: number; bookings: number; shows: number }
}

/**
 * The currency a revenue of nothing yet is written in: the venues' own when they all share
 * one, else the default (rupees).
 */
export function quietCurrency(venues: AdminStats['venues']): CurrencyCode {
  const currencies = new Set(venues.map((v) => v.currency))
  return currencies.size === 1 ? [...currencies][0]! : DEFAULT_CURRENCY
}

/**
 * A share of seats as a percentage: whole numbers, except that a show with a few seats sold
 * is never "0%" and one with a few left is never "100%" ("<1%", ">99%").
 */
export function formatOccupancy(ratio: number): string {
  // The server rounds to four places; this keeps float noise (0.29 * 100 = 28.999…) off the edges.
  const percent = Math.round(ratio * 10_000) / 100
  if (percent > 0 && percent < 1) return '<1%'
  if (percent > 99 && percent < 100) return '>99%'
  return `${Math.round(percent)}%`
}

export const loadDashboardStats = async () => (await api.stats()) as DashboardStats

export type RankedShow = StatsShow & { venue: string }
export type ShowOrder = 'fullest' | 'soonest'

const byStart = (a: RankedShow, b: RankedShow) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.show_id - b.show_id

/** The first `limit` upcoming shows of every venue, fullest (ties: soonest) or soonest first. */
export function rankShows(venues: AdminStats['venues'], order: ShowOrder, limit: number): RankedShow[] {
  const shows = venues.flatMap((v) => v.shows.map((s) => ({ ...s, venue: v.name })))
  const compare = order === 'fullest' ? (a: RankedShow, b: RankedShow) => b.occupancy - a.occupancy || byStart(a, b) : byStart
  return shows.sort(compare).slice(0, limit)
}
