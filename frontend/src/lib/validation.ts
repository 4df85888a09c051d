// Client-side checks that mirror the server's (the server stays the authority; its 422
// field errors are shown the same way).

export type FieldErrors = Record<string, string[]>

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function validateEmail(email: string): string | null {
  if (!email.trim()) return 'Email is required.'
  if (!EMAIL_RE.test(email.trim())) return 'Enter a valid email address.'
  return null
}

export function validateName(name: string): string | null {
  const len = name.trim().length
  if (len < 1) return 'Name is required.'
  if (len > 100) return 'Name must be at most 100 characters.'
  return null
}

export function validatePassword(password: string, email = ''): string | null {
  if (!password) return 'Password is required.'
  if (password.length < 8) return 'Password must be at least 8 characters.'
  // The server's limit is bcrypt's: 72 bytes of UTF-8 (é counts 2, most Indic letters 3).
  if (new TextEncoder().encode(password).length > 72)
    return 'Password is too long: at most 72 letters, fewer with accented letters or other scripts.'
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase())
    return 'Password must not be the same as your email.'
  // As the server checks it (which also refuses the most common passwords).
  if (new Set(password).size < 4) return 'Use at least 4 different characters.'
  return null
}

/** The second typing of a new password (sign-up, change, reset). */
export function validateRepeat(password: string, repeat: string): string | null {
  return repeat === password ? null : 'Passwords do not match.'
}

/** Collect non-null messages into the same shape as a 422's details. */
export function collect(checks: Record<string, string | null>): FieldErrors {
  const out: FieldErrors = {}
  for (const [field, message] of Object.entries(checks)) if (message) out[field] = [message]
  return out
}

export const hasErrors = (errors: FieldErrors) => Object.keys(errors).length > 0
