import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { Booking, Hold, Seat, SeatEvent, SeatMapResponse, SeatStatus, Show } from '@/api/types'
import { displayStatusOf } from '@/components/seatStatus'
import { sumMoney } from '@/lib/money'
import { useNoticesStore } from './notices'

export const MAX_SEATS = 10

/** 'mine': picked now (held or about to be); 'yours': booked by this person earlier. */
export type DisplayStatus = SeatStatus | 'mine' | 'yours'

const bySeatOrder = (a: Seat, b: Seat) => a.row.localeCompare(b.row) || a.number - b.number

/**
 * Seat selection for one show: the map, the user's selection and the server-side hold that
 * mirrors it. Every change of selection re-sends the whole selection (POST /api/hold replaces
 * the previous hold), one request at a time, latest selection wins.
 */
export const useSeatsStore = defineStore('seats', () => {
  const notices = useNoticesStore()

  const showId = ref<number | null>(null)
  const show = ref<Show | null>(null)
  const map = ref<SeatMapResponse | null>(null)
  const selected = ref<string[]>([])
  const hold = ref<Hold | null>(null)
  const loading = ref(false)
  const loadError = ref<ApiError | null>(null)
  const syncing = ref(false)
  /** The seats of a hold that ended here because the person booked them in another window:
   * nothing to pick again (see holdEnded). */
  const bookedElsewhere = ref<string[]>([])

  const seatIndex = computed(() => new Map((map.value?.seats ?? []).map((s) => [s.seat, s])))
  const selectedSeats = computed(() =>
    selected.value.map((l) => seatIndex.value.get(l)).filter((s): s is Seat => !!s).sort(bySeatOrder),
  )
  const total = computed(() => sumMoney(selectedSeats.value.map((s) => s.price)))
  /** The currency of the selection's prices: a hold's own (what booking it charges, also after
   * the venue changed its currency), else the venue's. */
  const currency = computed(() => hold.value?.currency ?? map.value?.currency)
  /** Seats of this show the person has already booked (the map lists seats in seat order). */
  const bookedByMe = computed(() =>
    (map.value?.seats ?? []).filter((s) => s.status === 'booked' && s.mine).map((s) => s.seat),
  )
  /** The hold matches what the user sees selected (so it can be booked). */
  const inSync = computed(
    () =>
      !syncing.value &&
      hold.value !== null &&
      hold.value.seats.length === selected.value.length &&
      selected.value.every((s) => hold.value!.seats.includes(s)),
  )

  function displayStatus(seat: Seat): DisplayStatus {
    return displayStatusOf(seat, selected.value)
  }

  function setStatus(label: string, status: SeatStatus, mine = false): void {
    const seat = seatIndex.value.get(label)
    if (seat) {
      seat.status = status
      seat.mine = mine
    }
  }

  function applyMap(m: SeatMapResponse): void {
    map.value = m
    hold.value = m.hold
    // Seats booked by us are marked mine too, but they are not part of a new selection.
    selected.value = m.hold ? [...m.hold.seats] : m.seats.filter((s) => s.mine && s.status === 'held').map((s) => s.seat)
  }

  async function load(id: number): Promise<void> {
    if (showId.value !== id) reset()
    showId.value = id
    loading.value = true
    loadError.value = null
    try {
      const [s, m] = await Promise.all([api.show(id), api.seats(id)])
      show.value = s.show
      applyMap(m)
    } catch (e) {
      loadError.value = e instanceof ApiError ? e : new ApiError(0, 'unknown', 'Could not load the seats.')
    } finally {
      loading.value = false
    }
  }

  /** Re-read the map (after an SSE reconnect or a conflict): the server is the truth. */
  async function refresh(): Promise<void> {
    if (showId.value === null) return
    try {
      applyMap(await api.seats(showId.value))
    } catch (e) {
      notices.error(e)
    }
  }

  /** Re-read the seats' statuses only, keeping the selection and hold being sent. */
  async function reloadSeats(): Promise<void> {
    const id = showId.value
    if (id === null) return
    try {
      const m = await api.seats(id)
      if (showId.value === id) map.value = m
    } catch (e) {
      notices.error(e)
    }
  }

  function toggle(label: string): void {
    const seat = seatIndex.value.get(label)
    if (!seat) return
    if (selected.value.includes(label)) {
      selected.value = selected.value.filter((s) => s !== label)
    } else {
      if (seat.status !== 'free') return
      if (selected.value.length >= MAX_SEATS) {
        notices.info(`You can pick up to ${MAX_SEATS} seats at a time.`)
        return
      }
      selected.value = [...selected.value, label]
    }
    void syncHold()
  }

  /**
   * Picks again the seats chosen before signing in: those still free join the selection (up
   * to the limit), and the person is told which ones went to someone else meanwhile.
   */
  function restore(labels: string[]): void {
    const lost = labels.filter((l) => seatIndex.value.get(l)?.status !== 'free' && !selected.value.includes(l))
    const free = labels.filter((l) => seatIndex.value.get(l)?.status === 'free' && !selected.value.includes(l))
    const room = Math.max(0, MAX_SEATS - selected.value.length)
    if (lost.length) {
      const names = lost.join(', ')
      notices.info(lost.length === 1 ? `Seat ${names} was taken meanwhile.` : `Seats ${names} were taken meanwhile.`)
    }
    if (free.length > room) notices.info(`You can pick up to ${MAX_SEATS} seats at a time.`)
    if (free.length === 0 || room === 0) return
    selected.value = [...selected.value, ...free.slice(0, room)]
    void syncHold()
  }

  async function suggest(count: number): Promise<void> {
    if (showId.value === null) return
    try {
      const r = await api.suggest(showId.value, count)
      selected.value = r.seats.slice(0, MAX_SEATS)
      await syncHold()
    } catch (e) {
      notices.error(e, 'No seats could be suggested.')
    }
  }

  let inFlight: Promise<void> | null = null
  let dirty = false

  function syncHold(): Promise<void> {
    dirty = true
    inFlight ??= (async () => {
      syncing.value = true
      try {
        while (dirty) {
          dirty = false
          await sendHold([...selected.value])
        }
      } finally {
        syncing.value = false
        inFlight = null
      }
    })()
    return inFlight
  }

  /** Wait for pending hold requests without sending another one. */
  function settled(): Promise<void> {
    return inFlight ?? Promise.resolve()
  }

  async function sendHold(labels: string[]): Promise<void> {
    if (showId.value === null) return
    const previous = hold.value?.seats ?? []
    try {
      if (labels.length === 0) {
        if (hold.value) await api.releaseHold(hold.value.hold_id)
        hold.value = null
      } else {
        const h = await api.hold(showId.value, labels)
        hold.value = { hold_id: h.hold_id, expires_at: h.expires_at, seats: h.seats, total: h.total, currency: h.currency }
      }
      for (const l of previous) if (!hold.value?.seats.includes(l)) setStatus(l, 'free')
      for (const l of hold.value?.seats ?? []) setStatus(l, 'held', true)
    } catch (e) {
      if (e instanceof ApiError && e.code === 'seat_taken') {
        const taken = Array.isArray(e.details.seats) ? (e.details.seats as string[]) : []
        selected.value = selected.value.filter((s) => !taken.includes(s))
        notices.push('error', e.message)
        // The 409 does not say whether a lost seat is held or already booked: the map does.
        await reloadSeats()
        // Keep what is still available: hold the rest (or release) on the next loop turn.
        dirty = true
      } else {
        selected.value = [...previous]
        notices.error(e, 'Could not hold the seats.')
      }
    }
  }

  /** Live updates from the SSE stream. */
  function applyEvent(event: SeatEvent): void {
    for (const { seat: label, status } of event.seats ?? []) {
      const ours = hold.value?.seats.includes(label) ?? false
      const picked = selected.value.includes(label)
      // Our own hold is reported as "held" like anyone's, and the event can arrive before the
      // hold response does, so a "held" seat we picked stays ours; if someone else really got
      // it first, the pending hold request answers 409 seat_taken and we drop it then.
      if (status === 'held' && (ours || picked)) {
        setStatus(label, 'held', ours)
        continue
      }
      // Events do not say whose a seat is either: "booked" for a seat the map already shows
      // as booked by us is our own booking announced (again), not someone else's. Only a
      // "free" (the booking cancelled) makes it stop being ours.
      const known = seatIndex.value.get(label)
      if (status === 'booked' && known?.status === 'booked' && known.mine) continue
      if (status === 'booked' && picked && !ours) {
        selected.value = selected.value.filter((s) => s !== label)
        notices.push('info', `Seat ${label} was just booked by someone else.`)
      }
      setStatus(label, status, ours && status === 'booked')
    }
  }

  function expire(): void {
    const labels = hold.value?.seats ?? []
    hold.value = null
    selected.value = []
    void holdEnded(labels, () => notices.push('info', 'Your seat hold expired. Please pick your seats again.'))
  }

  /**
   * A hold of `labels` ended without being booked here: re-read the map. A hold booked in
   * another window ends too, and its seats are then the person's own booking, which "expired,
   * pick again" would belie; `expired` tells of any other end (timed out, replaced).
   */
  async function holdEnded(labels: string[], expired: () => void): Promise<void> {
    bookedElsewhere.value = []
    await refresh()
    const booked = bookedByMe.value
    if (labels.length > 0 && labels.every((l) => booked.includes(l))) {
      bookedElsewhere.value = [...labels]
      notices.info('You have booked these seats already, in another window.')
    } else {
      expired()
    }
  }

  async function book(): Promise<Booking | null> {
    if (!hold.value) return null
    const labels = hold.value.seats
    try {
      const { booking } = await api.book(hold.value.hold_id)
      reset()
      return booking
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && e.code === 'not_found') {
        // The hold is gone: replaced by seats chosen in another tab, or released there. The
        // map says what (if anything) is held for us now.
        notices.info('Your seats were changed or released in another window. Here is what is held for you now.')
        await refresh()
        return null
      }
      if (e instanceof ApiError && e.code === 'hold_expired') {
        await holdEnded(labels, () => notices.error(e))
        return null
      }
      notices.error(e, 'The booking failed.')
      if (e instanceof ApiError && e.code === 'seat_taken') await refresh()
      return null
    }
  }

  /** Leaving the booking flow: give the held seats back to others at once (best effort). */
  function abandon(): void {
    const current = hold.value
    reset()
    if (current) api.releaseHold(current.hold_id).catch(() => undefined) // it expires anyway
  }

  function reset(): void {
    showId.value = null
    show.value = null
    map.value = null
    selected.value = []
    hold.value = null
    loadError.value = null
    bookedElsewhere.value = []
  }

  return {
    showId, show, map, selected, hold, loading, loadError, syncing,
    selectedSeats, total, currency, inSync, bookedByMe, bookedElsewhere,
    displayStatus, load, refresh, toggle, restore, suggest, syncHold, settled, applyEvent, expire, book, abandon, reset,
  }
})
