import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { Seat } from '@/api/types'
import SelectionSummary from '@/components/SelectionSummary.vue'
import { seatsFromLayout } from '@/lib/layout'

const picked = (labels: string[]): Seat[] => seatsFromLayout(1, 4, { removed: [], categories: [] }, '200.00').filter((s) => labels.includes(s.seat))

function renderSummary(labels: string[], total: string, currency = 'INR') {
  return render(SelectionSummary, { props: { seats: picked(labels), total, currency, hold: null, busy: false, ready: true } })
}

describe('SelectionSummary', () => {
  it('sums up the selection on a button that opens and closes the list of seats', async () => {
    renderSummary(['A1', 'A2'], '400.00')
    const toggle = screen.getByRole('button', { name: /2 seats · ₹400/ })
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    expect(document.getElementById(toggle.getAttribute('aria-controls')!)).toContainElement(screen.getByText('A1'))
    await userEvent.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'true')
    expect(toggle.closest('.summary')).toHaveClass('open')
    await userEvent.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
  })

  it('has nothing to open while nothing is picked', () => {
    renderSummary([], '0.00')
    expect(screen.queryByRole('button', { expanded: false })).toBeNull()
    expect(screen.getByRole('heading', { name: 'Your seats' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Continue' })).toBeInTheDocument()
  })

  it('says booking has closed once the show started instead of inviting a pick', () => {
    render(SelectionSummary, { props: { seats: [], total: '0.00', currency: 'INR', hold: null, busy: false, ready: false, closed: true } })
    expect(screen.getByText('Booking has closed for this show.')).toBeInTheDocument()
    expect(screen.queryByText(/Pick seats on the map/)).toBeNull()
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled()
  })

  it("prices the seats and the total in the show's currency", () => {
    renderSummary(['A1', 'A2'], '400.50', 'EUR')
    expect(screen.getByRole('button', { name: /2 seats · €400.50/ })).toBeInTheDocument()
    expect(screen.getByTestId('total')).toHaveTextContent('€400.50')
    expect(screen.getAllByText('€200')).toHaveLength(2)
    expect(document.body).not.toHaveTextContent('₹')
  })
})
