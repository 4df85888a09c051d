import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { computed, defineComponent, h, nextTick, ref, type Ref } from 'vue'
import { render } from '@testing-library/vue'
import { hasPassed, useClockAt, useMomentPassed } from '@/composables/useMomentPassed'
import { useShowStarted } from '@/composables/useShowStarted'

const NOW = new Date('2026-11-26T12:00:00Z').getTime()
const inMs = (ms: number) => new Date(NOW + ms).toISOString()

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(NOW)
})
afterEach(() => vi.useRealTimers())

/** Mounts a component that calls `use`; returns what it gave and a way to unmount. */
function mount<T>(use: () => T) {
  let result: T | undefined
  const view = render(
    defineComponent(() => {
      result = use()
      return () => h('div')
    }),
  )
  return { result: result as T, unmount: view.unmount }
}

function mountPassed(at: string | null) {
  const moment = ref<string | null>(at)
  const { result, unmount } = mount(() => useMomentPassed(moment))
  return { moment, passed: () => result.value, unmount }
}

describe('useMomentPassed', () => {
  it('turns true at the moment with one timer, not a tick every second', async () => {
    const { passed } = mountPassed(inMs(10 * 60_000))
    expect(passed()).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(10 * 60_000 - 1)
    expect(passed()).toBe(false)
    expect(vi.getTimerCount()).toBe(1) // the same single timer, still waiting
    await vi.advanceTimersByTimeAsync(1)
    expect(passed()).toBe(true)
    expect(vi.getTimerCount()).toBe(0) // nothing left running once it has passed
  })

  it('is true at once for a moment already gone, with no timer', () => {
    const { passed } = mountPassed(inMs(-1000))
    expect(passed()).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('is false while there is no moment yet (a page still loading), with no timer', async () => {
    const { moment, passed } = mountPassed(null)
    expect(passed()).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
    moment.value = inMs(-1000)
    await nextTick()
    expect(passed()).toBe(true)
  })

  it('waits for a moment further away than one timer can (about 24.8 days)', async () => {
    const day = 24 * 3600_000
    const { passed } = mountPassed(inMs(30 * day))
    await vi.advanceTimersByTimeAsync(25 * day)
    expect(passed()).toBe(false)
    await vi.advanceTimersByTimeAsync(5 * day - 1)
    expect(passed()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(passed()).toBe(true)
  })

  it('follows a changed moment', async () => {
    const { moment, passed } = mountPassed(inMs(60_000))
    moment.value = inMs(120_000)
    await nextTick()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(passed()).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(passed()).toBe(true)
  })

  it('checks the clock again when the tab comes back (timers run late after sleep)', () => {
    const { passed } = mountPassed(inMs(60_000))
    vi.setSystemTime(NOW + 90_000) // the clock moved on, the timer has not fired
    expect(passed()).toBe(false)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(passed()).toBe(true)
  })

  it('waits again when its timer fires before the moment by the wall clock', async () => {
    const { passed } = mountPassed(inMs(60_000))
    vi.setSystemTime(NOW - 5000) // the clock was set back while the timer ran
    await vi.advanceTimersByTimeAsync(60_000)
    expect(passed()).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(passed()).toBe(true)
  })

  it('stops its timer and listener when the page goes', () => {
    const { passed, unmount } = mountPassed(inMs(60_000))
    unmount()
    expect(vi.getTimerCount()).toBe(0)
    vi.setSystemTime(NOW + 90_000)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(passed()).toBe(false)
  })
})

describe('useClockAt', () => {
  it('moves on at each of several moments, with one timer at a time for the next', async () => {
    const moments = ref([inMs(120_000), null, inMs(-5000), inMs(60_000)])
    const { result: now } = mount(() => useClockAt(() => moments.value))
    const gone = () => moments.value.filter((m) => hasPassed(m, now.value)).length
    expect(gone()).toBe(1)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(gone()).toBe(2)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000 - 1)
    expect(gone()).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(gone()).toBe(3)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('sets its timer for a sooner moment added later', async () => {
    const moments: Ref<string[]> = ref([inMs(120_000)])
    const { result: now } = mount(() => useClockAt(() => moments.value))
    moments.value = [...moments.value, inMs(30_000)]
    await nextTick()
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(now.value).toBe(NOW + 30_000)
  })
})

describe('useShowStarted', () => {
  it('is true from the start time on', async () => {
    const start = ref<string | null>(inMs(60_000))
    const { result: started } = mount(() => useShowStarted(computed(() => start.value)))
    expect(started.value).toBe(false)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(started.value).toBe(true)
  })
})
