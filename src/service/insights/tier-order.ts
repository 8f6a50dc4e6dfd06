// Tables split by RFM segment and by tier list the tiers the best first (the engine's rows come
// alphabetically: Bronze, Gold, Platinum, Silver), as the value section lists them.
import { insightsTierOrder } from '../../data/queries/insights-tier-order.ts'
import type { InsightsContext } from './context.ts'

/** The analysed tiers, the best first (insightsTierOrder); none without tiers. */
export async function tierOrder(ctx: InsightsContext): Promise<string[]> {
  const rows = await ctx.engine.query<{ tier: string }>(insightsTierOrder(ctx.engine.dialect))
  return rows.map((r) => String(r.tier))
}

/**
 * `items` with their kinds in the order they come and, within kind 'tier', the groups in
 * `order` (a group not in it after them, as it came).
 */
export function tiersBestFirst<T>(
  items: readonly T[],
  kind: (t: T) => string,
  group: (t: T) => string,
  order: readonly string[],
): T[] {
  const kinds = [...new Set(items.map(kind))]
  const key = (t: T, i: number): [number, number] => {
    const at = kind(t) === 'tier' ? order.indexOf(group(t)) : -1
    return [kinds.indexOf(kind(t)), at >= 0 ? at : order.length + i]
  }
  return items
    .map((t, i) => ({ t, k: key(t, i) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1])
    .map((x) => x.t)
}
