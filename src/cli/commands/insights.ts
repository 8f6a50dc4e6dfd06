// `loyals insights`: analyze (summary, RFM, predictions and value when available), then learn from
// the best customers; prints a digest, writes insights.json, insights.html and the CSV lists.
import type { Command } from 'commander'
import { env } from '../../config.ts'
import { UsageError } from '../../errors.ts'
// held (library-jobs.ts): the command is the engine's only user (see analyze.ts)
import { computeAnalysis, computeInsights } from '../../library-jobs.ts'
import {
  formatCount,
  formatInt,
  formatNumber,
  formatPct,
  formatTopShare,
} from '../../report/format.ts'
import { lapsedStake } from '../../report/sections/insights.ts'
import { DEFAULT_OUT_DIR } from '../../service/analyze.ts'
import { checkValueExpression } from '../../service/insights/context.ts'
import {
  INSIGHTS_FILES,
  INSIGHTS_STEPS,
  type InsightsFiles,
  type InsightsSummary,
  writeInsightsFiles,
} from '../../service/insights/index.ts'
import { readyOutDir } from '../../service/out-dir.ts'
import { checkOutputsApart, sourceFiles } from '../../service/same-file.ts'
import { isWorkspaceSource, openSource } from '../../service/source.ts'
import { loadValueConfig } from '../../service/value-config.ts'
import {
  asOfArg,
  dbFlagNote,
  decimalFlag,
  nonEmptyArg,
  outDir,
  requireDuckDbWorkspace,
  resolveDb,
  withDb,
} from '../common.ts'
import {
  type FileCliOptions,
  fileOptions,
  withFileOptions,
  workspaceFlagsNote,
} from '../file-options.ts'
import { eprintln, printJson, println } from '../output.ts'
import { createProgress } from '../progress.ts'

interface InsightsCliOptions extends FileCliOptions {
  asOf?: string
  out: string
  json?: boolean
  db?: string
  topShare: string
  minHistoryDays: string
  earlyDays: string
  surveySize: string
  surveyRestDays: string
  seed: string
  value?: string
  predictions: boolean
  config?: string
}

function number(name: string, v: string, integer: boolean): number {
  const n = decimalFlag(v)
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${name} must be ${integer ? 'a whole number' : 'a number'}, got ${JSON.stringify(v)}`,
    )
  }
  return n
}

/** The terminal digest: one or two lines per analysis and where the files are. */
export function formatInsightsDigest(
  s: InsightsSummary,
  files: InsightsFiles,
  currency: string | null,
): string {
  const L: string[] = []
  const c = s.cohort
  L.push(
    `Top cohort: ${formatInt(c.top)} customer${c.top === 1 ? '' : 's'} (${formatTopShare(c.topShare, c.top, c.eligible)} with ${c.minHistoryDays}+ days, value = ${c.valueExpression})${c.topValueShare === null ? (c.eligible === 0 ? `; no customer has ${formatCount(c.minHistoryDays, 'day')} of history yet` : `; no share of value: the value of all ${formatInt(c.eligible)} sums to 0 or less`) : ` ${c.top === 1 ? 'holds' : 'hold'} ${formatPct(c.topValueShare)} of their value`}.`,
  )
  L.push('')
  for (const line of s.icp) L.push(line)
  L.push('')
  const best = s.pathToBest?.itemsets.find((i) => i.productive)
  if (best) {
    L.push(
      `Path to best: first orders with ${best.items.join(' + ')}: ${formatPct(best.rate)} reach the top (95 % CI ${formatPct(best.lower)}-${formatPct(best.upper)}, lift ${formatNumber(best.lift, 1)}, q ${best.qValue.toExponential(1)}${best.items.length > 1 ? `, against its parts ${best.productiveQ.toExponential(1)}` : ''}, ${best.customers} customers).`,
    )
  }
  // the headline is a level the best over-index in; one they are rarer in is said as such
  const sig = s.overIndex.significant
  const o = sig.find((l) => l.index > 100) ?? sig[0]
  if (o) {
    const lead = o.index > 100 ? '' : 'no level is more common among the best; '
    L.push(
      `Over-index: ${lead}${o.attribute} ${o.level} is ${formatNumber(o.index / 100, 1)}× as common among ${lead ? 'them' : 'the best'} (Holm p ${o.pHolm.toExponential(1)}); ${sig.length} significant level${sig.length === 1 ? '' : 's'}.`,
    )
  }
  const rs = s.risingStars
  if (rs) {
    L.push(
      `Rising stars: AUC ${formatNumber(rs.validation.auc, 2)} on the later cohort, precision ${formatPct(rs.validation.precisionAtK)} at the top ${rs.validation.k}; ${formatInt(rs.highPropensity)} new customers look like future best customers.`,
    )
  }
  const lb = s.lapsedBest
  L.push(
    `Lapsed best: ${formatInt(lb.customers)} customer${lb.customers === 1 ? '' : 's'}, ${lapsedStake(lb, currency)} a year at stake.`,
  )
  const k = s.kpis
  L.push(
    `KPIs: repeat rate ${formatPct(k.repeatRate.estimate)}, ${k.secondPurchase.medianDays === null ? 'median days to a second purchase not reached (fewer than half have bought again)' : `median ${k.secondPurchase.medianDays} days to a second purchase`}, retention rate ${formatPct(k.retentionRate.at(-1)?.rate ?? null)} last month.`,
  )
  for (const n of s.notes) L.push(`note: ${n}`)
  L.push('')
  L.push(`Report:  ${files.html}`)
  L.push(`Files:   insights.json and ${files.csv.length} CSV files in ${files.dir}`)
  return L.join('\n')
}

export function registerInsights(program: Command): void {
  withFileOptions(
    withDb(
      program
        .command('insights')
        .description(
          'Learn from the best customers: path to best, rising stars, lapsed best, over-index, ICP, cohorts and KPIs, survey lists',
        )
        .argument(
          '[file-or-workspace]',
          'orders file or workspace file (default: --db)',
          (v: string) => nonEmptyArg(v, 'orders file or workspace'),
        )
        .option(
          '--as-of <date>',
          'analysis date YYYY-MM-DD (default: the last day in the data, refunds included)',
          asOfArg,
        )
        .option('--out <dir>', 'output directory', outDir, DEFAULT_OUT_DIR)
        .option(
          '--json',
          'print insights.json to stdout instead of the digest (the files are still written)',
        )
        .option('--top-share <share>', 'share of customers in the top cohort', '0.10')
        .option('--min-history-days <n>', 'days of history a customer needs to be ranked', '365')
        .option('--early-days <n>', 'the "first N days" window of early behaviour', '30')
        .option('--survey-size <n>', 'customers sampled per segment or tier', '50')
        .option(
          '--survey-rest-days <n>',
          'customers who answered a survey in the last N days are not sampled (0: all are)',
          '90',
        )
        .option('--seed <n>', 'seed of the survey sample and the model folds', '1')
        .option(
          '--value <sql>',
          'value expression ranking customers (default: total_value, else revenue + coalesce(predicted_value, 0), else revenue)',
        )
        .option('--no-predictions', 'skip purchase predictions and whole-customer value (faster)')
        .option(
          '--config <file>',
          'value configuration the ranking by total value uses: cost rates, tiers ... (docs/value.md)',
        ),
    ),
  ).action(async (input: string | undefined, opts: InsightsCliOptions) => {
    if (opts.value !== undefined) checkValueExpression(opts.value)
    const args = {
      topShare: number('--top-share', opts.topShare, false),
      minHistoryDays: number('--min-history-days', opts.minHistoryDays, true),
      earlyDays: number('--early-days', opts.earlyDays, true),
      surveySize: number('--survey-size', opts.surveySize, true),
      surveyRestDays: number('--survey-rest-days', opts.surveyRestDays, true),
      seed: number('--seed', opts.seed, true),
    }
    if (args.seed < 0 || args.seed > 2_147_483_646) {
      throw new UsageError(`--seed must be a whole number from 0 to 2147483646, got ${opts.seed}`)
    }
    if (!opts.predictions && opts.config) {
      throw new UsageError(
        '--config configures the whole-customer value, which --no-predictions leaves out',
      )
    }
    const config = opts.config ? await loadValueConfig(opts.config) : undefined
    const source = requireDuckDbWorkspace(input ?? resolveDb(opts), 'insights')
    checkOutputsApart(opts.out, INSIGHTS_FILES, sourceFiles(source, { config: opts.config }))
    // an output place that cannot be written is said before the work, not after it
    await readyOutDir(opts.out, INSIGHTS_FILES)
    const progress = createProgress({ total: INSIGHTS_STEPS.length + 2 })
    try {
      const read = await fileOptions(opts, env().LOYALS_TZ)
      const { engine, notes } = await progress.step('reading the orders', () =>
        openSource(source, read),
      )
      const flags = isWorkspaceSource(source) ? workspaceFlagsNote(source, opts) : null
      const db = dbFlagNote(input, opts, 'insights')
      for (const n of [db, flags, ...notes]) if (n) eprintln(`note: ${n}`)
      try {
        const analysis = await progress.step('analyzing customers', () =>
          computeAnalysis(engine, {
            source,
            ...(opts.asOf ? { asOf: opts.asOf } : {}),
            // the value step values the customers to rank them; the tiers it assigns are not a
            // scoring run's (analyze stores those for the grace period), so nothing is stored
            ...(opts.predictions
              ? { value: { ...(config ?? {}), persistTiers: false } }
              : { predictions: false, value: false }),
          }),
        )
        const result = await computeInsights(
          engine,
          { asOf: analysis.asOf, ...args, ...(opts.value ? { value: opts.value } : {}) },
          progress,
          analysis.currency,
        )
        const files = await writeInsightsFiles(result, analysis, opts.out)
        progress.stop()
        if (opts.json) printJson(result.summary)
        else println(formatInsightsDigest(result.summary, files, analysis.currency))
      } finally {
        await engine.close()
      }
    } finally {
      progress.stop()
    }
  })
}
