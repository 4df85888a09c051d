import { computed, onBeforeUnmount, ref, watch, type ComputedRef, type Ref } from 'vue'
import { isPast } from '@/lib/datetime'

// setTimeout takes a signed 32-bit delay (about 24.8 days); a longer one fires at once.
const MAX_DELAY_MS = 2 ** 31 - 1

/** An ISO 8601 moment, or nothing yet (a page still loading). */
export type Moment = string | null | undefined

/** Whether a moment is at or before `now`; a missing or unreadable one has not passed. */
export function hasPassed(moment: Moment, now: number): boolean {
  return !!moment && isPast(moment, now)
}

/**
 * The current time, read again exactly when one of the given moments passes, so that what is
 * computed from it with `hasPassed` changes at that moment while the page is open: one timer
 * for the next moment to come (not a tick every second). A sleeping laptop's timers can run
 * late, so coming back to the tab reads the clock again too.
 */
export function useClockAt(moments: () => readonly Moment[]): Readonly<Ref<number>> {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setTimeout> | null = null

  function stop() {
    if (timer) clearTimeout(timer)
    timer = null
  }

  function check() {
    stop()
    now.value = Date.now()
    const ahead = moments()
      .map((m) => (m ? Date.parse(m) - now.value : Number.NaN))
      .filter((left) => left > 0)
    // A farther moment than one timer can wait for is checked again when that timer fires;
    // so is one the timer reached early by the wall clock (which can be set back meanwhile).
    if (ahead.length) timer = setTimeout(check, Math.min(...ahead, MAX_DELAY_MS))
  }

  function onVisible() {
    if (document.visibilityState === 'visible') check()
  }

  watch(moments, check, { immediate: true })
  document.addEventListener('visibilitychange', onVisible)
  onBeforeUnmount(() => {
    stop()
    document.removeEventListener('visibilitychange', onVisible)
  })

  return now
}

/** Whether a moment has passed, turning true at that moment while the page is open. */
export function useMomentPassed(moment: Ref<Moment>): ComputedRef<boolean> {
  const now = useClockAt(() => [moment.value])
  return computed(() => hasPassed(moment.value, now.value))
}
