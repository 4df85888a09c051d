import { render, screen, waitFor, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { AdminStats, Mail, MailPage } from '@/api/types'
import FailedMail from '@/components/admin/FailedMail.vue'
import { useNoticesStore } from '@/stores/notices'
import AdminDashboardView from '@/views/admin/AdminDashboardView.vue'

function failed(id: number, recipient: string, patch: Partial<Mail> = {}): Mail {
  return {
    mail_id: id, kind: 'booking_confirmed', period: `booking:${id}`, recipient, status: 'failed', attempts: 6,
    error: '451 4.3.0 Mailbox busy, try again later', created_at: '2026-11-26T18:30:00+05:30',
    next_attempt_at: null, sent_at: null, ...patch,
  }
}

const page = (mails: Mail[], total = mails.length): MailPage => ({ mails, total, next_before: null })

async function mount(component: object) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }] })
  await router.push('/admin')
  render(component, { global: { plugins: [pinia, router] } })
  return useNoticesStore()
}

describe('FailedMail', () => {
  it('lists the failed mails with their count, asking only for failed ones', async () => {
    const long = `550 5.1.1 ${'x'.repeat(200)}`
    const call = vi.spyOn(api, 'mails').mockResolvedValue(
      page([failed(7, 'asha@example.com'), failed(3, 'ravi@example.com', { kind: 'monthly_report', attempts: 1, error: long })]),
    )
    await mount(FailedMail)

    expect(await screen.findByText('2 failed mails')).toBeInTheDocument()
    expect(call).toHaveBeenCalledWith({ status: 'failed', limit: 20 })
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(2)
    expect(within(rows[0]!).getByText('asha@example.com')).toBeInTheDocument()
    expect(within(rows[0]!).getByText('Booking confirmation')).toBeInTheDocument()
    expect(within(rows[0]!).getByText('6')).toBeInTheDocument()
    expect(within(rows[0]!).getByText(/6:30\s?pm/i)).toBeInTheDocument()
    expect(within(rows[1]!).getByText('Monthly report')).toBeInTheDocument()
    // A long error is shortened in the table and kept whole in its tooltip.
    const cell = within(rows[1]!).getByTitle(long)
    expect(cell.textContent!.length).toBeLessThanOrEqual(80)
    expect(cell).toHaveTextContent(/^550 5\.1\.1 x+…$/)
  })

  it('sends a mail again, confirms it and removes its row', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'mails').mockResolvedValue(page([failed(7, 'asha@example.com'), failed(3, 'ravi@example.com')]))
    const retry = vi.spyOn(api, 'retryMail').mockResolvedValue({ mail: failed(7, 'asha@example.com', { status: 'queued', attempts: 0 }) })
    const notices = await mount(FailedMail)

    await user.click(await screen.findByRole('button', { name: 'Send again to asha@example.com' }))

    expect(retry).toHaveBeenCalledWith(7)
    await waitFor(() => expect(screen.queryByText('asha@example.com')).toBeNull())
    expect(screen.getByText('ravi@example.com')).toBeInTheDocument()
    expect(screen.getByText('1 failed mail')).toBeInTheDocument()
    expect(notices.items).toEqual([expect.objectContaining({ kind: 'success', text: 'The mail to asha@example.com is queued to be sent again.' })])
  })

  it('keeps the row and says why when sending again fails', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'mails').mockResolvedValue(page([failed(7, 'asha@example.com')]))
    vi.spyOn(api, 'retryMail').mockRejectedValue(new ApiError(503, 'service_unavailable', 'The database is busy.'))
    const notices = await mount(FailedMail)

    await user.click(await screen.findByRole('button', { name: /Send again/ }))

    await waitFor(() => expect(notices.items.map((n) => n.text)).toEqual(['The database is busy.']))
    expect(screen.getByText('asha@example.com')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: /Send again/ })).toBeEnabled()
  })

  it('drops a row that is no longer failed (sent again elsewhere)', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'mails').mockResolvedValue(page([failed(7, 'asha@example.com'), failed(3, 'ravi@example.com')]))
    vi.spyOn(api, 'retryMail').mockRejectedValue(
      new ApiError(409, 'not_failed', 'Only a failed mail can be sent again; this one is sent.'),
    )
    const notices = await mount(FailedMail)

    await user.click(await screen.findByRole('button', { name: 'Send again to asha@example.com' }))

    await waitFor(() => expect(screen.queryByText('asha@example.com')).toBeNull())
    expect(notices.items[0]).toMatchObject({ kind: 'error', text: 'Only a failed mail can be sent again; this one is sent.' })
  })

  it('shows older failed mails, page after page, until none is left', async () => {
    const user = userEvent.setup()
    const call = vi.spyOn(api, 'mails')
    call.mockResolvedValueOnce({ mails: [failed(9, 'asha@example.com')], total: 3, next_before: 9 })
    call.mockResolvedValueOnce({ mails: [failed(5, 'ravi@example.com')], total: 3, next_before: 5 })
    call.mockResolvedValueOnce({ mails: [failed(2, 'meena@example.com')], total: 3, next_before: null })
    await mount(FailedMail)

    await user.click(await screen.findByRole('button', { name: 'Show older' }))
    expect(await screen.findByText('ravi@example.com')).toBeInTheDocument()
    expect(call).toHaveBeenLastCalledWith({ status: 'failed', limit: 20, before: 9 })
    await user.click(screen.getByRole('button', { name: 'Show older' }))
    expect(await screen.findByText('meena@example.com')).toBeInTheDocument()
    expect(call).toHaveBeenLastCalledWith({ status: 'failed', limit: 20, before: 5 })
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1)
    expect(rows.map((row) => (row as HTMLTableRowElement).cells[0]!.textContent)).toEqual(['asha@example.com', 'ravi@example.com', 'meena@example.com'])
    expect(screen.queryByRole('button', { name: 'Show older' })).toBeNull()
    expect(screen.queryByText(/The newest/)).toBeNull()
  })

  it('says so when no mail failed, and offers a retry when the list cannot load', async () => {
    const user = userEvent.setup()
    const call = vi.spyOn(api, 'mails').mockRejectedValueOnce(new ApiError(503, 'service_unavailable', 'Try again shortly.'))
    call.mockResolvedValueOnce(page([]))
    await mount(FailedMail)

    expect(await screen.findByRole('alert')).toHaveTextContent('Try again shortly.')
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText('No failed mails.')).toBeInTheDocument()
    expect(screen.getByText('0 failed mails')).toBeInTheDocument()
    expect(screen.queryByRole('table')).toBeNull()
  })
})

describe('AdminDashboardView', () => {
  it('has a Mail section with the failed mails', async () => {
    vi.spyOn(api, 'stats').mockResolvedValue({
      venues: [], bookings_per_day: [], totals: { revenue: '0.00', revenues: [], tickets: 0, bookings: 0 },
      upcoming: { revenue: '0.00', revenues: [], tickets: 0, bookings: 0, shows: 0 },
    } as AdminStats)
    vi.spyOn(api, 'mails').mockResolvedValue(page([failed(7, 'asha@example.com')], 31))
    await mount(AdminDashboardView)

    const section = await screen.findByRole('region', { name: 'Mail' })
    expect(await within(section).findByText('31 failed mails')).toBeInTheDocument()
    expect(within(section).getByText('asha@example.com')).toBeInTheDocument()
    expect(within(section).getByText('The newest 1 of 31 failed mails are shown.')).toBeInTheDocument()
    expect(await screen.findByText('Tickets sold')).toBeInTheDocument()
  })
})
