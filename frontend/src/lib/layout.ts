import type { Layout, Seat, SeatStatus } from '@/api/types'
import { fromMinor, toMinor } from './money'
import { plural } from './plural'

// The venue API's limits (VenueCreateSchema in src/boxoffice/catalog/schemas.py): rows are
// the letters A–Z. The forms check against these so they never refuse what the API takes.
export const MAX_ROWS = 26
export const MAX_SEATS_PER_ROW = 60

export function rowLetters(rows: number): string[] {
  return Array.from({ length: Math.min(rows, MAX_ROWS) }, (_, i) => String.fromCharCode(65 + i))
}

export function parseSeatLabel(label: string): { row: string; number: number } | null {
  const m = /^([A-Z])(\d{1,3})$/.exec(label.trim().toUpperCase())
  if (!m) return null
  return { row: m[1]!, number: Number(m[2]) }
}

/** A place in the grid: its row letter and seat number. */
export interface SeatPlace {
  row: string
  number: number
}

/** A cell of the drawn grid: a seat, or a gap where the layout removed one (an aisle); a
 * gap's key is the removed seat's label. */
export type SeatCell = { kind: 'seat'; seat: Seat } | ({ kind: 'gap'; key: string } & SeatPlace)

export interface SeatRow {
  row: string
  cells: SeatCell[]
}

/** Arrange the API's seat list (removed seats are absent) into rows with gaps. */
export function buildGrid(rows: number, seatsPerRow: number, seats: Seat[]): SeatRow[] {
  const byLabel = new Map(seats.map((s) => [s.seat, s]))
  return rowLetters(rows).map((row) => ({
    row,
    cells: Array.from({ length: seatsPerRow }, (_, i): SeatCell => {
      const seat = byLabel.get(`${row}${i + 1}`)
      return seat ? { kind: 'seat', seat } : { kind: 'gap', key: `${row}${i + 1}`, row, number: i + 1 }
    }),
  }))
}

/** Seats a venue layout would produce; used for the admin's live layout preview. */
export function seatsFromLayout(
  rows: number,
  seatsPerRow: number,
  layout: Layout,
  basePrice = '0.00',
  status: SeatStatus = 'free',
): Seat[] {
  const removed = new Set(layout.removed.map((s) => s.toUpperCase()))
  const categoryOf = new Map<string, { name: string; surcharge: string }>()
  for (const cat of layout.categories) {
    for (const r of cat.rows) if (!categoryOf.has(r.toUpperCase())) categoryOf.set(r.toUpperCase(), cat)
  }
  const seats: Seat[] = []
  for (const row of rowLetters(rows)) {
    const cat = categoryOf.get(row)
    const price = fromMinor(toMinor(basePrice) + toMinor(cat?.surcharge ?? '0'))
    for (let n = 1; n <= seatsPerRow; n++) {
      const label = `${row}${n}`
      if (removed.has(label)) continue
      seats.push({ seat: label, row, number: n, status, mine: false, price, category: cat?.name ?? 'Standard' })
    }
  }
  return seats
}

/** Category names in a stable order (as first met front to back) for colours and the legend. */
export function categoryOrder(seats: Seat[]): string[] {
  const names: string[] = []
  for (const s of seats) if (!names.includes(s.category)) names.push(s.category)
  return names
}

/** "E7, E6, A10, A9" -> "A9, A10, E6, E7": seat order a person reads. */
export function sortSeatLabels(labels: string[]): string[] {
  const key = (l: string) => parseSeatLabel(l) ?? { row: l, number: 0 }
  return [...labels].sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    return ka.row.localeCompare(kb.row) || ka.number - kb.number
  })
}

/**
 * The next id from (r, c) going (dr, dc) in a grid of cell ids, where null is a cell the
 * arrow keys pass over (an aisle). Across a row it takes the next one that way; up or down,
 * the same column if it has one, else the closest to it in that row.
 */
export function nearestCell(grid: (string | null)[][], r: number, c: number, dr: number, dc: number): string | null {
  if (dc !== 0) {
    const cells = grid[r] ?? []
    for (let j = c + dc; j >= 0 && j < cells.length; j += dc) {
      const id = cells[j]
      if (id) return id
    }
    return null
  }
  for (let i = r + dr; i >= 0 && i < grid.length; i += dr) {
    const cells = grid[i]!
    for (let off = 0; off < cells.length; off++) {
      for (const j of [c - off, c + off]) {
        const id = cells[j]
        if (id) return id
      }
    }
  }
  return null
}

/**
 * A hall's seat count and where it comes from, in two parts: "120 seats" and "10 rows × 14,
 * 20 removed", so that the figures add up (10 × 14 alone reads as a wrong sum for 120).
 */
export function seatCount(capacity: number, rows: number, seatsPerRow: number): { seats: string; grid: string } {
  const removed = rows * seatsPerRow - capacity
  const grid = `${plural(rows, 'row')} × ${seatsPerRow}`
  return { seats: plural(capacity, 'seat'), grid: removed > 0 ? `${grid}, ${removed} removed` : grid }
}
