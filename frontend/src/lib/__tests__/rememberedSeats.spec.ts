import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REMEMBER_MS, rememberSeat, takeRememberedSeats } from '@/lib/rememberedSeats'

beforeEach(() => sessionStorage.clear())
afterEach(() => vi.useRealTimers())

describe('remembered seats', () => {
  it('hands back the seats clicked for a show once, in the order clicked', () => {
    rememberSeat(7, 'C5')
    rememberSeat(7, 'C6')
    rememberSeat(7, 'C5')
    expect(takeRememberedSeats(7)).toEqual(['C6', 'C5'])
    expect(takeRememberedSeats(7)).toEqual([])
  })

  it('keeps only the last show clicked on, and gives nothing to another show', () => {
    rememberSeat(7, 'C5')
    rememberSeat(8, 'A1')
    expect(takeRememberedSeats(7)).toEqual([])
    expect(takeRememberedSeats(8)).toEqual(['A1'])
  })

  it('forgets them after a while', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-11-26T12:00:00Z'))
    rememberSeat(7, 'C5')
    vi.setSystemTime(Date.now() + REMEMBER_MS + 1)
    expect(takeRememberedSeats(7)).toEqual([])
  })

  it('ignores a stored value it cannot read', () => {
    sessionStorage.setItem('boxoffice.rememberedSeats', '{not json')
    expect(takeRememberedSeats(7)).toEqual([])
    rememberSeat(7, 'A1')
    expect(takeRememberedSeats(7)).toEqual(['A1'])
  })
})
