// Path to best: which first baskets lead to the top cohort. Baskets are built and encoded in SQL,
// arrive as three integer lists, and go through the itemset miner (Fisher + BH + productive flag).
import { findItemsets } from '../../core/stats/itemsets.ts'
import { wilsonInterval } from '../../core/stats/proportion.ts'
import {
  insightsBasketArrays,
  insightsBasketItems,
  insightsItemLabels,
} from '../../data/queries/insights-basket-items.ts'
import { insightsPaths } from '../../data/queries/insights-paths.ts'
import { type InsightsContext, ints } from './context.ts'
import type { ItemsetRow, PathRow, PathToBest } from './types.ts'

const SHOWN = 25

/**
 * Itemsets (sizes 1-3) of eligible customers' first orders with their chance of reaching the top
 * cohort, lift, Wilson 95 % interval, one-sided Fisher p and BH q (Webb 2007 productive flag),
 * and the most common first → second order category paths with their top rates.
 * Returns null (with a note) when no eligible customer or no top customer exists.
 * @example const p = await pathToBest(ctx); p?.summary.itemsets[0]?.items // ['category: Lenses', 'category: Sunglasses']
 */
export async function pathToBest(
  ctx: InsightsContext,
): Promise<{ summary: PathToBest; all: ItemsetRow[] } | null> {
  const { engine, opts } = ctx
  const d = engine.dialect
  await engine.exec(insightsBasketItems(d))
  const labels = (await engine.query<{ id: number; item: string }>(insightsItemLabels(d))).map(
    (r) => r.item,
  )
  const [row] = await engine.query(insightsBasketArrays(d))
  const items = ints(row?.items)
  const lengths = ints(row?.lengths)
  const top = Uint8Array.from(ints(row?.top))
  const n = lengths.length
  let positives = 0
  for (let i = 0; i < n; i++) positives += top[i]!
  if (n === 0 || positives === 0 || positives === n) {
    ctx.notes.push(
      'Path to best skipped: no customers with enough history, or no contrast between the top cohort and the rest.',
    )
    return null
  }
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + lengths[i]!
  const res = findItemsets({ offsets, items }, top, {
    minSupport: opts.minSupport,
    minCount: opts.minCount,
    maxSize: 3,
  })
  const all: ItemsetRow[] = res.itemsets.map((s) => ({
    items: s.items.map((i) => labels[i] ?? String(i)),
    customers: s.count,
    support: s.support,
    topCustomers: s.outcomeCount,
    rate: s.rate,
    lift: s.lift,
    lower: s.lower,
    upper: s.upper,
    pValue: s.pValue,
    qValue: s.qValue,
    productive: s.productive,
  }))
  const pathRows = await engine.query<{
    first: string
    second: string
    customers: number
    top: number
  }>(insightsPaths(d, { minCount: opts.minCount }))
  const paths: PathRow[] = pathRows
    .map((p) => {
      const ci = wilsonInterval(p.top, p.customers)
      return {
        first: p.first,
        second: p.second,
        customers: p.customers,
        topCustomers: p.top,
        rate: ci.estimate,
        lift: ci.estimate / res.baseRate,
        lower: ci.lower,
        upper: ci.upper,
      }
    })
    .sort((a, b) => b.lower - a.lower || b.customers - a.customers)
    .slice(0, 15)
  const summary: PathToBest = {
    baskets: res.baskets,
    baseRate: res.baseRate,
    minCount: res.minCount,
    itemsets: all.slice(0, SHOWN),
    tested: all.length,
    paths,
  }
  return { summary, all }
}
