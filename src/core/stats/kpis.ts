// Customer KPIs from counts and scores the service layer has already aggregated in SQL: NPS, CES,
// retention and repeat rates, cohort retention matrices, and Kaplan-Meier for censored time to event.

import { DataError, UsageError } from '../../errors.ts'
import { type ProportionInterval, wilsonInterval, zFor } from './proportion.ts'
import { tQuantile } from './student-t.ts'

/** Net Promoter Score with its interval, in points (-100..100). */
export interface NpsResult {
  readonly n: number
  readonly promoters: number
  readonly passives: number
  readonly detractors: number
  readonly nps: number
  readonly standardError: number
  readonly lower: number
  readonly upper: number
}

/**
 * NPS = 100 × (share scoring 9-10 − share scoring 0-6) (Reichheld 2003, HBR "The One Number You
 * Need to Grow"). Its standard error follows from the trinomial: Var = (p₊ + p₋ − (p₊ − p₋)²)/n.
 * The interval is the adjusted Wald of Rocks (2016, The American Statistician 70(4), "Interval
 * estimation for the Net Promoter Score"), the best of the methods he compared: 3/4 of a response
 * added to the promoters and to the detractors and 3 to n, the normal interval about the adjusted
 * score, clipped to [-100, 100]. The plain (Wald) interval claimed 95 % for "67 [29, 100]" on six
 * answers, and none at all for answers all alike.
 * @example nps([10, 9, 8, 7, 3]).nps // 100 × (2 − 1)/5 = 20
 * @throws UsageError for a score that is not an integer 0..10; DataError for no scores.
 */
export function nps(
  scores: ArrayLike<number>,
  options: { readonly confidence?: number } = {},
): NpsResult {
  const n = scores.length
  if (n === 0) throw new DataError('NPS of no responses')
  let promoters = 0
  let detractors = 0
  for (let i = 0; i < n; i++) {
    const s = scores[i]!
    if (!Number.isInteger(s) || s < 0 || s > 10)
      throw new UsageError('NPS scores are integers 0..10', { index: i, score: s })
    if (s >= 9) promoters++
    else if (s <= 6) detractors++
  }
  const pp = promoters / n
  const pd = detractors / n
  const value = 100 * (pp - pd)
  const se = 100 * Math.sqrt(Math.max(0, pp + pd - (pp - pd) ** 2) / n)
  const z = zFor(options.confidence ?? 0.95)
  // adjusted Wald (Rocks 2016): 3/4 added to promoters and detractors, 3 to n
  const na = n + 3
  const pa = (promoters + 0.75) / na
  const da = (detractors + 0.75) / na
  const centre = 100 * (pa - da)
  const seAdjusted = 100 * Math.sqrt(Math.max(0, pa + da - (pa - da) ** 2) / na)
  return {
    n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: value,
    standardError: se,
    lower: Math.max(-100, centre - z * seAdjusted),
    upper: Math.min(100, centre + z * seAdjusted),
  }
}

/** A mean with a normal-approximation interval. */
export interface MeanInterval {
  readonly n: number
  readonly mean: number
  readonly sd: number
  readonly standardError: number
  readonly lower: number
  readonly upper: number
}

/**
 * Mean with a normal interval mean ± z·s/√n (s with n − 1). For n below ~30 a t interval would be
 * wider; callers should show n beside the interval.
 * @throws UsageError for non-finite values; DataError for no values.
 */
export function meanInterval(
  values: ArrayLike<number>,
  options: { readonly confidence?: number } = {},
): MeanInterval {
  const n = values.length
  if (n === 0) throw new DataError('mean of no values')
  let mean = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) throw new UsageError('values must be finite', { index: i })
    mean += (v - mean) / (i + 1)
  }
  let ss = 0
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0
  const se = sd / Math.sqrt(n)
  const z = zFor(options.confidence ?? 0.95)
  return { n, mean, sd, standardError: se, lower: mean - z * se, upper: mean + z * se }
}

/**
 * Customer Effort Score: the mean response on its scale (default 1..7) with a Student t interval
 * (n − 1 degrees of freedom: a segment may hold a handful of answers, where the normal interval
 * is too narrow), clipped to the scale. One answer has no spread to measure: its interval is the
 * point itself, which callers should not show as certainty.
 * @throws UsageError for a score outside the scale; DataError for no scores.
 */
export function ces(
  scores: ArrayLike<number>,
  options: { readonly min?: number; readonly max?: number; readonly confidence?: number } = {},
): MeanInterval {
  const min = options.min ?? 1
  const max = options.max ?? 7
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!
    if (!(s >= min && s <= max))
      throw new UsageError(`CES scores must be within ${min}..${max}`, { index: i, score: s })
  }
  const m = meanInterval(scores, options)
  if (m.n < 2) return m
  const half = tQuantile(1 - (1 - (options.confidence ?? 0.95)) / 2, m.n - 1) * m.standardError
  return { ...m, lower: Math.max(min, m.mean - half), upper: Math.min(max, m.mean + half) }
}

/**
 * Customer retention rate over a period: (E − N) / S, with S customers at the start, E at the end
 * and N those at the end who were not customers at the start: acquired during the period, and
 * lapsed ones won back (Farris et al., Marketing Metrics, 2nd ed., §5.3). Then E − N = |E ∩ S|.
 * @example customerRetentionRate(200, 210, 30) // 0.9
 * @throws UsageError for negative counts, S = 0, or N > E.
 */
export function customerRetentionRate(start: number, end: number, acquired: number): number {
  if (!(start > 0) || !(end >= 0) || !(acquired >= 0)) {
    throw new UsageError('retention rate needs start > 0 and non-negative end and acquired', {
      start,
      end,
      acquired,
    })
  }
  if (acquired > end)
    throw new UsageError('acquired exceeds customers at the end', { end, acquired })
  return (end - acquired) / start
}

/** Repeat purchase rate: share of customers with at least two orders. */
export interface RepeatRate extends ProportionInterval {
  readonly customers: number
  readonly repeaters: number
}

/**
 * Share of customers with two or more orders, with a Wilson interval.
 * @example repeatPurchaseRate(Int32Array.of(1, 2, 5, 1)).estimate // 0.5
 * @throws UsageError for negative counts; DataError for no customers.
 */
export function repeatPurchaseRate(
  orderCounts: ArrayLike<number>,
  options: { readonly confidence?: number } = {},
): RepeatRate {
  const n = orderCounts.length
  if (n === 0) throw new DataError('repeat rate of no customers')
  let repeaters = 0
  for (let i = 0; i < n; i++) {
    const c = orderCounts[i]!
    if (!(c >= 0)) throw new UsageError('order counts must be >= 0', { index: i })
    if (c >= 2) repeaters++
  }
  return { ...wilsonInterval(repeaters, n, options), customers: n, repeaters }
}

/** Result of {@link retentionMatrix}; all arrays row-major cohorts × periods. */
export interface RetentionMatrix {
  readonly cohorts: number
  readonly periods: number
  /** values[c, k] / base[c]; 0 where unobserved (see `observed`). */
  readonly rates: Float64Array
  /** 1 where period k of cohort c has been observed. */
  readonly observed: Uint8Array
  /** Per period: Σ values / Σ base over the cohorts that observed it; 0 when none did. */
  readonly average: Float64Array
}

/**
 * Cohort retention matrix: active customers (or revenue) of acquisition cohort c in period k since
 * acquisition, divided by the cohort's base (its size, by default values[c, 0]). Young cohorts have
 * not lived through late periods: `observedPeriods[c]` (default: all) marks how many are real, so
 * unobserved cells are never read as zero retention. The average curve weights cohorts by size.
 * @throws UsageError for shapes that do not match; DataError when a cohort's base is not positive.
 */
export function retentionMatrix(
  values: Float64Array,
  cohorts: number,
  periods: number,
  options: { readonly base?: Float64Array; readonly observedPeriods?: Int32Array } = {},
): RetentionMatrix {
  if (values.length !== cohorts * periods) {
    throw new UsageError('values must be cohorts × periods', {
      length: values.length,
      cohorts,
      periods,
    })
  }
  const { base, observedPeriods } = options
  if (
    (base && base.length !== cohorts) ||
    (observedPeriods && observedPeriods.length !== cohorts)
  ) {
    throw new UsageError('base and observedPeriods need one entry per cohort', { cohorts })
  }
  const rates = new Float64Array(cohorts * periods)
  const observed = new Uint8Array(cohorts * periods)
  const num = new Float64Array(periods)
  const den = new Float64Array(periods)
  for (let c = 0; c < cohorts; c++) {
    const b = base ? base[c]! : values[c * periods]!
    const seen = Math.min(periods, observedPeriods ? observedPeriods[c]! : periods)
    if (seen <= 0) continue
    if (!(b > 0)) throw new DataError('cohort base must be positive', { cohort: c, base: b })
    for (let k = 0; k < seen; k++) {
      const v = values[c * periods + k]!
      rates[c * periods + k] = v / b
      observed[c * periods + k] = 1
      num[k]! += v
      den[k]! += b
    }
  }
  const average = new Float64Array(periods)
  for (let k = 0; k < periods; k++) average[k] = den[k]! > 0 ? num[k]! / den[k]! : 0
  return { cohorts, periods, rates, observed, average }
}

/** Kaplan-Meier estimate at each distinct event time. */
export interface KaplanMeier {
  readonly times: Float64Array
  readonly atRisk: Float64Array
  readonly events: Float64Array
  readonly survival: Float64Array
  /** Greenwood log-log interval; equal to survival where it is 0. */
  readonly lower: Float64Array
  readonly upper: Float64Array
}

/**
 * Kaplan-Meier product-limit estimator for right-censored times (Kaplan & Meier 1958, JASA
 * 53:457): S(t) = Π_{tᵢ <= t} (1 − dᵢ/nᵢ), with the log-log interval S^exp(±z·σ/|log S|),
 * σ² = Σ dᵢ/(nᵢ(nᵢ − dᵢ)) (Greenwood; Kalbfleisch & Prentice 2002 §4.3). Censored at the same
 * time as an event counts as still at risk for it.
 * @param events 1 = event observed at times[i], 0 = censored (still waiting at times[i])
 * @throws UsageError for mismatched lengths, negative or non-finite times; DataError for no rows.
 */
export function kaplanMeier(
  times: Float64Array,
  events: Uint8Array,
  options: { readonly confidence?: number } = {},
): KaplanMeier {
  const n = times.length
  if (events.length !== n) throw new UsageError('times and events differ in length')
  if (n === 0) throw new DataError('Kaplan-Meier of no rows')
  for (let i = 0; i < n; i++) {
    if (!(times[i]! >= 0) || !Number.isFinite(times[i]!))
      throw new UsageError('times must be finite and >= 0', { index: i })
  }
  const z = zFor(options.confidence ?? 0.95)
  const ev = new Float64Array(n)
  const cen = new Float64Array(n)
  let m = 0
  for (let i = 0; i < n; i++) if (events[i]) ev[m++] = times[i]!
  const evSorted = ev.subarray(0, m).sort()
  let c = 0
  for (let i = 0; i < n; i++) if (!events[i]) cen[c++] = times[i]!
  const cenSorted = cen.subarray(0, c).sort()
  const outT: number[] = []
  const outR: number[] = []
  const outD: number[] = []
  let removed = 0 // rows with time < current event time
  let ci = 0
  let i = 0
  while (i < m) {
    const t = evSorted[i]!
    let d = 0
    while (i < m && evSorted[i] === t) {
      d++
      i++
    }
    while (ci < c && cenSorted[ci]! < t) ci++
    const atRisk = n - removed - ci
    outT.push(t)
    outR.push(atRisk)
    outD.push(d)
    removed += d
  }
  const k = outT.length
  const survival = new Float64Array(k)
  const lower = new Float64Array(k)
  const upper = new Float64Array(k)
  let s = 1
  let g = 0
  for (let j = 0; j < k; j++) {
    const r = outR[j]!
    const d = outD[j]!
    s *= 1 - d / r
    if (r > d) g += d / (r * (r - d))
    survival[j] = s
    if (s > 0 && s < 1) {
      const w = (z * Math.sqrt(g)) / Math.abs(Math.log(s))
      lower[j] = s ** Math.exp(w)
      upper[j] = s ** Math.exp(-w)
    } else {
      lower[j] = s
      upper[j] = s
    }
  }
  return {
    times: Float64Array.from(outT),
    atRisk: Float64Array.from(outR),
    events: Float64Array.from(outD),
    survival,
    lower,
    upper,
  }
}

/** S(t) from a {@link kaplanMeier} fit (right-continuous step function). */
export function survivalAt(km: KaplanMeier, t: number): number {
  let s = 1
  for (let j = 0; j < km.times.length && km.times[j]! <= t; j++) s = km.survival[j]!
  return s
}

/**
 * Smallest event time at which S(t) <= 1 − q (e.g. q = 0.5: median time to event); null when the
 * curve never falls that far (too much censoring to know).
 * @throws UsageError unless 0 < q < 1.
 */
export function survivalQuantile(km: KaplanMeier, q: number): number | null {
  return survivalCrossing(km, q)?.time ?? null
}

/**
 * The event time at which S(t) first falls to 1 − q, with the number still at risk just before
 * it; null when the curve never falls that far. A crossing made by the last few at risk is one or
 * two customers' times, not the group's: callers decide how many at risk a quantile needs.
 * @example survivalCrossing(km, 0.75) // { time: 882, atRisk: 1 }
 * @throws UsageError unless 0 < q < 1.
 */
export function survivalCrossing(
  km: KaplanMeier,
  q: number,
): { readonly time: number; readonly atRisk: number } | null {
  if (!(q > 0 && q < 1)) throw new UsageError('quantile must be above 0 and below 1', { q })
  for (let j = 0; j < km.times.length; j++)
    if (km.survival[j]! <= 1 - q + 1e-12) return { time: km.times[j]!, atRisk: km.atRisk[j]! }
  return null
}

/** Summary of time to an event (e.g. days from first to second purchase) with censoring. */
export interface TimeToEventSummary {
  readonly n: number
  readonly events: number
  readonly censored: number
  readonly quantiles: readonly number[]
  /** Quantiles of the observed times only: biased low when many are censored. */
  readonly observedQuantiles: readonly (number | null)[]
  /** Kaplan-Meier quantiles, which account for censoring; null where not reached. */
  readonly kaplanMeierQuantiles: readonly (number | null)[]
  /** Share with the event within each horizon, 1 − S(h), from Kaplan-Meier. */
  readonly within: readonly { readonly horizon: number; readonly share: number }[]
}

/**
 * Time-to-second-purchase style summary: counts, naive quantiles of observed times (linear
 * interpolation, type 7), censoring-aware Kaplan-Meier quantiles, and 1 − S(h) for given horizons.
 * @throws as {@link kaplanMeier}.
 */
export function timeToEventSummary(
  times: Float64Array,
  events: Uint8Array,
  options: { readonly quantiles?: readonly number[]; readonly horizons?: readonly number[] } = {},
): TimeToEventSummary {
  const km = kaplanMeier(times, events)
  const quantiles = options.quantiles ?? [0.25, 0.5, 0.75, 0.9]
  let m = 0
  for (let i = 0; i < events.length; i++) m += events[i] ? 1 : 0
  const obs = new Float64Array(m)
  for (let i = 0, j = 0; i < events.length; i++) if (events[i]) obs[j++] = times[i]!
  obs.sort()
  const observedQuantiles = quantiles.map((q) => {
    if (m === 0) return null
    const h = (m - 1) * q
    const lo = Math.floor(h)
    const hi = Math.min(m - 1, lo + 1)
    return obs[lo]! + (h - lo) * (obs[hi]! - obs[lo]!)
  })
  return {
    n: times.length,
    events: m,
    censored: times.length - m,
    quantiles,
    observedQuantiles,
    kaplanMeierQuantiles: quantiles.map((q) => survivalQuantile(km, q)),
    within: (options.horizons ?? [30, 90, 180, 365]).map((h) => ({
      horizon: h,
      share: 1 - survivalAt(km, h),
    })),
  }
}
