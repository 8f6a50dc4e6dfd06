// Options shared by every command that touches a workspace.
import { existsSync } from 'node:fs'
import { type Command, InvalidArgumentError } from 'commander'
import { env } from '../config.ts'
import { calendarDayProblem, isCalendarDay } from '../core/calendar.ts'
import { closestWords, orList } from '../core/words.ts'
import {
  DEFAULT_DB,
  isPostgresUrl,
  noWorkspace,
  postgresServeHolderAt,
  postgresWorkspaceAt,
} from '../data/workspace.ts'
import { UsageError } from '../errors.ts'
import type { TimeUnit } from '../service/summary.ts'

/** The time units of --unit, as the summary counts them. */
export const UNITS: readonly TimeUnit[] = ['day', 'week', 'month']

/**
 * `value` as one of a flag's `choices`, else a UsageError naming them, with a guess when the value
 * is a typo of one (--unit weeks: did you mean week?).
 * @example choiceFlag('--unit', 'weeks', ['day', 'week', 'month']) // throws "... (did you mean week?)"
 */
export function choiceFlag<T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
): T {
  if ((choices as readonly string[]).includes(value)) return value as T
  const guesses = closestWords(value, choices)
  throw new UsageError(
    `${flag} must be ${choices.length > 3 ? `one of ${choices.join(', ')}` : orList(choices)}, got ${JSON.stringify(value)}${guesses.length > 0 ? ` (did you mean ${orList(guesses)}?)` : ''}`,
  )
}

/**
 * A flag's number as a person writes it in decimal (12, -0.5, 1e3), else NaN. Number() alone also
 * reads '0x10' as 16, '0b11' as 3 and '' as 0: a flag given so is refused, as '52abc' is.
 */
export function decimalFlag(v: string): number {
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : Number.NaN
}

/** Add `--db PATH` (default: $LOYALS_DB, else ./loyals.duckdb); `what` says what it may name. */
export function withDb(cmd: Command, what = 'workspace file'): Command {
  return cmd.option('--db <path>', `${what} (default: $LOYALS_DB or ${DEFAULT_DB})`)
}

/**
 * A note when both a file to read and --db are given: the command reads the file, and --db (whose
 * workspace it would read without one) is left unread, which the user should hear of.
 */
export function dbFlagNote(
  input: string | undefined,
  opts: { db?: string },
  command: string,
): string | null {
  if (input === undefined || opts.db === undefined || opts.db === input) return null
  return `--db ${opts.db} is not read: ${command} reads ${input} (give one or the other)`
}

/** Parser of `--out <dir>`: an empty name would write into the current directory unasked. */
export function outDir(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('give a directory, not an empty name')
  return value
}

export function resolveDb(opts: { db?: string }): string {
  // an empty --db (an unset shell variable: --db "$WS") is a mistake to say in the flag's terms
  if (opts.db !== undefined && opts.db.trim() === '') {
    throw new UsageError('--db is empty: give the workspace file (or a postgres:// URL)')
  }
  return opts.db ?? env().LOYALS_DB ?? DEFAULT_DB
}

/**
 * `value` of the positional argument `name`, refused when empty or blank (an unset shell
 * variable, `loyals analyze "$FILE"`), which the library would name by its own function.
 * @throws UsageError naming the argument.
 */
export function nonEmptyArg(value: string, name: string): string {
  if (value.trim() === '') throw new UsageError(`the ${name} is empty: give one`)
  return value
}

/**
 * The --as-of option's value: an empty one (`--as-of ""`, an unset shell variable) is refused
 * rather than read as no date, which would analyze at the last day without a word.
 */
export function asOfArg(value: string): string {
  if (value.trim() === '') {
    throw new UsageError(
      '--as-of is empty: give a date YYYY-MM-DD, or leave the option out for the last day in the data',
    )
  }
  // `--as-of orders.csv` (the date left out) took the file as the date: said before anything else
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) && existsSync(value)) {
    throw new UsageError(
      `--as-of takes a date YYYY-MM-DD, and got ${JSON.stringify(value)}, a file: was the date left out?`,
    )
  }
  // said with the flag, as its other errors are (a bare "invalid date" named no option)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new UsageError(`--as-of takes a date YYYY-MM-DD, and got ${JSON.stringify(value)}`)
  }
  if (!isCalendarDay(value)) {
    throw new UsageError(`--as-of ${value} is no date: ${calendarDayProblem(value)}`)
  }
  return value
}

/**
 * The workspace of a command that reads or changes what is in one (summary, customer, keys list,
 * refit, tick): opening a path that is not there would create an empty workspace behind a
 * mistyped --db, and the command would report success on it. A PostgreSQL store is its server's.
 * @throws UsageError (noWorkspace) for a DuckDB file that does not exist.
 */
export function existingWorkspace(db: string, takesFile = true): string {
  if (!isPostgresUrl(db) && !existsSync(db)) throw noWorkspace(db, takesFile)
  return db
}

/**
 * {@link existingWorkspace} for a PostgreSQL store too: one without Loyals' tables (a mistyped
 * database or schema) is no workspace, where opening it would make one in silence.
 * @throws UsageError when there is none (the URL without its password, and how to make one).
 */
export async function existingStore(db: string, takesFile = true): Promise<string> {
  if (!isPostgresUrl(db)) return existingWorkspace(db, takesFile)
  if (!(await postgresWorkspaceAt(db))) {
    // `import FILE --db URL` and "name an orders file" do not apply to a server's store: a
    // server started on it, or a first key, makes the workspace
    const { redactUrl } = await import('../data/postgres.ts')
    throw new UsageError(
      `no workspace at ${redactUrl(db)} (no Loyals tables in its schema): start \`loyals serve --db URL\` on it, or create its first key with \`loyals keys create --role admin --db URL\`, which make one; or check the URL's database and search_path`,
    )
  }
  return db
}

/**
 * The workspace of a command that runs DuckDB's own SQL (import, customer, analyze, insights): a
 * PostgreSQL store is served, and import and customer go through its server instead; analyze and
 * insights read an export of its orders (the command's name is no verb to put before one).
 * @throws UsageError for a postgres:// URL, saying how to reach it.
 */
export function requireDuckDbWorkspace(db: string, command: string): string {
  if (isPostgresUrl(db)) {
    const served = command === 'import' || command === 'customer'
    throw new UsageError(
      served
        ? `loyals ${command} works on a DuckDB workspace; a PostgreSQL store is reached through its server: start \`loyals serve --db URL\` with this store's URL and pass --server URL --api-key KEY`
        : `loyals ${command} reads an orders file or a DuckDB workspace, not a PostgreSQL store: run it on an export of the store's orders (loyals ${command} orders.csv)`,
    )
  }
  return db
}

/**
 * {@link requireDuckDbWorkspace} for the commands that reach a PostgreSQL store through its server
 * (import, customer): when a server holds it, the refusal names it and asks only for the key (it
 * said to start a server that was running). The URL is not repeated: with a password it is shown
 * redacted, which cannot be pasted back.
 */
export async function requireDuckDbOrServer(db: string, command: string): Promise<string> {
  if (!isPostgresUrl(db)) return db
  const holder = await postgresServeHolderAt(db).catch(() => null)
  if (holder?.url) {
    throw new UsageError(
      `loyals ${command} reaches this PostgreSQL store through the loyals serve that holds it (pid ${holder.pid} on ${holder.host}) at ${holder.url}: pass --api-key KEY (or set LOYALS_API_KEY)`,
    )
  }
  return requireDuckDbWorkspace(db, command)
}
