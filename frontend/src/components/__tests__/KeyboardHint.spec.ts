import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import KeyboardHint from '@/components/KeyboardHint.vue'

/** A screen whose pointer is (or is not) a mouse, as `matchMedia` reports it; `change`
 * makes the answer change later, as plugging a mouse into a tablet does. */
function pointer(fine: boolean) {
  const listeners: ((event: { matches: boolean }) => void)[] = []
  vi.stubGlobal('matchMedia', (query: string) => ({
    media: query,
    matches: fine && query === '(hover: hover) and (pointer: fine)',
    addEventListener: (_: string, fn: (event: { matches: boolean }) => void) => listeners.push(fn),
    removeEventListener: () => undefined,
  }))
  return { change: (matches: boolean) => listeners.forEach((fn) => fn({ matches })) }
}

const renderHint = () => render(KeyboardHint, { slots: { default: 'Use Tab to reach the map.' } })

afterEach(() => vi.unstubAllGlobals())

describe('KeyboardHint', () => {
  it('is shown beside a mouse or trackpad', () => {
    pointer(true)
    renderHint()
    expect(screen.getByText('Use Tab to reach the map.')).toBeInTheDocument()
  })

  it('is not shown on a touch screen, even one that claims to hover', () => {
    pointer(false)
    renderHint()
    expect(screen.queryByTestId('keyboard-hint')).toBeNull()
  })

  it('is shown on a touch screen from the first Tab on, for a keyboard beside it', async () => {
    pointer(false)
    renderHint()
    const user = userEvent.setup()
    await user.keyboard('x') // typing in a field (an on-screen keyboard) is not enough
    expect(screen.queryByTestId('keyboard-hint')).toBeNull()
    await user.tab()
    expect(screen.getByTestId('keyboard-hint')).toHaveTextContent('Use Tab to reach the map.')
  })

  it('is shown when a mouse is plugged in later', async () => {
    const screenPointer = pointer(false)
    renderHint()
    screenPointer.change(true)
    expect(await screen.findByTestId('keyboard-hint')).toBeInTheDocument()
  })

  it('is not shown where the browser cannot say (no matchMedia) until Tab is pressed', async () => {
    renderHint()
    expect(screen.queryByTestId('keyboard-hint')).toBeNull()
    await userEvent.setup().tab()
    expect(screen.getByTestId('keyboard-hint')).toBeInTheDocument()
  })
})
