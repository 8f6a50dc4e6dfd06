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

/**
 * Why `day` (YYYY-MM-DD) is no calendar day: its month when that is none (2026-13-01 is no
 * missing day of a month but a 13th month), else that the month has no such day.
 * @example calendarDayProblem('2026-13-01') // 'there is no month 13'
 */
export function calendarDayProblem(day: string): string {
  const month = Number(day.slice(5, 7))
  return month < 1 || month > 12
    ? `there is no month ${day.slice(5, 7)}`
    : 'there is no such day in the calendar'
}

/**
 * The day `months` calendar months before `day` (YYYY-MM-DD), on the last day of its month when
 * `day`'s is past it, as the engine's `DATE - INTERVAL n MONTH` has it.
 * @example monthsBefore('2025-08-31', 6) // '2025-02-28'
 */
export function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) - months
  const year = Math.floor(total / 12)
  const month = total - year * 12
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  return `${pad(year, 4)}-${pad(month + 1, 2)}-${pad(Math.min(d, last), 2)}`
}

/**
 * The day `days` calendar days after `day` (YYYY-MM-DD; before it when negative).
 * @example addDays('2024-02-28', 2) // '2024-03-01'
 */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/**
 * The latest day a date may name at `now`: tomorrow where the day is furthest along (UTC+14).
 * An order at 01:00 in Kiritimati falls on a day UTC has not reached; the day after this one has
 * begun nowhere.
 * @example latestDay(new Date('2026-12-07T07:32:00Z')) // '2026-12-08'
 * @example latestDay(new Date('2026-12-07T12:00:00Z')) // '2026-12-09'
 */
export function latestDay(now: Date): string {
  return new Date(now.getTime() + (14 + 24) * 3_600_000).toISOString().slice(0, 10)
}
