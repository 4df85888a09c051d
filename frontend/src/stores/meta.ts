import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
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
      .then((m: Meta) => {
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

  // The search's language choices, by name; every known one until the server says which are in use.
  const searchLanguages = computed(() =>
    [...(meta.value.show_languages ?? Object.keys(meta.value.languages))].sort((a, b) =>
      languageName(a).localeCompare(languageName(b)),
    ),
  )

  // The show editor's choices, as the server orders them; the known names until it answers.
  const filmLanguages = computed(() => meta.value.film_languages ?? Object.keys(meta.value.languages))
  // A person's choices for their mail: fewer than films come in.
  const mailLanguages = computed(() => meta.value.mail_languages ?? Object.keys(FALLBACK_LANGUAGES))
  // null until the server says which languages mail is written in.
  const mailTranslations = computed(() => meta.value.mail_translations ?? null)

  return { meta, loaded, load, languageName, searchLanguages, filmLanguages, mailLanguages, mailTranslations }
})
