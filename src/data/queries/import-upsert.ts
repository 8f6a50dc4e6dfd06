// Write staged rows into a store table: insert new keys, overwrite changed rows, leave identical
// rows alone (so a re-import writes nothing). `onlyNew` keeps existing rows as they are.
import type { Dialect, Query } from '../engine.ts'
import { differs } from './import-changes.ts'
import { ident } from './import-stage.ts'

export function importUpsert(
  _d: Dialect,
  args: {
    staged: string
    table: string
    key: string
    columns: readonly string[]
    onlyNew?: boolean
  },
): Query {
  const k = ident(args.key)
  const cols = args.columns.map(ident).join(', ')
  const sel = args.columns.map((c) => `r.${ident(c)}`).join(', ')
  const set = args.columns
    .filter((c) => c !== args.key)
    .map((c) => `${ident(c)} = excluded.${ident(c)}`)
    .join(', ')
  const filter = args.onlyNew
    ? `o.${k} IS NULL`
    : `o.${k} IS NULL OR ${differs(args.columns, args.key, 'r', 'o')}`
  return {
    sql: `INSERT INTO ${args.table} (${cols})
SELECT ${sel} FROM ${args.staged} r LEFT JOIN ${args.table} o ON o.${k} = r.${k}
WHERE ${filter}
ON CONFLICT (${k}) DO ${args.onlyNew ? 'NOTHING' : `UPDATE SET ${set}`}`,
  }
}
