// Remove customers rows before writing their merged identify traits (customers has no key).
import type { Dialect, Query } from '../engine.ts'

export function customersDelete(_dialect: Dialect, ids: readonly string[]): Query {
  const marks = ids.map((_, i) => `$${i + 1}`).join(', ')
  return { sql: `DELETE FROM customers WHERE customer_id IN (${marks})`, params: ids }
}
