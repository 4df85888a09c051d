import { defineStore } from 'pinia'
import { ref } from 'vue'

export interface ConfirmQuestion {
  title: string
  message: string
  /** Names the action, e.g. "Cancel booking": a bare "OK" does not say what happens. */
  confirmLabel: string
  cancelLabel?: string
}

export interface PendingQuestion extends ConfirmQuestion {
  id: number
}

let nextId = 1

/**
 * The one question the app is asking (shown by ConfirmDialog, mounted once in App). `ask`
 * resolves to true when the person confirms, false when they decline or close it.
 */
export const useConfirmStore = defineStore('confirm', () => {
  const pending = ref<PendingQuestion | null>(null)
  let resolve: ((ok: boolean) => void) | null = null

  function ask(question: ConfirmQuestion): Promise<boolean> {
    // A new question replaces one left unanswered: the older one counts as declined.
    answer(false)
    pending.value = { ...question, id: nextId++ }
    return new Promise((r) => (resolve = r))
  }

  function answer(ok: boolean): void {
    const done = resolve
    resolve = null
    pending.value = null
    done?.(ok)
  }

  return { pending, ask, answer }
})
