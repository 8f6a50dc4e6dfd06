// Named RFM segments as data: an ordered list of score-range rules, first match wins. The same
// rules compile to a SQL CASE (the engine assigns millions of customers) and run in JS (tests).
import { z } from 'zod'

/** An inclusive score range [lo, hi] on the 1-5 scale. */
export type ScoreRange = readonly [number, number]

/**
 * One segment rule. A missing range matches every score. `fm` is the combined
 * frequency-monetary score, round-half-up of (f + m) / 2, i.e. floor((f + m + 1) / 2).
 */
export interface RfmRule {
  readonly name: string
  readonly description?: string
  /**
   * The description for orders without amounts, where FM is F alone (M is not scored): the
   * default ones spoke of spend ("... and spend the most") on a transaction log that has none.
   */
  readonly descriptionWithoutSpend?: string
  readonly r?: ScoreRange
  readonly f?: ScoreRange
  readonly m?: ScoreRange
  readonly fm?: ScoreRange
}

export interface RfmRules {
  readonly rules: readonly RfmRule[]
  /** Segment of a customer that no rule matches. */
  readonly fallback: string
}

/**
 * The default segment map on the recency x frequency-monetary grid, after the widely used
 * 11-segment table (e.g. Putler, "RFM analysis for successful customer segmentation"), made
 * into a partition: every one of the 25 (R, FM) cells has exactly one segment and every
 * segment owns at least one cell (docs/rfm.md draws the grid).
 */
export const DEFAULT_RFM_RULES: RfmRules = {
  rules: [
    {
      name: 'Champions',
      description: 'Bought recently, buy often and spend the most.',
      descriptionWithoutSpend: 'Bought recently and buy the most often.',
      r: [4, 5],
      fm: [4, 5],
    },
    {
      name: 'Loyal',
      description: 'Buy regularly and spend well; not necessarily the most recent.',
      descriptionWithoutSpend: 'Buy regularly; not necessarily the most recent.',
      r: [3, 5],
      fm: [3, 5],
    },
    {
      name: 'Potential loyalist',
      description: 'Recent customers with average frequency and spend.',
      descriptionWithoutSpend: 'Recent customers with average frequency.',
      r: [4, 5],
      fm: [2, 2],
    },
    { name: 'New', description: 'Bought most recently, but not often.', r: [5, 5], fm: [1, 1] },
    {
      name: 'Promising',
      description: 'Recent shoppers who have not spent much yet.',
      descriptionWithoutSpend: 'Recent shoppers who have not bought often yet.',
      r: [4, 4],
      fm: [1, 1],
    },
    {
      name: 'Need attention',
      description: 'Average recency, frequency and spend; slipping without a nudge.',
      descriptionWithoutSpend: 'Average recency and frequency; slipping without a nudge.',
      r: [3, 3],
      fm: [2, 2],
    },
    {
      name: 'About to sleep',
      description: 'Below-average recency and frequency; lost soon if not reactivated.',
      r: [3, 3],
      fm: [1, 1],
    },
    {
      name: 'Cannot lose them',
      description: 'Used to buy often and spend the most, but not for a long time.',
      descriptionWithoutSpend: 'Used to buy the most often, but not for a long time.',
      r: [1, 1],
      fm: [4, 5],
    },
    {
      name: 'At risk',
      description: 'Bought often and spent well, but a long time ago.',
      descriptionWithoutSpend: 'Bought often, but a long time ago.',
      r: [1, 2],
      fm: [3, 5],
    },
    {
      name: 'Hibernating',
      description: 'Last purchase long ago, few orders, low spend.',
      descriptionWithoutSpend: 'Last purchase long ago, few orders.',
      r: [2, 2],
      fm: [1, 2],
    },
    {
      name: 'Lost',
      description: 'Lowest recency, frequency and spend.',
      descriptionWithoutSpend: 'Lowest recency and frequency.',
      r: [1, 1],
      fm: [1, 2],
    },
  ],
  fallback: 'Other',
}

const Score = z.number().int().min(1).max(5)
const Range = z
  .tuple([Score, Score])
  .refine(([lo, hi]) => lo <= hi, { message: 'range must be [low, high] with low <= high' })

/** Schema of a user rules file (JSON): `{ "rules": [{ "name", "r": [lo, hi], ... }], "fallback" }`. */
export const RfmRulesSchema = z
  .object({
    rules: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            description: z.string().optional(),
            descriptionWithoutSpend: z.string().optional(),
            r: Range.optional(),
            f: Range.optional(),
            m: Range.optional(),
            fm: Range.optional(),
          })
          // a misspelt range ("R", "rm") left out would make the rule match everybody
          .strict(),
      )
      .min(1),
    fallback: z.string().min(1).max(100).default('Other'),
  })
  .strict()
  // a segment may span several rules (cells far apart on the grid), but it has one description:
  // with two, every customer of the segment would be described by the last one
  .superRefine((v, ctx) => {
    const first = new Map<string, number>()
    v.rules.forEach((rule, i) => {
      const j = first.get(rule.name)
      if (j === undefined) {
        first.set(rule.name, i)
        return
      }
      const other = v.rules[j]!
      for (const key of ['description', 'descriptionWithoutSpend'] as const) {
        if (other[key] === rule[key]) continue
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, key],
          message: `rules[${i}] is named ${JSON.stringify(rule.name)} as rules[${j}] is, with another ${key}: one segment has one ${key} (give both rules the same one, or the segments two names)`,
        })
      }
    })
  })

/** Combined frequency-monetary score: round half up of the mean of f and m. */
export function fmScore(f: number, m: number): number {
  return Math.floor((f + m + 1) / 2)
}

const inRange = (v: number, range: ScoreRange | undefined): boolean =>
  range === undefined || (v >= range[0] && v <= range[1])

/**
 * The segment of one customer: the first rule whose ranges all contain the scores, else the
 * fallback. Mirrors `rfmSegmentCaseSql` exactly. `m` null: the orders carry no spend, FM is F
 * and a rule with an `m` range never applies (SQL: NULL BETWEEN is not true).
 * @example assignSegment(5, 5, 5) // 'Champions'
 */
export function assignSegment(
  r: number,
  f: number,
  m: number | null,
  rules: RfmRules = DEFAULT_RFM_RULES,
): string {
  const fm = m === null ? f : fmScore(f, m)
  for (const rule of rules.rules) {
    const mOk = m === null ? rule.m === undefined : inRange(m, rule.m)
    if (inRange(r, rule.r) && inRange(f, rule.f) && mOk && inRange(fm, rule.fm)) {
      return rule.name
    }
  }
  return rules.fallback
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`

/** Column names (or SQL expressions) holding the scores, for `rfmSegmentCaseSql`. */
export interface ScoreColumns {
  readonly r: string
  readonly f: string
  readonly m: string
  /** FM; default the mean of F and M rounded half up (fmScore). F alone when there is no M. */
  readonly fm?: string
}

/**
 * Compile the rules to one portable SQL CASE expression over integer score columns.
 * Scores and names are validated/quoted here, so the result is safe to splice into a query.
 */
export function rfmSegmentCaseSql(
  rules: RfmRules = DEFAULT_RFM_RULES,
  cols: ScoreColumns = { r: 'r_score', f: 'f_score', m: 'm_score' },
): string {
  const checked = RfmRulesSchema.parse(rules)
  const fm = cols.fm ?? `CAST(floor((${cols.f} + ${cols.m} + 1) / 2) AS INTEGER)`
  const cond = (expr: string, range: ScoreRange | undefined): string[] =>
    range === undefined ? [] : [`${expr} BETWEEN ${range[0]} AND ${range[1]}`]
  const whens = checked.rules.map((rule) => {
    const parts = [
      ...cond(cols.r, rule.r),
      ...cond(cols.f, rule.f),
      ...cond(cols.m, rule.m),
      ...cond(fm, rule.fm),
    ]
    return `WHEN ${parts.length > 0 ? parts.join(' AND ') : 'TRUE'} THEN ${sqlString(rule.name)}`
  })
  return `CASE ${whens.join(' ')} ELSE ${sqlString(checked.fallback)} END`
}
