import { render, screen, within } from '@testing-library/vue'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { api } from '@/api'
import SearchFilters from '@/components/SearchFilters.vue'
import { emptyFilters } from '@/components/filters'
import { useMetaStore } from '@/stores/meta'

const ALL = { en: 'English', hi: 'Hindi', ta: 'Tamil', bn: 'Bengali', mr: 'Marathi' }

async function languageOptions(language: string, meta: object | Error) {
  if (meta instanceof Error) vi.spyOn(api, 'meta').mockRejectedValue(meta)
  else vi.spyOn(api, 'meta').mockResolvedValue({ languages: ALL, locations: [], tags: [], ...meta })
  setActivePinia(createPinia())
  await useMetaStore().load()
  render(SearchFilters, { props: { modelValue: { ...emptyFilters(), language } } })
  const select = screen.getByLabelText('Language') as HTMLSelectElement
  const names = within(select).getAllByRole('option').map((o) => o.textContent)
  return { names, selected: select.selectedOptions[0]?.textContent }
}

describe('SearchFilters language', () => {
  it('offers only the languages that upcoming shows have, by name', async () => {
    const { names } = await languageOptions('', { show_languages: ['ta', 'en'] })
    expect(names).toEqual(['Any', 'English', 'Tamil'])
  })

  it('keeps a language chosen in the address selectable, though no show has it now', async () => {
    const { names, selected } = await languageOptions('bn', { show_languages: ['ta', 'en'] })
    expect(names).toEqual(['Any', 'English', 'Tamil', 'Bengali'])
    expect(selected).toBe('Bengali')
  })

  it('offers every known language when the server cannot say which are in use', async () => {
    const { names } = await languageOptions('', new Error('offline'))
    expect(names).toContain('Marathi')
    expect(names).toContain('Kannada') // from the built-in list
  })
})
