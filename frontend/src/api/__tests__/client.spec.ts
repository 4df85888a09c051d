import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '@/api'
import { ApiError, buildUrl, readCookie, request, setUnauthorizedHandler } from '@/api/client'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const fetchMock = vi.fn<typeof fetch>()

beforeEach(() => {
  fetchMock.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  document.cookie = 'csrf_access_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
})
afterEach(() => {
  setUnauthorizedHandler(null)
  vi.unstubAllGlobals()
})

const lastInit = () => fetchMock.mock.calls.at(-1)![1]!
const lastHeaders = () => lastInit().headers as Record<string, string>

describe('request', () => {
  it('sends same-origin credentials and parses JSON', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { shows: [] }))
    await expect(api.filter({ q: 'dune', location: '' })).resolves.toEqual({ shows: [] })
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/filter?q=dune')
    expect(init!.credentials).toBe('same-origin')
    expect(init!.method).toBe('GET')
  })

  it('reads every page of a venue\'s shows', async () => {
    const show = (id: number) => ({ show_id: id })
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, { shows: [show(1), show(2)], next: 'Mg' }))
      .mockResolvedValueOnce(jsonResponse(200, { shows: [show(3)], next: null }))
    const { shows } = await api.shows(7)
    expect(shows.map((s) => s.show_id)).toEqual([1, 2, 3])
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      '/api/show/get?venue_id=7&limit=200',
      '/api/show/get?venue_id=7&after=Mg&limit=200',
    ])
  })

  it('sends a JSON body and the CSRF header from the csrf_access_token cookie on POST', async () => {
    document.cookie = 'csrf_access_token=abc%20123; path=/'
    fetchMock.mockResolvedValue(jsonResponse(201, { hold_id: 1, expires_at: '2026-11-26T18:30:00+05:30', seats: ['C7'], total: '350.00' }))
    await api.hold(4, ['C7'])
    expect(lastInit().body).toBe(JSON.stringify({ show_id: 4, seats: ['C7'] }))
    expect(lastHeaders()['Content-Type']).toBe('application/json')
    expect(lastHeaders()['X-CSRF-TOKEN']).toBe('abc 123')
  })

  it('does not send a CSRF header on GET or when there is no cookie', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, {}))
    document.cookie = 'csrf_access_token=tok; path=/'
    await request('GET', '/api/meta')
    expect(lastHeaders()['X-CSRF-TOKEN']).toBeUndefined()
    document.cookie = 'csrf_access_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
    await request('POST', '/api/logout')
    expect(lastHeaders()['X-CSRF-TOKEN']).toBeUndefined()
  })

  it('turns the error envelope into an ApiError with status, code, message and details', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(409, { error: { code: 'seat_taken', message: 'Seat C7 is no longer available.', details: { seats: ['C7'] } } }),
    )
    const error = await api.hold(1, ['C7']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, code: 'seat_taken', message: 'Seat C7 is no longer available.', details: { seats: ['C7'] } })
  })

  it('exposes 422 details as field errors', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(422, { error: { code: 'validation_error', message: 'Invalid input.', details: { email: ['Already registered.'], name: 'Too long.' } } }),
    )
    const error = (await api.register({ email: 'a@b.co', name: 'x', password: 'password1' }).catch((e: unknown) => e)) as ApiError
    expect(error.fieldErrors).toEqual({ email: ['Already registered.'], name: ['Too long.'] })
  })

  it('copes with a non-JSON error body', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 }))
    const error = (await request('GET', '/api/meta').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(502)
    expect(error.code).toBe('http_502')
    expect(error.message).toMatch(/server/i)
  })

  it('reports network failures as status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(request('GET', '/api/meta')).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })
})

describe('401 handling', () => {
  const unauthorized = { error: { code: 'unauthorized', message: 'Your session has expired.', details: {} } }

  it('calls the one unauthorized handler with the error', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(401, unauthorized))
    await expect(api.bookings()).rejects.toMatchObject({ status: 401 })
    expect(handler).toHaveBeenCalledTimes(1)
    expect(handler.mock.calls[0]![0]).toMatchObject({ status: 401, message: 'Your session has expired.' })
  })

  it('leaves 401s of sign-in and the session probe to the caller', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(401, unauthorized))
    await expect(api.login({ email: 'a@b.co', password: 'wrong' })).rejects.toBeInstanceOf(ApiError)
    await expect(api.me()).rejects.toBeInstanceOf(ApiError)
    expect(handler).not.toHaveBeenCalled()
  })

  it('does not call the handler for other errors', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(403, { error: { code: 'forbidden', message: 'No.' } }))
    await expect(api.stats()).rejects.toMatchObject({ status: 403 })
    expect(handler).not.toHaveBeenCalled()
  })
})

describe('helpers', () => {
  it('buildUrl drops empty values and encodes the rest', () => {
    expect(buildUrl('/api/filter', { q: 'a b', tag: undefined, location: '', min_rating: 7 })).toBe('/api/filter?q=a+b&min_rating=7')
    expect(buildUrl('/api/meta')).toBe('/api/meta')
  })

  it('readCookie finds one cookie among several', () => {
    document.cookie = 'other=1; path=/'
    document.cookie = 'csrf_access_token=xyz; path=/'
    expect(readCookie('csrf_access_token')).toBe('xyz')
    expect(readCookie('missing')).toBeNull()
  })
})
