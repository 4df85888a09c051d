import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { User } from '@/api/types'
import { useAuthStore } from '@/stores/auth'
import { useNoticesStore } from '@/stores/notices'
import ForgotPasswordView from '@/views/ForgotPasswordView.vue'
import ResetPasswordView from '@/views/ResetPasswordView.vue'
import SignInView from '@/views/SignInView.vue'

async function mount(component: object, url: string) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/signin', name: 'signin', component: { template: '<div />' } },
      { path: '/forgot-password', name: 'forgot-password', component: { template: '<div />' } },
      { path: '/:any(.*)*', component: { template: '<div />' } },
    ],
  })
  await router.push(url)
  render(component, { global: { plugins: [pinia, router] } })
  return { router, user: userEvent.setup() }
}

describe('ForgotPasswordView', () => {
  it('checks the address, sends it and says what happens next', async () => {
    const forgot = vi.spyOn(api, 'forgotPassword').mockResolvedValue({ message: 'If an account has this address, a link is on its way.' })
    const { user } = await mount(ForgotPasswordView, '/forgot-password')
    await user.type(screen.getByLabelText(/^Email/), 'not-an-address')
    await user.click(screen.getByRole('button', { name: 'Send the link' }))
    expect(forgot).not.toHaveBeenCalled()
    await user.clear(screen.getByLabelText(/^Email/))
    await user.type(screen.getByLabelText(/^Email/), ' asha@example.com ')
    await user.click(screen.getByRole('button', { name: 'Send the link' }))
    expect(forgot).toHaveBeenCalledWith('asha@example.com')
    expect(await screen.findByRole('status')).toHaveTextContent('a link is on its way')
  })
})

const LINK_FOR = { email: 'asha@example.com' }
const DEAD = new ApiError(400, 'invalid_token', 'This reset link is not valid: it has expired or was used already. Ask for a new one.')

describe('ResetPasswordView', () => {
  beforeEach(() => {
    vi.spyOn(api, 'checkResetLink').mockResolvedValue(LINK_FOR)
  })

  it('checks the link before anything is typed and names the account it is for', async () => {
    await mount(ResetPasswordView, '/reset-password#token=abc.def')
    expect(api.checkResetLink).toHaveBeenCalledWith('abc.def')
    expect(await screen.findByText('asha@example.com')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Set the password' })).toBeInTheDocument()
  })

  it('says at once that an expired or used link is dead, with no form to fill in', async () => {
    vi.spyOn(api, 'checkResetLink').mockRejectedValue(DEAD)
    const reset = vi.spyOn(api, 'resetPassword')
    await mount(ResetPasswordView, '/reset-password#token=old')
    expect(await screen.findByRole('alert')).toHaveTextContent('expired or was used already')
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password')
    expect(screen.queryByLabelText(/^New password/)).toBeNull()
    expect(reset).not.toHaveBeenCalled()
  })

  it('keeps the form when the check itself could not be made', async () => {
    vi.spyOn(api, 'checkResetLink').mockRejectedValue(new ApiError(0, 'network_error', 'No connection.'))
    await mount(ResetPasswordView, '/reset-password#token=abc.def')
    expect(await screen.findByRole('button', { name: 'Set the password' })).toBeInTheDocument()
  })

  it('sets the new password with the token from the link, then goes to sign in', async () => {
    const reset = vi.spyOn(api, 'resetPassword').mockResolvedValue({ message: 'Your password is set. Please sign in with it.' })
    const { router, user } = await mount(ResetPasswordView, '/reset-password#token=abc.def')
    await user.type(await screen.findByLabelText(/^New password(?! again)/), 'new-secret-2')
    await user.type(screen.getByLabelText(/^New password again/), 'new-secret-3')
    await user.click(screen.getByRole('button', { name: 'Set the password' }))
    expect(screen.getByText('Passwords do not match.')).toBeInTheDocument()
    expect(reset).not.toHaveBeenCalled()
    await user.clear(screen.getByLabelText(/^New password again/))
    await user.type(screen.getByLabelText(/^New password again/), 'new-secret-2')
    await user.click(screen.getByRole('button', { name: 'Set the password' }))
    expect(reset).toHaveBeenCalledWith('abc.def', 'new-secret-2')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('signin'))
    expect(useNoticesStore().items.at(-1)?.text).toBe('Your password is set. Please sign in with it.')
  })

  it('explains a link used up meanwhile (in another tab) and offers a new one', async () => {
    vi.spyOn(api, 'resetPassword').mockRejectedValue(DEAD)
    const { user } = await mount(ResetPasswordView, '/reset-password#token=old')
    await user.type(await screen.findByLabelText(/^New password(?! again)/), 'new-secret-2')
    await user.type(screen.getByLabelText(/^New password again/), 'new-secret-2')
    await user.click(screen.getByRole('button', { name: 'Set the password' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('expired or was used already')
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password')
  })

  it('keeps "ask for a new link" for a dead link, not for a refused password', async () => {
    vi.spyOn(api, 'resetPassword').mockRejectedValue(
      new ApiError(422, 'validation_failed', 'Some fields are invalid.', { password: ['This password is among the most common ones; choose another.'] }),
    )
    const { user } = await mount(ResetPasswordView, '/reset-password#token=fine')
    await user.type(await screen.findByLabelText(/^New password(?! again)/), 'password123')
    await user.type(screen.getByLabelText(/^New password again/), 'password123')
    await user.click(screen.getByRole('button', { name: 'Set the password' }))
    expect(await screen.findByText(/most common/)).toBeInTheDocument()
    expect(screen.queryByRole('link', { name: 'Ask for a new link' })).toBeNull()
  })

  it('needs the link from the mail', async () => {
    await mount(ResetPasswordView, '/reset-password')
    expect(screen.getByRole('alert')).toHaveTextContent('needs the link from the mail')
    expect(screen.queryByRole('button', { name: 'Set the password' })).toBeNull()
  })
})

describe('the sign-in page after a reset', () => {
  const SET = { message: 'Your password is set. Please sign in with it.' }

  /** The app at `url`, with the three pages of the round trip; `signedInAs` is who this
   * browser was signed in as (a reset signs that account out). */
  async function openApp(url: string, signedInAs: User | null = null) {
    const pinia = createPinia()
    setActivePinia(pinia)
    Object.assign(useAuthStore(), { user: signedInAs, loaded: true })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/signin', name: 'signin', component: SignInView },
        { path: '/forgot-password', name: 'forgot-password', component: ForgotPasswordView },
        { path: '/reset-password', name: 'reset-password', component: ResetPasswordView },
        { path: '/signup', name: 'signup', component: { render: () => h('div') } },
      ],
    })
    await router.push(url)
    render({ render: () => h(RouterView) }, { global: { plugins: [pinia, router] } })
    return { router, user: userEvent.setup() }
  }

  async function setPassword(user: ReturnType<typeof userEvent.setup>, router: Router) {
    await user.type(await screen.findByLabelText(/^New password(?! again)/), 'new-secret-2')
    await user.type(screen.getByLabelText(/^New password again/), 'new-secret-2')
    await user.click(screen.getByRole('button', { name: 'Set the password' }))
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('signin'))
    return screen.findByLabelText(/^Email/)
  }

  it('starts with the address of the account the link is for, without putting it in the URL', async () => {
    vi.spyOn(api, 'checkResetLink').mockResolvedValue(LINK_FOR)
    vi.spyOn(api, 'resetPassword').mockResolvedValue(SET)
    const { router, user } = await openApp('/reset-password#token=abc.def') // the mail's link
    expect(await setPassword(user, router)).toHaveValue('asha@example.com')
    expect(router.currentRoute.value.fullPath).toBe('/signin')
    expect(screen.getByLabelText(/^Password/)).toHaveValue('')
  })

  it('starts empty when the link could not be checked', async () => {
    vi.spyOn(api, 'checkResetLink').mockRejectedValue(new ApiError(0, 'network_error', 'No connection.'))
    vi.spyOn(api, 'resetPassword').mockResolvedValue(SET)
    const { router, user } = await openApp('/reset-password#token=abc.def')
    expect(await setPassword(user, router)).toHaveValue('')
  })

  it('is empty when reached any other way', async () => {
    await openApp('/signin')
    expect(await screen.findByLabelText(/^Email/)).toHaveValue('')
  })
})
