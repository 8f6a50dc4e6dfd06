// Rows of an import that the workspace cannot place: a return of an order that is not there, a
// ticket, engagement event or survey answer of a customer with no order and no customer record.
// They are stored (the orders may come in a later import), which the importer says, with how many
// of them count toward nobody until then (a return naming a known customer counts toward it).
import type { Dialect, Query } from '../engine.ts'

/** The import kinds whose rows belong to a customer, and how a row's customer is found. */
const OWNER: Readonly<Record<string, string>> = {
  // a return with its own customer belongs to it; else to its order's customer
  returns: `coalesce(r.customer_id,
    (SELECT min(o.customer_id) FROM orders o WHERE o.order_id = r.order_id))`,
  tickets: 'r.customer_id',
  engagement: 'r.customer_id',
  surveys: 'r.customer_id',
  // a referral is of two customers: the one of them the workspace does not know (the referrer
  // first), NULL when both are known
  referrals: `CASE WHEN r.referrer_id NOT IN (SELECT customer_id FROM known) THEN r.referrer_id
    WHEN r.referred_id NOT IN (SELECT customer_id FROM known) THEN r.referred_id END`,
}

/**
 * The rows of the note when they are not those without a known owner: every return of an order
 * not in the workspace, whoever it names. A return of an order in the workspace that names
 * another customer is reported by importReturnOwners (import-return-owners.ts), even when that
 * customer is unknown, so that each return is in one note.
 */
const NAMED: Readonly<Record<string, string>> = {
  returns: 'NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = r.order_id)',
}

/** Whether rows of `kind` are checked for an owner. */
export const hasOwnerCheck = (kind: string): boolean => kind in OWNER

/**
 * Rows of the staged `rows` (columns of the kind's table, with source_line) the note names (those
 * whose owner is missing or unknown; for returns, those of orders not in the workspace): columns
 * n (how many), ownerless (of them, those whose owner is missing or unknown), named (of those, the
 * returns that name their customer: they count toward that customer once it is known) and examples
 * (up to 3 'id (line N)' texts, file order; for referrals the unknown customer's id), and
 * any_known (1 when the workspace knows any customer, from an order or a customers file, else 0).
 */
export function importUnmatched(_d: Dialect, args: { kind: string; rows: string }): Query {
  const owner = OWNER[args.kind]
  if (!owner) throw new Error(`no owner rule for ${args.kind}`)
  const label =
    args.kind === 'returns' ? 'r.order_id' : args.kind === 'referrals' ? owner : 'r.customer_id'
  const ownerless =
    args.kind === 'referrals'
      ? `${owner} IS NOT NULL`
      : `coalesce(${owner} NOT IN (SELECT customer_id FROM known), true)`
  // a return that names its customer counts toward that customer once they are known, whatever
  // its order: said apart from those that wait for their order
  const named = args.kind === 'returns' ? 'r.customer_id IS NOT NULL' : 'false'
  return {
    sql: `WITH known AS (
  SELECT customer_id FROM orders UNION SELECT customer_id FROM customers
), lost AS (
  SELECT ${label} AS label, r.source_line, ${ownerless} AS ownerless, ${named} AS named
  FROM ${args.rows} r WHERE ${NAMED[args.kind] ?? ownerless}
)
SELECT count(*) AS n, count(*) FILTER (WHERE ownerless) AS ownerless,
  count(*) FILTER (WHERE ownerless AND named) AS named,
  (SELECT string_agg(label || ' (line ' || source_line || ')', ', ' ORDER BY source_line)
   FROM (SELECT * FROM lost ORDER BY source_line LIMIT 3) few) AS examples,
  (SELECT count(*) FROM (SELECT 1 FROM known LIMIT 1) k) AS any_known
FROM lost`,
  }
}
