// DuckDB adapter: the embedded default store. Values are converted to plain JS here, once:
// BIGINT/HUGEINT -> number (counts and ids that fit), DECIMAL -> number, DATE/TIMESTAMP -> ISO string.
import { DOUBLE, type DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api'
import { QueryError } from '../errors.ts'
import type { Engine, Query, Row } from './engine.ts'

function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v
  if (Array.isArray(v)) return v.map(toPlain)
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    // getRowObjectsJson already renders dates/decimals; objects left here are structs/maps.
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) out[k] = toPlain(x)
    return out
  }
  return v
}

function normalizeParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params || params.length === 0) return undefined
  return params.map((p) => (p === undefined ? null : p))
}

// The driver binds whole numbers as BIGINT: one beyond 2^53 (say -1e300) must go as the DOUBLE it is.
const unsafeWhole = (p: unknown): boolean =>
  typeof p === 'number' && Number.isInteger(p) && !Number.isSafeInteger(p)

function paramTypes(
  params: readonly unknown[] | undefined,
): (DuckDBType | undefined)[] | undefined {
  if (!params?.some(unsafeWhole)) return undefined
  return params.map((p) => (unsafeWhole(p) ? DOUBLE : undefined))
}

class DuckDbEngine implements Engine {
  readonly dialect = 'duckdb' as const
  readonly location: string
  #conn: DuckDBConnection
  #instance: DuckDBInstance | null
  #inTx = false

  constructor(location: string, conn: DuckDBConnection, instance: DuckDBInstance | null) {
    this.location = location
    this.#conn = conn
    this.#instance = instance
  }

  async query<T extends Row = Row>(q: Query | string): Promise<T[]> {
    const { sql, params } = typeof q === 'string' ? { sql: q, params: undefined } : q
    try {
      const reader = await this.#conn.runAndReadAll(
        sql,
        normalizeParams(params) as never,
        paramTypes(params) as never,
      )
      const rows = reader.getRowObjectsJson() as Record<string, unknown>[]
      // getRowObjectsJson renders BIGINT as string; restore numbers for numeric column types.
      const types = reader.columnTypes().map((t) => String(t))
      const names = reader.columnNames()
      const numeric = names.filter((_, i) =>
        /^(BIGINT|HUGEINT|UBIGINT|DECIMAL)/.test(types[i] ?? ''),
      )
      if (numeric.length > 0) {
        for (const r of rows) for (const n of numeric) if (r[n] !== null) r[n] = Number(r[n])
      }
      // ... and DOUBLE NaN/Infinity as 'NaN'/'Infinity': numbers, as PostgreSQL's adapter gives
      const floats = names.filter((_, i) => /^(DOUBLE|FLOAT)$/.test(types[i] ?? ''))
      if (floats.length > 0) {
        for (const r of rows) {
          for (const n of floats) if (typeof r[n] === 'string') r[n] = Number(r[n])
        }
      }
      return rows.map((r) => toPlain(r) as T)
    } catch (e) {
      throw new QueryError(sql, e)
    }
  }

  async exec(q: Query | string): Promise<void> {
    const { sql, params } = typeof q === 'string' ? { sql: q, params: undefined } : q
    try {
      await this.#conn.run(sql, normalizeParams(params) as never, paramTypes(params) as never)
    } catch (e) {
      throw new QueryError(sql, e)
    }
  }

  async transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.#inTx) return fn(this)
    await this.exec('BEGIN TRANSACTION')
    this.#inTx = true
    try {
      const out = await fn(this)
      await this.exec('COMMIT')
      return out
    } catch (e) {
      try {
        await this.exec('ROLLBACK')
      } catch {
        // the original error is the one worth reporting
      }
      throw e
    } finally {
      this.#inTx = false
    }
  }

  /** The raw connection, for adapter-specific bulk paths (appenders, COPY). */
  get connection(): DuckDBConnection {
    return this.#conn
  }

  async close(): Promise<void> {
    this.#conn.closeSync()
    this.#instance?.closeSync()
    this.#instance = null
  }
}

export type { DuckDbEngine }

/** Open (or create) a DuckDB workspace file; ':memory:' for a scratch store. */
export async function openDuckDb(path: string): Promise<DuckDbEngine> {
  let instance: DuckDBInstance
  try {
    instance = await DuckDBInstance.create(path)
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    if (/lock/i.test(msg)) {
      const { UsageError } = await import('../errors.ts')
      throw new UsageError(
        `the workspace ${path} is in use by another process (a running 'loyals serve'?). ` +
          'Stop it, or point the command at the server, or use another --db.',
        { path },
      )
    }
    throw new QueryError(`open ${path}`, e)
  }
  const conn = await instance.connect()
  return new DuckDbEngine(path, conn, instance)
}
