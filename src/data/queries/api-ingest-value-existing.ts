// Which value-input rows of an event group are stored already: by their key, or by their content
// (an imported row whose key was made from another spelling of the same facts, e.g. "Email Open"
// for email_open). Two equality joins in a UNION rather than one join on "key OR content", so
// both engines can hash-join against a table of millions of imported rows.
import type { Dialect, Query } from '../engine.ts'
import { columnTypes, jsonRelation, rowsParam } from './api-ingest-value-insert.ts'

export interface ExistingValueArgs {
  readonly table: string
  readonly key: string
  /** Columns equal on both sides for the same content (none: by key only). */
  readonly same: readonly string[]
  /** Nullable columns that must also match, NULL matching NULL. */
  readonly alsoSame?: readonly string[]
  /** Match content only against rows a file import wrote (`source` other than 'api'). */
  readonly sameImportedOnly?: boolean
  /** Rows of [key, ...same, ...alsoSame]. */
  readonly rows: readonly (readonly unknown[])[]
}

/** SELECT k: the keys of `rows` whose key or content is in `table`. */
export function existingValueKeys(dialect: Dialect, a: ExistingValueArgs): Query {
  const also = a.alsoSame ?? []
  const columns = [a.key, ...a.same, ...also]
  const types = columnTypes(a.table, columns)
  const rel = jsonRelation(dialect, columns, types, 'r')
  const byKey = `SELECT r.${a.key} AS k FROM ${rel} JOIN ${a.table} o ON o.${a.key} = r.${a.key}`
  if (a.same.length === 0) return { sql: byKey, params: [rowsParam(columns, a.rows)] }
  const on = a.same.map((c) => `o.${c} = r.${c}`).join(' AND ')
  const where = [
    ...also.map((c) => `o.${c} IS NOT DISTINCT FROM r.${c}`),
    ...(a.sameImportedOnly ? ["o.source IS DISTINCT FROM 'api'"] : []),
  ].join(' AND ')
  return {
    sql: `${byKey}
UNION
SELECT r.${a.key} AS k FROM ${rel} JOIN ${a.table} o ON ${on}${where ? ` WHERE ${where}` : ''}`,
    params: [rowsParam(columns, a.rows)],
  }
}
