// Bulk text columns from JS into a TEMP table keyed by an integer index (the value step's reason
// texts): DuckDB appends data chunks; other engines fall back to batched INSERTs with parameters.
// Numbers go through numeric-columns.ts; this is its counterpart for words.
import { DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api'
import { QueryError } from '../errors.ts'
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
 * CREATE OR REPLACE TEMP TABLE `table` (idx INTEGER, <name> VARCHAR ...) with rows idx = 0..n-1 in
 * that order, asking `fill(i, out)` for row i's texts (null = NULL). Rows are produced and appended
 * one chunk at a time, so a million rows of text never sit in the JS heap together.
 * @example await writeTextTable(engine, 'value_texts', ['reason_1'], n, (i, out) => { out[0] = t(i) })
 * @throws QueryError when the write fails.
 */
export async function writeTextTable(
  engine: Engine,
  table: string,
  names: readonly string[],
  n: number,
  fill: (i: number, out: (string | null)[]) => void,
): Promise<void> {
  const name = sqlIdent(table)
  for (const c of names) sqlIdent(c)
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${name} (idx INTEGER, ${names.map((c) => `${c} VARCHAR`).join(', ')})`,
  )
  const row: (string | null)[] = new Array(names.length).fill(null)
  const conn = duckConnection(engine)
  if (!conn) {
    const per = names.length + 1
    const batch = Math.max(1, Math.floor(30_000 / per))
    for (let off = 0; off < n; off += batch) {
      const m = Math.min(batch, n - off)
      const params: unknown[] = []
      const tuples: string[] = []
      for (let i = off; i < off + m; i++) {
        fill(i, row)
        const at = params.length
        params.push(i, ...row)
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
      const vectors = types.map((_, c) => chunk.getColumnVector(c))
      const iv = vectors[0] as (typeof vectors)[number]
      for (let k = 0; k < m; k++) {
        iv.setItem(k, off + k)
        fill(off + k, row)
        for (let c = 0; c < names.length; c++) {
          ;(vectors[c + 1] as (typeof vectors)[number]).setItem(k, row[c] ?? null)
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
