import { render, screen } from '@testing-library/vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import LayoutPreview from '@/components/admin/LayoutPreview.vue'
import { emptyDraft } from '@/lib/venueForm'

afterEach(() => vi.restoreAllMocks())

describe('LayoutPreview', () => {
  it('says more seats lie to the side when the layout is wider than the screen, as the booking map does', async () => {
    // jsdom lays nothing out: the sizes of a 12-seat row on a phone.
    vi.spyOn(HTMLElement.prototype, 'scrollWidth', 'get').mockReturnValue(520)
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(320)
    render(LayoutPreview, { props: { draft: { ...emptyDraft(), name: 'Hall', location: 'Chennai' } } })
    expect(await screen.findByTestId('scroll-hint')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Show seats on the right' })).toBeEnabled()
    expect(screen.getByRole('group', { name: 'Layout preview' })).toBeInTheDocument()
  })
})
