// Timestamps cross the store boundary as UTC text 'YYYY-MM-DD HH:MM:SS.sss' (both engines print and
// parse it the same way) and live in JS as epoch milliseconds.

/** Epoch ms -> 'YYYY-MM-DD HH:MM:SS.sss' (UTC), the text both stores read as a TIMESTAMP. */
export function sqlTs(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
}

/** Epoch ms -> 'YYYY-MM-DD', the UTC day: the day an event's order or value input is stored on. */
export function sqlDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** A DATE as the store returns it (text, or a Date) -> 'YYYY-MM-DD'; null stays null. */
export function dayText(v: unknown): string | null {
  if (v === null || v === undefined) return null
  return v instanceof Date ? sqlDay(v.getTime()) : String(v).slice(0, 10)
}

/** A TIMESTAMP as the store returns it (UTC text) -> epoch ms; null stays null. */
export function tsMs(v: unknown): number | null {
  if (v === null || v === undefined) return null
  const s = String(v).replace(' ', 'T')
  const t = Date.parse(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(s) ? s : `${s}Z`)
  return Number.isNaN(t) ? null : t
}

/** Epoch ms -> ISO 8601 for JSON answers; null stays null. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}
