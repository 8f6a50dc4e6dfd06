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

export interface Engine {
  readonly dialect: Dialect
  /** Where the store lives (file path or connection string without password). */
  readonly location: string
  /** Run one statement and return all rows as plain objects. */
  query<T extends Row = Row>(q: Query | string): Promise<T[]>
  /** Run one or more statements, discarding results. */
  exec(q: Query | string): Promise<void>
  /** Run `fn` inside one transaction: all of it lands, or none of it. */
  transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T>
  close(): Promise<void>
}
