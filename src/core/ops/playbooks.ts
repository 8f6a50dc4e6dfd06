// Playbook triggers as a pure function of (event, profile before, profile after, now): the service
// stores each planned action under its idempotency key, so re-evaluating the same event, or a daily
// tick that finds the same anniversary, due date or risk episode again, can never fire twice.
import { UsageError } from '../../errors.ts'
import { DEFAULT_VALUE_CONFIG } from '../value/config.ts'
import type {
  Channel,
  Department,
  OpsConfig,
  Playbook,
  PlaybookAction,
  TriggerType,
} from './config.ts'
import { isHoldout } from './holdout.ts'

const DAY = 86_400_000

/** What the service knows about a customer before or after an event (times in epoch ms). */
export interface OpsProfile {
  readonly customerId: string
  /**
   * The life the customer is in when they came back under their id after an erasure: an opaque
   * tag their action keys carry beside the id (`@` + it: encodeURIComponent escapes every `@` of
   * an id), so no key of the first life (sent as Idempotency-Key, a task's id) is used again.
   * Absent for a first life.
   */
  readonly life?: string
  readonly orderCount: number
  readonly lifetimeSpend: number
  readonly firstOrderMs: number | null
  readonly lastOrderMs: number | null
  /**
   * The calendar days (YYYY-MM-DD) the first and last orders were placed on, in the shop's time
   * zone as imported: what anniversaries and "no order since" name (the UTC date of an evening
   * order in New York is the next day). Without them, the UTC dates of the instants.
   */
  readonly firstOrderDay?: string | null
  readonly lastOrderDay?: string | null
  /** Predicted date of the next purchase (e.g. last order + usual gap, or from the model). */
  readonly expectedNextPurchaseMs?: number | null
  /** Mean days between orders. */
  readonly usualGapDays?: number | null
  readonly pAlive?: number | null
  /** Tier index, 0 = best; null = not scored yet. */
  readonly tier?: number | null
}

/**
 * What happened. `tick` is the scheduler's periodic check (time-based triggers), `profile_change`
 * a re-score. Event ids make event-keyed triggers (referral, review) idempotent.
 */
export interface OpsEvent {
  readonly type: 'order' | 'signup' | 'referral' | 'review' | 'profile_change' | 'tick'
  readonly id?: string | null
  readonly atMs?: number | null
  /** A survey answer the event carries (a profile_change): what survey_answered looks at. */
  readonly survey?: SurveyAnswer
}

/** One survey response's scores (each optional, at least one given). */
export interface SurveyAnswer {
  readonly nps?: number
  readonly ces?: number
  readonly csat?: number
}

/** One action a playbook wants, ready to be stored under its idempotency key. */
export interface PlannedAction {
  /** Unique per playbook, customer, trigger period and action: store it with a unique index. */
  readonly idempotencyKey: string
  readonly playbookId: string
  readonly customerId: string
  readonly trigger: TriggerType
  readonly department: Department
  readonly priority: number
  readonly kind: 'webhook' | 'task'
  readonly action: PlaybookAction
  /** The message channel; null for staff tasks. */
  readonly channel: Channel | null
  /** The template to render (an onboarding step's own template overrides the action's). */
  readonly template: string | null
  /** When to send or create it: now, or later for delayed onboarding steps. */
  readonly scheduledAtMs: number
  /** Staff tasks: scheduledAtMs + dueInDays. */
  readonly dueAtMs: number | null
  /** In the playbook's holdout control group: log as suppressed (holdout), do not send. */
  readonly control: boolean
  /**
   * An onboarding step: its sequence (one per playbook, customer and action) and step number. The
   * contact budget holds such a step back rather than drop it, and later steps wait for it.
   */
  readonly sequence?: SequenceStep
  /** Values for the template: step, steps, progress ("step 2 of 5"), years, milestone ... */
  readonly variables: Readonly<Record<string, string | number>>
  readonly reason: string
}

/** The life tag a stored action key carries ({@link OpsProfile.life}), or undefined for none. */
export function lifeOfKey(key: string): string | undefined {
  return /@(L[0-9a-f]+):/.exec(key)?.[1]
}

/** A step of an onboarding sequence (see {@link sequenceOf}). */
export interface SequenceStep {
  readonly id: string
  readonly step: number
}

const STEP_KEY = /^(.*):onboarding-step-(\d+):(a\d+)$/

/**
 * The onboarding sequence and step an action key names (`playbook:customer:onboarding-step-k:aJ`,
 * sequence `playbook:customer:aJ`), or null for any other key: the service reads it back from
 * the audit log to keep a sequence's steps in order.
 * @example sequenceOf('onb:c1:onboarding-step-2:a0') // { id: 'onb:c1:a0', step: 2 }
 */
export function sequenceOf(key: string): SequenceStep | null {
  const m = STEP_KEY.exec(key)
  return m ? { id: `${m[1]}:${m[3]}`, step: Number(m[2]) } : null
}

export interface TriggerContext {
  /** Tier names, best first, for tier filters and texts; default: the default value config's. */
  readonly tierNames?: readonly string[]
  /** Keys already stored: planned actions with these keys are left out. */
  readonly firedKeys?: { has(key: string): boolean }
  /**
   * The playbooks evaluated once per call (milestones and tier moves) only, or all but them: a
   * batch of events evaluates these once per customer, from the profile before the batch to the
   * one after it, so that only the highest threshold the batch crosses fires, and a batch that
   * lifts a customer two tiers is one move (default: all playbooks).
   */
  readonly milestones?: 'only' | 'skip'
}

/** Calendar date (UTC) as YYYY-MM-DD. */
function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/**
 * The start of the most recent anniversary of `firstMs` at or before `nowMs` (UTC calendar, same
 * time of day), with the number of years; Feb 29 is celebrated on Feb 28 in common years.
 */
export function lastAnniversary(firstMs: number, nowMs: number): { years: number; atMs: number } {
  const f = new Date(firstMs)
  const at = (year: number): number => {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
    const day = f.getUTCMonth() === 1 && f.getUTCDate() === 29 && !leap ? 28 : f.getUTCDate()
    return Date.UTC(year, f.getUTCMonth(), day, 0, 0, 0, 0)
  }
  let year = new Date(nowMs).getUTCFullYear()
  if (at(year) > nowMs) year--
  return { years: year - f.getUTCFullYear(), atMs: at(year) }
}

interface Firing {
  readonly period: string
  readonly reason: string
  readonly variables: Record<string, string | number>
  /** Onboarding: per-step schedule and template. */
  readonly steps?: readonly { atMs: number; template: string | undefined }[]
}

function highestCrossed(
  thresholds: readonly number[],
  before: number,
  after: number,
): number | null {
  let best: number | null = null
  for (const t of thresholds) if (before < t && t <= after && (best === null || t > best)) best = t
  return best
}

function requireEventId(event: OpsEvent, p: Playbook): string {
  if (typeof event.id !== 'string' || event.id === '') {
    throw new UsageError(`a ${event.type} event needs an id for playbook "${p.id}"`, {
      playbook: p.id,
      event: event.type,
    })
  }
  return encodeURIComponent(event.id)
}

function fire(
  p: Playbook,
  event: OpsEvent,
  before: OpsProfile | null,
  after: OpsProfile,
  nowMs: number,
  tierNames: readonly string[],
): Firing | null {
  const t = p.trigger
  const fresh = (ms: number): boolean => nowMs - ms <= p.staleAfterDays * DAY
  const eventAt = event.atMs ?? nowMs
  const ordersBefore = before?.orderCount ?? 0
  const firstOrderNow = ordersBefore === 0 && after.orderCount >= 1
  const tierName = (i: number): string => tierNames[i] ?? `tier ${i}`
  const tierIndex = (name: string): number => {
    const i = tierNames.indexOf(name)
    if (i < 0)
      throw new UsageError(`playbook "${p.id}" names unknown tier "${name}"`, { tierNames })
    return i
  }
  switch (t.type) {
    case 'first_order': {
      const at = after.firstOrderMs ?? eventAt
      if (!firstOrderNow || !fresh(at)) return null
      return { period: 'first-order', reason: `first order on ${isoDay(at)}`, variables: {} }
    }
    case 'onboarding': {
      let start: number
      if (t.start === 'signup') {
        if (event.type !== 'signup') return null
        start = eventAt
      } else {
        if (!firstOrderNow) return null
        start = after.firstOrderMs ?? eventAt
      }
      if (!fresh(start)) return null
      return {
        period: 'onboarding',
        reason: `onboarding started by ${t.start === 'signup' ? 'sign-up' : 'first order'} on ${isoDay(start)}`,
        variables: {},
        steps: t.steps.map((s) => ({
          atMs: Math.max(nowMs, start + s.delayDays * DAY),
          template: s.template,
        })),
      }
    }
    case 'next_purchase_due': {
      if (event.type !== 'tick') return null
      const due = after.expectedNextPurchaseMs
      const last = after.lastOrderMs
      if (due === null || due === undefined || last === null || last >= due) return null
      if (nowMs < due + t.toleranceDays * DAY) return null
      const late = Math.floor((nowMs - due) / DAY)
      return {
        period: `due-${isoDay(due)}`,
        reason: `next purchase was expected on ${isoDay(due)}; no order ${late} days later`,
        variables: { expectedDate: isoDay(due), daysLate: late },
      }
    }
    case 'anniversary': {
      if (event.type !== 'tick') return null
      if (after.firstOrderMs === null) return null
      // the date the customer placed it on, counted as a UTC date (as the tick's candidates are)
      const first = after.firstOrderDay ?? isoDay(after.firstOrderMs)
      const a = lastAnniversary(Date.parse(`${first}T00:00:00Z`), nowMs)
      if (a.years < 1 || nowMs - a.atMs >= t.windowDays * DAY) return null
      return {
        period: `anniversary-${a.years}`,
        reason: `${a.years} year${a.years === 1 ? '' : 's'} since the first purchase on ${first}`,
        variables: { years: a.years, firstOrderDate: first },
      }
    }
    case 'tier_up':
    case 'tier_down': {
      const to = after.tier
      if (to === null || to === undefined) return null
      // a customer without a tier yet (a first order) stands where everybody starts, the last
      // tier: one whose first orders put them above it has moved up (a new Platinum customer is
      // the one "call every new Platinum customer" is about)
      const untiered = before?.tier === null || before?.tier === undefined
      const bottom = tierNames.length - 1
      const from = untiered ? bottom : (before?.tier as number)
      if (untiered && (t.type === 'tier_down' || bottom < 0)) return null
      if (t.type === 'tier_up' ? !(to < from) : !(to > from)) return null
      if (t.from && !t.from.map(tierIndex).includes(from)) return null
      if (t.to && !t.to.map(tierIndex).includes(to)) return null
      if (!fresh(eventAt)) return null
      return {
        period: `tier-${untiered ? 'new' : from}-${to}-${isoDay(eventAt)}`,
        reason: untiered
          ? `reached ${tierName(to)} with the first purchases`
          : `moved ${t.type === 'tier_up' ? 'up' : 'down'} from ${tierName(from)} to ${tierName(to)}`,
        variables: { fromTier: untiered ? 'none' : tierName(from), toTier: tierName(to) },
      }
    }
    case 'referral_made':
    case 'review_posted': {
      const wanted = t.type === 'referral_made' ? 'referral' : 'review'
      if (event.type !== wanted || !fresh(eventAt)) return null
      return {
        period: `${wanted}-${requireEventId(event, p)}`,
        reason: `${wanted === 'referral' ? 'referred a customer' : 'posted a review'} on ${isoDay(eventAt)}`,
        variables: {},
      }
    }
    case 'survey_answered': {
      const a = event.survey
      if (!a || !fresh(eventAt)) return null
      const heard: string[] = []
      const given =
        t.npsAtMost !== undefined ||
        t.cesAtMost !== undefined ||
        t.cesAtLeast !== undefined ||
        t.csatAtMost !== undefined
      if (a.nps !== undefined && (!given || (t.npsAtMost !== undefined && a.nps <= t.npsAtMost))) {
        heard.push(
          `NPS ${a.nps}${a.nps <= 6 ? ' (a detractor)' : a.nps >= 9 ? ' (a promoter)' : ''}`,
        )
      }
      if (
        a.ces !== undefined &&
        (!given ||
          (t.cesAtMost !== undefined && a.ces <= t.cesAtMost) ||
          (t.cesAtLeast !== undefined && a.ces >= t.cesAtLeast))
      ) {
        // 7 = the company made it easy (docs/value.md): said, since effort scales run the other way
        heard.push(
          `CES ${a.ces} of 7${a.ces <= 3 ? ' (found it hard)' : a.ces >= 5 ? ' (found it easy)' : ''}`,
        )
      }
      if (
        a.csat !== undefined &&
        (!given || (t.csatAtMost !== undefined && a.csat <= t.csatAtMost))
      ) {
        heard.push(`CSAT ${a.csat} of 5`)
      }
      if (heard.length === 0) return null
      return {
        period: `survey-${requireEventId(event, p)}`,
        reason: `answered a survey on ${isoDay(eventAt)}: ${heard.join(', ')}`,
        variables: {
          ...(a.nps !== undefined ? { nps: a.nps } : {}),
          ...(a.ces !== undefined ? { ces: a.ces } : {}),
          ...(a.csat !== undefined ? { csat: a.csat } : {}),
        },
      }
    }
    case 'best_at_risk': {
      if (event.type !== 'tick') return null
      const tier = after.tier
      if (tier === null || tier === undefined || after.lastOrderMs === null) return null
      const watched = t.tiers ? t.tiers.map(tierIndex) : [0]
      if (!watched.includes(tier)) return null
      const daysSince = (nowMs - after.lastOrderMs) / DAY
      // a tick dated before the last order (a catch-up run) sees a profile from its future:
      // nothing is at risk yet, and firing would use up the occasion of that later order
      if (daysSince < 0) return null
      const gap = after.usualGapDays
      const pAlive = after.pAlive
      const lowAlive = pAlive !== null && pAlive !== undefined && pAlive < t.pAliveBelow
      const overdue =
        gap !== null && gap !== undefined && gap > 0 && daysSince > t.gapMultiple * gap
      if (!lowAlive && !overdue) return null
      const why = lowAlive
        ? `P(alive) ${pAlive.toFixed(2)} below ${t.pAliveBelow}`
        : `no order in ${Math.floor(daysSince)} days against a usual ${Math.round(gap ?? 0)}`
      return {
        period: `at-risk-${isoDay(after.lastOrderMs)}`,
        reason: `${tierName(tier)} customer at risk: ${why}`,
        variables: {
          tier: tierName(tier),
          daysSinceLastOrder: Math.floor(daysSince),
          ...(lowAlive ? { pAlive: pAlive } : {}),
        },
      }
    }
    case 'no_order_for': {
      if (event.type !== 'tick') return null
      const last = after.lastOrderMs
      if (last === null || after.orderCount < t.minOrders) return null
      if (t.tiers) {
        const tier = after.tier
        if (tier === null || tier === undefined || !t.tiers.map(tierIndex).includes(tier)) {
          return null
        }
      }
      if (nowMs - last < t.days * DAY) return null
      const daysSince = Math.floor((nowMs - last) / DAY)
      const lastDay = after.lastOrderDay ?? isoDay(last)
      return {
        period: `no-order-since-${lastDay}`,
        reason: `no order for ${daysSince} days (since ${lastDay})`,
        variables: { daysSinceLastOrder: daysSince, lastOrderDate: lastDay },
      }
    }
    case 'milestone': {
      if (!fresh(eventAt)) return null
      const orders = highestCrossed(t.orderCounts, ordersBefore, after.orderCount)
      const spend = highestCrossed(
        t.spendThresholds,
        before?.lifetimeSpend ?? 0,
        after.lifetimeSpend,
      )
      if (orders === null && spend === null) return null
      // One message per evaluation even when both kinds are crossed: the order count wins.
      if (orders !== null) {
        return {
          period: `orders-${orders}`,
          reason: `reached ${orders} orders`,
          variables: { milestone: orders, kind: 'orders' },
        }
      }
      return {
        period: `spend-${spend}`,
        reason: `lifetime spend reached ${spend}`,
        variables: { milestone: spend as number, kind: 'spend' },
      }
    }
  }
}

/**
 * Which playbook actions fire for an event. Pure: the same inputs give the same actions and keys.
 *
 * Triggers and their idempotency period (key = playbook:customer:period:a<action index>):
 * first_order `first-order` · onboarding `onboarding-step-k` (all N steps planned at once, step k
 * at start + delayDays, told "step k of N") · next_purchase_due `due-<expected date>` ·
 * anniversary `anniversary-<years>` · tier_up / tier_down `tier-<from>-<to>-<date>` ·
 * referral_made / review_posted `<kind>-<event id>` · survey_answered `survey-<event id>` · best_at_risk `at-risk-<last order date>`
 * (once per lapse) · no_order_for `no-order-since-<last order date>` (once per lapse) · milestone `orders-<n>` / `spend-<threshold>` (the highest crossed).
 * State triggers compare `before` and `after`; time triggers use `after` and `nowMs` and fire only
 * on `tick` events (an order imported years late must not nudge about a due date back then); events older
 * than the playbook's staleAfterDays never fire (a backfill does not greet old customers).
 * @example evaluateTriggers({ type: 'order', id: 'o1', atMs: now }, null, firstOrderProfile, now, ops)
 *   // the welcome and the onboarding steps
 * @throws UsageError when a referral/review event has no id or a tier filter names an unknown tier.
 */
export function evaluateTriggers(
  event: OpsEvent,
  before: OpsProfile | null,
  after: OpsProfile,
  nowMs: number,
  config: Pick<OpsConfig, 'playbooks' | 'holdout'>,
  context: TriggerContext = {},
): PlannedAction[] {
  if (!Number.isFinite(nowMs)) throw new UsageError('nowMs must be a finite epoch time', { nowMs })
  if (before !== null && before.customerId !== after.customerId) {
    throw new UsageError('profiles before and after belong to different customers', {
      before: before.customerId,
      after: after.customerId,
    })
  }
  const tierNames = context.tierNames ?? DEFAULT_VALUE_CONFIG.tiers.levels.map((l) => l.name)
  const customer = `${encodeURIComponent(after.customerId)}${after.life ? `@${after.life}` : ''}`
  const out: PlannedAction[] = []
  for (const p of config.playbooks) {
    if (!p.enabled) continue
    // a "milestone" here: a playbook of the call's whole change (two tier_up tasks, one a stale
    // "welcome to Gold" for a customer the same batch made Platinum, fired before)
    const milestone =
      p.trigger.type === 'milestone' ||
      p.trigger.type === 'tier_up' ||
      p.trigger.type === 'tier_down'
    if (
      (context.milestones === 'skip' && milestone) ||
      (context.milestones === 'only' && !milestone)
    ) {
      continue
    }
    const f = fire(p, event, before, after, nowMs, tierNames)
    if (f === null) continue
    const control = isHoldout(after.customerId, p.id, config.holdout)
    const occurrences = f.steps
      ? f.steps.map((s, k) => ({
          period: `${f.period}-step-${k + 1}`,
          atMs: s.atMs,
          template: s.template,
          variables: {
            ...f.variables,
            step: k + 1,
            steps: f.steps!.length,
            progress: `step ${k + 1} of ${f.steps!.length}`,
          },
        }))
      : [{ period: f.period, atMs: nowMs, template: undefined, variables: f.variables }]
    for (const o of occurrences) {
      p.actions.forEach((a, j) => {
        const key = `${p.id}:${customer}:${o.period}:a${j}`
        if (context.firedKeys?.has(key)) return
        out.push({
          ...(f.steps
            ? { sequence: { id: `${p.id}:${customer}:a${j}`, step: Number(o.variables.step) } }
            : {}),
          idempotencyKey: key,
          playbookId: p.id,
          customerId: after.customerId,
          trigger: p.trigger.type,
          department: p.department,
          priority: p.priority,
          kind: a.type,
          action: a,
          channel: a.type === 'webhook' ? a.channel : null,
          template: a.type === 'webhook' ? (o.template ?? a.template) : null,
          scheduledAtMs: o.atMs,
          dueAtMs: a.type === 'task' ? o.atMs + a.dueInDays * DAY : null,
          control,
          variables: o.variables,
          reason: 'progress' in o.variables ? `${f.reason} (${o.variables.progress})` : f.reason,
        })
      })
    }
  }
  return out
}
