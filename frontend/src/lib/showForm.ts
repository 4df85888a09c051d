import type { Show, ShowInput } from '@/api/types'
import { fromLocalInput, isoOffset, toLocalInput, zoneOffset } from './datetime'
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

export const emptyShowDraft = (): ShowDraft => ({
  title: '',
  starts_at: '',
  price: '250.00',
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
