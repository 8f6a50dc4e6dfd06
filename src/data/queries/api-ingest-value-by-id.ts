// The stored survey answers and returns of the ids a group of events names: an answer or a return
// sent with an id stored with other content is no retry, and must not be answered "stored" while
// the stored row stays (value-inputs.ts).
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

const CONTENT: Readonly<Record<string, { key: string; columns: string }>> = {
  survey_responses: {
    key: 'response_key',
    columns: 'customer_id, nps, ces, csat, comment',
  },
  returns: {
    key: 'return_key',
    columns: 'customer_id, order_id, amount, reason',
  },
}

/** SELECT k (the key) and the content columns of `table`'s rows WHERE the key IN (the ids). */
export function valueRowsById(dialect: Dialect, table: string, ids: readonly string[]): Query {
  const c = CONTENT[table]
  if (!c) throw new UsageError(`valueRowsById: unsupported table ${JSON.stringify(table)}`)
  return {
    sql: `SELECT ${c.key} AS k, ${c.columns} FROM ${table} WHERE ${c.key} IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(ids)],
  }
}
