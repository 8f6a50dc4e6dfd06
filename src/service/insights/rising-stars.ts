// Rising stars: a regularized logistic model of "reaches the top cohort" from early behaviour,
// trained on the earlier half of the eligible customers and validated on the later half (a test
// of whether it carries forward in time). Training pulls a sample as lists; scoring runs in SQL.
import {
  crossValidateLambda,
  fitLogistic,
  type LogisticModel,
  logisticContributions,
  predictLogistic,
  withMeanRate,
} from '../../core/stats/logistic.ts'
import { auc, calibrationTable, topK } from '../../core/stats/ranking.ts'
import {
  insightsCandidateCounts,
  insightsEarlyFeatures,
  insightsFeatureSample,
  insightsTopCandidates,
} from '../../data/queries/insights-early-features.ts'
import { INSIGHTS_FIRST } from '../../data/queries/insights-first-orders.ts'
import { formatCount, formatInt, formatMoney } from '../../report/format.ts'
import { dayColumn, doubles, has, type InsightsContext, ints, tableOf } from './context.ts'
import { NO_VALUE } from './over-index.ts'
import type { ItemsetRow, OverIndexLevel, RisingStar, RisingStars } from './types.ts'

// 50,000 rows give thousands of positives for a few dozen coefficients; the Newton fits of the
// cross-validation cost O(rows × features²) each, so the training sample sets the step's time.
// Validation only scores, and a larger sample narrows the AUC and precision estimates.
const TRAIN_ROWS = 50_000
const VALIDATION_ROWS = 200_000
const CSV_ROWS = 1000
/** A validation AUC under this is noted as a weak model. */
const WEAK_AUC = 0.6

/**
 * One model input: SQL, a name, and how to say a value of it in words. The kind says what the
 * SQL value is: 'money-log' and 'count-log' are ln(1 + amount or count), said back as the amount
 * or count itself; 'count' and 'days' are the figure as is.
 */
export interface Feature {
  readonly name: string
  readonly sql: string
  readonly kind: 'binary' | 'count' | 'count-log' | 'money-log' | 'days'
  /** Phrase for the feature (for a binary one: when present). */
  readonly words: string
  /** Phrase for a binary feature that is absent (default "not: " + words). */
  readonly absent?: string
  /** The SQL caps the figure here: a value at the cap is said as "cap or more". */
  readonly cap?: number
  /** Phrase for a value at the cap, instead of "cap or more". */
  readonly atCap?: string
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`

/** The feature set: fixed early-behaviour features plus one-hot levels and category pairs. */
export function buildFeatures(
  ctx: InsightsContext,
  levels: readonly OverIndexLevel[],
  itemsets: readonly ItemsetRow[],
  /** Each category with the customers whose first order includes it (path to best). */
  categories: readonly { readonly level: string; readonly customers: number }[] = [],
): Feature[] {
  const e = ctx.opts.earlyDays
  const f: Feature[] = [
    {
      name: 'first_order_value',
      sql: 'ln(1 + greatest(f.first_amount, 0))',
      kind: 'money-log',
      words: 'first order value',
    },
    {
      name: 'first_order_items',
      sql: 'least(f.first_quantity, 20)',
      kind: 'count',
      words: 'items in the first order',
      cap: 20,
    },
    {
      name: 'first_order_categories',
      sql: 'len(f.first_categories)',
      kind: 'count',
      words: 'categories in the first order',
    },
    {
      name: 'first_order_discount',
      sql: 'CASE WHEN f.first_discount > 0 THEN 1 ELSE 0 END',
      kind: 'binary',
      words: 'used a discount on the first order',
      absent: 'paid full price on the first order',
    },
    {
      name: 'second_purchase_early',
      sql: `CASE WHEN f.days_to_second < ${e} THEN 1 ELSE 0 END`,
      kind: 'binary',
      words: `bought again within ${e} days`,
      absent: `no second purchase within ${e} days`,
    },
    {
      name: 'days_to_second_purchase',
      sql: `least(coalesce(f.days_to_second, ${e}), ${e})`,
      kind: 'days',
      words: 'days to the second purchase',
      // the window's length stands for "none within the window" (or none at all)
      cap: e,
      atCap: `no second purchase within ${e} days`,
    },
    {
      name: 'early_purchase_days',
      sql: 'f.early_days',
      kind: 'count',
      words: `purchase days in the first ${e} days`,
    },
    {
      name: 'early_spend',
      sql: 'ln(1 + greatest(f.early_revenue, 0))',
      kind: 'money-log',
      words: `spend in the first ${e} days`,
    },
  ]
  if (has(ctx, 'engagement', 'customer_id', 'occurred_at')) {
    f.push({
      name: 'early_engagement',
      sql: 'ln(1 + coalesce(e.events, 0))',
      kind: 'count-log',
      words: `engagement events in the first ${e} days`,
    })
  }
  // one-hot levels: the most common few of each attribute (L2 keeps collinear sets stable)
  // the reasons' words for having a level and not, and for having none: "not: campaign (none)"
  // read as a code
  type Say = {
    has: (level: string) => string
    not: (level: string) => string
    none: string
    some: string
  }
  const pick = (attribute: string, column: string, k: number, prefix: string, say: Say) => {
    const ls = levels
      .filter((l) => l.attribute === attribute)
      .sort((a, b) => b.customers - a.customers)
      .slice(0, k)
    for (const l of ls) {
      const none = l.level === NO_VALUE
      f.push({
        name: `${prefix}=${l.level}`,
        // over-index labels a missing value "(none)": compared as text it matched nobody, and the
        // most common campaign level (none at all) was a column of zeros
        sql: `CASE WHEN ${none ? `${column} IS NULL` : `${column} = ${sqlString(l.level)}`} THEN 1 ELSE 0 END`,
        kind: 'binary',
        words: none ? say.none : say.has(l.level),
        absent: none ? say.some : say.not(l.level),
      })
    }
  }
  pick('acquisition channel', 'b.channel', 6, 'acquired via', {
    has: (l) => `acquired via ${l}`,
    not: (l) => `not acquired via ${l}`,
    none: 'no acquisition channel on record',
    some: 'an acquisition channel on record',
  })
  pick('acquisition campaign', 'b.campaign', 6, 'campaign', {
    has: (l) => `came through campaign ${l}`,
    not: (l) => `not through campaign ${l}`,
    none: 'came through no campaign',
    some: 'came through a campaign',
  })
  // the categories most first orders include (path to best's count); over-index's count of the
  // first order's largest line only when path to best did not run
  const cats = (
    categories.length > 0
      ? categories
      : levels.filter((l) => l.attribute === 'first-purchase category')
  )
    .slice()
    .sort(
      (a, b) => b.customers - a.customers || (a.level < b.level ? -1 : a.level > b.level ? 1 : 0),
    )
    .slice(0, 12)
  for (const c of cats) {
    f.push({
      name: `first_order_has=${c.level}`,
      sql: `CASE WHEN list_contains(f.first_categories, ${sqlString(c.level)}) THEN 1 ELSE 0 END`,
      kind: 'binary',
      words: `first order included ${c.level}`,
      absent: `first order without ${c.level}`,
    })
  }
  // the strongest productive category combinations found by path to best
  const combos = itemsets
    .filter(
      (s) =>
        s.productive &&
        s.qValue < 0.05 &&
        s.items.length >= 2 &&
        s.items.every((i) => i.startsWith('category: ')),
    )
    .slice(0, 5)
  for (const s of combos) {
    const names = s.items.map((i) => i.slice('category: '.length))
    f.push({
      name: `first_order_combo=${names.join('+')}`,
      sql: `CASE WHEN list_has_all(f.first_categories, [${names.map(sqlString).join(', ')}]) THEN 1 ELSE 0 END`,
      kind: 'binary',
      words: `first order combined ${names.join(' and ')}`,
      absent: `first order did not combine ${names.join(' and ')}`,
    })
  }
  return f
}

function sampleMatrix(row: Record<string, unknown> | undefined, p: number) {
  const y = Uint8Array.from(ints(row?.top))
  const n = y.length
  const X = doubles(row?.x)
  if (X.length !== n * p) throw new Error(`feature sample has ${X.length} values for ${n} × ${p}`)
  return { X, y, n }
}

/** σ(b₀ + Σ βⱼ xⱼ) on the raw scale as SQL over columns x0..x{p-1}. */
export function scoreSql(model: LogisticModel): string {
  const p = model.coefficients.length
  let b0 = model.intercept
  const terms: string[] = []
  for (let j = 0; j < p; j++) {
    const beta = model.coefficients[j]! / model.scales[j]!
    if (!Number.isFinite(beta) || beta === 0) continue
    b0 -= beta * model.means[j]!
    terms.push(`(${beta.toPrecision(17)}) * x${j}`)
  }
  return `1 / (1 + exp(-((${b0.toPrecision(17)})${terms.map((t) => ` + ${t}`).join('')})))`
}

/**
 * A reason in words: the customer's figure against the typical one. `mean` is the mean of the
 * feature over the training sample; for a log feature, expm1 of the mean of the logs is the
 * typical amount or count (a geometric mean of 1 + x, less 1: a few very large values do not
 * make it). Counts are said in whole numbers where the customer's own is concerned.
 */
export function describeFeature(f: Feature, x: number, mean: number, cur: string | null): string {
  if (f.kind === 'binary') return x >= 0.5 ? f.words : (f.absent ?? `not: ${f.words}`)
  if (f.cap !== undefined && x >= f.cap && f.atCap !== undefined) return f.atCap
  const typical = (v: number) => Number(v.toFixed(1))
  switch (f.kind) {
    case 'money-log':
      return `${f.words}: ${formatMoney(Math.expm1(x), cur)} (typical ${formatMoney(Math.expm1(mean), cur)})`
    case 'count-log':
      return `${f.words}: ${Math.round(Math.expm1(x))} (typical ${typical(Math.expm1(mean))})`
    case 'days':
      return `${f.words}: ${Math.round(x)} (typical ${Math.round(mean)})`
    default: {
      const own = f.cap !== undefined && x >= f.cap ? `${f.cap} or more` : `${typical(x)}`
      return `${f.words}: ${own} (typical ${typical(mean)})`
    }
  }
}

/**
 * Fit, validate and apply the rising-stars model. L2 logistic regression with λ chosen by 5-fold
 * CV on log-loss (core/stats/logistic.ts, ESL §4.4); validation on the later acquisition half:
 * AUC, precision and lift at k = topShare × n, a 10-bin calibration table. Candidates are
 * customers not yet eligible (less than minHistoryDays, at least earlyDays of history) whose
 * value is below the top cohort; the list holds the highest scores with their largest positive
 * contributions in words. Returns null with a note when a split lacks both outcomes.
 */
export async function risingStars(
  ctx: InsightsContext,
  features: readonly Feature[],
  currency: string | null,
  threshold: number | null,
): Promise<{ summary: RisingStars; csv: RisingStar[] } | null> {
  const { engine, opts } = ctx
  if (opts.earlyDays >= opts.minHistoryDays) {
    // the top cohort is ranked on minHistoryDays of history: early features over as long a
    // window already hold the outcome (a near-perfect AUC that predicts nothing), and no
    // customer can be past the early window yet short of the history, so none is a candidate
    ctx.notes.push(
      `Rising stars skipped: the early window (--early-days ${opts.earlyDays}) must be shorter than the history the top cohort is ranked on (--min-history-days ${opts.minHistoryDays}).`,
    )
    return null
  }
  const d = engine.dialect
  const p = features.length
  // by the day the import stored (a table made otherwise: the instant's UTC day)
  const occurred = has(ctx, 'engagement', 'customer_id', 'occurred_at')
    ? dayColumn(ctx, 'engagement', 'occurred')
    : null
  const engagementSql =
    occurred !== null
      ? `SELECT g.customer_id, count(*) AS events FROM ${tableOf(ctx, 'engagement')} g
       JOIN ${INSIGHTS_FIRST} f0 ON f0.customer_id = g.customer_id
       -- the window is the first days from the first purchase: browsing before it is not in it
       WHERE CAST(g.${occurred} AS DATE) >= f0.first_day
         AND CAST(g.${occurred} AS DATE) < f0.first_day + ${Math.trunc(opts.earlyDays)}
       GROUP BY g.customer_id`
      : undefined
  await engine.exec(
    insightsEarlyFeatures(d, {
      features,
      earlyDays: opts.earlyDays,
      ...(engagementSql ? { engagementSql } : {}),
    }),
  )
  const [trainRow] = await engine.query(
    insightsFeatureSample(d, { split: 'train', p, limit: TRAIN_ROWS, seed: opts.seed }),
  )
  const [valRow] = await engine.query(
    insightsFeatureSample(d, {
      split: 'validate',
      p,
      limit: VALIDATION_ROWS,
      seed: opts.seed + 1,
    }),
  )
  const train = sampleMatrix(trainRow, p)
  const val = sampleMatrix(valRow, p)
  const pos = (y: Uint8Array) => y.reduce((s, v) => s + v, 0)
  const trainPos = pos(train.y)
  const valPos = pos(val.y)
  if (trainPos < 10 || train.n - trainPos < 10 || valPos < 1 || val.n - valPos < 1) {
    // name what is missing: top customers, or others to tell them from (a top share near 1),
    // or customers with the history at all
    const few =
      train.n + val.n === 0
        ? `no customer has ${formatCount(opts.minHistoryDays, 'day')} of history yet`
        : trainPos < 10 || valPos < 1
          ? 'too few top customers'
          : 'too few customers outside the top cohort'
    ctx.notes.push(
      `Rising stars skipped: ${few} to train and validate (top customers: train ${formatInt(trainPos)} of ${formatInt(train.n)}, validation ${formatInt(valPos)} of ${formatInt(val.n)}).`,
    )
    return null
  }
  const cv = crossValidateLambda(train.X, train.y, { folds: 5, seed: opts.seed })
  const fitted = fitLogistic(train.X, train.y, { lambda: cv.lambda, allowNonConvergence: true })
  // The earlier half reaches the top more often than the later (its value has had longer to
  // grow: 15 % against 5 % in a review's runs), so its propensities over-predicted about twice
  // on the later half, the customers nearest the candidates in time. The intercept is set so
  // that the later half's mean propensity is its observed rate; rankings are unchanged.
  const model = withMeanRate(fitted, val.X, valPos / val.n)
  const scores = predictLogistic(model, val.X)
  const k = validationK(opts.topShare, val.n)
  const tk = topK(scores, val.y, k)
  const calibration = calibrationTable(scores, val.y, 10).map((b) => ({
    n: b.n,
    meanPredicted: b.meanPredicted,
    observedRate: b.observedRate,
    lower: b.lower,
    upper: b.upper,
  }))
  const score = scoreSql(model)
  const [counts] = await engine.query<{ candidates: number; high: number }>(
    insightsCandidateCounts(d, { scoreSql: score, minScore: tk.threshold, threshold }),
  )
  const top = await engine.query(
    insightsTopCandidates(d, { scoreSql: score, p, limit: CSV_ROWS, threshold }),
  )
  const X = new Float64Array(top.length * p)
  top.forEach((r, i) => {
    for (let j = 0; j < p; j++) X[i * p + j] = Number(r[`x${j}`])
  })
  const stars: RisingStar[] = top.map((r, i) => {
    const c = logisticContributions(model, X, i)
    const order = Array.from(c.keys())
      .filter((j) => c[j]! > 0)
      .sort((a, b) => c[b]! - c[a]!)
      .slice(0, 3)
    return {
      customerId: String(r.customer_id),
      value: Number(r.value),
      propensity: Number(r.score),
      reasons: order.map((j) => ({
        feature: features[j]!.name,
        text: describeFeature(features[j]!, X[i * p + j]!, model.means[j]!, currency),
        contribution: c[j]!,
      })),
    }
  })
  const rocAuc = auc(scores, val.y)
  // below ~0.6 the ranking barely beats a coin on customers the model has not seen
  if (!(rocAuc >= WEAK_AUC)) {
    ctx.notes.push(
      `Rising stars: on the later cohort the model ranks the customers who reached the top ${rocAuc > 0.5 ? 'little' : 'no'} better than chance (AUC ${rocAuc.toFixed(2)}, 0.5 is a coin toss): early behaviour says little about who becomes a best customer here, so take its list as a weak hint.`,
    )
  }
  return {
    summary: {
      features: features.map((f, j) => ({
        name: f.name,
        coefficient: model.coefficients[j]!,
        words: f.words,
      })),
      lambda: cv.lambda,
      train: { customers: train.n, positives: trainPos },
      validation: {
        customers: val.n,
        positives: valPos,
        auc: rocAuc,
        k,
        precisionAtK: tk.precision,
        liftAtK: tk.lift,
        calibration,
      },
      candidates: counts?.candidates ?? 0,
      highPropensity: counts?.high ?? 0,
      threshold: tk.threshold,
      list: stars.slice(0, opts.listSize),
    },
    csv: stars,
  }
}

/**
 * k of the validation's precision and lift at k: top share × n to the nearest whole number, a
 * half up, at least 1 and at most n. The product is taken as decimals write it: 0.29 × 50 is
 * 14.499999999999998 in binary, which rounded to 14 where the docs' rule says 15.
 * @example validationK(0.29, 50) // 15
 */
export function validationK(topShare: number, n: number): number {
  return Math.max(1, Math.min(n, Math.round(Number((topShare * n).toPrecision(12)))))
}
