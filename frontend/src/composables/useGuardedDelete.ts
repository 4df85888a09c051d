import { ref } from 'vue'
import { ApiError } from '@/api/client'
import { useNoticesStore } from '@/stores/notices'

/**
 * Delete after a confirmation. When the server refuses because people hold bookings
 * (409 `conflictCode`), ask again, explicitly, before deleting with `force` (which cancels them).
 * `askToForce` words that second question, e.g. from the conflict's details; without it (or
 * when it returns null) the question repeats the server's message.
 */
export function useGuardedDelete(conflictCode: string, askToForce: (e: ApiError) => string | null = () => null) {
  const notices = useNoticesStore()
  const deleting = ref<number | null>(null)

  async function run(id: number, question: string, remove: (force: boolean) => Promise<unknown>): Promise<boolean> {
    if (!window.confirm(question)) return false
    deleting.value = id
    try {
      try {
        await remove(false)
      } catch (e) {
        if (!(e instanceof ApiError && e.code === conflictCode)) throw e
        const question = askToForce(e) ?? `${e.message}\n\nDelete anyway and cancel those bookings?`
        if (!window.confirm(question)) return false
        await remove(true)
      }
      return true
    } catch (e) {
      notices.error(e, 'Could not delete.')
      return false
    } finally {
      deleting.value = null
    }
  }

  return { deleting, run }
}
