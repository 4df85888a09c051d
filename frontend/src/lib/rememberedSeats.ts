/**
 * Seats a signed-out person clicked, kept across the sign-in (or sign-up) round trip so the
 * seat map can pick them again on return. sessionStorage: this tab only, gone with it; and
 * short-lived, since after a while the seats are likely gone and the person has moved on.
 */
const KEY = 'boxoffice.rememberedSeats'
export const REMEMBER_MS = 15 * 60_000

interface Remembered {
  showId: number
  seats: string[]
  savedAt: number
}

function read(): Remembered | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Remembered | null
    if (!value || !Array.isArray(value.seats) || Date.now() - value.savedAt > REMEMBER_MS) return null
    return value
  } catch {
    return null // storage disabled or a value of someone else's making: nothing remembered
  }
}

/** Adds a seat to those remembered for this show (another show's are dropped). */
export function rememberSeat(showId: number, seat: string): void {
  const previous = read()
  const seats = previous?.showId === showId ? previous.seats.filter((s) => s !== seat) : []
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ showId, seats: [...seats, seat], savedAt: Date.now() }))
  } catch {
    // Storage full or disabled: the seat is simply not remembered.
  }
}

/** The seats remembered for this show, forgotten as they are handed out. */
export function takeRememberedSeats(showId: number): string[] {
  const value = read()
  if (value?.showId !== showId) return []
  try {
    sessionStorage.removeItem(KEY)
  } catch {
    // Nothing to remove.
  }
  return value.seats
}
