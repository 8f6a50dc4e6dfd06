// Service queue ranking: overdue customers first (oldest first), the rest by tier weight × urgency.
// Tier priority alone would starve the bottom tier behind a stream of top-tier callers; the overdue
// rule bounds every wait by the tier's target (or the global maximum wait) once capacity suffices.
import { UsageError } from '../../errors.ts'
import type { TiersConfig } from '../value/config.ts'
import { channelKey, type ServiceRankConfig } from './config.ts'

const MINUTE = 60_000

/** One tier's service level, resolved from the value config and the ops serviceRank section. */
export interface ServiceLevel {
  readonly tier: number
  readonly tierName: string
  /** 1 = served first. */
  readonly priority: number
  readonly weight: number
  readonly responseTargetMinutes: number
  readonly dedicatedOwner: boolean
  readonly outreach: 'personal' | 'automated'
  /** The tier's perks (value config), for the help desk or CRM to honour. */
  readonly perks: readonly string[]
  /** Queue name for a help-desk router: the configured one, else the tier name in kebab-case. */
  readonly queue: string
}

export interface ServicePolicy {
  /** Best tier first, as in the value config. */
  readonly levels: readonly ServiceLevel[]
  readonly maxWaitMinutes: number | null
  readonly channelFactors: Readonly<Record<string, number>>
}

export interface QueueEntry {
  readonly customerId: string
  /** Tier index (0 = best) or name; null or absent = the last tier (customers not yet scored). */
  readonly tier?: number | string | null
  readonly waitingSinceMs: number
  readonly channel?: string | null
}

export interface RankedEntry {
  /** 1-based position in the served order. */
  readonly position: number
  readonly customerId: string
  readonly tier: number
  readonly tierName: string
  readonly channel: string | null
  readonly waitedMinutes: number
  /** The tier's response target × the channel factor. */
  readonly targetMinutes: number
  /** min(target, maxWaitMinutes): overdue from here on. */
  readonly deadlineMinutes: number
  readonly score: number
  readonly overdue: boolean
  readonly reason: string
}

function kebab(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'queue'
  )
}

/**
 * Resolve the ranking policy: each tier's weight (default 2^(maxPriority − priority), so with
 * priorities 1-4 the weights are 8, 4, 2, 1), response target (serviceRank override, else the value
 * config's serviceLevel.responseTargetMinutes), owner, outreach and queue.
 * @throws UsageError when serviceRank.tiers names a tier the value config does not have.
 */
export function resolveServicePolicy(
  tiers: TiersConfig,
  rank: ServiceRankConfig = { maxWaitMinutes: null, tiers: {}, channels: {} },
): ServicePolicy {
  const names = tiers.levels.map((l) => l.name)
  for (const n of Object.keys(rank.tiers)) {
    if (!names.includes(n)) {
      throw new UsageError(`serviceRank.tiers names unknown tier "${n}"`, { tier: n, tiers: names })
    }
  }
  let maxPriority = 1
  for (const l of tiers.levels) maxPriority = Math.max(maxPriority, l.serviceLevel.priority)
  const levels = tiers.levels.map((l, i): ServiceLevel => {
    const o = Object.hasOwn(rank.tiers, l.name) ? (rank.tiers[l.name] ?? {}) : {}
    return {
      tier: i,
      tierName: l.name,
      priority: l.serviceLevel.priority,
      weight: o.weight ?? 2 ** (maxPriority - l.serviceLevel.priority),
      responseTargetMinutes: o.responseTargetMinutes ?? l.serviceLevel.responseTargetMinutes,
      dedicatedOwner: l.serviceLevel.dedicatedOwner,
      outreach: l.outreach,
      perks: l.perks,
      queue: o.queue ?? kebab(l.name),
    }
  })
  const channelFactors: Record<string, number> = {}
  // keyed as compared (channelKey): a desk sending "Email" gets the factor of "email"
  for (const [k, v] of Object.entries(rank.channels)) channelFactors[channelKey(k)] = v.targetFactor
  return { levels, maxWaitMinutes: rank.maxWaitMinutes, channelFactors }
}

function levelOf(policy: ServicePolicy, tier: number | string | null | undefined): ServiceLevel {
  const { levels } = policy
  if (tier === null || tier === undefined) return levels[levels.length - 1]!
  if (typeof tier === 'number') {
    const l = Number.isInteger(tier) ? levels[tier] : undefined
    if (!l) throw new UsageError(`no tier with index ${tier}`, { tier, tiers: levels.length })
    return l
  }
  const l = levels.find((x) => x.tierName === tier)
  if (!l) {
    throw new UsageError(`unknown tier "${tier}"`, { tier, tiers: levels.map((x) => x.tierName) })
  }
  return l
}

/**
 * A customer's service level for routing by a help-desk tool.
 * @example serviceLevel(DEFAULT_VALUE_CONFIG.tiers, 'Platinum')
 *   // { priority: 1, responseTargetMinutes: 60, dedicatedOwner: true, queue: 'platinum', ... }
 * @throws UsageError for an unknown tier name or index.
 */
export function serviceLevel(
  tiers: TiersConfig | ServicePolicy,
  tier: number | string | null,
  rank?: ServiceRankConfig,
): ServiceLevel {
  const policy =
    'levels' in tiers && 'channelFactors' in tiers ? tiers : resolveServicePolicy(tiers, rank)
  return levelOf(policy, tier)
}

/** "45 min", "4 h", "1.5 h", "2 d": short enough for an agent's screen. */
export function formatMinutes(m: number, down = false): string {
  // `down`: a wait short of a target reads short of it (239.98 min of 240 was "4 h of a 4 h target")
  const at = (x: number, places: number) => {
    const k = 10 ** places
    return down ? Math.floor(x * k + 1e-9) / k : Number(x.toFixed(places))
  }
  if (m < 120) return `${at(m, 0)} min`
  if (m < 2880) return `${at(m / 60, 1)} h`
  return `${at(m / 1440, 1)} d`
}

/**
 * Order a queue of waiting customers at time `nowMs`.
 *
 * 1. Overdue first: waited ≥ deadline = min(tier target × channel factor, maxWaitMinutes). Among
 *    them, the longest waiting first (earliest waitingSinceMs), then tier priority.
 * 2. Then everyone else by score = weight × (1 + waited / target), highest first; ties: longest
 *    waiting, then tier priority. A new arrival starts at their tier's weight, and with the
 *    default weights a customer at their target (score 2w) ties with a new arrival one tier up.
 * Equal entries keep their input order. Waits before `waitingSinceMs` (clock skew) count as 0.
 * @example rankQueue([{ customerId: 'b', tier: 3, waitingSinceMs: now - 120_000 },
 *   { customerId: 'p', tier: 0, waitingSinceMs: now }], now, policy) // p first, then b
 * @throws UsageError for an unknown tier or a non-finite time.
 */
export function rankQueue(
  queue: readonly QueueEntry[],
  nowMs: number,
  policy: ServicePolicy,
): RankedEntry[] {
  if (!Number.isFinite(nowMs)) throw new UsageError('nowMs must be a finite epoch time', { nowMs })
  const rows = queue.map((q, i) => {
    if (!Number.isFinite(q.waitingSinceMs)) {
      throw new UsageError('waitingSinceMs must be a finite epoch time', {
        customerId: q.customerId,
        waitingSinceMs: q.waitingSinceMs,
      })
    }
    const level = levelOf(policy, q.tier)
    const channel = q.channel ?? null
    const key = channel === null ? null : channelKey(channel)
    // own keys only: a channel named "constructor" or "__proto__" is an unknown channel, not
    // Object's (which made its factor NaN and sent an overdue caller to the back)
    const factor =
      key !== null && Object.hasOwn(policy.channelFactors, key)
        ? (policy.channelFactors[key] as number)
        : 1
    const target = level.responseTargetMinutes * factor
    const deadline =
      policy.maxWaitMinutes === null ? target : Math.min(target, policy.maxWaitMinutes)
    const waited = Math.max(0, nowMs - q.waitingSinceMs) / MINUTE
    const overdue = waited >= deadline
    const score = level.weight * (1 + waited / target)
    return { i, q, level, channel, target, deadline, waited, overdue, score }
  })
  rows.sort((a, b) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1
    if (!a.overdue && a.score !== b.score) return b.score - a.score
    if (a.q.waitingSinceMs !== b.q.waitingSinceMs) return a.q.waitingSinceMs - b.q.waitingSinceMs
    if (a.level.priority !== b.level.priority) return a.level.priority - b.level.priority
    return a.i - b.i
  })
  return rows.map((r, k): RankedEntry => {
    const waitedText = formatMinutes(r.waited)
    const name = r.level.tierName
    let reason: string
    if (r.overdue) {
      const capped = r.deadline < r.target
      const limit = formatMinutes(capped ? r.deadline : r.target)
      const what = capped ? `the ${limit} maximum wait` : `the ${limit} target for ${name}`
      // a wait that rounds to the limit says how far past it, or that it is the whole of it
      // ("waited 2 d, past the 2 d target" read as equal)
      const over = r.waited - r.deadline
      const past =
        waitedText !== limit
          ? `waited ${waitedText}, past ${what}`
          : over < 0.5
            ? `waited the whole of ${what}`
            : `waited ${formatMinutes(over)} past ${what}`
      reason = `${past}: overdue customers go first, longest waiting first`
    } else {
      // the maximum wait, when it comes first, is when they go to the front: said, not left out
      const cap =
        r.deadline < r.target ? `; overdue at the ${formatMinutes(r.deadline)} maximum wait` : ''
      reason = `${name} (weight ${r.level.weight}): waited ${formatMinutes(r.waited, true)} of a ${formatMinutes(r.target)} target${cap}`
    }
    return {
      position: k + 1,
      customerId: r.q.customerId,
      tier: r.level.tier,
      tierName: name,
      channel: r.channel,
      waitedMinutes: r.waited,
      targetMinutes: r.target,
      deadlineMinutes: r.deadline,
      score: r.score,
      overdue: r.overdue,
      reason,
    }
  })
}
