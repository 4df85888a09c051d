import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { render } from '@testing-library/vue'
import { useSeatEvents } from '@/composables/useSeatEvents'

/** A stand-in EventSource the test drives by hand. */
class FakeSource {
  static CLOSED = 2
  static last: FakeSource | null = null
  readyState = 0
  onopen: (() => void) | null = null
  onmessage: ((m: MessageEvent<string>) => void) | null = null
  onerror: (() => void) | null = null
  constructor() {
    FakeSource.last = this
  }
  close() {
    this.readyState = FakeSource.CLOSED
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('useSeatEvents', () => {
  it('tells a refused or lost stream from the first connecting, and clears it once back', async () => {
    vi.useFakeTimers()
    vi.stubGlobal('EventSource', FakeSource)
    let state: ReturnType<typeof useSeatEvents> | null = null
    const onReconnect = vi.fn()
    render(defineComponent(() => {
      state = useSeatEvents(ref(7), () => undefined, onReconnect)
      return () => h('div')
    }))
    expect(state!.connected.value).toBe(false)
    expect(state!.interrupted.value).toBe(false) // connecting for the first time

    const first = FakeSource.last!
    first.readyState = FakeSource.CLOSED // refused (e.g. 429): the browser gives up
    first.onerror!()
    expect(state!.interrupted.value).toBe(true)

    await vi.advanceTimersByTimeAsync(5000) // tried again
    const second = FakeSource.last!
    expect(second).not.toBe(first)
    second.onopen!()
    expect(state!.connected.value).toBe(true)
    expect(state!.interrupted.value).toBe(false)
    expect(onReconnect).toHaveBeenCalledTimes(1) // the map is read again
  })
})
