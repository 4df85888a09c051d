import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { useGuardedDelete } from '@/composables/useGuardedDelete'
import { useNoticesStore } from '@/stores/notices'

const conflict = new ApiError(409, 'venue_has_bookings', 'Upcoming shows have bookings.')

beforeEach(() => setActivePinia(createPinia()))

describe('useGuardedDelete', () => {
  it('does nothing unless confirmed', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(false)
    const remove = vi.fn()
    expect(await useGuardedDelete('venue_has_bookings').run(1, 'Delete?', remove)).toBe(false)
    expect(remove).not.toHaveBeenCalled()
  })

  it('asks again before forcing past bookings', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true)
    const remove = vi.fn().mockRejectedValueOnce(conflict).mockResolvedValueOnce({})
    expect(await useGuardedDelete('venue_has_bookings').run(1, 'Delete?', remove)).toBe(true)
    expect(remove.mock.calls).toEqual([[false], [true]])
    expect(confirm).toHaveBeenCalledTimes(2)
    expect(confirm.mock.calls[1]![0]).toContain('Upcoming shows have bookings.')
  })

  it('stops when the second question is declined', async () => {
    vi.spyOn(window, 'confirm').mockReturnValueOnce(true).mockReturnValueOnce(false)
    const remove = vi.fn().mockRejectedValueOnce(conflict)
    expect(await useGuardedDelete('venue_has_bookings').run(1, 'Delete?', remove)).toBe(false)
    expect(remove).toHaveBeenCalledTimes(1)
  })

  it('shows other errors and marks nothing as deleting afterwards', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(true)
    const guarded = useGuardedDelete('venue_has_bookings')
    const remove = vi.fn().mockRejectedValue(new ApiError(404, 'not_found', 'Venue not found.'))
    expect(await guarded.run(1, 'Delete?', remove)).toBe(false)
    expect(guarded.deleting.value).toBeNull()
    expect(useNoticesStore().items.map((n) => n.text)).toEqual(['Venue not found.'])
  })
})
