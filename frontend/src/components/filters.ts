import type { ShowFilter } from '@/api/types'

/** The home page's search form, as strings (they live in the URL query). */
export interface Filters {
  q: string
  location: string
  language: string
  date: string
  min_rating: string
  tag: string
}

export const FILTER_KEYS = ['q', 'location', 'language', 'date', 'min_rating', 'tag'] as const

export const emptyFilters = (): Filters => ({ q: '', location: '', language: '', date: '', min_rating: '', tag: '' })

export function filtersFromQuery(query: Record<string, unknown>): Filters {
  const f = emptyFilters()
  for (const key of FILTER_KEYS) {
    const v = query[key]
    if (typeof v === 'string') f[key] = v
  }
  return f
}

/** Only the non-empty ones, for the URL and for /api/filter. */
export function compactFilters(f: Filters): Partial<Filters> {
  const out: Partial<Filters> = {}
  for (const key of FILTER_KEYS) if (f[key].trim()) out[key] = f[key].trim()
  return out
}

export const toShowFilter = (f: Filters): ShowFilter => compactFilters(f)
