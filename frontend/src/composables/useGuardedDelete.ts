import { ref } from 'vue'
import { ApiError } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useNoticesStore } from '@/stores/notices'

/**
 * Delete after a confirmation. When the server refuses because people hold bookings
 * (409 `conflictCode`), ask again, explicitly, before deleting with `force` (which cancels them).
 * `askToForce` words that second question, e.g. from the conflict's details; without it (or
 * when it returns null) the question repeats the server's message. `what` names the thing on
 * the dialog's title and button ("Delete venue").
 */
export function useGuardedDelete(
  conflictCode: string,
  askToForce: (e: ApiError) => string | null = () => null,
  what = '',
) {
  const notices = useNoticesStore()
  const { ask } = useConfirm()
  const deleting = ref<number | null>(null)
  const deleteLabel = what ? `Delete ${what}` : 'Delete'

  async function run(id: number, question: string, remove: (force: boolean) => Promise<unknown>): Promise<boolean> {
    if (!(await ask({ title: `${deleteLabel}?`, message: question, confirmLabel: deleteLabel }))) return false
    deleting.value = id
    try {
      try {
        await remove(false)
      } catch (e) {
        if (!(e instanceof ApiError && e.code === conflictCode)) throw e
        const question = askToForce(e) ?? `${e.message}\n\nDelete anyway and cancel those bookings?`
        const force = await ask({ title: 'Delete anyway?', message: question, confirmLabel: 'Delete and cancel bookings' })
        if (!force) return false
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
