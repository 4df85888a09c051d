import { useConfirmStore, type ConfirmQuestion } from '@/stores/confirm'

/** `const ok = await ask({ title, message, confirmLabel })`, answered in the app's ConfirmDialog. */
export function useConfirm() {
  const store = useConfirmStore()
  return { ask: (question: ConfirmQuestion) => store.ask(question) }
}
