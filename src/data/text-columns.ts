// Bulk text columns from JS into a TEMP table keyed by an integer index (the value step's reason
// texts): DuckDB appends data chunks; other engines fall back to batched INSERTs with parameters.
// Numbers go through numeric-columns.ts; this is its counterpart for words.
import { DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api'
import { DataError, QueryError } from '../errors.ts'
import type { Engine } from './engine.ts'
import { sqlIdent } from './queries/customer-summary.ts'

const CHUNK = 2048

function duckConnection(engine: Engine) {
  if (engine.dialect !== 'duckdb') return null
  return (
    (engine as unknown as { connection?: import('@duckdb/node-api').DuckDBConnection })
      .connection ?? null
  )
}

/**
 * CREATE OR REPLACE TEMP TABLE `table` (idx INTEGER, <name> VARCHAR ...) and fill it: row i is
 * (idx[i], columns[name][i] ...); null is NULL.
 * @example await writeTextTable(engine, 'value_texts', idx, { reason_1: texts })
 * @throws DataError when a column's length differs from idx's; QueryError when the write fails.
 */
export async function writeTextTable(
  engine: Engine,
  table: string,
  idx: Int32Array,
  columns: Readonly<Record<string, readonly (string | null)[]>>,
): Promise<void> {
  const name = sqlIdent(table)
  const names = Object.keys(columns).map(sqlIdent)
  const arrays = names.map((k) => columns[k] as readonly (string | null)[])
  const n = idx.length
  for (const [i, a] of arrays.entries()) {
    if (a.length !== n) {
      throw new DataError(`text column ${names[i]} has ${a.length} values for ${n} rows`)
    }
  }
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${name} (idx INTEGER, ${names.map((c) => `${c} VARCHAR`).join(', ')})`,
  )
  const conn = duckConnection(engine)
  if (!conn) {
    const per = names.length + 1
    const batch = Math.max(1, Math.floor(30_000 / per))
    for (let off = 0; off < n; off += batch) {
      const m = Math.min(batch, n - off)
      const params: unknown[] = []
      const tuples: string[] = []
      for (let i = off; i < off + m; i++) {
        const at = params.length
        params.push(idx[i], ...arrays.map((a) => a[i] ?? null))
        tuples.push(`(${Array.from({ length: per }, (_, k) => `$${at + k + 1}`).join(', ')})`)
      }
      await engine.exec({ sql: `INSERT INTO ${name} VALUES ${tuples.join(', ')}`, params })
    }
    return
  }
  try {
    const appender = await conn.createAppender(name, 'main', 'temp')
    const types = [INTEGER, ...names.map(() => VARCHAR)]
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off)
      const chunk = DuckDBDataChunk.create(types, m)
      chunk.rowCount = m
      const iv = chunk.getColumnVector(0)
      for (let i = 0; i < m; i++) iv.setItem(i, idx[off + i] as number)
      iv.flush()
      for (let c = 0; c < arrays.length; c++) {
        const v = chunk.getColumnVector(c + 1)
        const a = arrays[c] as readonly (string | null)[]
        for (let i = 0; i < m; i++) v.setItem(i, a[off + i] ?? null)
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
