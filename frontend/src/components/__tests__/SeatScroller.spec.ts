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

/** A map `natural` px wide (box padding included) in a box `clientWidth` wide, which zooming
 * the map's wrapper narrows as a browser would (jsdom lays nothing out). */
function laidOut(natural: number, clientWidth: number, padding = 0) {
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(clientWidth)
  vi.spyOn(HTMLElement.prototype, 'scrollWidth', 'get').mockImplementation(function (this: HTMLElement) {
    const zoom = Number(this.querySelector<HTMLElement>('.seat-fit')?.style.zoom || 1)
    return Math.max(Math.round((natural - padding) * zoom + padding), clientWidth)
  })
}
const zoom = () => document.querySelector<HTMLElement>('.seat-fit')!.style.zoom

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

  it('shrinks a map a little too wide to fit, with no hint and no fades (a small hall on a phone)', async () => {
    laidOut(368, 354)
    renderScroller()
    await nextTick()
    expect(Number(zoom())).toBeCloseTo(354 / 368, 2)
    expect(Number(zoom())).toBeLessThanOrEqual(354 / 368)
    expect(box().scrollWidth).toBe(354)
    expect(screen.queryByTestId('scroll-hint')).toBeNull()
    expect(box().parentElement).not.toHaveClass('fade-left')
    expect(box().parentElement).not.toHaveClass('fade-right')
  })

  it("leaves the box's padding out of the sum: it does not shrink", async () => {
    laidOut(368, 354, 8)
    vi.spyOn(window, 'getComputedStyle').mockReturnValue({ paddingLeft: '4px', paddingRight: '4px' } as CSSStyleDeclaration)
    renderScroller()
    await nextTick()
    expect(Number(zoom())).toBe(Math.floor((346 / 360) * 1000) / 1000)
    expect(screen.queryByTestId('scroll-hint')).toBeNull()
  })

  it('scrolls a map that would have to shrink by more than a little, and fades only the sides with seats', async () => {
    laidOut(420, 354)
    renderScroller()
    await nextTick()
    expect(zoom()).toBe('')
    expect(screen.getByTestId('scroll-hint')).toBeInTheDocument()
    expect(box().parentElement).toHaveClass('fade-left', 'fade-right')
    box().scrollLeft = 420 - 354
    await fireEvent.scroll(box())
    expect(box().parentElement).toHaveClass('fade-left')
    expect(box().parentElement).not.toHaveClass('fade-right')
  })
})
