import { defineStore } from 'pinia'
import { ref } from 'vue'
import { ApiError } from '@/api/client'

export type NoticeKind = 'error' | 'success' | 'info'

export interface Notice {
  id: number
  kind: NoticeKind
  text: string
  /** The navigation it was raised after (see `navigated`). */
  page: number
}

let nextId = 1

/** Toasts. Errors stay longer than confirmations; every notice can be dismissed. */
export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Notice[]>([])
  let page = 0

  function push(kind: NoticeKind, text: string, timeoutMs = kind === 'error' ? 8000 : 4000): number {
    // Identical messages in a row (e.g. several failing requests) collapse into one.
    const existing = items.value.find((n) => n.kind === kind && n.text === text)
    if (existing) return existing.id
    const id = nextId++
    items.value.push({ id, kind, text, page })
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs)
    return id
  }

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id)
  }

  /**
   * Called when the app moves to another page. A notice speaks of the page it was raised on,
   * or of the one it sends the person to ("Sign in to choose your seats"), so it survives
   * one move and goes with the next.
   */
  function navigated(): void {
    page += 1
    items.value = items.value.filter((n) => n.page >= page - 1)
  }

  /** Show an error's message; 401s are already announced by the global handler. */
  function error(err: unknown, fallback = 'Something went wrong.'): void {
    if (err instanceof ApiError) {
      if (err.status === 401) return
      push('error', err.message || fallback)
    } else if (err instanceof Error && err.name === 'AbortError') {
      return
    } else {
      push('error', fallback)
    }
  }

  return {
    items,
    push,
    dismiss,
    navigated,
    error,
    success: (text: string) => push('success', text),
    info: (text: string) => push('info', text),
  }
})
