// Predictions inside `analyze`: the engine compresses customers to distinct histories, JS fits the
// models and scores each distinct history once (typed arrays), and the scores go back to the engine
// (appender) to be joined onto every customer there. Model choice: holdout accuracy when orders
// after the as-of date exist, else BIC; the NBD when no dropout model finds dropout; degenerate data
// gets the historical-rate baseline.

import { addDays } from '../core/calendar.ts'
import {
  type ClvModel,
  discountedSteps,
  discountRatePerUnit,
  discountRateProblem,
  marginProblem,
  scoreClv,
  unitsPerYear,
} from '../core/clv.ts'
import * as bgnbd from '../core/models/bgnbd.ts'
import { fitLimit, indexHistories, indexPairs, NBD_ADVICE } from '../core/models/common.ts'
import { fitGammaGamma, type GammaGammaFit } from '../core/models/gamma-gamma.ts'
import * as mbgnbd from '../core/models/mbgnbd.ts'
import * as nbd from '../core/models/nbd.ts'
import * as pareto from '../core/models/pareto-nbd.ts'
import type { FitResult, Histories } from '../core/models/types.ts'
import {
  assessHistories,
  type Candidate,
  chooseModel,
  FREQUENCY_BUCKETS,
  type HoldoutMetrics,
  MIN_REPEATERS,
  relativeError,
} from '../core/validation.ts'
import { wordList } from '../core/words.ts'
import type { Engine } from '../data/engine.ts'
import { readNumericColumns, writeNumericTable } from '../data/numeric-columns.ts'
import { lastOrderDate } from '../data/queries/last-order-date.ts'
import {
  predictionHistories,
  spendFacts,
  spendHistories,
} from '../data/queries/prediction-inputs.ts'
import {
  pAliveHistogram,
  predictionJoin,
  predictionTotals,
  type SpendRule,
  topPredicted,
} from '../data/queries/prediction-join.ts'
import {
  refundRows,
  type TrackingArgs,
  trackingActual,
  trackingActualNoRefunds,
  trackingBirths,
} from '../data/queries/prediction-tracking.ts'
import { ConvergenceError, DataError, LoyalsError, UsageError } from '../errors.ts'
import { formatCount, formatMoney } from '../report/format.ts'
import type { QualityNote } from './analysis-summary.ts'
import type {
  PredictionCandidate,
  PredictionModelKey,
  PredictionSummary,
  SpendPrediction,
  TrackingPointSummary,
} from './prediction-summary.ts'
import { type CustomerSummaryInfo, type TimeUnit, UNIT_DAYS } from './summary.ts'

export const PREDICTION_TABLE = 'customer_predictions'
const SCORES_TABLE = 'prediction_scores'

/** Default horizon: one year in the model's unit. */
export const DEFAULT_HORIZON: Readonly<Record<'day' | 'week' | 'month', number>> = {
  day: 365,
  week: 52,
  month: 12,
}
export const DEFAULT_DISCOUNT_RATE = 0.1

/**
 * The longest horizon, in years: every customer's forecast is summed over the horizon's weekly
 * steps, so the time grows with it (100 years of days took minutes); discounted at 10 %, value
 * beyond ten years adds little.
 */
export const MAX_HORIZON_YEARS = 10

/** The longest horizon in `unit`s: 3653 days, 522 weeks or 120 months. */
export const maxHorizon = (unit: TimeUnit): number =>
  Math.ceil((MAX_HORIZON_YEARS * 365.25) / UNIT_DAYS[unit])

/** A next-purchase date is given only when a purchase within this many years is plausible. */
export const NEXT_PURCHASE_YEARS = 5
/** ... i.e. when P(a purchase within NEXT_PURCHASE_YEARS) is at least this. */
export const MIN_NEXT_PURCHASE_PROBABILITY = 0.01

export interface PredictOptions {
  /**
   * Horizon of expected purchases and value, in the summary's unit: more than 0 and at most
   * {@link MAX_HORIZON_YEARS} years (522 weeks, 3653 days, 120 months). Default one year.
   */
  readonly horizon?: number
  /** Annual discount rate, a share from 0 to 1 (default 0.10: 10 % a year). */
  readonly annualDiscountRate?: number
  /**
   * Share of spend that is profit, from 0 to 1; default: margin / revenue when the data has
   * margin, else 1.
   */
  readonly margin?: number
  /** Orders table (default `orders`). */
  readonly source?: string
  /** How many top customers by predicted value to list (default 20). */
  readonly topCustomers?: number
  /** Called after each internal stage with its wall time (benchmarks). */
  readonly onStage?: (stage: string, ms: number) => void
  /**
   * Issues engine work that needs nothing from the predictions (analyze: the revenue ranking);
   * called as the model fits start, so the engine runs it on its threads while the fits run in
   * JavaScript. The caller awaits what it issued.
   */
  readonly alongside?: () => void
}

/**
 * UsageError unless the prediction options are ones analyze can use: one check for the library
 * (computeAnalysis, buildPredictions) and the CLI (whose flags reach it). A horizon more than 0
 * and at most {@link maxHorizon} units; a discount rate and a margin from 0 to 1. The messages
 * name the option and its flag (`margin (--margin)`): a library caller set the one, a CLI user
 * the other.
 * @example checkPredictOptions({ horizon: 5000 }, 'week') // throws: at most 522 weeks (10 years)
 */
export function checkPredictOptions(opts: PredictOptions, unit: TimeUnit): void {
  // from JavaScript a number may come as text ('52' from a form or a query string): '52' passed the
  // range checks below by coercion and failed in the engine as a conversion error
  for (const [name, flag] of [
    ['horizon', '--horizon'],
    ['annualDiscountRate', '--discount-rate'],
    ['margin', '--margin'],
  ] as const) {
    const v: unknown = opts[name]
    if (v !== undefined && typeof v !== 'number') {
      throw new UsageError(
        `${name} (${flag}) must be a number (got ${JSON.stringify(v) ?? String(v)}, ${v === null ? 'null' : typeof v})`,
      )
    }
  }
  // an unknown unit is refused where the summary is built, in its own words
  if (Object.hasOwn(UNIT_DAYS, unit)) {
    const horizon = opts.horizon ?? DEFAULT_HORIZON[unit]
    const most = maxHorizon(unit)
    if (!(horizon > 0 && horizon <= most)) {
      throw new UsageError(
        `horizon (--horizon) must be more than 0 and at most ${most} ${unit}s (${MAX_HORIZON_YEARS} years), got ${horizon}`,
      )
    }
  }
  // the rules scoreClv holds its options to (core/clv.ts): a rate above 1 is over 100 % a year,
  // most likely a percentage typed as a number (10 for 10 %), and refused as scoreClv refuses it
  const rateProblem = discountRateProblem(opts.annualDiscountRate ?? DEFAULT_DISCOUNT_RATE)
  if (rateProblem) throw new UsageError(`annualDiscountRate (--discount-rate) ${rateProblem}`)
  const marginOption = opts.margin === undefined ? null : marginProblem(opts.margin)
  if (marginOption) throw new UsageError(`margin (--margin) ${marginOption}`)
}

type ModelKey = Exclude<PredictionModelKey, 'baseline'>

interface ModelDef {
  readonly key: ModelKey
  readonly name: string
  fit(h: Histories): FitResult<Record<string, number>>
}

const MODELS: readonly ModelDef[] = [
  { key: 'bgnbd', name: 'BG/NBD', fit: (h) => bgnbd.fit(h) },
  { key: 'mbgnbd', name: 'MBG/NBD', fit: (h) => mbgnbd.fit(h) },
  { key: 'pareto', name: 'Pareto/NBD', fit: (h) => pareto.fit(h) },
]

/**
 * A dropout model's failure at its no-dropout limit while another dropout model fitted: the
 * library's advice to one who fitted it alone ("the NBD is the model for these data") stood
 * beside a choice of BG/NBD. The NBD takes their place only when every dropout model reaches
 * that limit, and the note says so.
 */
function usedInstead(message: string, fitted: readonly Fitted[]): string {
  const names = wordList(fitted.map((f) => f.def.name))
  const instead = `${names} did fit and ${fitted.length === 1 ? 'is' : 'are'} used instead (the NBD takes the dropout models' place only when every one of them runs to this limit)`
  return message.replace(
    new RegExp(`(; the NBD \\(no dropout\\)|: the NBD, without dropout,)${NBD_ADVICE}`),
    (_m, lead: string) => `${lead.startsWith(';') ? ';' : ':'} ${instead}`,
  )
}

/**
 * The no-dropout limit of the three (nbd.fitNoDropout: the NBD, or its Poisson limit when rates do
 * not differ), fitted only when every dropout model ran to that limit.
 */
const NO_DROPOUT: ModelDef = {
  key: 'nbd',
  name: 'NBD (no dropout)',
  fit: (h) => {
    const nd = nbd.fitNoDropout(h)
    if (nd.fit) return nd.fit
    // Poisson: one free parameter (the shared rate); no standard errors at the limit
    const ll = nbd.logLikelihood(nd.params, h)
    const nan = { r: Number.NaN, alpha: Number.NaN }
    return {
      model: 'poisson',
      params: nd.params,
      standardErrors: nan,
      confidenceIntervals: { r: [Number.NaN, Number.NaN], alpha: [Number.NaN, Number.NaN] },
      logLikelihood: ll,
      customers: h.customers,
      iterations: 0,
      aic: 2 - 2 * ll,
      bic: Math.log(h.customers) - 2 * ll,
      converged: true,
    }
  },
}

const BASELINE_NAME = 'Historical rate'

/**
 * A forecast horizon more than this many times the longest history is flagged: CDNOW's 39
 * calibration weeks forecast a 52-week year without a note, three days of orders forecasting a
 * year (an analyst's test file) get one.
 */
const EXTRAPOLATION_LIMIT = 4

/** Distinct histories plus the (history, x_star) rows they came from, all typed arrays. */
interface HistoryRows {
  readonly h: Histories
  /** Row → distinct history index. */
  readonly rowHist: Int32Array
  readonly rowX: Float64Array
  readonly rowXStar: Float64Array
  readonly rowW: Float64Array
}

/** Rows arrive sorted by (x, t_x, T, x_star): equal histories are adjacent, one linear pass. */
function compressSorted(
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
  xs: Float64Array,
  w: Float64Array,
): HistoryRows {
  const n = x.length
  const rowHist = new Int32Array(n)
  const hx = new Float64Array(n)
  const htx = new Float64Array(n)
  const hT = new Float64Array(n)
  const hw = new Float64Array(n)
  let m = -1
  let total = 0
  for (let i = 0; i < n; i++) {
    if (m < 0 || x[i] !== hx[m] || tx[i] !== htx[m] || T[i] !== hT[m]) {
      m++
      hx[m] = x[i]!
      htx[m] = tx[i]!
      hT[m] = T[i]!
    }
    hw[m]! += w[i]!
    total += w[i]!
    rowHist[i] = m
  }
  m++
  return {
    h: {
      x: hx.slice(0, m),
      tx: htx.slice(0, m),
      T: hT.slice(0, m),
      weight: hw.slice(0, m),
      customers: total,
    },
    rowHist,
    rowX: x,
    rowXStar: xs,
    rowW: w,
  }
}

/** Points to score where only x and T matter (the NBD and the baseline ignore t_x). */
interface XTPoints {
  readonly x: Float64Array
  readonly T: Float64Array
}

/**
 * The distinct (x, T) of the histories, from the pair index the fits already built (indexPairs
 * is cached per Histories): a customer's NBD or baseline scores depend on these two alone, so
 * scoring, writing and joining them is work per pair (a few thousand) instead of per history.
 */
function distinctXT(h: Histories): XTPoints {
  const ix = indexHistories(h)
  const { pairX, pairT, pT } = indexPairs(ix)
  const used = new Uint8Array(pairX.length)
  for (let i = 0; i < pT.length; i++) used[pT[i]!] = 1
  let m = 0
  for (let q = 0; q < used.length; q++) m += used[q]!
  const x = new Float64Array(m)
  const T = new Float64Array(m)
  for (let q = 0, k = 0; q < used.length; q++) {
    if (!used[q]) continue
    x[k] = ix.xs[pairX[q]!]!
    T[k] = ix.ts[pairT[q]!]!
    k++
  }
  return { x, T }
}

/**
 * Weighted per-customer holdout errors from per-history predictions: the same figures as
 * validation.holdoutMetrics over the expanded customers, without expanding them.
 */
export function weightedHoldoutMetrics(rows: HistoryRows, predicted: Float64Array): HoldoutMetrics {
  const { rowHist, rowX, rowXStar, rowW } = rows
  let ae = 0
  let se = 0
  let tp = 0
  let ta = 0
  let n = 0
  const cnt = new Float64Array(FREQUENCY_BUCKETS)
  const sp = new Float64Array(FREQUENCY_BUCKETS)
  const sa = new Float64Array(FREQUENCY_BUCKETS)
  for (let i = 0; i < rowHist.length; i++) {
    const p = predicted[rowHist[i]!]!
    const a = rowXStar[i]!
    const w = rowW[i]!
    const d = p - a
    ae += w * Math.abs(d)
    se += w * d * d
    tp += w * p
    ta += w * a
    n += w
    const b = Math.min(Math.max(Math.floor(rowX[i]!), 0), FREQUENCY_BUCKETS - 1)
    cnt[b]! += w
    sp[b]! += w * p
    sa[b]! += w * a
  }
  const byFrequency = Array.from({ length: FREQUENCY_BUCKETS }, (_, b) => ({
    frequency: b === FREQUENCY_BUCKETS - 1 ? `${b}+` : String(b),
    customers: cnt[b]!,
    predicted: cnt[b]! > 0 ? sp[b]! / cnt[b]! : null,
    actual: cnt[b]! > 0 ? sa[b]! / cnt[b]! : null,
  }))
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

interface Fitted {
  readonly def: ModelDef
  readonly fit: FitResult<Record<string, number>>
}

const clvModel = (key: 'bgnbd' | 'mbgnbd' | 'pareto', params: Record<string, number>): ClvModel =>
  key === 'pareto'
    ? { model: 'pareto', params: params as pareto.ParetoParams }
    : { model: key, params: params as bgnbd.BgParams }

/** Expected holdout purchases per distinct history over `t` units. */
function expectedOver(f: Fitted, h: Histories, t: number): Float64Array {
  if (f.def.key === 'nbd') {
    const p = f.fit.params as nbd.NbdParams
    return h.x.map((x, i) => (t * (p.r + x)) / (p.alpha + h.T[i]!))
  }
  if (f.def.key === 'pareto')
    return pareto.scoreAll(f.fit.params as pareto.ParetoParams, h, t).expected
  const mod = f.def.key === 'bgnbd' ? bgnbd : mbgnbd
  return mod.scoreAll(f.fit.params as bgnbd.BgParams, h, t).expected
}

function expectedNewFn(f: Fitted): (t: number) => number {
  if (f.def.key === 'nbd') {
    const p = f.fit.params as nbd.NbdParams
    return (t) => nbd.expectedPurchasesNew(p, t)
  }
  if (f.def.key === 'pareto') {
    const p = f.fit.params as pareto.ParetoParams
    return (t) => pareto.expectedPurchasesNew(p, t)
  }
  const mod = f.def.key === 'bgnbd' ? bgnbd : mbgnbd
  const p = f.fit.params as bgnbd.BgParams
  return (t) => mod.expectedPurchasesNew(p, t)
}

/**
 * BG/NBD lets a customer drop out only right after a repeat purchase, so every customer without
 * one has P(alive) = 1, however long ago their only purchase: said when some bought once over a
 * year ago (QA: 566 grocery customers, lapsed 400 days and more, P(alive) 100 % beside the RFM
 * segment Lost). Their expected purchases still fall with that time; MBG/NBD and Pareto/NBD let
 * them drop out too.
 */
function oneTimeAliveNote(h: Histories, perYear: number): QualityNote | null {
  let once = 0
  let lapsed = 0
  for (let i = 0; i < h.x.length; i++) {
    if (h.x[i] !== 0) continue
    once += h.weight[i]!
    if (h.T[i]! > perYear) lapsed += h.weight[i]!
  }
  if (lapsed === 0) return null
  const n = (k: number) => Math.round(k).toLocaleString('en-US')
  return {
    level: 'info',
    message: `BG/NBD, the model chosen, counts every customer without a repeat purchase as alive (P(alive) = 1 for all ${n(once)} of them, ${lapsed === once ? 'each' : n(lapsed)} of whom bought their one time more than a year ago): in BG/NBD a customer can drop out only after a repeat purchase. Their expected purchases still fall the longer ago that purchase was; MBG/NBD and Pareto/NBD let one-time buyers drop out too.`,
  }
}

/** Per-history forward scores of the chosen model (or baseline). NaN next_units = no date. */
interface Scores {
  readonly pAlive: Float64Array
  readonly expected: Float64Array
  readonly det: Float64Array
  readonly pAny: Float64Array
  readonly nextUnits: Float64Array
}

/** Scores per history of `h`; the NBD's per (x, T) point of `points` (distinctXT, or `h`). */
function modelScores(
  f: Fitted,
  h: Histories,
  points: XTPoints,
  horizon: number,
  rate: number,
  perYear: number,
  step: number,
): Scores {
  if (f.def.key === 'nbd')
    return noDropoutScores(f.fit.params as nbd.NbdParams, points, horizon, rate, perYear, step)
  const clv = scoreClv(clvModel(f.def.key, f.fit.params), h, 1, {
    horizon,
    annualDiscountRate: rate,
    unitsPerYear: perYear,
    step,
  })
  const n = h.x.length
  const pAny = new Float64Array(n)
  const nextUnits = new Float64Array(n)
  const far = NEXT_PURCHASE_YEARS * perYear
  if (f.def.key === 'pareto') {
    // Everything but P(alive) depends on (x, T) only: evaluate the alive-conditional parts once per
    // pair by passing t_x = T (P(alive) = 1 there), then scale by each history's P(alive).
    const p = f.fit.params as pareto.ParetoParams
    const cache = new Map<number, Map<number, readonly [number, number, number]>>()
    for (let i = 0; i < n; i++) {
      const x = h.x[i]!
      const T = h.T[i]!
      let byX = cache.get(T)
      if (!byX) {
        byX = new Map()
        cache.set(T, byX)
      }
      let v = byX.get(x)
      if (!v) {
        const any = pareto.probabilityAnyPurchase(p, horizon, x, T, T)
        const any5 = pareto.probabilityAnyPurchase(p, far, x, T, T)
        const med = pareto.medianNextPurchaseTime(p, x, T, T)
        v = [any, any5, med ?? Number.NaN]
        byX.set(x, v)
      }
      const pa = clv.pAlive[i]!
      pAny[i] = pa * v[0]
      nextUnits[i] = nextOrNone(v[2], pa * v[1], far)
    }
  } else {
    const mod = f.def.key === 'bgnbd' ? bgnbd : mbgnbd
    const p = f.fit.params as bgnbd.BgParams
    for (let i = 0; i < n; i++) {
      const x = h.x[i]!
      const tx = h.tx[i]!
      const T = h.T[i]!
      pAny[i] = mod.probabilityAnyPurchase(p, horizon, x, tx, T)
      const med = mod.expectedNextPurchaseTime(p, x, tx, T).median
      nextUnits[i] = nextOrNone(
        med ?? Number.NaN,
        mod.probabilityAnyPurchase(p, far, x, tx, T),
        far,
      )
    }
  }
  return {
    pAlive: clv.pAlive,
    expected: clv.expectedPurchases,
    det: clv.discountedPurchases,
    pAny,
    nextUnits,
  }
}

/**
 * NBD (no dropout) scores: P(alive) = 1; purchases at the posterior mean rate (r+x)/(α+T), so the
 * expectation is linear in the horizon and discounts like the baseline's; P(any purchase) and the
 * median wait from the gamma-Poisson posterior (nbd.ts).
 */
function noDropoutScores(
  p: nbd.NbdParams,
  h: XTPoints,
  horizon: number,
  rate: number,
  perYear: number,
  step: number,
): Scores {
  const n = h.x.length
  const detPerRate = discountedSteps((t) => t, horizon, step, discountRatePerUnit(rate, perYear))
  const far = NEXT_PURCHASE_YEARS * perYear
  const s: Scores = {
    pAlive: new Float64Array(n).fill(1),
    expected: new Float64Array(n),
    det: new Float64Array(n),
    pAny: new Float64Array(n),
    nextUnits: new Float64Array(n),
  }
  for (let i = 0; i < n; i++) {
    const x = h.x[i]!
    const T = h.T[i]!
    const r = (p.r + x) / (p.alpha + T)
    s.expected[i] = r * horizon
    s.det[i] = r * detPerRate
    s.pAny[i] = nbd.probabilityAnyPurchase(p, horizon, x, T)
    s.nextUnits[i] = nextOrNone(
      nbd.medianNextPurchase(p, x, T),
      nbd.probabilityAnyPurchase(p, far, x, T),
      far,
    )
  }
  return s
}

const nextOrNone = (median: number, pFar: number, far: number): number =>
  Number.isFinite(median) && median <= far && pFar >= MIN_NEXT_PURCHASE_PROBABILITY
    ? median
    : Number.NaN

/**
 * Historical-rate baseline: rate_i = (x_i + kρ)/(T_i + k) (validation.baselinePredictions), purchases
 * as a Poisson process at that rate; no P(alive). k and ρ come from the histories `h`; the scores
 * are for the (x, T) points `at`.
 */
function baselineScores(
  h: Histories,
  at: XTPoints,
  horizon: number,
  rate: number,
  perYear: number,
  step: number,
): { scores: Scores; rho: number } {
  let sx = 0
  let sT = 0
  for (let i = 0; i < h.x.length; i++) {
    sx += h.weight[i]! * h.x[i]!
    sT += h.weight[i]! * h.T[i]!
  }
  const n = at.x.length
  const k = h.customers > 0 && sT > 0 ? sT / h.customers : 1
  const rho = sT > 0 ? sx / sT : 0
  const delta = discountRatePerUnit(rate, perYear)
  const detPerRate = discountedSteps((t) => t, horizon, step, delta)
  const far = NEXT_PURCHASE_YEARS * perYear
  const s: Scores = {
    pAlive: new Float64Array(n).fill(Number.NaN),
    expected: new Float64Array(n),
    det: new Float64Array(n),
    pAny: new Float64Array(n),
    nextUnits: new Float64Array(n),
  }
  for (let i = 0; i < n; i++) {
    const r = (at.x[i]! + k * rho) / (at.T[i]! + k)
    s.expected[i] = r * horizon
    s.det[i] = r * detPerRate
    s.pAny[i] = -Math.expm1(-r * horizon)
    s.nextUnits[i] = r > 0 ? nextOrNone(Math.LN2 / r, -Math.expm1(-r * far), far) : Number.NaN
  }
  return { scores: s, rho }
}

const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : String(v))

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

/** Resolves on a later turn of the event loop, so engine calls that completed meanwhile proceed. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * Fit the repeat-purchase models on the calibration summary, pick one, and create the TEMP table
 * `customer_predictions` (customer_id, p_alive, expected_purchases, expected_spend, predicted_value,
 * expected_next_purchase, p_next_purchase_horizon) for every customer of `info.table`.
 *
 * Choice: with orders after asOf (a holdout), BG/NBD, MBG/NBD and Pareto/NBD fitted on the
 * calibration period predict each customer's holdout repeat purchases and the lowest RMSE wins
 * (ties within 0.5 % by BIC; validation.chooseModel). Without a holdout the lowest BIC wins.
 * Predictions are made as of asOf from that calibration fit: what a user asks for with --as-of
 * (no refit on the holdout, so forward figures for a past as-of can be checked against what
 * happened). Spend: Gamma-Gamma conditional mean (Fader & Hardie 2013) with at least
 * MIN_REPEATERS repeat buyers, else the mean repeat spend. Value: discounted expected purchases
 * (core/clv.ts) × expected spend × margin. Too few repeat buyers: the historical-rate baseline
 * and a note; never NaN.
 *
 * @example const p = await buildPredictions(engine, info, { horizon: 52 })
 * @throws UsageError for a horizon not more than 0 or past ten years, a discount rate or margin
 *   outside 0..1;
 *   QueryError from the engine.
 */
export async function buildPredictions(
  engine: Engine,
  info: CustomerSummaryInfo,
  opts: PredictOptions = {},
): Promise<PredictionSummary> {
  const d = engine.dialect
  const unit = info.unit
  const unitDays = UNIT_DAYS[unit]
  const perYear = unitsPerYear(unitDays)
  checkPredictOptions(opts, unit)
  const horizon = opts.horizon ?? DEFAULT_HORIZON[unit]
  const rate = opts.annualDiscountRate ?? DEFAULT_DISCOUNT_RATE
  // discount in weekly steps whatever the unit: daily steps only add work, monthly ones discount
  // too much (docs/models.md, worked example); a step may be a fraction of a unit (a month's 7 days)
  const step = 7 / unitDays
  const notes: { level: 'info' | 'warning'; message: string }[] = []
  let clock = performance.now()
  const stage = (name: string): void => {
    const now = performance.now()
    opts.onStage?.(name, now - clock)
    clock = now
  }

  // 1. Histories, compressed by the engine.
  const [hx, htx, hT, hxs, hw] = await readNumericColumns(
    engine,
    predictionHistories(d, { summary: info.table }).sql,
    5,
    undefined,
    { materialize: true },
  )
  const rows = compressSorted(hx!, htx!, hT!, hxs!, hw!)
  const { h } = rows
  // the summary's facts scan already found the last order day of `orders`
  const lastDay =
    opts.source === undefined
      ? info.orders.lastOrder
      : (await engine.query<{ d: string | null }>(lastOrderDate(d, opts.source)))[0]?.d
  const lastOrder = lastDay && lastDay > info.asOf ? lastDay : info.asOf
  const holdoutDays = daysBetween(info.asOf, lastOrder)
  const holdoutPeriods = holdoutDays / unitDays
  const hasHoldout = holdoutDays > 0
  stage(`read ${h.x.length} histories`)
  // every model extrapolates a rate seen over the history; far beyond it the figures are guesses
  // (with nobody's repeat purchase the forecast is zero: nothing is extrapolated)
  let span = 0
  let repeat = false
  for (let i = 0; i < h.T.length; i++) {
    span = Math.max(span, h.T[i]!)
    if (h.x[i]! > 0) repeat = true
  }
  if (repeat && horizon > EXTRAPOLATION_LIMIT * span) {
    const days = Math.round(span * unitDays)
    notes.push({
      level: 'warning',
      message: `The longest purchase history is ${days} day${days === 1 ? '' : 's'} and the forecast covers ${Number(horizon.toPrecision(4))} ${unit}s, ${span > 0 ? `${Math.round(horizon / span)} times as long` : 'from a single day'}: expected purchases and value extrapolate far beyond the data, so treat them as rough; choose a shorter horizon (--horizon) or analyze a longer history.`,
    })
  }

  // The spend histories are read now, so the Gamma-Gamma fit (JS) can run after the model fits
  // while the engine is still counting the tracking curve's actual side.
  const [facts] = await engine.query<FactsRow>(spendFacts(d, { summary: info.table }))
  const spendColumns = await readNumericColumns(
    engine,
    spendHistories(d, { summary: info.table }).sql,
    3,
    undefined,
    { materialize: true },
  )
  // The actual side of the tracking curve needs no model: its engine query runs on the engine's
  // threads while the models are fitted below (synchronous JS), and is awaited after them.
  const start = facts?.cohort_start ?? info.asOf
  let repeatDays = 0
  for (let i = 0; i < h.x.length; i++) repeatDays += h.weight[i]! * h.x[i]!
  const trackingQuery: TrackingArgs = {
    summary: info.table,
    start,
    end: lastOrder,
    unitDays: TRACKING_DAYS,
    ...(opts.source ? { source: opts.source } : {}),
  }
  // without a holdout every counted day is a calibration repeat purchase day (when no refunds)
  const actualPending = await startTrackingActual(
    engine,
    trackingQuery,
    hasHoldout ? null : repeatDays,
    // the summary's facts scan counted the refund rows of `orders`
    opts.source === undefined ? info.orders.refunds : null,
  )
  // ... and so does the tracking curve's births read, queued behind it (one connection).
  const birthsPending = actualPending.settled.then(() =>
    readNumericColumns(engine, trackingBirths(d, trackingQuery).sql, 2, undefined, {
      materialize: true,
    }),
  )
  // awaited below; this only keeps an early exit (a fit throwing) from leaving it unhandled
  birthsPending.catch(() => {})
  opts.alongside?.()

  // 2. Fit the candidates on the calibration period.
  const adequacy = assessHistories(h.x, h.weight)
  const fitted: Fitted[] = []
  const candidates: PredictionCandidate[] = []
  const errors: unknown[] = []
  const failures: {
    level: 'info' | 'warning'
    message: string
    noDropout?: boolean
    /** The failed model's row in `candidates`, whose error says what the note says. */
    candidate?: number
  }[] = []
  const fitCandidate = (def: ModelDef): void => {
    try {
      const fit = def.fit(h)
      const f = { def, fit }
      const holdout = hasHoldout
        ? weightedHoldoutMetrics(rows, expectedOver(f, h, holdoutPeriods))
        : null
      fitted.push(f)
      if (fit.note) failures.push({ level: 'info', message: `${def.name}: ${fit.note}` })
      candidates.push({
        key: def.key,
        name: def.name,
        params: fit.params,
        // a parameter at a limit of the model (Pareto/NBD's s and beta at common dropout) has
        // none, the others keep theirs: NaN, null in JSON
        standardErrors: fit.standardErrors,
        logLikelihood: fit.logLikelihood,
        aic: fit.aic,
        bic: fit.bic,
        holdout,
        error: null,
      })
    } catch (e) {
      if (!(e instanceof LoyalsError)) throw e
      errors.push(e)
      // the library names the model by its key ("bgnbd: the likelihood is flat ..."): the report
      // and its notes name it as people write it, once
      const why = errorMessage(e).replace(/^[a-z-]+: /, (k) => (k === `${def.key}: ` ? '' : k))
      candidates.push(failed(def, why))
      failures.push({
        level: 'warning',
        message: `${def.name} could not be fitted: ${why}`,
        noDropout: fitLimit(e) === 'no-dropout',
        candidate: candidates.length - 1,
      })
    }
  }
  for (const def of MODELS) {
    if (!adequacy.adequate) {
      candidates.push(failed(def, adequacy.message ?? 'too little repeat behaviour'))
      continue
    }
    fitCandidate(def)
    // let the engine reads queued above start as soon as the one before them has finished
    await nextTurn()
  }
  // Every dropout model ran to its no-dropout limit: the data shows no dropout, and the NBD (that
  // limit) describes it rather than a historical rate.
  const noDropout =
    fitted.length === 0 &&
    errors.length === MODELS.length &&
    errors.every((e) => e instanceof ConvergenceError) &&
    errors.some((e) => fitLimit(e) === 'no-dropout')
  if (noDropout) fitCandidate(NO_DROPOUT)
  // with the NBD in their place, the dropout models' failures are what the data says, not a fault
  const level = noDropout && fitted.length > 0 ? 'info' : 'warning'
  for (const { noDropout: atLimit, candidate, ...f } of failures) {
    const instead = atLimit === true && !noDropout && fitted.length > 0
    const message = instead ? usedInstead(f.message, fitted) : f.message
    notes.push({ ...f, message, level: f.message.startsWith(NO_DROPOUT.name) ? f.level : level })
    // the models table shows the candidate's error: the same words as the note
    const c = candidate === undefined ? undefined : candidates[candidate]
    if (instead && c?.error) candidates[candidate!] = { ...c, error: usedInstead(c.error, fitted) }
  }

  // its notes follow the choice's, as when it ran after the choice
  const spendNotes: typeof notes = []
  const { spend, rule } = spendModel(
    spendColumns,
    facts,
    spendNotes,
    info.orders.priced > 0,
    info.orders.currencies === 1 ? info.orders.currency : null,
  )
  const births = await birthsPending
  const actualRows = await actualPending.finish()
  stage('fit models')
  // 3. Choose.
  let chosen: Fitted | null = null
  let basis: PredictionSummary['basis'] = 'baseline'
  let reason: string
  // a holdout in which no customer bought again cannot test predictions: every model's relative
  // error is undefined and the one predicting the fewest purchases would win by default
  const holdoutRepeats = candidates.find((c) => c.holdout)?.holdout?.totalActual ?? 0
  const testable = hasHoldout && holdoutRepeats > 0
  if (noDropout && fitted[0]) {
    chosen = fitted[0]
    basis = hasHoldout ? 'holdout' : 'bic'
    const ho = candidates.find((c) => c.key === 'nbd')?.holdout
    const poisson = chosen.fit.model === 'poisson'
    // which models named the limit: the others failed otherwise (their notes say how)
    const atLimit = MODELS.filter((_, i) => fitLimit(errors[i]) === 'no-dropout').map((d) => d.name)
    const others = MODELS.map((d) => d.name).filter((n) => !atLimit.includes(n))
    const ran =
      others.length === 0
        ? `${wordList(atLimit)} all ran to their no-dropout limit (dropout probability or rate going to zero)`
        : `${wordList(atLimit)} ran to ${atLimit.length === 1 ? 'its' : 'their'} no-dropout limit (dropout probability or rate going to zero) and ${wordList(others)} could not be fitted either`
    reason = `No sign of customers dropping out: ${ran}, so that limit is used, ${poisson ? 'one purchase rate shared by every customer (Poisson: the NBD could not be fitted either, purchase rates do not differ between customers)' : 'the NBD model (each customer buys at a steady rate of their own, rates vary between customers)'}, and every customer counts as alive (P(alive) = 1).${ho ? ` On the holdout (${addDays(info.asOf, 1)} to ${lastOrder}) it predicted ${Math.round(ho.totalPredicted).toLocaleString('en-US')} repeat purchases against ${Math.round(ho.totalActual).toLocaleString('en-US')} actual (root mean squared error ${fmt(ho.rmse, 3)} per customer).` : ''}`
    notes.push({ level: 'info', message: reason })
  } else if (fitted.length > 0 && testable) {
    const byName = new Map(fitted.map((f) => [f.def.name, f]))
    const list: Candidate[] = candidates
      .filter((c) => c.holdout && byName.has(c.name))
      .map((c) => ({ name: c.name, metrics: c.holdout as HoldoutMetrics, bic: c.bic ?? undefined }))
    const choice = chooseModel(list)
    chosen = byName.get(choice.best) ?? null
    basis = 'holdout'
    reason = `Chosen on the holdout: the models were fitted on orders up to ${info.asOf} and asked to predict each customer's repeat purchases from then to ${lastOrder}. ${choice.reason}`
  } else if (fitted.length > 0) {
    const sorted = [...fitted].sort((a, b) => a.fit.bic - b.fit.bic)
    chosen = sorted[0]!
    basis = 'bic'
    const others = sorted
      .slice(1)
      .map((f) => `${f.def.name} ${fmt(f.fit.bic)}`)
      .join(', ')
    const byBic = `${chosen.def.name} fits the purchase histories best by BIC (${fmt(chosen.fit.bic)}${others ? `; ${others}` : ''})`
    if (hasHoldout) {
      reason = `No customer of the calibration period bought again between ${addDays(info.asOf, 1)} and ${lastOrder}, so that holdout cannot test the predictions (there is no actual purchase to compare with); ${byBic}. Re-run with an earlier as-of date (--as-of; asOf in the library), or check that the orders after it are all there.`
      notes.push({ level: 'warning', message: reason })
    } else {
      reason = `There are no orders after the as-of date ${info.asOf}, so no holdout to test predictions on; ${byBic}. Re-run with an earlier as-of date (--as-of; asOf in the library) to choose by predictive accuracy.`
    }
  } else {
    // the adequacy message says already what the predictions fall back to (zero repeat purchases
    // when nobody bought twice): said again, "each customer's historical repeat rate" read as a
    // second, different fallback
    reason = adequacy.message
      ? `${adequacy.message}. There is no probability alive.`
      : "No model could be fitted. Expected purchases use each customer's historical repeat rate, shrunk toward the average; there is no probability alive."
    notes.push({ level: 'warning', message: reason })
  }

  // 4. Forward scores per distinct history, written back for the join.
  let scores: Scores
  let expectedNew: (t: number) => number
  // the NBD and the baseline score (x, T) alone: per distinct pair, joined on the pair
  const byXT = !chosen || chosen.def.key === 'nbd'
  const points = byXT ? distinctXT(h) : h
  if (chosen) {
    scores = modelScores(chosen, h, points, horizon, rate, perYear, step)
    expectedNew = expectedNewFn(chosen)
  } else {
    const b = baselineScores(h, points, horizon, rate, perYear, step)
    scores = b.scores
    expectedNew = (t) => b.rho * t
  }
  stage('score histories')
  const aliveNote = chosen?.def.key === 'bgnbd' ? oneTimeAliveNote(h, perYear) : null
  if (aliveNote) notes.push(aliveNote)
  await writeNumericTable(engine, SCORES_TABLE, {
    x: points.x,
    ...(byXT ? {} : { t_x: h.tx }),
    T: points.T,
    p_alive: scores.pAlive,
    expected: scores.expected,
    det: scores.det,
    p_any: scores.pAny,
    next_units: scores.nextUnits,
  })

  // 5. Spend and margin.
  notes.push(...spendNotes)
  let margin: PredictionSummary['margin']
  if (opts.margin !== undefined) margin = { value: opts.margin, source: 'option' }
  else if (facts?.margin_share != null && Number.isFinite(facts.margin_share)) {
    const share = facts.margin_share
    if (share > 1) {
      // margins above revenue (costs below 0?) are no share of spend to predict with
      margin = { value: 1, source: 'default' }
      notes.push({
        level: 'warning',
        message: `The margins in the data add up to ${fmt(100 * share)} % of revenue (costs below 0?), no share of spend: predicted value is spend (margin 1). Check the cost column, or set margin (--margin).`,
      })
    } else {
      margin = { value: share, source: 'data' }
      notes.push(
        share > 0
          ? {
              level: 'info',
              message: `Predicted value is profit: spend × ${fmt(100 * share)} %, the margin share of revenue in the data; set margin (--margin) to override.`,
            }
          : {
              level: 'warning',
              message: `The orders' margins add up to ${fmt(100 * share)} % of revenue: sold at a loss, so predicted value (spend × that share) is a loss too; set margin (--margin) to override.`,
            },
      )
    }
  } else margin = { value: 1, source: 'default' }

  await engine.exec(
    predictionJoin(d, {
      summary: info.table,
      scores: SCORES_TABLE,
      withTx: !byXT,
      table: PREDICTION_TABLE,
      asOf: info.asOf,
      unitDays,
      spend: rule,
      margin: margin.value,
    }),
  )
  await engine.exec(`DROP TABLE IF EXISTS ${SCORES_TABLE}`)
  stage('write scores, spend model, join')

  // 6. Aggregates for summary.json and the report.
  const hist = await engine.query<{ bin: number; customers: number }>(
    pAliveHistogram(d, { table: PREDICTION_TABLE }),
  )
  const pAliveBins = chosen
    ? Array.from({ length: 10 }, (_, b) => ({
        from: b / 10,
        to: (b + 1) / 10,
        customers: hist.find((r) => r.bin === b)?.customers ?? 0,
      }))
    : []
  const [tot] = await engine.query<TotalsRow>(predictionTotals(d, { table: PREDICTION_TABLE }))
  const tops = await engine.query<TopRow>(
    topPredicted(d, {
      table: PREDICTION_TABLE,
      summary: info.table,
      limit: opts.topCustomers ?? 20,
    }),
  )
  // the curve is in weeks, the model's time in units
  const tracking = trackingCurveOf(trackingQuery, actualRows, births, (w) =>
    expectedNew((w * TRACKING_DAYS) / unitDays),
  )

  stage('aggregates and tracking')
  const chosenCandidate = chosen ? candidates.find((c) => c.key === chosen.def.key) : undefined
  return {
    model: chosen ? chosen.def.key : 'baseline',
    modelName: chosen ? chosen.def.name : BASELINE_NAME,
    basis,
    reason,
    asOf: info.asOf,
    unit,
    horizon,
    annualDiscountRate: rate,
    margin,
    holdout: hasHoldout
      ? { from: addDays(info.asOf, 1), to: lastOrder, periods: holdoutPeriods }
      : null,
    candidates,
    spend,
    tracking: {
      start,
      calibrationPeriods: (daysBetween(start, info.asOf) + 1) / TRACKING_DAYS,
      points: tracking,
    },
    byFrequency: chosenCandidate?.holdout?.byFrequency ?? null,
    pAliveHistogram: pAliveBins,
    totals: {
      customers: tot?.customers ?? 0,
      expectedPurchases: tot?.expected_purchases ?? 0,
      // a log without amounts: the value is unknown, not 0
      predictedValue: spend.model === 'none' ? null : (tot?.predicted_value ?? 0),
      meanPAlive: tot?.mean_p_alive ?? null,
      expectedActiveCustomers: tot?.expected_active ?? 0,
      withNextPurchase: tot?.with_next ?? 0,
    },
    topCustomers: tops.map((t) => ({
      customerId: t.customer_id,
      revenue: t.revenue,
      orders: t.orders,
      pAlive: t.p_alive,
      expectedPurchases: t.expected_purchases,
      expectedSpend: t.expected_spend,
      predictedValue: t.predicted_value,
      expectedNextPurchase: t.expected_next_purchase,
    })),
    notes,
  }
}

function failed(def: ModelDef, error: string): PredictionCandidate {
  return {
    key: def.key,
    name: def.name,
    params: null,
    standardErrors: null,
    logLikelihood: null,
    aic: null,
    bic: null,
    holdout: null,
    error,
  }
}

/**
 * Gamma-Gamma with enough repeat buyers, else the mean repeat spend (or mean spend per day).
 * `columns`: x, monetary, customers of the distinct repeat spends (spendHistories).
 */
function spendModel(
  columns: readonly Float64Array[],
  facts: FactsRow | undefined,
  notes: { level: 'info' | 'warning'; message: string }[],
  // false: no order carries an amount (a transaction log), so spend is unknown rather than 0
  priced = true,
  // the orders' currency, for the money in the notes (null: none named)
  currency: string | null = null,
): { spend: SpendPrediction; rule: SpendRule } {
  const meanRepeat = facts?.mean_repeat_spend
  const meanDay = facts?.mean_day_spend
  const mean =
    meanRepeat != null && Number.isFinite(meanRepeat) && meanRepeat > 0
      ? meanRepeat
      : meanDay != null && Number.isFinite(meanDay)
        ? meanDay
        : 0
  const [x, mx, w] = columns
  let positive = 0
  for (let i = 0; i < x!.length; i++) if (mx![i]! > 0) positive += w![i]!
  // what `mean` is, in words: the repeat buyers' own mean repeat spends averaged (each buyer
  // once), else (no repeat spend above 0) the revenue per purchase day
  const meanWords =
    mean === meanRepeat
      ? `the average of the repeat buyers' mean spend per repeat purchase, ${formatMoney(mean, currency)}`
      : `the revenue per purchase day, ${formatMoney(mean, currency)}`
  const fallback = (why: string): { spend: SpendPrediction; rule: SpendRule } => {
    notes.push({ level: 'info', message: why })
    return {
      spend: {
        model: 'mean',
        params: null,
        standardErrors: null,
        logLikelihood: null,
        customers: positive,
        correlation: null,
        populationMean: mean,
      },
      rule: { kind: 'mean', value: mean },
    }
  }
  if (!priced) {
    // a log without amounts: nothing to model, and its customers' spend is not known to be 0
    const r = fallback(
      'The orders carry no amounts: expected spend and predicted value are left empty (unknown).',
    )
    return { spend: { ...r.spend, model: 'none', populationMean: null }, rule: { kind: 'none' } }
  }
  if (positive === 0 && mean === 0) {
    // only free orders: nothing to model, and nothing to apologise for
    return fallback('No purchase has a spend above 0: expected spend and value are 0.')
  }
  if (positive < MIN_REPEATERS) {
    return fallback(
      `${positive === 0 ? 'No customer has' : `Only ${formatCount(positive, 'customer')} ${positive === 1 ? 'has' : 'have'}`} repeat purchases with positive spend (at least ${MIN_REPEATERS} are needed for the Gamma-Gamma spend model): expected spend is ${meanWords}.`,
    )
  }
  let fit: GammaGammaFit
  try {
    fit = fitGammaGamma({ x: x!, mx: mx!, weight: w! }, { excludeNonPositive: true })
  } catch (e) {
    if (!(e instanceof LoyalsError)) throw e
    return fallback(
      `The Gamma-Gamma spend model could not be fitted (${errorMessage(e)}): expected spend is ${meanWords}.`,
    )
  }
  for (const wmsg of fit.warnings) notes.push({ level: 'warning', message: `Spend model: ${wmsg}` })
  const { p, q, gamma } = fit.params
  const pop = q > 1 ? (p * gamma) / (q - 1) : mean
  if (!Number.isFinite(pop))
    throw new DataError('the fitted spend model gives no finite mean spend')
  return {
    spend: {
      model: 'gamma-gamma',
      params: fit.params,
      standardErrors: fit.standardErrors,
      logLikelihood: fit.logLikelihood,
      customers: fit.customers,
      correlation: Number.isFinite(fit.correlation) ? fit.correlation : null,
      populationMean: pop,
    },
    rule: { kind: 'gamma-gamma', p, q, gamma, fallback: pop },
  }
}

type ActualRow = { period: number; purchases: number }

/**
 * Issues the engine query for the tracking curve's actual repeat purchases per period and returns
 * at once; `settled` resolves once it has finished (either way), `finish` awaits its rows.
 * `knownRefunds`: the source's refund rows when the caller counted them (null: counted here).
 * Without refunds or a holdout (`repeatDays` = Σ x of the summary) only customers with several
 * orders on a day need deduplicating (trackingActualNoRefunds); its total must equal
 * `repeatDays`, else `finish` runs the general count (trackingActual).
 */
async function startTrackingActual(
  engine: Engine,
  q: TrackingArgs,
  repeatDays: number | null,
  knownRefunds: number | null,
): Promise<{ settled: Promise<unknown>; finish(): Promise<ActualRow[]> }> {
  const d = engine.dialect
  let fast = false
  if (repeatDays !== null) {
    const refunds = knownRefunds ?? (await engine.query<{ n: number }>(refundRows(d, q)))[0]?.n ?? 1
    fast = Number(refunds) === 0
  }
  const pending = engine.query<ActualRow>(
    fast ? trackingActualNoRefunds(d, q) : trackingActual(d, q),
  )
  // awaited by finish(); this only keeps an early exit (a fit throwing) from leaving it unhandled
  pending.catch(() => {})
  return {
    settled: pending.catch(() => null),
    async finish() {
      const rows = await pending
      if (!fast) return rows
      let total = 0
      for (const r of rows) total += Number(r.purchases)
      return total === repeatDays ? rows : engine.query<ActualRow>(trackingActual(d, q))
    },
  }
}

/**
 * Days per period of the tracking curve: weekly whatever the unit, the curve of the literature
 * (Fader, Hardie & Lee 2005, fig. 2) that the CDNOW weekly file reproduces; daily periods would
 * be ~550 noisy points, monthly ones too few to see the holdout bend.
 */
export const TRACKING_DAYS = 7

/**
 * Cohort tracking: actual cumulative repeat purchases per period (`actualRows`, from the engine);
 * births (first purchase in units since the start, customers; trackingBirths) and the
 * predicted Σ_births n_b E[X(w - b)] with E[X(t)] of a new customer (memoized per elapsed time).
 */
function trackingCurveOf(
  q: TrackingArgs,
  actualRows: readonly ActualRow[],
  [b, nb]: readonly Float64Array[],
  expectedNew: (t: number) => number,
): TrackingPointSummary[] {
  // the data ends with the last order day; a last period it ends inside is predicted up to there,
  // as its actual side counts only up to there (not to the period's end, past the data)
  const dataEnd = (daysBetween(q.start, q.end) + 1) / q.unitDays
  const periods = Math.max(1, Math.ceil(dataEnd))
  const perPeriod = new Float64Array(periods)
  for (const r of actualRows)
    if (r.period >= 1 && r.period <= periods) perPeriod[r.period - 1] = r.purchases
  const memo = new Map<number, number>()
  const e = (t: number): number => {
    let v = memo.get(t)
    if (v === undefined) {
      v = expectedNew(t)
      if (!Number.isFinite(v)) v = 0
      memo.set(t, v)
    }
    return v
  }
  const out: TrackingPointSummary[] = []
  let cum = 0
  for (let w = 1; w <= periods; w++) {
    let s = 0
    const upTo = Math.min(w, dataEnd)
    for (let j = 0; j < b!.length; j++) {
      const t = upTo - b![j]!
      if (t > 0) s += nb![j]! * e(t)
    }
    cum += perPeriod[w - 1]!
    out.push({ period: w, predicted: s, actual: cum })
  }
  return out
}

interface FactsRow extends Record<string, unknown> {
  mean_repeat_spend: number | null
  mean_day_spend: number | null
  margin_share: number | null
  cohort_start: string | null
}

interface TotalsRow extends Record<string, unknown> {
  customers: number
  expected_purchases: number
  predicted_value: number
  mean_p_alive: number | null
  expected_active: number
  with_next: number
}

interface TopRow extends Record<string, unknown> {
  customer_id: string
  revenue: number
  orders: number
  p_alive: number | null
  expected_purchases: number
  expected_spend: number
  predicted_value: number
  expected_next_purchase: string | null
}
