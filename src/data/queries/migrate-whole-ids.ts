// Ids written as whole-number floats (1001.0) are stored as the whole number (1001) since
// 2026-12-01 (validate.ts wholeNumberId). A workspace filled before keeps its `1001.0` rows, and
// the next import of the same export would add them again as `1001`: once per workspace (meta
// key below), the stored ids and the keys made of them are rewritten as an import now writes
// them, and a row whose rewritten key is stored already (the export imported again after the
// upgrade) is that row twice and goes. Keys made of a content hash alone (a return without its
// own id) keep theirs.
import type { Dialect, Query } from '../engine.ts'

export const WHOLE_IDS_META = 'migration:whole-number-ids'

/** `1001.0` -> `1001`, and a key that starts with it (`1001.0:refund:...`) likewise. */
const whole = (c: string) => `regexp_replace(${c}, '^([0-9]+)[.]0$', '\\1')`
const wholePrefix = (c: string) => `regexp_replace(${c}, '^([0-9]+)[.]0(:|$)', '\\1\\2')`

/** One table: its key column (rewritten as a prefix) and the id columns (rewritten whole). */
function rewrite(table: string, key: string, ids: readonly string[]): string {
  const changed = `${ids[0]} LIKE '%.0' AND ${whole(ids[0] as string)} <> ${ids[0]}`
  const sets = [
    `${key} = ${wholePrefix(key)}`,
    ...ids.filter((c) => c !== key).map((c) => `${c} = ${whole(c)}`),
  ]
  return `DELETE FROM ${table} WHERE ${changed} AND ${wholePrefix(key)} <> ${key}
  AND ${wholePrefix(key)} IN (SELECT ${key} FROM ${table});
UPDATE ${table} SET ${sets.join(', ')} WHERE ${changed};
`
}

/** The statements, then the meta row that says they ran (in the caller's transaction). */
export function migrateWholeIds(_d: Dialect): Query {
  return {
    sql: `${rewrite('orders', 'order_key', ['order_id'])}${rewrite('order_lines', 'line_key', ['order_id'])}${rewrite('tickets', 'ticket_id', ['ticket_id'])}${rewrite('returns', 'return_key', ['return_id'])}UPDATE returns SET order_id = ${whole('order_id')} WHERE order_id LIKE '%.0';
${rewrite('survey_responses', 'response_key', ['response_id'])}INSERT INTO meta (key, value) VALUES ('${WHOLE_IDS_META}', 'done');
`,
  }
}
