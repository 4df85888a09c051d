// The typed API surface: one function per endpoint, nothing else talks to fetch().
import { get, post } from './client'
import type {
  AdminStats,
  Booking,
  BookingPage,
  ExportStatus,
  Hold,
  Mail,
  MailPage,
  MailStatus,
  Meta,
  SeatMapResponse,
  Show,
  ShowFilter,
  ShowPage,
  TicketVerification,
  Unsubscribed,
  ShowInput,
  User,
  Venue,
  VenueInput,
} from './types'

export { ApiError, setUnauthorizedHandler } from './client'
export type * from './types'

/** Every show (of one venue), past ones too: the server gives them a page at a time. */
async function allShows(venueId?: number): Promise<{ shows: Show[] }> {
  const shows: Show[] = []
  let after: string | null = null
  do {
    const page: ShowPage = await get<ShowPage>('/api/show/get', { venue_id: venueId, after, limit: 200 })
    shows.push(...page.shows)
    after = page.next
  } while (after)
  return { shows }
}

export interface Credentials {
  email: string
  password: string
}

export interface Registration extends Credentials {
  name: string
  language?: string
}

export interface ProfileUpdate {
  name?: string
  language?: string
  reminders_enabled?: boolean
  monthly_report_enabled?: boolean
}

export const api = {
  // auth — the forms handle their own 401 ("wrong password"), so no global redirect here
  register: (data: Registration) => post<{ user: User }>('/api/register', data, { handle401: false }),
  login: (data: Credentials) =>
    post<{ access_token: string; user: User }>('/api/login', data, { handle401: false }),
  adminLogin: (data: Credentials) =>
    post<{ access_token: string; user: User }>('/api/admin/login', data, { handle401: false }),
  logout: () => post<unknown>('/api/logout', {}, { handle401: false }),
  me: () => get<{ user: User }>('/api/me', undefined, { handle401: false }),
  updateMe: (data: ProfileUpdate) => post<{ user: User }>('/api/me/update', data),
  // Ends every other session; this browser's cookie is replaced by the answer.
  changePassword: (data: { current_password: string; new_password: string }) =>
    post<{ access_token: string; user: User }>('/api/me/password', data),
  // Cancels the upcoming bookings, ends every session and clears this browser's cookie.
  deleteAccount: (current_password: string) =>
    post<{ message: string; cancelled_bookings: string[] }>('/api/me/delete', { current_password }),
  // The same answer whether or not an account has the address.
  forgotPassword: (email: string) => post<{ message: string }>('/api/password/forgot', { email }),
  // Whether a reset link still works, and for which address; uses nothing up.
  checkResetLink: (token: string) => post<{ email: string }>('/api/password/reset/check', { token }, { handle401: false }),
  resetPassword: (token: string, password: string) =>
    post<{ message: string }>('/api/password/reset', { token, password }, { handle401: false }),

  meta: () => get<Meta>('/api/meta'),

  // catalogue
  filter: (filter: ShowFilter, signal?: AbortSignal) =>
    get<ShowPage>('/api/filter', { ...filter }, { signal }),
  show: (showId: number) => get<{ show: Show }>('/api/show/get', { show_id: showId }),
  shows: allShows,
  createShow: (data: ShowInput) => post<{ show: Show }>('/api/show/create', data),
  updateShow: (showId: number, data: Partial<ShowInput>) =>
    post<{ show: Show }>('/api/show/update', { show_id: showId, ...data }),
  deleteShow: (showId: number, force = false) => post<unknown>('/api/show/delete', { show_id: showId, force }),

  venue: (venueId: number) => get<{ venue: Venue }>('/api/venue/get', { venue_id: venueId }),
  venues: () => get<{ venues: Venue[] }>('/api/venue/get'),
  createVenue: (data: VenueInput) => post<{ venue: Venue }>('/api/venue/create', data),
  updateVenue: (venueId: number, data: Partial<VenueInput>) =>
    post<{ venue: Venue }>('/api/venue/update', { venue_id: venueId, ...data }),
  deleteVenue: (venueId: number, force = false) =>
    post<unknown>('/api/venue/delete', { venue_id: venueId, force }),

  // seats and booking
  seats: (showId: number) => get<SeatMapResponse>('/api/show/seats', { show_id: showId }),
  suggest: (showId: number, count: number) =>
    get<{ seats: string[] }>('/api/show/suggest', { show_id: showId, count }),
  hold: (showId: number, seats: string[]) =>
    post<Hold & { total: string }>('/api/hold', { show_id: showId, seats }),
  releaseHold: (holdId: Hold['hold_id']) => post<unknown>('/api/hold/release', { hold_id: holdId }),
  book: (holdId: Hold['hold_id']) => post<{ booking: Booking }>('/api/bookticket', { hold_id: holdId }),

  booking: (bookingId: number) => get<{ booking: Booking }>('/api/booking/get', { booking_id: bookingId }),
  bookings: (page: { limit?: number; offset?: number } = {}) => get<BookingPage>('/api/booking/get', page),
  cancelBooking: (bookingId: number) =>
    post<{ booking: Booking }>('/api/booking/cancel', { booking_id: bookingId }),

  // The mail's unsubscribe link opens /unsubscribe?token=…, which posts the token (no sign-in).
  unsubscribe: (token: string) => post<Unsubscribed>('/api/unsubscribe', { token }, { handle401: false }),

  // admin
  verifyTicket: (ref: string) => get<TicketVerification>('/api/ticket/verify', { ref }),
  admitTicket: (ref: string) => post<TicketVerification>('/api/ticket/admit', { ref }),
  stats: () => get<AdminStats>('/api/admin/stats'),
  startExport: (venueId: number) => post<{ job_id: string }>('/api/export', { venue_id: venueId }),
  exportStatus: (jobId: string) => get<ExportStatus>('/api/export/status', { job_id: jobId }),
  mails: (query: { status?: MailStatus; limit?: number; before?: number } = {}) =>
    get<MailPage>('/api/admin/mail', query),
  retryMail: (mailId: number) => post<{ mail: Mail }>('/api/admin/mail/retry', { mail_id: mailId }),
  exportDownloadUrl: (jobId: string) => `/api/export/download?job_id=${encodeURIComponent(jobId)}`,
  seatEventsUrl: (showId: number) => `/api/show/events?show_id=${showId}`,
}
