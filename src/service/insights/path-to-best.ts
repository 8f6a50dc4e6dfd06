// Path to best: which first baskets lead to the top cohort. Baskets are built and encoded in SQL,
// arrive as three integer lists, and go through the itemset miner (Fisher + BH + productive flag).
import { hypergeomUpper } from '../../core/stats/hypergeometric.ts'
import { findItemsets } from '../../core/stats/itemsets.ts'
import { benjaminiHochberg } from '../../core/stats/multiple-testing.ts'
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
const SHOWN_PATHS = 15

/** One grouped path as the query returns it. */
export interface PathCount {
  readonly first: string
  readonly second: string
  readonly customers: number
  readonly top: number
}

/**
 * Rates, intervals, lift and tests of the paths, against the repeat buyers they are drawn from
 * (a path needs a second purchase, and nearly every top customer has one: against all eligible
 * customers any path would look good for coming back at all). p is the one-sided Fisher test
 * that the path's customers reach the top more often than the other repeat buyers; q is
 * Benjamini-Hochberg over every path tested. Shown: paths above the repeat buyers' rate, by the
 * lower bound of the interval, at most 15.
 * @example scorePaths([{ first: 'A', second: 'B', customers: 40, top: 20 }], { customers: 400, top: 40 }).paths[0]?.lift // 5
 */
export function scorePaths(
  counts: readonly PathCount[],
  base: { readonly customers: number; readonly top: number },
): { paths: PathRow[]; tested: number; baseRate: number } {
  const baseRate = base.customers > 0 ? base.top / base.customers : 0
  const p = counts.map((c) =>
    hypergeomUpper(c.top, { n: c.customers, K: base.top, N: base.customers }),
  )
  const q = benjaminiHochberg(p)
  const paths = counts
    .map((c, i): PathRow => {
      const ci = wilsonInterval(c.top, c.customers)
      return {
        first: c.first,
        second: c.second,
        customers: c.customers,
        topCustomers: c.top,
        rate: ci.estimate,
        lift: baseRate > 0 ? ci.estimate / baseRate : 0,
        lower: ci.lower,
        upper: ci.upper,
        pValue: p[i]!,
        qValue: q[i]!,
      }
    })
    .filter((r) => r.topCustomers > 0 && r.rate > baseRate)
    .sort((a, b) => b.lower - a.lower || b.customers - a.customers)
    .slice(0, SHOWN_PATHS)
  return { paths, tested: counts.length, baseRate }
}

/**
 * Itemsets (sizes 1-3) of eligible customers' first orders with their chance of reaching the top
 * cohort, lift, Wilson 95 % interval, one-sided Fisher p and BH q (Webb 2007 productive flag),
 * and the first → second order category paths that beat the repeat buyers' top rate.
 * Returns null (with a note) when no eligible customer or no top customer exists.
 * @example const p = await pathToBest(ctx); p?.summary.itemsets[0]?.items // ['category: Lenses', 'category: Sunglasses']
 */
export async function pathToBest(ctx: InsightsContext): Promise<{
  summary: PathToBest
  all: ItemsetRow[]
  /** Every category of the first orders with the customers whose first order includes it. */
  categories: { level: string; customers: number }[]
} | null> {
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
    productiveP: s.improvementPValue,
    productiveQ: s.improvementQValue,
    productive: s.productive,
  }))
  const pathRows = await engine.query<{
    first: string | null
    second: string
    customers: number
    top: number
    repeat_customers: number
    repeat_top: number
  }>(insightsPaths(d, { minCount: opts.minCount }))
  const totals = pathRows[0]
  const scored = scorePaths(
    pathRows.filter((r): r is typeof r & { first: string } => r.first !== null),
    { customers: Number(totals?.repeat_customers ?? 0), top: Number(totals?.repeat_top ?? 0) },
  )
  const summary: PathToBest = {
    baskets: res.baskets,
    items: labels.length,
    baseRate: res.baseRate,
    minCount: res.minCount,
    itemsets: all.slice(0, SHOWN),
    tested: all.length,
    paths: scored.paths,
    pathBase: {
      customers: Number(totals?.repeat_customers ?? 0),
      topCustomers: Number(totals?.repeat_top ?? 0),
      rate: scored.baseRate,
    },
    pathsTested: scored.tested,
  }
  // each basket holds an item once: its count is the customers whose first order includes it,
  // for every category, however rare (the itemsets keep only those with enough support)
  const inBaskets = new Int32Array(labels.length)
  for (const id of items) inBaskets[id] = (inBaskets[id] ?? 0) + 1
  const categories = labels.flatMap((label, id) =>
    label.startsWith(CATEGORY) && (inBaskets[id] ?? 0) > 0
      ? [{ level: label.slice(CATEGORY.length), customers: inBaskets[id] as number }]
      : [],
  )
  return { summary, all, categories }
}

/** The prefix of a category's item label ('category: Lenses'). */
const CATEGORY = 'category: '
