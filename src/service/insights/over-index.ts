// Where the best over-index: attribute counts come from SQL; exact per-customer codes are rebuilt
// from them in typed arrays (best customers first), so the stats core runs unchanged on 1M rows.
import { type CategoricalAttribute, overIndex } from '../../core/stats/overindex.ts'
import { wilsonInterval } from '../../core/stats/proportion.ts'
import {
  insightsAttributeCounts,
  OVER_INDEX_ATTRIBUTES,
} from '../../data/queries/insights-attribute-counts.ts'
import {
  insightsAttributesElsewhere,
  RECORD_ATTRIBUTES,
} from '../../data/queries/insights-attributes-elsewhere.ts'
import { insightsCategoryQuality } from '../../data/queries/insights-category-quality.ts'
import { formatCount } from '../../report/format.ts'
import { has, type InsightsContext } from './context.ts'
import type { CategoryQuality, OverIndexLevel, OverIndexSummary } from './types.ts'

interface CountRow extends Record<string, unknown> {
  attr: number
  level: string | null
  customers: number
  top: number
}

/**
 * Rebuild one code array per attribute from (level, customers, top) counts: positions
 * 0..nBest-1 are the top customers, the rest the others; each level fills its share of both.
 * The 2×2 tables of every level are exactly those of the real customers.
 */
/** The level of the customers an attribute has no value for. */
export const NO_VALUE = '(none)'

export function attributesFromCounts(
  rows: readonly CountRow[],
  names: readonly string[],
): { attributes: CategoricalAttribute[]; best: Uint8Array } {
  const byAttr = names.map((_, i) => rows.filter((r) => r.attr === i))
  const first = byAttr[0] ?? []
  const n = first.reduce((s, r) => s + r.customers, 0)
  const nBest = first.reduce((s, r) => s + r.top, 0)
  const best = new Uint8Array(n)
  best.fill(1, 0, nBest)
  const attributes = names.map((name, a) => {
    const codes = new Int32Array(n).fill(-1)
    const labels: string[] = []
    let pb = 0
    let pr = nBest
    // customers without a value (no campaign: often the organic ones) are a level of their own,
    // so every share is one of all eligible customers; an attribute nobody has stays untested
    const known = (byAttr[a] ?? []).some((r) => r.level !== null)
    for (const r of byAttr[a] ?? []) {
      if (r.level === null && !known) {
        pb += r.top
        pr += r.customers - r.top
        continue
      }
      const code = labels.length
      labels.push(r.level ?? NO_VALUE)
      codes.fill(code, pb, pb + r.top)
      codes.fill(code, pr, pr + r.customers - r.top)
      pb += r.top
      pr += r.customers - r.top
    }
    return { name, codes, labels }
  })
  return { attributes, best }
}

/**
 * Share of each attribute level among the top cohort vs all eligible customers, the index
 * (100 = as common), Fisher exact p with Holm and BH across every level of every attribute
 * (core/stats/overindex.ts); and per category the return rate (when a returns table exists) and
 * the repeat rate of customers whose first order held it, flagging "toxic" categories: return
 * rate significantly above the overall one and repeat rate significantly below.
 */
export async function whereBestOverIndex(ctx: InsightsContext): Promise<OverIndexSummary> {
  const { engine, opts } = ctx
  const d = engine.dialect
  const everyone = await engine.query<CountRow>(insightsAttributeCounts(d))
  const names: readonly string[] = OVER_INDEX_ATTRIBUTES.map((a) => a.name)
  const rows = everyone.filter((r) => r.customers > 0)
  const { attributes, best } = attributesFromCounts(rows, names)
  const used = attributes.filter((a) => a.labels.length > 0)
  const res = used.length > 0 ? overIndex(used, best, { minCount: opts.minCount }) : []
  const levels: OverIndexLevel[] = res.map((r) => ({
    attribute: r.attribute,
    level: r.label,
    customers: r.countAll,
    topCustomers: r.countBest,
    shareAll: r.shareAll,
    shareTop: r.shareBest,
    index: r.index,
    indexLower: r.indexLower,
    indexUpper: r.indexUpper,
    pValue: r.pValue,
    pHolm: r.pHolm,
    qValue: r.qValue,
  }))
  const significant = levels.filter((l) => l.pHolm < 0.05).sort((a, b) => b.index - a.index)
  // where each attribute comes from: the customers file, the orders' channel, the order lines
  const from = (name: string): string =>
    name === 'first-purchase category'
      ? 'import order lines with a category'
      : name === 'first order channel'
        ? 'import orders with a channel column'
        : 'import customers with this column'
  const untested = attributes.filter((a) => a.labels.length === 0)
  // an attribute some customer has was imported: it is missing only among the eligible, and
  // importing it again would change nothing
  const imported = new Set(everyone.filter((r) => r.level !== null).map((r) => names[r.attr]))
  const missing = untested.filter((a) => !imported.has(a.name))
  // one held only by customer records of no analyzed customer: the ids may not match the orders'
  const records = missing.some((a) => RECORD_ATTRIBUTES[a.name] !== undefined)
    ? ((await engine.query(insightsAttributesElsewhere(d)))[0] ?? {})
    : {}
  const held = (name: string) => Number(records[name] ?? 0)
  const elsewhere = missing.filter((a) => held(a.name) > 0)
  const absent = missing.filter((a) => !elsewhere.includes(a))
  const young = untested.filter((a) => imported.has(a.name))
  if (absent.length > 0) {
    ctx.notes.push(
      `No data for: ${absent.map((a) => `${a.name} (${from(a.name)})`).join(', ')}; not compared.`,
    )
  }
  if (elsewhere.length > 0) {
    ctx.notes.push(
      `Not compared: ${elsewhere.map((a) => `${a.name} (${formatCount(held(a.name), 'customer record')})`).join(', ')} ${elsewhere.length === 1 ? 'is' : 'are'} known only for customers with no orders here: do the customers file's ids match the orders' (an email against a customer number)?`,
    )
  }
  if (young.length > 0) {
    const eligible = rows.some((r) => r.attr === 0)
    ctx.notes.push(
      eligible
        ? `Only customers with less than ${formatCount(opts.minHistoryDays, 'day')} of history have a value for: ${young.map((a) => a.name).join(', ')}; not compared until some have that history.`
        : `Where the best over-index: not compared, as no customer has ${formatCount(opts.minHistoryDays, 'day')} of history yet to rank a top cohort by (the data for ${young.map((a) => a.name).join(', ')} is there).`,
    )
  }

  const returns = has(ctx, 'returns', 'order_id')
  if (!returns) {
    ctx.notes.push(
      'No returns table: return rates and "toxic" categories are skipped (import returns to see them).',
    )
  }
  const quality = await engine.query<{
    category: string | null
    orders: number
    returned_orders: number | null
    first_customers: number
    first_repeaters: number
  }>(insightsCategoryQuality(d, { asOf: opts.asOf, returns }))
  // the row without a category is every order and customer counted once
  const all = quality.find((c) => c.category === null)
  const cats = quality.filter((c): c is typeof c & { category: string } => c.category !== null)
  const overallReturnRate =
    returns && all && all.orders > 0 ? (all.returned_orders ?? 0) / all.orders : null
  const overallRepeatRate =
    all && all.first_customers > 0 ? all.first_repeaters / all.first_customers : null
  const categories: CategoryQuality[] = cats.map((c) => {
    const rep = c.first_customers > 0 ? wilsonInterval(c.first_repeaters, c.first_customers) : null
    const ret =
      c.returned_orders !== null && c.orders > 0
        ? wilsonInterval(c.returned_orders, c.orders)
        : null
    const toxic =
      ret === null || overallReturnRate === null
        ? null
        : ret.lower > overallReturnRate &&
          rep !== null &&
          overallRepeatRate !== null &&
          rep.upper < overallRepeatRate
    return {
      category: c.category,
      orders: c.orders,
      returnRate: ret ? ret.estimate : null,
      firstCustomers: c.first_customers,
      repeatRate: rep ? rep.estimate : null,
      repeatLower: rep ? rep.lower : null,
      repeatUpper: rep ? rep.upper : null,
      toxic,
    }
  })
  if (used.length > 0 && levels.length === 0) {
    ctx.notes.push(
      `Where the best over-index: no value of ${used.map((a) => a.name).join(', ')} is held by ${opts.minCount} customers, the fewest compared; not compared until more customers have them.`,
    )
  }
  return {
    significant,
    levels,
    attributesCompared: used.map((a) => a.name),
    attributesTooRecent: young.map((a) => a.name),
    minHistoryDays: opts.minHistoryDays,
    minCount: opts.minCount,
    categories,
    overallReturnRate,
    overallRepeatRate,
  }
}
