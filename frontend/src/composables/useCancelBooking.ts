import { ref } from 'vue'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Booking } from '@/api/types'
import { useConfirm } from '@/composables/useConfirm'
import { formatDateTime } from '@/lib/datetime'
import { useNoticesStore } from '@/stores/notices'

// Refusals that mean the booking can no longer be cancelled, whatever the page showed: the
// cutoff passed by the server's clock (the browser's may be behind), or it was cancelled or
// used at the door meanwhile.
const NO_LONGER = new Set(['cancel_too_late', 'already_cancelled', 'already_admitted'])

/**
 * Cancel with an explicit confirmation; resolves to the booking as it now is (cancelled, or
 * as the server has it after a refusal like the above), or null when nothing changed.
 */
export function useCancelBooking() {
  const notices = useNoticesStore()
  const { ask } = useConfirm()
  const busyId = ref<number | null>(null)

  async function cancel(booking: Booking): Promise<Booking | null> {
    const seats = `${booking.seats.length === 1 ? 'Seat' : 'Seats'} ${booking.seats.join(', ')}`
    const ok = await ask({
      title: `Cancel booking ${booking.code}?`,
      message: `${booking.show.title} on ${formatDateTime(booking.show.starts_at)}. ${seats} will be released.`,
      confirmLabel: 'Cancel booking',
      cancelLabel: 'Keep booking',
    })
    if (!ok) return null
    busyId.value = booking.booking_id
    try {
      const r = await api.cancelBooking(booking.booking_id)
      notices.success(`Booking ${booking.code} is cancelled.`)
      return r.booking
    } catch (e) {
      notices.error(e, 'The booking could not be cancelled.')
      if (e instanceof ApiError && NO_LONGER.has(e.code)) return await reread(booking)
      return null
    } finally {
      busyId.value = null
    }
  }

  /** The booking as the server has it, so the page stops offering what it refused. */
  async function reread(booking: Booking): Promise<Booking> {
    try {
      return (await api.booking(booking.booking_id)).booking
    } catch {
      // Not even that could be read: at least take the button away.
      return { ...booking, can_cancel: false }
    }
  }

  return { cancel, busyId }
}
