import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import SignInForm from '@/components/SignInForm.vue'

function setup(action = vi.fn().mockResolvedValue(undefined), submitLabel?: string) {
  const user = userEvent.setup()
  render(SignInForm, { props: { action, ...(submitLabel ? { submitLabel } : {}) } })
  return { user, action }
}

describe('SignInForm', () => {
  it('submits trimmed email and password', async () => {
    const { user, action } = setup()
    await user.type(screen.getByLabelText(/Email/), ' asha@example.com ')
    await user.type(screen.getByLabelText(/Password/), 'secret-pass')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(action).toHaveBeenCalledWith({ email: 'asha@example.com', password: 'secret-pass' })
  })

  it('validates on the client first', async () => {
    const { user, action } = setup()
    await user.type(screen.getByLabelText(/Email/), 'asha')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(action).not.toHaveBeenCalled()
    expect(screen.getByText('Enter a valid email address.')).toBeInTheDocument()
    expect(screen.getByText('Password is required.')).toBeInTheDocument()
  })

  it("shows the server's message for wrong credentials", async () => {
    const action = vi.fn().mockRejectedValue(new ApiError(401, 'invalid_credentials', 'Wrong email or password.'))
    const { user } = setup(action)
    await user.type(screen.getByLabelText(/Email/), 'asha@example.com')
    await user.type(screen.getByLabelText(/Password/), 'wrong-pass')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password.')
  })

  it("shows the admin sign-in's 403 and the server's field errors", async () => {
    const action = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(403, 'not_admin', 'This account is not an administrator.'))
      .mockRejectedValueOnce(new ApiError(422, 'validation_error', 'Invalid input.', { email: ['Not a valid email address.'] }))
    const { user } = setup(action, 'Sign in as admin')
    await user.type(screen.getByLabelText(/Email/), 'asha@example.com')
    await user.type(screen.getByLabelText(/Password/), 'whatever1')
    await user.click(screen.getByRole('button', { name: 'Sign in as admin' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('This account is not an administrator.')
    await user.click(screen.getByRole('button', { name: 'Sign in as admin' }))
    expect(await screen.findByText('Not a valid email address.')).toBeInTheDocument()
  })
})
