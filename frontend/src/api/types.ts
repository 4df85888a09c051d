// Hand-typed from the HTTP contract in /work/shared/ARCHITECTURE.md (and issue 5).
// Money is always a decimal string ("250.00"); datetimes are ISO 8601 with an offset.

export type Money = string
/** ISO 4217 code, e.g. "INR": every amount comes with the currency it is in. */
export type CurrencyCode = string

/** An amount in one currency: sums over venues are kept per currency, never added across. */
export interface Amount {
  currency: CurrencyCode
  amount: Money
}
export type IsoDateTime = string
export type LanguageCode = 'en' | 'hi' | 'ta' | 'te' | 'ml' | 'kn' | 'bn' | 'mr'

export interface User {
  user_id: number
  email: string
  name: string
  language: LanguageCode | string
  is_admin: boolean
  /** Reminders of coming shows and "we miss you" mails. */
  reminders_enabled: boolean
  /** The report of last month's bookings, on the 1st. */
  monthly_report_enabled: boolean
  created_at: IsoDateTime
}

export interface Meta {
  /** English name of every language code a show or person may have. */
  languages: Record<string, string>
  /** Codes a show may have, in the order to offer them: the cinemas' own languages, then the rest by name. */
  film_languages?: string[]
  /** Codes a person may choose for their mail, in the order to offer them. */
  mail_languages?: string[]
  /** The mail languages our mail is written in; a person on another gets mail in English. */
  mail_translations?: string[]
  locations: string[]
  tags: string[]
  /** IANA zone the server schedules in (BOXOFFICE_TIMEZONE), e.g. "Asia/Kolkata"; optional. */
  timezone?: string
  /** Codes of the languages that upcoming shows have: the ones a search can find. */
  show_languages?: string[]
  /** A booking can be cancelled until this long before its show (BOXOFFICE_CANCEL_CUTOFF_MINUTES). */
  cancel_cutoff_minutes?: number
  /** ISO 4217 codes a venue may charge in, in order of code: the only ones the API accepts. */
  currencies?: CurrencyCode[]
}

export interface VenueRef {
  venue_id: number
  name: string
  location: string
}

export interface Show {
  show_id: number
  venue_id: number
  venue: VenueRef
  title: string
  starts_at: IsoDateTime
  ends_at: IsoDateTime
  price: Money
  price_from: Money
  /** The venue's currency: of price and price_from, and of the show's seat prices. */
  currency: CurrencyCode
  language: string
  rating: number | null
  tags: string[]
  duration_minutes: number
  capacity: number
  free_seats: number
}

export interface SeatCategory {
  name: string
  rows: string[]
  surcharge: Money
}

export interface Layout {
  removed: string[]
  categories: SeatCategory[]
}

export interface Venue {
  venue_id: number
  name: string
  location: string
  rows: number
  seats_per_row: number
  capacity: number
  currency: string
  layout: Layout
  /** One venue only (GET with venue_id, create, update): true while upcoming shows have
   * bookings, when a change of rows, seats_per_row or layout is refused. */
  seating_locked?: boolean
  /** Why, to show to the admin; null when not locked. */
  seating_locked_reason?: string | null
}

export type SeatStatus = 'free' | 'held' | 'booked'

export interface Seat {
  seat: string
  row: string
  number: number
  status: SeatStatus
  mine: boolean
  price: Money
  category: string
}

export interface Hold {
  hold_id: number | string
  expires_at: IsoDateTime
  seats: string[]
  total?: Money
  currency?: CurrencyCode
}

export interface SeatMapResponse {
  show_id: number
  rows: number
  seats_per_row: number
  /** The currency of every seat price (the venue's). */
  currency: CurrencyCode
  seats: Seat[]
  hold: Hold | null
}

export interface SeatEvent {
  seats: { seat: string; status: SeatStatus }[]
}

export type BookingStatus = 'confirmed' | 'cancelled'

export interface Booking {
  booking_id: number
  code: string
  show_id: number
  show: {
    show_id: number
    title: string
    starts_at: IsoDateTime
    /** When the show ends: the ticket admits at the door until then, late comers included. */
    ends_at: IsoDateTime
    venue: { name: string; location: string }
  }
  seats: string[]
  total: Money
  /** What the total was charged in: the venue's currency when booked, whatever it is now. */
  currency: CurrencyCode
  status: BookingStatus
  booked_at: IsoDateTime
  cancelled_at: IsoDateTime | null
  /** When the ticket let its holder in at the door; it cannot be cancelled after that. */
  admitted_at: IsoDateTime | null
  can_cancel: boolean
  /** When cancelling closes (the cutoff before the show), for a page left open until then. */
  cancel_until: IsoDateTime
  cancel_cutoff_minutes: number
  qr_url: string
  ics_url: string
}

/** GET /api/booking/get without an id: newest first, paged. */
export interface BookingPage {
  bookings: Booking[]
  limit?: number
  offset?: number
  total?: number
}

export interface StatsShow {
  show_id: number
  title: string
  starts_at: IsoDateTime
  capacity: number
  booked: number
  occupancy: number
  /** The plain sum of revenues: right only while there is one currency. */
  revenue: Money
  revenues: Amount[]
}

export interface StatsVenue {
  venue_id: number
  name: string
  location: string
  currency: CurrencyCode
  capacity: number
  shows: StatsShow[]
}

export interface AdminStats {
  venues: StatsVenue[]
  bookings_per_day: { date: string; bookings: number; tickets: number }[]
  totals: { revenue: Money; revenues: Amount[]; tickets: number; bookings: number }
}

export type MailStatus = 'queued' | 'sending' | 'retrying' | 'sent' | 'failed' | 'skipped'

/** One mail of the outbox, as admins see it. */
export interface Mail {
  mail_id: number
  /** booking_confirmed, booking_cancelled, show_reminder, miss_you, monthly_report, password_reset, export_ready */
  kind: string
  period: string
  recipient: string
  status: MailStatus
  attempts: number
  /** Why the last attempt failed. */
  error: string | null
  created_at: IsoDateTime
  next_attempt_at: IsoDateTime | null
  sent_at: IsoDateTime | null
}

/** GET /api/admin/mail: newest first; `next_before` asks for the following page, null on the last. */
export interface MailPage {
  mails: Mail[]
  total: number
  next_before: number | null
}

export type ExportState = 'pending' | 'running' | 'done' | 'failed'

export interface ExportStatus {
  job_id: string
  state: ExportState
  progress: number
  download_url?: string
  error?: string
}

export interface ShowFilter {
  q?: string
  location?: string
  language?: string
  tag?: string
  min_rating?: number | string
  date?: string
  venue_id?: number
  /** Page size; the server caps it (default 100, max 200). */
  limit?: number
  /** The `next` of the previous page, for the page after it. */
  after?: string
}

/** One page of search results; `next` asks for the following page, null on the last. */
export interface ShowPage {
  shows: Show[]
  next: string | null
}

export interface ShowInput {
  venue_id: number
  title: string
  starts_at: IsoDateTime
  price: Money
  language?: string
  rating?: number | null
  tags?: string[]
  duration_minutes?: number
}

export interface VenueInput {
  name: string
  location: string
  rows: number
  seats_per_row: number
  layout?: Layout
  currency?: string
}

/** 422 details: field -> messages. Other codes may carry any JSON (e.g. {seats: [...]}) */
export type ErrorDetails = Record<string, unknown>

/** POST /api/unsubscribe: the signed link at the bottom of reminder and report mails. */
export interface Unsubscribed {
  email: string
  message: string
  /** The kinds of mail the link turned off. */
  stopped: Array<'reminders' | 'monthly_report'>
  reminders_enabled: boolean
  monthly_report_enabled: boolean
}

/** What the door check shows about a scanned ticket. */
export interface TicketSummary {
  code: string
  holder: string
  seats: string[]
  starts_at: IsoDateTime
  status: BookingStatus
  title: string
  venue: { name: string; location: string }
  /** When door staff let the holder in; a ticket admits once. */
  admitted_at: IsoDateTime | null
}

export type VerifyReason = 'ok' | 'admitted' | 'forged' | 'unknown' | 'cancelled' | 'already_admitted' | 'show_over'

export interface TicketVerification {
  valid: boolean
  reason: VerifyReason | string
  booking: TicketSummary | null
}
