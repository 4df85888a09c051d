// What the door page reads: a scanner's or camera's signed QR reference ("BX:<code>.<signature>",
// sent as it is, as the signature covers it) or the booking code printed on the ticket, typed
// by hand ("kzuw tl4j"), which the server takes in one case and without spaces.

const QR_PREFIX = 'BX:'

const isQrReference = (text: string) => text.toUpperCase().startsWith(QR_PREFIX)

/** What to send: a QR reference untouched, a typed code upper-cased without spaces or dashes. */
export function ticketReference(input: string): string {
  const text = input.trim()
  return isQrReference(text) ? text : text.replace(/[\s-]+/g, '').toUpperCase()
}

/** The booking code a reference names, written as tickets print it ("KZUWTL4J"). */
export function bookingCodeOf(reference: string): string {
  const text = reference.trim()
  if (!isQrReference(text)) return ticketReference(text)
  return text.slice(QR_PREFIX.length).split('.')[0]!.toUpperCase()
}
