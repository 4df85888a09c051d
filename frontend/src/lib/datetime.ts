// Show times are shown as the venue's wall-clock time (the offset in the ISO string), not
// converted to the browser's zone: a 6:30 pm show in Chennai is "6:30 pm" wherever you look.

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/

/** A Date whose UTC fields equal the wall-clock fields written in the ISO string. */
export function wallClock(iso: string): Date {
  const m = ISO_RE.exec(iso)
  if (!m) return new Date(iso)
  const [, y, mo, d, h, mi, s = '0'] = m
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)))
}

/** The "+05:30" part of an ISO string, or null when there is none. */
export function isoOffset(iso: string): string | null {
  const m = ISO_RE.exec(iso)
  const off = m?.[7]
  if (!off) return null
  if (off === 'Z') return '+00:00'
  return off.includes(':') ? off : `${off.slice(0, 3)}:${off.slice(3)}`
}

const fmt = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-IN', { ...options, timeZone: 'UTC' })

const dateTimeFmt = fmt({ weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' })
// A day long past or far ahead ('member since 26 Nov 2026'): its weekday says nothing.
const dateFmt = fmt({ day: 'numeric', month: 'short', year: 'numeric' })
const timeFmt = fmt({ hour: 'numeric', minute: '2-digit' })
const shortDateFmt = fmt({ day: 'numeric', month: 'short' })

export const formatDateTime = (iso: string) => dateTimeFmt.format(wallClock(iso))
export const formatDate = (iso: string) => dateFmt.format(wallClock(iso))
export const formatTime = (iso: string) => timeFmt.format(wallClock(iso))
/** "2026-11-26" -> "26 Nov" */
export const formatDay = (ymd: string) => shortDateFmt.format(new Date(`${ymd}T00:00:00Z`))

/** The moment `minutes` before `iso`, written in the same offset (so shown in the same wall clock). */
export function minutesBefore(iso: string, minutes: number): string {
  const offset = isoOffset(iso)
  if (!offset) return new Date(Date.parse(iso) - minutes * 60_000).toISOString()
  return `${new Date(wallClock(iso).getTime() - minutes * 60_000).toISOString().slice(0, 19)}${offset}`
}

export function isPast(iso: string, now = Date.now()): boolean {
  return Date.parse(iso) <= now
}

/** The browser's offset for a given local time as "+05:30". */
export function localOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset()
  const sign = minutes >= 0 ? '+' : '-'
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** "2026-11-26T18:30" (a datetime-local value) + offset -> ISO with offset. */
export function fromLocalInput(value: string, offset?: string | null): string {
  const withSeconds = value.length === 16 ? `${value}:00` : value
  return `${withSeconds}${offset ?? localOffset(new Date(value))}`
}

/** ISO with offset -> the wall-clock "YYYY-MM-DDTHH:mm" for a datetime-local input. */
export function toLocalInput(iso: string): string {
  return wallClock(iso).toISOString().slice(0, 16)
}

/** Today's date as YYYY-MM-DD in the browser's zone (for <input type=date min>). */
export function todayYmd(now = new Date()): string {
  const y = now.getFullYear()
  const m = String(now.getMonth() + 1).padStart(2, '0')
  const d = String(now.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/**
 * Offset of an IANA zone at a wall-clock time ("2026-11-26T18:30" in "Asia/Kolkata" -> "+05:30"),
 * or null if the zone is unknown to this browser.
 */
export function zoneOffset(timeZone: string, wallTime: string): string | null {
  try {
    const instant = new Date(`${wallTime.slice(0, 16)}:00Z`)
    if (Number.isNaN(instant.getTime())) return null
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value
    if (!part) return null
    if (part === 'GMT') return '+00:00'
    const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(part)
    return m ? `${m[1]}${m[2]!.padStart(2, '0')}:${m[3] ?? '00'}` : null
  } catch {
    return null
  }
}
