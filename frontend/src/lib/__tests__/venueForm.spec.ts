import { describe, expect, it } from 'vitest'
import { defaultCategories, emptyDraft, validateDraft } from '@/lib/venueForm'

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
