// Calendar days as text: a YYYY-MM-DD that names a day on the calendar. Date.parse alone rolls
// 2025-02-30 over to 2 March, so every reader of a day checks it here.

/**
 * Is `s` a YYYY-MM-DD day that exists (leap years included)?
 * @example isCalendarDay('2024-02-29') // true; isCalendarDay('2023-02-29') // false
 */
export function isCalendarDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const ms = Date.parse(`${s}T00:00:00Z`)
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s
}
