// Concentration use case: how much of the revenue (or margin) the best customers hold. One sort
// ranks the customers; each figure is then one query over that ranking; only the small results
// come back to JS.
import type { Engine } from '../data/engine.ts'
import { concentrationDeciles } from '../data/queries/concentration-deciles.ts'
import { concentrationGini } from '../data/queries/concentration-gini.ts'
import { concentrationLorenz } from '../data/queries/concentration-lorenz.ts'
import { CONCENTRATION_RANKED, concentrationRanked } from '../data/queries/concentration-ranked.ts'
import type { ConcentrationValue } from '../data/queries/concentration-source.ts'
import { concentrationTopShares } from '../data/queries/concentration-top-shares.ts'
import { concentrationTotals } from '../data/queries/concentration-totals.ts'
import { sqlIdent } from '../data/queries/customer-summary.ts'
import { whenSummaryMissing } from '../data/workspace.ts'
import { DataError } from '../errors.ts'

export type { ConcentrationValue }

/** The top-customer percentages reported by default. */
export const TOP_PERCENTS = [1, 2, 5, 10, 20, 50] as const

export interface TopShare {
  /** k in "top k %". */
  readonly pct: number
  /** ceil(k n / 100). */
  readonly customers: number
  readonly value: number
  /** value / total; NULL when the total is 0; may exceed 1 when some values are negative. */
  readonly share: number | null
}

export interface DecileRow {
  /** 1 = the top 10 % of customers by value. */
  readonly decile: number
  readonly customers: number
  readonly value: number
  readonly share: number | null
  readonly cumulative_share: number | null
  readonly revenue: number
  readonly orders: number
  readonly orders_per_customer: number
  /** revenue / orders of the decile. */
  readonly aov: number | null
  readonly min_value: number
  readonly max_value: number
}

export interface LorenzPoint {
  /** Share of customers, lowest values first, 0..1. */
  readonly customer_share: number
  /** Share of the (non-negative-clamped) value they hold, 0..1. */
  readonly value_share: number | null
}

export interface Concentration {
  readonly value: ConcentrationValue
  /** Customers with a known value (for margin: a known margin). */
  readonly customers: number
  readonly total: number
  readonly negativeCustomers: number
  readonly negativeTotal: number
  readonly top: readonly TopShare[]
  readonly deciles: readonly DecileRow[]
  readonly lorenz: readonly LorenzPoint[]
  /** Gini of values clamped at 0; NULL when that total is 0. */
  readonly gini: number | null
}

/**
 * Revenue (or margin) concentration over the summary table: top-k % shares, deciles, Lorenz
 * curve, Gini. Definitions in docs/summary.md ("Concentration").
 *
 * @example
 *   const c = await concentration(engine, { table: 'customer_summary', value: 'revenue' })
 *   c.top.find((t) => t.pct === 20)?.share // e.g. 0.61: the top 20 % hold 61 % of revenue
 * @throws DataError when no customer has the value (e.g. margin unknown everywhere).
 */
export async function concentration(
  engine: Engine,
  opts: {
    table?: string
    value?: ConcentrationValue
    percents?: readonly number[]
    /**
     * A table that already ranks the customers by the value in the layout of
     * concentrationRanked (the analysis's revenueRanks): read as it is, `table` unused.
     */
    ranked?: string
  } = {},
): Promise<Concentration> {
  const args = { table: opts.table ?? 'customer_summary', value: opts.value ?? 'revenue' } as const
  const percents = opts.percents ?? TOP_PERCENTS
  if (opts.ranked !== undefined) return figures(engine, args.value, percents, opts.ranked)
  await engine
    .exec(concentrationRanked(engine.dialect, { ...args, ranked: CONCENTRATION_RANKED }))
    .catch(
      whenSummaryMissing(
        'concentration reads the per-customer table',
        args.table,
        ', or name the table that holds the customers',
      ),
    )
  try {
    return await figures(engine, args.value, percents, CONCENTRATION_RANKED)
  } finally {
    await engine.exec(`DROP TABLE IF EXISTS ${CONCENTRATION_RANKED}`)
  }
}

async function figures(
  engine: Engine,
  value: ConcentrationValue,
  percents: readonly number[],
  ranked: string,
): Promise<Concentration> {
  const d = engine.dialect
  const args = { ranked }
  const [totals] = await engine.query<{
    customers: number
    total: number
    negative_customers: number
    negative_total: number
  }>(concentrationTotals(d, args))
  if (!totals || totals.customers === 0) {
    throw new DataError(
      value === 'margin'
        ? 'margin is unknown for every customer: import cost or margin to see its concentration'
        : 'there are no customers in the summary',
      { value },
    )
  }
  const top = await engine.query<TopShare & Record<string, unknown>>(
    concentrationTopShares(d, { ...args, percents }),
  )
  const deciles = await engine.query<DecileRow & Record<string, unknown>>(
    concentrationDeciles(d, args),
  )
  const lorenz = await engine.query<LorenzPoint & Record<string, unknown>>(
    concentrationLorenz(d, args),
  )
  const [g] = await engine.query<{ gini: number | null }>(concentrationGini(d, args))
  return {
    value,
    customers: totals.customers,
    total: totals.total,
    negativeCustomers: totals.negative_customers,
    negativeTotal: totals.negative_total,
    top,
    deciles,
    lorenz,
    gini: g?.gini ?? null,
  }
}

/** True when at least one customer of the summary table has a known margin. */
export async function marginKnown(engine: Engine, table = 'customer_summary'): Promise<boolean> {
  const [row] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${sqlIdent(table)} WHERE margin IS NOT NULL`,
  )
  return (row?.n ?? 0) > 0
}
