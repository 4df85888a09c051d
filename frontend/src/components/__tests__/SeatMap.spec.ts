import { render, screen, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { Seat } from '@/api/types'
import SeatMap from '@/components/SeatMap.vue'
import { seatsFromLayout } from '@/lib/layout'

/** 3 rows × 5 seats; B3 removed (aisle); row C is Premium (+100). */
function seats(): Seat[] {
  const list = seatsFromLayout(3, 5, { removed: ['B3'], categories: [{ name: 'Premium', rows: ['C'], surcharge: '100.00' }] }, '250.00')
  const set = (label: string, patch: Partial<Seat>) => Object.assign(list.find((s) => s.seat === label)!, patch)
  set('A2', { status: 'held' })
  set('A4', { status: 'booked' })
  set('C5', { status: 'held', mine: true })
  set('A5', { status: 'booked', mine: true })
  return list
}

function renderMap(props: Partial<InstanceType<typeof SeatMap>['$props']> = {}) {
  return render(SeatMap, { props: { rows: 3, seatsPerRow: 5, seats: seats(), selected: ['C5'], currency: 'INR', ...props } })
}

/** The map in the venue editor, which keeps the layout (B3 removed at first) while the map
 * shows it and reports presses, as LayoutPreview does. */
function renderLayoutEditor() {
  const Editor = defineComponent(() => {
    const removed = ref<string[]>(['B3'])
    const take = (labels: string[]) => (removed.value = [...removed.value, ...labels])
    const give = (labels: string[]) => (removed.value = removed.value.filter((r) => !labels.includes(r)))
    return () =>
      h(SeatMap, {
        rows: 3, seatsPerRow: 5, currency: 'INR', editable: true,
        seats: seatsFromLayout(3, 5, { removed: removed.value, categories: [] }, '250.00'),
        onToggle: (label: string) => take([label]),
        onRestore: (label: string) => give([label]),
        onRemoveSeats: take,
        onRestoreSeats: give,
      })
  })
  render(Editor)
}

const seat = (label: string) => document.querySelector<HTMLElement>(`[data-seat="${label}"]`)!

describe('SeatMap', () => {
  it('draws every row with its letter and leaves a gap where a seat is removed', () => {
    const { container } = renderMap()
    const rows = container.querySelectorAll('.seat-row')
    expect([...rows].map((r) => r.getAttribute('data-row'))).toEqual(['A', 'B', 'C'])
    expect(screen.getAllByRole('button')).toHaveLength(14)
    expect(container.querySelector('[data-gap="B3"]')).not.toBeNull()
    expect(seat('B3')).toBeNull()
    // The gap stays in place: B2, gap, B4 in that order.
    const rowB = [...rows[1]!.querySelectorAll('.seat')].map((el) => el.getAttribute('data-seat') ?? `gap:${el.getAttribute('data-gap')}`)
    expect(rowB).toEqual(['B1', 'B2', 'gap:B3', 'B4', 'B5'])
  })

  it('puts the screen above the seats', () => {
    const { container } = renderMap()
    const screenEl = container.querySelector('.screen')!
    const firstRow = container.querySelector('.seat-row')!
    expect(screenEl.compareDocumentPosition(firstRow) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
  })

  it('labels seats with row and number, category, price and status', () => {
    renderMap()
    expect(screen.getByRole('button', { name: 'Seat A 1, Standard, ₹250, free' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Seat A 2, Standard, ₹250, held' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Seat A 4, Standard, ₹250, booked' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Seat C 5, Premium, ₹350, selected' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Seat A 5, Standard, ₹250, booked by you' })).toBeInTheDocument()
  })

  it('has the number a free seat shows as a word of its name, for speech control', () => {
    renderMap()
    renderMap({ editable: true, selected: [] })
    const shown = [...document.querySelectorAll<HTMLElement>('[data-seat]')].filter((el) => el.textContent!.trim())
    expect(shown.length).toBeGreaterThan(10)
    for (const el of shown) {
      const words = el.getAttribute('aria-label')!.split(/[\s,]+/)
      expect(words, el.getAttribute('aria-label')!).toContain(el.textContent!.trim())
    }
  })

  it("says each seat's price in the venue's currency", () => {
    renderMap({ currency: 'GBP' })
    expect(screen.getByRole('button', { name: 'Seat A 1, Standard, £250, free' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Seat C 5, Premium, £350, selected' })).toBeInTheDocument()
  })

  it('shows status by shape and state, not only colour', () => {
    renderMap()
    // free shows its number; the others an icon; selected is pressed; taken seats are disabled for AT.
    expect(within(seat('A1')).getByText('1')).toBeInTheDocument()
    expect(seat('A1').querySelector('svg')).toBeNull()
    for (const label of ['A2', 'A4', 'C5', 'A5']) expect(seat(label).querySelector('svg.seat-icon')).not.toBeNull()
    const paths = (label: string) => seat(label).querySelector('svg')!.innerHTML
    expect(new Set([paths('A2'), paths('A4'), paths('C5'), paths('A5')]).size).toBe(4)
    expect(seat('A5')).toHaveAttribute('data-status', 'yours')
    expect(seat('A5')).toHaveClass('is-yours')
    expect(seat('A5')).toHaveAttribute('aria-pressed', 'false')
    expect(seat('A5')).toHaveAttribute('aria-disabled', 'true')
    expect(seat('C5')).toHaveAttribute('aria-pressed', 'true')
    expect(seat('A1')).toHaveAttribute('aria-pressed', 'false')
    expect(seat('A2')).toHaveAttribute('aria-disabled', 'true')
    expect(seat('A4')).toHaveAttribute('aria-disabled', 'true')
    expect(seat('A1')).toHaveAttribute('aria-disabled', 'false')
  })

  it('colours price categories with distinct classes', () => {
    renderMap()
    const cls = (label: string) => [...seat(label).classList].find((c) => c.startsWith('cat-'))
    expect(cls('A1')).toBe(cls('B1'))
    expect(cls('C1')).not.toBe(cls('A1'))
  })

  it('emits toggle on click for free and own seats, not for taken ones', async () => {
    const user = userEvent.setup()
    const { emitted } = renderMap()
    await user.click(seat('A1'))
    await user.click(seat('C5'))
    await user.click(seat('A2'))
    await user.click(seat('A4'))
    await user.click(seat('A5'))
    expect(emitted('toggle')).toEqual([['A1'], ['C5']])
  })

  it('is one tab stop, moves with arrow keys over gaps, and selects with Enter and Space', async () => {
    const user = userEvent.setup()
    const { emitted } = renderMap({ selected: [] })
    const tabbable = screen.getAllByRole('button').filter((b) => b.tabIndex === 0)
    expect(tabbable).toHaveLength(1)

    await user.tab()
    expect(seat('A1')).toHaveFocus()
    await user.keyboard('{ArrowDown}')
    expect(seat('B1')).toHaveFocus()
    await user.keyboard('{ArrowRight}{ArrowRight}')
    expect(seat('B4')).toHaveFocus() // skipped the B3 aisle
    await user.keyboard('{Enter}')
    await user.keyboard('{ArrowDown}')
    expect(seat('C4')).toHaveFocus()
    await user.keyboard(' ')
    await user.keyboard('{ArrowUp}{ArrowUp}')
    expect(seat('A4')).toHaveFocus()
    await user.keyboard('{Enter}') // booked: ignored
    await user.keyboard('{End}')
    expect(seat('A5')).toHaveFocus()
    await user.keyboard('{Home}')
    expect(seat('A1')).toHaveFocus()
    expect(emitted('toggle')).toEqual([['B4'], ['C4']])
    // Roving tabindex follows the focus.
    expect(seat('A1').tabIndex).toBe(0)
    expect(seat('B4').tabIndex).toBe(-1)
  })

  it('in editable mode every seat toggles and gaps restore seats', async () => {
    const user = userEvent.setup()
    const { emitted } = renderMap({ editable: true, selected: [] })
    await user.click(seat('A4'))
    await user.click(screen.getByRole('button', { name: 'Restore seat B 3' }))
    expect(emitted('toggle')).toEqual([['A4']])
    expect(emitted('restore')).toEqual([['B3']])
  })

  it('in editable mode names what pressing a seat does, with its surcharge and no booking status', () => {
    const list = seatsFromLayout(3, 5, { removed: ['B3'], categories: [{ name: 'Premium', rows: ['C'], surcharge: '100.00' }] })
    render(SeatMap, { props: { rows: 3, seatsPerRow: 5, seats: list, currency: 'INR', editable: true } })
    expect(screen.getByRole('button', { name: 'Remove seat A 1, Standard, +₹0' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Remove seat C 2, Premium, +₹100' })).toBeInTheDocument()
    expect(seat('A1')).not.toHaveAttribute('aria-pressed')
  })

  it('lets the layout editor remove and restore seats with the keyboard alone', async () => {
    renderLayoutEditor()
    const user = userEvent.setup()
    const cell = (label: string) => document.querySelector<HTMLElement>(`[data-cell="${label}"]`)!
    cell('B2').focus()
    await user.keyboard('{Enter}') // B2 removed: focus stays on its place, now a gap
    expect(cell('B2')).toHaveAttribute('data-gap', 'B2')
    expect(cell('B2')).toHaveFocus()
    await user.keyboard('{ArrowRight}') // onto the old gap B3, which is reachable too
    expect(cell('B3')).toHaveFocus()
    await user.keyboard('{Enter}') // and puts B3 back
    expect(cell('B3')).toHaveAttribute('data-seat', 'B3')
    expect(cell('B3')).toHaveFocus()
    await user.keyboard('{ArrowLeft}{Enter}')
    expect(cell('B2')).toHaveAttribute('data-seat', 'B2')
    // One Tab stop for the whole map.
    expect(document.querySelectorAll('.seat-map [tabindex="0"]')).toHaveLength(1)
  })

  it('removes and restores a whole column or row from its number or letter, by keyboard too', async () => {
    renderLayoutEditor()
    const user = userEvent.setup()
    const button = (name: string) => screen.getByRole('button', { name })
    const gaps = () => [...document.querySelectorAll('[data-gap]')].map((el) => el.getAttribute('data-gap')).sort()
    // A click on a column's number takes the seats still there; B3 was a gap already.
    await user.click(button('Remove column 3'))
    expect(gaps()).toEqual(['A3', 'B3', 'C3'])
    expect(button('Restore column 3')).toHaveFocus()
    // The map is still one Tab stop, now on the pressed number.
    expect(document.querySelectorAll('.seat-map [tabindex="0"]')).toHaveLength(1)
    await user.keyboard('{Enter}')
    expect(gaps()).toEqual([])
    // From a seat: up to its column's number, left to its row's letter.
    seat('B2').focus()
    await user.keyboard('{ArrowUp}{ArrowUp}')
    expect(button('Remove column 2')).toHaveFocus()
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowLeft}{ArrowLeft}')
    expect(button('Remove row B')).toHaveFocus()
    await user.keyboard(' ')
    expect(gaps()).toEqual(['B1', 'B2', 'B3', 'B4', 'B5'])
    expect(button('Restore row B')).toHaveFocus()
    await user.keyboard('{ArrowRight}')
    expect(document.querySelector('[data-cell="B1"]')).toHaveFocus()
    await user.click(button('Restore row B'))
    expect(gaps()).toEqual([])
    // Single seats still toggle one by one.
    await user.click(seat('C4'))
    expect(gaps()).toEqual(['C4'])
    expect(button('Remove column 4')).toBeInTheDocument()
  })

  it('has no column or row buttons on the booking map', () => {
    renderMap()
    expect(screen.queryByRole('button', { name: /column|row/i })).toBeNull()
  })
})
