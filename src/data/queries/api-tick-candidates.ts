// Customers for whom one time-based playbook trigger may fire at this tick, found in SQL over the
// profile's dates (never a scan of every profile in JS). Each branch mirrors the trigger's rule in
// core/ops/playbooks.ts closely enough that few candidates are turned down there, and leaves out
// customers whose current occasion already has an action of this playbook in the audit log.
import type { Dialect, Query } from '../engine.ts'
import { byteOrder, isoDate } from './dialect-sql.ts'

/** A time trigger in SQL terms (tier names already turned into indexes). */
export type TickTrigger =
  | { readonly type: 'next_purchase_due'; readonly toleranceDays: number }
  | {
      readonly type: 'anniversary'
      readonly windowDays: number
      /** month × 100 + day of the first purchase dates whose anniversary falls in the window. */
      readonly monthDays: readonly number[]
    }
  | {
      readonly type: 'best_at_risk'
      readonly tiers: readonly number[]
      readonly pAliveBelow: number
      readonly gapMultiple: number
    }
  | {
      readonly type: 'no_order_for'
      readonly days: number
      readonly tiers: readonly number[] | null
      readonly minOrders: number
    }

export interface TickCandidatesArgs {
  readonly playbookId: string
  readonly trigger: TickTrigger
  /** Evaluation time and the oldest occasion still worth firing, in epoch seconds. */
  readonly nowSec: number
  readonly sinceSec: number
  /** Keyset paging: customer ids after this one. */
  readonly afterId: string | null
  readonly limit: number
}

const DAY_SEC = 86_400
const epoch = (col: string): string => `CAST(EXTRACT(EPOCH FROM ${col}) AS DOUBLE PRECISION)`
// The day number of a purchase day: the day it was placed on, else (profiles stored before the
// days were kept) the UTC day of its instant, as service/ops/profile.ts firstDay/lastDay.
const dayNo = (day: string, at: string): string =>
  `COALESCE(CAST(${day} - DATE '1970-01-01' AS DOUBLE PRECISION), FLOOR(${epoch(at)} / ${DAY_SEC}))`
const FIRST_DAY = dayNo('p.first_order_day', 'p.first_order_at')
const LAST_DAY = dayNo('p.last_order_day', 'p.last_order_at')
// Mean days between purchase days, in seconds, as usualGapDays (service/ops/profile.ts) counts
// them; the next purchase is due that long after the last purchase day's 00:00 UTC.
const GAP = `((${LAST_DAY} - ${FIRST_DAY}) * ${DAY_SEC} / (p.purchase_days - 1))`
const DUE = `(${LAST_DAY} * ${DAY_SEC} + ${GAP})`
const HAS_GAP = `p.purchase_days >= 2 AND p.first_order_at IS NOT NULL AND p.last_order_at IS NOT NULL
  AND ${LAST_DAY} > ${FIRST_DAY}`

function ints(xs: readonly number[]): string {
  const v = xs.filter((x) => Number.isInteger(x))
  return v.length > 0 ? v.join(', ') : 'NULL'
}

/**
 * One page of candidates' profile rows, by customer id ascending.
 *
 * - next_purchase_due: last purchase day + usual gap + tolerance in (since, now].
 * - anniversary: the first purchase's month and day among `monthDays` and over 300 days ago
 *   (the core checks the year count and the window exactly).
 * - best_at_risk: a watched tier and P(alive) below the threshold, or no order for more than
 *   gapMultiple usual gaps; the last order at or before now.
 * - no_order_for: last order + days in (since, now], at least minOrders orders, tier filter.
 *
 * Occasions keyed by a date (due, at risk, no order) are done when the playbook has an action
 * for the customer whose key names that occasion (`...:no-order-since-2025-05-01:a0`), whenever
 * it was created: an order reported after a nudge but placed before it ends the occasion the
 * nudge was about, not the next one. So is an anniversary, by its years (`anniversary-2`).
 */
export function tickCandidates(dialect: Dialect, a: TickCandidatesArgs): Query {
  // only the parameters a branch uses: PostgreSQL cannot type an unused one
  const params: unknown[] = [a.playbookId, a.nowSec]
  const now = 'CAST($2 AS DOUBLE PRECISION)'
  const since = (): string => {
    params.push(a.sinceSec)
    return `CAST($${params.length} AS DOUBLE PRECISION)`
  }
  // the period of the occasion's key (core/ops/playbooks.ts), e.g. 'due-' and the UTC day of an
  // epoch-seconds moment; a rounding apart from the core's at midnight only proposes a customer
  // whose key the core then finds fired
  const period = (prefix: string, sec: string): string =>
    `'${prefix}-' || ${isoDate(dialect, `DATE '1970-01-01' + CAST(FLOOR((${sec}) / ${DAY_SEC}) AS INTEGER)`)}`
  // keys are playbook:customer:period:aJ, the customer's id URI-encoded (no colon), the period
  // without '%' or '_'
  const done = (occasion: string): string =>
    `NOT EXISTS (SELECT 1 FROM actions_log a WHERE a.playbook_id = $1
  AND a.customer_id = p.customer_id AND a.action_key LIKE ('%:' || ${occasion} || ':a%'))`
  const t = a.trigger
  let where: string
  switch (t.type) {
    case 'next_purchase_due': {
      const moment = `(${DUE} + ${t.toleranceDays * DAY_SEC})`
      where = `${HAS_GAP} AND ${moment} <= ${now} AND ${moment} > ${since()}
  AND ${done(period('due', DUE))}`
      break
    }
    case 'anniversary': {
      // the years of the latest anniversary at or before now, as the core counts them
      // (lastAnniversary: the placed-on date as a UTC date, Feb 29 kept on Feb 28 in common years): its key
      // `anniversary-<years>` is the occasion. (An action within the window had stood for it:
      // a tick with a later now found customers whose actions were made at the clock's time.)
      const d = new Date(a.nowSec * 1000)
      const y = d.getUTCFullYear()
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
      // the date the first order was placed on (profiles stored before days were kept: the UTC
      // date of its instant), as the core reads it
      const first = 'COALESCE(p.first_order_day, CAST(p.first_order_at AS DATE))'
      const month = `EXTRACT(MONTH FROM ${first})`
      const day = `EXTRACT(DAY FROM ${first})`
      const celebrated = leap
        ? day
        : `CASE WHEN ${month} = 2 AND ${day} = 29 THEN 28 ELSE ${day} END`
      const today = (d.getUTCMonth() + 1) * 100 + d.getUTCDate()
      const years = `CAST(${y} - EXTRACT(YEAR FROM ${first})
    - CASE WHEN ${month} * 100 + ${celebrated} > ${today} THEN 1 ELSE 0 END AS INTEGER)`
      where = `p.first_order_at IS NOT NULL
  AND ${month} * 100 + ${day} IN (${ints(t.monthDays)})
  AND ${epoch('p.first_order_at')} < ${now} - ${300 * DAY_SEC}
  AND ${done(`'anniversary-' || CAST(${years} AS VARCHAR)`)}`
      break
    }
    case 'best_at_risk': {
      // (a tick dated before the last order sees the profile of its future: not at risk then)
      where = `p.tier IN (${ints(t.tiers)}) AND p.last_order_at IS NOT NULL
  AND ${epoch('p.last_order_at')} <= ${now}
  AND (p.p_alive < ${Number(t.pAliveBelow)}
    OR (${HAS_GAP} AND ${now} - ${epoch('p.last_order_at')} > ${Number(t.gapMultiple)} * ${GAP}))
  AND ${done(period('at-risk', epoch('p.last_order_at')))}`
      break
    }
    case 'no_order_for': {
      const moment = `(${epoch('p.last_order_at')} + ${t.days * DAY_SEC})`
      where = `p.last_order_at IS NOT NULL AND p.orders_count >= ${Math.floor(t.minOrders)}
  ${t.tiers ? `AND p.tier IN (${ints(t.tiers)})` : ''}
  AND ${moment} <= ${now} AND ${moment} > ${since()}
  AND ${done(`'no-order-since-' || ${isoDate(dialect, 'COALESCE(p.last_order_day, CAST(p.last_order_at AS DATE))')}`)}`
      break
    }
  }
  if (a.afterId !== null) {
    params.push(a.afterId)
    where += ` AND ${byteOrder(dialect, 'p.customer_id')} > $${params.length}`
  }
  return {
    sql: `SELECT p.* FROM customer_profile p WHERE ${where}
ORDER BY ${byteOrder(dialect, 'p.customer_id')} LIMIT ${Math.max(1, Math.floor(a.limit))}`,
    params,
  }
}
