// The stored customers rows of a set of ids, as an identify call rewrites them: the fields a call
// does not carry keep these values (api-delete-keys.ts: rows are rewritten whole).
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'
import { CUSTOMER_COLUMNS } from './import-customer-rows.ts'

/** The customer attributes besides email, name and sign-up (customers' columns). */
// marketing_consent is the file's: the API's own consent is the profile's (identify traits,
// POST /v1/customers `marketing_consent`), which wins over it
export const CUSTOMER_ATTRIBUTES = CUSTOMER_COLUMNS.filter(
  (c) =>
    ![
      'customer_id',
      'email',
      'name',
      'signup_at',
      'source',
      'source_line',
      'marketing_consent',
    ].includes(c),
)

export function apiCustomerRecords(dialect: Dialect, ids: readonly string[]): Query {
  return {
    sql: `SELECT customer_id, email, name, signup_at, ${CUSTOMER_ATTRIBUTES.join(', ')}
FROM customers WHERE customer_id IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(ids)],
  }
}
