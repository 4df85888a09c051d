import { render, screen } from '@testing-library/vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import HoldCountdown from '@/components/HoldCountdown.vue'

const NOW = new Date('2026-11-26T12:00:00Z')

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(NOW)
})
afterEach(() => vi.useRealTimers())

const inSeconds = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString()
const time = () => screen.getByTestId('countdown').textContent

async function advance(ms: number) {
  vi.advanceTimersByTime(ms)
  await nextTick()
}

describe('HoldCountdown', () => {
  it('counts down to expires_at once a second', async () => {
    render(HoldCountdown, { props: { expiresAt: inSeconds(125) } })
    expect(time()).toBe('2:05')
    await advance(1000)
    expect(time()).toBe('2:04')
    await advance(64_000)
    expect(time()).toBe('1:00')
    expect(screen.getByRole('timer')).not.toHaveClass('urgent')
    await advance(1000)
    expect(time()).toBe('0:59')
    expect(screen.getByRole('timer')).toHaveClass('urgent')
  })

  it('reads an ISO time with an offset', () => {
    render(HoldCountdown, { props: { expiresAt: '2026-11-26T17:40:00+05:30' } }) // = 12:10Z
    expect(time()).toBe('10:00')
  })

  it('emits expired once at zero and says so', async () => {
    const { emitted } = render(HoldCountdown, { props: { expiresAt: inSeconds(3) } })
    await advance(2000)
    expect(emitted('expired')).toBeUndefined()
    await advance(1000)
    expect(emitted('expired')).toHaveLength(1)
    expect(screen.getByText('Hold expired')).toBeInTheDocument()
    await advance(5000)
    expect(emitted('expired')).toHaveLength(1)
  })

  it('restarts when the hold is renewed', async () => {
    const { rerender, emitted } = render(HoldCountdown, { props: { expiresAt: inSeconds(10) } })
    await advance(5000)
    expect(time()).toBe('0:05')
    await rerender({ expiresAt: inSeconds(5 + 600) })
    expect(time()).toBe('10:00')
    await advance(6000)
    expect(emitted('expired')).toBeUndefined()
  })

  it('is already expired for a past deadline', () => {
    const { emitted } = render(HoldCountdown, { props: { expiresAt: inSeconds(-30) } })
    expect(emitted('expired')).toHaveLength(1)
  })

  it('announces the last minute politely', async () => {
    render(HoldCountdown, { props: { expiresAt: inSeconds(61) } })
    expect(screen.queryByText(/less than one minute/i)).toBeNull()
    await advance(1000) // exactly 1:00 left
    expect(screen.queryByText(/less than one minute/i)).toBeNull()
    await advance(1000)
    expect(screen.getByText(/less than one minute/i)).toBeInTheDocument()
  })
})
