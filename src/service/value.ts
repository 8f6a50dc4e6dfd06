// The value step of `analyze`: per-customer aggregates come from the engine as typed columns, the
// pure core (src/core/value) turns them into profit, referral value, engagement, loyalty types,
// tiers and reasons, and the results go back to the engine (appenders) to be joined onto the
// analysis table. Only the summary's few hundred figures become JS objects.

import { apportion, minorDigits, roundDecimalHalfAway, roundHalfAway } from '../core/round.ts'
import {
  type CostRates,
  ENGAGEMENT_EVENT_TYPES,
  type EngagementEventType,
  type ValueConfig,
} from '../core/value/config.ts'
import { rankShares } from '../core/value/engagement.ts'
import {
  classifyLoyaltyBatch,
  LOYALTY_RULES,
  LOYALTY_TYPES,
  type LoyaltyRule,
} from '../core/value/loyalty-type.ts'
import {
  computeProfit,
  lossCustomers,
  type ProfitResult,
  profitConcentration,
  type ShownValues,
  shownProfit,
  shownValues,
} from '../core/value/profit.ts'
import {
  buildReasons,
  type Reason,
  type ReasonFacts,
  reasonRuleOptions,
} from '../core/value/reasons.ts'
import {
  computeReferralValue,
  type ReferralResult,
  type ReferralTree,
  type ReferralTreeNode,
  referralTrees,
} from '../core/value/referrals.ts'
import { assignTiers, type TierAssignment, tierTopPercents } from '../core/value/tiers.ts'
import { type Engine, WHOLE_ON_CRASH } from '../data/engine.ts'
import { readNumericColumns, writeNumericTable } from '../data/numeric-columns.ts'
import { sqlDate, sqlIdent } from '../data/queries/customer-summary.ts'
import { insightsColumns } from '../data/queries/insights-columns.ts'
import {
  type BEFORE_REFERRAL_COLUMNS,
  valueBeforeReferral,
} from '../data/queries/value-before-referral.ts'
import { valueDiscounts } from '../data/queries/value-discounts.ts'
import {
  VALUE_FACT_COLUMNS,
  VALUE_PREDICTION_COLUMNS,
  valueEventCounts,
  valueFacts,
} from '../data/queries/value-facts.ts'
import { valueIds } from '../data/queries/value-ids.ts'
import { valueInputCounts } from '../data/queries/value-input-counts.ts'
import { packCodes, REASON_SEPARATOR, valueJoin } from '../data/queries/value-join.ts'
import { valueNodes } from '../data/queries/value-nodes.ts'
import { valueReferralEdges } from '../data/queries/value-referral-edges.ts'
import { valueSegments } from '../data/queries/value-segments.ts'
import { clearTierState } from '../data/queries/value-tier-state-clear.ts'
import { laterTierStates } from '../data/queries/value-tier-state-later.ts'
import { readTierState } from '../data/queries/value-tier-state-read.ts'
import { writeFirstTierState, writeTierState } from '../data/queries/value-tier-state-write.ts'
import { valueUnvalued } from '../data/queries/value-unvalued.ts'
import { analysisView } from '../data/queries/value-view.ts'
import { writeResultTable } from '../data/result-table.ts'
import { UsageError } from '../errors.ts'
import { formatCount } from '../report/format.ts'
import { analysisState } from './analysis-state.ts'
import { requireEmbedded } from './embedded-only.ts'
import type {
  LossCustomer,
  ReferralTreeNodeSummary,
  TopReferrer,
  ValueSummary,
} from './value-summary.ts'

export interface ValueOptions {
  readonly config: ValueConfig
  /** Calibration end (YYYY-MM-DD): the as-of date of the analysis. */
  readonly asOf: string
  /** Days per unit of the summary's t_x (7 for weeks). */
  readonly unitDays: number
  /**
   * The predictions' table (customer_id, p_alive, expected_purchases, predicted_revenue: the
   * discounted revenue, which the value step prices at its own margins); null when the analysis
   * has no predictions.
   */
  readonly predictions: string | null
  /** Currency of the orders when they name exactly one; used unless `currencyExplicit`. */
  readonly dataCurrency?: string | null
  /** The configuration file named a currency: it wins over the data's. */
  readonly currencyExplicit?: boolean
  /** The configuration's file, named by the currency error. */
  readonly configSource?: string
  /** Store this run's tiers in `tier_state` for the next run's grace period (default true). */
  readonly persistTiers?: boolean
  /**
   * Start the grace periods afresh: the stored states are not read, and (when this run stores its
   * tiers) replaced by this run's, as a first run writes them (`analyze --reset-tiers`).
   */
  readonly resetTiers?: boolean
  /** Referrers listed with their trees in the summary (default 10). */
  readonly topReferrers?: number
  /** Nodes per tree in the summary (default 50). */
  readonly treeNodes?: number
  /** Customers served at a loss listed in the summary (default 20). */
  readonly lossList?: number
  /** Whether any order has a discount, when the caller already counted (else counted here). */
  readonly discounts?: boolean
  /** Whether any order is free (amount 0), when the caller already counted (else counted here). */
  readonly freeOrders?: boolean
  /**
   * Whether any order row is a refund, when the caller already counted (else looked for here):
   * without one every customer with an order has a purchase day, and no one is left unvalued.
   */
  readonly refunds?: boolean
}

/** The value step's results: the summary block plus per-customer lookups for `loyals customer`. */
export interface ValueRun {
  readonly summary: ValueSummary
  /** Reasons of one customer (analysis customers only), top `limit` by money impact. */
  reasonsOf(customerId: string, limit?: number): Promise<Reason[] | null>
  /** The referral tree below one customer (null when they referred nobody). */
  treeOf(customerId: string, maxNodes?: number): Promise<TopReferrer | null>
  /** Who referred this customer (the referral that counted), if anyone. */
  referrerOf(customerId: string): Promise<string | null>
  /**
   * What one customer with no purchase day left cost to serve (ValueSummary.unvalued), or null
   * when they are not among those customers or cost nothing.
   */
  unvaluedOf(customerId: string): UnvaluedCustomer | null
}

/** A customer with no purchase day left, with their tickets and returns priced. */
export type UnvaluedCustomer = NonNullable<ValueSummary['unvalued']>['worst'][number]

/** "2 support tickets and 1 return": the work an unvalued customer (or all of them) caused. */
export function unvaluedWork(u: { readonly tickets: number; readonly returns: number }): string {
  return [
    u.tickets > 0 ? formatCount(u.tickets, 'support ticket') : '',
    u.returns > 0 ? formatCount(u.returns, 'return') : '',
  ]
    .filter(Boolean)
    .join(' and ')
}

type Facts = Record<
  (typeof VALUE_FACT_COLUMNS)[number] | (typeof VALUE_PREDICTION_COLUMNS)[number],
  Float64Array
>

/** Engagement score and percentile per customer (the score aggregated in SQL). */
interface Engagement {
  readonly score: Float64Array
  readonly percentile: Float64Array
  /** Percent of customers scoring at or above each one (NaN for no engagement). */
  readonly topShare: Float64Array
  /** Percent of customers with any engagement (a score above 0). */
  readonly engagedShare: number
}

const DAY_MS = 86_400_000
const dayNumber = (d: string): number => Date.parse(`${d}T00:00:00Z`) / DAY_MS
const num = (v: number): number => (Number.isFinite(v) ? v : 0)

async function ids(engine: Engine, idx: readonly number[]): Promise<Map<number, string>> {
  if (idx.length === 0) return new Map()
  const rows = await engine.query<{ idx: number; customer_id: string }>(
    valueIds(engine.dialect, { idx }),
  )
  return new Map(rows.map((r) => [Number(r.idx), r.customer_id]))
}

async function idxOf(engine: Engine, customerId: string): Promise<number | null> {
  const [row] = await engine.query<{ idx: number }>({
    sql: 'SELECT idx FROM value_nodes WHERE customer_id = $1',
    params: [customerId],
  })
  return row ? Number(row.idx) : null
}

/**
 * A referral tree with its customers' ids, its money to `digits` places (the currency's minor
 * unit) as the value columns are.
 */
function treeIds(t: ReferralTree, names: Map<number, string>, digits: number): TopReferrer {
  // own values are minor units and the contributions their products with the decay's powers:
  // 26.30 × 0.25 is 6.575, a half cent up, where the double 6.57499... read 6.57
  const cent = (x: number) => roundDecimalHalfAway(x, digits)
  // a whole tree's contributions add up to its referral value as shown (two half cents each
  // rounded up read one cent over it); a cut tree's cannot, and are only rounded
  const all = treeNodes(t)
  const parts = all.map((n) => n.contribution)
  const shown =
    t.omitted === 0
      ? apportion(parts, t.referralValue, digits, roundDecimalHalfAway)
      : parts.map(cent)
  const contribution = new Map(all.map((n, i) => [n, shown[i] as number]))
  const node = (n: ReferralTreeNode): ReferralTreeNodeSummary => ({
    customerId: names.get(n.customer) ?? String(n.customer),
    level: n.level,
    ownValue: cent(n.ownValue),
    contribution: contribution.get(n) ?? cent(n.contribution),
    children: n.children.map(node),
  })
  return {
    customerId: names.get(t.customer) ?? String(t.customer),
    referralValue: cent(t.referralValue),
    direct: t.directCount,
    descendants: t.descendants,
    children: t.children.map(node),
    omitted: t.omitted,
  }
}

/** Every node of a referral tree below its root (depth first, without recursion). */
function treeNodes(t: ReferralTree): ReferralTreeNode[] {
  const out: ReferralTreeNode[] = []
  const stack = [...t.children]
  while (stack.length > 0) {
    const n = stack.pop() as ReferralTreeNode
    out.push(n)
    stack.push(...n.children)
  }
  return out
}

/** The customers of a referral tree, its root first. */
function treeMembers(t: ReferralTree): number[] {
  return [t.customer, ...treeNodes(t).map((n) => n.customer)]
}

/**
 * Value every analysed customer and add the value columns to `analysis` (see docs/value.md):
 * cost to serve and past/predicted profit (`computeProfit`), referral value with decay
 * (`computeReferralValue`), engagement percentile (the `engagementScores` formula, aggregated in
 * SQL, ranked by `rankShares`), total value, loyalty type
 * (`classifyLoyaltyBatch`), tier with grace (`assignTiers`, state kept in `tier_state`) and the top
 * three reasons (`buildReasons`).
 *
 * Without predictions predicted profit is 0 (total value = past profit + referral value) and the
 * lapsed rule uses the overdue test instead of P(alive). Inputs that were never imported are
 * unknown, not zero: without engagement events nobody is "disengaged".
 * @example const run = await buildValue(engine, 'customer_analysis', { config, asOf, unitDays: 7,
 *   predictions: null }); run.summary.breakdown.totalValue
 * @throws DataError from the core on inconsistent inputs; UsageError when the configuration names
 *   another currency than the orders'; QueryError when a query fails.
 */
export async function buildValue(
  engine: Engine,
  analysis: string,
  opts: ValueOptions,
): Promise<ValueRun> {
  requireEmbedded(engine, 'buildValue')
  if (typeof analysis !== 'string' || typeof opts !== 'object' || opts === null) {
    throw new UsageError(
      'buildValue(engine, analysis, opts) needs the analysis table name and the value options',
    )
  }
  const cfg = opts.config
  if (
    typeof cfg !== 'object' ||
    cfg === null ||
    !Array.isArray(cfg.tiers?.levels) ||
    typeof cfg.costs !== 'object' ||
    typeof cfg.currency !== 'object' ||
    typeof cfg.engagement !== 'object'
  ) {
    throw new UsageError(
      'buildValue: opts.config must be a whole value configuration: parseValueConfig(json) of a loyals.value.json, or DEFAULT_VALUE_CONFIG',
    )
  }
  if (
    typeof opts.unitDays !== 'number' ||
    !(opts.unitDays > 0) ||
    !Number.isFinite(opts.unitDays)
  ) {
    throw new UsageError(
      `buildValue: opts.unitDays must be the days per unit of the summary's t_x and T (1, 7 or 30.4375 for day, week or month), not ${String(opts.unitDays)}`,
    )
  }
  if (opts.predictions !== null && typeof opts.predictions !== 'string') {
    throw new UsageError(
      `buildValue: opts.predictions must be the predictions table (customer_predictions, as computeAnalysis makes it) or null for none (got ${String(opts.predictions)})`,
    )
  }
  // a YYYY-MM-DD day on the calendar (it is put into SQL)
  sqlDate(opts.asOf)
  // the analysis this process made of that table: its date and unit are the value's, or revenue
  // of one date would be mixed with costs of another and recency read in the wrong unit
  const made = analysisState(engine)
  if (made?.table === analysis && made.asOf !== opts.asOf) {
    throw new UsageError(
      `buildValue: the table ${analysis} is as of ${made.asOf} (the last computeAnalysis on this engine), not ${opts.asOf}: pass asOf ${made.asOf}, or run computeAnalysis with asOf ${opts.asOf} first`,
    )
  }
  if (made?.table === analysis && made.unitDays !== opts.unitDays) {
    throw new UsageError(
      `buildValue: the table ${analysis} counts t_x and T in units of ${made.unitDays} days (its computeAnalysis unit), not ${opts.unitDays}: pass unitDays ${made.unitDays}`,
    )
  }
  // a second run on the same analysis table: the first left its value view under the table's name
  await restoreAnalysisTable(engine, analysis)
  await checkAnalysisTable(engine, analysis)
  if (opts.predictions !== null) await checkPredictionsTable(engine, opts.predictions)
  const d = engine.dialect
  // amounts are not converted: a configuration in dollars over orders in euros would put a dollar
  // sign on euros beside the report's revenue in euros (the API refuses such orders, 422)
  if (opts.currencyExplicit && opts.dataCurrency && cfg.currency.code !== opts.dataCurrency) {
    throw new UsageError(
      `${opts.configSource ? `${opts.configSource}: ` : ''}the value configuration's currency.code is ${cfg.currency.code}, but the orders are in ${opts.dataCurrency}: amounts are not converted (100 ${opts.dataCurrency} must not count as 100 ${cfg.currency.code}); set currency.code to ${opts.dataCurrency}, or leave it out to show the orders' currency`,
    )
  }
  // the configuration's code only when it names one: orders that name no currency are shown as
  // plain numbers, as the rest of the analysis shows them, not in the default's dollars
  const currencyCode = opts.currencyExplicit ? cfg.currency.code : (opts.dataCurrency ?? null)
  // money is shown and stored to the currency's minor unit (fils, cents, whole yen)
  const digits = minorDigits(currencyCode)
  const levels = cfg.tiers.levels
  const tierNames = levels.map((l) => l.name)
  await engine.exec(valueNodes(d, { analysis, asOf: opts.asOf }))
  const [counts] = await engine.query<Record<string, number>>(valueInputCounts(d))
  const inputs = {
    referrals: Number(counts?.referrals ?? 0),
    engagementEvents: Number(counts?.engagement_events ?? 0),
    tickets: Number(counts?.tickets ?? 0),
    returns: Number(counts?.returns ?? 0),
    surveyResponses: Number(counts?.survey_responses ?? 0),
  }
  const kinds =
    opts.discounts === undefined || opts.freeOrders === undefined || opts.refunds === undefined
      ? (await engine.query<{ n: number; free: number; refunds: number }>(valueDiscounts(d)))[0]
      : undefined
  const discounts = opts.discounts ?? Number(kinds?.n ?? 1) > 0
  const freeOrders = opts.freeOrders ?? Number(kinds?.free ?? 1) > 0
  // customers left without a purchase day by refunds, whose tickets or returns cost something
  const unvaluedToo =
    (opts.refunds ?? Number(kinds?.refunds ?? 1) > 0) && inputs.tickets + inputs.returns > 0
  await engine.exec(
    valueFacts(d, {
      analysis,
      asOf: opts.asOf,
      predictions: opts.predictions,
      engagement: cfg.engagement,
      unitDays: opts.unitDays,
      defaultMarginRate: cfg.costs.defaultMarginRate,
      discounts,
      freeOrders,
    }),
  )
  const hasPrediction = opts.predictions !== null
  // value_facts stays: the value view takes its service columns from there
  const f = await readFacts(engine, hasPrediction)
  const n = f.revenue.length
  const [nodeCount] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM value_nodes')
  const nodes = Number(nodeCount?.n ?? n)
  const segments = (await engine.query<{ name: string }>(valueSegments(d, { analysis }))).map(
    (r) => r.name,
  )

  // profit
  const profit = computeProfit(
    {
      revenue: f.revenue,
      margin: f.margin,
      orders: f.orders,
      paidOrders: f.paid_orders,
      ticketMinutes: f.ticket_minutes,
      returns: f.returns,
      returnAmount: f.return_amount,
      discount: f.discount,
    },
    cfg.costs,
    hasPrediction
      ? { revenue: f.predicted_revenue.map(num), orders: f.expected_purchases.map(num) }
      : undefined,
  )

  // referrals: every node's own value flows up; nodes beyond the buyers are worth 0 themselves.
  // A customer's own value is their past and predicted profit as their breakdown shows them (to
  // the minor unit), so that a tree quotes the figure the customer's own row sums to.
  const own = new Float64Array(nodes)
  for (let i = 0; i < n; i++) {
    const shown = shownProfit(profit, i, digits)
    own[i] = shown.pastProfit + shown.predictedProfit
  }
  if (inputs.referrals > 0) {
    await sinceReferral(engine, analysis, opts.asOf, cfg.costs, own)
    // what was taken off is money summed in doubles: back to whole minor units, which the tree
    // quotes and the referral values add up (float dust there rounded a half cent down)
    for (let i = 0; i < n; i++) own[i] = roundDecimalHalfAway(own[i] as number, digits)
  }
  const [referrer, referred, day] = await readNumericColumns(
    engine,
    valueReferralEdges(d, { asOf: opts.asOf }).sql,
    3,
  )
  // the previous run's tier states (for the grace period)
  const [sIdx, sTier, sBelow, sRuns, sDay] = await readNumericColumns(
    engine,
    readTierState(d, { tiers: tierNames, asOf: opts.asOf }).sql,
    5,
  )
  // events per type of the analysed customers, counted per customer by the value_facts scan
  const eventCounts =
    inputs.engagementEvents > 0
      ? await engine.query<{ event: string; n: number }>(valueEventCounts(d))
      : []
  const referral = computeReferralValue(
    nodes,
    {
      referrer: Int32Array.from(referrer as Float64Array),
      referred: Int32Array.from(referred as Float64Array),
      day: day as Float64Array,
    },
    own,
    cfg.referrals,
  )
  const referralValue = referral.value.slice(0, n)
  // of each customer's direct referrals, those who bought: nodes 0..n-1 are the analysed buyers,
  // the others people referred who had not ordered by asOf (the reasons call only buyers customers)
  const directBuyers = new Int32Array(n)
  for (let d = 0; d < n; d++) {
    const a = referral.parent[d] as number
    if (a >= 0 && a < n) directBuyers[a] = (directBuyers[a] as number) + 1
  }
  // every customer's figures as their breakdown shows them (to the minor unit), once
  const shown = shownValues(profit, referralValue, digits)
  // the percentile (ties counted below) for the rules, the top share for "top N % by value", and
  // the tiers below, all from the totals as shown (to the minor unit): a customer shown at 1,000.00
  // meets a rule of 1,000 although float noise left the sum at 999.9999999, and two customers
  // shown at one value share one percentile
  const { percentile: valuePercentile, topShare: valueTopShare } = rankShares(shown.total)

  // engagement: known when some analysed customer has an event by asOf. Events of nobody analysed
  // (people who never ordered, or all after asOf) say nothing of these customers: ranked, every
  // repeat buyer read "disengaged ... where 0 % of customers have some" (docs/value.md: an input
  // not imported is unknown, not zero)
  const engagementKnown = eventCounts.some((r) => Number(r.n) > 0)
  const engagement = engagementKnown ? engagementOf(f, n) : null
  const reviews = f.reviews

  // loyalty types
  const usualGap = f.usual_gap_days
  const priceShare = f.price_share
  const loyalty = classifyLoyaltyBatch(
    {
      valuePercentile,
      repeatCount: f.x,
      referrals: referral.directCount.subarray(0, n),
      reviews,
      ...(engagement ? { engagementPercentile: engagement.percentile } : {}),
      nps: f.nps,
      priceDrivenShare: priceShare,
      ...(hasPrediction ? { pAlive: f.p_alive } : {}),
      daysSinceLast: f.days_since_last,
      usualGapDays: usualGap,
      switchingCost: Uint8Array.from(f.switching_cost),
    },
    cfg.loyalty,
  )

  // tiers with the previous run's state
  const prevTier = new Int8Array(n).fill(-1)
  const prevBelow = new Float64Array(n).fill(Number.NaN)
  const prevRuns = new Int32Array(n)
  const prevDay = new Float64Array(n).fill(Number.NaN)
  const stateRows = opts.resetTiers ? 0 : (sIdx?.length ?? 0)
  for (let k = 0; k < stateRows; k++) {
    const i = (sIdx as Float64Array)[k] as number
    prevTier[i] = (sTier as Float64Array)[k] as number
    prevBelow[i] = (sBelow as Float64Array)[k] as number
    prevRuns[i] = num((sRuns as Float64Array)[k] as number)
    prevDay[i] = (sDay as Float64Array)[k] as number
  }
  const asOfDay = dayNumber(opts.asOf)
  // a scoring run stores its states; `loyals customer` (persistTiers false) re-reads the last
  // run's, and a run dated before a stored state looks at the past: neither is the next run.
  // A reset asked for is done whatever the date: the run's tiers replace every stored state.
  const [later] = await engine.query<{ n: number; latest: string | null }>(
    laterTierStates(d, { asOf: opts.asOf }),
  )
  const persist =
    opts.persistTiers !== false && (opts.resetTiers === true || Number(later?.n ?? 0) === 0)
  const tiers = assignTiers(shown.total, cfg.tiers, {
    ...(stateRows > 0
      ? {
          previous: {
            tier: prevTier,
            belowSinceDay: prevBelow,
            runsBelow: prevRuns,
            runDay: prevDay,
          },
        }
      : {}),
    asOfDay,
    countRun: persist,
  })
  // a first run writes every state from value_results below (no state table from JS)
  const firstRun = stateRows === 0
  if (persist && !firstRun) {
    // only the customers whose state changed are rewritten: a run that moves few customers writes
    // few rows (deleting and inserting a million rows of the workspace file cost seconds)
    const st = tiers.state
    const changed = new Int32Array(n)
    let m = 0
    for (let i = 0; i < n; i++) {
      const b = st.belowSinceDay[i] as number
      const pb = prevBelow[i] as number
      const same =
        st.tier[i] === prevTier[i] &&
        st.runsBelow[i] === prevRuns[i] &&
        (b === pb || (Number.isNaN(b) && Number.isNaN(pb)))
      if (!same) changed[m++] = i
    }
    if (m > 0) {
      // typed loops: Float64Array.from(list, fn) cost ~0.3 s per column for a million customers
      const cols = {
        idx: new Float64Array(m),
        tier: new Float64Array(m),
        below_since: new Float64Array(m),
        runs_below: new Float64Array(m),
      }
      for (let k = 0; k < m; k++) {
        const i = changed[k] as number
        cols.idx[k] = i
        cols.tier[k] = st.tier[i] as number
        cols.below_since[k] = st.belowSinceDay[i] as number
        cols.runs_below[k] = st.runsBelow[i] as number
      }
      await writeNumericTable(engine, 'value_tier_new', cols)
      await engine.transaction(
        (tx) => tx.exec(writeTierState(tx.dialect, { tiers: tierNames, asOf: opts.asOf })),
        WHOLE_ON_CRASH,
      )
      await engine.exec('DROP TABLE value_tier_new')
    }
  }

  // reasons
  const currency = { ...cfg.currency, code: currencyCode }
  const cumulativeTop = tierTopPercents(levels)
  const descendants = (i: number): number => {
    let s = 0
    for (let l = 0; l < referral.maxDepth; l++) {
      s += referral.countsByLevel[i * referral.maxDepth + l] as number
    }
    return s
  }
  // the lowest tier has no minimum of its own: its reason cites the nearest line above it (an
  // empty rank tier's boundary is +Infinity), one object shared by all its customers
  const base = levels.length - 1
  let aboveIdx = base - 1
  while (aboveIdx >= 0 && !Number.isFinite(tiers.boundaries[aboveIdx] as number)) aboveIdx--
  const aboveBase =
    aboveIdx >= 0
      ? {
          name: tierNames[aboveIdx] as string,
          boundary: tiers.boundaries[aboveIdx] as number,
          topPercent: cfg.tiers.basis === 'rank' ? cumulativeTop[aboveIdx] : undefined,
        }
      : undefined
  const cent = (x: number) => roundHalfAway(x, digits)
  // one fixed-shape object per customer (no conditional spreads): this runs a million times
  const factsOf = (i: number): ReasonFacts => {
    const t = tiers.tier[i] as number
    const x = f.x[i] as number
    const direct = referral.directCount[i] as number
    const nps = f.nps[i] as number
    const pAlive = f.p_alive[i] as number
    const share = priceShare[i] as number
    const seg = segments[f.segment[i] as number]
    // the figures the breakdown beside the reasons shows, to the minor unit
    const shipping = cent(profit.shippingCost[i] as number)
    const fee = cent(profit.feeCost[i] as number)
    const discount = cent(profit.discountCost[i] as number)
    return {
      tier: {
        name: tierNames[t] as string,
        basis: cfg.tiers.basis,
        totalValue: shown.total[i] as number,
        topPercent:
          cfg.tiers.basis === 'rank' && t < levels.length - 1 ? cumulativeTop[t] : undefined,
        boundary: tiers.boundaries[t] as number,
        nextBoundary: t > 0 ? (tiers.boundaries[t - 1] as number) : undefined,
        heldByGrace: tiers.heldByGrace[i] === 1,
        graceLeft: tiers.graceLeft[i] as number,
        graceUnit: cfg.tiers.grace.unit,
        above: t === base ? aboveBase : undefined,
      },
      segment:
        seg === undefined
          ? undefined
          : {
              name: seg,
              daysSinceLast: f.days_since_last[i] as number,
              orders: f.orders[i] as number,
              revenue: f.revenue[i] as number,
            },
      loyalty: {
        type: LOYALTY_TYPES[loyalty.type[i] as number] as (typeof LOYALTY_TYPES)[number],
        rule: LOYALTY_RULES[loyalty.rule[i] as number] as LoyaltyRule,
        repeatDays: f.x[i] as number,
      },
      referrals:
        direct > 0
          ? {
              direct,
              directBuyers: directBuyers[i] as number,
              directValue: roundDecimalHalfAway(referral.directValue[i] as number, digits),
              indirect: descendants(i) - direct,
              value: shown.referralValue[i] as number,
            }
          : undefined,
      profit: {
        past: shown.pastProfit[i] as number,
        predicted: hasPrediction ? (shown.predictedProfit[i] as number) : undefined,
        orders: f.orders[i] as number,
        tickets: f.tickets[i] as number,
        ticketMinutes: f.ticket_minutes[i] as number,
        ticketCost: cent(profit.ticketCost[i] as number),
        returns: f.returns[i] as number,
        returnCost: cent(profit.returnCost[i] as number),
        otherCost: cent(shipping + fee + discount),
        shippingCost: shipping,
        feeCost: fee,
        discountCost: discount,
        grossMargin: cent(profit.grossMargin[i] as number),
      },
      cadence: {
        orders: x + 1,
        usualGapDays: usualGap[i] as number,
        tenureDays: f.tenure_days[i] as number,
        daysSinceLast: f.days_since_last[i] as number,
      },
      engagement: engagement
        ? {
            percentile: engagement.percentile[i] as number,
            topShare: engagement.topShare[i] as number,
            engagedShare: engagement.engagedShare,
            reviews: reviews[i] as number,
            // events on record, however old (a score that rounds to 0 is ranked as none)
            events: (f.engagement_score[i] as number) > 0,
          }
        : undefined,
      nps: Number.isFinite(nps) ? nps : undefined,
      pAlive: Number.isFinite(pAlive) ? pAlive : undefined,
      priceDrivenShare: Number.isFinite(share) ? share : undefined,
      valuePercentile: valuePercentile[i] as number,
      valueTopShare: valueTopShare[i] as number,
    }
  }
  const reasonOpts = { currency, ...reasonRuleOptions(cfg.loyalty) }
  const top3 = { ...reasonOpts, limit: 3 }

  // results back to the engine
  // one appender pass: numbers from the arrays, reasons worded chunk by chunk as they are
  // appended (a million customers' texts never sit in the heap together)
  await writeResultTable(engine, 'value_results', {
    n,
    // only what JS computed: service counts come from value_facts, sums are added in SQL, and
    // the five small codes travel packed in one column (each column costs an append pass)
    numbers: {
      referrals_direct: Float64Array.from(referral.directCount.subarray(0, n)),
      referred_customers: descendantCounts(referral, n),
      engagement_percentile: engagement
        ? engagement.percentile
        : new Float64Array(n).fill(Number.NaN),
      predicted_profit: profit.predictedProfit,
      // as shown (rounded as a decimal): the engine's round() of the raw sum 158.57499999999998
      // wrote 158.57 for 158.575
      referral_value: shown.referralValue,
      value_percentile: valuePercentile,
      codes: packCodes(
        loyalty.type,
        loyalty.rule,
        tiers.tier,
        tiers.qualifiedTier,
        tiers.heldByGrace,
      ),
      grace_left: tiers.graceLeft,
    },
    // one text per row (three strings cost three times the appends): split in value-join.ts
    texts: ['reasons'],
    fill(i, out) {
      const rs = buildReasons(factsOf(i), top3)
      out[0] = rs.map((r) => r.text).join(REASON_SEPARATOR)
    },
  })
  if (persist && firstRun && n > 0) {
    await engine.transaction(async (tx) => {
      if (opts.resetTiers) await tx.exec(clearTierState(tx.dialect))
      await tx.exec(
        writeFirstTierState(tx.dialect, { analysis, tiers: tierNames, asOf: opts.asOf }),
      )
    }, WHOLE_ON_CRASH)
  }
  await engine.exec(
    valueJoin(d, {
      analysis,
      tiers: tierNames,
      engagement: engagementKnown,
      costs: cfg.costs,
      digits,
    }),
  )

  const summary = await summarize(engine, {
    opts,
    inputs,
    currency: currencyCode,
    locale: cfg.currency.locale,
    f,
    profit,
    referral,
    own,
    shown,
    engagement,
    loyalty,
    tiers,
    eventCounts,
    edges: { referrer: referrer ?? [], referred: referred ?? [] },
    // a look at the past (a run dated before stored states) says so: its grace stays where the
    // later run left it, which read as a grace period that never applied (QA)
    statesStoredAsOf:
      opts.persistTiers !== false && !persist && later?.latest ? String(later.latest) : null,
  })
  const unvalued = unvaluedToo ? await unvaluedCustomers(engine, analysis, opts, digits) : undefined
  const unvaluedById = new Map((unvalued?.all ?? []).map((c) => [c.customerId, c]))

  return {
    summary: unvalued ? { ...summary, unvalued: unvalued.summary } : summary,
    unvaluedOf: (customerId) => unvaluedById.get(customerId) ?? null,
    async reasonsOf(customerId, limit = 5) {
      const i = await idxOf(engine, customerId)
      if (i === null || i >= n) return null
      return buildReasons(factsOf(i), { ...reasonOpts, limit })
    },
    async treeOf(customerId, maxNodes = 200) {
      const i = await idxOf(engine, customerId)
      if (i === null || (referral.directCount[i] as number) === 0) return null
      // referralTrees picks the top referrers: let this customer be the only one
      const only = new Int32Array(nodes)
      only[i] = referral.directCount[i] as number
      const [t] = referralTrees({ ...referral, directCount: only }, own, 1, maxNodes)
      if (!t) return null
      return treeIds(t, await ids(engine, treeMembers(t)), digits)
    },
    async referrerOf(customerId) {
      const i = await idxOf(engine, customerId)
      if (i === null) return null
      const p = referral.parent[i] as number
      return p < 0 ? null : ((await ids(engine, [p])).get(p) ?? null)
    },
  }
}

/**
 * A referrer is credited with the profit a customer realized since the referral: for customers
 * who had bought before their referral, the profit of what came before (the same cost rules on
 * the orders, tickets and returns dated before it) is taken off their own value `own`.
 */
async function sinceReferral(
  engine: Engine,
  analysis: string,
  asOf: string,
  costs: CostRates,
  own: Float64Array,
): Promise<void> {
  const rows = await engine.query<Record<'idx' | (typeof BEFORE_REFERRAL_COLUMNS)[number], number>>(
    valueBeforeReferral(engine.dialect, {
      analysis,
      asOf,
      defaultMarginRate: costs.defaultMarginRate,
    }),
  )
  if (rows.length === 0) return
  const col = (c: (typeof BEFORE_REFERRAL_COLUMNS)[number]): Float64Array =>
    Float64Array.from(rows, (r) => (r[c] === null ? Number.NaN : Number(r[c])))
  const before = computeProfit(
    {
      revenue: col('revenue'),
      margin: col('margin'),
      orders: col('orders'),
      paidOrders: col('paid_orders'),
      ticketMinutes: col('ticket_minutes'),
      returns: col('returns'),
      returnAmount: col('return_amount'),
      discount: col('discount'),
    },
    costs,
  )
  rows.forEach((r, k) => {
    const i = Number(r.idx)
    own[i] = (own[i] as number) - (before.historicalProfit[k] as number)
  })
}

/** Descendants within the counted depth of customers 0..n-1 (referral.countsByLevel summed). */
function descendantCounts(referral: ReferralResult, n: number): Float64Array {
  const out = new Float64Array(n)
  const depth = referral.maxDepth
  const c = referral.countsByLevel
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let l = 0; l < depth; l++) s += c[i * depth + l] as number
    out[i] = s
  }
  return out
}

/** Whether `analysis` is now a view: the value view a previous run left there (value-join.ts). */
async function isView(engine: Engine, analysis: string): Promise<boolean> {
  const [row] = await engine.query<{ n: number }>(analysisView(engine.dialect, { analysis }))
  return Number(row?.n ?? 0) > 0
}

/**
 * Drop the value view a previous run left under the analysis table's name (value-join.ts), so the
 * analysis table can be created again. A no-op when there is none.
 */
export async function dropValueView(engine: Engine, analysis: string): Promise<void> {
  if (await isView(engine, analysis)) await engine.exec(`DROP VIEW ${sqlIdent(analysis)}`)
}

/** What buildValue values, said by its errors about the analysis table. */
const ANALYSIS_TABLE_NEEDED =
  'the value step reads the per-customer table computeAnalysis makes (customer_analysis; run it with value: false to value the customers yourself)'

/**
 * Put the analysis table back under its name when a previous run left its value view there (the
 * table then sits under `<analysis>_base`, value-join.ts), so that buildValue can run again.
 * @throws UsageError for a view of another kind (buildRfm's customer_rfm): no table to value.
 */
async function restoreAnalysisTable(engine: Engine, analysis: string): Promise<void> {
  if (!(await isView(engine, analysis))) return
  const base = `${analysis}_base`
  const kept = await engine.query(insightsColumns(engine.dialect, { tables: [base] }))
  if (kept.length === 0) {
    throw new UsageError(`buildValue: ${analysis} is a view: ${ANALYSIS_TABLE_NEEDED}`)
  }
  await engine.exec(
    `DROP VIEW ${sqlIdent(analysis)}; ALTER TABLE ${sqlIdent(base)} RENAME TO ${sqlIdent(analysis)}`,
  )
}

/** Columns of the per-customer table the value step reads (computeAnalysis's customer_analysis). */
const ANALYSIS_COLUMNS = ['customer_id', 'rfm_segment', 'revenue', 'orders'] as const

/**
 * @throws UsageError when `analysis` is no table, or lacks what the value step reads (the summary
 *   or RFM table alone), naming the table computeAnalysis makes instead of the engine's error.
 */
async function checkAnalysisTable(engine: Engine, analysis: string): Promise<void> {
  const lacking = await lackingColumns(engine, analysis, ANALYSIS_COLUMNS)
  if (lacking) {
    throw new UsageError(
      `buildValue: ${lacking === 'no table' ? `there is no table ${analysis}` : `the table ${analysis} has no ${lacking.join(', ')}`}: ${ANALYSIS_TABLE_NEEDED}`,
    )
  }
}

/** The columns of `needed` that `table` lacks, 'no table' when there is none, or null. */
async function lackingColumns(
  engine: Engine,
  table: string,
  needed: readonly string[],
): Promise<readonly string[] | 'no table' | null> {
  const have = new Set(
    (
      await engine.query<{ column_name: string }>(
        insightsColumns(engine.dialect, { tables: [table] }),
      )
    ).map((r) => r.column_name.toLowerCase()),
  )
  if (have.size === 0) return 'no table'
  const lacking = needed.filter((c) => !have.has(c))
  return lacking.length > 0 ? lacking : null
}

/** The columns of the predictions table the value facts read (value-facts.ts). */
const PREDICTION_TABLE_COLUMNS = [
  'customer_id',
  'p_alive',
  'expected_purchases',
  'predicted_revenue',
] as const

/**
 * UsageError unless `table` has the columns the value facts read from the predictions: a wrong
 * name reached the engine as its own catalog error, naming neither buildValue nor the option.
 */
async function checkPredictionsTable(engine: Engine, table: string): Promise<void> {
  const lacking = await lackingColumns(engine, sqlIdent(table), PREDICTION_TABLE_COLUMNS)
  if (lacking) {
    throw new UsageError(
      `buildValue: opts.predictions names ${lacking === 'no table' ? `no table: there is no ${table}` : `the table ${table}, which has no ${lacking.join(', ')}`}: it must be the predictions table computeAnalysis makes (customer_predictions), or null for none`,
    )
  }
}

/** value_facts as columns in idx order; without predictions their columns are NaN, unread. */
async function readFacts(engine: Engine, predictions: boolean): Promise<Facts> {
  const names = [...VALUE_FACT_COLUMNS, ...(predictions ? VALUE_PREDICTION_COLUMNS : [])]
  // DuckDB returns a table's rows in insertion order (value_facts was written in idx order)
  const order = engine.dialect === 'duckdb' ? '' : ' ORDER BY idx'
  const [count] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM value_facts')
  const cols = await readNumericColumns(
    engine,
    `SELECT ${names.join(', ')} FROM value_facts${order}`,
    names.length,
    Number(count?.n ?? 0),
  )
  const out = {} as Record<string, Float64Array>
  names.forEach((c, k) => {
    out[c] = cols[k] as Float64Array
  })
  const n = out.revenue?.length ?? 0
  if (!predictions) {
    for (const c of VALUE_PREDICTION_COLUMNS) out[c] = new Float64Array(n).fill(Number.NaN)
  }
  return out as Facts
}

/**
 * Engagement from the per-customer score of value-facts.ts (sum of weight x exp(-ln 2 / half-life
 * x age), the formula of `engagementScores`), ranked with the core's `rankShares`. Events
 * after the as-of date were left out in SQL.
 */
function engagementOf(f: Facts, n: number): Engagement {
  const score = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = f.engagement_score[i] as number
    // ranked on the scores as the files show them (4 decimals): two customers shown at one score
    // share one percentile, and the engine's parallel sums, which can differ in the last bit
    // between runs, leave the percentiles reproducible
    score[i] = Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : 0
  }
  let engaged = 0
  for (let i = 0; i < n; i++) if ((score[i] as number) > 0) engaged++
  return { score, ...rankShares(score), engagedShare: n > 0 ? (100 * engaged) / n : 0 }
}

/** Money as whole minor units (cents for 2 digits), rounded as it is shown: 1.005 is 101. */
const minorUnits = (x: number, digits: number): number =>
  Math.round(roundHalfAway(x, digits) * 10 ** digits)

/** Customers listed in `unvalued.worst`, at most. */
const UNVALUED_LISTED = 20

/**
 * The customers the analysis has no row for whose tickets and returns cost something
 * (value-unvalued.ts), priced as an analysed customer's with no revenue and no order kept: their
 * orders were refunded in full, which pays no shipping, fee or discount (value-facts.ts).
 */
async function unvaluedCustomers(
  engine: Engine,
  analysis: string,
  opts: ValueOptions,
  digits: number,
): Promise<
  { summary: NonNullable<ValueSummary['unvalued']>; all: UnvaluedCustomer[] } | undefined
> {
  const rows = await engine.query<{
    customer_id: string
    tickets: number
    ticket_minutes: number
    returns: number
    return_amount: number
  }>(valueUnvalued(engine.dialect, { analysis, asOf: opts.asOf }))
  if (rows.length === 0) return undefined
  const n = rows.length
  const zeros = new Float64Array(n)
  const p = computeProfit(
    {
      revenue: zeros,
      margin: zeros,
      orders: zeros,
      paidOrders: zeros,
      ticketMinutes: Float64Array.from(rows, (r) => Number(r.ticket_minutes)),
      returns: Float64Array.from(rows, (r) => Number(r.returns)),
      returnAmount: Float64Array.from(rows, (r) => Number(r.return_amount)),
      discount: zeros,
    },
    opts.config.costs,
  )
  const scale = 10 ** digits
  const m = (x: number) => minorUnits(x, digits)
  let tickets = 0
  let returns = 0
  let minutes = 0
  let ticketMinor = 0
  let returnMinor = 0
  const listed: UnvaluedCustomer[] = []
  rows.forEach((r, i) => {
    const t = m(p.ticketCost[i] as number)
    const ret = m(p.returnCost[i] as number)
    // work that cost nothing (a ticket without minutes, rates of 0) is no loss to report
    if (t + ret <= 0) return
    tickets += Number(r.tickets)
    returns += Number(r.returns)
    minutes += Number(r.ticket_minutes)
    ticketMinor += t
    returnMinor += ret
    listed.push({
      customerId: r.customer_id,
      tickets: Number(r.tickets),
      ticketMinutes: Number(r.ticket_minutes),
      returns: Number(r.returns),
      costToServe: (t + ret) / scale,
    })
  })
  if (listed.length === 0) return undefined
  // the costliest first; rows come in customer id order, which a stable sort keeps among ties
  listed.sort((a, b) => b.costToServe - a.costToServe)
  return {
    summary: {
      customers: listed.length,
      tickets,
      ticketMinutes: minutes,
      returns,
      ticketCost: ticketMinor / scale,
      returnCost: returnMinor / scale,
      costToServe: (ticketMinor + returnMinor) / scale,
      worst: listed.slice(0, UNVALUED_LISTED),
    },
    all: listed,
  }
}

interface SummaryInputs {
  readonly opts: ValueOptions
  readonly inputs: ValueSummary['inputs']
  readonly currency: string | null
  readonly locale: string
  readonly f: Facts
  readonly profit: ProfitResult
  readonly referral: ReferralResult
  readonly own: Float64Array
  /** The customers' figures as their breakdown shows them (shownValues). */
  readonly shown: ShownValues
  readonly engagement: Engagement | null
  readonly loyalty: ReturnType<typeof classifyLoyaltyBatch>
  readonly tiers: TierAssignment
  /** Engagement events per type of the analysed customers (value-facts.ts valueEventCounts). */
  readonly eventCounts: readonly { event: string; n: number }[]
  /** The referral edges as given to computeReferralValue (node indices), to name dropped ones. */
  readonly edges: { readonly referrer: ArrayLike<number>; readonly referred: ArrayLike<number> }
  /** ValueSummary.tiers.statesStoredAsOf: the later stored states' date of a look at the past. */
  readonly statesStoredAsOf: string | null
}

/** Dropped cycle edges named in the summary, at most. */
const CYCLE_EDGES_LISTED = 20

/**
 * The customers' revenue summed as the summary's `revenue.total` is (exact decimals): a
 * compensated sum of the doubles, rounded to 6 places, the float noise of 2,357 additions
 * (244091.9399999978 for 244,091.94) gone while no money unit has that many digits.
 */
function revenueTotal(a: ArrayLike<number>): number {
  let s = 0
  let c = 0
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number
    const t = s + v
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s
    s = t
  }
  return roundHalfAway(s + c, 6)
}

async function summarize(engine: Engine, s: SummaryInputs): Promise<ValueSummary> {
  const { opts, f, profit, referral, tiers, loyalty, shown } = s
  const cfg = opts.config
  const n = f.revenue.length
  const levels = cfg.tiers.levels

  // the figures customers.csv and `loyals customer` show (each to the minor unit): the losses
  // count the shown past profit (counted unrounded, a customer at -0.00005 was served at a loss
  // here and at 0.00 in the files), and the breakdown adds them up in whole minor units (summed
  // unrounded, its totals were cents off the columns' sums: 0.57 of predicted profit, QA)
  const digits = minorDigits(s.currency)
  const scale = 10 ** digits
  const minor = { margin: 0, tickets: 0, returns: 0, shipping: 0, fees: 0, discounts: 0 }
  const shownMinor = { cost: 0, past: 0, predicted: 0, referral: 0, total: 0 }
  const m = (x: number) => minorUnits(x, digits)
  for (let i = 0; i < n; i++) {
    minor.margin += m(profit.grossMargin[i] as number)
    minor.tickets += m(profit.ticketCost[i] as number)
    minor.returns += m(profit.returnCost[i] as number)
    minor.shipping += m(profit.shippingCost[i] as number)
    minor.fees += m(profit.feeCost[i] as number)
    minor.discounts += m(profit.discountCost[i] as number)
    shownMinor.cost += m(shown.costToServe[i] as number)
    shownMinor.past += m(shown.pastProfit[i] as number)
    shownMinor.predicted += m(shown.predictedProfit[i] as number)
    shownMinor.referral += m(shown.referralValue[i] as number)
    shownMinor.total += m(shown.total[i] as number)
  }
  const losses = Array.from(lossCustomers(shown.pastProfit).subarray(0, opts.lossList ?? 20))
  // only customers rank as top referrers: a referral-only node (someone who never bought, a link
  // in a chain) stays inside others' trees, worth 0 itself
  const trees = referralTrees(referral, s.own, opts.topReferrers ?? 10, opts.treeNodes ?? 50, n)
  const dropped = Array.from(referral.brokenEdges.subarray(0, CYCLE_EDGES_LISTED), (e) => [
    s.edges.referrer[e] as number,
    s.edges.referred[e] as number,
  ])
  const names = await ids(engine, [...losses, ...trees.flatMap(treeMembers), ...dropped.flat()])
  const conc = profitConcentration(shown.pastProfit, 20)

  // tier and type totals in whole minor units of the totals as shown, as the breakdown: summed
  // unrounded they were cents off the sums of customers.csv (Silver 515234.444 for 515,234.25)
  const tierValue = new Float64Array(levels.length)
  const tierOwn = new Float64Array(levels.length)
  const tierHeld = new Int32Array(levels.length)
  const typeValue = new Float64Array(LOYALTY_TYPES.length)
  const ruleCounts = new Int32Array(LOYALTY_RULES.length)
  for (let i = 0; i < n; i++) {
    const t = tiers.tier[i] as number
    const v = m(shown.total[i] as number)
    tierValue[t] = (tierValue[t] as number) + v
    // the tier's part of the company's value: no referral credit, which is other customers' money
    tierOwn[t] =
      (tierOwn[t] as number) +
      m(shown.pastProfit[i] as number) +
      m(shown.predictedProfit[i] as number)
    tierHeld[t] = (tierHeld[t] as number) + (tiers.heldByGrace[i] as number)
    const ty = loyalty.type[i] as number
    typeValue[ty] = (typeValue[ty] as number) + v
    const r = loyalty.rule[i] as number
    ruleCounts[r] = (ruleCounts[r] as number) + 1
  }
  const rules: Partial<Record<LoyaltyRule, number>> = {}
  LOYALTY_RULES.forEach((r, k) => {
    if ((ruleCounts[k] as number) > 0) rules[r] = ruleCounts[k] as number
  })

  // "N customers referred M others": referrers among the analysed customers (idx < n), and
  // everyone (buyer or not) whose counted referral came from one of them
  let referrers = 0
  let referred = 0
  for (let i = 0; i < n; i++) if ((referral.directCount[i] as number) > 0) referrers++
  for (let i = 0; i < referral.parent.length; i++) {
    const p = referral.parent[i] as number
    if (p >= 0 && p < n) referred++
  }
  const e = s.engagement
  const events = Object.fromEntries(ENGAGEMENT_EVENT_TYPES.map((t) => [t, 0])) as Record<
    EngagementEventType,
    number
  >
  let engaged = 0
  if (e) {
    for (let i = 0; i < n; i++) if ((e.score[i] as number) > 0) engaged++
  }
  for (const r of s.eventCounts) {
    if (r.event in events) events[r.event as EngagementEventType] += Number(r.n)
  }

  const lossRows: LossCustomer[] = losses.map((i) => ({
    customerId: names.get(i) ?? String(i),
    pastProfit: shown.pastProfit[i] as number,
    revenue: f.revenue[i] as number,
    grossMargin: roundHalfAway(profit.grossMargin[i] as number, digits),
    costToServe: shown.costToServe[i] as number,
    orders: f.orders[i] as number,
    tickets: f.tickets[i] as number,
    ticketMinutes: f.ticket_minutes[i] as number,
    returns: f.returns[i] as number,
  }))
  const pastProfit = shownMinor.past / scale
  const predictedProfit = shownMinor.predicted / scale
  const referralValue = shownMinor.referral / scale
  const companyMinor = shownMinor.past + shownMinor.predicted
  return {
    currency: s.currency,
    locale: s.locale,
    predictions: opts.predictions === null ? 'none' : 'model',
    inputs: s.inputs,
    breakdown: {
      customers: n,
      revenue: revenueTotal(f.revenue),
      grossMargin: minor.margin / scale,
      costs: {
        tickets: minor.tickets / scale,
        returns: minor.returns / scale,
        shipping: minor.shipping / scale,
        fees: minor.fees / scale,
        discounts: minor.discounts / scale,
      },
      costToServe: shownMinor.cost / scale,
      pastProfit,
      predictedProfit,
      referralValue,
      totalValue: shownMinor.total / scale,
      companyValue: companyMinor / scale,
    },
    // sums of profits shown to the minor unit, given to it (summed as doubles they ended in
    // float noise: -1931.019999999999)
    unprofitable: {
      customers: conc.lossCustomers,
      loss: roundHalfAway(conc.lossTotal, digits),
      worst: lossRows,
    },
    profitConcentration: {
      percent: conc.percent,
      customers: conc.customers,
      topProfit: roundHalfAway(conc.topProfit, digits),
      totalProfit: roundHalfAway(conc.totalProfit, digits),
      share: conc.share,
    },
    referrals: {
      decay: referral.decay,
      maxDepth: referral.maxDepth,
      referrers,
      referred,
      duplicates: referral.duplicates,
      selfReferrals: referral.selfReferrals,
      cyclesBroken: referral.cyclesBroken,
      cycleEdgesDropped: dropped.map(([a, b]) => ({
        referrer: names.get(a as number) ?? String(a),
        referred: names.get(b as number) ?? String(b),
      })),
      top: trees.map((t) => treeIds(t, names, digits)),
    },
    engagement: {
      halfLifeDays: cfg.engagement.halfLifeDays,
      customersEngaged: engaged,
      events,
    },
    tiers: {
      basis: cfg.tiers.basis,
      grace: { unit: cfg.tiers.grace.unit, length: cfg.tiers.grace.length },
      statesStoredAsOf: s.statesStoredAsOf,
      levels: levels.map((l, t) => ({
        name: l.name,
        customers: tiers.counts[t] as number,
        share: n > 0 ? (tiers.counts[t] as number) / n : 0,
        totalValue: (tierValue[t] as number) / scale,
        ownValue: (tierOwn[t] as number) / scale,
        valueShare: companyMinor > 0 ? (tierOwn[t] as number) / companyMinor : null,
        minValue: Number.isFinite(tiers.boundaries[t] as number)
          ? (tiers.boundaries[t] as number)
          : null,
        heldByGrace: tierHeld[t] as number,
        serviceLevel: l.serviceLevel,
        perks: l.perks,
        outreach: l.outreach,
      })),
    },
    loyalty: {
      types: LOYALTY_TYPES.map((type, k) => ({
        type,
        customers: loyalty.counts[k] as number,
        totalValue: (typeValue[k] as number) / scale,
      })),
      rules,
      minRepeat: cfg.loyalty.minRepeat,
    },
  }
}
