// Typed errors carry their context; each edge (CLI, HTTP) translates them once.

/**
 * Base class: `code` is stable and machine-readable, `message` is for people. The library's codes:
 * `usage_error` (UsageError), `data_error` (DataError), `import_error` (ImportError and
 * WrongKindError), `query_error` (QueryError and StoreUnreachableError), `convergence_error`
 * (ConvergenceError), `numeric_error` (SpecialFunctionError, core/special.ts); the HTTP API adds
 * its own (docs/api.md).
 */
export class LoyalsError extends Error {
  readonly code: string
  readonly details: Record<string, unknown>
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.details = details
  }
}

/** One problem with one place in an input file. `line` is 1-based as an editor shows it. */
export interface RowProblem {
  readonly file: string
  readonly line: number | null
  readonly column: string | null
  readonly reason: string
  /**
   * True when `line` counts the records of a JSON array (1 = the first), not the file's lines:
   * a one-line array has every record on line 1, so `file:2` would point at nothing.
   */
  readonly record?: boolean
  /**
   * With `record`: the file line on which that record opens (a pretty-printed array), when the
   * records do not all sit on one line.
   */
  readonly startLine?: number
}

export function formatProblem(p: RowProblem): string {
  const where =
    p.line === null
      ? p.file
      : p.record
        ? p.startLine !== undefined
          ? `${p.file}:${p.startLine} (record ${p.line})`
          : `${p.file} record ${p.line}`
        : `${p.file}:${p.line}`
  // one problem, one line: a quoted value holding a line break (a date cut in two) printed as is
  // split the line, and the second half read as a line of its own
  const reason = p.reason.replaceAll('\r', '\\r').replaceAll('\n', '\\n')
  return p.column ? `${where} ${p.column}: ${reason}` : `${where}: ${reason}`
}

/** Input that cannot be imported. `problems` lists every bad row found (capped by the importer). */
export class ImportError extends LoyalsError {
  readonly problems: readonly RowProblem[]
  constructor(message: string, problems: readonly RowProblem[] = [], total = problems.length) {
    super('import_error', message, { problems, total })
    this.problems = problems
  }
}

/**
 * The file is plainly another kind than the one it was imported as (Shopify's customers export
 * imported as orders): `kind` is the one it holds, for a caller that was not told a kind to
 * import it as that.
 */
export class WrongKindError extends ImportError {
  readonly kind: string
  constructor(message: string, kind: string) {
    super(message)
    this.kind = kind
  }
}

/** Bad arguments or configuration given by the user. */
export class UsageError extends LoyalsError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('usage_error', message, details)
  }
}

/** The data cannot support the requested computation (e.g. nobody repeat-purchased). */
export class DataError extends LoyalsError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('data_error', message, details)
  }
}

/** A SQL statement failed; keeps the statement for diagnosis. */
export class QueryError extends LoyalsError {
  constructor(sql: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause)
    super('query_error', `query failed: ${msg}`, { sql })
    this.cause = cause
  }
}

/**
 * A statement that did not run because the store's server cannot be reached (refused, lost, shut
 * down): the request may be sent again once it is back. The HTTP service answers 503.
 */
export class StoreUnreachableError extends QueryError {
  constructor(sql: string, reason: string) {
    super(sql, new Error(reason))
    this.message = `the store cannot be reached: ${reason}`
  }
}

/**
 * What a {@link ConvergenceError} carries in `details` (typed as the base class's record, so read
 * it as `e.details as ConvergenceDetails`).
 */
export interface ConvergenceDetails {
  /** Iterations (or likelihood evaluations) spent before giving up. */
  readonly iterations: number
  /** The parameters where it stopped, on their natural scale unless the message says log. */
  readonly lastParams: readonly number[]
  /** Model-specific diagnostics: `limit` ('no-dropout' ...), `diverged`, `logLikelihood` ... */
  readonly [key: string]: unknown
}

/** An optimizer did not reach a stationary point; never return its parameters silently. */
export class ConvergenceError extends LoyalsError {
  constructor(
    message: string,
    iterations: number,
    lastParams: readonly number[],
    extra: Record<string, unknown> = {},
  ) {
    super('convergence_error', message, { iterations, lastParams, ...extra })
  }
}
