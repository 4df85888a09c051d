import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError, setUnauthorizedHandler } from '@/api/client'
import type { User } from '@/api/types'
import { guard, installUnauthorizedRedirect, routes } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { useNoticesStore } from '@/stores/notices'

const user = (is_admin = false): User => ({
  user_id: 1, email: 'a@b.co', name: 'A', language: 'en', is_admin, reminders_enabled: true, monthly_report_enabled: true, created_at: '2026-01-01T00:00:00+00:00',
})

function makeRouter() {
  const router = createRouter({ history: createMemoryHistory(), routes })
  router.beforeEach(guard)
  installUnauthorizedRedirect(router)
  return router
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => setUnauthorizedHandler(null))

describe('route guards', () => {
  it('sends a guest to sign-in, keeping the intended route as next', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'unauthorized', 'Not signed in.'))
    const router = makeRouter()
    await router.push('/bookings')
    expect(router.currentRoute.value.name).toBe('signin')
    expect(router.currentRoute.value.query.next).toBe('/bookings')
  })

  it('sends guests on admin pages to the admin sign-in and normal users home', async () => {
    const me = vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'unauthorized', 'Not signed in.'))
    const router = makeRouter()
    await router.push('/admin/venues')
    expect(router.currentRoute.value.name).toBe('admin-login')

    me.mockResolvedValue({ user: user(false) })
    useAuthStore().loaded = false
    await router.push('/admin')
    expect(router.currentRoute.value.name).toBe('home')
    expect(useNoticesStore().items.at(-1)?.text).toMatch(/administrators/)
  })

  it('lets an admin in', async () => {
    vi.spyOn(api, 'me').mockResolvedValue({ user: user(true) })
    const router = makeRouter()
    await router.push('/admin/export')
    expect(router.currentRoute.value.name).toBe('admin-export')
  })
})

describe('sign-in pages', () => {
  it('send someone already signed in on to next', async () => {
    vi.spyOn(api, 'me').mockResolvedValue({ user: user(true) })
    const router = makeRouter()
    await router.push('/signin?next=/bookings')
    expect(router.currentRoute.value.fullPath).toBe('/bookings')
    await router.push('/admin/login')
    expect(router.currentRoute.value.name).toBe('admin')
  })

  it('still show the admin sign-in to a signed-in normal user', async () => {
    vi.spyOn(api, 'me').mockResolvedValue({ user: user(false) })
    const router = makeRouter()
    await router.push('/admin/login')
    expect(router.currentRoute.value.name).toBe('admin-login')
  })
})

describe('401 anywhere', () => {
  it('drops the session, shows the message and goes to sign-in with next', async () => {
    vi.spyOn(api, 'me').mockResolvedValue({ user: user() })
    const router = makeRouter()
    await router.push('/profile')
    expect(useAuthStore().signedIn).toBe(true)

    vi.stubGlobal('fetch', vi.fn(async () =>
      new Response(JSON.stringify({ error: { code: 'token_revoked', message: 'Your session has ended.' } }), { status: 401 }),
    ))
    await expect(api.bookings()).rejects.toBeInstanceOf(ApiError)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('signin'))
    expect(router.currentRoute.value.query.next).toBe('/profile')
    expect(useAuthStore().signedIn).toBe(false)
    expect(useNoticesStore().items.map((n) => n.text)).toContain('Your session has ended.')
    vi.unstubAllGlobals()
  })
})
