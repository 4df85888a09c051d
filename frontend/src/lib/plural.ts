/** "1 booking", "3 bookings": a count with its noun in the right number (English). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-IN')} ${count === 1 ? one : many}`
}
