// Cohorts and KPIs: every count is grouped in SQL (cohort × month cells, (days, event) pairs,
// group × score) and handed to the KPI core as typed arrays.
import {
  ces as cesOf,
  customerRetentionRate,
  kaplanMeier,
  nps as npsOf,
  retentionMatrix,
  survivalAt,
  survivalCrossing,
} from '../../core/stats/kpis.ts'
import { wilsonInterval } from '../../core/stats/proportion.ts'
import type { Row } from '../../data/engine.ts'
import { INSIGHTS_BASE } from '../../data/queries/insights-base.ts'
import { insightsRetentionMatrix } from '../../data/queries/insights-retention-matrix.ts'
import { insightsRetentionRate } from '../../data/queries/insights-retention-rate.ts'
import {
  insightsSecondPurchase,
  insightsStickiness,
} from '../../data/queries/insights-second-purchase.ts'
import {
  insightsReturnRate,
  insightsSurveyScores,
  insightsTicketResolution,
} from '../../data/queries/insights-segment-kpis.ts'
import { insightsSurveyOutsiders } from '../../data/queries/insights-survey-outsiders.ts'
import { dayColumn, expandCounts, has, type InsightsContext, tableOf } from './context.ts'
import { tiersBestFirst } from './tier-order.ts'
import type { CohortsKpis, GroupKpi } from './types.ts'

export const MAX_PERIODS = 24
export const RETENTION_MONTHS = 12
/** A customer "is a customer" on a day when they bought in the year up to it. */
export const ACTIVE_WINDOW_DAYS = 365
export const STICKY_DAYS = 90
/** Customers still waiting a time-to-second-purchase quartile needs to be given. */
export const MIN_AT_RISK = 10

interface CellRow extends Row {
  cohort: string
  period: number
  customers: number
  revenue: number
  cohort_size: number
  observed: number
}

/** Retention matrices (customers, revenue) from grouped cells. */
export function retentionFromCells(cells: readonly CellRow[], periods: number) {
  const cohorts = [...new Set(cells.map((c) => c.cohort))].sort()
  const idx = new Map(cohorts.map((c, i) => [c, i]))
  const C = cohorts.length
  const cust = new Float64Array(C * periods)
  const rev = new Float64Array(C * periods)
  const sizes = new Float64Array(C)
  const observed = new Int32Array(C)
  for (const c of cells) {
    const i = idx.get(c.cohort)!
    cust[i * periods + c.period] = c.customers
    rev[i * periods + c.period] = c.revenue
    sizes[i] = c.cohort_size
    observed[i] = Math.min(periods, c.observed)
  }
  const rc = retentionMatrix(cust, C, periods, { base: sizes, observedPeriods: observed })
  // revenue relative to the cohort's first month; cohorts with no first-month revenue are left out
  const revBase = new Float64Array(C)
  const revObserved = new Int32Array(C)
  for (let i = 0; i < C; i++) {
    revBase[i] = rev[i * periods]! > 0 ? rev[i * periods]! : 1
    revObserved[i] = rev[i * periods]! > 0 ? observed[i]! : 0
  }
  const rr = retentionMatrix(rev, C, periods, { base: revBase, observedPeriods: revObserved })
  const cell = (m: typeof rc, i: number) => (m.observed[i] ? m.rates[i]! : null)
  // a month no cohort has reached is unobserved, not zero retention (the matrix's average is 0)
  const average = (m: typeof rc) =>
    Array.from(m.average, (v, k) =>
      cohorts.some((_, i) => m.observed[i * periods + k]) ? v : null,
    )
  return {
    cohorts,
    periods,
    sizes: Array.from(sizes),
    customers: Array.from({ length: C * periods }, (_, i) => cell(rc, i)),
    revenue: Array.from({ length: C * periods }, (_, i) => cell(rr, i)),
    averageCustomers: average(rc),
    averageRevenue: average(rr),
    // their revenue cells are null though observed: no share of a first month of 0 exists
    noRevenueBase: cohorts.filter((_, i) => !(rev[i * periods]! > 0) && observed[i]! > 0),
  }
}

function groupKpis(
  rows: readonly Row[],
  tierOrder: readonly string[],
  measure: (r: readonly Row[]) => {
    n: number
    value: number
    lower: number | null
    upper: number | null
  },
): GroupKpi[] {
  const keys = [...new Set(rows.map((r) => `${r.kind}\u0000${r.grp}`))]
  const ordered = tiersBestFirst(
    keys,
    (k) => k.split('\u0000')[0] ?? '',
    (k) => k.split('\u0000')[1] ?? '',
    tierOrder,
  )
  return ordered.map((k) => {
    const [kind, group] = k.split('\u0000') as ['segment' | 'tier', string]
    const m = measure(rows.filter((r) => r.kind === kind && r.grp === group))
    return { kind, group, ...m }
  })
}

/**
 * Retention matrix by acquisition month (customers and revenue, Fader & Hardie's cohort view),
 * repeat purchase rate (Wilson), customer retention rate (E − N)/S per month (Farris et al.
 * §5.3) with "customer" = bought in the last 365 days and N = the customers at the end who were
 * not at the start (new, or lapsed and back: never above 100 %), Kaplan-Meier time to second purchase,
 * stickiness (second purchase within 90 days among customers observed 90+ days) by acquisition
 * channel and campaign, and NPS / CES / ticket resolution / return rate by segment and tier when
 * those tables exist (a note otherwise).
 */
export async function cohortsKpis(
  ctx: InsightsContext,
  tierOrder: readonly string[],
): Promise<CohortsKpis> {
  const { engine, opts } = ctx
  const d = engine.dialect
  const cells = await engine.query<CellRow>(
    insightsRetentionMatrix(d, { asOf: opts.asOf, maxPeriods: MAX_PERIODS }),
  )
  const retention = retentionFromCells(cells, MAX_PERIODS)

  const [rep] = await engine.query<{ n: number; r: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE purchase_days >= 2) AS r FROM ${INSIGHTS_BASE}`,
  )
  const n = rep?.n ?? 0
  const repeaters = rep?.r ?? 0
  const ri = n > 0 ? wilsonInterval(repeaters, n) : { estimate: 0, lower: 0, upper: 0 }
  const repeatRate = { ...ri, customers: n, repeaters }

  const rr = await engine.query<{
    month: string
    start_customers: number
    end_customers: number
    new_customers: number
    reactivated: number
    begun: boolean
  }>(
    insightsRetentionRate(d, {
      asOf: opts.asOf,
      months: RETENTION_MONTHS,
      window: ACTIVE_WINDOW_DAYS,
    }),
  )
  // months before the first customer have nobody to keep: rows of zeros and dashes, not months.
  // Months after it stay, with nobody active too: a year without a purchase is a rate of null
  // in each month, not an empty list (which read as "no customers yet")
  const first = rr.findIndex((r) => r.begun === true)
  const retentionRate = (first < 0 ? [] : rr.slice(first)).map((r) => ({
    month: r.month,
    start: r.start_customers,
    end: r.end_customers,
    acquired: r.new_customers,
    reactivated: r.reactivated,
    rate:
      r.start_customers > 0
        ? customerRetentionRate(r.start_customers, r.end_customers, r.new_customers + r.reactivated)
        : null,
  }))

  const sp = await engine.query(insightsSecondPurchase(d))
  const { values: times } = expandCounts(sp, 'days', 'n')
  const events = new Uint8Array(times.length)
  let o = 0
  let nEvents = 0
  for (const r of sp) {
    const k = Number(r.n)
    if (Number(r.event) === 1) {
      events.fill(1, o, o + k)
      nEvents += k
    }
    o += k
  }
  const km = times.length > 0 ? kaplanMeier(times, events) : null
  let longest = 0
  for (let i = 0; i < times.length; i++) longest = Math.max(longest, times[i] as number)
  // a quartile the curve reaches only when fewer than MIN_AT_RISK are still waiting is the time
  // of those few customers' returns ("75 % by day 882" was one customer's): the count goes with
  // it, and the report says so (hidden, it contradicted the shares within 90 ... days beside it)
  const quartiles = [0.25, 0.5, 0.75].map((q) => {
    const c = km ? survivalCrossing(km, q) : null
    return { days: c ? c.time : null, atRisk: c ? c.atRisk : null }
  })
  const secondPurchase = {
    customers: times.length,
    events: nEvents,
    medianDays: quartiles[1]?.days ?? null,
    quartileDays: quartiles.map((x) => x.days),
    quartileAtRisk: quartiles.map((x) => x.atRisk),
    minAtRisk: MIN_AT_RISK,
    // past the longest follow-up the curve is only carried forward, not seen: no share there,
    // unless everyone had come back by then (nobody is left to come back, so the share is 1 at
    // any later horizon; a lone customer back at day 60 read "not observed yet" at 90 days). A
    // curve that ends at 0 is not that: a customer censored before the last return (followed
    // 7 days, not back) has not come back, and "365 days: 100 %" said they had
    within: [30, 90, 180, 365].map((h) => ({
      days: h,
      share: !km ? 0 : h > longest && nEvents < times.length ? null : 1 - survivalAt(km, h),
    })),
  }

  const st = await engine.query<{
    attribute: string
    level: string
    known: number
    customers: number
    sticky: number
  }>(insightsStickiness(d, { days: STICKY_DAYS }))
  // an attribute no customer has (no channel in the data) is not compared: its one "(none)" row
  // repeated the overall rate beside a note saying there was no such data (as the over-index)
  const present = new Set(st.filter((s) => Number(s.known) > 0).map((s) => s.attribute))
  const stickiness = st
    .filter((s) => present.has(s.attribute))
    .map(({ known: _, ...s }) => {
      const ci = wilsonInterval(s.sticky, s.customers)
      return { ...s, rate: ci.estimate, lower: ci.lower, upper: ci.upper }
    })
  const stickinessMissing = [...new Set(st.map((s) => s.attribute))].filter((a) => !present.has(a))

  const surveys = tableOf(ctx, 'surveys')
  const surveyDate = dayColumn(ctx, 'surveys', 'responded')
  // a score column with no answer up to the as-of date (CSAT-only surveys, say) is skipped with a
  // note, as a missing table is, rather than shown as an empty table
  const scores = async (
    column: 'nps' | 'ces',
    measure: (values: Float64Array) => { n: number; value: number; lower: number; upper: number },
  ): Promise<GroupKpi[] | null> => {
    if (!has(ctx, 'surveys', 'customer_id', column)) return null
    const args = { table: surveys, column, dated: surveyDate, asOf: opts.asOf }
    const rows = await engine.query(insightsSurveyScores(d, args))
    const [o] = await engine.query<{ answers: number; outside: number }>(
      insightsSurveyOutsiders(d, args),
    )
    const note = surveyNote(column.toUpperCase(), opts.asOf, o?.answers ?? 0, o?.outside ?? 0)
    if (note) ctx.notes.push(note)
    if (rows.length === 0) return null
    return groupKpis(rows, tierOrder, (g) => {
      const r = measure(expandCounts(g, 'score', 'n').values)
      // one CES answer, or answers all alike (three CES answers of 7), show no spread: the t
      // interval would be the point itself ("7 7-7"), certainty no sample of a few gives. The NPS
      // interval, adjusted, has a spread for those too, one answer included.
      const none = column === 'ces' && (r.n < 2 || r.lower === r.upper)
      return none ? { ...r, lower: null, upper: null } : r
    })
  }
  const nps = await scores('nps', (v) => {
    const r = npsOf(v.filter((x) => x >= 0 && x <= 10))
    return { n: r.n, value: r.nps, lower: r.lower, upper: r.upper }
  })
  const ces = await scores('ces', (v) => {
    const r = cesOf(v.filter((x) => x >= 1 && x <= 7))
    return { n: r.n, value: r.mean, lower: r.lower, upper: r.upper }
  })
  if (!has(ctx, 'surveys', 'customer_id', 'nps') && !has(ctx, 'surveys', 'customer_id', 'ces')) {
    ctx.notes.push(
      'No surveys table with answers in it: NPS and CES by segment are skipped (import surveys, or send "Survey Responded" events to loyals serve).',
    )
  }
  const rate = (k: number, m: number) => {
    const ci = wilsonInterval(k, m)
    return { n: m, value: ci.estimate, lower: ci.lower, upper: ci.upper }
  }
  let ticketResolution: GroupKpi[] | null = null
  if (has(ctx, 'tickets', 'customer_id', 'resolved_at')) {
    const opened = dayColumn(ctx, 'tickets', 'opened')
    const rows = await engine.query(insightsTicketResolution(d, { opened, asOf: opts.asOf }))
    if (rows.some((r) => Number(r.tickets ?? 0) > 0)) {
      ticketResolution = groupKpis(rows, tierOrder, (g) =>
        rate(Number(g[0]?.resolved ?? 0), Number(g[0]?.tickets ?? 0)),
      )
    } else {
      // as the surveys without an answer by then: said, not shown as an empty table
      ctx.notes.push(
        `The tickets hold none opened on or before ${opts.asOf}: ticket resolution is skipped.`,
      )
    }
  } else {
    ctx.notes.push('No tickets table: ticket resolution rate is skipped (import tickets).')
  }
  let returnRate: GroupKpi[] | null = null
  if (has(ctx, 'returns', 'order_id')) {
    const rows = await engine.query(insightsReturnRate(d, { asOf: opts.asOf }))
    returnRate = groupKpis(rows, tierOrder, (g) =>
      rate(Number(g[0]?.returned ?? 0), Number(g[0]?.orders ?? 0)),
    )
  }
  return {
    retention,
    repeatRate,
    retentionRate,
    secondPurchase,
    stickiness,
    stickinessMissing,
    nps,
    ces,
    ticketResolution,
    returnRate,
  }
}

/**
 * What NPS or CES by segment could not count, said in a note: no answer by the as-of date, or
 * answers from people outside the analysis (no purchase by then), which no segment holds; null
 * when every answer is counted.
 */
export function surveyNote(
  measure: string,
  asOf: string,
  answers: number,
  outside: number,
): string | null {
  if (answers === 0) {
    return `The surveys hold no ${measure} answer on or before ${asOf}: ${measure} by segment is skipped.`
  }
  if (outside === 0) return null
  const who =
    'from people without a purchase kept by then (none, or all refunded), so no segment holds them'
  if (outside === answers) {
    return answers === 1
      ? `The surveys' one ${measure} answer on or before ${asOf} is ${who.replace('them', 'it')}: ${measure} of all customers and by segment is skipped.`
      : `The surveys' ${answers} ${measure} answers on or before ${asOf} are all ${who}: ${measure} of all customers and by segment is skipped.`
  }
  return `${outside} of the ${answers} ${measure} answers on or before ${asOf} ${outside === 1 ? 'is' : 'are'} ${who}: ${measure} of all customers and by segment leaves ${outside === 1 ? 'it' : 'them'} out.`
}
