// One contact budget per customer across departments. Candidates are decided in priority order
// (service, recognition, marketing; then playbook priority), so when they compete the more important
// one takes what is left of each rolling-window cap. Quiet hours defer rather than drop a message.
import { UsageError } from '../../errors.ts'
import { isTimeZone } from '../time-zones.ts'
import type { Channel, ContactBudgetConfig, Department } from './config.ts'
import { DEPARTMENTS } from './config.ts'

const DAY = 86_400_000
const MINUTE = 60_000

/**
 * A contact made or planned: a message on a channel, or a staff task (channel null). A planned one
 * has its planned time (after now): a message queued for its delivery or a retry goes out without
 * another check, so it counts like a sent one; a deferred one (quiet hours, a later onboarding
 * step) is decided again when due, so it counts only against the actions it outranks, and only
 * when the caps will have room for it then.
 */
export interface ContactLogEntry {
  readonly atMs: number
  readonly channel: Channel | null
  readonly department: Department
  readonly kind?: 'webhook' | 'task'
  /** Deferred: decided again when due (a candidate of its rank or above may take its slot). */
  readonly deferred?: boolean
  /** The playbook's priority (5 when not said), ranking a deferred entry within its department. */
  readonly priority?: number
}

/** What the budget needs of a planned action (a {@link PlannedAction} fits). */
export interface BudgetCandidate {
  readonly idempotencyKey: string
  readonly kind: 'webhook' | 'task'
  readonly channel: Channel | null
  readonly department: Department
  /** 1 = most important within the department. */
  readonly priority: number
  readonly scheduledAtMs?: number
  /** In the holdout control group. */
  readonly control?: boolean
  /**
   * A step of a sequence the customer was told the length of (onboarding): over a cap it is
   * deferred until the cap has room instead of being dropped, and a later step of the same
   * sequence waits while an earlier one is held, so "step k of N" stays true and in order.
   */
  readonly sequence?: { readonly id: string; readonly step: number }
}

export type SuppressReason =
  | 'holdout'
  | 'cap_overall'
  | 'cap_channel'
  | 'lower_priority'
  | 'quiet_hours'
  | 'not_due'

export interface BudgetDecision {
  readonly idempotencyKey: string
  /**
   * allowed: send now · suppressed: log and drop · deferred: try again at untilMs (a sequence step
   * over a cap is deferred with the cap's reason).
   */
  readonly outcome: 'allowed' | 'suppressed' | 'deferred'
  readonly reason: SuppressReason | null
  /** Deferred: the earliest time to try again (end of quiet hours, or the scheduled time). */
  readonly untilMs: number | null
  /** lower_priority: the keys of the higher-priority actions that took the budget. */
  readonly blockedBy: readonly string[]
  /** Plain-words explanation for the audit log. */
  readonly detail: string
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch {
      throw new UsageError(`unknown time zone "${timeZone}"`, { timeZone })
    }
    formatters.set(timeZone, f)
  }
  return f
}

/**
 * Local wall-clock time of an instant in an IANA time zone, in minutes since local midnight
 * (fraction for seconds and ms).
 * @example localMinuteOfDay(Date.UTC(2024, 0, 1, 12), 'Europe/Berlin') // 780 (13:00)
 * @throws UsageError for an unknown time zone.
 */
export function localMinuteOfDay(ms: number, timeZone: string): number {
  let h = 0
  let m = 0
  let s = 0
  for (const p of formatter(timeZone).formatToParts(ms)) {
    if (p.type === 'hour') h = Number(p.value)
    else if (p.type === 'minute') m = Number(p.value)
    else if (p.type === 'second') s = Number(p.value)
  }
  const msPart = ((ms % 1000) + 1000) % 1000
  return h * 60 + m + (s + msPart / 1000) / 60
}

function inQuiet(minute: number, startHour: number, endHour: number): boolean {
  const a = startHour * 60
  const b = endHour * 60
  if (a === b) return false
  return a < b ? minute >= a && minute < b : minute >= a || minute < b
}

/**
 * The first instant at or after `ms` outside quiet hours [startHour, endHour) local time, or `ms`
 * itself when it is not quiet. Correct across daylight-saving changes: the estimate from the local
 * clock is re-checked in the zone and shifted by the offset change.
 * @example // New York, quiet 21-8, at 22:00 EST on 2024-03-09: 08:00 EDT on 2024-03-10 (12:00Z)
 * @throws UsageError for an unknown time zone.
 */
export function quietHoursEnd(
  ms: number,
  timeZone: string,
  startHour: number,
  endHour: number,
): number {
  const now = localMinuteOfDay(ms, timeZone)
  if (!inQuiet(now, startHour, endHour)) return ms
  const end = endHour * 60
  let t = ms + ((((end - now) % 1440) + 1440) % 1440) * MINUTE
  for (let i = 0; i < 3; i++) {
    // An offset change between now and the estimate moves the local clock by the difference.
    const diff = localMinuteOfDay(t, timeZone) - end
    const wrapped = ((((diff + 720) % 1440) + 1440) % 1440) - 720
    if (Math.abs(wrapped) < 1e-6) break
    t -= wrapped * MINUTE
  }
  // A wall time skipped by a spring-forward gap: step to the first quiet-free minute.
  for (let i = 0; i < 180 && inQuiet(localMinuteOfDay(t, timeZone), startHour, endHour); i++) {
    t += MINUTE
  }
  return Math.max(t, ms)
}

/**
 * A decision's detail for the audit log, naming the playbooks whose actions took the slot
 * (`blockedBy`, lower_priority) by their ids: the actions' keys name the customer. The same words
 * when an event is planned and when a held action is released.
 */
export function detailNamingTakers(
  d: Pick<BudgetDecision, 'detail' | 'blockedBy'>,
  playbookOf: ReadonlyMap<string, string>,
): string {
  const by = [...new Set(d.blockedBy.map((k) => playbookOf.get(k)))]
  return by.length > 0 ? `${d.detail}: ${by.join(', ')}` : d.detail
}

/** The fullest window of a cap that holds now: how many contacts, and when it ends. */
interface WindowCount {
  readonly n: number
  readonly endMs: number
}

/**
 * The most contacts of `times` inside one window of `days` that holds now: the window ending now
 * and each ending at a planned contact (a retry queued, a deferred message) less than `days`
 * after now, since a contact sent now shares all of those with it. A window is (end − days, end].
 */
function fullestWindow(times: readonly number[], days: number, nowMs: number): WindowCount {
  const span = days * DAY
  let out: WindowCount = { n: 0, endMs: nowMs }
  for (const end of [nowMs, ...times.filter((t) => t > nowMs && t < nowMs + span)]) {
    const n = times.filter((t) => t > end - span && t <= end).length
    if (n > out.n) out = { n, endMs: end }
  }
  return out
}

interface CapVerdict {
  readonly reason: 'cap_overall' | 'cap_channel' | 'lower_priority'
  readonly blockedBy: readonly string[]
  readonly detail: string
}

function checkCaps(
  caps: readonly { readonly days: number; readonly max: number }[],
  fromLog: readonly WindowCount[],
  taken: readonly string[],
  capReason: 'cap_overall' | 'cap_channel',
  what: string,
  nowMs: number,
): CapVerdict | null {
  for (let k = 0; k < caps.length; k++) {
    const cap = caps[k]!
    const { n: logged, endMs } = fromLog[k] ?? { n: 0, endMs: nowMs }
    if (logged >= cap.max) {
      const window =
        endMs === nowMs
          ? `in the last ${cap.days} days`
          : `in the ${cap.days} days to ${new Date(endMs).toISOString()}, planned ones included`
      return {
        reason: capReason,
        blockedBy: [],
        // "1 contact", "2 sms messages"
        detail: `${logged} ${logged === 1 ? what.replace(/s$/, '') : what} ${window}; the cap is ${cap.max}`,
      }
    }
    if (logged + taken.length >= cap.max) {
      return {
        reason: 'lower_priority',
        blockedBy: [...taken],
        detail:
          cap.max === 1
            ? `the one ${what.replace(/s$/, '')} allowed per ${cap.days} days went to higher-priority actions`
            : `the last of ${cap.max} ${what} per ${cap.days} days went to higher-priority actions`,
      }
    }
  }
  return null
}

/**
 * When every cap in `caps` has room again for one more contact: the contacts (ms, made and planned)
 * plus `taken` more at now leave their windows one by one, and the first of those times at which
 * no window holding it is full (fullestWindow) is the answer for a cap.
 */
function capsRoomAt(
  caps: readonly { readonly days: number; readonly max: number }[],
  entries: readonly number[],
  taken: number,
  nowMs: number,
): number {
  const all = [...entries, ...Array.from({ length: taken }, () => nowMs)]
  let at = nowMs
  for (const cap of caps) {
    const span = cap.days * DAY
    const ends = [nowMs, ...all.map((t) => t + span).filter((t) => t > nowMs)].sort((a, b) => a - b)
    const room = ends.find((t) => fullestWindow(all, cap.days, t).n < cap.max)
    at = Math.max(at, room ?? ends[ends.length - 1]!)
  }
  return at
}

function departmentRank(d: Department): number {
  return DEPARTMENTS.indexOf(d)
}

/**
 * The budget's priority order of two actions (negative: `a` first): department, then playbook
 * priority (5 when not said). Also the order in which actions due at one moment are delivered, so
 * that a welcome goes out before the onboarding step its first order started.
 * @example byBudgetPriority({ department: 'marketing', priority: 2 }, { department: 'marketing' }) // -3
 */
export function byBudgetPriority(
  a: { readonly department: Department; readonly priority?: number },
  b: { readonly department: Department; readonly priority?: number },
): number {
  return (
    departmentRank(a.department) - departmentRank(b.department) ||
    (a.priority ?? 5) - (b.priority ?? 5)
  )
}

/** A deferred `e` comes before `c` in the priority order: a higher department or priority. */
function outranks(e: ContactLogEntry, c: BudgetCandidate): boolean {
  const d = departmentRank(e.department) - departmentRank(c.department)
  return d < 0 || (d === 0 && (e.priority ?? 5) < c.priority)
}

/** Every cap of `caps` has room at `atMs` for one more contact among `times`. */
function roomAt(
  caps: readonly { readonly days: number; readonly max: number }[],
  times: readonly number[],
  atMs: number,
): boolean {
  return caps.every((cap) => fullestWindow(times, cap.days, atMs).n < cap.max)
}

/**
 * The deferred entries of `counted` that can still go out when due. A deferred one is decided again
 * then, against what is sent or queued and the deferred ones above it; one that will find its
 * channel's cap (or the overall one) full then will not go out, so it must not hold a slot against
 * the actions it outranks now (an SMS deferred beside a higher-priority SMS held the week's last
 * overall slot from a marketing email, for nothing). Decided in the budget's priority order.
 */
function deferredThatCanGo(
  counted: readonly ContactLogEntry[],
  config: ContactBudgetConfig,
): Set<ContactLogEntry> {
  const going = new Set<ContactLogEntry>()
  const deferred = counted.filter((e) => e.deferred)
  if (deferred.length === 0) return going
  const fixed = counted.filter((e) => !e.deferred)
  deferred.sort((a, b) => byBudgetPriority(a, b) || a.atMs - b.atMs)
  for (const e of deferred) {
    const with_ = [...fixed, ...going]
    const onChannel = with_.filter((x) => e.channel !== null && x.channel === e.channel)
    const fits =
      roomAt(
        config.overall,
        with_.map((x) => x.atMs),
        e.atMs,
      ) &&
      (e.channel === null ||
        roomAt(
          config.channels[e.channel] ?? [],
          onChannel.map((x) => x.atMs),
          e.atMs,
        ))
    if (fits) going.add(e)
  }
  return going
}

/**
 * Decide which candidate actions may contact the customer now.
 *
 * Order: department (service > recognition > marketing), then priority (1 first), then scheduled
 * time, then key. For each candidate: holdout control → suppressed `holdout`; scheduled later →
 * deferred `not_due`; staff task → allowed (and counted against the overall caps only when
 * countStaffTasks); message in quiet hours on a quiet channel → deferred `quiet_hours` until they
 * end (it still reserves budget, so a marketing message cannot use the slot a deferred service
 * message needs, unless that one will find its caps full when due and never go out); over an overall or channel cap counting the log alone → suppressed `cap_overall`
 * / `cap_channel`; over it only because of higher-priority candidates in this batch → suppressed
 * `lower_priority` with their keys; a sequence step (onboarding) over a cap → deferred with that
 * reason until every cap has room, and the later steps of its sequence wait for it (deferred
 * `not_due`). Windows are rolling, (end − days × 24 h, end]: a cap is full when the window ending
 * now, or one ending at a planned contact (atMs after now: a retry, a deferred message) less than
 * `days` ahead, holds `max` contacts; a contact sent now would share each of them.
 * @returns one decision per candidate, in the input order. An unknown `timeZone` is the default's.
 * @throws UsageError for a non-finite time.
 */
export function applyContactBudget(
  candidates: readonly BudgetCandidate[],
  log: readonly ContactLogEntry[],
  nowMs: number,
  config: ContactBudgetConfig,
  timeZone?: string | null,
): BudgetDecision[] {
  if (!Number.isFinite(nowMs)) throw new UsageError('nowMs must be a finite epoch time', { nowMs })
  // a customer's zone that no clock knows ("Mars/Olympus" from an identify call) falls back to
  // the default, as the docs say: it must not fail the batch or the tick for everybody else
  const tz = timeZone && isTimeZone(timeZone) ? timeZone : config.defaultTimeZone
  const counts = (entry: { kind?: 'webhook' | 'task'; channel: Channel | null }): boolean =>
    (entry.kind ?? (entry.channel === null ? 'task' : 'webhook')) === 'webhook' ||
    config.countStaffTasks
  // Log counts per cap, so each candidate check is O(caps).
  const counted = log.filter(counts)
  const going = deferredThatCanGo(counted, config)
  // Log counts per cap for a candidate's rank (a deferred entry counts against the ranks below
  // its own), once per rank, so each candidate check is O(caps).
  const byRank = new Map<
    string,
    { mine: ContactLogEntry[]; overall: WindowCount[]; channel: Map<Channel, WindowCount[]> }
  >()
  const logFor = (c: BudgetCandidate) => {
    const rank = `${c.department}:${c.priority}`
    let out = byRank.get(rank)
    if (!out) {
      const mine = counted.filter((e) => !e.deferred || (going.has(e) && outranks(e, c)))
      const times = (list: readonly ContactLogEntry[]) => list.map((e) => e.atMs)
      out = {
        mine,
        overall: config.overall.map((cap) => fullestWindow(times(mine), cap.days, nowMs)),
        channel: new Map(),
      }
      for (const [ch, caps] of Object.entries(config.channels) as [
        Channel,
        typeof config.overall,
      ][]) {
        const on = times(mine.filter((e) => e.channel === ch))
        out.channel.set(
          ch,
          caps.map((cap) => fullestWindow(on, cap.days, nowMs)),
        )
      }
      byRank.set(rank, out)
    }
    return out
  }
  // Budget taken in this batch, by the keys that took it (all within every window: they are now).
  const takenOverall: string[] = []
  const takenChannel = new Map<Channel, string[]>()

  const order = candidates
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        departmentRank(a.c.department) - departmentRank(b.c.department) ||
        a.c.priority - b.c.priority ||
        // a sequence's steps in their order (the keys sort step-10 before step-2)
        (a.c.sequence && b.c.sequence && a.c.sequence.id === b.c.sequence.id
          ? a.c.sequence.step - b.c.sequence.step
          : 0) ||
        (a.c.scheduledAtMs ?? nowMs) - (b.c.scheduledAtMs ?? nowMs) ||
        (a.c.idempotencyKey < b.c.idempotencyKey
          ? -1
          : a.c.idempotencyKey > b.c.idempotencyKey
            ? 1
            : 0) ||
        a.i - b.i,
    )
  const out: BudgetDecision[] = new Array(candidates.length)
  const decide = (i: number, d: Omit<BudgetDecision, 'idempotencyKey'>): void => {
    out[i] = { idempotencyKey: candidates[i]!.idempotencyKey, ...d }
  }
  const none: readonly string[] = []
  // sequences with a step held back in this batch: the step and until when
  const held = new Map<string, { step: number; untilMs: number }>()
  const hold = (c: BudgetCandidate, untilMs: number): void => {
    if (c.sequence && !held.has(c.sequence.id)) {
      held.set(c.sequence.id, { step: c.sequence.step, untilMs })
    }
  }
  for (const { c, i } of order) {
    if (c.control) {
      decide(i, {
        outcome: 'suppressed',
        reason: 'holdout',
        untilMs: null,
        blockedBy: none,
        detail: 'customer is in the playbook’s control group',
      })
      continue
    }
    const before = c.sequence ? held.get(c.sequence.id) : undefined
    if (before && before.untilMs > (c.scheduledAtMs ?? nowMs)) {
      const untilMs = before.untilMs
      decide(i, {
        outcome: 'deferred',
        reason: 'not_due',
        untilMs,
        blockedBy: none,
        detail: `waits for step ${before.step} of its sequence; until ${new Date(untilMs).toISOString()}`,
      })
      continue
    }
    if (c.scheduledAtMs !== undefined && c.scheduledAtMs > nowMs) {
      hold(c, c.scheduledAtMs)
      decide(i, {
        outcome: 'deferred',
        reason: 'not_due',
        untilMs: c.scheduledAtMs,
        blockedBy: none,
        detail: `scheduled for ${new Date(c.scheduledAtMs).toISOString()}`,
      })
      continue
    }
    const isTask = c.kind === 'task'
    if (isTask && !config.countStaffTasks) {
      decide(i, {
        outcome: 'allowed',
        reason: null,
        untilMs: null,
        blockedBy: none,
        detail: 'staff tasks do not count against the message budget',
      })
      continue
    }
    // Caps: the log alone, then the log plus what higher-priority candidates took.
    const ch = isTask ? null : c.channel
    const verdict =
      checkCaps(
        config.overall,
        logFor(c).overall,
        takenOverall,
        'cap_overall',
        'contacts',
        nowMs,
      ) ??
      (ch === null
        ? null
        : checkCaps(
            config.channels[ch] ?? [],
            logFor(c).channel.get(ch) ?? [],
            takenChannel.get(ch) ?? [],
            'cap_channel',
            `${ch} messages`,
            nowMs,
          ))
    if (verdict !== null && c.sequence) {
      const { mine } = logFor(c)
      const times = (list: readonly ContactLogEntry[]) => list.map((e) => e.atMs)
      const untilMs = Math.max(
        capsRoomAt(config.overall, times(mine), takenOverall.length, nowMs),
        ch === null
          ? nowMs
          : capsRoomAt(
              config.channels[ch] ?? [],
              times(mine.filter((e) => e.channel === ch)),
              (takenChannel.get(ch) ?? []).length,
              nowMs,
            ),
      )
      hold(c, untilMs)
      decide(i, {
        outcome: 'deferred',
        reason: verdict.reason,
        untilMs,
        blockedBy: verdict.blockedBy,
        detail: `${verdict.detail}; a sequence step is not dropped: it waits until ${new Date(untilMs).toISOString()}`,
      })
      continue
    }
    if (verdict !== null) {
      decide(i, { outcome: 'suppressed', untilMs: null, ...verdict })
      continue
    }
    takenOverall.push(c.idempotencyKey)
    if (ch !== null) takenChannel.set(ch, [...(takenChannel.get(ch) ?? []), c.idempotencyKey])
    const q = config.quietHours
    const quietEnd =
      ch !== null && q?.channels.includes(ch)
        ? quietHoursEnd(nowMs, tz, q.startHour, q.endHour)
        : nowMs
    if (q !== null && quietEnd > nowMs) {
      hold(c, quietEnd)
      decide(i, {
        outcome: 'deferred',
        reason: 'quiet_hours',
        untilMs: quietEnd,
        blockedBy: none,
        detail: `quiet hours ${q.startHour}:00-${q.endHour}:00 in ${tz}; send from ${new Date(quietEnd).toISOString()}`,
      })
    } else {
      decide(i, {
        outcome: 'allowed',
        reason: null,
        untilMs: null,
        blockedBy: none,
        detail: 'within budget',
      })
    }
  }
  return out
}
