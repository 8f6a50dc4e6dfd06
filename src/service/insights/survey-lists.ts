// Survey lists: the sample is drawn in SQL (seeded hash order per group); JS sees the group sizes.
import type { Query } from '../../data/engine.ts'
import { insightsSurveySample } from '../../data/queries/insights-survey-sample.ts'
import { has, type InsightsContext } from './context.ts'
import type { SurveyGroup } from './types.ts'

/** The survey sample selection for this context (also used by the CSV export). */
export function surveyQuery(ctx: InsightsContext): Query {
  return insightsSurveySample(ctx.engine.dialect, {
    size: ctx.opts.surveySize,
    seed: ctx.opts.seed,
    contacts: has(ctx, 'customers', 'email', 'name'),
  })
}

/**
 * Per RFM segment (and tier when the table has one) a seeded random sample of up to surveySize
 * customers; each group is a stratum, so small segments are represented as fully as large ones.
 * Returns the groups with how many were drawn.
 */
export async function surveyLists(ctx: InsightsContext): Promise<SurveyGroup[]> {
  const q = surveyQuery(ctx)
  const rows = await ctx.engine.query<{ group_kind: string; group: string; n: number }>({
    sql: `SELECT group_kind, "group", count(*) AS n FROM (${q.sql}) GROUP BY 1, 2 ORDER BY 1, 2`,
    params: q.params,
  })
  return rows.map((r) => ({
    kind: r.group_kind as SurveyGroup['kind'],
    group: r.group,
    sampled: r.n,
  }))
}
