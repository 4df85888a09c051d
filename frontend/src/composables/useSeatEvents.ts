import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { api } from '@/api'
import type { SeatEvent } from '@/api/types'

const RETRY_MS = 5000

/**
 * Follows /api/show/events for a show. EventSource reconnects by itself after a dropped
 * connection; since events sent meanwhile are lost, `onReconnect` refetches the whole map.
 */
export function useSeatEvents(
  showId: Ref<number | null>,
  onEvent: (event: SeatEvent) => void,
  onReconnect: () => void,
) {
  const connected = ref(false)
  /** The stream was lost or refused and is being tried again (the map works meanwhile). */
  const interrupted = ref(false)
  let source: EventSource | null = null
  let lostConnection = false
  let retry: ReturnType<typeof setTimeout> | null = null

  function close() {
    if (retry) clearTimeout(retry)
    retry = null
    source?.close()
    source = null
    connected.value = false
  }

  function open(id: number) {
    close()
    if (typeof EventSource === 'undefined') return
    const es = new EventSource(api.seatEventsUrl(id), { withCredentials: true })
    source = es
    es.onopen = () => {
      connected.value = true
      interrupted.value = false
      if (lostConnection) onReconnect()
      lostConnection = false
    }
    es.onmessage = (message: MessageEvent<string>) => {
      try {
        onEvent(JSON.parse(message.data) as SeatEvent)
      } catch {
        // A keep-alive or malformed line: nothing to apply.
      }
    }
    es.onerror = () => {
      connected.value = false
      interrupted.value = true
      lostConnection = true
      // The browser gives up for good on HTTP errors (CLOSED); try again ourselves later.
      if (es.readyState === EventSource.CLOSED && source === es) {
        retry = setTimeout(() => open(id), RETRY_MS)
      }
    }
  }

  watch(showId, (id) => (id === null ? close() : open(id)), { immediate: true })
  onBeforeUnmount(close)

  return { connected, interrupted }
}
