// Multi-row INSERT for the serve tables: one statement per batch of rows (a group of events costs a
// handful of statements, not one per row), with ON CONFLICT for idempotency. Portable SQL.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'

const IDENT = /^[a-z_][a-z0-9_]*$/

function ident(name: string): string {
  if (!IDENT.test(name)) throw new UsageError(`invalid identifier ${JSON.stringify(name)}`)
  return name
}

export interface InsertRowsArgs {
  readonly table: string
  readonly columns: readonly string[]
  readonly rows: readonly (readonly unknown[])[]
  /** Columns whose parameter is cast (e.g. { created_at: 'TIMESTAMP' }). */
  readonly casts?: Readonly<Record<string, 'TIMESTAMP' | 'DATE' | 'DOUBLE PRECISION' | 'BIGINT'>>
  /** 'nothing': skip rows whose key exists; { keys, update }: overwrite `update` columns. */
  readonly conflict?:
    | 'nothing'
    | { readonly keys: readonly string[]; readonly update: readonly string[] }
  readonly returning?: readonly string[]
}

/** Rows per statement so that a batch stays under PostgreSQL's 65,535 parameters. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(60_000 / Math.max(1, columns)))
}

/**
 * INSERT INTO table (columns) VALUES ($1, ...), (...) [ON CONFLICT ...] [RETURNING ...].
 * @throws UsageError for a bad identifier, a row of the wrong width, or more rows than
 *   {@link rowsPerStatement} allows.
 */
export function insertRows(_dialect: Dialect, a: InsertRowsArgs): Query {
  const cols = a.columns.map(ident)
  if (a.rows.length === 0) throw new UsageError('insertRows needs at least one row')
  if (a.rows.length > rowsPerStatement(cols.length)) {
    throw new UsageError('too many rows for one statement', { rows: a.rows.length })
  }
  const params: unknown[] = []
  const values = a.rows.map((r) => {
    if (r.length !== cols.length) throw new UsageError('row width differs from columns')
    const cells = r.map((v, i) => {
      params.push(v)
      const cast = a.casts?.[cols[i]!]
      return cast ? `CAST($${params.length} AS ${cast})` : `$${params.length}`
    })
    return `(${cells.join(', ')})`
  })
  let sql = `INSERT INTO ${ident(a.table)} (${cols.join(', ')}) VALUES ${values.join(', ')}`
  if (a.conflict === 'nothing') sql += ' ON CONFLICT DO NOTHING'
  else if (a.conflict) {
    const set = a.conflict.update.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')
    sql += ` ON CONFLICT (${a.conflict.keys.map(ident).join(', ')}) DO UPDATE SET ${set}`
  }
  if (a.returning) sql += ` RETURNING ${a.returning.map(ident).join(', ')}`
  return { sql, params }
}
