// `loyals analyze`: open the input (workspace, or an orders file imported into memory), run the
// analysis, write the four files, and print a short summary (or summary.json with --json).
import type { Command } from 'commander'
import { env } from '../../config.ts'
import type { RfmRules } from '../../core/rfm-segments.ts'
import { minorDigits, roundHalfAway } from '../../core/round.ts'
import { UsageError } from '../../errors.ts'
// held (library-jobs.ts): the command is the engine's only user, and a job held runs its
// statements as it issues them, the ranking beside the tracking curve's query (queued one after
// the other, the prediction step took ~0.9 s longer at 10M orders)
import { analyze } from '../../library-jobs.ts'
import {
  formatInt,
  formatMoney,
  formatNumber,
  formatPct,
  roundedGroupNote,
} from '../../report/format.ts'
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import {
  ANALYZE_STEPS,
  type AnalysisFiles,
  type AnalyzeValueOptions,
  DEFAULT_OUT_DIR,
  OUTPUT_FILES,
} from '../../service/analyze.ts'
import type { PredictOptions } from '../../service/predict.ts'
import { loadRfmRules } from '../../service/rfm.ts'
import { checkOutputsApart, sourceFiles } from '../../service/same-file.ts'
import {
  isWorkspaceSource,
  openSource,
  type ReadOptions,
  readOptions,
} from '../../service/source.ts'
import type { TimeUnit } from '../../service/summary.ts'
import { loadValueConfig } from '../../service/value-config.ts'
import {
  asOfArg,
  choiceFlag,
  dbFlagNote,
  nonEmptyArg,
  outDir,
  requireDuckDbWorkspace,
  resolveDb,
  UNITS,
  withDb,
} from '../common.ts'
import {
  type FileCliOptions,
  fileOptions,
  withFileOptions,
  workspaceFlagsNote,
} from '../file-options.ts'
import { eprintln, printJson, println, table } from '../output.ts'
import { predictFlags, predictionsOrOff } from '../predict-flags.ts'
import { createProgress } from '../progress.ts'

interface AnalyzeCliOptions extends FileCliOptions {
  asOf?: string
  unit: string
  out: string
  json?: boolean
  db?: string
  rfmRules?: string
  horizon?: string
  discountRate?: string
  margin?: string
  predictions?: boolean
  insights?: boolean
  value?: boolean
  config?: string
  resetTiers?: boolean
}

/** `input` and how to read it when it is an orders file, then the analysis options. */
export interface RunAnalysisArgs extends ReadOptions {
  /** Orders file or workspace file. */
  readonly input: string
  /** Shown in the report instead of `input` (the demo names its sample). */
  readonly label?: string
  readonly asOf?: string
  readonly unit?: TimeUnit
  readonly out: string
  readonly json?: boolean
  readonly rules?: RfmRules
  /** Prediction options; false leaves predictions out. */
  readonly predictions?: PredictOptions | false
  /** Value options (configuration file); false leaves the value step out. */
  readonly value?: AnalyzeValueOptions | false
  /** false leaves the insights block and sections out (docs/insights.md). */
  readonly insights?: false
}

/** Open, analyze, write and print: shared by `analyze` and `demo`. */
export async function runAnalysis(
  args: RunAnalysisArgs,
): Promise<{ summary: AnalysisSummary; files: AnalysisFiles }> {
  const progress = createProgress({ total: ANALYZE_STEPS.length + 1 })
  try {
    const { engine, notes } = await progress.step('reading the orders', () =>
      openSource(args.input, readOptions(args)),
    )
    try {
      const result = await analyze(engine, args.out, {
        source: args.label ?? args.input,
        ...(args.asOf ? { asOf: args.asOf } : {}),
        unit: args.unit ?? 'week',
        ...(args.rules ? { rules: args.rules } : {}),
        ...(args.predictions !== undefined ? { predictions: args.predictions } : {}),
        ...(args.value !== undefined ? { value: args.value } : {}),
        ...(args.insights === false ? { insights: false as const } : {}),
        ...(notes.length > 0 ? { readNotes: notes } : {}),
        progress,
      })
      progress.stop()
      for (const n of notes) eprintln(`note: ${n}`)
      if (args.json) printJson(result.summary)
      else println(formatAnalysisSummary(result.summary, result.files))
      return result
    } finally {
      await engine.close()
    }
  } finally {
    progress.stop()
  }
}

/** Right-align formatted numbers under their header (output.table aligns only raw numbers). */
function alignRight(values: string[], header: string): string[] {
  const w = Math.max(header.length, ...values.map((v) => v.length))
  return values.map((v) => v.padStart(w))
}

/**
 * The short terminal summary: concentration in one sentence, the segment table, where the
 * files are. Plain text, no colour: it reads the same in a pipe.
 */
export function formatAnalysisSummary(s: AnalysisSummary, files: AnalysisFiles): string {
  const cur = s.currency
  const rev = s.concentration.revenue
  const top = (p: number) => rev.topShares.find((t) => t.percent === p)
  const share = (p: number) => top(p)?.share ?? null
  const lines: string[] = []
  // a transaction log without amounts: counts only, no money columns or shares of revenue
  const money = s.revenue.measured
  lines.push(
    `${formatInt(s.counts.customers)} customer${s.counts.customers === 1 ? '' : 's'}, ` +
      `${formatInt(s.counts.orders)} order${s.counts.orders === 1 ? '' : 's'}` +
      (money ? `, revenue ${formatMoney(s.revenue.total, cur)}` : '') +
      ` (as of ${s.asOf}).`,
  )
  lines.push(
    !money
      ? 'The orders carry no amounts: no revenue shares or value in money; customers are scored on recency and frequency and ranked by orders.'
      : share(10) === null
        ? 'Net revenue is not above 0 (the orders add up to nothing, or refunds take back all of the sales): there are no shares of it to compare customers by.'
        : `The top 10% of customers${roundedGroupNote(top(10), s.counts.customers)} hold ${formatPct(share(10))} of revenue ` +
          `(top 1%${roundedGroupNote(top(1), s.counts.customers)}: ${formatPct(share(1))}, top 20%${roundedGroupNote(top(20), s.counts.customers)}: ${formatPct(share(20))}; Gini ${rev.gini === null ? '–' : rev.gini.toFixed(2)}).`,
  )
  // what may make the figures mislead (currencies added together, margins known for a few) is
  // said here, not only in summary.json
  for (const q of s.quality) if (q.level === 'warning') lines.push(`Warning: ${q.message}`)
  lines.push('')
  const segs = [...s.rfm.segments].sort((a, b) =>
    money ? b.revenue - a.revenue : b.customers - a.customers,
  )
  const headers = ['Segment', 'Customers', 'Share', 'Revenue', 'Revenue share']
  const cols = [
    segs.map((g) => g.segment),
    alignRight(
      segs.map((g) => formatInt(g.customers)),
      headers[1] ?? '',
    ),
    alignRight(
      segs.map((g) => formatPct(g.share)),
      headers[2] ?? '',
    ),
    alignRight(
      segs.map((g) => formatMoney(g.revenue, cur)),
      headers[3] ?? '',
    ),
    alignRight(
      segs.map((g) => formatPct(g.revenueShare)),
      headers[4] ?? '',
    ),
  ]
  const width = money ? headers.length : 3
  const rows = segs.map((_, i) => cols.slice(0, width).map((c) => c[i] ?? ''))
  lines.push(table(headers.slice(0, width), rows))
  const p = s.predictions
  if (p) {
    lines.push('')
    lines.push(
      `Next ${p.horizon} ${p.unit}s (${p.modelName}): ${formatNumber(p.totals.expectedPurchases, 0)} expected purchases` +
        (money ? `, predicted value ${formatMoney(p.totals.predictedValue, cur)}` : '') +
        (p.totals.meanPAlive === null ? '.' : `; mean P(alive) ${formatPct(p.totals.meanPAlive)}.`),
    )
    lines.push(p.reason)
    // what went wrong on the way (a model that could not be fitted, a spend rule) is worth a line
    for (const n of p.notes) {
      if (n.level === 'warning' && !p.reason.includes(n.message)) lines.push(`Note: ${n.message}`)
    }
  }
  const v = s.value
  if (v) {
    const vc = v.currency
    const b = v.breakdown
    const held = v.profitConcentration.share
    lines.push('')
    // the printed equation adds up: its total is the sum of the terms as printed (the exact total,
    // a cent away at most, is in summary.json)
    const digits = minorDigits(vc)
    const unit = (n: number) => roundHalfAway(n, digits)
    // referral value is credit for value the referred customers' own profit holds: not added
    const shown = unit(unit(b.pastProfit) + unit(b.predictedProfit))
    lines.push(
      `Customer value ${formatMoney(shown, vc, v.locale)} = past profit ${formatMoney(b.pastProfit, vc, v.locale)} + ` +
        `predicted profit ${formatMoney(b.predictedProfit, vc, v.locale)}` +
        (b.referralValue !== 0
          ? ` (referral credit ${formatMoney(b.referralValue, vc, v.locale)}, already inside the referred customers' value).`
          : '.'),
    )
    lines.push(
      `${formatInt(v.unprofitable.customers)} ${v.unprofitable.customers === 1 ? 'customer is' : 'customers are'} served at a loss (${formatMoney(v.unprofitable.loss, vc, v.locale)}); ` +
        (held === null
          ? 'total past profit is not positive, so no share of it is held. Tiers: '
          : // "of it" after the loss read as a share of the loss
            `the top 20% by past profit hold ${formatPct(held)} of all past profit. Tiers: `) +
        v.tiers.levels.map((l) => `${l.name} ${formatInt(l.customers)}`).join(', ') +
        '.',
    )
  }
  lines.push('')
  lines.push(`Report:  ${files.html}`)
  lines.push(`Files:   ${files.csv}, customers.parquet, summary.json (in ${files.dir})`)
  return lines.join('\n')
}

export function registerAnalyze(program: Command): void {
  withFileOptions(
    withDb(
      predictFlags(
        program
          .command('analyze')
          .description(
            'Customer value, RFM segments and revenue concentration: writes customers.csv/.parquet, summary.json and report.html',
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
          .option('--unit <unit>', 'time unit of x, t_x, T: day, week or month', 'week')
          .option('--out <dir>', 'output directory', outDir, DEFAULT_OUT_DIR)
          .option(
            '--json',
            'print summary.json to stdout instead of the summary (the files are still written)',
          )
          .option('--rfm-rules <file>', 'JSON file of RFM segment rules (see docs/rfm.md)'),
      )
        .option('--no-predictions', 'skip the purchase and value predictions')
        .option('--no-insights', 'skip the insights on the best customers (docs/insights.md)')
        .option('--no-value', 'skip the whole-customer value step: profit, tiers, reasons')
        .option('--config <file>', 'value configuration: cost rates, tiers ... (docs/value.md)')
        .option(
          '--reset-tiers',
          "start the tiers' grace periods afresh (after changing the tier list or thresholds)",
        ),
    ),
  ).action(async (input: string | undefined, opts: AnalyzeCliOptions) => {
    choiceFlag('--unit', opts.unit, UNITS)
    const rules = opts.rfmRules ? await loadRfmRules(opts.rfmRules) : undefined
    const read = await fileOptions(opts, env().LOYALS_TZ)
    const source = requireDuckDbWorkspace(input ?? resolveDb(opts), 'analyze')
    checkOutputsApart(
      opts.out,
      OUTPUT_FILES,
      sourceFiles(source, { config: opts.config, rfmRules: opts.rfmRules }),
    )
    const flags = isWorkspaceSource(source) ? workspaceFlagsNote(source, opts) : null
    for (const n of [dbFlagNote(input, opts, 'analyze'), flags]) if (n) eprintln(`note: ${n}`)
    const predictions = predictionsOrOff(opts)
    if (opts.value === false && opts.config) {
      throw new UsageError('--config configures the value step, which --no-value turns off')
    }
    if (opts.resetTiers && (opts.value === false || !isWorkspaceSource(source))) {
      throw new UsageError(
        opts.value === false
          ? "--reset-tiers resets the value step's tiers, which --no-value turns off"
          : `--reset-tiers resets the tier states a workspace keeps between runs; ${source} is an orders file, which keeps none`,
      )
    }
    const value =
      opts.value === false
        ? false
        : opts.config || opts.resetTiers
          ? {
              ...(opts.config ? await loadValueConfig(opts.config) : {}),
              ...(opts.resetTiers ? { resetTiers: true } : {}),
            }
          : undefined
    await runAnalysis({
      input: source,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      unit: opts.unit as TimeUnit,
      out: opts.out,
      ...(opts.json ? { json: true } : {}),
      ...(rules ? { rules } : {}),
      ...read,
      predictions,
      ...(value === false ? { value: false as const } : value ? { value } : {}),
      ...(opts.insights === false ? { insights: false as const } : {}),
    })
  })
}
