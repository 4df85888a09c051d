import { describe, expect, it } from 'vitest'
import { bookingCodeOf, ticketReference } from '@/lib/ticketCode'

describe('ticket codes at the door', () => {
  it('sends a typed code as tickets print it, and a QR reference untouched', () => {
    expect(ticketReference(' kzuw-tl4j ')).toBe('KZUWTL4J')
    expect(ticketReference('kzuw tl4j')).toBe('KZUWTL4J')
    // The signature covers the reference as it is: upper-casing it would make it a forgery.
    expect(ticketReference('BX:KZUWTL4J.aB-c_9')).toBe('BX:KZUWTL4J.aB-c_9')
  })

  it('names the booking code of either', () => {
    expect(bookingCodeOf('kzuwtl4j')).toBe('KZUWTL4J')
    expect(bookingCodeOf('BX:KZUWTL4J.aB-c_9')).toBe('KZUWTL4J')
    expect(bookingCodeOf('BX:NOTREAL.forged')).toBe('NOTREAL')
  })
})
