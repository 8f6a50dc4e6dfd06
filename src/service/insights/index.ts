// The insights use case: one TEMP base table (value, cohort, attributes) and one first-order table,
// then each analysis in its own file reads them. Files are written by the engine (COPY) where the
// rows are per customer, from JS where they are a few hundred aggregates.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Engine } from '../../data/engine.ts'
import {
  INSIGHTS_BASE,
  insightsBase,
  insightsCohortFacts,
} from '../../data/queries/insights-base.ts'
import { insightsColumns } from '../../data/queries/insights-columns.ts'
import { insightsFirstOrders } from '../../data/queries/insights-first-orders.ts'
import { insightsPriced } from '../../data/queries/insights-priced.ts'
import { insightsPurchaseDays } from '../../data/queries/insights-purchase-days.ts'
import { insightsTopProfile } from '../../data/queries/insights-top-profile.ts'
import { insightsValueSpread } from '../../data/queries/insights-value-spread.ts'
import { orderCurrencies } from '../../data/queries/order-currencies.ts'
import { DataError, LoyalsError, UsageError } from '../../errors.ts'
import { formatCount } from '../../report/format.ts'
import { renderReport } from '../../report/render.ts'
import { insightsSections } from '../../report/sections/insights.ts'
import { analysisState } from '../analysis-state.ts'
import type { AnalysisSummary } from '../analysis-summary.ts'
import { requireEmbedded } from '../embedded-only.ts'
import { FileSet } from '../file-set.ts'
import { readyOutDir } from '../out-dir.ts'
import { asOfGapNote } from '../summary.ts'
import { cohortsKpis, STICKY_DAYS } from './cohorts-kpis.ts'
import {
  checkValueExpression,
  columnList,
  DEFAULTS,
  defaultValueExpression,
  type InsightsContext,
  type InsightsOptions,
  type ResolvedOptions,
} from './context.ts'
import { icpText, type TopProfileRow } from './icp.ts'
import { lapsedBest, lapsedQuery } from './lapsed-best.ts'
import { whereBestOverIndex } from './over-index.ts'
import { pathToBest } from './path-to-best.ts'
import { buildFeatures, risingStars } from './rising-stars.ts'
import { surveyLists, surveyQuery } from './survey-lists.ts'
import { tierOrder } from './tier-order.ts'
import type { InsightsSummary, ItemsetRow, OverIndexLevel, RisingStar } from './types.ts'

export type { InsightsOptions } from './context.ts'
export { defaultValueExpression } from './context.ts'
export type * from './types.ts'

/** The steps of `computeInsights`, in order (for a progress bar's total). */
export const INSIGHTS_STEPS = [
  'ranking the top cohort',
  'reading first orders and purchase days',
  'path to best',
  'where the best over-index',
  'rising stars',
  'lapsed best',
  'cohorts and KPIs',
  'survey lists',
] as const

// Optional inputs by the name the analyses use, and the workspace tables that may hold them, in
// order of preference (the import kinds write survey_responses and engagement_events).
const OPTIONAL_TABLES: Readonly<Record<string, readonly string[]>> = {
  customers: ['customers'],
  returns: ['returns'],
  surveys: ['survey_responses', 'surveys'],
  tickets: ['tickets'],
  engagement: ['engagement_events', 'engagement'],
}

/** Everything computed, plus the per-customer lists kept for the CSV files. */
export interface InsightsResult {
  readonly summary: InsightsSummary
  readonly context: InsightsContext
  readonly itemsets: readonly ItemsetRow[]
  readonly risingStars: readonly RisingStar[]
  readonly overIndex: readonly OverIndexLevel[]
}

/** Runs one named step (structurally the StepRunner of analyze.ts, which imports this module). */
export interface StepRunner {
  step<T>(label: string, fn: () => Promise<T>): Promise<T>
}

const direct: StepRunner = { step: (_label, fn) => fn() }

function resolveOptions(opts: InsightsOptions, value: string): ResolvedOptions {
  const o = { ...DEFAULTS, ...stripUndefined(opts), value } as ResolvedOptions
  // a flag's message names the library option too; library-only options name themselves
  const bad = (cond: boolean, name: string, rule: string, got: unknown) => {
    if (cond) throw new UsageError(`${name} must be ${rule}, got ${String(got)}`)
  }
  const whole = (v: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
    !(Number.isInteger(v) && v >= min && v <= max)
  bad(
    !(o.topShare > 0 && o.topShare < 1),
    '--top-share (topShare)',
    'above 0 and below 1 (0.1 for the top 10 %)',
    o.topShare,
  )
  bad(
    whole(o.minHistoryDays, 0),
    '--min-history-days (minHistoryDays)',
    'a whole number >= 0',
    o.minHistoryDays,
  )
  bad(whole(o.earlyDays, 1), '--early-days (earlyDays)', 'a whole number >= 1', o.earlyDays)
  bad(whole(o.surveySize, 1), '--survey-size (surveySize)', 'a whole number >= 1', o.surveySize)
  bad(
    whole(o.surveyRestDays, 0, 36_525),
    '--survey-rest-days (surveyRestDays)',
    'a whole number of days from 0 to 36525 (a century)',
    o.surveyRestDays,
  )
  bad(
    whole(o.seed, 0, 2_147_483_646),
    '--seed (seed)',
    'a whole number from 0 to 2147483646',
    o.seed,
  )
  bad(
    whole(o.lapsedMonths, 1, 1200),
    'lapsedMonths',
    'a whole number of months from 1 to 1200',
    o.lapsedMonths,
  )
  bad(
    !(o.lapsedGapFactor > 0 && Number.isFinite(o.lapsedGapFactor)),
    'lapsedGapFactor',
    'a number above 0 (3: silent for three usual gaps)',
    o.lapsedGapFactor,
  )
  bad(
    !(o.pAliveThreshold >= 0 && o.pAliveThreshold <= 1),
    'pAliveThreshold',
    'a probability from 0 to 1',
    o.pAliveThreshold,
  )
  bad(
    !(o.minSupport >= 0 && o.minSupport < 1),
    'minSupport',
    'a share from 0 up to (not including) 1',
    o.minSupport,
  )
  bad(whole(o.minCount, 1), 'minCount', 'a whole number >= 1', o.minCount)
  bad(whole(o.listSize, 1, 1000), 'listSize', 'a whole number from 1 to 1000', o.listSize)
  return o
}

/** What the engine said of a value expression, without the SQL it quotes back. */
function valueProblem(e: LoyalsError): string {
  const m = e.cause instanceof Error ? e.cause.message : e.message
  const first = (m.split('\n')[0] ?? m).replace(/^[\w ]*Error: /, '')
  return first.replace(/!$/, '')
}

/**
 * Values are summed as DECIMAL(38, 6) (exactly, so totals do not change from run to run): a
 * customer's value must stay below this in size for a sum over millions of customers to fit.
 */
const MAX_VALUE = '1e20'

/**
 * Check a user's value expression on the per-customer table before any analysis runs, so that a
 * mistake is said in terms of the option rather than as an engine error deep in a later query:
 * it must name existing columns, give one number per customer (not an aggregate over all of
 * them), and be finite and below {@link MAX_VALUE} in size for every customer.
 * @throws UsageError naming the expression, what is wrong and the table's columns.
 */
async function probeValueExpression(
  engine: Engine,
  table: string,
  value: string,
  tableCols: ReadonlySet<string>,
): Promise<void> {
  const columns = columnList(tableCols)
  const fail = (problem: string): never => {
    throw new UsageError(
      `--value ${JSON.stringify(value)} ${problem}. A value expression must be a per-customer expression over the columns below, giving one finite number for each customer. Columns: ${columns}`,
    )
  }
  const v = `CAST((${value}) AS DOUBLE)`
  const attempt = async <T>(q: string, problem: (e: LoyalsError) => string): Promise<T[]> => {
    try {
      return (await engine.query(q)) as T[]
    } catch (e) {
      if (!(e instanceof LoyalsError)) throw e
      return fail(problem(e))
    }
  }
  // a column the table lacks (a typo) would fail deep in the first query, in SQL's words
  await attempt(
    `SELECT ${v} AS v FROM ${table} LIMIT 0`,
    (e) => `cannot be computed on the customers: ${valueProblem(e)}`,
  )
  // alone in a SELECT an aggregate binds; beside a per-customer column it cannot
  await attempt(
    `SELECT customer_id, ${v} AS v FROM ${table} LIMIT 0`,
    () => 'is an aggregate over all customers (such as sum() or avg()), not one value per customer',
  )
  // some errors (ln of 0) come only from the values, and a division by 0 gives no error but an
  // infinity that would break the exact sums later: both show on the rows themselves. So does an
  // unknown value (margin without a cost, nullif), which would rank its customer last unseen
  const [bad] = await attempt<{
    n: number
    example: string | null
    unknown: number
    unknownExample: string | null
  }>(
    `SELECT count(*) FILTER (WHERE NOT (abs(${v}) < ${MAX_VALUE})) AS n,
       min(customer_id) FILTER (WHERE NOT (abs(${v}) < ${MAX_VALUE})) AS example,
       count(*) FILTER (WHERE ${v} IS NULL) AS unknown,
       min(customer_id) FILTER (WHERE ${v} IS NULL) AS "unknownExample"
     FROM ${table}`,
    (e) => `fails on the customers' values: ${valueProblem(e)}`,
  )
  const unknown = Number(bad?.unknown ?? 0)
  if (unknown > 0) {
    fail(
      `is unknown (NULL) for ${formatCount(unknown, 'customer')} (customer ${JSON.stringify(String(bad?.unknownExample))} for one${/\bmargin\b/i.test(value) ? '; margin is unknown without a cost' : ''}): give those customers a value, as in coalesce(${/\bmargin\b/i.test(value) ? 'margin' : 'nps'}, 0)`,
    )
  }
  const n = Number(bad?.n ?? 0)
  if (n > 0) {
    fail(
      // the example is a customer id, quoted: "(e.g. 1; ...)" read as a value of 1
      `is infinite, not a number or ${MAX_VALUE} or more in size for ${formatCount(n, 'customer')} (customer ${JSON.stringify(String(bad?.example))} for one; a division by 0 gives such values)`,
    )
  }
}

/**
 * A value that is the same for every eligible customer tells the best from nobody: the top cohort
 * would be the first customer ids in byte order (grocery ranked by `--value revenue` without
 * amounts: "1", "10", "100" ... were its best). The user's --value is refused; the default (every
 * customer spent alike and no model) is said in a note, since the KPIs and cohorts stand.
 * @throws UsageError for the user's --value.
 */
async function valueSpreadNote(
  engine: Engine,
  { table, value, minHistoryDays }: ResolvedOptions,
  given: boolean,
): Promise<string | null> {
  const [r] = await engine.query<{ customers: number; values: number; v: number | null }>(
    insightsValueSpread(engine.dialect, { table, value, minHistoryDays }),
  )
  if (Number(r?.customers ?? 0) < 2 || Number(r?.values ?? 0) !== 1) return null
  const same = `the same value (${r?.v})`
  // suggested only when it tells them apart: "such as --value orders" was said of customers who
  // all bought once, and that was refused in turn
  let alternative: string | null = null
  for (const other of ['revenue', 'orders']) {
    if (other === value.trim().toLowerCase()) continue
    const [o] = await engine.query<{ values: number }>(
      insightsValueSpread(engine.dialect, { table, value: other, minHistoryDays }),
    )
    if (Number(o?.values ?? 0) > 1) {
      alternative = other
      break
    }
  }
  const nothing = 'revenue and the number of orders are the same for all of them too'
  if (given) {
    throw new UsageError(
      `--value ${JSON.stringify(value)} gives every one of the ${r?.customers} customers eligible to be ranked ${same}: it tells the best customers from nobody, and the top cohort would be the first customer ids. ${alternative ? `Rank by an expression that differs between customers, such as ${alternative}` : `Nothing in the orders tells them apart yet: ${nothing}`}`,
    )
  }
  const advice = alternative
    ? `Rank them with --value (the \`value\` option in the library), such as --value ${alternative}.`
    : `Nothing in the orders tells them apart yet: ${nothing}.`
  return `Every one of the ${r?.customers} customers eligible to be ranked has ${same} by the default ranking value (${value}): the top cohort is the first customer ids, and what follows from it (path to best, over-index, rising stars, lapsed best, the profile) says nothing about them. ${advice}`
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Columns of the per-customer table every insight reads (computeAnalysis's customer_analysis). */
const ANALYSIS_COLUMNS = [
  'customer_id',
  'rfm_segment',
  'first_purchase',
  'last_purchase',
  'orders',
] as const

/**
 * Run every insight on the per-customer table `opts.table` (default customer_analysis, as left
 * by `computeAnalysis`) and the workspace's orders, lines and customers. The top cohort is the
 * top `topShare` of customers with at least `minHistoryDays` of history, ranked by a value
 * expression (docs/insights.md): `total_value` if present, else revenue + predicted_value if
 * present, else revenue.
 * @example const r = await computeInsights(engine, { asOf: '2025-12-31' }); r.summary.icp
 * @throws UsageError for bad options, a bad value expression or a non-DuckDB store; QueryError
 *   when the table is missing.
 */
export async function computeInsights(
  engine: Engine,
  opts: InsightsOptions,
  progress: StepRunner = direct,
  // the money's currency in the texts; undefined: the stored orders' one currency (none: plain)
  currency?: string | null,
): Promise<InsightsResult> {
  requireEmbedded(engine, 'insights')
  if (typeof opts !== 'object' || opts === null) {
    throw new UsageError(
      'computeInsights(engine, opts) needs its options: { asOf, table?, topShare?, ... } (docs/insights.md)',
    )
  }
  if (currency === undefined) {
    const found = await engine.query<{ currency: string }>(orderCurrencies(engine.dialect).sql)
    currency = found.length === 1 ? (found[0]?.currency ?? null) : null
  }
  const table = opts.table ?? DEFAULTS.table
  // the analysis table of another date (a customerProfile as of another day replaced it): the
  // insights would be labelled one date and computed on another
  const state = analysisState(engine)
  const made = state?.asOf
  if (
    table === DEFAULTS.table &&
    made !== undefined &&
    opts.asOf !== undefined &&
    made !== opts.asOf
  ) {
    throw new UsageError(
      `the table ${table} is as of ${made} (the last analysis on this engine: computeAnalysis, or customerProfile as of that day), not ${opts.asOf}: run computeAnalysis with asOf ${opts.asOf} first`,
    )
  }
  const physical = Object.values(OPTIONAL_TABLES).flat()
  const colRows = await engine.query<{ table_name: string; column_name: string }>(
    insightsColumns(engine.dialect, { tables: [table, ...physical] }),
  )
  const found = new Map<string, Set<string>>()
  for (const r of colRows) {
    const s = found.get(r.table_name) ?? new Set<string>()
    s.add(r.column_name.toLowerCase())
    found.set(r.table_name, s)
  }
  const tableCols = found.get(table)
  if (!tableCols) throw new UsageError(`no per-customer table ${table}: run the analysis first`)
  // the summary or RFM table alone lacks what the insights read (segments, scores): say so, not
  // the engine's "Referenced column not found"
  const lacking = ANALYSIS_COLUMNS.filter((c) => !tableCols.has(c))
  if (lacking.length > 0) {
    throw new UsageError(
      `the table ${table} has no ${lacking.join(', ')}: insights read the per-customer table computeAnalysis makes (customer_analysis; loyals analyze's workspace), not the summary or RFM table alone`,
    )
  }
  const priced =
    !tableCols.has('revenue') ||
    Number(
      (await engine.query<{ n: number }>(insightsPriced(engine.dialect, { table })))[0]?.n ?? 0,
    ) > 0
  if (opts.value === undefined && !priced) {
    // the default value is revenue (and predicted value): with every amount 0 the best customers
    // would be picked by the tie order and every first-order-value pattern would be an artefact
    throw new DataError(
      "insights find the best customers by value, and every customer's revenue is 0 (the orders carry no amounts, or refunds cancel every purchase): there is no value to rank them by. Import orders with an amount column, or rank the customers by how often they buy with --value orders.",
    )
  }
  const value = checkValueExpression(opts.value ?? defaultValueExpression(tableCols), tableCols)
  if (opts.value !== undefined) await probeValueExpression(engine, table, value, tableCols)
  const o = resolveOptions({ ...opts, table }, value)
  const flat = await valueSpreadNote(engine, o, opts.value !== undefined)
  const columns = new Map<string, ReadonlySet<string>>([[table, tableCols]])
  const tables = new Map<string, string>()
  // an optional table that exists but is empty (the schema creates them up front) is absent
  for (const [name, candidates] of Object.entries(OPTIONAL_TABLES)) {
    for (const t of candidates) {
      const cols = found.get(t)
      if (!cols) continue
      const [c] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`)
      if ((c?.n ?? 0) === 0) continue
      columns.set(name, cols)
      tables.set(name, t)
      break
    }
  }
  const ctx: InsightsContext = { engine, opts: o, columns, tables, notes: [], priced }
  if (flat) ctx.notes.push(flat)
  // an as-of past the last order reads as silence: analyze warns of it, and so do the insights,
  // where lapsed best count that silence most
  if (state && table === DEFAULTS.table && state.asOf === o.asOf) {
    const gap = asOfGapNote(
      state.orders,
      { day: state.asOf, given: state.given },
      'lapsed best (silence against the usual gap), the rising stars and the retention figures',
    )
    if (gap) ctx.notes.push(gap.message)
  }
  const timings: Record<string, number> = {}
  const timed = async <T>(i: number, fn: () => Promise<T>): Promise<T> => {
    const label = INSIGHTS_STEPS[i]!
    const t0 = performance.now()
    const r = await progress.step(label, fn)
    timings[label] = Math.round(performance.now() - t0) / 1000
    return r
  }
  const d = engine.dialect
  const facts = await timed(0, async () => {
    await engine.exec(
      insightsBase(d, {
        table,
        value,
        topShare: o.topShare,
        minHistoryDays: o.minHistoryDays,
        pAlive: tableCols.has('p_alive'),
        tier: tableCols.has('tier'),
        predictedValue: tableCols.has('predicted_value'),
        customers: columns.has('customers'),
      }),
    )
    const [f] = await engine.query<{
      customers: number
      eligible: number
      top: number
      threshold: number | null
      top_value: number | null
      eligible_value: number | null
    }>(insightsCohortFacts(d))
    return f!
  })
  if (facts.eligible === 0) {
    ctx.notes.push(
      `No customer has ${formatCount(o.minHistoryDays, 'day')} of history by ${o.asOf}: \`loyals insights --min-history-days\` with fewer days ranks a top cohort.`,
    )
  }
  await timed(1, async () => {
    await engine.exec(insightsPurchaseDays(d, { asOf: o.asOf }))
    await engine.exec(insightsFirstOrders(d, { asOf: o.asOf, earlyDays: o.earlyDays }))
  })
  const path = await timed(2, () => pathToBest(ctx))
  const over = await timed(3, () => whereBestOverIndex(ctx))
  const stars = await timed(4, () =>
    risingStars(
      ctx,
      buildFeatures(ctx, over.levels, path?.all ?? [], path?.categories ?? []),
      currency,
      facts.threshold,
    ),
  )
  const lapsed = await timed(5, () => lapsedBest(ctx))
  // the tiers the best first, for both the KPI tables and the survey groups
  const tiers = tableCols.has('tier') ? await tierOrder(ctx) : []
  const kpis = await timed(6, () => cohortsKpis(ctx, tiers))
  const surveys = await timed(7, () => surveyLists(ctx, tiers))
  const profile = await engine.query<TopProfileRow & Record<string, unknown>>(
    insightsTopProfile(d, { days: STICKY_DAYS }),
  )
  const icp = icpText(over, path?.summary ?? null, stars?.summary ?? null, profile, {
    topShare: o.topShare,
    stickyDays: STICKY_DAYS,
    currency,
    topCustomers: Number(facts.top),
    eligible: Number(facts.eligible),
  })
  const summary: InsightsSummary = {
    schemaVersion: 1,
    asOf: o.asOf,
    cohort: {
      valueExpression: value,
      customers: facts.customers,
      eligible: facts.eligible,
      top: facts.top,
      topShare: o.topShare,
      minHistoryDays: o.minHistoryDays,
      // to 15 significant digits: a sum of doubles left 706.1300000000001 in insights.json
      threshold: facts.threshold === null ? null : Number(Number(facts.threshold).toPrecision(15)),
      // a share of a total of 0 or less is none: with values below 0 (revenue - 1000) the top
      // "held -128 %" of it, or 2 % as a negative over a negative
      topValueShare:
        facts.eligible_value !== null && facts.eligible_value > 0 && facts.top_value !== null
          ? facts.top_value / facts.eligible_value
          : null,
    },
    pathToBest: path?.summary ?? null,
    risingStars: stars?.summary ?? null,
    lapsedBest: lapsed,
    overIndex: over,
    icp,
    kpis,
    surveys: { size: o.surveySize, seed: o.seed, restDays: o.surveyRestDays, groups: surveys },
    notes: ctx.notes,
    timings,
  }
  return {
    summary,
    context: ctx,
    itemsets: path?.all ?? [],
    risingStars: stars?.csv ?? [],
    overIndex: over.levels,
  }
}

export interface InsightsFiles {
  readonly dir: string
  readonly json: string
  readonly html: string
  readonly csv: readonly string[]
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}
const csv = (header: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`

const sqlPath = (p: string): string => `'${p.replaceAll("'", "''")}'`

/** The files `writeInsightsFiles` writes into its directory. */
export const INSIGHTS_FILES = [
  'insights.json',
  'insights.html',
  'path_to_best.csv',
  'rising_stars.csv',
  'lapsed_best.csv',
  'over_index.csv',
  'cohorts.csv',
  'survey_samples.csv',
] as const

/**
 * Write insights.json, insights.html and the CSV files (path_to_best, rising_stars, lapsed_best,
 * over_index, cohorts, survey_samples) into `dir`. Per-customer lists are COPYed by the engine.
 * @throws UsageError when the directory cannot be created or written.
 */
export async function writeInsightsFiles(
  result: InsightsResult,
  analysis: AnalysisSummary,
  dir: string,
): Promise<InsightsFiles> {
  const { summary, context: ctx } = result
  // made, none of the files a directory, writable: said before any file is written
  const out = await readyOutDir(dir, INSIGHTS_FILES)
  const p = (f: string) => join(out, f)
  const files: string[] = []
  // the eight files land together once all are written (a stopped run leaves the last set)
  const set = new FileSet()
  try {
    const text = async (name: string, body: string) => {
      await set.write(p(name), (tmp) => writeFile(tmp, body))
      files.push(p(name))
    }
    const copy = async (name: string, q: { sql: string; params?: readonly unknown[] }) => {
      await set.write(p(name), (tmp) =>
        ctx.engine.exec({
          sql: `COPY (${q.sql}) TO ${sqlPath(tmp)} (FORMAT csv, HEADER true)`,
          params: q.params,
        }),
      )
      files.push(p(name))
    }
    await text(
      'path_to_best.csv',
      csv(
        [
          'items',
          'size',
          'customers',
          'support',
          'top_customers',
          'p_top',
          'lift',
          'lower95',
          'upper95',
          'p_value',
          'q_value',
          'productive_p',
          'productive_q',
          'productive',
        ],
        result.itemsets.map((s) => [
          s.items.join(' + '),
          s.items.length,
          s.customers,
          s.support,
          s.topCustomers,
          s.rate,
          s.lift,
          s.lower,
          s.upper,
          s.pValue,
          s.qValue,
          s.productiveP,
          s.productiveQ,
          s.productive,
        ]),
      ),
    )
    await text(
      'rising_stars.csv',
      csv(
        ['customer_id', 'propensity', 'value', 'reason_1', 'reason_2', 'reason_3'],
        result.risingStars.map((r) => [
          r.customerId,
          r.propensity,
          r.value,
          r.reasons[0]?.text,
          r.reasons[1]?.text,
          r.reasons[2]?.text,
        ]),
      ),
    )
    await copy('lapsed_best.csv', lapsedQuery(ctx))
    await text(
      'over_index.csv',
      csv(
        [
          'attribute',
          'level',
          'customers',
          'top_customers',
          'share_all',
          'share_top',
          'index',
          'index_lower',
          'index_upper',
          'p_value',
          'p_holm',
          'q_value',
        ],
        result.overIndex.map((l) => [
          l.attribute,
          l.level,
          l.customers,
          l.topCustomers,
          l.shareAll,
          l.shareTop,
          l.index,
          l.indexLower,
          l.indexUpper,
          l.pValue,
          l.pHolm,
          l.qValue,
        ]),
      ),
    )
    const r = summary.kpis.retention
    const cohortRows: unknown[][] = []
    r.cohorts.forEach((c, i) => {
      for (let k = 0; k < r.periods; k++) {
        const cust = r.customers[i * r.periods + k]
        if (cust === null || cust === undefined) continue
        cohortRows.push([c, k, r.sizes[i], cust, r.revenue[i * r.periods + k]])
      }
    })
    await text(
      'cohorts.csv',
      csv(
        ['cohort', 'months_since', 'cohort_size', 'customer_retention', 'revenue_vs_first_month'],
        cohortRows,
      ),
    )
    await copy('survey_samples.csv', surveyQuery(ctx))
    const json = p('insights.json')
    await set.write(json, (tmp) => writeFile(tmp, `${JSON.stringify(summary, null, 2)}\n`))
    const html = p('insights.html')
    await set.write(html, (tmp) => writeFile(tmp, renderInsightsReport(analysis, summary)))
    await set.commit()
    return { dir: out, json, html, csv: files }
  } finally {
    await set.discard()
  }
}

/** insights.html: the report page with only the insights sections. */
export function renderInsightsReport(analysis: AnalysisSummary, insights: InsightsSummary): string {
  return renderReport({ ...analysis, insights }, insightsSections(), {
    title: 'What the best customers have in common',
    footer: 'Generated by Loyals',
  })
}

export { INSIGHTS_BASE }
