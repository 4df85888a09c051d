import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import PasswordChange from '@/components/PasswordChange.vue'
import { useAuthStore } from '@/stores/auth'
import { useNoticesStore } from '@/stores/notices'

const asha = {
  user_id: 1, email: 'asha@example.com', name: 'Asha', language: 'en', is_admin: false,
  reminders_enabled: true, monthly_report_enabled: true, created_at: '2026-01-01T00:00:00+05:30',
}

function mount() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useAuthStore().user = asha
  render(PasswordChange, { global: { plugins: [pinia] } })
  return userEvent.setup()
}

describe('PasswordChange', () => {
  it('changes the password, clears the fields and says other devices are signed out', async () => {
    const change = vi.spyOn(api, 'changePassword').mockResolvedValue({ access_token: 't', user: asha })
    const user = mount()
    await user.type(screen.getByLabelText(/^Current password/), 'old-secret-1')
    await user.type(screen.getByLabelText(/^New password/), 'new-secret-2')
    await user.type(screen.getByLabelText(/^Confirm new password/), 'new-secret-2')
    await user.click(screen.getByRole('button', { name: 'Change password' }))
    expect(change).toHaveBeenCalledWith({ current_password: 'old-secret-1', new_password: 'new-secret-2' })
    expect(screen.getByLabelText(/^Current password/)).toHaveValue('')
    expect(screen.getByLabelText(/^Confirm new password/)).toHaveValue('')
    expect(useNoticesStore().items.at(-1)?.text).toMatch(/Other devices are signed out/)
    // The emptied form does not complain about being empty.
    expect(screen.queryByText('Enter your current password.')).toBeNull()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('checks before sending: a current password, and a new one that differs and is long enough', async () => {
    const change = vi.spyOn(api, 'changePassword')
    const user = mount()
    await user.type(screen.getByLabelText(/^New password/), 'short')
    await user.click(screen.getByRole('button', { name: 'Change password' }))
    expect(screen.getByText('Enter your current password.')).toBeInTheDocument()
    expect(screen.getByText('Password must be at least 8 characters.')).toBeInTheDocument()
    await user.type(screen.getByLabelText(/^Current password/), 'same-secret-1')
    await user.clear(screen.getByLabelText(/^New password/))
    await user.type(screen.getByLabelText(/^New password/), 'same-secret-1')
    expect(screen.getByText('Choose a password other than the current one.')).toBeInTheDocument()
    expect(change).not.toHaveBeenCalled()
  })

  it('asks for the new password twice and does not send two that differ', async () => {
    const change = vi.spyOn(api, 'changePassword').mockResolvedValue({ access_token: 't', user: asha })
    const user = mount()
    await user.type(screen.getByLabelText(/^Current password/), 'old-secret-1')
    await user.type(screen.getByLabelText(/^New password/), 'new-secret-2')
    await user.type(screen.getByLabelText(/^Confirm new password/), 'new-secret-3')
    await user.click(screen.getByRole('button', { name: 'Change password' }))
    expect(screen.getByText('Passwords do not match.')).toBeInTheDocument()
    expect(screen.getByLabelText(/^Confirm new password/)).toHaveAttribute('aria-invalid', 'true')
    expect(change).not.toHaveBeenCalled()
    // Fixing the typo clears the message (checked live after a submit) and lets it through.
    await user.type(screen.getByLabelText(/^Confirm new password/), '{Backspace}2')
    expect(screen.queryByText('Passwords do not match.')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Change password' }))
    expect(change).toHaveBeenCalledWith({ current_password: 'old-secret-1', new_password: 'new-secret-2' })
  })

  it("shows the server's word on a wrong current password at that field", async () => {
    vi.spyOn(api, 'changePassword').mockRejectedValue(
      new ApiError(422, 'validation_failed', 'Some fields are invalid.', {
        current_password: ['This is not your current password.'],
      }),
    )
    const user = mount()
    await user.type(screen.getByLabelText(/^Current password/), 'wrong-secret')
    await user.type(screen.getByLabelText(/^New password/), 'new-secret-2')
    await user.type(screen.getByLabelText(/^Confirm new password/), 'new-secret-2')
    await user.click(screen.getByRole('button', { name: 'Change password' }))
    expect(await screen.findByText('This is not your current password.')).toBeInTheDocument()
    expect(screen.getByLabelText(/^Current password/)).toHaveAttribute('aria-invalid', 'true')
  })

  it("names the account for password managers in a hidden username field", () => {
    mount()
    const username = document.querySelector<HTMLInputElement>('input[autocomplete="username"]')!
    expect(username.value).toBe('asha@example.com')
    expect(username).not.toBeVisible()
    expect(username.closest('form')).toBe(screen.getByLabelText(/^New password/).closest('form'))
  })
})
