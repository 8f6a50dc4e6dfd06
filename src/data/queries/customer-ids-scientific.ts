// Customer ids that read as a number a spreadsheet wrote in scientific notation (Excel's
// "1.23457E+14" for a 15-digit id it shows as a number): only the first six or so digits are
// left, so customers whose ids share them were merged into one id before the file reached us.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/**
 * One row (ids, example): how many customer ids of `table` have the shape d.dddE+nn (a digit, an
 * optional fraction, an exponent of + and digits), and the least of them (NULL when none).
 * `contains` first: the regular expression only runs on ids with "E+" in them.
 */
export function scientificCustomerIds(_dialect: Dialect, args: { table: string }): Query {
  return {
    sql: `SELECT count(*) AS ids, min(customer_id) AS example
FROM ${sqlIdent(args.table)}
WHERE (contains(customer_id, 'E+') OR contains(customer_id, 'e+'))
  AND regexp_full_match(customer_id, '[0-9]([.][0-9]+)?[eE][+][0-9]+')`,
  }
}
