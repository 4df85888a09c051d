import { fireEvent, render, screen } from '@testing-library/vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { h, nextTick } from 'vue'
import SeatScroller from '@/components/SeatScroller.vue'

// jsdom lays nothing out: give the scroll box the sizes a phone would.
function sized(scrollWidth: number, clientWidth: number) {
  vi.spyOn(HTMLElement.prototype, 'scrollWidth', 'get').mockReturnValue(scrollWidth)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(clientWidth)
}

const renderScroller = () => render(SeatScroller, { slots: { default: () => h('div', { class: 'seat-map' }, 'seats') } })
const box = () => document.querySelector<HTMLElement>('.seat-scroll')!

afterEach(() => vi.restoreAllMocks())

describe('SeatScroller', () => {
  it('starts in the middle of a wide map and says seats lie on both sides', async () => {
    sized(900, 350)
    renderScroller()
    expect(box().scrollLeft).toBe(275)
    expect(await screen.findByTestId('scroll-hint')).toHaveTextContent('Swipe sideways for more seats')
    expect(screen.getByRole('button', { name: 'Show seats on the left' })).toBeEnabled()
    expect(screen.getByRole('button', { name: 'Show seats on the right' })).toBeEnabled()
  })

  it('disables the way that is at its end once scrolled there', async () => {
    sized(900, 350)
    renderScroller()
    box().scrollLeft = 0
    await fireEvent.scroll(box())
    expect(screen.getByRole('button', { name: 'Show seats on the left' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Show seats on the right' })).toBeEnabled()
    expect(box().parentElement).toHaveClass('fade-right')
    expect(box().parentElement).not.toHaveClass('fade-left')
  })

  it('says nothing when the whole map fits', async () => {
    sized(600, 600)
    renderScroller()
    await nextTick()
    expect(screen.queryByTestId('scroll-hint')).toBeNull()
    expect(screen.getByText('seats')).toBeInTheDocument()
  })
})
