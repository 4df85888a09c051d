import { render, screen, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
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
  it('counts the seats so that the figures add up, up to the widest hall the API takes', () => {
    render(LayoutPreview, { props: { draft: { ...emptyDraft(), rows: 2, seats_per_row: 60, removed: ['A60', 'B60'] } } })
    // The preview stopped at 50 seats a row, below the API's 60.
    expect(screen.getByTestId('seat-count')).toHaveTextContent('118 seats (2 rows × 60, 2 removed).')
    expect(screen.getByRole('button', { name: 'Restore column 60' })).toBeEnabled()
  })

  it('says why the seating is locked instead of how to edit it, and disables the map', () => {
    const locked = 'The seating cannot change while upcoming shows have bookings.'
    render(LayoutPreview, { props: { draft: { ...emptyDraft(), rows: 2, seats_per_row: 3 }, locked } })
    expect(screen.getByText(locked)).toBeInTheDocument()
    expect(screen.queryByText(/Click a seat to remove it/)).toBeNull()
    const buttons = within(screen.getByRole('group', { name: 'Layout preview' })).getAllByRole('button')
    // 6 seats, 3 column numbers, 2 row letters: said to change nothing, and read one by one
    // (a disabled button could not be reached, nor a map wider than a phone scrolled).
    expect(buttons).toHaveLength(11)
    for (const button of buttons) expect(button).toHaveAttribute('aria-disabled', 'true')
    expect(buttons.filter((b) => b.tabIndex === 0)).toHaveLength(1)
  })

  it('changes nothing when a locked seat, gap, column or row is pressed', async () => {
    const { emitted } = render(LayoutPreview, {
      props: { draft: { ...emptyDraft(), rows: 2, seats_per_row: 3, removed: ['A2'] }, locked: 'Locked.' },
    })
    const user = userEvent.setup()
    for (const name of [/^Remove seat A 1/, 'Restore seat A 2', 'Remove column 3', 'Remove row B']) {
      await user.click(screen.getByRole('button', { name }))
    }
    expect(emitted('remove')).toBeUndefined()
    expect(emitted('restore')).toBeUndefined()
  })
})
