// `loyals summary`: the per-customer summary, written by the engine (COPY) and streamed to stdout,
// so a million customers never pass through JS objects.
import type { Command } from 'commander'
import { env } from '../../config.ts'
import type { Engine } from '../../data/engine.ts'
import { openWorkspace } from '../../data/workspace.ts'
import { UsageError } from '../../errors.ts'
import { sameFile } from '../../service/same-file.ts'
import { openSource } from '../../service/source.ts'
import {
  asOfGapNote,
  buildCustomerSummary,
  type SummaryFormat,
  streamCustomerSummary,
  type TimeUnit,
  writeCustomerSummary,
} from '../../service/summary.ts'
import {
  asOfArg,
  choiceFlag,
  dbFlagNote,
  existingStore,
  nonEmptyArg,
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
import { eprintln } from '../output.ts'

interface SummaryOptions extends FileCliOptions {
  asOf?: string
  unit: string
  format: string
  out?: string
  db?: string
}

const FORMATS: readonly SummaryFormat[] = ['csv', 'json']

/** Open what the user named: an orders file or workspace file, else --db / $LOYALS_DB. */
async function openInput(
  input: string | undefined,
  opts: SummaryOptions,
): Promise<{ engine: Engine; temporary: boolean; notes: string[] }> {
  if (input !== undefined) {
    const opened = await openSource(input, await fileOptions(opts, env().LOYALS_TZ))
    const flags = opened.temporary ? null : workspaceFlagsNote(input, opts)
    const db = dbFlagNote(input, opts, 'summary')
    for (const n of [db, flags, ...opened.notes]) if (n) eprintln(`note: ${n}`)
    return opened
  }
  const db = await existingStore(resolveDb(opts))
  // --db (or LOYALS_DB) is a workspace: reading flags change nothing, said as for a named one
  const flags = workspaceFlagsNote(db, opts)
  if (flags) eprintln(`note: ${flags}`)
  return { engine: await openWorkspace(db, { reading: true }), temporary: false, notes: [] }
}

/**
 * --out is neither the file the summary reads (an orders file or workspace) nor a workspace's log:
 * the summary would overwrite it, and a workspace with it every stored row.
 * @throws UsageError before anything is read
 */
function checkOut(out: string, source: string): void {
  for (const [file, what] of [
    [source, `the file the summary reads (${source})`],
    [`${source}.wal`, `the log of the workspace ${source}`],
  ] as const) {
    if (sameFile(out, file)) {
      throw new UsageError(
        `--out ${out} is ${what}: the summary would overwrite it; name another file. Nothing was written`,
        { path: out },
      )
    }
  }
}

export function registerSummary(program: Command): void {
  withFileOptions(
    withDb(
      program
        .command('summary')
        .description(
          'Print one row per customer: customer_id,x,t_x,T,monetary, then dates, revenue, RFM inputs',
        )
        .argument('[file-or-workspace]', 'orders file or workspace (default: --db)', (v: string) =>
          nonEmptyArg(v, 'orders file or workspace'),
        )
        .option(
          '--as-of <date>',
          'calibration end YYYY-MM-DD (default: the last day in the data, refunds included)',
          asOfArg,
        )
        .option('--unit <unit>', 'unit of t_x and T: day, week or month (30.4375 days)', 'week')
        .option('--format <format>', 'csv or json', 'csv')
        .option('--out <path>', 'write to this file instead of stdout'),
    ),
  ).action(async (input: string | undefined, opts: SummaryOptions) => {
    choiceFlag('--unit', opts.unit, UNITS)
    choiceFlag('--format', opts.format, FORMATS)
    if (opts.out !== undefined) checkOut(opts.out, input ?? resolveDb(opts))
    const { engine } = await openInput(input, opts)
    try {
      const info = await buildCustomerSummary(engine, {
        asOf: opts.asOf,
        unit: opts.unit as TimeUnit,
      })
      const gap = asOfGapNote(
        info.orders,
        { day: info.asOf, given: opts.asOf !== undefined },
        'T and days_since_last',
      )
      if (gap) eprintln(`${gap.level === 'warning' ? 'warning' : 'note'}: ${gap.message}`)
      const format = opts.format as SummaryFormat
      if (opts.out) await writeCustomerSummary(engine, { format, path: opts.out })
      else await streamCustomerSummary(engine, { format }, process.stdout)
    } finally {
      await engine.close()
    }
  })
}
