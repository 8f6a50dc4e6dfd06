// The options that say how to read an orders file (--map, --date-format, --tz, --decimal-comma,
// --skip-bad-rows),
// for every command that accepts one in place of a workspace: the same flags and meaning as
// `loyals import`.
import type { Command } from 'commander'
import { parseEncoding } from '../service/import/encoding.ts'
import type { ReadOptions } from '../service/source.ts'
import { nonEmptyArg } from './common.ts'

export interface FileCliOptions {
  map?: string[]
  dateFormat?: string
  tz?: string
  decimalComma?: boolean
  skipBadRows?: boolean
  encoding?: string
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v]

/** Add the orders-file options to `cmd`, each described as applying to an orders file. */
export function withFileOptions(cmd: Command): Command {
  return cmd
    .option('--map <field=Column>', 'for an orders file: use this column for a field', collect)
    .option('--date-format <fmt>', 'for an orders file: strptime format of dates')
    .option(
      '--tz <zone>',
      'for an orders file: time zone of times without an offset (default UTC, or $LOYALS_TZ)',
    )
    .option('--decimal-comma', 'for an orders file: numbers are written 1.234,50')
    .option(
      '--encoding <name>',
      'for an orders file: utf-8 (default) or latin-1 / windows-1252 (CSV)',
    )
    .option(
      '--skip-bad-rows',
      'for an orders file: leave out bad rows (written to FILE.rejects.csv) instead of stopping',
    )
}

/**
 * A note when flags for reading an orders file come with a workspace, whose orders were read when
 * they were imported, or with a `table` of numbers that holds no orders (fit's summary file): the
 * flags change nothing (they were dropped in silence), or null.
 */
export function workspaceFlagsNote(
  input: string,
  opts: FileCliOptions,
  table?: string,
): string | null {
  const given = [
    opts.map && opts.map.length > 0 ? '--map' : null,
    opts.dateFormat ? '--date-format' : null,
    opts.tz ? '--tz' : null,
    opts.decimalComma ? '--decimal-comma' : null,
    opts.encoding ? '--encoding' : null,
    opts.skipBadRows ? '--skip-bad-rows' : null,
  ].filter((f): f is string => f !== null)
  if (given.length === 0) return null
  const one = given.length === 1
  if (table) {
    return `${input} is a ${table}, not an orders file, so ${given.join(', ')} ${one ? 'changes' : 'change'} nothing here`
  }
  return `${input} is a workspace: its orders were read as they were imported, so ${given.join(', ')} ${one ? 'changes' : 'change'} nothing here (import the file again with ${one ? 'it' : 'them'} to read it another way)`
}

/**
 * The import options of an orders file from the flags; `defaultTz` (e.g. $LOYALS_TZ) when --tz is
 * not given. The column parser is loaded only for --map (`fit` of a summary file starts fast).
 * @throws UsageError for a malformed --map.
 */
export async function fileOptions(opts: FileCliOptions, defaultTz?: string): Promise<ReadOptions> {
  // an empty --tz is a mistake (an unset shell variable), not UTC over LOYALS_TZ
  const tz = opts.tz === undefined ? defaultTz : nonEmptyArg(opts.tz, '--tz zone')
  const map =
    opts.map && opts.map.length > 0
      ? (await import('../service/import/columns.ts')).parseMap(opts.map)
      : undefined
  return {
    ...(tz ? { tz } : {}),
    // an empty --date-format (an unset shell variable) was read as none: ISO 8601 without a word
    ...(opts.dateFormat !== undefined
      ? { dateFormat: nonEmptyArg(opts.dateFormat, '--date-format format') }
      : {}),
    ...(map && Object.keys(map).length > 0 ? { map } : {}),
    ...(opts.decimalComma ? { decimalComma: true } : {}),
    ...(opts.skipBadRows ? { skipBadRows: true } : {}),
    ...(opts.encoding ? { encoding: parseEncoding(opts.encoding) } : {}),
  }
}
