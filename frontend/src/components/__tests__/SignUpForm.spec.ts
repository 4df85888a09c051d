import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from '@/api/client'
import type { Meta } from '@/api/types'
import SignUpForm from '@/components/SignUpForm.vue'
import { useMetaStore } from '@/stores/meta'

async function setup(action = vi.fn().mockResolvedValue(undefined), meta?: Meta) {
  const user = userEvent.setup()
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['signup', 'signin', 'forgot-password'].map((name) => ({ path: `/${name}`, name, component: stub })),
  })
  await router.push('/signup?next=/shows/7')
  const pinia = createPinia()
  setActivePinia(pinia)
  if (meta) useMetaStore().meta = meta
  render(SignUpForm, { props: { action }, global: { plugins: [pinia, router] } })
  return { user, action }
}

async function fill(user: ReturnType<typeof userEvent.setup>, values: Partial<Record<string, string>>) {
  const fields: Record<string, string> = { name: 'Name', email: 'Email', password: /^Password/.source, confirm: 'Confirm password' }
  for (const [key, value] of Object.entries(values)) {
    const input = screen.getByLabelText(new RegExp(fields[key]!))
    await user.clear(input)
    if (value) await user.type(input, value)
  }
}

const submit = (user: ReturnType<typeof userEvent.setup>) => user.click(screen.getByRole('button', { name: /create account/i }))

describe('SignUpForm', () => {
  it('submits a valid registration with the chosen language', async () => {
    const { user, action } = await setup()
    await fill(user, { name: '  Asha  ', email: 'asha@example.com', password: 'longenough1', confirm: 'longenough1' })
    await user.selectOptions(screen.getByLabelText('Preferred language'), 'ta')
    await submit(user)
    expect(action).toHaveBeenCalledWith({ name: 'Asha', email: 'asha@example.com', password: 'longenough1', language: 'ta' })
  })

  it('offers the languages of mail, not of films, and says which get mail in English', async () => {
    const meta: Meta = {
      languages: { en: 'English', hi: 'Hindi', ta: 'Tamil', te: 'Telugu', ko: 'Korean' },
      film_languages: ['en', 'hi', 'ta', 'te', 'ko'],
      mail_languages: ['en', 'hi', 'ta', 'te'],
      mail_translations: ['en', 'hi', 'ta'],
      locations: [],
      tags: [],
    }
    const { user, action } = await setup(undefined, meta)
    const select = screen.getByLabelText('Preferred language')
    const options = [...select.querySelectorAll('option')].map((o) => o.textContent)
    expect(options).toEqual(['English', 'Hindi', 'Tamil', 'Telugu (e-mails in English for now)'])
    expect(select).toHaveAccessibleDescription(
      'Used for the e-mails we send you, which are in English, Hindi, or Tamil; in any other language they come in English for now.',
    )
    await fill(user, { name: 'Asha', email: 'asha@example.com', password: 'longenough1', confirm: 'longenough1' })
    await user.selectOptions(select, 'te')
    await submit(user)
    expect(action).toHaveBeenCalledWith(expect.objectContaining({ language: 'te' }))
  })

  it("shows the server's refusal of the language at its select", async () => {
    const action = vi.fn().mockRejectedValue(
      new ApiError(422, 'validation_failed', 'Some fields are invalid.', { language: ['Must be one of: en, hi.'] }),
    )
    const { user } = await setup(action)
    await fill(user, { name: 'Asha', email: 'asha@example.com', password: 'longenough1', confirm: 'longenough1' })
    await submit(user)
    const select = screen.getByLabelText('Preferred language')
    await vi.waitFor(() => expect(select).toHaveAttribute('aria-invalid', 'true'))
    expect(select).toHaveAccessibleDescription(expect.stringContaining('Must be one of: en, hi.'))
  })

  it('shows client errors for every invalid field and does not submit', async () => {
    const { user, action } = await setup()
    await fill(user, { email: 'not-an-email', password: 'short', confirm: 'other' })
    await submit(user)
    expect(action).not.toHaveBeenCalled()
    expect(screen.getByText('Name is required.')).toBeInTheDocument()
    expect(screen.getByText('Enter a valid email address.')).toBeInTheDocument()
    expect(screen.getByText('Password must be at least 8 characters.')).toBeInTheDocument()
    expect(screen.getByText('Passwords do not match.')).toBeInTheDocument()
    expect(screen.getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true')
    // The message is tied to its input for screen readers.
    expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription('Enter a valid email address.')
  })

  it('rejects a password equal to the email and a name over 100 characters', async () => {
    const { user, action } = await setup()
    await fill(user, { name: 'x'.repeat(101), email: 'same@example.com', password: 'same@example.com', confirm: 'same@example.com' })
    await submit(user)
    expect(action).not.toHaveBeenCalled()
    expect(screen.getByText('Password must not be the same as your email.')).toBeInTheDocument()
    expect(screen.getByText('Name must be at most 100 characters.')).toBeInTheDocument()
  })

  it('clears client errors live once fixed', async () => {
    const { user } = await setup()
    await submit(user)
    expect(screen.getByText('Name is required.')).toBeInTheDocument()
    await fill(user, { name: 'Ravi' })
    expect(screen.queryByText('Name is required.')).toBeNull()
  })

  it("shows the server's field errors from a 422", async () => {
    const action = vi.fn().mockRejectedValue(
      new ApiError(422, 'validation_error', 'Invalid input.', { email: ['This email is already registered.'] }),
    )
    const { user } = await setup(action)
    await fill(user, { name: 'Asha', email: 'asha@example.com', password: 'longenough1', confirm: 'longenough1' })
    await submit(user)
    expect(await screen.findByText('This email is already registered.')).toBeInTheDocument()
    expect(screen.getByRole('alert')).toHaveTextContent('Please fix the highlighted fields.')
    // Editing the field drops the stale server message.
    await user.type(screen.getByLabelText(/^Email/), 'x')
    expect(screen.queryByText('This email is already registered.')).toBeNull()
  })

  it('says once, at the email field, that the address is taken, with the way to sign in', async () => {
    const action = vi
      .fn()
      .mockRejectedValue(new ApiError(409, 'email_taken', 'An account with this email already exists.', { email: ['Already registered.'] }))
    const { user } = await setup(action)
    await fill(user, { name: 'Asha', email: 'asha@example.com', password: 'longenough1', confirm: 'longenough1' })
    await submit(user)
    const email = screen.getByLabelText(/^Email/)
    await vi.waitFor(() => expect(email).toHaveAccessibleDescription('Already registered.'))
    expect(email).toHaveFocus()
    // Not repeated above the form.
    expect(screen.queryByRole('alert')).toBeNull()
    expect(screen.queryByText(/already exists/)).toBeNull()
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin?next=/shows/7')
    expect(screen.getByRole('link', { name: 'reset your password' })).toHaveAttribute('href', '/forgot-password')
    // Another address: the offer goes with the message.
    await user.type(email, 'x')
    expect(screen.queryByText('Already registered.')).toBeNull()
    expect(screen.queryByRole('link', { name: 'Sign in' })).toBeNull()
  })

  it('keeps a conflict that names no field above the form', async () => {
    const action = vi.fn().mockRejectedValue(new ApiError(409, 'conflict', 'Please try again.'))
    const { user } = await setup(action)
    await fill(user, { name: 'Asha', email: 'asha@example.com', password: 'longenough1', confirm: 'longenough1' })
    await submit(user)
    expect(await screen.findByRole('alert')).toHaveTextContent('Please try again.')
    expect(screen.queryByRole('link', { name: 'Sign in' })).toBeNull()
  })

  it('moves focus to the first invalid field', async () => {
    const { user } = await setup()
    await fill(user, { name: 'Asha', email: 'nope' })
    await submit(user)
    expect(screen.getByLabelText(/^Email/)).toHaveFocus()
  })
})
