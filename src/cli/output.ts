// Everything the CLI prints goes through here: tables on a TTY, JSON when asked, and one fail()
// that turns any error into a message and an exit code (1 = bad input/data, 2 = usage, 70 = bug).
import {
  ConvergenceError,
  formatProblem,
  ImportError,
  LoyalsError,
  StoreUnreachableError,
  UsageError,
} from '../errors.ts'

export const isTty = (): boolean => Boolean(process.stdout.isTTY)

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/**
 * Control characters (an escape byte, a carriage return, a bell) and the bidirectional overrides
 * that an imported id or name may hold: printed raw, they would drive the user's terminal (colours,
 * cursor moves, text shown reversed). Line feeds and tabs are the output's own.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** `s` with the characters of UNSAFE written as escapes (\x1b, \u202e). */
export function printable(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

export function println(s = ''): void {
  process.stdout.write(`${printable(s)}\n`)
}

/**
 * A line on stderr: notes and errors, which quote --db and --server values and land in CI logs,
 * so no connection URL's password goes out (a note written without withoutPasswords printed it).
 */
export function eprintln(s = ''): void {
  process.stderr.write(`${printable(withoutPasswords(s))}\n`)
}

/** Render rows as an aligned text table (numbers right-aligned). */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)))
  const numeric = headers.map((_, i) =>
    rows.every((r) => r[i] === null || typeof r[i] === 'number'),
  )
  const fmt = (vals: readonly string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)].join('\n')
}

export function exitCodeFor(e: unknown): number {
  // a store that cannot be reached is no fault of the data: exit 2, as a server that cannot be
  // reached (`--server`) is
  if (e instanceof UsageError || e instanceof StoreUnreachableError) return 2
  if (e instanceof LoyalsError) return 1
  return 70
}

/**
 * The optimizer's own account of a failed fit, one line: iterations, likelihood evaluations,
 * start values tried, the gradient norm and the mean negative log-likelihood where it stopped.
 */
export function convergenceDiagnostics(e: ConvergenceError): string {
  const d = e.details as {
    iterations?: number
    evaluations?: number
    attempts?: readonly { details?: { gradientNorm?: number; value?: number } }[]
    gradientNorm?: number
    value?: number
  }
  const last = d.attempts?.[d.attempts.length - 1]?.details
  const grad = d.gradientNorm ?? last?.gradientNorm
  const value = d.value ?? last?.value
  const parts: string[] = []
  if (typeof d.iterations === 'number') parts.push(`${d.iterations} iterations`)
  if (typeof d.evaluations === 'number') parts.push(`${d.evaluations} likelihood evaluations`)
  if (d.attempts?.length) {
    parts.push(`${d.attempts.length} start value${d.attempts.length === 1 ? '' : 's'} tried`)
  }
  if (typeof grad === 'number' && Number.isFinite(grad)) {
    parts.push(`gradient norm ${grad.toPrecision(3)} where it stopped`)
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    parts.push(`mean negative log-likelihood ${value.toPrecision(6)}`)
  }
  return parts.join(', ')
}

/**
 * A message without the password of any connection URL it quotes (`postgres://u:secret@h` is
 * `postgres://u:***@h`): a --db or --server value comes back in many messages, which land in
 * terminals, CI logs and tickets.
 */
export function withoutPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@')
}

/**
 * The error as JSON for a command run with --json (a script reading stdout found it empty):
 * `{"error": {"code", "message", "exitCode"}}`, with an import's `problems` (file, line, column,
 * reason: the first 20) and their `total`, or a fit's `details` (iterations, lastParams, limit).
 */
export function errorJson(e: unknown): string {
  const message = withoutPasswords(e instanceof Error ? e.message : String(e))
  const code = e instanceof LoyalsError ? e.code : 'internal_error'
  const problems =
    e instanceof ImportError
      ? {
          problems: e.problems.map((p) => ({
            file: p.file,
            line: p.line,
            column: p.column,
            reason: p.reason,
          })),
          total: Number(e.details.total ?? e.problems.length),
        }
      : {}
  // a fit that did not converge: where it stopped, and the model's limit it ran to (no-dropout),
  // as a library caller reads them in ConvergenceError.details
  const fit =
    e instanceof ConvergenceError
      ? {
          details: {
            iterations: e.details.iterations,
            // a run-off stops on the log scale the fits work on (the message says "log a = ...");
            // a script reads every parameter on its natural scale
            lastParams:
              e.details.diverged !== undefined && Array.isArray(e.details.lastParams)
                ? (e.details.lastParams as number[]).map(Math.exp)
                : e.details.lastParams,
            ...(e.details.limit !== undefined ? { limit: e.details.limit } : {}),
          },
        }
      : {}
  return JSON.stringify({
    error: { code, message, exitCode: exitCodeFor(e), ...problems, ...fit },
  })
}

/** Print an error the way a person wants to read it, then exit. Stack traces only with DEBUG. */
export function fail(e: unknown): never {
  // an id or file text in the message may hold escapes: printed as such, as the output is
  const eprintln = (s: string) => process.stderr.write(`${printable(withoutPasswords(s))}\n`)
  // --json: a script reads stdout; the person still reads stderr
  if (process.argv.includes('--json')) process.stdout.write(`${errorJson(e)}\n`)
  if (e instanceof ImportError) {
    eprintln(`error: ${e.message}`)
    // a message that already is its one problem (a file's first bad line) is not said twice
    const [only] = e.problems
    const repeats = e.problems.length === 1 && only && e.message.includes(only.reason)
    if (!repeats) for (const p of e.problems) eprintln(`  ${formatProblem(p)}`)
    const total = Number(e.details.total ?? e.problems.length)
    if (total > e.problems.length) {
      // the rest are a --rejects away, an option of `loyals import` only (said unless the message
      // names the file they went to); `fit` of a summary file listed its rows with that hint too
      const hint =
        process.argv[2] !== 'import' || e.message.includes('Every bad row is in')
          ? ''
          : ' (--rejects FILE lists them all)'
      // problems, not rows: a row with a bad date and a bad amount is two ("1,333 bad rows" were
      // followed by "... and 1646 more")
      const more = total - e.problems.length
      eprintln(
        `  ... and ${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'}${hint}`,
      )
    }
  } else if (e instanceof ConvergenceError) {
    eprintln(`error: ${e.message}`)
    const d = convergenceDiagnostics(e)
    if (d) eprintln(`  diagnostics: ${d}`)
  } else if (e instanceof LoyalsError) {
    eprintln(`error: ${e.message}`)
  } else {
    const msg = e instanceof Error ? e.message : String(e)
    eprintln(`error: ${msg}`)
    if (process.env.DEBUG && e instanceof Error && e.stack) eprintln(e.stack)
  }
  process.exit(exitCodeFor(e))
}
