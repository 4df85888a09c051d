import type { CurrencyCode, Seat } from '@/api/types'
import type { DisplayStatus } from '@/stores/seats'
import type { SeatPlace } from '@/lib/layout'
import { formatMoney } from '@/lib/money'

/** Words for screen readers and the legend; colour is never the only cue. */
export const STATUS_TEXT: Record<DisplayStatus, string> = {
  free: 'free',
  held: 'held',
  booked: 'booked',
  mine: 'selected',
  yours: 'booked by you',
}

/**
 * How a seat looks to this person: 'mine' for what they are picking now, 'yours' for a seat
 * they already booked (the server marks only the caller's own booked seats), else its status.
 */
export function displayStatusOf(seat: Seat, selected: readonly string[]): DisplayStatus {
  if (selected.includes(seat.seat)) return 'mine'
  if (seat.status === 'booked' && seat.mine) return 'yours'
  return seat.status
}

/**
 * 'A 1' in a seat's name: a free seat shows only its number, which has to be a word of the
 * name for speech control ("click 1") and for WCAG's label in name. Read aloud it sounds as
 * 'A1' does.
 */
const rowAndNumber = (place: SeatPlace) => `${place.row} ${place.number}`

export function seatAriaLabel(seat: Seat, status: DisplayStatus, currency: CurrencyCode): string {
  return `Seat ${rowAndNumber(seat)}, ${seat.category}, ${formatMoney(seat.price, currency)}, ${STATUS_TEXT[status]}`
}

/**
 * A seat in the admin layout editor: pressing it removes the seat (the gap left says 'Restore
 * seat …'). Its price there is the category's surcharge, and it has no booking status.
 */
export function editableSeatAriaLabel(seat: Seat, currency: CurrencyCode): string {
  return `Remove seat ${rowAndNumber(seat)}, ${seat.category}, +${formatMoney(seat.price, currency)}`
}

/** The gap of a removed seat in the layout editor, named like the seat it puts back. */
export function restoreSeatAriaLabel(gap: SeatPlace): string {
  return `Restore seat ${rowAndNumber(gap)}`
}

/** Up to 6 category palettes (CSS classes cat-0..cat-5), assigned in layout order. */
export const categoryClass = (index: number) => `cat-${index % 6}`
