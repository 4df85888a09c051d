import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import AdminTicketCheckView from '@/views/admin/AdminTicketCheckView.vue'
import UnsubscribeView from '@/views/UnsubscribeView.vue'

async function mount(component: object, url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }],
  })
  await router.push(url)
  return render(component, { global: { plugins: [createPinia(), router] } })
}

describe('UnsubscribeView', () => {
  it('posts the token from the link and confirms', async () => {
    const call = vi.spyOn(api, 'unsubscribe').mockResolvedValue({
      email: 'asha@example.com', message: 'You will no longer receive reminder mails.', stopped: ['reminders'],
      reminders_enabled: false, monthly_report_enabled: true,
    })
    await mount(UnsubscribeView, '/unsubscribe?token=abc.def')
    expect(await screen.findByText('You will no longer receive reminder mails.')).toBeInTheDocument()
    expect(call).toHaveBeenCalledWith('abc.def')
    expect(screen.getByText('asha@example.com')).toBeInTheDocument()
  })

  it("shows the server's message for a bad link and needs a token", async () => {
    vi.spyOn(api, 'unsubscribe').mockRejectedValue(new ApiError(400, 'invalid_token', 'This unsubscribe link is not valid.'))
    await mount(UnsubscribeView, '/unsubscribe?token=nope')
    expect(await screen.findByRole('alert')).toHaveTextContent('This unsubscribe link is not valid.')
  })

  it('does not call the API without a token', async () => {
    const call = vi.spyOn(api, 'unsubscribe')
    await mount(UnsubscribeView, '/unsubscribe')
    expect(await screen.findByRole('alert')).toHaveTextContent(/incomplete/)
    expect(call).not.toHaveBeenCalled()
  })
})

describe('AdminTicketCheckView', () => {
  const ticket = (admitted_at: string | null = null) => ({
    code: 'PKGNFBDU', holder: 'Asha', seats: ['E7', 'E6'], starts_at: '2026-11-26T18:30:00+05:30', status: 'confirmed' as const,
    title: 'Jawan', venue: { name: 'PVR', location: 'Mumbai' }, admitted_at,
  })

  it('admits a scanned ticket and clears the field for the next scan', async () => {
    const user = userEvent.setup()
    const admit = vi.spyOn(api, 'admitTicket').mockResolvedValue({
      valid: true, reason: 'admitted', booking: ticket('2026-11-26T18:05:00+05:30'),
    })
    await mount(AdminTicketCheckView, '/admin/tickets')
    const input = screen.getByLabelText('Scanned ticket reference')
    await user.type(input, 'BX:PKGNFBDU.sig{Enter}')
    expect(await screen.findByText(/Valid ticket — let them in/)).toBeInTheDocument()
    expect(admit).toHaveBeenCalledWith('BX:PKGNFBDU.sig')
    expect(screen.getByText('E6, E7')).toBeInTheDocument()
    expect(screen.getByText(/6:05\s?pm/i)).toBeInTheDocument()
    expect(input).toHaveValue('')
    expect(input).toHaveFocus()
  })

  it('says when a ticket was used already, and can look without admitting', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'admitTicket').mockResolvedValue({
      valid: false, reason: 'already_admitted', booking: ticket('2026-11-26T18:05:00+05:30'),
    })
    const look = vi.spyOn(api, 'verifyTicket').mockResolvedValue({ valid: true, reason: 'ok', booking: ticket() })
    await mount(AdminTicketCheckView, '/admin/tickets')
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'PKGNFBDU{Enter}')
    expect(await screen.findByText(/Already used/)).toBeInTheDocument()
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'QRSTUVWX')
    await user.click(screen.getByRole('button', { name: 'Check only' }))
    expect(await screen.findByText('Valid ticket, not used yet.')).toBeInTheDocument()
    expect(look).toHaveBeenCalledWith('QRSTUVWX')
  })

  it('explains why a ticket is refused', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'admitTicket').mockResolvedValue({ valid: false, reason: 'forged', booking: null })
    await mount(AdminTicketCheckView, '/admin/tickets')
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'garbage{Enter}')
    expect(await screen.findByText(/Not a BoxOffice ticket/)).toBeInTheDocument()
  })
})

describe('ProfileView', () => {
  const known = {
    user_id: 1, email: 'asha@example.com', name: 'Asha', language: 'en', is_admin: false,
    reminders_enabled: true, monthly_report_enabled: true, created_at: '2026-01-01T00:00:00+05:30',
  }

  /** The profile page of a signed-in browser, with what the server answers to /api/me. */
  async function mountProfile(fromServer: typeof known, meta: object = { languages: { en: 'English' }, locations: [], tags: [] }) {
    const { setActivePinia } = await import('pinia')
    const { useAuthStore } = await import('@/stores/auth')
    const ProfileView = (await import('@/views/ProfileView.vue')).default
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().user = known
    document.cookie = 'csrf_access_token=tok; path=/' // this browser holds a sign-in
    vi.spyOn(api, 'me').mockResolvedValue({ user: fromServer })
    vi.spyOn(api, 'meta').mockResolvedValue(meta as never)
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }] })
    render(ProfileView, { global: { plugins: [pinia, router] } })
  }

  it('offers the languages of mail, and keeps an account on another one as it is', async () => {
    const update = vi.spyOn(api, 'updateMe').mockImplementation(async (data) => ({ user: { ...known, language: 'ko', ...data } }))
    await mountProfile({ ...known, language: 'ko' }, {
      languages: { en: 'English', hi: 'Hindi', ta: 'Tamil', te: 'Telugu', ko: 'Korean' },
      mail_languages: ['en', 'hi', 'ta', 'te'],
      mail_translations: ['en', 'hi', 'ta'],
      locations: [],
      tags: [],
    })
    const select = screen.getByLabelText('Preferred language') as HTMLSelectElement
    await vi.waitFor(() => expect(select.value).toBe('ko'))
    const options = [...select.options].map((o) => o.textContent)
    expect(options).toEqual([
      'English', 'Hindi', 'Tamil', 'Telugu (e-mails in English for now)', 'Korean (e-mails in English for now)',
    ])
    const user = userEvent.setup()
    await user.type(screen.getByLabelText(/^Name/), ' K')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    // The language is not sent back: the server keeps what it has.
    expect(update).toHaveBeenCalledWith({ name: 'Asha K' })
  })

  it('fills the form from the server, not from what the tab knew, so saving undoes nothing', async () => {
    const update = vi.spyOn(api, 'updateMe').mockImplementation(async (data) => ({ user: { ...known, ...data } }))
    // Meanwhile an unsubscribe link turned the monthly report off.
    await mountProfile({ ...known, monthly_report_enabled: false })

    const monthly = screen.getByLabelText('Monthly report') as HTMLInputElement
    await vi.waitFor(() => expect(monthly.checked).toBe(false))
    expect((screen.getByLabelText('Reminders') as HTMLInputElement).checked).toBe(true)
    const name = screen.getByLabelText(/^Name/) as HTMLInputElement
    await userEvent.setup().clear(name)
    await userEvent.setup().type(name, ' Asha K ')
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save changes' }))
    // Only what was changed here is sent: the switches stay as the server has them.
    expect(update).toHaveBeenCalledWith({ name: 'Asha K' })
  })

  it('sends only the changed fields, so a tab left open undoes nothing done elsewhere', async () => {
    // The server has the report off by now (an unsubscribe link after this tab loaded).
    const update = vi.spyOn(api, 'updateMe').mockImplementation(async (data) => ({
      user: { ...known, monthly_report_enabled: false, ...data },
    }))
    await mountProfile(known)

    const user = userEvent.setup()
    await user.click(screen.getByLabelText('Reminders'))
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(update).toHaveBeenCalledWith({ reminders_enabled: false })
    // The form now shows what the server has, the report included.
    await vi.waitFor(() => expect((screen.getByLabelText('Monthly report') as HTMLInputElement).checked).toBe(false))
  })
})

describe('BookingDoneView', () => {
  it('offers the way to my bookings, not a pointless retry, for a booking that is not mine', async () => {
    const BookingDoneView = (await import('@/views/BookingDoneView.vue')).default
    vi.spyOn(api, 'booking').mockRejectedValue(new ApiError(404, 'not_found', 'Booking was not found.'))
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/bookings/:id', name: 'booking', component: BookingDoneView },
        { path: '/bookings', name: 'bookings', component: { template: '<div />' } },
      ],
    })
    await router.push('/bookings/1')
    render(BookingDoneView, { global: { plugins: [createPinia(), router] } })
    expect(await screen.findByText('Booking was not found.')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    expect(screen.getByRole('link', { name: 'My bookings' })).toHaveAttribute('href', '/bookings')
  })

  it('still offers to try again when the server could not answer', async () => {
    const BookingDoneView = (await import('@/views/BookingDoneView.vue')).default
    vi.spyOn(api, 'booking').mockRejectedValue(new ApiError(503, 'busy', 'Try again shortly.'))
    await mount(BookingDoneView, '/bookings/1')
    expect(await screen.findByRole('button', { name: 'Try again' })).toBeInTheDocument()
  })
})

describe('ProfileView, signed out elsewhere', () => {
  it('goes to sign-in instead of showing an empty page', async () => {
    const { setActivePinia } = await import('pinia')
    const { useAuthStore } = await import('@/stores/auth')
    const ProfileView = (await import('@/views/ProfileView.vue')).default
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().user = {
      user_id: 1, email: 'asha@example.com', name: 'Asha', language: 'en', is_admin: false,
      reminders_enabled: true, monthly_report_enabled: true, created_at: '2026-01-01T00:00:00+05:30',
    }
    document.cookie = 'csrf_access_token=tok; path=/'
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'token_revoked', 'Your session has ended; please sign in again.'))
    vi.spyOn(api, 'meta').mockResolvedValue({ languages: { en: 'English' }, locations: [], tags: [] } as never)
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/signin', name: 'signin', component: { template: '<div />' } },
        { path: '/:any(.*)*', component: { template: '<div />' } },
      ],
    })
    await router.push('/profile')
    render(ProfileView, { global: { plugins: [pinia, router] } })
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/signin?next=/profile'))
  })
})
