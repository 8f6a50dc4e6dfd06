// Erasure of one customer, as one operation (run in one transaction): personal data goes
// (customers row, event payloads, profile email/name), and the id is replaced by a salted hash
// wherever rows must stay for the aggregates (orders, events, actions, tasks).
import type { Dialect, Query } from '../engine.ts'

export function eraseCustomer(
  _dialect: Dialect,
  customerId: string,
  pseudonym: string,
  nowTs: string,
): Query[] {
  const p = [customerId, pseudonym]
  return [
    { sql: 'UPDATE orders SET customer_id = $2 WHERE customer_id = $1', params: p },
    { sql: 'DELETE FROM customers WHERE customer_id = $1', params: [customerId] },
    {
      sql: 'UPDATE events SET customer_id = $2, payload = NULL WHERE customer_id = $1',
      params: p,
    },
    {
      // the playbook idempotency key embeds the (URI-encoded) id: replace that part too
      sql: `UPDATE actions_log SET customer_id = $2, payload = NULL,
  action_key = replace(action_key, $3, $4) WHERE customer_id = $1`,
      params: [customerId, pseudonym, `:${encodeURIComponent(customerId)}:`, `:${pseudonym}:`],
    },
    {
      sql: `UPDATE tasks SET status = 'cancelled', cancelled_at = CAST($2 AS TIMESTAMP),
  cancel_reason = 'customer erased' WHERE customer_id = $1 AND status IN ('open', 'claimed')`,
      params: [customerId, nowTs],
    },
    { sql: 'UPDATE tasks SET customer_id = $2 WHERE customer_id = $1', params: p },
    { sql: 'DELETE FROM customer_profile WHERE customer_id = $1', params: [customerId] },
  ]
}
