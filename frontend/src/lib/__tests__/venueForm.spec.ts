import { describe, expect, it } from 'vitest'
import type { Venue } from '@/api/types'
import { currencyName, currencySymbol } from '@/lib/money'
import {
  currencyLabel,
  currencyOptions,
  defaultCategories,
  draftToInput,
  emptyDraft,
  validateDraft,
  venueToDraft,
} from '@/lib/venueForm'

describe('defaultCategories', () => {
  it.each([
    [10, 'H, I, J'],
    [6, 'E, F'],
    [4, 'D'],
    [2, 'B'],
    [26, 'T, U, V, W, X, Y, Z'],
  ])('makes the back quarter of %i rows Premium, at least one row', (rows, premium) => {
    expect(defaultCategories(rows)).toEqual([{ name: 'Premium', rows: premium, surcharge: '100.00' }])
    // Never a row the hall does not have.
    expect(validateDraft({ ...emptyDraft(), name: 'Hall', location: 'Chennai', rows, categories: defaultCategories(rows) })).toEqual({})
  })

  it('suggests nothing for no rows, or one row that would make every seat Premium', () => {
    expect(defaultCategories(0)).toEqual([])
    expect(defaultCategories(1)).toEqual([])
  })
})

describe('the venue currency', () => {
  const venue = (currency?: string) =>
    ({ venue_id: 4, name: 'Sathyam', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120, currency,
       layout: { removed: [], categories: [] } }) as unknown as Venue

  it('starts a new venue in rupees, the API default, and sends the chosen code', () => {
    expect(emptyDraft().currency).toBe('INR')
    expect(draftToInput({ ...emptyDraft(), name: 'Hall', location: 'Chennai', currency: 'USD' }).currency).toBe('USD')
  })

  it("reads an existing venue's currency and sends it back unchanged", () => {
    expect(venueToDraft(venue('EUR')).currency).toBe('EUR')
    expect(draftToInput(venueToDraft(venue('CHF'))).currency).toBe('CHF')
    // A venue input without one (older data) is in the default.
    expect(venueToDraft(venue()).currency).toBe('INR')
  })

  const COMMON = ['INR', 'USD', 'EUR', 'GBP', 'AED', 'SGD', 'AUD', 'CAD']

  it('offers the common codes, plus a venue’s own code that is not one of them, until the server says more', () => {
    expect(currencyOptions('INR')).toEqual({ common: COMMON, more: [] })
    expect(currencyOptions('EUR')).toEqual(currencyOptions('INR'))
    expect(currencyOptions('CHF')).toEqual({ common: COMMON, more: ['CHF'] })
  })

  it('offers exactly the codes the server accepts, the common ones first', () => {
    const accepted = ['AED', 'AUD', 'CAD', 'CHF', 'EUR', 'GBP', 'INR', 'JPY', 'SGD', 'USD']
    expect(currencyOptions('INR', accepted)).toEqual({ common: COMMON, more: ['CHF', 'JPY'] })
    // A common code the server no longer takes is not offered; the venue's own code stays.
    const withoutUsd = accepted.filter((code) => code !== 'USD')
    expect(currencyOptions('XXX', withoutUsd)).toEqual({
      common: COMMON.filter((code) => code !== 'USD'),
      more: ['CHF', 'JPY', 'XXX'],
    })
    expect(currencyOptions('CHF', accepted).more).toEqual(['CHF', 'JPY'])
  })

  it('labels every code the same way, code and English name, and a code without a name by itself', () => {
    expect(currencySymbol('INR')).toBe('₹')
    expect(currencySymbol('EUR')).toBe('€')
    expect(currencySymbol('AED')).toBe('AED')
    // Before, a symbol for some ('INR (₹)'), a name for others ('CHF (Swiss Franc)').
    expect(currencyLabel('INR')).toBe('INR · Indian Rupee')
    expect(currencyLabel('GBP')).toBe('GBP · British Pound')
    expect(currencyLabel('CHF')).toBe('CHF · Swiss Franc')
    expect(currencyLabel('AED')).toBe('AED · United Arab Emirates Dirham')
    expect(currencyName('SLE')).toBe('Sierra Leonean Leone')
    // A well-formed code the browser's data does not know yet: no made-up name.
    expect(currencyName('QQQ')).toBeUndefined()
    expect(currencyLabel('QQQ')).toBe('QQQ')
    // Malformed codes never reach the API (it takes only real currencies), but must not break the page.
    expect(currencySymbol('eur!')).toBe('eur!')
    expect(currencyLabel('eur!')).toBe('eur!')
  })
})
