import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '@/api'
import type { Meta } from '@/api/types'

// Used until /api/meta answers, so forms are never empty.
const FALLBACK_LANGUAGES: Record<string, string> = {
  en: 'English',
  hi: 'Hindi',
  ta: 'Tamil',
  te: 'Telugu',
  ml: 'Malayalam',
  kn: 'Kannada',
  bn: 'Bengali',
  mr: 'Marathi',
}

export const useMetaStore = defineStore('meta', () => {
  const meta = ref<Meta>({ languages: FALLBACK_LANGUAGES, locations: [], tags: [] })
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    pending ??= api
      .meta()
      .then((m) => {
        meta.value = { ...m, languages: { ...FALLBACK_LANGUAGES, ...m.languages } }
        loaded.value = true
      })
      .catch(() => {
        // Non-fatal: the fallback languages still work and search runs without facets.
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  const languageName = (code: string) => meta.value.languages[code] ?? code

  return { meta, loaded, load, languageName }
})
