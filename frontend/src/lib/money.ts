// Prices arrive as decimal strings; sums are done in minor units (paise) to avoid float drift.
// Every amount is shown with the currency it comes in (a show's venue's, a booking's own):
// formatMoney has no default currency, so no page can fall back to rupees unseen.
import type { Amount, CurrencyCode } from '@/api/types'

/** The API's default: a venue saved without a currency charges in rupees. */
export const DEFAULT_CURRENCY: CurrencyCode = 'INR'

// One locale for every amount and symbol, so labels match prices (Indian digit grouping).
const LOCALE = 'en-IN'

export function toMinor(amount: string | number): number {
  const text = String(amount).trim()
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?/.exec(text)
  if (!match) return 0
  const [, sign, whole = '0', frac = ''] = match
  const minor = Number(whole) * 100 + Number(frac.padEnd(2, '0'))
  return sign === '-' ? -minor : minor
}

export function fromMinor(minor: number): string {
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

export function sumMoney(amounts: (string | number)[]): string {
  return fromMinor(amounts.reduce<number>((acc, a) => acc + toMinor(a), 0))
}

const formatters = new Map<string, Intl.NumberFormat>()

/** "350.00" -> "₹350", "350.50" -> "₹350.50" (en-IN grouping: ₹1,00,000); "€12.50", "CHF 40". */
export function formatMoney(amount: string | number, currency: CurrencyCode): string {
  const minor = toMinor(amount)
  const whole = minor % 100 === 0
  const key = `${currency}:${whole}`
  let fmt = formatters.get(key)
  if (!fmt) {
    fmt = new Intl.NumberFormat(LOCALE, {
      style: 'currency',
      currency,
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    })
    formatters.set(key, fmt)
  }
  return fmt.format(minor / 100)
}

/**
 * The symbol prices in `currency` are shown with ("₹", "€", "A$"), or the code itself for
 * one without ("AED"). Same locale as formatMoney, so the editor's labels match the prices.
 */
export function currencySymbol(currency: CurrencyCode): string {
  try {
    const parts = new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).formatToParts(0)
    return parts.find((p) => p.type === 'currency')?.value ?? currency
  } catch {
    // A malformed code (the API accepts only real currencies, but a draft is typed data).
    return currency
  }
}

const currencyNames = (() => {
  try {
    return new Intl.DisplayNames('en', { type: 'currency', fallback: 'none' })
  } catch {
    return null // a browser without Intl.DisplayNames: labels fall back to the codes
  }
})()

/** "Swiss Franc" for CHF, in English like the rest of the admin pages; undefined for a code
 * the browser has no name for (a newer currency than its data, or a malformed one). */
export function currencyName(currency: CurrencyCode): string | undefined {
  try {
    return currencyNames?.of(currency) ?? undefined
  } catch {
    return undefined // not of the form of a code: of() throws a RangeError
  }
}

/** One amount per currency, ordered by code: rupees and euros are summed apart, never together. */
export function sumAmounts(amounts: Amount[]): Amount[] {
  const minor = new Map<CurrencyCode, number>()
  for (const { currency, amount } of amounts) minor.set(currency, (minor.get(currency) ?? 0) + toMinor(amount))
  return [...minor.keys()].sort().map((currency) => ({ currency, amount: fromMinor(minor.get(currency)!) }))
}

/** "₹1,200 + €40": sums in several currencies side by side; nothing yet is 0 in `none`. */
export function formatAmounts(amounts: Amount[], none: CurrencyCode): string {
  const sums = sumAmounts(amounts)
  if (sums.length === 0) return formatMoney(0, none)
  return sums.map((a) => formatMoney(a.amount, a.currency)).join(' + ')
}
