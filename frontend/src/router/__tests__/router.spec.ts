import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import { ApiError, setUnauthorizedHandler } from '@/api/client'
import type { User } from '@/api/types'
import { ADMINS_ONLY, guard, installUnauthorizedRedirect, routes, SESSION_ENDED } from '@/router'
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

const SIGNED_IN_COOKIE = 'csrf_access_token=tok; path=/'
const NO_COOKIE = 'csrf_access_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'

beforeEach(() => {
  setActivePinia(createPinia())
  // A browser that holds a sign-in: the store asks the server who it belongs to.
  document.cookie = SIGNED_IN_COOKIE
})
afterEach(() => {
  setUnauthorizedHandler(null)
  document.cookie = NO_COOKIE
})

describe('who is signed in', () => {
  it('is nobody, without asking the server, when the browser holds no sign-in cookie', async () => {
    document.cookie = NO_COOKIE
    const me = vi.spyOn(api, 'me').mockResolvedValue({ user: user() })
    const router = makeRouter()
    await router.push('/bookings')
    expect(router.currentRoute.value.name).toBe('signin')
    expect(await useAuthStore().refresh()).toBeNull()
    expect(me).not.toHaveBeenCalled()
  })

  it('is asked of the server when the browser holds one', async () => {
    const me = vi.spyOn(api, 'me').mockResolvedValue({ user: user() })
    const router = makeRouter()
    await router.push('/bookings')
    expect(router.currentRoute.value.name).toBe('bookings')
    expect(me).toHaveBeenCalledTimes(1)
  })
})

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
    expect(useNoticesStore().items.at(-1)?.text).toBe('That page is for administrators.')
    expect(ADMINS_ONLY).toBe('That page is for administrators.')
  })

  it('lets an admin in', async () => {
    vi.spyOn(api, 'me').mockResolvedValue({ user: user(true) })
    const router = makeRouter()
    await router.push('/admin/export')
    expect(router.currentRoute.value.name).toBe('admin-export')
  })
})

describe('a session the server refused', () => {
  const texts = () => useNoticesStore().items.map((n) => n.text)

  it.each(['token_revoked', 'token_expired', 'invalid_token'])(
    'says why on the way to sign-in when a page needs it (%s)',
    async (code) => {
      vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, code, 'from the server'))
      const router = makeRouter()
      await router.push('/bookings')
      expect(router.currentRoute.value.name).toBe('signin')
      expect(router.currentRoute.value.query.next).toBe('/bookings')
      expect(texts()).toEqual(['Your session has ended; please sign in again.'])
      expect(SESSION_ENDED).toBe('Your session has ended; please sign in again.')
    },
  )

  it('says it on the way to the admin sign-in too', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'token_revoked', 'Your session has ended.'))
    const router = makeRouter()
    await router.push('/admin/venues')
    expect(router.currentRoute.value.name).toBe('admin-login')
    expect(texts()).toEqual([SESSION_ENDED])
  })

  it('says it once, not on every page after', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'token_revoked', 'Your session has ended.'))
    const router = makeRouter()
    await router.push('/bookings')
    useNoticesStore().items = []
    await router.push('/profile')
    expect(router.currentRoute.value.name).toBe('signin')
    expect(texts()).toEqual([])
  })

  it('says nothing on a page that needs no session', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'token_revoked', 'Your session has ended.'))
    const router = makeRouter()
    await router.push('/')
    expect(router.currentRoute.value.name).toBe('home')
    expect(texts()).toEqual([])
  })

  it('is not said after signing in again', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'token_revoked', 'Your session has ended.'))
    vi.spyOn(api, 'login').mockResolvedValue({ access_token: 't', user: user() })
    vi.spyOn(api, 'logout').mockResolvedValue({})
    const router = makeRouter()
    await router.push('/')
    await useAuthStore().login({ email: 'a@b.co', password: 'pw' })
    await useAuthStore().logout()
    await router.push('/bookings')
    expect(texts()).toEqual([])
  })

  it('is not said on a first visit, with no session to refuse', async () => {
    document.cookie = NO_COOKIE
    const router = makeRouter()
    await router.push('/bookings')
    expect(router.currentRoute.value.name).toBe('signin')
    expect(texts()).toEqual([])
  })

  it('is not said for a sign-in the server never had', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(new ApiError(401, 'not_signed_in', 'Please sign in.'))
    const router = makeRouter()
    await router.push('/bookings')
    expect(router.currentRoute.value.name).toBe('signin')
    expect(texts()).toEqual([])
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
