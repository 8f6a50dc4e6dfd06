// The one interface every store adapter implements. Kept tiny on purpose: services speak SQL
// through it, and adapters convert driver values to plain JS numbers/strings once, here.

/** A row as plain JS values: numbers, strings, booleans, null. BIGINT arrives as number. */
export type Row = Record<string, unknown>

export type Dialect = 'duckdb' | 'postgres'

/** A query built by a file in `queries/`: SQL text plus positional parameters ($1, $2 ...). */
export interface Query {
  readonly sql: string
  readonly params?: readonly unknown[]
}

export interface TransactionOptions {
  /**
   * The transaction is large (an import, a table of every customer): a process killed while it
   * commits must leave the store as before, not part of it. DuckDB 1.5 writes a commit to its WAL in
   * several writes and replays a WAL cut short in part (duckdb/duckdb PR #25931, unreleased): the
   * DuckDB adapter brackets such a transaction with checkpoints and a marker file (duckdb.ts).
   * PostgreSQL's commit is whole already.
   */
  readonly wholeOnCrash?: boolean
}

export interface Engine {
  readonly dialect: Dialect
  /** Where the store lives (file path or connection string without password). */
  readonly location: string
  /** Run one statement and return all rows as plain objects. */
  query<T extends Row = Row>(q: Query | string): Promise<T[]>
  /** Run one or more statements, discarding results. */
  exec(q: Query | string): Promise<void>
  /** Run `fn` inside one transaction: all of it lands, or none of it. */
  transaction<T>(fn: (tx: Engine) => Promise<T>, opts?: TransactionOptions): Promise<T>
  /**
   * Run `fn` with the engine to itself: other callers' statements wait until it ends (DuckDB:
   * DuckDbEngine.hold). Absent: the caller serializes its own uses (the server's queue).
   */
  hold?<T>(fn: () => Promise<T>): Promise<T>
  /**
   * {@link hold}, and close() waits for `fn` as for a statement under way (DuckDB): for work on
   * the raw connection (appenders, streamed reads) that could outlive the job that started it.
   */
  track?<T>(fn: () => Promise<T>): Promise<T>
  /**
   * Why the store cannot be reached now (a server store that refused or lost the connection, not
   * yet answering again), or null. Absent: an embedded store, always there.
   */
  unreachable?(): string | null
  close(): Promise<void>
}

/**
 * `fn` with `engine` to itself when the engine can be held, else `fn` as it is: a job of many
 * statements on shared temp tables (an analysis, an import) must not interleave with another.
 */
export function held<T>(engine: Engine, fn: () => Promise<T>): Promise<T> {
  return engine.hold ? engine.hold(fn) : fn()
}

/** `fn` held and tracked when the engine can ({@link Engine.track}), else `fn` as it is. */
export function tracked<T>(engine: Engine, fn: () => Promise<T>): Promise<T> {
  return engine.track ? engine.track(fn) : fn()
}

/** The options of a large transaction ({@link TransactionOptions.wholeOnCrash}). */
export const WHOLE_ON_CRASH: TransactionOptions = { wholeOnCrash: true }
