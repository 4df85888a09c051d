import { computed } from 'vue'
import type { Booking } from '@/api/types'
import { plural } from '@/lib/plural'
import { hasPassed, useClockAt } from './useMomentPassed'

/**
 * Whether a booking's ticket can still be used: the door admits it until the show ends, so
 * someone running late still needs its QR code after the start. After the end it is Past.
 */
export function isUsable(booking: Booking, now: number): boolean {
  return booking.status === 'confirmed' && !hasPassed(booking.show.ends_at, now)
}

/**
 * What a booking page shows that depends on the time, kept right while the page stays open:
 * the ticket is upcoming until the show starts, then started (still usable, its QR code
 * shown) until it ends; Cancel is offered until the cutoff the server gave (`cancel_until`).
 * Each changes at its moment rather than when the page is next loaded.
 */
export function useBookingTimes(booking: () => Booking | null | undefined) {
  const now = useClockAt(() => {
    const b = booking()
    return [b?.cancel_until, b?.show.starts_at, b?.show.ends_at]
  })

  const usable = computed(() => {
    const b = booking()
    return !!b && isUsable(b, now.value)
  })
  const upcoming = computed(() => usable.value && !hasPassed(booking()?.show.starts_at, now.value))
  const started = computed(() => usable.value && !upcoming.value)
  const cancellable = computed(() => {
    const b = booking()
    return !!b && b.status === 'confirmed' && b.can_cancel && !hasPassed(b.cancel_until, now.value)
  })
  // Between the cutoff and the start the button is gone; say why instead of leaving a gap.
  // The server's can_cancel also covers a cutoff this browser's clock has not reached yet.
  const cancelClosed = computed(() => {
    const b = booking()
    if (!b || !upcoming.value || b.admitted_at || cancellable.value) return null
    return `Cancellation closed ${plural(b.cancel_cutoff_minutes, 'minute')} before the show.`
  })

  return { usable, upcoming, started, cancellable, cancelClosed }
}
