// New keys for rows whose key names a customer (an erasure's audit-log rows and the tasks made
// from them): the caller works the new keys out, the pairs travel as one JSON parameter (as
// api-insert-rows.ts sends rows) and one UPDATE ... FROM joins them to the rows.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'

const KEYED: Readonly<Record<string, string>> = { actions_log: 'action_key', tasks: 'task_id' }

/**
 * Rename the keys of `table`: each row keyed `from` is keyed `to` after. The new keys must be free.
 * @example rekeyRows('duckdb', 'tasks', [['task_1', 'task_2']])
 * @throws UsageError for a table not keyed here.
 */
export function rekeyRows(
  dialect: Dialect,
  table: string,
  pairs: readonly (readonly [from: string, to: string])[],
): Query {
  const key = KEYED[table]
  if (!key) throw new UsageError(`rekeyRows: unsupported table ${JSON.stringify(table)}`)
  const source =
    dialect === 'duckdb'
      ? `(SELECT unnest(from_json($1, '[{"from_key":"VARCHAR","to_key":"VARCHAR"}]'), recursive := true))`
      : 'json_to_recordset(CAST($1 AS text)::json) AS m(from_key text, to_key text)'
  return {
    sql: `UPDATE ${table} SET ${key} = m.to_key FROM ${source}${dialect === 'duckdb' ? ' m' : ''}
WHERE ${table}.${key} = m.from_key`,
    params: [JSON.stringify(pairs.map(([from_key, to_key]) => ({ from_key, to_key })))],
  }
}
