import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import AccountDelete from '@/components/AccountDelete.vue'
import ConfirmDialog from '@/components/ConfirmDialog.vue'
import { useAuthStore } from '@/stores/auth'
import { useNoticesStore } from '@/stores/notices'
import { openQuestion } from '@/test-utils/confirm'

const asha = {
  user_id: 1, email: 'asha@example.com', name: 'Asha', language: 'en', is_admin: false,
  reminders_enabled: true, monthly_report_enabled: true, created_at: '2026-01-01T00:00:00+05:30',
}

async function mount() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useAuthStore().user = asha
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { render: () => h('p', 'Home') } },
      { path: '/profile', name: 'profile', component: AccountDelete },
    ],
  })
  await router.push('/profile')
  render({ render: () => [h(AccountDelete), h(ConfirmDialog)] }, { global: { plugins: [pinia, router] } })
  return { user: userEvent.setup(), router }
}

async function fillAndPress(user: ReturnType<typeof userEvent.setup>, password = 'my-secret-1') {
  await user.type(screen.getByLabelText(/^Your password/), password)
  await user.click(screen.getByRole('button', { name: 'Delete account' }))
}

describe('AccountDelete', () => {
  it('asks in the app’s dialog what will happen, and deleting signs out to the home page with a notice', async () => {
    const remove = vi.spyOn(api, 'deleteAccount').mockResolvedValue({
      message: 'Your account is deleted.', cancelled_bookings: ['PKGNFBDU'],
    })
    const { user, router } = await mount()
    await fillAndPress(user)
    const { title, message } = openQuestion()
    expect(title).toBe('Delete your account?')
    expect(message).toMatch(/upcoming bookings are cancelled/)
    expect(message).toMatch(/signed out everywhere/)
    expect(message).toMatch(/cannot be undone/)
    expect(remove).not.toHaveBeenCalled()
    await user.click(screen.getByRole('button', { name: 'Delete my account' }))
    expect(remove).toHaveBeenCalledWith('my-secret-1')
    expect(useAuthStore().user).toBeNull()
    expect(router.currentRoute.value.name).toBe('home')
    expect(useNoticesStore().items.at(-1)?.text).toBe(
      'Your account is deleted; 1 upcoming booking was cancelled. A confirmation is on its way to asha@example.com.',
    )
  })

  it('keeps the account when the person declines, and asks for the password before asking anything', async () => {
    const remove = vi.spyOn(api, 'deleteAccount')
    const { user, router } = await mount()
    await user.click(screen.getByRole('button', { name: 'Delete account' }))
    expect(screen.getByText('Enter your current password.')).toBeInTheDocument()
    expect(screen.queryByRole('alertdialog')).toBeNull()
    await fillAndPress(user)
    await user.click(screen.getByRole('button', { name: 'Keep my account' }))
    expect(remove).not.toHaveBeenCalled()
    expect(useAuthStore().user).toEqual(asha)
    expect(router.currentRoute.value.name).toBe('profile')
  })

  it("shows a wrong password at the field and stays signed in", async () => {
    vi.spyOn(api, 'deleteAccount').mockRejectedValue(
      new ApiError(422, 'validation_failed', 'Some fields are invalid.', {
        current_password: ['This is not your current password.'],
      }),
    )
    const { user, router } = await mount()
    await fillAndPress(user, 'wrong-secret')
    await user.click(screen.getByRole('button', { name: 'Delete my account' }))
    expect(await screen.findByText('This is not your current password.')).toBeInTheDocument()
    expect(screen.getByLabelText(/^Your password/)).toHaveAttribute('aria-invalid', 'true')
    expect(useAuthStore().user).toEqual(asha)
    expect(router.currentRoute.value.name).toBe('profile')
  })

  it('says why a ticket still held keeps the account', async () => {
    const reason = 'Your ticket PKGNFBDU for Leo can no longer be cancelled. You can delete your account once the show is over, after 21:30 on 27 Nov 2026.'
    vi.spyOn(api, 'deleteAccount').mockRejectedValue(
      new ApiError(409, 'tickets_still_valid', reason, {
        tickets: [{ booking_id: 7, code: 'PKGNFBDU', title: 'Leo', ends_at: '2026-11-27T21:30:00+05:30' }],
      }),
    )
    const { user } = await mount()
    await fillAndPress(user)
    await user.click(screen.getByRole('button', { name: 'Delete my account' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(reason)
    expect(useAuthStore().user).toEqual(asha)
  })
})
