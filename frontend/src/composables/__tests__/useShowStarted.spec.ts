import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { render } from '@testing-library/vue'
import { useShowStarted } from '@/composables/useShowStarted'

const NOW = new Date('2026-11-26T12:00:00Z').getTime()
const inMs = (ms: number) => new Date(NOW + ms).toISOString()

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(NOW)
})
afterEach(() => vi.useRealTimers())

/** Mounts a component using the composable; returns its result and the start-time ref. */
function mount(startsAt: string | null) {
  const start = ref<string | null>(startsAt)
  let started = ref(false)
  const view = render(
    defineComponent(() => {
      started = useShowStarted(start)
      return () => h('div')
    }),
  )
  return { start, started: () => started.value, unmount: view.unmount }
}

describe('useShowStarted', () => {
  it('turns true at the start time with one timer, not a tick every second', async () => {
    const { started } = mount(inMs(10 * 60_000))
    expect(started()).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(10 * 60_000 - 1)
    expect(started()).toBe(false)
    expect(vi.getTimerCount()).toBe(1) // the same single timer, still waiting
    await vi.advanceTimersByTimeAsync(1)
    expect(started()).toBe(true)
    expect(vi.getTimerCount()).toBe(0) // nothing left running once it has started
  })

  it('is true at once for a show that has started, with no timer', () => {
    const { started } = mount(inMs(-1000))
    expect(started()).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('waits for a start further away than one timer can (about 24.8 days)', async () => {
    const day = 24 * 3600_000
    const { started } = mount(inMs(30 * day))
    await vi.advanceTimersByTimeAsync(25 * day)
    expect(started()).toBe(false)
    await vi.advanceTimersByTimeAsync(5 * day - 1)
    expect(started()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(started()).toBe(true)
  })

  it('follows a changed start time', async () => {
    const { start, started } = mount(inMs(60_000))
    start.value = inMs(120_000)
    await nextTick()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(started()).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(started()).toBe(true)
  })

  it('checks the clock again when the tab comes back (timers run late after sleep)', () => {
    const { started } = mount(inMs(60_000))
    vi.setSystemTime(NOW + 90_000) // the clock moved on, the timer has not fired
    expect(started()).toBe(false)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(started()).toBe(true)
  })

  it('stops its timer and listener when the page goes', () => {
    const { started, unmount } = mount(inMs(60_000))
    unmount()
    expect(vi.getTimerCount()).toBe(0)
    vi.setSystemTime(NOW + 90_000)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(started()).toBe(false)
  })
})
