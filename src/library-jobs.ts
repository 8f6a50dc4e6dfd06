// The library's jobs on an engine, each run with the engine to itself: two analyses (or an
// analysis and an import) started at once on one engine interleaved their statements on its one
// connection and its shared temp tables, and answered each other's figures or lost rows. Called
// one after the other, they behave as before. The CLI and the server call the jobs directly:
// the server keeps reading profiles between a background refit's statements.
import { type Engine, held } from './data/engine.ts'
import { analyze as analyzeJob, computeAnalysis as computeAnalysisJob } from './service/analyze.ts'
import { customerProfile as customerProfileJob } from './service/customer-profile.ts'
import { importFile as importFileJob } from './service/import/import-file.ts'
import { computeInsights as computeInsightsJob } from './service/insights/index.ts'
import { buildRfm as buildRfmJob } from './service/rfm.ts'
import { buildCustomerSummary as buildCustomerSummaryJob } from './service/summary.ts'
import { buildValue as buildValueJob } from './service/value.ts'

/** `job` with its engine held for the whole call (data/engine.ts held). */
function heldJob<A extends unknown[], R>(
  job: (engine: Engine, ...rest: A) => Promise<R>,
): (engine: Engine, ...rest: A) => Promise<R> {
  return (engine, ...rest) => held(engine, () => job(engine, ...rest))
}

// Each job's description is repeated here: a const made by heldJob carries no doc of its own,
// and an editor showed nothing for the library's main entry points.

/**
 * Analyze the orders in `engine` and write customers.csv, customers.parquet, summary.json and
 * report.html to `outDir`, as `loyals analyze` does.
 * @example const { summary, files } = await analyze(engine, './loyals-out', { source: 'orders.csv' })
 * @throws as `computeAnalysis`.
 */
export const analyze = heldJob(analyzeJob)
/**
 * Every aggregate of the analysis (summary statistics, RFM, concentration, predictions, value),
 * without writing files; leaves the per-customer table `customer_analysis` in the engine.
 * @example const summary = await computeAnalysis(engine, { source: 'orders.csv', unit: 'week' })
 * @throws DataError when there are no orders or nobody purchased by asOf; UsageError for a bad
 *   date, unit, rules or prediction option.
 */
export const computeAnalysis = heldJob(computeAnalysisJob)
/**
 * Import one file (orders, order lines, customers, returns, tickets, referrals, engagement,
 * surveys) into a workspace, as `loyals import` does: validated whole, in one transaction, keyed
 * so that the same file again changes nothing.
 * @example const r = await importFile(engine, 'orders.csv', { kind: 'orders', tz: 'Europe/Berlin' }); r.inserted
 * @throws ImportError naming the bad rows (`problems`, `formatProblem`); another LoyalsError
 *   for a file that cannot be read or a bad option.
 */
export const importFile = heldJob(importFileJob)
/**
 * Value every analysed customer (cost to serve, profit, referral value, engagement, total value,
 * loyalty type, tier, reasons) on the table `computeAnalysis` left (docs/value.md).
 * @example const run = await buildValue(engine, 'customer_analysis', { config: DEFAULT_VALUE_CONFIG,
 *   asOf: '2025-06-30', unitDays: 7, predictions: 'customer_predictions' })
 * @throws UsageError for bad options, or an asOf or unit other than the analysis's; DataError
 *   from the core on inconsistent inputs.
 */
export const buildValue = heldJob(buildValueJob)
/**
 * One customer's whole profile: summary figures, RFM, predictions, value in money, tier, loyalty
 * type, reasons, recent orders and referral tree. It runs the analysis it needs, so it replaces
 * the session's `customer_analysis` table (at its own as-of date): run `computeAnalysis` again
 * before `computeInsights` reads that table.
 * @example const p = await customerProfile(engine, 'C000265', {}); p.tier?.name
 * @throws DataError when the workspace does not know the customer or they have no purchase by
 *   the as-of date; UsageError on a store other than DuckDB.
 */
export const customerProfile = heldJob(customerProfileJob)
/**
 * The per-customer summary table (x, t_x, T, revenue ...) from the orders, after Fader, Hardie &
 * Lee (2005); also on a PostgreSQL engine (docs/summary.md).
 * @example const s = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
 * @throws UsageError for a malformed date, unit or table name; DataError when there are no orders
 *   or no purchase on or before asOf.
 */
export const buildCustomerSummary = heldJob(buildCustomerSummaryJob)
/**
 * The insights on the best customers (path to best, rising stars, lapsed best, where they
 * over-index, cohorts) on the table `computeAnalysis` left (docs/insights.md).
 * @example const r = await computeInsights(engine, { asOf: '2025-12-31' }); r.summary.icp
 * @throws UsageError for bad options, a table of another date or a non-DuckDB store.
 */
export const computeInsights = heldJob(computeInsightsJob)
/**
 * RFM scores 1-5 by quintile and the named segments of every customer of the summary table
 * (docs/rfm.md).
 * @example await buildCustomerSummary(engine, { unit: 'week' }); const rfm = await buildRfm(engine)
 * @throws UsageError for invalid rules or table names (a missing summary says what to run first).
 */
export const buildRfm = heldJob(buildRfmJob)
