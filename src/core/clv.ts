// Customer lifetime value: discounted expected transactions (DET) × expected spend × margin.
// One discount function D(t) = (1 + annual rate)^(-t / unitsPerYear) = e^(-δt) for every method;
// the methods differ only in when purchases are counted. Work is cached per distinct (x, T).
import { DataError } from '../errors.ts'
import type { BgParams } from './models/bg-family.ts'
import * as bgFamily from './models/bg-family.ts'
import { bgExpectedAlive, checkColumnLengths, type HistoryColumns } from './models/common.ts'
import type { ParetoParams } from './models/pareto-nbd.ts'
import * as pareto from './models/pareto-nbd.ts'
import { expIntegralScaled, gaussLegendre } from './special.ts'

export { expIntegralScaled }

/** Days per model unit → units per year (365.25-day year). Throws DataError unless unitDays > 0. */
export function unitsPerYear(unitDays: number): number {
  if (!(unitDays > 0 && unitDays < Number.POSITIVE_INFINITY)) {
    throw new DataError(`days per model unit must be a finite number > 0 (got ${unitDays})`)
  }
  return 365.25 / unitDays
}

/** Continuous rate per model unit δ = ln(1 + annual rate) / unitsPerYear, so D(t) = e^(-δt). */
export function discountRatePerUnit(annualRate: number, perYear: number): number {
  if (!(annualRate >= 0) || !Number.isFinite(annualRate)) {
    throw new DataError(`annual discount rate must be a finite number >= 0 (got ${annualRate})`)
  }
  // an infinite perYear would silently turn any rate into no discounting
  if (!(perYear > 0 && perYear < Number.POSITIVE_INFINITY)) {
    throw new DataError(`units per year must be a finite number > 0 (got ${perYear})`)
  }
  return Math.log1p(annualRate) / perYear
}

/**
 * What is wrong with an annual discount rate as a share (0.1 = 10 % a year), or null when it is
 * one: a finite number from 0 to 1. Above 1 (over 100 % a year) it is nearly always a percentage
 * typed as a number, and it would discount almost all value away: the message suggests the share.
 * The caller names the option (scoreClv's `annualDiscountRate`, analyze's `--discount-rate`).
 * @example discountRateProblem(10) // 'must be a share from 0 to 1 a year, ... (got 10; for 10 % a year pass 0.1)'
 */
export function discountRateProblem(rate: number): string | null {
  if (rate >= 0 && rate <= 1) return null
  const percent =
    rate > 1 && rate <= 100
      ? `; for ${rate} % a year pass ${Number((rate / 100).toPrecision(6))}`
      : ''
  return `must be a share from 0 to 1 a year, e.g. 0.1 for 10 % (got ${rate}${percent})`
}

/**
 * What is wrong with a margin (the share of spend that is profit), or null when it is one: a
 * number from 0 to 1. 30 for 30 % would multiply value by 30. The caller names the option.
 * @example marginProblem(30) // 'must be the share of spend that is profit, ... (got 30; for 30 % pass 0.3)'
 */
export function marginProblem(margin: number): string | null {
  if (margin >= 0 && margin <= 1) return null
  const percent =
    margin > 1 && margin <= 100
      ? `; for ${margin} % pass ${Number((margin / 100).toPrecision(6))}`
      : ''
  return `must be the share of spend that is profit, from 0 to 1, e.g. 0.3 (got ${margin}${percent})`
}

/** Horizon >= 0 (∞ allowed) and rate per unit δ finite and >= 0; NaN fails both. */
function checkDiscounting(horizon: number, delta: number): void {
  if (!(horizon >= 0)) throw new DataError(`horizon must be a number >= 0 (got ${horizon})`)
  if (!(delta >= 0 && delta < Number.POSITIVE_INFINITY)) {
    throw new DataError(`discount rate per unit must be a finite number >= 0 (got ${delta})`)
  }
}

/** Which transaction model supplies the expected purchases. */
export type ClvModel =
  | { readonly model: 'bgnbd' | 'mbgnbd'; readonly params: BgParams }
  | { readonly model: 'pareto'; readonly params: ParetoParams }

export interface ClvOptions {
  /**
   * Horizon in model units, a number >= 0; `Infinity` for lifetime (needs a discount rate > 0).
   * 0 values every customer at 0, as expectedPurchases(p, 0, ...) is 0. Default: one year in
   * whole units (Math.round(unitsPerYear): 52 weeks, 12 months, 365 days), not 365.25 days.
   */
  readonly horizon?: number
  /**
   * Annual discount rate as a share from 0 to 1 (0.1 = 10 % a year; 10 is refused, not read as
   * 1000 %). Default 0.1.
   */
  readonly annualDiscountRate?: number
  /** Model units per year: 365.25/7 for weeks (default), 12 for months, 365.25 for days. */
  readonly unitsPerYear?: number
  /**
   * Profit share of spend from 0 to 1 (scalar, or one per customer). Default 1: value in spend.
   * 30 for 30 % is refused, as analyze's `--margin` refuses it.
   */
  readonly margin?: number | ArrayLike<number>
  /**
   * 'steps': purchases of each step (default 1 unit) discounted at the step's end, Σ D(t_j) ΔE(t_j);
   * 'continuous': ∫ D(t) dE(t). Default: steps for BG/NBD and MBG/NBD, continuous (closed form) for
   * Pareto/NBD. An infinite horizon is always continuous.
   */
  readonly method?: 'steps' | 'continuous'
  /** Step length in units for 'steps'. Default 1. */
  readonly step?: number
}

export interface ClvResult {
  readonly pAlive: Float64Array
  /** Undiscounted expected purchases over the horizon (NaN-free; Infinity only if horizon is). */
  readonly expectedPurchases: Float64Array
  /** Discounted expected transactions over the horizon. */
  readonly discountedPurchases: Float64Array
  /** DET × expected spend × margin. */
  readonly value: Float64Array
  /** The conventions used, for reports. */
  readonly horizon: number
  readonly deltaPerUnit: number
  readonly method: 'steps' | 'continuous'
}

/** Steps {@link discountedSteps} takes at most (ten years of hourly steps is under 1e5). */
export const MAX_STEPS = 10_000_000

/**
 * Σ_j D(t_j)[f(t_j) - f(t_{j-1})], t_j = min(j·step, H): purchases discounted at each step's end.
 * @throws DataError unless the horizon is finite and >= 0, the step finite and > 0, and the rate
 *   per unit δ finite and >= 0 (an infinite horizon has infinitely many steps: use
 *   {@link discountedContinuous}); or for more than {@link MAX_STEPS} steps.
 */
export function discountedSteps(
  f: (t: number) => number,
  horizon: number,
  step: number,
  delta: number,
): number {
  checkDiscounting(horizon, delta)
  if (!(horizon < Number.POSITIVE_INFINITY)) {
    throw new DataError('an infinite horizon has no discrete steps: use the continuous method')
  }
  if (!(step > 0 && step < Number.POSITIVE_INFINITY)) {
    throw new DataError(`step must be a finite number > 0 (got ${step})`)
  }
  const K = Math.ceil(horizon / step - 1e-12)
  // each step evaluates the model once: 1e12 steps would run for days, not answer a question
  if (K > MAX_STEPS) {
    throw new DataError(
      `${K} steps of ${step} over a horizon of ${horizon}: at most ${MAX_STEPS.toLocaleString('en-US')}; use a longer step or the continuous method`,
    )
  }
  let prev = 0
  let s = 0
  for (let j = 1; j <= K; j++) {
    const t = Math.min(j * step, horizon)
    const v = f(t)
    s += Math.exp(-delta * t) * (v - prev)
    prev = v
  }
  return s
}

/**
 * ∫_0^H e^{-δt} dE(t) = e^{-δH}E(H) + δ ∫_0^H e^{-δt}E(t) dt (E(0) = 0). For H = ∞ the integral is
 * taken in u = δt over [0, 40] (the neglected tail is below e^-40 of the total when E grows at most
 * linearly), with Gauss-Legendre panels refined near 0.
 * @throws DataError unless the horizon is >= 0 and δ finite and >= 0 (δ > 0 for H = ∞).
 */
export function discountedContinuous(
  f: (t: number) => number,
  horizon: number,
  delta: number,
): number {
  checkDiscounting(horizon, delta)
  if (delta === 0) {
    if (!Number.isFinite(horizon))
      throw new DataError('an infinite horizon needs a discount rate > 0')
    return f(horizon)
  }
  const U = Math.min(delta * horizon, 40)
  const g = (u: number): number => Math.exp(-u) * f(u / delta)
  let integral = 0
  const cuts = [0, 0.25, 1, 3, 8, 16, 28, 40].filter((c) => c < U)
  cuts.push(U)
  for (let i = 0; i + 1 < cuts.length; i++) integral += gaussLegendre(g, cuts[i]!, cuts[i + 1]!, 2)
  const end = Number.isFinite(horizon) && delta * horizon <= 40 ? Math.exp(-U) * f(horizon) : 0
  return end + integral
}

/**
 * Pareto/NBD discounted expected transactions of an ALIVE customer per unit of (r+x)/(α+T), over
 * (T, T+H] under D(t) = e^{-δt}: E_μ[(1 - e^{-(μ+δ)H})/(μ+δ)], μ ~ Gamma(s, β+T)
 * = B h(s, δB) - e^{-δH} (B/(B+H))^s (B+H) h(s, δ(B+H)), B = β+T (H = ∞ drops the second term).
 * Multiplied by P(alive)(r+x)/(α+T) this is FHL 2005 "RFM and CLV" eq. 2 (H = ∞).
 * @throws DataError unless s and B are finite and > 0, H >= 0, and δ finite and >= 0 (δ > 0 for
 *   H = ∞).
 */
export function paretoDiscountedAlive(
  s: number,
  B: number,
  delta: number,
  horizon: number,
): number {
  if (!(s > 0 && B > 0 && s < Number.POSITIVE_INFINITY && B < Number.POSITIVE_INFINITY)) {
    throw new DataError(
      `Pareto/NBD discounting needs finite s > 0 and β + T > 0 (got s ${s}, β + T ${B})`,
    )
  }
  checkDiscounting(horizon, delta)
  if (delta === 0) {
    if (!Number.isFinite(horizon)) {
      throw new DataError('an infinite horizon needs a discount rate > 0')
    }
    const L = Math.log1p(horizon / B)
    return Math.abs((s - 1) * L) < 1e-10 ? B * L : (B * -Math.expm1(-(s - 1) * L)) / (s - 1)
  }
  const first = B * expIntegralScaled(s, delta * B)
  if (!Number.isFinite(horizon)) return first
  const BH = B + horizon
  const second =
    Math.exp(-delta * horizon + s * Math.log(B / BH)) * BH * expIntegralScaled(s, delta * BH)
  return Math.max(first - second, 0)
}

/**
 * Discounted expected profit per customer: CLV_i = margin_i × E[M]_i × DET_i, with DET from the
 * transaction model (BG/NBD and MBG/NBD: discrete steps of `step` units by default; Pareto/NBD: the
 * closed form). Vectorized over typed arrays; the model-specific part is computed once per distinct
 * (x, T). `spend` is the expected spend per purchase E[M] (e.g. expectedSpend), one for all or one
 * per customer: a finite number >= 0 (0, a customer whose purchases bring nothing, is worth 0; a
 * negative spend would make a loss of purchases). See docs/models.md for the conventions and a
 * worked example.
 * @example scoreClv({ model: 'bgnbd', params }, { x, tx, T }, spend, { margin: 0.3 })
 * @throws DataError on invalid options, each named: a horizon that is not a number >= 0, an
 *   annualDiscountRate outside 0..1, a margin outside 0..1, a spend that is negative or not finite,
 *   spend or margin arrays of another length than x, an unknown method, an infinite horizon without
 *   discounting; or when x, tx and T differ in length.
 */
export function scoreClv(
  m: ClvModel,
  h: HistoryColumns,
  spend: ArrayLike<number> | number,
  opts: ClvOptions = {},
): ClvResult {
  // a model name from JavaScript or a configuration: another one would be scored as BG/NBD
  const model: unknown = (m as { model?: unknown } | null)?.model
  if (model !== 'bgnbd' && model !== 'mbgnbd' && model !== 'pareto') {
    throw new DataError(
      `scoreClv: model must be 'bgnbd', 'mbgnbd' or 'pareto' (got ${JSON.stringify(model)})`,
    )
  }
  const perYear = opts.unitsPerYear ?? 365.25 / 7
  if (!(perYear > 0 && perYear < Number.POSITIVE_INFINITY)) {
    throw new DataError(
      `units per year (unitsPerYear) must be a finite number > 0 (got ${perYear})`,
    )
  }
  // one year in whole units, as the CLI and docs/models.md: 52 weeks, 12 months, 365 days
  const horizon = opts.horizon ?? Math.round(perYear)
  if (!(horizon >= 0)) {
    throw new DataError(`scoreClv: horizon must be a number >= 0 (got ${horizon})`)
  }
  const n = checkColumnLengths(h, 'scoreClv')
  const perCustomer = (
    name: string,
    v: number | ArrayLike<number>,
    ok: (v: number) => string | null,
  ) => {
    if (typeof v === 'number') {
      const problem = ok(v)
      if (problem) throw new DataError(`scoreClv: ${name} ${problem}`)
      return
    }
    if (v.length !== n) {
      throw new DataError(
        `scoreClv: ${name} must have one value per customer (got ${v.length} for ${n})`,
      )
    }
    for (let i = 0; i < n; i++) {
      const problem = ok(v[i]!)
      if (problem)
        throw new DataError(`scoreClv: ${name} of customer ${i + 1} ${problem}`, { row: i + 1 })
    }
  }
  perCustomer('spend', spend, (v) =>
    v >= 0 && v < Number.POSITIVE_INFINITY
      ? null
      : `must be a finite number >= 0, the expected spend per purchase (got ${v})`,
  )
  const margin = opts.margin ?? 1
  perCustomer('margin', margin, marginProblem)
  const annualRate = opts.annualDiscountRate ?? 0.1
  const rateProblem = discountRateProblem(annualRate)
  if (rateProblem) throw new DataError(`scoreClv: annualDiscountRate ${rateProblem}`)
  const delta = discountRatePerUnit(annualRate, perYear)
  const step = opts.step ?? 1
  if (!(step > 0 && step < Number.POSITIVE_INFINITY)) {
    throw new DataError(`step must be a finite number > 0 (got ${step})`)
  }
  if (opts.method !== undefined && opts.method !== 'steps' && opts.method !== 'continuous') {
    throw new DataError(
      `scoreClv: method must be 'steps' or 'continuous' (got ${JSON.stringify(opts.method)})`,
    )
  }
  const infinite = !Number.isFinite(horizon)
  const method: 'steps' | 'continuous' = infinite
    ? 'continuous'
    : (opts.method ?? (m.model === 'pareto' ? 'continuous' : 'steps'))
  const scoreHorizon = infinite ? 1 : horizon
  const scored =
    m.model === 'pareto'
      ? pareto.scoreAll(m.params, h, scoreHorizon)
      : bgFamily.bgScoreAll(m.model === 'mbgnbd' ? 1 : 0, m.params, h, scoreHorizon)
  const { pAlive } = scored
  const expected = infinite ? new Float64Array(n).fill(Number.POSITIVE_INFINITY) : scored.expected
  const det = new Float64Array(n)
  const cache = new Map<number, Map<number, number>>()
  for (let i = 0; i < n; i++) {
    const x = h.x[i]!
    const T = h.T[i]!
    let byX = cache.get(T)
    if (byX === undefined) {
      byX = new Map()
      cache.set(T, byX)
    }
    let v = byX.get(x)
    if (v === undefined) {
      if (m.model === 'pareto') {
        const p = m.params
        const B = p.beta + T
        const rate = (p.r + x) / (p.alpha + T)
        if (method === 'continuous') v = rate * paretoDiscountedAlive(p.s, B, delta, horizon)
        else
          v =
            rate * discountedSteps((t) => paretoDiscountedAlive(p.s, B, 0, t), horizon, step, delta)
      } else {
        const p = m.params
        const k = m.model === 'mbgnbd' ? 1 : 0
        const f = (t: number): number => bgExpectedAlive(p.r + x, p.alpha + T, p.a, p.b + x + k, t)
        v =
          method === 'steps'
            ? discountedSteps(f, horizon, step, delta)
            : discountedContinuous(f, horizon, delta)
      }
      byX.set(x, v)
    }
    det[i] = pAlive[i]! * v
  }
  const value = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const mi = typeof margin === 'number' ? margin : margin[i]!
    const si = typeof spend === 'number' ? spend : spend[i]!
    const v = det[i]! * si * mi
    if (!Number.isFinite(v)) {
      throw new DataError(`customer ${i + 1}: value is not finite (spend ${si}, margin ${mi})`, {
        row: i + 1,
      })
    }
    value[i] = v
  }
  return {
    pAlive,
    expectedPurchases: expected,
    discountedPurchases: det,
    value,
    horizon,
    deltaPerUnit: delta,
    method,
  }
}
