import { onBeforeUnmount, ref, watch, type Ref } from 'vue'

/** A copy of `source` that only follows it after `delay` ms of quiet (search-as-you-type). */
export function useDebounced<T>(source: Ref<T>, delay = 300): Ref<T> {
  const debounced = ref(source.value) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | null = null
  watch(source, (value) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => (debounced.value = value), delay)
  })
  onBeforeUnmount(() => timer && clearTimeout(timer))
  return debounced
}
