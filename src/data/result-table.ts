// Per-customer results from JS into one TEMP table in a single appender pass: numbers from typed
// arrays and texts produced row by row (so a million rows of text never sit in the JS heap).
// DuckDB appends data chunks; other engines fall back to batched INSERTs with parameters.
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api'
import { DataError, QueryError } from '../errors.ts'
import { type Engine, tracked } from './engine.ts'
import { sqlIdent } from './queries/customer-summary.ts'

const CHUNK = 2048

function duckConnection(engine: Engine): DuckDBConnection | null {
  if (engine.dialect !== 'duckdb') return null
  return (engine as unknown as { connection?: DuckDBConnection }).connection ?? null
}

/** The vector's backing Float64Array when the driver exposes it (private in @duckdb/node-api). */
function rawItems(v: unknown): Float64Array | null {
  const items = (v as { items?: unknown }).items
  return items instanceof Float64Array ? items : null
}

export interface ResultColumns {
  /** Rows idx = 0..n-1, written in that order. */
  readonly n: number
  /** DOUBLE columns (NaN is stored as NaN on DuckDB, NULL elsewhere). */
  readonly numbers: Readonly<Record<string, Float64Array>>
  /** VARCHAR column names, filled per row by `fill`. */
  readonly texts: readonly string[]
  /** Row i's texts into `out` (null = NULL). */
  fill(i: number, out: (string | null)[]): void
}

/**
 * CREATE OR REPLACE TEMP TABLE `table` (idx INTEGER, <numbers> DOUBLE, <texts> VARCHAR) with one
 * row per idx 0..n-1 in idx order.
 * @example await writeResultTable(engine, 'value_results', { n, numbers: { v }, texts: ['why'],
 *   fill: (i, out) => { out[0] = words(i) } })
 * @throws DataError when a numeric column's length is not n; QueryError when the write fails.
 */
export function writeResultTable(
  engine: Engine,
  table: string,
  cols: ResultColumns,
): Promise<void> {
  // the appender works on the raw connection: through the engine's gate (duckdb.ts)
  return tracked(engine, () => writeRows(engine, table, cols))
}

async function writeRows(engine: Engine, table: string, cols: ResultColumns): Promise<void> {
  const name = sqlIdent(table)
  const numNames = Object.keys(cols.numbers).map(sqlIdent)
  const nums = numNames.map((k) => cols.numbers[k] as Float64Array)
  const texts = cols.texts.map(sqlIdent)
  const n = cols.n
  nums.forEach((a, k) => {
    if (a.length !== n) throw new DataError(`column ${numNames[k]} has ${a.length} values for ${n}`)
  })
  const defs = [
    'idx INTEGER',
    ...numNames.map((c) => `${c} DOUBLE PRECISION`),
    ...texts.map((c) => `${c} VARCHAR`),
  ]
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${name} (${defs.join(', ')})`)
  const row: (string | null)[] = new Array(texts.length).fill(null)
  const conn = duckConnection(engine)
  if (!conn) {
    const per = 1 + nums.length + texts.length
    const batch = Math.max(1, Math.floor(30_000 / per))
    for (let off = 0; off < n; off += batch) {
      const m = Math.min(batch, n - off)
      const params: unknown[] = []
      const tuples: string[] = []
      for (let i = off; i < off + m; i++) {
        cols.fill(i, row)
        const at = params.length
        params.push(i, ...nums.map((a) => (Number.isFinite(a[i]) ? a[i] : null)), ...row)
        tuples.push(`(${Array.from({ length: per }, (_, k) => `$${at + k + 1}`).join(', ')})`)
      }
      await engine.exec({ sql: `INSERT INTO ${name} VALUES ${tuples.join(', ')}`, params })
    }
    return
  }
  // loaded where a DuckDB connection exists (numeric-columns.ts says why)
  const duck = await import('@duckdb/node-api')
  const { DOUBLE, INTEGER, VARCHAR } = duck
  try {
    const appender = await conn.createAppender(name, 'main', 'temp')
    const types = [INTEGER, ...nums.map(() => DOUBLE), ...texts.map(() => VARCHAR)]
    // one chunk filled again for every 2048 rows: a new chunk per batch cost 2.5x the CPU
    let chunk: DuckDBDataChunk | null = null
    let vectors: ReturnType<DuckDBDataChunk['getColumnVector']>[] = []
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off)
      if (chunk === null || m !== CHUNK) {
        chunk = duck.DuckDBDataChunk.create(types, m)
        chunk.rowCount = m
        const c = chunk
        vectors = types.map((_, k) => c.getColumnVector(k))
      } else {
        // frees the previous batch's strings; the vectors keep their buffers
        chunk.reset()
        chunk.rowCount = m
      }
      const iv = vectors[0] as (typeof vectors)[number]
      for (let k = 0; k < m; k++) iv.setItem(k, off + k)
      nums.forEach((a, c) => {
        const v = vectors[c + 1] as (typeof vectors)[number]
        const src = a.subarray(off, off + m)
        const items = rawItems(v)
        if (items && items.length === m) items.set(src)
        else for (let k = 0; k < m; k++) v.setItem(k, src[k] as number)
      })
      const t0 = 1 + nums.length
      for (let k = 0; k < m; k++) {
        cols.fill(off + k, row)
        for (let c = 0; c < texts.length; c++) {
          ;(vectors[t0 + c] as (typeof vectors)[number]).setItem(k, row[c] ?? null)
        }
      }
      for (const v of vectors) v.flush()
      appender.appendDataChunk(chunk)
    }
    appender.flushSync()
    appender.closeSync()
  } catch (e) {
    throw new QueryError(`append to ${name}`, e)
  }
}
