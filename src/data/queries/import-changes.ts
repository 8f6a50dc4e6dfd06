// How an import would change a table: rows whose key is new, and existing rows whose content
// differs. Bookkeeping columns (source, source_line) do not count as content.
import type { Dialect, Query } from '../engine.ts'
import { ident } from './import-stage.ts'

const BOOKKEEPING = new Set(['source', 'source_line'])

export function differs(columns: readonly string[], key: string, a: string, b: string): string {
  return columns
    .filter((c) => c !== key && !BOOKKEEPING.has(c))
    .map((c) => `${a}.${ident(c)} IS DISTINCT FROM ${b}.${ident(c)}`)
    .join(' OR ')
}

/** One row: `inserted` (new keys) and `updated` (existing keys with different content). */
export function importChanges(
  _d: Dialect,
  args: { staged: string; table: string; key: string; columns: readonly string[] },
): Query {
  const k = ident(args.key)
  return {
    sql: `SELECT count(*) FILTER (WHERE o.${k} IS NULL) AS inserted,
  count(*) FILTER (WHERE o.${k} IS NOT NULL AND (${differs(args.columns, args.key, 'r', 'o')})) AS updated
FROM ${args.staged} r LEFT JOIN ${args.table} o ON o.${k} = r.${k}`,
  }
}
