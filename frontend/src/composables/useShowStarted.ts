import { onBeforeUnmount, ref, watch, type Ref } from 'vue'

// setTimeout takes a signed 32-bit delay (about 24.8 days); a longer one fires at once.
const MAX_DELAY_MS = 2 ** 31 - 1

/**
 * Whether a show has started, turning true at its start time while the page is open: one
 * timer set for that moment (not a tick every second). A sleeping laptop's timers can run
 * late, so coming back to the tab checks the clock again.
 */
export function useShowStarted(startsAt: Ref<string | null | undefined>): Ref<boolean> {
  const started = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  function stop() {
    if (timer) clearTimeout(timer)
    timer = null
  }

  function check() {
    stop()
    const iso = startsAt.value
    const left = iso ? Date.parse(iso) - Date.now() : Number.NaN
    started.value = left <= 0
    // A farther start than one timer can wait for is checked again when that timer fires.
    if (left > 0) timer = setTimeout(check, Math.min(left, MAX_DELAY_MS))
  }

  function onVisible() {
    if (document.visibilityState === 'visible') check()
  }

  watch(startsAt, check, { immediate: true })
  document.addEventListener('visibilitychange', onVisible)
  onBeforeUnmount(() => {
    stop()
    document.removeEventListener('visibilitychange', onVisible)
  })

  return started
}
