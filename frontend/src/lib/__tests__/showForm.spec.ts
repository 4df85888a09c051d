import { describe, expect, it } from 'vitest'
import type { Show } from '@/api/types'
import { addDays, defaultShowPrice, nextDayDraft, startsAtLabel } from '@/lib/showForm'

const show = (over: Partial<Show>): Show =>
  ({
    show_id: 1, venue_id: 4, title: 'Leo', starts_at: '2026-11-27T18:15:00+05:30', ends_at: '2026-11-27T20:45:00+05:30',
    price: '180.00', currency: 'INR', language: 'ta', rating: 8.1, tags: ['action', 'thriller'], duration_minutes: 150,
    ...over,
  }) as Show

describe('defaultShowPrice', () => {
  it("takes the venue's latest show's price in its currency", () => {
    const shows = [
      show({ starts_at: '2026-11-28T18:15:00+05:30', price: '220.00' }),
      show({ starts_at: '2026-11-20T18:15:00+05:30', price: '150.00' }),
      // A later show priced before the venue went over to euros says nothing of euro prices.
      show({ starts_at: '2026-11-29T18:15:00+05:30', price: '12.00', currency: 'EUR' }),
    ]
    expect(defaultShowPrice('INR', shows)).toBe('220.00')
    expect(defaultShowPrice('EUR', shows)).toBe('12.00')
  })

  it('suggests a rupee price only in rupees: elsewhere the field starts empty', () => {
    expect(defaultShowPrice('INR', [])).toBe('250.00')
    expect(defaultShowPrice('EUR', [])).toBe('')
    expect(defaultShowPrice('EUR', [show({ currency: 'INR' })])).toBe('')
    expect(defaultShowPrice(null, [])).toBe('')
  })
})

describe('nextDayDraft', () => {
  const now = Date.parse('2026-11-26T12:00:00+05:30')

  it('copies a show to the next day at the same time', () => {
    expect(nextDayDraft(show({}), 'INR', now)).toEqual({
      title: 'Leo', starts_at: '2026-11-28T18:15', price: '180.00', language: 'ta', rating: '8.1',
      tags: 'action, thriller', duration_minutes: 150,
    })
  })

  it('moves a copy of a past show to the first such time still to come', () => {
    // Last week's 18:15 show: today's 18:15 is still ahead at noon, this morning's 10:00 is not.
    expect(nextDayDraft(show({ starts_at: '2026-11-19T18:15:00+05:30' }), 'INR', now).starts_at).toBe('2026-11-26T18:15')
    expect(nextDayDraft(show({ starts_at: '2026-11-19T10:00:00+05:30' }), 'INR', now).starts_at).toBe('2026-11-27T10:00')
    expect(nextDayDraft(show({ starts_at: '2026-11-25T12:00:00+05:30' }), 'INR', now).starts_at).toBe('2026-11-27T12:00')
  })

  it('keeps the price only in the currency the venue charges now', () => {
    expect(nextDayDraft(show({ currency: 'INR' }), 'EUR', now).price).toBe('')
  })

  it('crosses months and keeps the wall-clock time', () => {
    expect(addDays('2026-11-30T23:30', 1)).toBe('2026-12-01T23:30')
    expect(addDays('2026-03-28T19:00', 1)).toBe('2026-03-29T19:00') // a DST change in Europe
  })
})

describe('startsAtLabel', () => {
  it("names the server's zone, which every typed time is read in", () => {
    expect(startsAtLabel('Asia/Kolkata', '+05:30')).toBe('Starts at (Asia/Kolkata time)')
    expect(startsAtLabel(undefined, '+05:30')).toBe('Starts at (UTC+05:30)')
    expect(startsAtLabel(undefined, null)).toBe('Starts at')
  })
})
