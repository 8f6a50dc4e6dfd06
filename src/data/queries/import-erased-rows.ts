// The rows of an import's write set (import-changes.ts) that are an erased customer's: ones that
// would replace a stored row kept under a pseudonym (the same key: an order id, a response id),
// and ones whose key an erasure re-keyed (MD5 of the erasure secret, ':' and the key: see
// api-erase-customer.ts). Imported, they would bring the customer back under their id, or count
// their rows twice.
import type { Dialect, Query } from '../engine.ts'
import { ident } from './import-stage.ts'

/** Up to 20 rows (line, key), in file order; `secret`: the workspace's erasure secret. */
export function importErasedRows(
  _d: Dialect,
  args: { writeSet: string; table: string; key: string; secret: string },
): Query {
  const k = ident(args.key)
  return {
    sql: `SELECT line, key FROM (
SELECT r.source_line AS line, r.${k} AS key FROM ${args.writeSet} r
JOIN ${args.table} o ON o.${k} = r.${k}
WHERE NOT r.__new AND regexp_full_match(o.customer_id, 'erased_[0-9a-f]{32}')
UNION ALL
SELECT r.source_line AS line, r.${k} AS key FROM ${args.writeSet} r
JOIN ${args.table} o ON o.${k} = md5($1 || ':' || r.${k})
) ORDER BY line LIMIT 20`,
    params: [args.secret],
  }
}
