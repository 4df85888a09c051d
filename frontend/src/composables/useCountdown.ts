import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'

/**
 * Seconds left until an ISO deadline, ticking once a second. Based on Date.now() each tick
 * (not on counting ticks) so a throttled background tab still shows the right time.
 */
export function useCountdown(deadline: Ref<string | null | undefined>) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | null = null

  const remaining = computed(() => {
    if (!deadline.value) return 0
    const ms = Date.parse(deadline.value) - now.value
    return Math.max(0, Math.ceil(ms / 1000))
  })
  const expired = computed(() => !!deadline.value && remaining.value <= 0)
  const label = computed(() => {
    const m = Math.floor(remaining.value / 60)
    const s = remaining.value % 60
    return `${m}:${String(s).padStart(2, '0')}`
  })

  function stop() {
    if (timer) clearInterval(timer)
    timer = null
  }

  watch(
    deadline,
    (value) => {
      stop()
      now.value = Date.now()
      if (value) timer = setInterval(() => (now.value = Date.now()), 1000)
    },
    { immediate: true },
  )
  watch(expired, (isExpired) => isExpired && stop())
  onBeforeUnmount(stop)

  return { remaining, expired, label }
}
