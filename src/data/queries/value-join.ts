// Put the value results (`value_results`: numbers and words, one row per idx) onto the analysis
// table, naming codes in SQL so no per-customer strings are built in JS for them.
import { LOYALTY_RULES, LOYALTY_TYPES } from '../../core/value/loyalty-type.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { lit } from './import-stage.ts'

const named = (names: readonly string[], col: string): string =>
  `CASE CAST(${col} AS INTEGER) ${names.map((n, i) => `WHEN ${i} THEN ${lit(n)}`).join(' ')} END`

/** NaN (unknown) as NULL; NaN = NaN holds in DuckDB and PostgreSQL alike. */
export const nan = (col: string): string => `nullif(${col}, CAST('NaN' AS DOUBLE PRECISION))`

/** Separates the reasons of one customer in value_results.reasons (a unit separator). */
export const REASON_SEPARATOR = '\u001f'
const SEP = 'chr(31)'

/** Money columns of value_results, in the order they are appended to the analysis table. */
export const VALUE_MONEY_COLUMNS = [
  'gross_margin',
  'ticket_cost',
  'return_cost',
  'shipping_cost',
  'fee_cost',
  'discount_cost',
  'cost_to_serve',
  'historical_profit',
  'predicted_profit',
  'referral_value',
  'total_value',
] as const

/**
 * Rename the analysis table to `<analysis>_base` and put a TEMP VIEW `<analysis>` in its place: the
 * base columns plus every value column. A view, not a copy: copying a million wide rows under
 * DuckDB's 2 GiB cap spilled to disk and took longer than the whole value computation.
 * `value_results` must hold exactly one row per analysis row, written in idx order. Drop the view
 * (analysisView) before the analysis table is created again.
 */
export function valueJoin(d: Dialect, args: { analysis: string; tiers: readonly string[] }): Query {
  const a = sqlIdent(args.analysis)
  const base = sqlIdent(`${args.analysis}_base`)
  // money to the cent and shares to 0.01: the files stay readable and the CSV writer formats
  // short numbers (full doubles made customers.csv twice as slow to write)
  const money = VALUE_MONEY_COLUMNS.map((c) => `round(n.${c}, 2) AS ${c}`).join(', ')
  // DuckDB: value_results holds row k for idx k = the table's rowid k (value-nodes.ts),
  // so rows line up by position and no hash join of a million rows is needed
  const from =
    d === 'duckdb'
      ? `${base} a POSITIONAL JOIN value_results n`
      : `${base} a
JOIN value_nodes v ON v.customer_id = a.customer_id
JOIN value_results n ON n.idx = v.idx`
  return {
    sql: `DROP TABLE IF EXISTS ${base};
ALTER TABLE ${a} RENAME TO ${base};
CREATE TEMP VIEW ${a} AS
SELECT a.*,
  CAST(n.tickets AS INTEGER) AS tickets, n.ticket_minutes, CAST(n.returns AS INTEGER) AS returns,
  CAST(${nan('n.nps')} AS INTEGER) AS nps,
  CAST(n.referrals_direct AS INTEGER) AS referrals_direct,
  CAST(n.referred_customers AS INTEGER) AS referred_customers,
  round(${nan('n.engagement_score')}, 4) AS engagement_score,
  round(${nan('n.engagement_percentile')}, 2) AS engagement_percentile,
  ${money},
  round(n.value_percentile, 2) AS value_percentile,
  ${named(LOYALTY_TYPES, 'n.loyalty_type')} AS loyalty_type,
  ${named(LOYALTY_RULES, 'n.loyalty_rule')} AS loyalty_rule,
  ${named(args.tiers, 'n.tier')} AS tier,
  ${named(args.tiers, 'n.qualified_tier')} AS qualified_tier,
  n.held_by_grace = 1 AS held_by_grace,
  ${nan('n.grace_left')} AS grace_left,
  ${[1, 2, 3].map((k) => `nullif(split_part(n.reasons, ${SEP}, ${k}), '') AS reason_${k}`).join(',\n  ')}
FROM ${from}`,
  }
}
