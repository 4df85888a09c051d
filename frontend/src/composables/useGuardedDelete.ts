import { nextTick, ref } from 'vue'
import { ApiError } from '@/api/client'
import { useConfirm } from '@/composables/useConfirm'
import { useNoticesStore } from '@/stores/notices'

/**
 * Delete after a confirmation. When the server refuses because people hold bookings
 * (409 `conflictCode`), ask again, explicitly, before deleting with `force` (which cancels them).
 * `askToForce` words that second question, e.g. from the conflict's details; without it (or
 * when it returns null) the question repeats the server's message. `what` names the thing on
 * the dialog's title and button ("Delete venue").
 *
 * The pressed button is disabled while the request runs, which takes the focus from it: when
 * nothing was deleted it gets the focus back. After a deletion its row is gone, and the view
 * says where the focus goes.
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
    const pressed = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!(await ask({ title: `${deleteLabel}?`, message: question, confirmLabel: deleteLabel }))) return false
    deleting.value = id
    let deleted = false
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
      deleted = true
      return true
    } catch (e) {
      notices.error(e, 'Could not delete.')
      return false
    } finally {
      deleting.value = null
      if (!deleted) void giveFocusBack(pressed)
    }
  }

  async function giveFocusBack(pressed: HTMLElement | null) {
    await nextTick() // enabled again
    const lost = document.activeElement === null || document.activeElement === document.body
    if (lost && pressed?.isConnected) pressed.focus()
  }

  return { deleting, run }
}
