// Value tiers. Rank-based tiers are turned into value boundaries first, so both bases share one rule:
// a customer qualifies for the best tier whose boundary their total value reaches. A grace period
// keeps a customer in a higher tier until they have been below its boundary for longer than the
// grace; promotions are immediate. The state to carry to the next run is returned, never stored.
import { DataError } from '../../errors.ts'
import type { TiersConfig } from './config.ts'

/** Per-customer tier state kept between scoring runs (tier index 0 = best tier). */
export interface TierState {
  /** Tier held after the run; -1 = none yet. */
  readonly tier: Int8Array
  /** Day number since which the customer has been below the held tier's boundary; NaN = not below. */
  readonly belowSinceDay: Float64Array
  /** Scoring runs in a row below the held tier's boundary (grace unit 'runs'). */
  readonly runsBelow: Int32Array
  /**
   * Day number (as-of date) of the run that wrote each state; NaN = unknown. A run with the same
   * as-of date is the same scoring run again: it does not count once more in `runsBelow`.
   */
  readonly runDay?: Float64Array
}

export interface TierAssignment {
  /** Assigned tier index (0 = best), after the grace period. */
  readonly tier: Uint8Array
  /** The tier the total value alone qualifies for. */
  readonly qualifiedTier: Uint8Array
  /** 1 when the customer is kept in a higher tier than they qualify for by the grace period. */
  readonly heldByGrace: Uint8Array
  /** Days (or runs) of grace left while held; NaN otherwise. 0 = the last day of grace. */
  readonly graceLeft: Float64Array
  /** Minimum total value of each tier; the last tier's is -Infinity, an empty tier's +Infinity. */
  readonly boundaries: Float64Array
  /** Customers per assigned tier. */
  readonly counts: Int32Array
  /** The state to persist and pass as `previous` next time. */
  readonly state: TierState
}

/**
 * Minimum total value of each tier.
 *
 * basis 'threshold': the configured minValue (last tier: -Infinity).
 * basis 'rank': tier i takes the top floor(cumulative share * n) customers by total value; its
 * boundary is the value of the last of them, so customers tied at a boundary all get the higher
 * tier. A tier above the last never admits a total value <= 0: when the cut falls among such
 * values, the boundary is the smallest positive value above it; with none, the tier admits nobody
 * (no customer within its share has a positive value). A tier whose cut lands on the boundary of a tier above it (ties at that line, or the cut
 * among values <= 0 when only the top tiers hold positive values) admits nobody: every value that
 * reaches the line qualifies for the tier above first. Its boundary is +Infinity, as for a share
 * too small to hold one customer, so it has no minimum of its own to cite.
 * @example // values 100..1, default shares 2/8/20 %: boundaries [99, 91, 71, -Infinity]
 */
export function tierBoundaries(total: Float64Array, tiers: TiersConfig): Float64Array {
  const levels = tiers.levels
  const k = levels.length
  const b = new Float64Array(k)
  b[k - 1] = Number.NEGATIVE_INFINITY
  if (tiers.basis === 'threshold') {
    for (let i = 0; i < k - 1; i++) b[i] = levels[i]?.minValue ?? Number.POSITIVE_INFINITY
    return b
  }
  const n = total.length
  const desc = Float64Array.from(total).sort().reverse()
  let cum = 0
  // the lowest boundary so far: a tier cut at it again admits nobody
  let line = Number.POSITIVE_INFINITY
  for (let i = 0; i < k - 1; i++) {
    cum += levels[i]?.share ?? 0
    const count = Math.min(n, Math.floor(cum * n + 1e-9))
    let v = count >= 1 ? (desc[count - 1] as number) : Number.POSITIVE_INFINITY
    if (!(v > 0)) {
      // the cut falls among values <= 0, which no tier above the last admits: the boundary is the
      // last customer in, the smallest positive value of the top `count` (the same customers as
      // "any positive value", shown as the figure it is rather than 5e-324); without one the tier
      // admits nobody, with no minimum to cite (a minimum of 5e-324 read as "0" in reasons)
      let j = count - 1
      while (j >= 0 && !((desc[j] as number) > 0)) j--
      v = j >= 0 ? (desc[j] as number) : Number.POSITIVE_INFINITY
    }
    if (v >= line) {
      b[i] = Number.POSITIVE_INFINITY
      continue
    }
    b[i] = v
    line = v
  }
  return b
}

/**
 * Each rank tier's cumulative top share in percent, to one decimal ([2, 10, 30, 100] for the
 * default 2 / 8 / 20 / rest), as the reasons cite it ("top 10 % by total value").
 */
export function tierTopPercents(levels: TiersConfig['levels']): number[] {
  const out: number[] = []
  let cum = 0
  for (const l of levels) {
    cum += l.share ?? 0
    out.push(Math.round(cum * 1000) / 10)
  }
  return out
}

/** Index of the best tier whose boundary `value` reaches. */
export function qualifyingTier(value: number, boundaries: Float64Array): number {
  const last = boundaries.length - 1
  for (let i = 0; i < last; i++) if (value >= (boundaries[i] as number)) return i
  return last
}

export interface AssignTiersOptions {
  /** State returned by the previous run; without it nobody is held by grace. */
  readonly previous?: TierState
  /**
   * Day number of this run (same epoch as `belowSinceDay`); required for grace unit 'days', and
   * for 'runs' to know a re-run of the same as-of date (`TierState.runDay`).
   */
  readonly asOfDay?: number
  /**
   * Whether this is a new scoring run (default true). false re-reads the previous run's decision
   * (a profile between runs): with grace in runs, a customer below their tier is not one run
   * further into their grace than the stored state says.
   */
  readonly countRun?: boolean
}

/**
 * Assign every customer a tier with the grace period applied.
 *
 * With previous tier p and qualifying tier q (index, 0 = best): q <= p (same or promotion) gives q
 * at once. q > p (below p's boundary) keeps p while the customer has been below it for at most
 * `grace.length` days (counted from the first run found below) or runs (this run included;
 * a run on the as-of date of the customer's stored state, `previous.runDay`, is that run again
 * and does not count twice); after that q.
 * @example // Gold boundary 3000, 30-day grace: value 2800 on day 0 -> Gold (held, 30 days left);
 * // day 20 -> Gold (10 left); day 31 -> Silver
 * @throws DataError when `previous` has the wrong length or grace in days has no asOfDay
 */
export function assignTiers(
  total: Float64Array,
  tiers: TiersConfig,
  opts: AssignTiersOptions = {},
): TierAssignment {
  const n = total.length
  const prev = opts.previous
  if (
    prev &&
    (prev.tier.length !== n ||
      prev.belowSinceDay.length !== n ||
      prev.runsBelow.length !== n ||
      (prev.runDay !== undefined && prev.runDay.length !== n))
  ) {
    throw new DataError('previous tier state has a different number of customers', {
      customers: n,
      previous: prev.tier.length,
    })
  }
  const byDays = tiers.grace.unit === 'days'
  const asOf = opts.asOfDay ?? Number.NaN
  if (prev && byDays && !Number.isFinite(asOf)) {
    throw new DataError('a grace period in days needs the day number of this run (asOfDay)')
  }
  const grace = tiers.grace.length
  const boundaries = tierBoundaries(total, tiers)
  const k = boundaries.length
  const tier = new Uint8Array(n)
  const qualifiedTier = new Uint8Array(n)
  const heldByGrace = new Uint8Array(n)
  const graceLeft = new Float64Array(n).fill(Number.NaN)
  const counts = new Int32Array(k)
  const stTier = new Int8Array(n)
  const stBelow = new Float64Array(n).fill(Number.NaN)
  const stRuns = new Int32Array(n)
  const stDay = new Float64Array(n).fill(asOf)

  for (let i = 0; i < n; i++) {
    const q = qualifyingTier(total[i] as number, boundaries)
    qualifiedTier[i] = q
    let t = q
    const p = prev ? (prev.tier[i] as number) : -1
    if (p >= 0 && p < k && q > p) {
      if (byDays) {
        const before = prev?.belowSinceDay[i] as number
        const since = Number.isNaN(before) ? asOf : before
        const elapsed = asOf - since
        // a length of 0 is no grace, in days as in runs (day 0 would otherwise keep them a day)
        if (grace > 0 && elapsed <= grace) {
          t = p
          graceLeft[i] = grace - elapsed
          stBelow[i] = since
        }
      } else {
        const before = prev?.runsBelow[i] as number
        // a re-run for the same as-of date is that date's run again, already counted for a
        // customer it found below: re-running analyze must not use up the grace
        const again = before > 0 && prev?.runDay?.[i] === asOf
        const runs = before + (opts.countRun === false || again ? 0 : 1)
        if (runs <= grace) {
          t = p
          graceLeft[i] = grace - runs
          stRuns[i] = runs
        }
      }
      if (t === p) heldByGrace[i] = 1
    }
    tier[i] = t
    stTier[i] = t
    counts[t] = (counts[t] as number) + 1
  }
  return {
    tier,
    qualifiedTier,
    heldByGrace,
    graceLeft,
    boundaries,
    counts,
    state: { tier: stTier, belowSinceDay: stBelow, runsBelow: stRuns, runDay: stDay },
  }
}
