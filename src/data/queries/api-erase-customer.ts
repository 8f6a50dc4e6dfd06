// Erasure of one customer, as one operation (run in one transaction): personal data goes
// (customers row, event payloads, profile email/name), and the id is replaced by a salted hash
// wherever rows must stay for the aggregates (orders, events, actions, tasks). A key that
// `loyals import` or an event hashed from the id with the row's content (an engagement event, a
// survey answer or a return without an id, an order without an id, a refund keyed by its content)
// would let a guessed id be confirmed: it becomes md5(secret || ':' || key), as erasedKey
// (service/ops/pseudonym.ts) computes it, so the server still knows such a row sent again.
import type { Dialect, Query } from '../engine.ts'
import { referralKeySql } from './value-input-columns.ts'

export function eraseCustomer(
  _dialect: Dialect,
  customerId: string,
  pseudonym: string,
  nowTs: string,
  secret: string,
): Query[] {
  const p = [customerId, pseudonym]
  const rekeyed = (key: string) => `md5($3 || ':' || ${key})`
  const ps = [customerId, pseudonym, secret]
  // the message ids Loyals makes for a customer's traits (`customer:<id>:<hash of the traits>`,
  // POST /v1/customers and an import through the server) name the id and let a guess of the
  // email be checked: they become `customer:<pseudonym>:<hash keyed by the pseudonym>`
  const traitsIds = {
    where: 'customer_id = $1 AND starts_with(event_id, $3)',
    renamed: `'customer:' || $2 || ':' || left(md5($2 || event_id), 16)`,
    params: [customerId, pseudonym, `customer:${customerId}:`],
  }
  return [
    // a product name on the customer's lines may be free text about them ("Gift for Erin ..."):
    // the product id and category stay for the aggregates
    {
      sql: `UPDATE order_lines SET product_name = NULL
  WHERE order_id IN (SELECT order_id FROM orders WHERE customer_id = $1)`,
      params: [customerId],
    },
    // ... and so may a return's reason ("Erin's size was wrong"), on a return linked to the customer
    // or found through one of their orders: the amount and date stay
    {
      sql: `UPDATE returns SET reason = NULL
  WHERE customer_id = $1 OR order_id IN (SELECT order_id FROM orders WHERE customer_id = $1)`,
      params: [customerId],
    },
    {
      sql: `UPDATE orders SET customer_id = $2, order_key = CASE
    WHEN order_id IS NULL OR starts_with(order_key, order_id || ':refund:')
    THEN ${rekeyed('order_key')} ELSE order_key END
  WHERE customer_id = $1`,
      params: ps,
    },
    { sql: 'DELETE FROM customers WHERE customer_id = $1', params: [customerId] },
    {
      // a customer who came back and sent the same traits again (erased, then re-created) has
      // that message under the pseudonym already: the copy goes, or the rewrite below would
      // give two rows one id
      sql: `DELETE FROM events WHERE ${traitsIds.where}
  AND ${traitsIds.renamed} IN (SELECT event_id FROM events)`,
      params: traitsIds.params,
    },
    {
      sql: `UPDATE events SET event_id = ${traitsIds.renamed} WHERE ${traitsIds.where}`,
      params: traitsIds.params,
    },
    {
      sql: 'UPDATE events SET customer_id = $2, payload = NULL WHERE customer_id = $1',
      params: p,
    },
    // pending contact for a person who asked to be forgotten is not sent (a later tick would
    // have released a deferred one)
    {
      sql: `UPDATE actions_log SET status = 'suppressed', reason = 'customer_erased',
    detail = 'not sent: the customer asked to be erased before it went out'
  WHERE customer_id = $1 AND status IN ('deferred', 'queued')`,
      params: [customerId],
    },
    // the playbook idempotency key embeds the (URI-encoded) id: the caller renames the keys
    // (erase.ts, api-rekey.ts)
    {
      sql: 'UPDATE actions_log SET customer_id = $2, payload = NULL WHERE customer_id = $1',
      params: p,
    },
    {
      sql: `UPDATE tasks SET status = 'cancelled', cancelled_at = CAST($2 AS TIMESTAMP),
  cancel_reason = 'customer_erased' WHERE customer_id = $1 AND status IN ('open', 'claimed')`,
      params: [customerId, nowTs],
    },
    // what staff wrote after a call, or why they cancelled it, is about the person ("spoke to ...
    // on +44 ...", "Ann asked us not to call"): it goes, the task still counts for its goal; the
    // reasons Loyals writes itself are codes and stay
    {
      sql: `UPDATE tasks SET customer_id = $2,
  outcome = CASE WHEN outcome IS NOT NULL THEN '(erased)' END,
  cancel_reason = CASE WHEN cancel_reason IN ('customer_erased', 'no_longer_applies')
    THEN cancel_reason WHEN cancel_reason IS NOT NULL THEN '(erased)' END
  WHERE customer_id = $1`,
      params: p,
    },
    { sql: 'DELETE FROM customer_profile WHERE customer_id = $1', params: [customerId] },
    // the imported value inputs count under the pseudonym too; free text (a survey comment) and
    // the erased referrer's codes (often the referrer's id) go; the code of a customer who referred
    // the erased one is the referrer's, and stays (one that names the erased id is a mention:
    // api-erase-mentions.ts)
    {
      sql: `UPDATE survey_responses SET customer_id = $2, comment = NULL,
  response_key = CASE WHEN response_id IS NULL THEN ${rekeyed('response_key')} ELSE response_key END
  WHERE customer_id = $1`,
      params: ps,
    },
    {
      sql: `UPDATE referrals SET
  referral_key = ${referralKeySql(
    'CASE WHEN referrer_id = $1 THEN $2 ELSE referrer_id END',
    'CASE WHEN referred_id = $1 THEN $2 ELSE referred_id END',
  )},
  referrer_id = CASE WHEN referrer_id = $1 THEN $2 ELSE referrer_id END,
  referred_id = CASE WHEN referred_id = $1 THEN $2 ELSE referred_id END,
  code = CASE WHEN referrer_id = $1 THEN NULL ELSE code END
WHERE referrer_id = $1 OR referred_id = $1`,
      params: p,
    },
    {
      sql: `UPDATE engagement_events SET customer_id = $2, event_key = ${rekeyed('event_key')}
  WHERE customer_id = $1`,
      params: ps,
    },
    { sql: 'UPDATE tickets SET customer_id = $2 WHERE customer_id = $1', params: p },
    {
      sql: `UPDATE returns SET customer_id = $2,
  return_key = CASE WHEN return_id IS NULL THEN ${rekeyed('return_key')} ELSE return_key END
  WHERE customer_id = $1`,
      params: ps,
    },
    { sql: 'UPDATE tier_state SET customer_id = $2 WHERE customer_id = $1', params: p },
    { sql: 'UPDATE profile_tier_grace SET customer_id = $2 WHERE customer_id = $1', params: p },
  ]
}
