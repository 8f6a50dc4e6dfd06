// Bulk numeric columns between the engine and typed arrays, for model fitting and scoring: DuckDB
// streams result chunks and appends data chunks (a million doubles move in ~50 ms per column);
// other engines fall back to row queries and batched INSERTs (correct, slower).
import type { DuckDBConnection } from '@duckdb/node-api'
import { QueryError } from '../errors.ts'
import { type Engine, tracked } from './engine.ts'
import { sqlIdent } from './queries/customer-summary.ts'

/** DuckDB's data chunk capacity (STANDARD_VECTOR_SIZE). */
const CHUNK = 2048

function duckConnection(engine: Engine): DuckDBConnection | null {
  if (engine.dialect !== 'duckdb') return null
  const c = (engine as unknown as { connection?: DuckDBConnection }).connection
  return c ?? null
}

/** The vector's backing Float64Array when the driver exposes it (private in @duckdb/node-api). */
function rawItems(v: unknown): Float64Array | null {
  const items = (v as { items?: unknown }).items
  return items instanceof Float64Array ? items : null
}

/**
 * The vector's validity bitmap as 32-bit words (bit i = row i valid), 'all' when every row is
 * valid, or null when the driver's layout is not the expected one (then use getItem). The driver's
 * own check builds BigInts per row, which made reading a million rows take seconds.
 */
function validityWords(v: unknown): Uint32Array | 'all' | null {
  const validity = (v as { validity?: { data?: unknown; offset?: unknown } }).validity
  if (validity?.offset !== 0) return null
  const data = validity.data
  if (data === null) return 'all'
  if (!(data instanceof BigUint64Array)) return null
  // little-endian: uint64 word k holds rows 64k..64k+63, low half first
  return new Uint32Array(data.buffer, data.byteOffset, data.length * 2)
}

/**
 * Run `sql` and return its first `columns` result columns as Float64Arrays (NULL becomes NaN;
 * callers select non-null doubles). Every column must be numeric. `rows`: the expected row count,
 * when known: the arrays are sized once (growing and trimming them copied each column twice).
 * `materialize`: DuckDB computes the whole result in one call and its chunks are read without
 * further round trips (and the arrays sized to its row count), so a read issued while JS computes
 * (e.g. fitting) completes on the engine's threads instead of one chunk per turn of the event loop.
 * @example const [x, w] = await readNumericColumns(engine, 'SELECT x::DOUBLE, count(*)::DOUBLE ...', 2)
 * @throws QueryError when the query fails.
 */
export function readNumericColumns(
  engine: Engine,
  sql: string,
  columns: number,
  rows?: number,
  opts: { readonly materialize?: boolean } = {},
): Promise<Float64Array[]> {
  // the raw connection goes through the engine's gate, and close() waits for a read started
  // beside a fit whose job then failed
  return tracked(engine, () => readColumns(engine, sql, columns, rows, opts))
}

async function readColumns(
  engine: Engine,
  sql: string,
  columns: number,
  rows: number | undefined,
  opts: { readonly materialize?: boolean },
): Promise<Float64Array[]> {
  const conn = duckConnection(engine)
  if (!conn) {
    const rows = await engine.query(sql)
    const out = Array.from({ length: columns }, () => new Float64Array(rows.length))
    rows.forEach((r, i) => {
      const vals = Object.values(r)
      for (let c = 0; c < columns; c++) out[c]![i] = vals[c] == null ? Number.NaN : Number(vals[c])
    })
    return out
  }
  try {
    const whole = opts.materialize ? await conn.run(sql) : null
    const result = whole ?? (await conn.stream(sql))
    const known = whole ? whole.rowCount : rows
    let cap = known !== undefined && known > 0 ? known : 1 << 16
    let out = Array.from({ length: columns }, () => new Float64Array(cap))
    let n = 0
    for (let k = 0; ; k++) {
      const chunk = whole
        ? k < whole.chunkCount
          ? whole.getChunk(k)
          : null
        : await result.fetchChunk()
      if (!chunk || chunk.rowCount === 0) break
      const m = chunk.rowCount
      if (n + m > cap) {
        while (n + m > cap) cap *= 2
        out = out.map((a) => {
          const b = new Float64Array(cap)
          b.set(a.subarray(0, n))
          return b
        })
      }
      for (let c = 0; c < columns; c++) {
        const v = chunk.getColumnVector(c)
        const dst = out[c]!
        const items = rawItems(v)
        if (items && items.length === m) {
          dst.set(items, n)
          // NULL slots hold garbage in the raw buffer: patch them from the validity bits
          const valid = validityWords(v)
          if (valid !== 'all') {
            for (let i = 0; i < m; i++) {
              const ok = valid
                ? ((valid[i >>> 5] as number) >>> (i & 31)) & 1
                : v.getItem(i) !== null
              if (!ok) dst[n + i] = Number.NaN
            }
          }
        } else {
          for (let i = 0; i < m; i++) {
            const x = v.getItem(i)
            dst[n + i] = x === null ? Number.NaN : Number(x)
          }
        }
      }
      n += m
    }
    return out.map((a) => (n === cap ? a : a.slice(0, n)))
  } catch (e) {
    if (e instanceof QueryError) throw e
    throw new QueryError(sql, e)
  }
}

/**
 * CREATE OR REPLACE TEMP TABLE `table` with one DOUBLE column per entry of `columns` (all the same
 * length) and fill it from the arrays. NaN is stored as NULL on the fallback path and as NaN by the
 * appender, so callers write finite values or handle NaN in SQL (isnan()).
 * @throws QueryError when the table cannot be created or filled.
 */
export function writeNumericTable(
  engine: Engine,
  table: string,
  columns: Readonly<Record<string, Float64Array>>,
): Promise<void> {
  return tracked(engine, () => writeNumbers(engine, table, columns))
}

async function writeNumbers(
  engine: Engine,
  table: string,
  columns: Readonly<Record<string, Float64Array>>,
): Promise<void> {
  const name = sqlIdent(table)
  const names = Object.keys(columns)
  const arrays = names.map((k) => columns[k]!)
  const n = arrays[0]?.length ?? 0
  for (const k of names) sqlIdent(k)
  const cols = names.map((k) => `"${k}" DOUBLE`).join(', ')
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${name} (${cols})`)
  const conn = duckConnection(engine)
  if (!conn) {
    for (let off = 0; off < n; off += 500) {
      const m = Math.min(500, n - off)
      const rows: string[] = []
      for (let i = off; i < off + m; i++) {
        rows.push(
          `(${arrays.map((a) => (Number.isFinite(a[i]!) ? String(a[i]) : 'NULL')).join(', ')})`,
        )
      }
      await engine.exec(`INSERT INTO ${name} VALUES ${rows.join(', ')}`)
    }
    return
  }
  // loaded here, where a DuckDB connection exists: importing the library (its models alone) does
  // not load DuckDB's native module
  const { DOUBLE, DuckDBDataChunk } = await import('@duckdb/node-api')
  try {
    const appender = await conn.createAppender(name, 'main', 'temp')
    const types = names.map(() => DOUBLE)
    // one chunk (and its vectors) reused for every full chunk: the appender copies what it is
    // given, and creating chunks and vector views per 2048 rows cost more than the copies
    const full = n >= CHUNK ? DuckDBDataChunk.create(types, CHUNK) : null
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off)
      const chunk = m === CHUNK && full ? full : DuckDBDataChunk.create(types, m)
      for (let c = 0; c < arrays.length; c++) {
        const v = chunk.getColumnVector(c)
        const src = arrays[c]!.subarray(off, off + m)
        const items = rawItems(v)
        if (items && items.length === m) items.set(src)
        else for (let i = 0; i < m; i++) v.setItem(i, src[i]!)
        v.flush()
      }
      appender.appendDataChunk(chunk)
    }
    appender.flushSync()
    appender.closeSync()
  } catch (e) {
    throw new QueryError(`append to ${name}`, e)
  }
}
