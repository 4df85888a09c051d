import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { useGuardedDelete } from '@/composables/useGuardedDelete'
import { useNoticesStore } from '@/stores/notices'
import { answerQuestions } from '@/test-utils/confirm'

const conflict = new ApiError(409, 'venue_has_bookings', 'Upcoming shows have bookings.')

beforeEach(() => setActivePinia(createPinia()))

describe('useGuardedDelete', () => {
  it('does nothing unless confirmed', async () => {
    answerQuestions(false)
    const remove = vi.fn()
    expect(await useGuardedDelete('venue_has_bookings').run(1, 'Delete?', remove)).toBe(false)
    expect(remove).not.toHaveBeenCalled()
  })

  it('asks again before forcing past bookings', async () => {
    const asked = answerQuestions(true, true)
    const remove = vi.fn().mockRejectedValueOnce(conflict).mockResolvedValueOnce({})
    expect(await useGuardedDelete('venue_has_bookings', undefined, 'venue').run(1, 'Delete PVR?', remove)).toBe(true)
    expect(remove.mock.calls).toEqual([[false], [true]])
    expect(asked).toHaveLength(2)
    // Each button says what it does.
    expect(asked[0]).toMatchObject({ title: 'Delete venue?', message: 'Delete PVR?', confirmLabel: 'Delete venue' })
    expect(asked[1]!.message).toContain('Upcoming shows have bookings.')
    expect(asked[1]!.confirmLabel).toBe('Delete and cancel bookings')
  })

  it('stops when the second question is declined', async () => {
    answerQuestions(true, false)
    const remove = vi.fn().mockRejectedValueOnce(conflict)
    expect(await useGuardedDelete('venue_has_bookings').run(1, 'Delete?', remove)).toBe(false)
    expect(remove).toHaveBeenCalledTimes(1)
  })

  it('shows other errors and marks nothing as deleting afterwards', async () => {
    answerQuestions(true)
    const guarded = useGuardedDelete('venue_has_bookings')
    const remove = vi.fn().mockRejectedValue(new ApiError(404, 'not_found', 'Venue not found.'))
    expect(await guarded.run(1, 'Delete?', remove)).toBe(false)
    expect(guarded.deleting.value).toBeNull()
    expect(useNoticesStore().items.map((n) => n.text)).toEqual(['Venue not found.'])
  })

  it('gives the focus back to the pressed button when nothing was deleted', async () => {
    answerQuestions(true)
    const button = document.body.appendChild(document.createElement('button'))
    button.focus()
    const remove = vi.fn(async () => {
      // A browser takes the focus from the button while it is disabled for the request.
      button.blur()
      throw new ApiError(404, 'not_found', 'Venue not found.')
    })
    expect(await useGuardedDelete('venue_has_bookings').run(1, 'Delete?', remove)).toBe(false)
    await vi.waitFor(() => expect(document.activeElement).toBe(button))
    button.remove()
  })
})
