// The analyze use case: summary -> RFM -> concentration -> one ranked per-customer table, all in
// the engine; only aggregates (a few hundred rows) come back to JS. The per-customer files are
// written by the engine (COPY), so a million customers never become JS objects.
import { existsSync } from 'node:fs'
import { rmdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_RFM_RULES, type RfmRules } from '../core/rfm-segments.ts'
import { DEFAULT_VALUE_CONFIG, type ValueConfig } from '../core/value/config.ts'
import type { Engine, Query } from '../data/engine.ts'
import { analysisTotals } from '../data/queries/analysis-totals.ts'
import { REVENUE_RANKS, revenueRanks } from '../data/queries/concentration-ranked.ts'
import {
  customerAnalysis,
  customerAnalysisExport,
  topCustomers,
} from '../data/queries/customer-analysis.ts'
import { scientificCustomerIds } from '../data/queries/customer-ids-scientific.ts'
import { customersWithoutPurchase } from '../data/queries/customers-without-purchase.ts'
import { engineThreads, setThreads, withThreads } from '../data/queries/engine-threads.ts'
import { pathLit } from '../data/queries/import-stage.ts'
import { insightsPriced } from '../data/queries/insights-priced.ts'
import { segmentProfile } from '../data/queries/segment-profile.ts'
import { unlinkedRefunds } from '../data/queries/unlinked-refunds.ts'
import { analysisView } from '../data/queries/value-view.ts'
import { UsageError } from '../errors.ts'
import { formatCount, formatInt, formatMoney, formatPct } from '../report/format.ts'
import { renderReport } from '../report/render.ts'
import { defaultSections } from '../report/sections/index.ts'
import { recordAnalysis } from './analysis-state.ts'
import type {
  AnalysisSummary,
  ConcentrationSummary,
  QualityNote,
  SegmentRow,
  TopCustomer,
} from './analysis-summary.ts'
import { type Concentration, concentration, marginKnown } from './concentration.ts'
import { requireEmbedded } from './embedded-only.ts'
import { FileSet } from './file-set.ts'
import { computeInsights, type InsightsOptions } from './insights/index.ts'
import { readyOutDir } from './out-dir.ts'
import {
  buildPredictions,
  checkPredictOptions,
  PREDICTION_TABLE,
  type PredictOptions,
} from './predict.ts'
import { buildRfm } from './rfm.ts'
import { checkOutputsApart, sourceFiles } from './same-file.ts'
import {
  asOfGapNote,
  buildCustomerSummary,
  type OrderFacts,
  type TimeUnit,
  UNIT_DAYS,
} from './summary.ts'
import { buildValue, dropValueView, unvaluedWork, type ValueRun } from './value.ts'
import type { ValueSummary } from './value-summary.ts'

export const ANALYSIS_TABLE = 'customer_analysis'
export const DEFAULT_OUT_DIR = './loyals-out'
export const TOP_CUSTOMERS = 20
/** The files `analyze` writes into its output directory. */
export const OUTPUT_FILES = [
  'customers.csv',
  'customers.parquet',
  'summary.json',
  'report.html',
] as const

/** Runs one named step; the CLI passes one that draws a progress bar when a step is slow. */
export interface StepRunner {
  step<T>(label: string, fn: () => Promise<T>): Promise<T>
}

const direct: StepRunner = { step: (_label, fn) => fn() }

/** The steps `analyze` runs, in order (for a progress bar's total). */
export const ANALYZE_STEPS = [
  'summarizing customers',
  'scoring RFM segments',
  'measuring concentration',
  'predicting purchases and value',
  'ranking customers',
  'valuing customers',
  'writing customers.parquet',
  'writing customers.csv',
  'writing summary.json and report.html',
  // runs after the customer files (analyze) or after 'valuing customers' (computeAnalysis);
  // listed last so the indices above stay
  'learning from the best customers',
] as const

export interface AnalyzeOptions {
  /** Calibration end (YYYY-MM-DD); default the last order day. */
  readonly asOf?: string
  readonly unit?: TimeUnit
  readonly rules?: RfmRules
  /** What was analyzed, as the user named it (shown in the report). */
  readonly source: string
  readonly topCustomers?: number
  readonly progress?: StepRunner
  /** Clock for `generatedAt` (tests pin it). */
  readonly now?: () => Date
  /**
   * Purchase and value predictions (src/service/predict.ts); false leaves them out. How many top
   * customers they list is this analysis's `topCustomers`, and the analysis runs its own engine
   * work alongside the fits, so those two of PredictOptions are not taken here.
   */
  readonly predictions?: Omit<PredictOptions, 'topCustomers' | 'alongside'> | false
  /** Whole-customer value (src/service/value.ts); false leaves it out. Default: default config. */
  readonly value?: AnalyzeValueOptions | false
  /**
   * Insights on the best customers (src/service/insights, docs/insights.md) as the summary's
   * `insights` block and report sections. `computeAnalysis` runs them only when given;
   * `analyze` runs them unless false (they add up to a minute on 10M orders).
   */
  readonly insights?: Omit<InsightsOptions, 'asOf' | 'table'> | false
  /** What reading the orders file decided for the user (a date shape, skipped rows): noted first. */
  readonly readNotes?: readonly string[]
}

export interface AnalyzeValueOptions {
  /** Parsed value configuration (cost rates, referrals, engagement, loyalty, tiers). */
  readonly config?: ValueConfig
  /** The configuration named a currency (else the orders' currency is used). */
  readonly currencyExplicit?: boolean
  /** The configuration's file, named by the currency error. */
  readonly configSource?: string
  /** Keep this run's tiers for the next run's grace period (default true). */
  readonly persistTiers?: boolean
  /** Start the grace periods afresh (ValueOptions.resetTiers). */
  readonly resetTiers?: boolean
  /** Receives the value run (per-customer reasons and referral trees, for `loyals customer`). */
  readonly onValue?: (run: ValueRun) => void
}

export interface AnalysisFiles {
  readonly dir: string
  readonly csv: string
  readonly parquet: string
  readonly json: string
  readonly html: string
}

export interface AnalyzeResult {
  readonly summary: AnalysisSummary
  readonly files: AnalysisFiles
}

/**
 * Compute every aggregate of the analysis and leave the per-customer table `customer_analysis`
 * in the engine (TEMP) for `writeAnalysisFiles`. Definitions: summary statistics after Fader,
 * Hardie & Lee (2005) (docs/summary.md), RFM quintiles and segments (docs/rfm.md),
 * concentration (top shares, deciles, Lorenz, Gini; docs/summary.md).
 *
 * @example
 *   const summary = await computeAnalysis(engine, { source: 'orders.csv', unit: 'week' })
 *   summary.concentration.revenue.topShares.find((t) => t.percent === 10)?.share
 * @throws DataError when there are no orders or nobody purchased by asOf; UsageError for a bad
 *   date, unit, rules or prediction option (a horizon past ten years, checked before any work).
 */
export async function computeAnalysis(
  engine: Engine,
  opts: AnalyzeOptions,
): Promise<AnalysisSummary> {
  requireEmbedded(engine, 'analyze')
  // a JavaScript caller may leave the options out: say what is needed, not a TypeError
  if (typeof opts !== 'object' || opts === null) {
    throw new UsageError(
      "computeAnalysis(engine, opts) needs its options, at least the source's name: { source: 'orders.csv' }",
    )
  }
  const top = opts.topCustomers
  if (top !== undefined && !(Number.isInteger(top) && top >= 0)) {
    throw new UsageError(`topCustomers must be a whole number >= 0 (got ${top})`)
  }
  const unit = opts.unit ?? 'week'
  // refused before the customers are summarized, as the CLI refuses its flags
  if (opts.predictions) checkPredictOptions(opts.predictions, unit)
  const progress = opts.progress ?? direct
  const rules = opts.rules ?? DEFAULT_RFM_RULES
  const info = await progress.step(ANALYZE_STEPS[0], () =>
    buildCustomerSummary(engine, { asOf: opts.asOf, unit }),
  )
  // A transaction log without spend (every amount 0) has nothing to score M on or to value in money.
  const measured = info.orders.priced > 0
  const rfm = await progress.step(ANALYZE_STEPS[1], () =>
    buildRfm(engine, { table: info.table, rules, ...(measured ? {} : { monetary: false }) }),
  )
  // Revenue concentration is read from the analysis table's ranking (below): one sort of the
  // customers by revenue serves both. Margin has a ranking of its own.
  const marginConc = await progress.step(ANALYZE_STEPS[2], async () =>
    (await marginKnown(engine, info.table))
      ? await concentration(engine, { table: info.table, value: 'margin' })
      : null,
  )
  // The revenue ranking needs nothing from the predictions: issued as the model fits start, the
  // engine ranks while the JavaScript fits; without predictions it runs in the ranking step.
  const ranking = await onceBeside(
    engine,
    revenueRanks(engine.dialect, { scored: rfm.scoredRows, ranked: REVENUE_RANKS }),
    opts.predictions !== false,
  )
  const predictions =
    opts.predictions === false
      ? null
      : await progress.step(ANALYZE_STEPS[3], () =>
          buildPredictions(engine, info, {
            ...(opts.predictions || {}),
            topCustomers: opts.topCustomers ?? TOP_CUSTOMERS,
            alongside: ranking.beside,
          }),
        )
  const summary = await progress.step<AnalysisSummary>(ANALYZE_STEPS[4], async () => {
    const d = engine.dialect
    await ranking.done()
    await dropValueView(engine, ANALYSIS_TABLE)
    await engine.exec(
      customerAnalysis(d, {
        scored: rfm.scoredRows,
        table: ANALYSIS_TABLE,
        ranks: REVENUE_RANKS,
        ...(predictions ? { predictions: PREDICTION_TABLE } : {}),
      }),
    )
    // once the table is made: a failed statement left a date and unit recorded that it had not
    recordAnalysis(engine, {
      table: ANALYSIS_TABLE,
      asOf: info.asOf,
      unitDays: UNIT_DAYS[unit],
      given: opts.asOf !== undefined,
      orders: info.orders,
    })
    const revenueConc = await concentration(engine, { value: 'revenue', ranked: REVENUE_RANKS })
    await engine.exec(`DROP TABLE IF EXISTS ${REVENUE_RANKS}`)
    const [t] = await engine.query<TotalsRow>(analysisTotals(d, { table: ANALYSIS_TABLE }))
    const f = info.orders
    const segs = await engine.query<SegmentProfileRow>(segmentProfile(d, { table: ANALYSIS_TABLE }))
    const tops = await engine.query<TopRow>(
      topCustomers(d, { table: ANALYSIS_TABLE, limit: opts.topCustomers ?? TOP_CUSTOMERS }),
    )
    if (!t) throw new Error('analysis totals returned no row')
    // refunds may leave a customer without any purchase day: outside the summary, said in a note
    const [left] =
      f.refunds > 0
        ? await engine.query<LeftOut>(
            customersWithoutPurchase(d, { summary: info.table, asOf: info.asOf }),
          )
        : []
    const [sci] = await engine.query<ScientificIds>(
      scientificCustomerIds(d, { table: ANALYSIS_TABLE }),
    )
    // refunds naming no order lower revenue on no day: said, with how many fall on a bought day
    const [unlinked] =
      f.refunds > f.refundMarks
        ? await engine.query<Unlinked>(unlinkedRefunds(d, { asOf: info.asOf }))
        : []
    // without amounts FM is F alone: the descriptions that speak of spend give way
    const descriptions = new Map(
      rules.rules.map((r) => [
        r.name,
        (measured ? r.description : (r.descriptionWithoutSpend ?? r.description)) ?? null,
      ]),
    )
    const currency = f.currencies === 1 ? f.currency : null
    return {
      schemaVersion: 1,
      generatedAt: (opts.now ?? (() => new Date()))().toISOString(),
      source: opts.source,
      asOf: info.asOf,
      unit,
      currency,
      period: { firstPurchase: t.first_purchase, lastPurchase: t.last_purchase },
      counts: {
        customers: t.customers,
        orders: t.orders,
        repeatCustomers: t.repeat_customers,
        oneTimeCustomers: t.customers - t.repeat_customers,
        ordersAfterAsOf: f.ordersAfter,
        amountAfterAsOf: f.amountAfter,
      },
      revenue: {
        measured,
        total: t.revenue,
        margin: t.margin_customers > 0 ? t.margin : null,
        marginRevenue: t.margin_customers > 0 ? t.margin_revenue : null,
        perCustomer: t.customers > 0 ? t.revenue / t.customers : 0,
        averageOrderValue: t.orders > 0 ? t.revenue / t.orders : 0,
        holdout: t.holdout_revenue,
      },
      concentration: {
        revenue: toConcentrationSummary(revenueConc),
        margin: marginConc ? toConcentrationSummary(marginConc) : null,
      },
      rfm: {
        segments: segs.map(
          (s): SegmentRow => ({
            segment: s.segment,
            description: descriptions.get(s.segment) ?? null,
            customers: s.customers,
            share: s.share,
            revenue: s.revenue,
            revenueShare: s.revenue_share,
            avgRecencyDays: s.avg_recency_days,
            avgFrequency: s.avg_orders,
            avgMonetary: s.avg_revenue,
          }),
        ),
        grid: rfm.grid.map((g) => ({
          r: g.r_score,
          fm: g.fm_score,
          segment: g.rfm_segment,
          customers: g.customers,
          revenue: g.revenue,
        })),
      },
      topCustomers: tops.map(toTopCustomer),
      quality: [
        ...(opts.readNotes ?? []).map((message) => ({ level: 'info' as const, message })),
        ...qualityNotes(
          t,
          f,
          { day: info.asOf, given: opts.asOf !== undefined },
          revenueConc,
          {
            currency,
            configured: measured ? configuredCurrency(opts.value) : null,
          },
          left,
          measured ? valueMarginRate(opts) : null,
        ),
        ...tiedRecencyNote(rfm.grid),
        ...oneTimeBuyersNote(t, measured),
        ...tiedMeasureNotes(t, measured, currency),
        ...spreadsheetIdsNote(sci),
        ...unlinkedRefundsNote(unlinked),
      ],
      ...(predictions ? { predictions } : {}),
    }
  })
  // without amounts every profit would be minus the cost to serve: no value step (quality note)
  if (opts.value === false || !measured) return withInsights(engine, summary, opts, progress)
  const v = opts.value ?? {}
  const run = await progress.step(ANALYZE_STEPS[5], () =>
    buildValue(engine, ANALYSIS_TABLE, {
      config: v.config ?? DEFAULT_VALUE_CONFIG,
      asOf: info.asOf,
      unitDays: UNIT_DAYS[unit],
      predictions: predictions ? PREDICTION_TABLE : null,
      dataCurrency: summary.currency,
      discounts: info.orders.discounts > 0,
      freeOrders: info.orders.free > 0,
      refunds: info.orders.refunds > 0,
      ...(v.currencyExplicit ? { currencyExplicit: true } : {}),
      ...(v.configSource ? { configSource: v.configSource } : {}),
      ...(v.persistTiers === false ? { persistTiers: false } : {}),
      ...(v.resetTiers ? { resetTiers: true } : {}),
    }),
  )
  v.onValue?.(run)
  const quality = [...summary.quality, ...unvaluedNote(run.summary), ...lookBackNote(run.summary)]
  return withInsights(engine, { ...summary, quality, value: run.summary }, opts, progress)
}

/**
 * A run dated before the stored tier states (value.ts): it keeps them, so its grace periods do not
 * move on, and a user running dates back in turn saw grace never apply without a word why.
 */
function lookBackNote(v: ValueSummary): QualityNote[] {
  const at = v.tiers.statesStoredAsOf
  if (at === null) return []
  return [
    {
      level: 'info',
      message: `Tier states are stored as of ${at}, after this run's as-of date: this run is a look at the past, so it stores no tier state and moves no grace period on (the next run continues from ${at}; --reset-tiers makes this run the one it continues from).`,
    },
  ]
}

/**
 * Customers left without a purchase day who cost something to serve (value-unvalued.ts): the
 * value step cannot value them, so their cost is said rather than lost.
 */
function unvaluedNote(v: ValueSummary): QualityNote[] {
  const u = v.unvalued
  if (!u || u.customers === 0) return []
  const one = u.customers === 1
  const what = unvaluedWork(u)
  return [
    {
      level: 'warning',
      message: `${formatCount(u.customers, 'customer')} with no purchase day left (only refunds, or orders refunded in full) cost ${formatMoney(u.costToServe, v.currency, v.locale)} to serve (${what}): served at a loss, but not valued, so ${one ? 'this customer is' : 'they are'} in neither the customer value nor the customers served at a loss (summary.json value.unvalued lists ${one ? 'it' : 'them'}).`,
    },
  ]
}

/**
 * `q` (a statement without results) run once: `beside()` issues it while JavaScript holds a core
 * (`besideJs`: DuckDB, several engine threads), on one engine thread with the count set back
 * after; `done()` issues it if nothing has yet and awaits it. A failure surfaces from `done()`.
 */
async function onceBeside(
  engine: Engine,
  q: Query,
  besideJs: boolean,
): Promise<{ beside: () => void; done: () => Promise<void> }> {
  // the fits hold a core, and two engine threads beside them slowed both (10M orders, fits and
  // ranking: 4.4-4.9 s on one engine thread, 4.5-5.4 s on two, 5.1-6.2 s one after the other)
  const threads =
    besideJs && engine.dialect === 'duckdb'
      ? ((await engine.query<{ threads: number }>(engineThreads()))[0]?.threads ?? 1)
      : 1
  let run: Promise<void> | null = null
  return {
    beside() {
      run ??=
        threads < 2
          ? engine.exec(q)
          : engine.exec(withThreads(q.sql, 1, threads)).catch(async (e: unknown) => {
              await engine.exec(setThreads(threads))
              throw e
            })
      // awaited by done(); caught here only so that a failed fit leaves no unhandled rejection
      run.catch(() => {})
    },
    done() {
      run ??= engine.exec(q)
      return run
    },
  }
}

/**
 * Adds the insights block, computed on the finished table (value and tiers included), when
 * `opts.insights` is given; else returns `summary` as it is.
 */
async function withInsights(
  engine: Engine,
  summary: AnalysisSummary,
  opts: AnalyzeOptions,
  progress: StepRunner,
): Promise<AnalysisSummary> {
  if (!opts.insights) return summary
  const leftOut = (why: string): AnalysisSummary => {
    const message = `Insights on the best customers (path to best, rising stars, lapsed best, over-indexing) rank customers by value, ${why}: they are left out.`
    return { ...summary, quality: [...summary.quality, { level: 'info', message }] }
  }
  // the best customers are found by value: with every amount 0 they would be picked by the tie
  // order, and every first-order-value pattern would be an artefact of it
  if (!summary.revenue.measured) {
    return leftOut(
      'which needs amounts (`loyals insights --value orders` ranks them by their orders)',
    )
  }
  // amounts, but every customer's net revenue 0 (each purchase refunded): nothing to rank either
  const [priced] = await engine.query<{ n: number }>(
    insightsPriced(engine.dialect, { table: ANALYSIS_TABLE }),
  )
  if (Number(priced?.n ?? 0) === 0) {
    return leftOut("and every customer's net revenue is 0 (refunds cancel every purchase)")
  }
  const insights = opts.insights
  const r = await progress.step(ANALYZE_STEPS[9], () =>
    computeInsights(engine, { ...insights, asOf: summary.asOf }, undefined, summary.currency),
  )
  // timings name the run, not the data: summary.json leaves them to insights.json
  const { timings: _timings, ...block } = r.summary
  return { ...summary, insights: block }
}

/**
 * Write customers.csv, customers.parquet (by the engine, from `customer_analysis`), summary.json
 * and report.html into `dir` (created if missing). Each file is written under a temporary name
 * and renamed, so a crash never leaves a half-written file under the final name.
 * @throws UsageError when the directory cannot be created or written; QueryError from COPY.
 */
export async function writeAnalysisFiles(
  engine: Engine,
  summary: AnalysisSummary,
  dir: string,
  progress: StepRunner = direct,
): Promise<AnalysisFiles> {
  const set = new FileSet()
  try {
    const files = await writeCustomerFiles(
      engine,
      await readyOutDir(dir, OUTPUT_FILES),
      progress,
      set,
    )
    await writeSummaryFiles(summary, files, progress, set)
    await set.commit()
    return files
  } finally {
    await set.discard()
  }
}

/**
 * The per-customer files (customers.parquet, customers.csv) of `writeAnalysisFiles`, into `set`
 * (in place at its commit), and the names of all four, in `out`, a directory readyOutDir made
 * ready.
 */
async function writeCustomerFiles(
  engine: Engine,
  out: string,
  progress: StepRunner,
  set: FileSet,
): Promise<AnalysisFiles> {
  if (engine.dialect !== 'duckdb') {
    throw new UsageError('writing analysis files needs the embedded DuckDB store')
  }
  const files: AnalysisFiles = {
    dir: out,
    csv: join(out, 'customers.csv'),
    parquet: join(out, 'customers.parquet'),
    json: join(out, 'summary.json'),
    html: join(out, 'report.html'),
  }
  // The analysis (with the value view's columns) is evaluated once, into the Parquet file; the CSV
  // is that file re-read, in the same order. Evaluating the view a second time, and sorting a
  // million wide rows for each file, cost more than reading the Parquet back. Snappy (DuckDB's
  // default) rather than zstd: the file is ~30 % larger but written with 40 % less CPU.
  const select = customerAnalysisExport(engine.dialect, { table: ANALYSIS_TABLE, stored: true }).sql
  await progress.step(ANALYZE_STEPS[6], () =>
    set.write(files.parquet, (tmp) =>
      engine.exec(`COPY (${select}) TO ${sqlPath(tmp)} (FORMAT parquet, COMPRESSION snappy)`),
    ),
  )
  // Without the value step the analysis is a stored table, which the CSV writer reads for less
  // than decoding the Parquet file (~0.3 s of 1.5 s at a million customers).
  const [view] = await engine.query<{ n: number }>(
    analysisView(engine.dialect, { analysis: ANALYSIS_TABLE }),
  )
  const csvFrom =
    Number(view?.n) > 0
      ? `SELECT * FROM read_parquet(${pathLit(set.tmpOf(files.parquet))})`
      : select
  await progress.step(ANALYZE_STEPS[7], () =>
    set.write(files.csv, (tmp) =>
      engine.exec(
        `COPY (${csvFrom}) TO ${sqlPath(tmp)} (FORMAT csv, HEADER true, DATEFORMAT '%Y-%m-%d')`,
      ),
    ),
  )
  return files
}

/** summary.json and report.html of `writeAnalysisFiles`, into `set`. */
async function writeSummaryFiles(
  summary: AnalysisSummary,
  files: AnalysisFiles,
  progress: StepRunner,
  set: FileSet,
): Promise<void> {
  await progress.step(ANALYZE_STEPS[8], async () => {
    await set.write(files.json, (tmp) => writeFile(tmp, `${JSON.stringify(summary, null, 2)}\n`))
    await set.write(files.html, (tmp) => writeFile(tmp, renderAnalysisReport(summary)))
  })
}

/** The analysis report as one self-contained HTML page (default sections). */
export function renderAnalysisReport(summary: AnalysisSummary): string {
  return renderReport(summary, defaultSections(), { footer: 'Generated by Loyals' })
}

/**
 * Analyze the orders in `engine` and write the four output files to `outDir`.
 * @example const { summary, files } = await analyze(engine, './loyals-out', { source: 'orders.csv' })
 * @throws as `computeAnalysis` and `writeAnalysisFiles`.
 */
export async function analyze(
  engine: Engine,
  outDir: string,
  opts: AnalyzeOptions,
): Promise<AnalyzeResult> {
  if (typeof outDir !== 'string' || outDir === '') {
    throw new UsageError(
      `analyze(engine, outDir, opts) needs the directory to write to (got ${outDir === '' ? 'an empty string' : outDir === null ? 'null' : typeof outDir})`,
    )
  }
  // The customer files are written before the insights: those fill the engine's memory with their
  // own tables (10M orders: ~0.7 GB of the analysis spilled to disk), and writing the files after
  // them took 8.4-8.8 s for the Parquet file and 6.4-7.2 s for the CSV, against 4.1 and 5.2 s.
  if (typeof opts !== 'object' || opts === null) {
    throw new UsageError(
      'analyze(engine, outDir, opts) needs its options: { source, asOf?, unit?, ... } (docs/outputs.md)',
    )
  }
  // the source as a file that the outputs would replace (customers.csv as the orders file): the
  // CLI refuses it, and the library must not overwrite a caller's input either
  if (typeof opts.source === 'string' && existsSync(opts.source)) {
    checkOutputsApart(outDir, OUTPUT_FILES, sourceFiles(opts.source))
  }
  const progress = opts.progress ?? direct
  // an output place that cannot take the files is said before the work, not after it
  const existed = existsSync(outDir)
  const out = await readyOutDir(outDir, OUTPUT_FILES)
  // the four files land together at the end (FileSet): a run stopped midway leaves the last set
  const set = new FileSet()
  try {
    const analysis = await computeAnalysis(engine, { ...opts, insights: false })
    const files = await writeCustomerFiles(engine, out, progress, set)
    const insights = opts.insights ?? {}
    const summary = await withInsights(engine, analysis, { ...opts, insights }, progress)
    await writeSummaryFiles(summary, files, progress, set)
    await set.commit()
    return { summary, files }
  } catch (e) {
    // the temporary files first: they sit in the directory
    await set.discard()
    // a run that fails (a bad --as-of, no customer by it) leaves no empty directory it made;
    // rmdir takes only an empty one
    if (!existed) await rmdir(out).catch(() => {})
    throw e
  } finally {
    await set.discard()
  }
}

const sqlPath = (p: string): string => `'${p.replaceAll("'", "''")}'`

function toConcentrationSummary(c: Concentration): ConcentrationSummary {
  return {
    value: c.value,
    customers: c.customers,
    total: c.total,
    negativeCustomers: c.negativeCustomers,
    negativeTotal: c.negativeTotal,
    topShares: c.top.map((t) => ({
      percent: t.pct,
      customers: t.customers,
      value: t.value,
      share: t.share,
    })),
    deciles: c.deciles.map((d) => ({
      decile: d.decile,
      customers: d.customers,
      value: d.value,
      share: d.share,
      cumulativeShare: d.cumulative_share,
      revenue: d.revenue,
      orders: d.orders,
      ordersPerCustomer: d.orders_per_customer,
      averageOrderValue: d.aov,
      minValue: d.min_value,
      maxValue: d.max_value,
    })),
    lorenz: c.lorenz.map((p) => ({ customers: p.customer_share, value: p.value_share })),
    gini: c.gini,
  }
}

function toTopCustomer(r: TopRow): TopCustomer {
  return {
    rank: r.revenue_rank,
    customerId: r.customer_id,
    revenue: r.revenue,
    share: r.revenue_share,
    cumulativeShare: r.cumulative_revenue_share,
    margin: r.margin,
    orders: r.orders,
    repeatPurchases: r.repeat_purchase_days,
    averageOrderValue: r.aov,
    firstPurchase: r.first_purchase,
    lastPurchase: r.last_purchase,
    daysSinceLast: r.days_since_last,
    segment: r.rfm_segment,
    r: r.r_score,
    f: r.f_score,
    m: r.m_score,
  }
}

/** The margin rate the value step will assume where the data has none; null without that step. */
function valueMarginRate(opts: AnalyzeOptions): number | null {
  if (opts.value === false) return null
  return (opts.value?.config ?? DEFAULT_VALUE_CONFIG).costs.defaultMarginRate
}

/**
 * One R score for every customer: their last purchases are tied (a one-day export, everyone on
 * the as-of day), and the tie rule gives the whole group the lowest score, so a customer who
 * bought today reads "Lost". Said rather than hidden; the rule stays one rule (docs/rfm.md).
 */
function tiedRecencyNote(grid: readonly { r_score: number }[]): QualityNote[] {
  const scores = new Set(grid.map((g) => g.r_score))
  if (scores.size !== 1) return []
  const [r] = scores
  return [
    {
      level: 'warning',
      message: `Every customer has the same recency (their last purchases are tied), so every R score is ${r} by the tie rule (tied customers share the lowest score; docs/rfm.md): the segments do not tell customers apart by recency, and a segment such as Lost says nothing about when they bought.`,
    },
  ]
}

/**
 * No customer bought on two days: every F score is 1, and the segments that speak of buying often
 * (Loyal: "buy regularly", At risk: "bought often") were given to one-time buyers on spend alone,
 * with nothing said (a review's file of a million single orders had 239,919 "Loyal").
 */
function oneTimeBuyersNote(t: TotalsRow, measured: boolean): QualityNote[] {
  if (Number(t.repeat_customers) > 0 || Number(t.customers) < 2) return []
  return [
    {
      level: 'warning',
      // without amounts FM is F alone (1 for everyone): no segment named for buying often is given
      message: measured
        ? `No customer bought on more than one day, so every F score is 1 (docs/rfm.md): the segments tell customers apart by recency and spend alone, and one named for buying often or regularly (Loyal, At risk, Cannot lose them) here holds one-time buyers who spent more.`
        : `No customer bought on more than one day, so every F score is 1, and without amounts every FM score too (docs/rfm.md): the segments tell customers apart by recency alone.`,
    },
  ]
}

/**
 * Every customer tied on frequency (all bought on the same number of days, more than one: a box
 * subscription's twelve deliveries) or on spend: the tie rule gives them all F = 1 or M = 1, and
 * the segments tell nobody apart by that measure. Said as tied recency is (one-day buyers have
 * their own note, oneTimeBuyersNote).
 */
function tiedMeasureNotes(t: TotalsRow, measured: boolean, currency: string | null): QualityNote[] {
  if (Number(t.customers) < 2) return []
  const notes: QualityNote[] = []
  const days = Number(t.most_days)
  if (days > 1 && Number(t.fewest_days) === days) {
    notes.push({
      level: 'warning',
      message: `Every customer bought on the same number of days (${formatInt(days)}), so every F score is 1 by the tie rule (tied customers share the lowest score; docs/rfm.md): the segments do not tell customers apart by how often they bought.`,
    })
  }
  if (measured && t.most_revenue !== null && Number(t.least_revenue) === Number(t.most_revenue)) {
    notes.push({
      level: 'warning',
      message: `Every customer has the same revenue (${formatMoney(Number(t.most_revenue), currency)}), so every M score is 1 by the tie rule (tied customers share the lowest score; docs/rfm.md): the segments do not tell customers apart by spend.`,
    })
  }
  return notes
}

/** Customer ids in a spreadsheet's scientific notation (scientificCustomerIds). */
interface ScientificIds extends Record<string, unknown> {
  ids: number
  example: string | null
}

/**
 * Customer ids such as 1.23457E+14: a spreadsheet showed a long numeric id as a number and saved
 * it so, keeping six digits or so. Customers whose ids share those digits are one id here, with
 * nothing else to tell (a review's two customers of 1.23457E+14 read as one repeat buyer).
 */
function spreadsheetIdsNote(sci: ScientificIds | undefined): QualityNote[] {
  const n = Number(sci?.ids ?? 0)
  if (n === 0) return []
  return [
    {
      level: 'warning',
      message: `${formatCount(n, 'customer id')} ${n === 1 ? 'looks' : 'look'} like a number a spreadsheet wrote in scientific notation (${sci?.example}): only its first digits are left, so different customers may have been merged into one id. Save the ids as text (format the column as Text before exporting) and analyze again.`,
    },
  ]
}

/** Refund rows naming no order of their customer (unlinkedRefunds). */
interface Unlinked extends Record<string, unknown> {
  n: number
  same_day: number
}

/**
 * Refunds that name no order (a file without order ids, credit notes with ids of their own) lower
 * revenue but take back no purchase day (docs/summary.md): a day bought and refunded in full
 * still counted as a repeat purchase, its spend in monetary, and nothing said so (a customer of
 * 10, then 50 refunded the same day, read x 1, monetary 50 beside revenue 10).
 */
function unlinkedRefundsNote(u: Unlinked | undefined): QualityNote[] {
  const n = Number(u?.n ?? 0)
  if (n === 0) return []
  const same = Number(u?.same_day ?? 0)
  const one = n === 1
  const onDay =
    same > 0
      ? ` (${same === n ? (one ? 'it falls' : 'all fall') : `${formatInt(same)} of them ${same === 1 ? 'falls' : 'fall'}`} on a day the customer bought, which still counts as a purchase day, with its whole spend in monetary)`
      : ''
  return [
    {
      level: same > 0 ? 'warning' : 'info',
      message: `${formatCount(n, 'refund')} ${one ? 'names' : 'name'} no order of ${one ? 'its' : 'their'} customer: ${one ? 'it lowers' : 'they lower'} revenue but take${one ? 's' : ''} back no purchase day${onDay}. Give each refund the order id of the order it refunds to net it into that order's day (docs/summary.md).`,
    },
  ]
}

/** Customers whose rows up to the as-of date hold no purchase day (customersWithoutPurchase). */
interface LeftOut extends Record<string, unknown> {
  customers: number
  net: number
  refunds: number
}

/** The currency the value configuration names, when the value step runs with one. */
function configuredCurrency(v: AnalyzeOptions['value']): string | null {
  return v && v.currencyExplicit === true ? (v.config?.currency.code ?? null) : null
}

function qualityNotes(
  t: TotalsRow,
  f: OrderFacts,
  // the as-of day, and whether the user set it (the default, the last day of any row, may be a
  // refund's day: a gap by design, not a slip)
  { day: asOf, given: asOfGiven }: { day: string; given: boolean },
  revenue: Concentration,
  // the orders' currency, and the value configuration's when it names one (money is shown in it)
  { currency, configured }: { currency: string | null; configured: string | null },
  left: LeftOut | undefined,
  defaultMargin: number | null,
): QualityNote[] {
  const notes: QualityNote[] = []
  if (f.priced === 0) {
    notes.push({
      level: 'info',
      message:
        'The orders carry no amounts (no amount column, or every amount 0): revenue shares, the monetary score and value in money (profit, cost to serve, value tiers) are not measured. Customers are scored on recency and frequency (FM = F) and ranked by orders.',
    })
  }
  const gap = asOfGapNote(
    f,
    { day: asOf, given: asOfGiven },
    'recency, the R scores, P(alive) and the forecasts',
  )
  if (gap) notes.push(gap)
  if (f.ordersAfter > 0) {
    notes.push({
      level: 'info',
      message: `${formatCount(f.ordersAfter, 'order')} dated after the as-of date ${asOf} ${f.ordersAfter === 1 ? 'is' : 'are'} not counted here; they are kept as the holdout period for models.`,
    })
  }
  // without amounts the first note says what is missing; the notes below speak of amounts
  if (f.priced === 0) return notes
  // the refunds of customers left without a purchase day are in no figure (the warning below)
  const leftRefunds = Number(left?.refunds ?? 0)
  // the marks of cancelled orders of 0 refund no money: they are no refund rows to the reader
  const refunds = f.refunds - f.refundMarks
  const refundsAfter = f.refundsAfter - f.refundMarksAfter
  const netted = refunds - refundsAfter - leftRefunds
  if (refunds > 0) {
    const rows = (n: number) => formatCount(n, 'refund row')
    const isAre = (n: number) => (n === 1 ? 'is' : 'are')
    const said = [
      // the rows the import stores for a refunded amount or an unpaid status count too, so the
      // note names them beside the file's negative amounts
      netted > 0
        ? `${rows(netted)} (negative amounts, refunded amounts, cancelled or refunded orders) ${isAre(netted)} netted into revenue.`
        : '',
      leftRefunds > 0
        ? `${rows(leftRefunds)} of customers without a purchase day ${isAre(leftRefunds)} not netted into revenue (see the warning on them).`
        : '',
      refundsAfter > 0
        ? `${rows(refundsAfter)} dated after the as-of date ${asOf} ${isAre(refundsAfter)} not netted into revenue (not yet known then).`
        : '',
    ].filter((m) => m !== '')
    notes.push({ level: 'info', message: said.join(' ') })
  }
  const gone = Number(left?.customers ?? 0)
  if (gone > 0) {
    const net = Number(left?.net ?? 0)
    notes.push({
      level: 'warning',
      message: `${formatCount(gone, 'customer has', 'customers have')} refunds but no purchase day up to ${asOf} (a refund of an order not in the data, or orders refunded in full): ${gone === 1 ? 'this customer is' : 'they are'} not in these figures, and ${gone === 1 ? 'its' : 'their'} net ${formatMoney(net, currency)} is not in revenue.`,
    })
  }
  if (t.nonpositive_customers > 0) {
    notes.push({
      level: 'warning',
      message:
        refunds > 0
          ? `${formatCount(t.nonpositive_customers, 'customer has', 'customers have')} zero or negative net revenue (orders of 0, or refunds equal to or above their purchases).`
          : `${formatCount(t.nonpositive_customers, 'customer has', 'customers have')} no revenue: every order of theirs is 0 (free orders or samples).`,
    })
  }
  if (revenue.negativeCustomers > 0) {
    notes.push({
      level: 'warning',
      message:
        'Negative revenues count as 0 in the Lorenz curve and Gini; top-customer shares use net revenue and can exceed 100 %.',
    })
  }
  // several currencies never get here: the summary refuses to add them up
  if (currency === null) {
    const shown = configured
      ? `whole-customer value is shown in ${configured}, the value configuration's currency, and the other amounts as plain numbers`
      : 'amounts are shown as is'
    notes.push({ level: 'info', message: `The orders name no currency; ${shown}.` })
  }
  if (t.margin_customers === 0) {
    // the value step prices every customer's revenue at the default margin rate: said, with it
    const assumed =
      defaultMargin === null
        ? 'value is measured by revenue only.'
        : `predictions measure value by revenue; whole-customer value (gross margin, profit, tiers) assumes a gross margin of ${formatPct(defaultMargin)} of revenue for every customer (costs.defaultMarginRate in the value config).`
    notes.push({
      // profit, value and tiers that rest on a margin nobody gave are a warning, which the
      // terminal prints too (as info, only summary.json and the report said it)
      level: defaultMargin === null ? 'info' : 'warning',
      message: `Margin is unknown (no cost or margin column): ${assumed}`,
    })
  } else if (t.margin_customers < t.customers) {
    notes.push({
      level: 'warning',
      message: `Margin is known for ${formatInt(t.margin_customers)} of ${formatCount(t.customers, 'customer')}; margin figures cover those only.`,
    })
  }
  if (t.partial_margin_customers > 0) {
    const n = t.partial_margin_customers
    notes.push({
      level: 'warning',
      message: `${formatCount(n, 'customer has', 'customers have')} a margin (cost) for some orders only: the margin column sums the known ones; whole-customer value prices the rest of the revenue at the default margin rate (costs.defaultMarginRate).`,
    })
  }
  return notes
}

interface TotalsRow extends Record<string, unknown> {
  customers: number
  orders: number
  repeat_customers: number
  revenue: number
  margin: number | null
  margin_revenue: number | null
  margin_customers: number
  partial_margin_customers: number
  holdout_revenue: number
  first_purchase: string | null
  last_purchase: string | null
  nonpositive_customers: number
  fewest_days: number | null
  most_days: number | null
  least_revenue: number | null
  most_revenue: number | null
}

interface SegmentProfileRow extends Record<string, unknown> {
  segment: string
  customers: number
  share: number
  revenue: number
  revenue_share: number | null
  avg_recency_days: number
  avg_orders: number
  avg_revenue: number
}

interface TopRow extends Record<string, unknown> {
  revenue_rank: number
  customer_id: string
  revenue: number
  revenue_share: number | null
  cumulative_revenue_share: number | null
  margin: number | null
  orders: number
  repeat_purchase_days: number
  aov: number | null
  first_purchase: string
  last_purchase: string
  days_since_last: number
  rfm_segment: string
  r_score: number
  f_score: number
  m_score: number | null
}
