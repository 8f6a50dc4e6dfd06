// Survey lists: the sample is drawn in SQL (seeded hash order per group); JS sees the group sizes.
import type { Query } from '../../data/engine.ts'
import { insightsSurveySample } from '../../data/queries/insights-survey-sample.ts'
import { dayColumn, has, type InsightsContext, tableOf } from './context.ts'
import { tiersBestFirst } from './tier-order.ts'
import type { SurveyGroup } from './types.ts'

/** The survey sample selection for this context (also used by the CSV export). */
export function surveyQuery(ctx: InsightsContext, counts = false): Query {
  // recent respondents rest when the workspace has dated survey answers
  const dated = dayColumn(ctx, 'surveys', 'responded')
  const rest =
    dated && has(ctx, 'surveys', 'customer_id')
      ? {
          table: tableOf(ctx, 'surveys'),
          dated,
          asOf: ctx.opts.asOf,
          days: ctx.opts.surveyRestDays,
        }
      : undefined
  return insightsSurveySample(ctx.engine.dialect, {
    size: ctx.opts.surveySize,
    seed: ctx.opts.seed,
    contacts: has(ctx, 'customers', 'email', 'name'),
    ...(rest ? { rest } : {}),
    counts,
  })
}

/**
 * Per RFM segment (and tier when the table has one) a seeded random sample of up to surveySize
 * customers, drawn among those who did not answer a survey in the last surveyRestDays; each
 * group is a stratum, so small segments are represented as fully as large ones. Returns the
 * groups with how many were drawn and how many rested.
 */
export async function surveyLists(
  ctx: InsightsContext,
  order: readonly string[],
): Promise<SurveyGroup[]> {
  const rows = await ctx.engine.query<{
    group_kind: string
    group: string
    sampled: number
    resting: number
  }>(surveyQuery(ctx, true))
  // tiers the best first, as the KPI tables list them (the rows come alphabetically)
  const sorted = tiersBestFirst(
    rows,
    (r) => r.group_kind,
    (r) => r.group,
    order,
  )
  return sorted.map((r) => ({
    kind: r.group_kind as SurveyGroup['kind'],
    group: r.group,
    sampled: Number(r.sampled),
    resting: Number(r.resting),
  }))
}
