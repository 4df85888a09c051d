import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type Credentials, type ProfileUpdate, type Registration } from '@/api'
import { ApiError, CSRF_COOKIE, readCookie } from '@/api/client'
import type { User } from '@/api/types'

/** The server's 401s for a session this browser held but which is over (signed out
 * elsewhere, a password changed or reset, its time up), as against never signed in. */
const ENDED_SESSION_CODES = new Set(['token_revoked', 'token_expired', 'invalid_token'])

export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const loaded = ref(false)
  /** The server refused the session this browser held, and nobody has been told yet. */
  const sessionEnded = ref(false)
  let probe: Promise<void> | null = null

  const signedIn = computed(() => user.value !== null)
  const isAdmin = computed(() => user.value?.is_admin === true)

  /** Whether this browser holds a sign-in at all. The sign-in cookie is httpOnly, but its
   * readable CSRF twin is set and cleared with it: without that there is nobody to ask
   * about, and asking would only put a 401 in the console of every signed-out visit. */
  function maybeSignedIn(): boolean {
    return readCookie(CSRF_COOKIE) !== null
  }

  /** The answer to "who am I" was "nobody" (any other error is thrown on). */
  function signedOut(e: unknown): void {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) throw e
    user.value = null
    if (e.status === 401 && ENDED_SESSION_CODES.has(e.code)) sessionEnded.value = true
  }

  /** Whether a session of this browser was refused since it was last said; says it only once. */
  function takeSessionEnded(): boolean {
    const ended = sessionEnded.value
    sessionEnded.value = false
    return ended
  }

  /** Ask the server once who we are (the JWT cookie is httpOnly, so only it knows). */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    if (!maybeSignedIn()) {
      user.value = null
      loaded.value = true
      return Promise.resolve()
    }
    probe ??= api
      .me()
      .then((r) => {
        user.value = r.user
      })
      .catch(signedOut)
      .finally(() => {
        loaded.value = true
        probe = null
      })
    return probe
  }

  /** Ask the server again: an unsubscribe link or another tab may have changed the account. */
  async function refresh(): Promise<User | null> {
    try {
      user.value = maybeSignedIn() ? (await api.me()).user : null
    } catch (e) {
      signedOut(e)
    }
    loaded.value = true
    return user.value
  }

  async function login(credentials: Credentials): Promise<User> {
    const r = await api.login(credentials)
    user.value = r.user
    sessionEnded.value = false
    loaded.value = true
    return r.user
  }

  async function adminLogin(credentials: Credentials): Promise<User> {
    const r = await api.adminLogin(credentials)
    user.value = r.user
    sessionEnded.value = false
    loaded.value = true
    return r.user
  }

  /** Register, then sign straight in: nobody wants to type the password twice. */
  async function register(data: Registration): Promise<User> {
    await api.register(data)
    return login({ email: data.email, password: data.password })
  }

  async function logout(): Promise<void> {
    try {
      await api.logout()
    } finally {
      forget()
    }
  }

  async function update(data: ProfileUpdate): Promise<User> {
    const r = await api.updateMe(data)
    user.value = r.user
    return r.user
  }

  /** Drop the local session (after a 401 or logout). */
  function forget(): void {
    user.value = null
    loaded.value = true
  }

  return { user, loaded, sessionEnded, signedIn, isAdmin, ensureLoaded, takeSessionEnded, refresh, login, adminLogin, register, logout, update, forget }
})
