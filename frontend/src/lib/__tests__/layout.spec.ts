import { describe, expect, it } from 'vitest'
import { nearestCell, seatCount } from '@/lib/layout'

describe('seatCount', () => {
  it.each([
    [120, 10, 14, { seats: '120 seats', grid: '10 rows × 14, 20 removed' }],
    [120, 10, 12, { seats: '120 seats', grid: '10 rows × 12' }],
    [1, 1, 1, { seats: '1 seat', grid: '1 row × 1' }],
    [1559, 26, 60, { seats: '1,559 seats', grid: '26 rows × 60, 1 removed' }],
  ])('counts %i seats with the rows and the removed seats that make them up', (capacity, rows, perRow, said) => {
    expect(seatCount(capacity, rows, perRow)).toEqual(said)
  })
})

describe('nearestCell', () => {
  // Row 0 is the editor's column numbers; column 0 its row letters; B2 is an aisle.
  const grid = [
    [null, 'col-1', 'col-2', 'col-3'],
    ['row-A', 'A1', 'A2', 'A3'],
    ['row-B', 'B1', null, 'B3'],
  ]

  it('passes over aisles across a row, and stops at its ends', () => {
    expect(nearestCell(grid, 2, 1, 0, 1)).toBe('B3')
    expect(nearestCell(grid, 2, 3, 0, 1)).toBeNull()
    expect(nearestCell(grid, 0, 1, 0, -1)).toBeNull()
  })

  it('keeps the column up and down, else takes the closest cell of the next row', () => {
    expect(nearestCell(grid, 1, 2, -1, 0)).toBe('col-2')
    expect(nearestCell(grid, 1, 2, 1, 0)).toBe('B1')
    expect(nearestCell(grid, 2, 3, 1, 0)).toBeNull()
  })
})
