// `loyals generate`: write a seeded synthetic company (orders, lines, customers, referrals,
// engagement, tickets, returns, surveys, costs) that `loyals import --kind ...` reads.
import type { Command } from 'commander'
import { isCalendarDay } from '../../core/calendar.ts'
import { UsageError } from '../../errors.ts'
import { DEFAULT_OPTIONS, type GenerateOptions } from '../../service/generate/company.ts'
import { PLANTS, type Plant } from '../../service/generate/params.ts'
import {
  type GenerateFormat,
  VALUE_CONFIG_FILE,
  writeCompany,
} from '../../service/generate/write.ts'
import { decimalFlag, outDir } from '../common.ts'
import { eprintln, printJson, println, table } from '../output.ts'

interface GenerateFlags {
  out: string
  customers: string
  seed: string
  start: string
  end: string
  plant?: string | false
  format: string
  json?: boolean
  /** Set when both `--plant <list>` and `--no-plant` were given (commander keeps only the last). */
  plantConflict?: boolean
}

/** Turn the flags into generator options; every bad value is a UsageError naming the flag. */
/**
 * A --seed as a number. Refused: an empty one (Number('') is 0, which ran as seed 0), one that is
 * no whole number, and one past 2^53 - 1, where neighbouring seeds are the same number
 * (9007199254740993 reads as ...992) and would give the same company.
 */
export function parseSeed(given: string): number {
  const seed = decimalFlag(given)
  if (Number.isSafeInteger(seed)) return seed
  throw new UsageError(
    Number.isInteger(seed)
      ? `--seed must be a whole number from -9007199254740991 to 9007199254740991 (2^53 - 1), got '${given}': larger seeds are not told apart`
      : `--seed must be an integer, got '${given}'`,
  )
}

export function parseGenerateFlags(f: GenerateFlags): {
  opts: GenerateOptions
  format: GenerateFormat
} {
  const customers = decimalFlag(f.customers)
  if (!Number.isInteger(customers) || customers < 1 || customers > 10_000_000) {
    throw new UsageError(
      `--customers must be a whole number from 1 to 10000000, got '${f.customers}'`,
    )
  }
  const seed = parseSeed(f.seed)
  for (const [flag, v] of [
    ['--start', f.start],
    ['--end', f.end],
  ] as const) {
    if (!isCalendarDay(v)) {
      throw new UsageError(`${flag} must be a date YYYY-MM-DD, got '${v}'`)
    }
  }
  if (Date.parse(`${f.end}T00:00:00Z`) - Date.parse(`${f.start}T00:00:00Z`) < 30 * 86_400_000) {
    throw new UsageError('--end must be at least 30 days after --start')
  }
  if (Date.parse(`${f.end}T23:59:59Z`) > Date.now()) {
    throw new UsageError(`--end ${f.end} is in the future: import would reject those orders`)
  }
  if (f.plantConflict) {
    throw new UsageError('--plant and --no-plant cannot be used together: pick one')
  }
  let plants: Plant[]
  if (f.plant === false) plants = []
  else if (f.plant === undefined) plants = [...PLANTS]
  else {
    plants = []
    if (f.plant.trim() === '') {
      throw new UsageError(
        `--plant is empty: name planted effects (${PLANTS.join(', ')}), or give --no-plant for none`,
      )
    }
    for (const p of f.plant
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!(PLANTS as readonly string[]).includes(p)) {
        throw new UsageError(`unknown --plant '${p}' (choose from ${PLANTS.join(', ')})`)
      }
      plants.push(p as Plant)
    }
  }
  if (f.format !== 'csv' && f.format !== 'csv.gz') {
    throw new UsageError(`--format must be csv or csv.gz, got '${f.format}'`)
  }
  return {
    opts: { customers, seed, start: f.start, end: f.end, plants },
    format: f.format,
  }
}

export function registerGenerate(program: Command): void {
  // commander stores `--plant x` and `--no-plant` in one value, the last one winning; the option
  // events still fire for each, so a conflict is caught here instead of silently dropping one.
  const seen = new Set<string>()
  const cmd = program.command('generate')
  cmd.on('option:plant', () => seen.add('plant'))
  cmd.on('option:no-plant', () => seen.add('no-plant'))
  cmd
    .description('Write a seeded synthetic company (orders, customers, referrals, tickets ...)')
    .requiredOption('--out <dir>', 'required: directory for the files', outDir)
    .option('--customers <n>', 'number of customers', String(DEFAULT_OPTIONS.customers))
    .option('--seed <n>', 'random seed (same seed, same files)', String(DEFAULT_OPTIONS.seed))
    .option('--start <date>', 'first day of history', DEFAULT_OPTIONS.start)
    .option('--end <date>', 'last day of history', DEFAULT_OPTIONS.end)
    .option('--plant <list>', `planted effects (default all: ${PLANTS.join(',')})`)
    .option('--no-plant', 'a company without planted effects')
    .option('--format <fmt>', 'csv or csv.gz', 'csv')
    .option('--json', 'print what was written as JSON')
    .action(async (flags: GenerateFlags) => {
      const { opts, format } = parseGenerateFlags({
        ...flags,
        plantConflict: seen.has('plant') && seen.has('no-plant'),
      })
      const t0 = performance.now()
      const { truth, files } = await writeCompany(opts, flags.out, format)
      const seconds = (performance.now() - t0) / 1000
      if (flags.json) {
        printJson({
          out: flags.out,
          seconds,
          files,
          options: truth.options,
          pathPairCustomers: truth.pathPairCustomers,
          lapsedBest: truth.lapsedBestIds.length,
        })
        return
      }
      println(
        table(
          ['file', 'rows'],
          files.map((f) => [f.name, f.rows]),
        ),
      )
      println('')
      println(
        `${opts.customers} customers, seed ${opts.seed}, ${opts.start} to ${opts.end}, planted: ${
          truth.options.plants.join(', ') || 'none'
        } (${seconds.toFixed(1)} s)`,
      )
      println(
        `Files, costs.json (with ${VALUE_CONFIG_FILE}, the same rates for --config) and truth.json (what was planted) are in ${flags.out}`,
      )
      // a plant asked for that found no customer to plant in (lapsed best needs a year of
      // membership before it stops half a year before the end): said, not left to truth.json
      if (truth.options.plants.includes('lapsed-best') && truth.lapsedBestIds.length === 0) {
        eprintln(
          'note: no lapsed-best customer was planted: it needs customers with over a year of membership who stop half a year before --end (a window of about two years, such as the default)',
        )
      }
      const empty = files.filter((f) => f.rows === 0).map((f) => f.name)
      if (empty.length > 0) {
        // `loyals import` refuses a file of a header only, as it should for an export
        eprintln(
          `note: ${empty.join(', ')} ${empty.length === 1 ? 'has' : 'have'} no rows (a small company): leave ${empty.length === 1 ? 'it' : 'them'} out of the import`,
        )
      }
    })
}
