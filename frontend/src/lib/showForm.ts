import type { CurrencyCode, Show, ShowInput } from '@/api/types'
import { fromLocalInput, isoOffset, toLocalInput, zoneOffset } from './datetime'
import { DEFAULT_CURRENCY } from './money'
import type { FieldErrors } from './validation'

export interface ShowDraft {
  title: string
  starts_at: string // datetime-local value, venue wall-clock time
  price: string
  language: string
  rating: string | number // a number input may hand back a number
  tags: string
  duration_minutes: number
}

export const emptyShowDraft = (price = ''): ShowDraft => ({
  title: '',
  starts_at: '',
  price,
  language: 'en',
  rating: '',
  tags: '',
  duration_minutes: 150,
})

export function showToDraft(s: Show): ShowDraft {
  return {
    title: s.title,
    starts_at: toLocalInput(s.starts_at),
    price: s.price,
    language: s.language,
    rating: s.rating === null ? '' : String(s.rating),
    tags: s.tags.join(', '),
    duration_minutes: s.duration_minutes,
  }
}

// A usual ticket in rupees, the currency venues get by default; a sum in rupees says
// nothing about a ticket in euros, so other currencies get no default.
const RUPEE_PRICE = '250.00'

/**
 * The price a new show starts with: that of the venue's latest show in the venue's currency
 * (a venue mostly keeps its prices), else a usual one in rupees, else nothing to retype.
 */
export function defaultShowPrice(currency: CurrencyCode | null, venueShows: Show[]): string {
  const latest = venueShows
    .filter((s) => s.currency === currency)
    .reduce<Show | null>((a, s) => (a && Date.parse(a.starts_at) >= Date.parse(s.starts_at) ? a : s), null)
  if (latest) return latest.price
  return currency === DEFAULT_CURRENCY ? RUPEE_PRICE : ''
}

const DAY_MS = 86_400_000

/** A datetime-local value `days` later on the wall clock (so 7 pm stays 7 pm over a DST change). */
export function addDays(wallTime: string, days: number): string {
  return new Date(Date.parse(`${wallTime.slice(0, 16)}:00Z`) + days * DAY_MS).toISOString().slice(0, 16)
}

/**
 * A new show like `source` (title, price, length, language, rating, tags), the next day at
 * the same time: a week of screenings is one show and six copies. A copy of a show long past
 * lands on the first such day still to come, which the form would refuse otherwise. The
 * price is kept only in the currency the venue charges now.
 */
export function nextDayDraft(source: Show, currency: CurrencyCode | null, now = Date.now()): ShowDraft {
  const draft = showToDraft(source)
  const offset = isoOffset(source.starts_at)
  let start = addDays(draft.starts_at, 1)
  const passed = Math.floor((now - Date.parse(fromLocalInput(start, offset))) / DAY_MS) + 1
  if (passed > 0) start = addDays(start, passed)
  return { ...draft, starts_at: start, price: source.currency === currency ? draft.price : defaultShowPrice(currency, []) }
}

/**
 * Offset to attach to the typed wall-clock time, so "7 pm" means 7 pm where the server
 * schedules shows (not where the admin's laptop is): the server's zone if /api/meta names it,
 * else the offset the server writes its own datetimes with, else the browser's.
 */
export function scheduleOffset(opts: {
  timeZone?: string | undefined
  wallTime: string
  serverDatetimes: (string | undefined | null)[]
}): string | null {
  if (opts.timeZone && opts.wallTime) {
    const off = zoneOffset(opts.timeZone, opts.wallTime)
    if (off) return off
  }
  for (const iso of opts.serverDatetimes) {
    const off = iso ? isoOffset(iso) : null
    if (off) return off
  }
  return null
}

/**
 * The start field's label, naming the zone the typed time is read in: the server's one zone
 * for every venue, which need not be where the venue is (a Dublin hall on an Asia/Kolkata
 * server), so "venue time" would be untrue.
 */
export function startsAtLabel(timeZone: string | undefined, offset: string | null): string {
  if (timeZone) return `Starts at (${timeZone} time)`
  return offset ? `Starts at (UTC${offset})` : 'Starts at'
}

export function draftToShowInput(d: ShowDraft, venueId: number, offset: string | null): ShowInput {
  return {
    venue_id: venueId,
    title: d.title.trim(),
    starts_at: fromLocalInput(d.starts_at, offset),
    price: d.price.trim(),
    language: d.language,
    rating: String(d.rating).trim() === '' ? null : Number(d.rating),
    tags: d.tags.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean),
    duration_minutes: d.duration_minutes,
  }
}

const overlaps = (aStart: number, aEnd: number, bStart: number, bEnd: number) => aStart < bEnd && bStart < aEnd

/** Checks mirroring the server's: not in the past, sane values, no overlap in the venue. */
export function validateShowDraft(
  d: ShowDraft,
  ctx: { venueId: number; offset: string | null; others: Show[]; now?: number },
): FieldErrors {
  const errors: FieldErrors = {}
  const add = (field: string, message: string) => (errors[field] ??= []).push(message)
  if (!d.title.trim()) add('title', 'Title is required.')
  else if (d.title.trim().length > 200) add('title', 'Title must be at most 200 characters.')
  if (!/^\d+(\.\d{1,2})?$/.test(d.price.trim())) add('price', 'Enter a price like 250.00.')
  if (String(d.rating).trim() !== '') {
    const r = Number(d.rating)
    if (!Number.isFinite(r) || r < 0 || r > 10) add('rating', 'Rating must be between 0 and 10.')
  }
  if (!Number.isInteger(d.duration_minutes) || d.duration_minutes < 1 || d.duration_minutes > 600)
    add('duration_minutes', 'Duration must be 1–600 minutes.')
  if (!d.starts_at) {
    add('starts_at', 'Start time is required.')
    return errors
  }
  const start = Date.parse(fromLocalInput(d.starts_at, ctx.offset))
  if (Number.isNaN(start)) add('starts_at', 'Enter a valid date and time.')
  else if (start <= (ctx.now ?? Date.now())) add('starts_at', 'A show cannot start in the past.')
  else if (errors.duration_minutes === undefined) {
    const end = start + d.duration_minutes * 60_000
    const clash = ctx.others.find((s) => overlaps(start, end, Date.parse(s.starts_at), Date.parse(s.ends_at)))
    if (clash) add('starts_at', `Overlaps with “${clash.title}” in this venue.`)
  }
  return errors
}
