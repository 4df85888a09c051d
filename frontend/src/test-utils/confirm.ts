import { screen, within } from '@testing-library/vue'
import type { UserEvent } from '@testing-library/user-event'
import { watch } from 'vue'
import { useConfirmStore, type PendingQuestion } from '@/stores/confirm'

/**
 * For composables tested without the app's ConfirmDialog: answers the questions asked from
 * now on with `answers` in turn (declining once they run out) and collects them.
 */
export function answerQuestions(...answers: boolean[]): PendingQuestion[] {
  const store = useConfirmStore()
  const asked: PendingQuestion[] = []
  watch(
    () => store.pending,
    (question) => {
      if (!question) return
      asked.push(question)
      const ok = answers.shift() ?? false
      // After ask() has returned its promise.
      queueMicrotask(() => store.answer(ok))
    },
    { flush: 'sync' },
  )
  return asked
}

/** The open confirmation dialog, its title and its message as written (line breaks kept). */
export function openQuestion() {
  const dialog = screen.getByRole('alertdialog')
  const text = (attribute: string) => document.getElementById(dialog.getAttribute(attribute) ?? '')?.textContent ?? null
  return { dialog, title: text('aria-labelledby'), message: text('aria-describedby') }
}

/** Press one of the open dialog's buttons, found by its label. */
export async function answerDialog(user: UserEvent, label: string): Promise<void> {
  await user.click(within(openQuestion().dialog).getByRole('button', { name: label }))
}
