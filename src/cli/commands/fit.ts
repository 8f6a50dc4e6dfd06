// `loyals fit`: fit one model to a file or workspace; a readable table, or the report as JSON.

import { existsSync, statSync } from 'node:fs'
import type { Command } from 'commander'
import { env } from '../../config.ts'
import { fitLimit, NBD_ADVICE } from '../../core/models/common.ts'
import { DEFAULT_DB, isPostgresUrl } from '../../data/workspace.ts'
import { ConvergenceError, UsageError } from '../../errors.ts'
import {
  FIT_MODEL_NAMES,
  FIT_MODELS,
  type FitModelName,
  type FitReport,
  fitFile,
  type SbgCurvePoint,
  type SbgLifetime,
} from '../../service/fit.ts'
import type { TimeUnit } from '../../service/summary.ts'
import { asOfArg, choiceFlag, decimalFlag, existingStore, resolveDb, UNITS } from '../common.ts'
import {
  type FileCliOptions,
  fileOptions,
  withFileOptions,
  workspaceFlagsNote,
} from '../file-options.ts'
import { eprintln, printJson, println, table } from '../output.ts'

interface FitCliOptions extends FileCliOptions {
  model?: string
  asOf?: string
  unit?: string
  json?: boolean
  db?: string
  column?: string
  cohort?: string
  excludeNonpositive?: boolean
}

/**
 * An estimate, standard error or bound for the table: six significant digits, or '–' where there
 * is none (a parameter at its limit has no finite standard error; the JSON gives null).
 */
export const sig = (v: number): string =>
  !Number.isFinite(v)
    ? '–'
    : Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(4)
      : v.toPrecision(6)

/** What each table fit reads is called in a note (FitReport's input kinds). */
const TABLES: Readonly<Record<string, string>> = {
  'bgbb table': 'BG/BB table (frequency, recency, periods)',
}

/** The JSON shape: model, params, standardErrors, logLikelihood, customers, then the rest. */
export function reportJson(r: FitReport): Record<string, unknown> {
  return {
    model: r.model,
    params: r.params,
    standardErrors: r.standardErrors,
    logLikelihood: r.logLikelihood,
    customers: r.customers,
    confidenceIntervals: r.confidenceIntervals,
    aic: r.aic,
    bic: r.bic,
    iterations: r.iterations,
    ...r.extra,
  }
}

function printReport(r: FitReport): void {
  const col = r.extra.column ? ` (${String(r.extra.column)})` : ''
  println(`${FIT_MODEL_NAMES[r.model]}${col}: ${r.customers.toLocaleString('en-US')} customers`)
  println(
    table(
      ['parameter', 'estimate', 'std. error', '95% CI low', '95% CI high'],
      Object.keys(r.params).map((k) => [
        k,
        sig(r.params[k]!),
        sig(r.standardErrors[k]!),
        sig(r.confidenceIntervals[k]![0]),
        sig(r.confidenceIntervals[k]![1]),
      ]),
    ),
  )
  println(
    `log-likelihood ${r.logLikelihood.toFixed(2)}   AIC ${r.aic.toFixed(2)}   BIC ${r.bic.toFixed(2)}   iterations ${r.iterations}`,
  )
  if (typeof r.extra.correlation === 'number') {
    println(
      `correlation of frequency and mean spend among repeaters: ${r.extra.correlation.toFixed(3)}`,
    )
  }
  if (Array.isArray(r.extra.curve)) printCurve(r)
  if (r.extra.cohortAssumed)
    println(`shares read against an assumed cohort of ${String(r.extra.cohort)}`)
  if (typeof r.extra.note === 'string') println(`note: ${r.extra.note}`)
  for (const w of (r.extra.warnings as string[] | undefined) ?? []) eprintln(`warning: ${w}`)
  // an orders file or a workspace is summarized first: its count is of customers, not of rows
  const summarized = r.input.kind === 'orders file' || r.input.kind === 'workspace'
  const n = r.input.rows.toLocaleString('en-US')
  println(
    summarized
      ? `summarized the ${r.input.kind} into ${n} customers in ${r.input.readMs.toFixed(0)} ms`
      : `read ${n} rows (${r.input.kind}) in ${r.input.readMs.toFixed(0)} ms`,
  )
}

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`)

/** sBG: observed and fitted survival and retention per period, projections, expected lifetime. */
function printCurve(r: FitReport): void {
  const curve = r.extra.curve as readonly SbgCurvePoint[]
  const last = Number(r.extra.periods)
  println(
    table(
      ['period', 'observed S', 'fitted S', 'observed r', 'fitted r'],
      curve.map((c) => [
        c.period > last ? `${c.period}*` : String(c.period),
        pct(c.observedSurvival),
        pct(c.fittedSurvival),
        pct(c.observedRetention),
        pct(c.fittedRetention),
      ]),
    ),
  )
  const life = r.extra.lifetime as SbgLifetime
  const mean =
    life.meanPeriods === null
      ? 'infinite (alpha <= 1: the least likely to churn almost never do)'
      : `${life.meanPeriods.toFixed(2)} periods`
  println(
    `* projected. S(t): share still active after t periods; r(t) = S(t)/S(t-1), the renewal rate.`,
  )
  println(
    `expected lifetime: mean ${mean}; discounted at ${life.discountRate * 100} % per period (DEL, first period undiscounted) ${life.discountedPeriods.toFixed(3)} periods`,
  )
}

export function registerFit(program: Command): void {
  withFileOptions(
    program
      .command('fit')
      .description(
        'Fit a customer-base model and print its parameters, standard errors and log-likelihood',
      )
      .argument(
        '[file]',
        'orders file, workspace, summary CSV (x,t_x,T[,monetary][,weight]), BG/BB table or survival table (default: --db)',
      )
      // not requiredOption: commander's own error for it exits 1, and a missing model is a usage
      // error (exit 2) like a wrong one
      .option('--model <model>', `one of ${FIT_MODELS.join(', ')} (required)`)
      .option(
        '--as-of <date>',
        'calibration end for orders/workspaces (default: the last day in the data, refunds included)',
        asOfArg,
      )
      .option(
        '--unit <unit>',
        'unit of t_x and T when built from orders: day, week or month (default week)',
      )
      .option('--column <name>', 'sbg: the survival column to fit (default: each one)')
      .option(
        '--cohort <n>',
        'sbg: cohort size behind percentage shares (default 1000; a table of head counts states its own)',
      )
      .option('--exclude-nonpositive', 'gg: leave out repeaters with zero or negative spend')
      .option('--json', 'print the result as JSON')
      // withDb's option, declared here: ../common.ts loads the config schema (zod), which costs
      // start-up time that a fit of a summary file should not pay; it is loaded only without FILE
      .option('--db <path>', `workspace file (default: $LOYALS_DB or ${DEFAULT_DB})`),
  ).action(async (file: string | undefined, opts: FitCliOptions) => {
    if (opts.model === undefined) {
      throw new UsageError(`--model is required: one of ${FIT_MODELS.join(', ')}`)
    }
    choiceFlag('--model', opts.model, FIT_MODELS)
    if (opts.unit !== undefined) choiceFlag('--unit', opts.unit, UNITS)
    let cohort: number | undefined
    if (opts.cohort !== undefined) {
      cohort = decimalFlag(opts.cohort)
      // a cohort is a number of customers: the shares are turned into counts of them
      if (!(Number.isInteger(cohort) && cohort >= 1)) {
        throw new UsageError(`--cohort must be a whole number >= 1, got ${opts.cohort}`)
      }
    }
    const named = file ?? resolveDb(opts)
    // a directory as --db is no workspace, as every other command says (read as a data file it
    // was "is a directory, not a file", exit 1)
    if (file === undefined && existsSync(named) && statSync(named).isDirectory()) {
      throw new UsageError(`${named} is a directory, not a workspace file`, { db: named })
    }
    // a PostgreSQL URL without Loyals' tables (a mistyped database or search_path) is no
    // workspace: opening it would make one, a fit only reads
    const source = isPostgresUrl(named) ? await existingStore(named) : named
    const fitOpts = {
      model: opts.model as FitModelName,
      ...(opts.unit ? { unit: opts.unit as TimeUnit } : {}),
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      ...(opts.column ? { column: opts.column } : {}),
      ...(cohort !== undefined ? { cohort } : {}),
      ...(opts.excludeNonpositive ? { excludeNonPositive: true } : {}),
      ...(await fileOptions(opts, env().LOYALS_TZ)),
    }
    const reports = await fitFile(source, fitOpts).catch((e: unknown) => {
      // "the NBD is the model for these data": say how to fit it here (BG/BB's data are
      // transactions at discrete opportunities, which the NBD, a model of continuous time, cannot
      // read: its no-dropout limit is said without the advice)
      if (!(e instanceof ConvergenceError) || fitLimit(e) !== 'no-dropout') throw e
      if (opts.model === 'bgbb') throw e
      const d = e.details as { iterations?: number; lastParams?: readonly number[] }
      // inside the sentence that names it: one form ends there, the other closes a parenthesis
      const said = e.message.replace(NBD_ADVICE, `${NBD_ADVICE} (fit it with --model nbd)`)
      throw new ConvergenceError(
        said === e.message ? `${e.message} (fit it with --model nbd)` : said,
        d.iterations ?? 0,
        d.lastParams ?? [],
        e.details,
      )
    })
    // once, on stderr: the reports of an sBG table share one input, and --json keeps stdout clean
    const kind = reports[0]?.input.kind
    const flags =
      kind === 'workspace'
        ? workspaceFlagsNote(named, opts)
        : kind && kind !== 'orders file'
          ? workspaceFlagsNote(named, opts, TABLES[kind] ?? kind)
          : null
    for (const n of [flags, ...(reports[0]?.input.notes ?? [])]) if (n) eprintln(`note: ${n}`)
    if (opts.json) {
      printJson(reports.length === 1 ? reportJson(reports[0]!) : reports.map(reportJson))
      return
    }
    reports.forEach((r, i) => {
      if (i > 0) println()
      printReport(r)
    })
  })
}
