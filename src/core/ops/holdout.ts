// Holdout control groups: a customer's group for a playbook is a pure function of (salt, playbook,
// customer) through SHA-256, so it never changes between runs, needs no stored state, and can be
// recomputed in SQL or Python. Effects are measured on repeat-purchase rates, treated vs control.
import { UsageError } from '../../errors.ts'
import { type ProportionInterval, twoProportionZTest, wilsonInterval } from '../stats/proportion.ts'
import type { HoldoutConfig } from './config.ts'
import { sha256 } from './sha256.ts'

/**
 * The customer's uniform draw in [0, 1) for a playbook: the first 52 bits of
 * SHA-256(UTF-8 of `${salt}:${playbookId}:${customerId}`) divided by 2^52.
 * @example holdoutDraw('c1', 'welcome', 'loyals') // same number on every run and machine
 */
export function holdoutDraw(customerId: string, playbookId: string, salt: string): number {
  const h = sha256(`${salt}:${playbookId}:${customerId}`)
  // 52 bits: 4 whole bytes, then 20 bits of the next three.
  const hi = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0
  const lo = ((h[4]! << 12) | (h[5]! << 4) | (h[6]! >>> 4)) >>> 0
  return (hi * 2 ** 20 + lo) / 2 ** 52
}

/** The control share configured for a playbook (its own entry, else the default). */
export function holdoutShare(config: HoldoutConfig, playbookId: string): number {
  return config.playbooks[playbookId] ?? config.defaultShare
}

/**
 * True when the customer is in the playbook's control group: draw < share. Raising the share only
 * adds customers to the control group; nobody moves from control to treated.
 * @example isHoldout('c1', 'welcome', { salt: 'loyals', defaultShare: 0, playbooks: {} }) // false
 */
export function isHoldout(customerId: string, playbookId: string, config: HoldoutConfig): boolean {
  const share = holdoutShare(config, playbookId)
  return share > 0 && holdoutDraw(customerId, playbookId, config.salt) < share
}

/** Customers in a group and how many of them converted (bought again) in the measuring window. */
export interface GroupOutcome {
  readonly n: number
  readonly converted: number
}

export interface GroupRate extends GroupOutcome {
  /** converted / n with its Wilson interval; null when n = 0. */
  readonly rate: ProportionInterval | null
}

export interface EffectEstimate {
  readonly treated: GroupRate
  readonly control: GroupRate
  /** treated rate − control rate; null unless both groups have customers. */
  readonly absoluteLift: number | null
  /** absoluteLift / control rate; null also when the control rate is 0. */
  readonly relativeLift: number | null
  /** Newcombe hybrid score interval of the difference (method 10). */
  readonly differenceInterval: { readonly lower: number; readonly upper: number } | null
  readonly z: number | null
  /** Two-sided p-value of the pooled two-proportion z-test. */
  readonly pValue: number | null
  readonly confidence: number
  /** Why some figures are null, in plain words; null when all are present. */
  readonly note: string | null
}

function groupRate(name: string, g: GroupOutcome, confidence: number): GroupRate {
  if (!Number.isInteger(g.n) || !Number.isInteger(g.converted) || g.converted < 0 || g.n < 0) {
    throw new UsageError(`${name}: n and converted must be non-negative integers`, { ...g })
  }
  if (g.converted > g.n) throw new UsageError(`${name}: converted exceeds n`, { ...g })
  return {
    n: g.n,
    converted: g.converted,
    rate: g.n === 0 ? null : wilsonInterval(g.converted, g.n, { confidence }),
  }
}

/**
 * Effect of a playbook on repeat purchase: treated vs control conversion rates, absolute and
 * relative lift, the Newcombe (1998, Stat. Med. 17:873, method 10) hybrid Wilson score interval of
 * the difference, L = d − √((p₁−l₁)² + (u₂−p₂)²), U = d + √((u₁−p₁)² + (p₂−l₂)²), and the pooled
 * two-proportion z-test (two-sided).
 * @example measureEffect({ n: 70, converted: 56 }, { n: 80, converted: 48 })
 *   // absoluteLift 0.2, differenceInterval ≈ [0.0524, 0.3339] (Newcombe's example)
 * @throws UsageError for negative or non-integer counts, converted > n, or confidence outside (0,1).
 */
export function measureEffect(
  treated: GroupOutcome,
  control: GroupOutcome,
  options: { readonly confidence?: number } = {},
): EffectEstimate {
  const confidence = options.confidence ?? 0.95
  if (!(confidence > 0 && confidence < 1)) {
    throw new UsageError('confidence must be above 0 and below 1 (0.95 for 95 %)', { confidence })
  }
  const t = groupRate('treated', treated, confidence)
  const c = groupRate('control', control, confidence)
  if (t.rate === null || c.rate === null) {
    const empty = [t.rate === null ? 'treated' : null, c.rate === null ? 'control' : null]
      .filter((x) => x !== null)
      .join(' and ')
    return {
      treated: t,
      control: c,
      absoluteLift: null,
      relativeLift: null,
      differenceInterval: null,
      z: null,
      pValue: null,
      confidence,
      note: `no customers in the ${empty} group: the effect cannot be measured`,
    }
  }
  const p1 = t.rate.estimate
  const p2 = c.rate.estimate
  const d = p1 - p2
  const lower = d - Math.sqrt((p1 - t.rate.lower) ** 2 + (c.rate.upper - p2) ** 2)
  const upper = d + Math.sqrt((t.rate.upper - p1) ** 2 + (p2 - c.rate.lower) ** 2)
  const test = twoProportionZTest(t.converted, t.n, c.converted, c.n)
  return {
    treated: t,
    control: c,
    absoluteLift: d,
    relativeLift: p2 === 0 ? null : d / p2,
    differenceInterval: { lower: Math.max(-1, lower), upper: Math.min(1, upper) },
    z: test.z,
    pValue: test.pValue,
    confidence,
    note: p2 === 0 ? 'no conversions in the control group: relative lift is undefined' : null,
  }
}
