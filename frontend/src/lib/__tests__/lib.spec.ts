import { describe, expect, it } from 'vitest'
import type { Show } from '@/api/types'
import { formatDate, formatDateTime, fromLocalInput, isoOffset, toLocalInput, wallClock, zoneOffset } from '@/lib/datetime'
import { buildGrid, rowLetters, seatsFromLayout } from '@/lib/layout'
import { formatAmounts, formatMoney, fromMinor, sumAmounts, sumMoney, toMinor } from '@/lib/money'
import { safeNext } from '@/lib/nav'
import { emptyShowDraft, scheduleOffset, validateShowDraft } from '@/lib/showForm'
import { validateEmail, validatePassword } from '@/lib/validation'
import { draftLayout, emptyDraft, validateDraft } from '@/lib/venueForm'

describe('money', () => {
  it('sums decimal strings exactly', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30')
    expect(sumMoney(['250.00', '350.5', '99.99'])).toBe('700.49')
    expect(toMinor('12')).toBe(1200)
    expect(fromMinor(5)).toBe('0.05')
  })
  it('formats INR the Indian way', () => {
    expect(formatMoney('350.00', 'INR')).toBe('₹350')
    expect(formatMoney('100000.50', 'INR')).toBe('₹1,00,000.50')
  })
  it('formats other currencies with their symbol, or their code when they have no well-known one', () => {
    expect(formatMoney('12.50', 'EUR')).toBe('€12.50')
    expect(formatMoney('9', 'USD')).toBe('$9')
    expect(formatMoney('40.00', 'CHF')).toMatch(/^CHF\s40$/)
  })
  it('sums amounts per currency, never across', () => {
    const amounts = [
      { currency: 'INR', amount: '200.00' }, { currency: 'EUR', amount: '12.50' }, { currency: 'INR', amount: '0.10' },
    ]
    expect(sumAmounts(amounts)).toEqual([{ currency: 'EUR', amount: '12.50' }, { currency: 'INR', amount: '200.10' }])
    expect(formatAmounts(amounts, 'INR')).toBe('€12.50 + ₹200.10')
    expect(formatAmounts([], 'GBP')).toBe('£0')
  })
})

describe('datetime', () => {
  it("keeps the venue's wall-clock time", () => {
    expect(wallClock('2026-11-26T18:30:00+05:30').toISOString()).toBe('2026-11-26T18:30:00.000Z')
    expect(formatDateTime('2026-11-26T18:30:00+05:30')).toMatch(/6:30\s?pm/i)
    expect(isoOffset('2026-11-26T18:30:00+05:30')).toBe('+05:30')
    expect(isoOffset('2026-11-26T18:30:00Z')).toBe('+00:00')
  })
  it('writes a date with its year and without a weekday', () => {
    expect(formatDate('2026-11-26T23:30:00+05:30')).toBe('26 Nov 2026')
  })
  it('finds the offset of a named zone, with DST', () => {
    expect(zoneOffset('Asia/Kolkata', '2026-11-26T18:30')).toBe('+05:30')
    expect(zoneOffset('Europe/Berlin', '2026-07-01T12:00')).toBe('+02:00')
    expect(zoneOffset('Europe/Berlin', '2026-01-01T12:00')).toBe('+01:00')
    expect(zoneOffset('UTC', '2026-01-01T12:00')).toBe('+00:00')
    expect(zoneOffset('Not/AZone', '2026-01-01T12:00')).toBeNull()
  })
  it("schedules in the server's zone, whatever the browser's", () => {
    expect(scheduleOffset({ timeZone: 'Asia/Kolkata', wallTime: '2026-12-01T19:00', serverDatetimes: [] })).toBe('+05:30')
    expect(scheduleOffset({ wallTime: '2026-12-01T19:00', serverDatetimes: [null, '2026-01-01T00:00:00+05:30'] })).toBe('+05:30')
    expect(scheduleOffset({ wallTime: '', serverDatetimes: [] })).toBeNull()
  })
  it('round-trips datetime-local values', () => {
    expect(toLocalInput('2026-11-26T18:30:00+05:30')).toBe('2026-11-26T18:30')
    expect(fromLocalInput('2026-11-26T18:30', '+05:30')).toBe('2026-11-26T18:30:00+05:30')
  })
})

describe('layout', () => {
  it('lays out rows with gaps and category prices', () => {
    expect(rowLetters(3)).toEqual(['A', 'B', 'C'])
    const seats = seatsFromLayout(2, 3, { removed: ['A2'], categories: [{ name: 'Gold', rows: ['B'], surcharge: '50.00' }] }, '100.00')
    expect(seats.map((s) => `${s.seat}:${s.category}:${s.price}`)).toEqual([
      'A1:Standard:100.00', 'A3:Standard:100.00', 'B1:Gold:150.00', 'B2:Gold:150.00', 'B3:Gold:150.00',
    ])
    const grid = buildGrid(2, 3, seats)
    expect(grid[0]!.cells.map((c) => c.kind)).toEqual(['seat', 'gap', 'seat'])
  })
})

describe('validation', () => {
  it('checks email and password like the server', () => {
    expect(validateEmail('a@b.co')).toBeNull()
    expect(validateEmail('a@b')).not.toBeNull()
    expect(validatePassword('1234567')).not.toBeNull()
    expect(validatePassword('pass-123')).toBeNull()
    expect(validatePassword('A@B.co12', 'a@b.co12')).not.toBeNull()
    expect(validatePassword('abababab')).toMatch(/4 different characters/)
    // 72 bytes is bcrypt's limit, and the server's: 36 x 'é' is 72 bytes, 37 is 74.
    expect(validatePassword('abcd'.repeat(18))).toBeNull()
    expect(validatePassword('p'.repeat(73))).toMatch(/too long/)
    expect(validatePassword('éàüö'.repeat(9))).toBeNull()
    expect(validatePassword('é'.repeat(37))).toMatch(/too long/)
  })
  it('only accepts local next paths', () => {
    expect(safeNext('/bookings')).toBe('/bookings')
    expect(safeNext('//evil.example')).toBe('/')
    expect(safeNext('https://evil.example')).toBe('/')
    expect(safeNext(undefined, '/admin')).toBe('/admin')
  })
})

describe('show form', () => {
  const now = Date.parse('2026-11-26T12:00:00+05:30')
  const other = { show_id: 1, title: 'Dune', starts_at: '2026-11-27T18:00:00+05:30', ends_at: '2026-11-27T20:30:00+05:30' } as Show
  const ctx = { venueId: 1, offset: '+05:30', others: [other], now }

  it('refuses a show in the past', () => {
    const d = { ...emptyShowDraft(), title: 'Old', starts_at: '2026-11-26T11:00' }
    expect(validateShowDraft(d, ctx).starts_at).toEqual(['A show cannot start in the past.'])
  })
  it('refuses an overlap in the same venue and accepts a show right after', () => {
    const clash = { ...emptyShowDraft('250.00'), title: 'New', starts_at: '2026-11-27T16:00', duration_minutes: 150 }
    expect(validateShowDraft(clash, ctx).starts_at?.[0]).toMatch(/Overlaps with “Dune”/)
    const after = { ...clash, starts_at: '2026-11-27T20:30' }
    expect(validateShowDraft(after, ctx)).toEqual({})
  })
  it('checks price, rating and title', () => {
    const d = { ...emptyShowDraft(), title: '', starts_at: '2026-12-01T10:00', price: 'abc', rating: '11' }
    expect(Object.keys(validateShowDraft(d, ctx)).sort()).toEqual(['price', 'rating', 'title'])
  })
})

describe('venue form', () => {
  it('validates size and categories and drops removed seats outside the grid', () => {
    const d = { ...emptyDraft(), name: 'Hall', location: 'Chennai', rows: 5, seats_per_row: 4, removed: ['A1', 'J9'] }
    expect(draftLayout(d).removed).toEqual(['A1'])
    // The default Premium rows H–J do not exist in a 5-row hall.
    expect(validateDraft(d).layout).toEqual(['Rows H, I, J of Premium are not in this venue (it has rows A–E).'])
    expect(validateDraft({ ...d, categories: [{ name: 'Gold', rows: 'E, F', surcharge: '80' }] }).layout).toEqual([
      'Row F of Gold is not in this venue (it has rows A–E).',
    ])
    expect(validateDraft({ ...d, categories: [{ name: 'Gold', rows: 'A, A', surcharge: '80' }] }).layout).toEqual([
      'Row A is in more than one category.',
    ])
    d.categories = [{ name: 'Gold', rows: 'D, E', surcharge: '80' }]
    expect(validateDraft(d)).toEqual({})
    expect(validateDraft({ ...d, rows: 27, name: '' })).toMatchObject({ rows: expect.any(Array), name: expect.any(Array) })
  })

  it('takes as many seats per row as the API does (1–60), and no more', () => {
    const d = { ...emptyDraft(), name: 'Hall', location: 'Chennai', rows: 10, seats_per_row: 60 }
    expect(validateDraft(d)).toEqual({})
    expect(validateDraft({ ...d, seats_per_row: 61 }).seats_per_row).toEqual(['Seats per row must be 1–60.'])
    expect(validateDraft({ ...d, seats_per_row: 0 }).seats_per_row).toEqual(['Seats per row must be 1–60.'])
    expect(validateDraft({ ...d, rows: 26 })).toEqual({})
  })
})
