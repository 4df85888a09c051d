import { ref } from 'vue'
import { api } from '@/api'
import type { Booking } from '@/api/types'
import { formatDateTime } from '@/lib/datetime'
import { useNoticesStore } from '@/stores/notices'

/** Cancel with an explicit confirmation; resolves to the updated booking (or null). */
export function useCancelBooking() {
  const notices = useNoticesStore()
  const busyId = ref<number | null>(null)

  async function cancel(booking: Booking): Promise<Booking | null> {
    const question = `Cancel booking ${booking.code} for ${booking.show.title} on ${formatDateTime(booking.show.starts_at)}? Seats ${booking.seats.join(', ')} will be released.`
    if (!window.confirm(question)) return null
    busyId.value = booking.booking_id
    try {
      const r = await api.cancelBooking(booking.booking_id)
      notices.success(`Booking ${booking.code} is cancelled.`)
      return r.booking
    } catch (e) {
      notices.error(e, 'The booking could not be cancelled.')
      return null
    } finally {
      busyId.value = null
    }
  }

  return { cancel, busyId }
}
