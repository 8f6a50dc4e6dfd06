// Holdout validation and model choice, pure: predictions and actuals in, metrics and a verdict in
// plain words out. Degenerate data gets a message and a historical-rate baseline, never NaN.

import { DataError } from '../errors.ts'
import { wordList } from './words.ts'

/**
 * DataError unless the columns have one length and every value is a finite number, >= 0 where
 * `nonNegative` says so: a NaN or a length mismatch came back as NaN metrics or predictions.
 */
function checkColumns(
  fn: string,
  columns: Readonly<Record<string, ArrayLike<number>>>,
  nonNegative: readonly string[],
): number {
  const names = Object.keys(columns)
  for (const k of names) {
    const c: unknown = columns[k]
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof (c as { length?: unknown }).length !== 'number'
    ) {
      throw new DataError(
        `${fn}: ${k} must be an array of numbers (got ${c === null ? 'null' : typeof c})`,
      )
    }
  }
  const n = columns[names[0] as string]!.length
  for (const k of names) {
    const c = columns[k]!
    if (c.length !== n) {
      throw new DataError(
        `${fn}: ${wordList(names)} must have the same length (got ${names.map((m) => columns[m]!.length).join(', ')})`,
      )
    }
    const min = nonNegative.includes(k) ? 0 : Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      const v = c[i]!
      // a string ('1', read from a file) would be joined, not added
      if (!(typeof v === 'number' && v >= min && v < Number.POSITIVE_INFINITY)) {
        throw new DataError(
          `${fn}: ${k}[${i}] must be a finite number${min === 0 ? ' >= 0' : ''} (got ${v})`,
          { field: k, row: i },
        )
      }
    }
  }
  return n
}

/** Calibration frequencies are bucketed 0, 1, ..., 6 and "7+" (the FHL 2005 figure). */
export const FREQUENCY_BUCKETS = 8

export interface FrequencyBucket {
  /** '0' .. '6', '7+' */
  readonly frequency: string
  readonly customers: number
  /** Mean predicted / actual holdout purchases per customer in the bucket (null when empty). */
  readonly predicted: number | null
  readonly actual: number | null
}

export interface HoldoutMetrics {
  readonly customers: number
  /** Mean absolute error per customer. */
  readonly mae: number
  /** Root mean squared error per customer. */
  readonly rmse: number
  readonly totalPredicted: number
  readonly totalActual: number
  /** (predicted - actual) / actual; null when there was no actual purchase to compare with. */
  readonly relativeError: number | null
  readonly byFrequency: readonly FrequencyBucket[]
}

/**
 * Per-customer holdout errors, totals and predicted vs actual by calibration frequency.
 * @example holdoutMetrics([0.2, 1.5], [0, 2], [0, 3]).mae // 0.35
 */
export function holdoutMetrics(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  calibrationX: ArrayLike<number>,
): HoldoutMetrics {
  const n = checkColumns('holdoutMetrics', { predicted, actual, calibrationX }, [
    'predicted',
    'actual',
    'calibrationX',
  ])
  let ae = 0
  let se = 0
  let tp = 0
  let ta = 0
  const cnt = new Float64Array(FREQUENCY_BUCKETS)
  const sp = new Float64Array(FREQUENCY_BUCKETS)
  const sa = new Float64Array(FREQUENCY_BUCKETS)
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!
    const a = actual[i]!
    const d = p - a
    ae += Math.abs(d)
    se += d * d
    tp += p
    ta += a
    const b = Math.min(Math.max(Math.floor(calibrationX[i]!), 0), FREQUENCY_BUCKETS - 1)
    cnt[b]!++
    sp[b]! += p
    sa[b]! += a
  }
  const byFrequency: FrequencyBucket[] = []
  for (let b = 0; b < FREQUENCY_BUCKETS; b++) {
    const c = cnt[b]!
    byFrequency.push({
      frequency: b === FREQUENCY_BUCKETS - 1 ? `${b}+` : String(b),
      customers: c,
      predicted: c > 0 ? sp[b]! / c : null,
      actual: c > 0 ? sa[b]! / c : null,
    })
  }
  return {
    customers: n,
    mae: n > 0 ? ae / n : 0,
    rmse: n > 0 ? Math.sqrt(se / n) : 0,
    totalPredicted: tp,
    totalActual: ta,
    relativeError: relativeError(tp, ta),
    byFrequency,
  }
}

/** (predicted - actual) / actual, or null without an actual purchase (no ratio to a zero). */
export function relativeError(predicted: number, actual: number): number | null {
  return actual > 0 ? (predicted - actual) / actual : null
}

export interface TrackingPoint {
  /** Period index 1..periods from the cohort start (e.g. week). */
  readonly period: number
  readonly predicted: number
  readonly actual: number | null
}

/**
 * Cohort cumulative repeat-purchase tracking curve: predicted at period w is
 * Σ_i E[X(w - birth_i)] over customers born before w, from a model's E[X(t)] for a new customer;
 * births (in periods from the cohort start) are grouped, so the cost is periods × distinct births.
 * `actualCumulative[w-1]` is the observed cumulative count at the end of period w (may be shorter).
 * @example trackingCurve((t) => 0.1 * t, [0, 0, 1], 3, [0, 1, 1])
 */
export function trackingCurve(
  expectedNew: (t: number) => number,
  births: ArrayLike<number>,
  periods: number,
  actualCumulative: ArrayLike<number> = [],
): TrackingPoint[] {
  // as every model function: a NaN birth was no customer and a NaN E[X(t)] a curve of NaN, silently
  // (a birth a hair below 0, 272/7 - T in floating point, is a customer of the first period)
  checkColumns('trackingCurve', { births }, [])
  checkColumns('trackingCurve', { actualCumulative }, ['actualCumulative'])
  if (!(Number.isInteger(periods) && periods >= 0)) {
    throw new DataError(
      `trackingCurve: periods must be a whole number >= 0 (got ${String(periods)})`,
    )
  }
  const groups = new Map<number, number>()
  for (let i = 0; i < births.length; i++) {
    const b = births[i]!
    groups.set(b, (groups.get(b) ?? 0) + 1)
  }
  const bs = [...groups.keys()]
  const ws = bs.map((b) => groups.get(b)!)
  const out: TrackingPoint[] = []
  for (let w = 1; w <= periods; w++) {
    let s = 0
    for (let j = 0; j < bs.length; j++) {
      const t = w - bs[j]!
      if (t <= 0) continue
      const e = expectedNew(t)
      if (!(e >= 0 && e < Number.POSITIVE_INFINITY)) {
        throw new DataError(
          `trackingCurve: expectedNew(${t}) must be a finite number >= 0 of expected purchases (got ${String(e)})`,
        )
      }
      s += ws[j]! * e
    }
    out.push({
      period: w,
      predicted: s,
      actual: w - 1 < actualCumulative.length ? actualCumulative[w - 1]! : null,
    })
  }
  return out
}

/** AIC = 2k - 2 LL, BIC = k ln n - 2 LL. */
export function informationCriteria(
  logLikelihood: number,
  parameters: number,
  customers: number,
): { aic: number; bic: number } {
  if (!Number.isFinite(logLikelihood) || !(parameters >= 0) || !(customers >= 0)) {
    throw new DataError(
      `informationCriteria: need a finite log-likelihood and parameters and customers >= 0 (got ${logLikelihood}, ${parameters}, ${customers})`,
    )
  }
  return {
    aic: 2 * parameters - 2 * logLikelihood,
    bic: parameters * Math.log(Math.max(customers, 1)) - 2 * logLikelihood,
  }
}

export interface Candidate {
  /** Display name, e.g. 'BG/NBD'. */
  readonly name: string
  readonly metrics: HoldoutMetrics
  readonly bic?: number
}

export interface ModelChoice {
  readonly best: string
  /** One or two sentences a merchant can read. */
  readonly reason: string
  /** Candidates ordered best first. */
  readonly ranking: readonly string[]
}

/** Holdout errors (RMSE) within this relative distance count as a tie, decided by BIC. */
export const ERROR_TIE = 0.005
/** BICs closer than this do not separate RMSE-tied models: their holdout totals decide. */
export const BIC_TIE = 2

const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : String(v))
const pct = (v: number | null): string => {
  if (v === null) return 'n/a'
  const p = 100 * v
  // a total within 0.05 % of the actual one keeps two digits: "-0.0 %" read as no error at all
  const text = p !== 0 && Math.abs(p) < 0.05 ? p.toPrecision(2) : p.toFixed(1)
  return `${p >= 0 ? '+' : ''}${text} %`
}
/** A whole count with thousands separators, as the rest of the output writes counts. */
const whole = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : String(v)

/** Decimals (3 to 8) at which values that differ are written differently. */
function digitsToTell(values: readonly number[]): number {
  const distinct = [...new Set(values)]
  for (let d = 3; d < 8; d++) {
    if (new Set(distinct.map((v) => v.toFixed(d))).size === distinct.length) return d
  }
  return 8
}

/**
 * Pick the candidate that predicts the holdout best. The criterion is the per-customer root mean
 * squared error: every model predicts each customer's expected (mean) number of purchases, and
 * squared error is the loss the mean minimizes. Absolute error is minimized by the median, which
 * for skewed purchase counts lies below the mean, so it rewards models that predict too few
 * purchases (CDNOW at 1997-05-31: Pareto/NBD has the lowest MAE while predicting 1,395 holdout
 * purchases against 2,889 actual). The lowest RMSE sets the bar; every candidate within 0.5 % of
 * it ties with it, and among the tied the lower BIC wins (no BIC counts as the highest); BICs
 * within 2 of the lowest do not separate them, and among those the holdout total closest to the
 * actual wins (then the lower RMSE, then the name). The tie is judged against the lowest RMSE only, so the choice does
 * not depend on the candidates' order (pairwise ties chain: 1.000, 1.004 and 1.008 are not all one
 * tie). A candidate whose RMSE is not a finite number never wins. Returns the reason in plain
 * words.
 * @throws DataError when there are no candidates, or none has a finite RMSE.
 */
export function chooseModel(candidates: readonly Candidate[]): ModelChoice {
  if (candidates.length === 0) throw new DataError('chooseModel needs at least one candidate')
  const valid = candidates.filter((c) => Number.isFinite(c.metrics.rmse))
  const invalid = candidates.filter((c) => !Number.isFinite(c.metrics.rmse))
  if (valid.length === 0) {
    throw new DataError(
      `chooseModel needs a candidate with a finite root mean squared error (${candidates.map((c) => `${c.name} ${c.metrics.rmse}`).join(', ')})`,
    )
  }
  const bic = (c: Candidate) =>
    c.bic !== undefined && Number.isFinite(c.bic) ? c.bic : Number.POSITIVE_INFINITY
  const name = (a: Candidate, b: Candidate) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  const byError = (a: Candidate, b: Candidate) =>
    a.metrics.rmse - b.metrics.rmse || bic(a) - bic(b) || name(a, b)
  const byBic = (a: Candidate, b: Candidate) =>
    bic(a) - bic(b) || a.metrics.rmse - b.metrics.rmse || name(a, b)
  const lowest = [...valid].sort(byError)[0]!
  const bar = lowest.metrics.rmse
  const limit = bar + ERROR_TIE * Math.max(bar, 1e-12)
  const rmseTied = valid.filter((c) => c.metrics.rmse <= limit).sort(byBic)
  // BICs within 2 of the lowest do not separate the tied either (a gap below 2 is "not worth
  // more than a bare mention", Kass & Raftery 1995; CDNOW: 0.59 between MBG/NBD and BG/NBD,
  // whose holdout totals were 16.2 % and 12.1 % short): the holdout total decides among them
  const bicBar = bic(rmseTied[0]!)
  const totalOff = (c: Candidate) =>
    c.metrics.relativeError === null ? Number.POSITIVE_INFINITY : Math.abs(c.metrics.relativeError)
  const byTotal = (a: Candidate, b: Candidate) =>
    totalOff(a) - totalOff(b) || a.metrics.rmse - b.metrics.rmse || name(a, b)
  const bicTied = rmseTied
    .filter((c) => bic(c) === bicBar || bic(c) - bicBar < BIC_TIE)
    .sort(byTotal)
  const tied = [...bicTied, ...rmseTied.filter((c) => !bicTied.includes(c))]
  const rest = valid.filter((c) => c.metrics.rmse > limit).sort(byError)
  const best = tied[0]!
  const ranking = [...tied, ...rest, ...[...invalid].sort(name)].map((c) => c.name)
  const m = best.metrics
  // "it" right after the chosen model's name; named after a clause about other models
  const totals = (who = 'it') =>
    `${who} predicts ${whole(m.totalPredicted)} holdout purchases against ${whole(m.totalActual)} actual (${pct(m.relativeError)})`
  const bicText = (c: Candidate) => (bic(c) < Infinity ? fmt(bic(c), 1) : 'no BIC')
  // as many decimals as tell the errors apart (0.003426 and 0.003465 would both read 0.003)
  const digits = digitsToTell(valid.map((c) => c.metrics.rmse))
  const err = (v: number) => fmt(v, digits)
  const errOf = (cs: readonly Candidate[]) =>
    wordList(cs.map((c) => `${err(c.metrics.rmse)} for ${c.name}`))
  // the tied models a BIC 2 or more above the lowest sets apart
  const bicOut = (out: readonly Candidate[]) =>
    out.length === 0
      ? ''
      : `; ${wordList(out.map((c) => `${c.name}'s ${bicText(c)}`))} ${out.length === 1 ? 'is' : 'are'} 2 or more above`
  const leftOut = invalid.length
    ? ` ${wordList(invalid.map((c) => c.name))} ${invalid.length === 1 ? 'was' : 'were'} left out: ${invalid.length === 1 ? 'its' : 'their'} holdout root mean squared error is not a finite number.`
    : ''
  const behind = rest.length ? `; further behind: root mean squared error ${errOf(rest)}` : ''
  let reason: string
  if (valid.length === 1) {
    reason = `${best.name} is the only model ${invalid.length ? 'with a finite holdout error' : 'fitted'}: root mean squared error ${err(m.rmse)} purchases per customer; ${totals()}.`
  } else if (tied.length === 1) {
    reason = `${best.name} predicts the holdout best: root mean squared error ${err(m.rmse)} purchases per customer vs ${errOf(rest)}; ${totals()}.`
  } else {
    // the others in the tie, the lowest error first: the winner is compared with the best predictor
    const others = tied.slice(1).sort(byError)
    const two = others.length === 1
    const vs = (f: (c: Candidate) => string) =>
      two ? f(others[0]!) : wordList(others.map((c) => `${f(c)} for ${c.name}`))
    const within = best === lowest ? 'within 0.5 %' : `within 0.5 % of the lowest (${lowest.name})`
    const errors = `root mean squared error per customer ${err(m.rmse)} vs ${vs((c) => err(c.metrics.rmse))}, ${within}`
    const byBicAlone = bicTied.length === 1
    const totalsDiffer = bicTied.some((c) => totalOff(c) !== totalOff(best))
    const decided = byBicAlone
      ? `${best.name} has the ${two ? 'lower' : 'lowest'} BIC (${bicText(best)} vs ${vs(bicText)}): it fits the calibration data better for its number of parameters`
      : `BIC does not separate ${bicTied.length === tied.length ? 'them' : wordList(bicTied.map((c) => c.name))} (${bicText(best)} vs ${wordList(bicTied.slice(1).map((c) => (bicTied.length === 2 ? bicText(c) : `${bicText(c)} for ${c.name}`)))}${bicBar < Infinity ? ', within 2' : ''}${bicOut(tied.slice(bicTied.length))}), so ${
          totalsDiffer
            ? `the holdout total decides: ${pct(m.relativeError)} against ${wordList(bicTied.slice(1).map((c) => `${pct(c.metrics.relativeError)} for ${c.name}`))}`
            : 'the lower root mean squared error decides'
        }`
    reason = `${wordList([best, ...others].map((c) => c.name))} predict the holdout equally well (${errors}), and ${decided}${behind}; ${totals(rest.length ? best.name : 'it')}.`
  }
  return { best: best.name, reason: reason + leftOut, ranking }
}

/** Fewer repeat buyers than this: the models are not trusted and the baseline is used. */
export const MIN_REPEATERS = 20

export interface DataAdequacy {
  readonly customers: number
  readonly repeaters: number
  readonly adequate: boolean
  /** Why the data cannot support the models (null when adequate). */
  readonly message: string | null
}

/** Is there enough repeat behaviour to fit a buy-till-you-die model? */
export function assessHistories(x: ArrayLike<number>, weight?: ArrayLike<number>): DataAdequacy {
  let customers = 0
  let repeaters = 0
  for (let i = 0; i < x.length; i++) {
    const w = weight ? weight[i]! : 1
    customers += w
    if (x[i]! > 0) repeaters += w
  }
  const message = inadequacy(customers, repeaters)
  return { customers, repeaters, adequate: message === null, message }
}

/** The message of assessHistories: a sentence (a report shows it alone, in a table cell). */
function inadequacy(customers: number, repeaters: number): string | null {
  const noun = customers === 1 ? 'customer' : 'customers'
  // counts as every other count the CLI prints them ("1,000,000 customers")
  const count = (n: number) => n.toLocaleString('en-US')
  if (customers === 0) return 'There are no customers to model'
  if (repeaters === 0) {
    const who =
      customers === 1 ? 'The one customer has not' : `None of the ${count(customers)} customers has`
    // purchases are days: two orders on one day are one purchase (docs/summary.md)
    return `${who} bought on more than one day, so there is no repeat behaviour to model; predictions fall back to zero repeat purchases`
  }
  if (repeaters >= MIN_REPEATERS) return null
  return `Only ${count(repeaters)} of ${count(customers)} ${noun} bought more than once (at least ${MIN_REPEATERS} are needed for a reliable model); predictions use each customer's historical purchase rate, shrunk toward the average`
}

/**
 * Historical-rate baseline: each customer's repeat rate (x_i + k ρ)/(T_i + k), with ρ = Σx/ΣT the
 * pooled rate and k = mean T the shrinkage weight (one average history), times the horizon.
 * Finite for T = 0 and all-zero data (then 0).
 */
export function baselinePredictions(
  x: ArrayLike<number>,
  T: ArrayLike<number>,
  horizon: number,
): Float64Array {
  const n = checkColumns('baselinePredictions', { x, T }, ['x', 'T'])
  if (!(horizon >= 0 && horizon < Number.POSITIVE_INFINITY)) {
    throw new DataError(
      `baselinePredictions: horizon must be a finite number >= 0 (got ${horizon})`,
    )
  }
  let sx = 0
  let sT = 0
  for (let i = 0; i < n; i++) {
    sx += x[i]!
    sT += T[i]!
  }
  const k = n > 0 && sT > 0 ? sT / n : 1
  const rho = sT > 0 ? sx / sT : 0
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = (horizon * (x[i]! + k * rho)) / (T[i]! + k)
  return out
}
