// RFM use case: scores and segments are computed by the engine from the summary table; the
// segment rules come from core (defaults or a user's JSON file) and are compiled to SQL once.
import { issueSteps, pathText } from '../core/json-path-line.ts'
import { cutsFromCounts, cutsFromPositions } from '../core/rfm-cuts.ts'
import {
  DEFAULT_RFM_RULES,
  type RfmRules,
  RfmRulesSchema,
  rfmSegmentCaseSql,
} from '../core/rfm-segments.ts'
import type { Engine } from '../data/engine.ts'
import { rfmCuts } from '../data/queries/rfm-cuts.ts'
import { rfmGrid } from '../data/queries/rfm-grid.ts'
import { type RfmCuts, rfmScoredRows, rfmScores } from '../data/queries/rfm-scores.ts'
import { rfmSegmentCounts } from '../data/queries/rfm-segment-counts.ts'
import { checkOutputTable, whenSummaryMissing } from '../data/workspace.ts'
import { UsageError } from '../errors.ts'
import { loadJsonConfig } from './json-file.ts'

export const DEFAULT_RFM_TABLE = 'customer_rfm'

export interface RfmResult {
  /** Table created: customer_id, days_since_last, purchase_days, revenue, r_score, f_score,
   * m_score, fm_score, rfm ('545'), rfm_segment. A view over the summary. */
  readonly table: string
  /** FROM item: every summary column plus the score columns (what the analysis reads). */
  readonly scoredRows: string
  /** The cut values behind the scores. */
  readonly cuts: RfmCuts
  readonly customers: number
  /** One row per segment that has customers, largest revenue first. */
  readonly segments: readonly RfmSegmentCount[]
  /** One row per occupied (R, FM) cell. */
  readonly grid: readonly RfmGridCell[]
  readonly rules: RfmRules
}

export interface RfmSegmentCount {
  readonly segment: string
  readonly customers: number
  readonly revenue: number
  readonly share_customers: number
  /** NULL when total revenue is 0. */
  readonly share_revenue: number | null
}

export interface RfmGridCell {
  readonly r_score: number
  readonly fm_score: number
  readonly rfm_segment: string
  readonly customers: number
  readonly revenue: number
}

/**
 * Score every customer of the summary table 1-5 on recency (days_since_last, fewer is better),
 * frequency (purchase_days) and monetary (revenue) by quintile, and name their segment.
 * Tie rule: score = 1 + floor(5 (rank - 1) / n) with rank() (ties share the lowest rank), so
 * equal values always get equal scores; see docs/rfm.md for what heavy ties do.
 * `monetary: false` (orders without spend): no M score, FM = F, rfm has two digits.
 *
 * @example
 *   await buildCustomerSummary(engine, { unit: 'week' })
 *   const rfm = await buildRfm(engine, { table: 'customer_summary' })
 *   // rfm.table === 'customer_rfm'; rfm.segments[0] = { segment: 'Champions', ... }
 * @throws UsageError for invalid rules or table names; QueryError if the summary table is missing.
 */
export async function buildRfm(
  engine: Engine,
  opts: { table?: string; out?: string; rules?: RfmRules; monetary?: boolean } = {},
): Promise<RfmResult> {
  const rules = parseRfmRules(opts.rules ?? DEFAULT_RFM_RULES)
  const out = opts.out ?? DEFAULT_RFM_TABLE
  checkOutputTable(out, 'buildRfm: out')
  const summary = opts.table ?? 'customer_summary'
  const cuts = await readCuts(engine, summary).catch(
    whenSummaryMissing('buildRfm scores the customer summary table', summary),
  )
  const monetary = opts.monetary !== false
  const segmentCase = rfmSegmentCaseSql(
    rules,
    monetary ? undefined : { r: 'r_score', f: 'f_score', m: 'm_score', fm: 'f_score' },
  )
  const scored = { summary, segmentCase, cuts, monetary }
  await engine.exec(rfmScores(engine.dialect, { ...scored, table: out }))
  const segments = await engine.query<RfmSegmentCount & Record<string, unknown>>(
    rfmSegmentCounts(engine.dialect, { rfm: out }),
  )
  const grid = await engine.query<RfmGridCell & Record<string, unknown>>(
    rfmGrid(engine.dialect, { rfm: out }),
  )
  const customers = segments.reduce((s, x) => s + x.customers, 0)
  return { table: out, scoredRows: rfmScoredRows(scored), cuts, customers, segments, grid, rules }
}

/** The quintile cut values of the three measures, from one statement (see core/rfm-cuts.ts). */
async function readCuts(engine: Engine, summary: string): Promise<RfmCuts> {
  const rows = await engine.query<{ measure: string; value: number | null; n: number }>(
    rfmCuts(engine.dialect, { summary }),
  )
  const of = (m: string) => rows.filter((x) => x.measure === m)
  const count = (m: string): number => Number(of(m)[0]?.n ?? 0)
  const counts = (m: string) => of(m).map((x) => ({ value: Number(x.value), n: Number(x.n) }))
  const n = count('n')
  const at = new Map(of('m').map((x) => [Number(x.n), Number(x.value)]))
  return {
    r: cutsFromCounts(counts('r'), n, 'less'),
    f: cutsFromCounts(counts('f'), n, 'more'),
    m: cutsFromPositions(at, count('mn'), n),
  }
}

/**
 * Validate rules given as an object (e.g. parsed JSON); `file` names where they came from.
 * Throws UsageError listing the problems.
 */
export function parseRfmRules(value: unknown, file?: string): RfmRules {
  const parsed = RfmRulesSchema.safeParse(value)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: pathText(i.path),
      reason: i.message,
      at: issueSteps(i),
    }))
    const why = issues.map((i) => `${i.path}: ${i.reason}`)
    throw new UsageError(`invalid RFM rules${file ? ` in ${file}` : ''}: ${why.join('; ')}`, {
      issues,
      ...(file ? { path: file } : {}),
    })
  }
  return parsed.data
}

/**
 * Read and validate a rules file (JSON, schema `RfmRulesSchema`).
 * @throws UsageError naming each problem's line (`rules.json:5 rules[0].F: ...`)
 */
export async function loadRfmRules(path: string): Promise<RfmRules> {
  return loadJsonConfig(
    path,
    'RFM rules file',
    (json) => parseRfmRules(json, path),
    `invalid RFM rules in ${path}`,
  )
}
