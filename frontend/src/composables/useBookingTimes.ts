import { computed } from 'vue'
import type { Booking } from '@/api/types'
import { hasPassed, useClockAt } from './useMomentPassed'

const minutes = (n: number) => `${n} minute${n === 1 ? '' : 's'}`

/**
 * What a booking page shows that depends on the time, kept right while the page stays open:
 * the show is upcoming until it starts, and Cancel is offered until the cutoff the server
 * gave (`cancel_until`), both changing at that moment rather than when the page is next loaded.
 */
export function useBookingTimes(booking: () => Booking | null | undefined) {
  const now = useClockAt(() => [booking()?.cancel_until, booking()?.show.starts_at])

  const upcoming = computed(() => {
    const b = booking()
    return !!b && b.status === 'confirmed' && !hasPassed(b.show.starts_at, now.value)
  })
  const cancellable = computed(() => {
    const b = booking()
    return !!b && b.status === 'confirmed' && b.can_cancel && !hasPassed(b.cancel_until, now.value)
  })
  // Between the cutoff and the start the button is gone; say why instead of leaving a gap.
  // The server's can_cancel also covers a cutoff this browser's clock has not reached yet.
  const cancelClosed = computed(() => {
    const b = booking()
    if (!b || !upcoming.value || b.admitted_at || cancellable.value) return null
    return `Cancellation closed ${minutes(b.cancel_cutoff_minutes)} before the show.`
  })

  return { upcoming, cancellable, cancelClosed }
}
