// Engagement score: recency-weighted event counts, sum of weight(type) * 0.5^(age / halfLife), then
// a 0-100 percentile rank so scores compare across companies. Inputs are parallel typed columns
// (one entry per event) so 10M events need no per-event objects.
import { DataError } from '../../errors.ts'
import { ENGAGEMENT_EVENT_TYPES, type EngagementConfig } from './config.ts'

/** Events as parallel columns; `type` codes index {@link ENGAGEMENT_EVENT_TYPES}. */
export interface EngagementEvents {
  readonly customer: Int32Array
  readonly type: Uint8Array
  /** Days between the event and the as-of date (0 = on the as-of date). */
  readonly ageDays: Float64Array
}

export interface EngagementResult {
  /** Recency-weighted score per customer. */
  readonly score: Float64Array
  /** 0-100: percent of customers whose score is at or below this one; 0 for a score of 0. */
  readonly percentile: Float64Array
  /** Events per customer and type, row-major: `countsByType[i * types + code]`. */
  readonly countsByType: Int32Array
  readonly types: number
  /** Events ignored: after the as-of date (negative age) or with no age. */
  readonly skipped: number
}

/**
 * Percentile rank of each value among all values: 100 * #{j : v_j <= v_i} / n, so ties share a
 * rank and the largest value gets 100. Values <= 0 get 0 (a customer with no engagement is not
 * "at the 40th percentile" because 40 % of customers also have none).
 * O(n): the positive values are ordered by a radix sort of their bits (a positive double's bits
 * order like its value), then each run of equal values gets the count up to its end. A binary
 * search per value cost ~0.45 s per million.
 * @example Array.from(percentileRank(Float64Array.of(0, 5, 5, 10))) // [0, 75, 75, 100]
 */
export function percentileRank(values: Float64Array): Float64Array {
  return rank(values, null)
}

/**
 * {@link percentileRank} and, in the same pass, each positive value's top share: 100 * #{j : v_j >=
 * v_i} / n, the percent of customers at or above it (ties and the customer included), so the best
 * of 13 is in the top 7.7 % and 100 - topShare is the percent strictly below ("more engaged than").
 * The percentile counts ties as below, which overstates a strictly-below figure: with scores
 * 0, 5, 5, 10 the two 5s are at the 75th percentile yet above only 25 %. Values <= 0 get NaN (no
 * "top N %" for nothing).
 * @example rankShares(Float64Array.of(0, 5, 5, 10)).topShare // [NaN, 75, 75, 25]
 */
export function rankShares(values: Float64Array): {
  readonly percentile: Float64Array
  readonly topShare: Float64Array
} {
  const topShare = new Float64Array(values.length).fill(Number.NaN)
  return { percentile: rank(values, topShare), topShare }
}

function rank(values: Float64Array, top: Float64Array | null): Float64Array {
  const n = values.length
  const out = new Float64Array(n)
  const own = Float64Array.from(values)
  // little-endian words of each value: bits[2i] low, bits[2i + 1] high
  const bits = new Uint32Array(own.buffer)
  let below = 0
  let m = 0
  for (let i = 0; i < n; i++) {
    const v = own[i] as number
    if (v > 0) m++
    else if (v <= 0) below++
  }
  // (index, low word, high word) of each positive value, moved together so passes read in order
  let order = new Uint32Array(m)
  let lo = new Uint32Array(m)
  let hi = new Uint32Array(m)
  let k = 0
  for (let i = 0; i < n; i++) {
    if ((own[i] as number) > 0) {
      order[k] = i
      lo[k] = bits[2 * i] as number
      hi[k] = bits[2 * i + 1] as number
      k++
    }
  }
  let order2 = new Uint32Array(m)
  let lo2 = new Uint32Array(m)
  let hi2 = new Uint32Array(m)
  const count = new Uint32Array(1 << 16)
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? lo : hi
    const shift = (pass & 1) * 16
    count.fill(0)
    for (let j = 0; j < m; j++) {
      const d = ((key[j] as number) >>> shift) & 0xffff
      count[d] = (count[d] as number) + 1
    }
    // every value has this digit alike: the pass would not move anything
    if (m === 0 || count.includes(m)) continue
    let sum = 0
    for (let d = 0; d < count.length; d++) {
      const c = count[d] as number
      count[d] = sum
      sum += c
    }
    for (let j = 0; j < m; j++) {
      const d = ((key[j] as number) >>> shift) & 0xffff
      const at = count[d] as number
      order2[at] = order[j] as number
      lo2[at] = lo[j] as number
      hi2[at] = hi[j] as number
      count[d] = at + 1
    }
    ;[order, order2] = [order2, order]
    ;[lo, lo2] = [lo2, lo]
    ;[hi, hi2] = [hi2, hi]
  }
  let start = 0
  while (start < m) {
    const v = own[order[start] as number] as number
    let end = start + 1
    while (end < m && own[order[end] as number] === v) end++
    const rank = (100 * (below + end)) / n
    for (let j = start; j < end; j++) out[order[j] as number] = rank
    if (top) {
      // the positive values from this run up: the run itself counted, those below it not
      const share = (100 * (m - start)) / n
      for (let j = start; j < end; j++) top[order[j] as number] = share
    }
    start = end
  }
  return out
}

/**
 * Engagement score and percentile of every customer.
 *
 * score_i = sum over i's events e of weight(type_e) * 0.5^(age_e / halfLifeDays): an event today
 * counts its full weight, one a half-life ago half of it (exponential forgetting, as in
 * recency-weighted RFM scoring).
 * @example // one review today (5) + one email click 90 days ago (2 * 0.5 = 1): score 6
 * @throws DataError when the columns differ in length, a customer index is outside 0..n-1 or a type
 *   code is unknown
 */
export function engagementScores(
  n: number,
  events: EngagementEvents,
  cfg: EngagementConfig,
): EngagementResult {
  const { customer, type, ageDays } = events
  const m = customer.length
  if (type.length !== m || ageDays.length !== m) {
    throw new DataError('engagement columns differ in length', {
      customer: m,
      type: type.length,
      ageDays: ageDays.length,
    })
  }
  const types = ENGAGEMENT_EVENT_TYPES.length
  const weight = new Float64Array(types)
  ENGAGEMENT_EVENT_TYPES.forEach((t, code) => {
    weight[code] = cfg.weights[t]
  })
  const rate = -Math.LN2 / cfg.halfLifeDays
  const score = new Float64Array(n)
  const countsByType = new Int32Array(n * types)
  let skipped = 0
  for (let e = 0; e < m; e++) {
    const c = customer[e] as number
    const t = type[e] as number
    const age = ageDays[e] as number
    if (c < 0 || c >= n) {
      throw new DataError(`engagement event ${e} names a customer index outside 0..${n - 1}`, {
        event: e,
        customer: c,
      })
    }
    if (t >= types) {
      throw new DataError(`engagement event ${e} has unknown type code ${t}`, { event: e, type: t })
    }
    if (!(age >= 0)) {
      skipped++
      continue
    }
    score[c] = (score[c] as number) + (weight[t] as number) * Math.exp(rate * age)
    const k = c * types + t
    countsByType[k] = (countsByType[k] as number) + 1
  }
  return { score, percentile: percentileRank(score), countsByType, types, skipped }
}
