import type { ErrorDetails } from './types'

/** Every non-2xx answer (and network failure) becomes one of these. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: ErrorDetails

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /**
   * Field errors as field -> messages: a 422's details, and also those of a conflict that names
   * its field (409 email_taken sends {email: ["Already registered."]}). Non-text details are skipped.
   */
  get fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    if (this.status !== 422 && this.status !== 409) return out
    for (const [field, value] of Object.entries(this.details)) {
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[field] = value
      else if (typeof value === 'string') out[field] = [value]
    }
    return out
  }
}

export type UnauthorizedHandler = (error: ApiError) => void

let onUnauthorized: UnauthorizedHandler | null = null

/**
 * The single place that decides what a 401 means for the app (main.ts wires it to
 * "clear the session, show the message, go to sign-in with ?next=").
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler
}

export const CSRF_COOKIE = 'csrf_access_token'
export const CSRF_HEADER = 'X-CSRF-TOKEN'

/** Flask-JWT-Extended double-submit CSRF: echo the readable cookie in a header. */
export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

export interface RequestOptions {
  /** Query parameters for GET; undefined/null/'' values are dropped. */
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  /**
   * Login forms and the "who am I" probe handle their own 401 (wrong password, not signed in);
   * only they opt out of the global redirect.
   */
  handle401?: boolean
  signal?: AbortSignal
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

async function parseError(response: Response): Promise<ApiError> {
  let payload: unknown = null
  try {
    payload = await response.json()
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  const envelope = (payload as { error?: Record<string, unknown> } | null)?.error
  if (envelope && typeof envelope === 'object') {
    const code = typeof envelope.code === 'string' ? envelope.code : `http_${response.status}`
    const message =
      typeof envelope.message === 'string' && envelope.message
        ? envelope.message
        : defaultMessage(response.status)
    const details =
      envelope.details && typeof envelope.details === 'object'
        ? (envelope.details as ErrorDetails)
        : {}
    return new ApiError(response.status, code, message, details)
  }
  return new ApiError(response.status, `http_${response.status}`, defaultMessage(response.status))
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Please sign in to continue.'
  if (status === 403) return 'You are not allowed to do that.'
  if (status === 404) return 'Not found.'
  if (status === 429) return 'Too many requests — please wait a moment and try again.'
  if (status >= 500) return 'The server had a problem. Please try again.'
  return `Request failed (${status}).`
}

export async function request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const init: RequestInit = { method, credentials: 'same-origin', headers, signal: options.signal }
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(options.body ?? {})
    const csrf = readCookie(CSRF_COOKIE)
    if (csrf) headers[CSRF_HEADER] = csrf
  }

  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), init)
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection.')
  }

  if (!response.ok) {
    const error = await parseError(response)
    if (error.status === 401 && options.handle401 !== false && onUnauthorized) onUnauthorized(error)
    throw error
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const get = <T>(path: string, query?: RequestOptions['query'], options: RequestOptions = {}) =>
  request<T>('GET', path, { ...options, query })

export const post = <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
  request<T>('POST', path, { ...options, body })
