/**
 * The address a reset link was last asked for in this browser, so that the sign-in page after
 * the new password is set can offer it. The mail's link usually opens in a new tab, hence
 * localStorage rather than the tab's sessionStorage; kept only as long as the link works.
 */
const KEY = 'boxoffice.resetAddress'
export const KEEP_MS = 60 * 60_000

export function rememberResetAddress(email: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ email, savedAt: Date.now() }))
  } catch {
    // Storage full or disabled: the sign-in page simply starts empty.
  }
}

/** The address remembered within the last hour, forgotten as it is handed out. */
export function takeResetAddress(): string | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { email?: unknown; savedAt?: unknown } | null
    localStorage.removeItem(KEY)
    const fresh = typeof value?.savedAt === 'number' && Date.now() - value.savedAt <= KEEP_MS
    return fresh && typeof value.email === 'string' ? value.email : null
  } catch {
    return null // storage disabled or a value of someone else's making
  }
}
