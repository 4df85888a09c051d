import type { CurrencyCode, Layout, VenueInput } from '@/api/types'
import { MAX_ROWS, MAX_SEATS_PER_ROW, parseSeatLabel, rowLetters } from './layout'
import { DEFAULT_CURRENCY, currencyName } from './money'
import type { FieldErrors } from './validation'

export interface CategoryDraft {
  name: string
  rows: string
  surcharge: string
}

/** The venue editor's state: text fields as typed, turned into the API shape on save. */
export interface VenueDraft {
  name: string
  location: string
  rows: number
  seats_per_row: number
  removed: string[]
  categories: CategoryDraft[]
  /** ISO 4217 code of the venue's prices (surcharges here, a show's prices later). */
  currency: CurrencyCode
}

/** The codes the venue editor offers first, the ones most venues charge in. */
export const COMMON_CURRENCIES: CurrencyCode[] = ['INR', 'USD', 'EUR', 'GBP', 'AED', 'SGD', 'AUD', 'CAD']

/** "CHF · Swiss Franc", "INR · Indian Rupee": every choice the same way; the code alone when
 * the browser has no name for it. */
export function currencyLabel(currency: CurrencyCode): string {
  const name = currencyName(currency)
  return name ? `${currency} · ${name}` : currency
}

export interface CurrencyOptions {
  common: CurrencyCode[]
  /** Every other code, in order of code. */
  more: CurrencyCode[]
}

/**
 * The editor's choices: the common codes, then every other code that the server accepts
 * (`accepted`, from /api/meta), so that the editor offers exactly what the API takes; until
 * the server has said, the common ones alone. `current`, the venue's own code, stays on the
 * list even if the server no longer takes it, so the form shows the venue as it is.
 */
export function currencyOptions(current: CurrencyCode, accepted: CurrencyCode[] = []): CurrencyOptions {
  const common = accepted.length ? COMMON_CURRENCIES.filter((code) => accepted.includes(code)) : COMMON_CURRENCIES
  const more = accepted.filter((code) => !common.includes(code))
  if (current && !common.includes(current) && !more.includes(current)) more.push(current)
  return { common, more: more.sort() }
}

/**
 * A new venue's suggested categories for `rows` rows: the back quarter of the hall (at least
 * one row) is Premium, so H–J of ten rows, E–F of six. None for a hall of one row, where a
 * Premium row would only raise every price, and none while the count is not a number.
 */
export function defaultCategories(rows: number): CategoryDraft[] {
  const letters = rowLetters(rows)
  if (letters.length < 2) return []
  const premium = letters.slice(-Math.max(1, Math.ceil(letters.length / 4)))
  return [{ name: 'Premium', rows: premium.join(', '), surcharge: '100.00' }]
}

export const emptyDraft = (): VenueDraft => ({
  name: '',
  location: '',
  rows: 10,
  seats_per_row: 12,
  removed: [],
  categories: defaultCategories(10),
  currency: DEFAULT_CURRENCY,
})

export const splitRows = (text: string) =>
  text.split(/[\s,]+/).map((r) => r.trim().toUpperCase()).filter(Boolean)

export function draftLayout(d: VenueDraft): Layout {
  const valid = new Set(rowLetters(d.rows))
  return {
    // Seats outside the grid (after shrinking it) are dropped rather than sent.
    removed: d.removed.filter((s) => {
      const p = parseSeatLabel(s)
      return p !== null && valid.has(p.row) && p.number <= d.seats_per_row
    }),
    categories: d.categories
      .filter((c) => c.name.trim())
      .map((c) => ({ name: c.name.trim(), rows: splitRows(c.rows).filter((r) => valid.has(r)), surcharge: c.surcharge.trim() || '0.00' })),
  }
}

export function draftToInput(d: VenueDraft): VenueInput {
  return {
    name: d.name.trim(),
    location: d.location.trim(),
    rows: d.rows,
    seats_per_row: d.seats_per_row,
    layout: draftLayout(d),
    currency: d.currency,
  }
}

/** An update of the venue's name, city and currency only: its seating is left as it is. */
export function venueDetails(input: VenueInput): Partial<VenueInput> {
  return { name: input.name, location: input.location, currency: input.currency }
}

export function venueToDraft(v: VenueInput): VenueDraft {
  return {
    name: v.name,
    location: v.location,
    rows: v.rows,
    seats_per_row: v.seats_per_row,
    removed: [...(v.layout?.removed ?? [])],
    categories: (v.layout?.categories ?? []).map((c) => ({ name: c.name, rows: c.rows.join(', '), surcharge: c.surcharge })),
    currency: v.currency ?? DEFAULT_CURRENCY,
  }
}

function outsideRows(category: string, rows: string[], venueRows: number): string {
  const letters = rowLetters(venueRows)
  const has = letters.length === 0 ? '' : letters.length === 1 ? ' (it has row A only)' : ` (it has rows A–${letters[letters.length - 1]})`
  return rows.length === 1
    ? `Row ${rows[0]} of ${category} is not in this venue${has}.`
    : `Rows ${rows.join(', ')} of ${category} are not in this venue${has}.`
}

export function validateDraft(d: VenueDraft): FieldErrors {
  const errors: FieldErrors = {}
  const add = (field: string, message: string) => (errors[field] ??= []).push(message)
  if (!d.name.trim()) add('name', 'Name is required.')
  else if (d.name.trim().length > 100) add('name', 'Name must be at most 100 characters.')
  if (!d.location.trim()) add('location', 'City is required.')
  if (!Number.isInteger(d.rows) || d.rows < 1 || d.rows > MAX_ROWS) add('rows', `Rows must be 1–${MAX_ROWS}.`)
  if (!Number.isInteger(d.seats_per_row) || d.seats_per_row < 1 || d.seats_per_row > MAX_SEATS_PER_ROW)
    add('seats_per_row', `Seats per row must be 1–${MAX_SEATS_PER_ROW}.`)
  const valid = new Set(rowLetters(d.rows))
  const seen = new Set<string>()
  for (const c of d.categories) {
    if (!c.name.trim()) add('layout', 'Every price category needs a name.')
    if (!/^\d+(\.\d{1,2})?$/.test(c.surcharge.trim() || '0')) add('layout', `Surcharge of ${c.name || 'a category'} must be an amount like 100.00.`)
    const outside: string[] = []
    for (const r of splitRows(c.rows)) {
      if (!valid.has(r)) outside.push(r)
      else if (seen.has(r)) add('layout', `Row ${r} is in more than one category.`)
      seen.add(r)
    }
    // One sentence for all of a category's missing rows (shrinking a hall drops several).
    if (outside.length) add('layout', outsideRows(c.name || 'a category', outside, d.rows))
  }
  const removed = draftLayout(d).removed.length
  if (removed >= d.rows * d.seats_per_row) add('layout', 'A venue needs at least one seat.')
  return errors
}
