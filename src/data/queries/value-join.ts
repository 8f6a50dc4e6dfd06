// Put the value results (`value_results`: numbers and words, one row per idx) and the service
// facts (`value_facts`) onto the analysis table, naming codes and working out the cost parts in
// SQL, so JS appends only what it alone computed.
import type { CostRates } from '../../core/value/config.ts'
import { LOYALTY_RULES, LOYALTY_TYPES } from '../../core/value/loyalty-type.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { lit } from './import-stage.ts'

const named = (names: readonly string[], col: string): string =>
  `CASE CAST(${col} AS INTEGER) ${names.map((n, i) => `WHEN ${i} THEN ${lit(n)}`).join(' ')} END`

/** A finite number as an exact SQL double literal (String(v) reads back as the same double). */
const dbl = (v: number): string => `CAST(${String(v)} AS DOUBLE PRECISION)`

/**
 * The cost parts of `computeProfit` (core/value/profit.ts) over value_facts `f`, with the same
 * operations in the same order, so they are the same doubles as the JS arrays (appending six
 * million-row columns cost more than these products in the view).
 */
/**
 * A percentile to 2 decimals, rounded down: rounded to nearest, 69.998 read 70.00 beside a rule
 * of "at the 70th percentile or above" that it fails (docs/value.md: a percent never reads at or
 * past the line of the rule it fails). The 1e-8 absorbs the float noise of 100 k/n (~1e-12)
 * and is below any true distance from a boundary (>= 1e-7 up to 1e7 customers).
 */
const downTo2 = (x: string): string => `floor(${x} * 100 + 1e-8) / 100`

export function costParts(r: CostRates): Record<(typeof COST_PARTS)[number], string> {
  return {
    // m - m = 0: finite (NULL, NaN and infinities are not), in DuckDB and PostgreSQL alike
    gross_margin: `CASE WHEN f.margin - f.margin = 0 THEN f.margin ELSE f.revenue * ${dbl(r.defaultMarginRate)} END`,
    ticket_cost: `f.ticket_minutes * ${dbl(r.perTicketMinute)}`,
    return_cost: `f.returns * ${dbl(r.perReturn)} + f.return_amount * ${dbl(r.returnWriteOffRate)}`,
    shipping_cost: `f.orders * ${dbl(r.shippingPerOrder)}`,
    fee_cost: `CASE WHEN f.revenue > 0 THEN f.revenue ELSE ${dbl(0)} END * ${dbl(r.paymentFeeRate)} + f.paid_orders * ${dbl(r.paymentFeeFixed)}`,
    discount_cost: r.discountAsCost ? 'f.discount' : dbl(0),
  }
}

/** The cost columns worked out in SQL by {@link costParts} (not in value_results). */
export const COST_PARTS = [
  'gross_margin',
  'ticket_cost',
  'return_cost',
  'shipping_cost',
  'fee_cost',
  'discount_cost',
] as const

/** NaN (unknown) as NULL; NaN = NaN holds in DuckDB and PostgreSQL alike. */
export const nan = (col: string): string => `nullif(${col}, CAST('NaN' AS DOUBLE PRECISION))`

/** Separates the reasons of one customer in value_results.reasons (a unit separator). */
export const REASON_SEPARATOR = '\u001f'
const SEP = 'chr(31)'

/** Money columns of the value view, in the order they are appended to the analysis table. */
export const VALUE_MONEY_COLUMNS = [
  ...COST_PARTS,
  'cost_to_serve',
  'historical_profit',
  'predicted_profit',
  'referral_value',
  'total_value',
] as const

// value_results.codes = type + 16 rule + 256 (tier + 128 (qualified tier + 128 held_by_grace))
const RULE = 16
const TIER = 256
const TIERS = 128

/**
 * Loyalty type and rule, tier, qualified tier and held-by-grace of each customer packed into one
 * number (exact in a double: below 2^23), unpacked by {@link valueJoin}.
 */
export function packCodes(
  type: ArrayLike<number>,
  rule: ArrayLike<number>,
  tier: ArrayLike<number>,
  qualified: ArrayLike<number>,
  held: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(type.length)
  for (let i = 0; i < out.length; i++) {
    out[i] =
      (type[i] as number) +
      RULE * (rule[i] as number) +
      TIER *
        ((tier[i] as number) + TIERS * ((qualified[i] as number) + TIERS * (held[i] as number)))
  }
  return out
}

/** Field `k` of the packed codes: 0 type, 1 rule, 2 tier, 3 qualified tier, 4 held by grace. */
const code = (k: 0 | 1 | 2 | 3 | 4): string => {
  const [div, mod] = [
    [1, RULE],
    [RULE, TIER / RULE],
    [TIER, TIERS],
    [TIER * TIERS, TIERS],
    [TIER * TIERS * TIERS, 2],
  ][k] as [number, number]
  return `(CAST(floor(n.codes / ${div}) AS BIGINT) % ${mod})`
}

/** SQL: the name of the tier packed in value_results `n`.codes (tier index into `tiers`). */
export const tierOfCodes = (tiers: readonly string[]): string => named(tiers, code(2))

/**
 * Rename the analysis table to `<analysis>_base` and put a TEMP VIEW `<analysis>` in its place: the
 * base columns plus every value column (the cost parts from `costs`, see {@link costParts}). A view, not a copy: copying a million wide rows under
 * DuckDB's 2 GiB cap spilled to disk and took longer than the whole value computation.
 * `value_results` and `value_facts` must hold exactly one row per analysis row, in idx order.
 * `engagement`: events were imported (else the engagement score is unknown, NULL). Drop the view
 * (analysisView) before the analysis table is created again.
 */
export function valueJoin(
  d: Dialect,
  args: {
    analysis: string
    tiers: readonly string[]
    engagement: boolean
    costs: CostRates
    /** Digits of the currency's minor unit (core/round.ts minorDigits): 2 for cents. */
    digits: number
  },
): Query {
  const a = sqlIdent(args.analysis)
  const base = sqlIdent(`${args.analysis}_base`)
  const p = costParts(args.costs)
  // money to the currency's minor unit (the cent; the fils of KWD, the whole yen) and shares to
  // 0.01: the files stay readable and the CSV writer formats short numbers (full doubles made
  // customers.csv twice as slow to write). Each part is rounded, and each sum is the sum of its
  // rounded parts (rounded again, of float dust), so that a customer's breakdown adds up to the
  // minor unit: 108.10 + 0.00 + 86.40 = 194.50, not 194.51
  const digits = Math.trunc(args.digits)
  if (!(digits >= 0 && digits <= 4)) throw new Error(`not a minor-unit digit count: ${args.digits}`)
  // (+ 0.0: a small loss rounded to nothing is -0.0, which the CSV writer prints as "-0.0")
  const cent = (e: string) => `(round(${e}, ${digits}) + 0.0)`
  const cost = cent(
    `${cent(p.ticket_cost)} + ${cent(p.return_cost)} + ${cent(p.shipping_cost)} + ${cent(p.fee_cost)} + ${cent(p.discount_cost)}`,
  )
  const past = cent(`${cent(p.gross_margin)} - ${cost}`)
  const sums: Record<string, string> = {
    cost_to_serve: cost,
    historical_profit: past,
    total_value: cent(`${past} + ${cent('n.predicted_profit')} + ${cent('n.referral_value')}`),
  }
  const money = VALUE_MONEY_COLUMNS.map(
    (c) => `${sums[c] ?? cent((p as Record<string, string>)[c] ?? `n.${c}`)} AS ${c}`,
  ).join(', ')
  const score = args.engagement
    ? 'round(coalesce(f.engagement_score, 0), 4)'
    : 'CAST(NULL AS DOUBLE PRECISION)'
  // DuckDB: value_results and value_facts hold row k for idx k = the table's rowid k
  // (value-nodes.ts), so rows line up by position and no hash join of a million rows is needed
  const from =
    d === 'duckdb'
      ? `${base} a POSITIONAL JOIN value_results n POSITIONAL JOIN value_facts f`
      : `${base} a
JOIN value_nodes v ON v.customer_id = a.customer_id
JOIN value_results n ON n.idx = v.idx
JOIN value_facts f ON f.idx = v.idx`
  return {
    sql: `DROP TABLE IF EXISTS ${base};
ALTER TABLE ${a} RENAME TO ${base};
CREATE TEMP VIEW ${a} AS
SELECT a.*,
  CAST(f.tickets AS INTEGER) AS tickets, f.ticket_minutes, CAST(f.returns AS INTEGER) AS returns,
  CAST(f.nps AS INTEGER) AS nps,
  CAST(n.referrals_direct AS INTEGER) AS referrals_direct,
  CAST(n.referred_customers AS INTEGER) AS referred_customers,
  ${score} AS engagement_score,
  ${downTo2(nan('n.engagement_percentile'))} AS engagement_percentile,
  ${money},
  ${downTo2('n.value_percentile')} AS value_percentile,
  ${named(LOYALTY_TYPES, code(0))} AS loyalty_type,
  ${named(LOYALTY_RULES, code(1))} AS loyalty_rule,
  ${named(args.tiers, code(2))} AS tier,
  ${named(args.tiers, code(3))} AS qualified_tier,
  ${code(4)} = 1 AS held_by_grace,
  ${nan('n.grace_left')} AS grace_left,
  ${[1, 2, 3].map((k) => `nullif(split_part(n.reasons, ${SEP}, ${k}), '') AS reason_${k}`).join(',\n  ')}
FROM ${from}`,
  }
}
