import { describe, expect, it } from 'vitest'
import { UsageError } from '../../errors.ts'
import { createRng } from '../random.ts'
import { DEFAULT_VALUE_CONFIG, parseValueConfig } from '../value/config.ts'
import { DEFAULT_OPS_CONFIG, parseOpsConfig } from './config.ts'
import {
  formatMinutes,
  type QueueEntry,
  rankQueue,
  resolveServicePolicy,
  serviceLevel,
} from './service-rank.ts'

const M = 60_000
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0)
const tiers = DEFAULT_VALUE_CONFIG.tiers
const policy = resolveServicePolicy(tiers, DEFAULT_OPS_CONFIG.serviceRank)

describe('resolveServicePolicy', () => {
  it('derives weights 8/4/2/1 from priorities 1-4 and takes targets from the value config', () => {
    expect(policy.levels.map((l) => l.weight)).toEqual([8, 4, 2, 1])
    expect(policy.levels.map((l) => l.responseTargetMinutes)).toEqual([60, 240, 1440, 2880])
    expect(policy.levels.map((l) => l.queue)).toEqual(['platinum', 'gold', 'silver', 'bronze'])
  })

  it('applies serviceRank overrides and rejects unknown tier names', () => {
    const ops = parseOpsConfig({
      serviceRank: { tiers: { Gold: { weight: 5, responseTargetMinutes: 30, queue: 'vip' } } },
    })
    const p = resolveServicePolicy(tiers, ops.serviceRank)
    expect(p.levels[1]).toMatchObject({ weight: 5, responseTargetMinutes: 30, queue: 'vip' })
    const bad = parseOpsConfig({ serviceRank: { tiers: { Diamond: { weight: 2 } } } })
    expect(() => resolveServicePolicy(tiers, bad.serviceRank)).toThrow(UsageError)
  })
})

describe('serviceLevel', () => {
  it('routes by tier name, index, or the last tier when unscored', () => {
    expect(serviceLevel(tiers, 'Platinum')).toEqual({
      tier: 0,
      tierName: 'Platinum',
      priority: 1,
      weight: 8,
      responseTargetMinutes: 60,
      dedicatedOwner: true,
      outreach: 'personal',
      perks: [
        'dedicated account manager',
        'early access',
        'invitation-only events',
        'free express shipping',
      ],
      queue: 'platinum',
    })
    expect(serviceLevel(tiers, 2).tierName).toBe('Silver')
    expect(serviceLevel(policy, null).tierName).toBe('Bronze')
  })

  it('throws a UsageError for unknown tiers', () => {
    expect(() => serviceLevel(tiers, 'Diamond')).toThrow(/unknown tier "Diamond"/)
    expect(() => serviceLevel(tiers, 4)).toThrow(UsageError)
    expect(() => serviceLevel(tiers, 1.5)).toThrow(UsageError)
  })
})

describe('rankQueue', () => {
  it('serves a top-tier caller who just arrived before a bottom-tier caller who waited 2 minutes', () => {
    const r = rankQueue(
      [
        { customerId: 'bronze', tier: 'Bronze', waitingSinceMs: NOW - 2 * M },
        { customerId: 'plat', tier: 'Platinum', waitingSinceMs: NOW },
      ],
      NOW,
      policy,
    )
    expect(r.map((x) => x.customerId)).toEqual(['plat', 'bronze'])
    // 8 × (1 + 0/60) vs 1 × (1 + 2/2880)
    expect(r[0]!.score).toBe(8)
    expect(r[1]!.score).toBeCloseTo(1 + 2 / 2880, 12)
    expect(r.map((x) => x.position)).toEqual([1, 2])
    expect(r[0]!.reason).toBe('Platinum (weight 8): waited 0 min of a 60 min target')
  })

  it('does not let a new top-tier caller pass a bottom-tier caller past their target', () => {
    const r = rankQueue(
      [
        { customerId: 'plat', tier: 0, waitingSinceMs: NOW },
        { customerId: 'bronze', tier: 3, waitingSinceMs: NOW - 2881 * M },
      ],
      NOW,
      policy,
    )
    expect(r.map((x) => x.customerId)).toEqual(['bronze', 'plat'])
    expect(r[0]).toMatchObject({ overdue: true, targetMinutes: 2880, waitedMinutes: 2881 })
    // 2,881 minutes of a 2,880-minute target both read "2 d": how far past it is said instead
    expect(r[0]!.reason).toBe(
      'waited 1 min past the 2 d target for Bronze: overdue customers go first, longest waiting first',
    )
    const whole = rankQueue(
      [{ customerId: 'bronze', tier: 3, waitingSinceMs: NOW - 2880 * M }],
      NOW,
      policy,
    )
    expect(whole[0]!.reason).toMatch(/^waited the whole of the 2 d target for Bronze: /)
    const far = rankQueue(
      [{ customerId: 'bronze', tier: 3, waitingSinceMs: NOW - 4000 * M }],
      NOW,
      policy,
    )
    expect(far[0]!.reason).toMatch(/^waited 2\.8 d, past the 2 d target for Bronze: /)
  })

  it('serves overdue customers oldest first, then the rest by score', () => {
    const maxWait = parseOpsConfig({ serviceRank: { maxWaitMinutes: 30 } }).serviceRank
    const p = resolveServicePolicy(tiers, maxWait)
    const q: QueueEntry[] = [
      { customerId: 'gold-new', tier: 1, waitingSinceMs: NOW - 1 * M },
      { customerId: 'plat-overdue', tier: 0, waitingSinceMs: NOW - 31 * M },
      { customerId: 'silver-old', tier: 2, waitingSinceMs: NOW - 45 * M },
      { customerId: 'plat-new', tier: 0, waitingSinceMs: NOW - 5 * M },
    ]
    const r = rankQueue(q, NOW, p)
    expect(r.map((x) => x.customerId)).toEqual([
      'silver-old',
      'plat-overdue',
      'plat-new',
      'gold-new',
    ])
    expect(r.map((x) => x.overdue)).toEqual([true, true, false, false])
    expect(r[0]!.deadlineMinutes).toBe(30)
    expect(r[0]!.reason).toMatch(/past the 30 min maximum wait/)
    // before it, the reason says when the maximum wait makes them overdue (sooner than the target)
    expect(r[2]!.reason).toBe(
      'Platinum (weight 8): waited 5 min of a 60 min target; overdue at the 30 min maximum wait',
    )
  })

  it('ties: a customer at their target ties with a new arrival one tier up; the longer wait wins', () => {
    const r = rankQueue(
      [
        { customerId: 'gold-new', tier: 1, waitingSinceMs: NOW },
        { customerId: 'silver-almost', tier: 2, waitingSinceMs: NOW - 1439 * M },
      ],
      NOW,
      policy,
    )
    // silver: 2 × (1 + 1439/1440) = 3.9986 < gold 4
    expect(r.map((x) => x.customerId)).toEqual(['gold-new', 'silver-almost'])
    const same = rankQueue(
      [
        { customerId: 'a', tier: 1, waitingSinceMs: NOW - M },
        { customerId: 'b', tier: 1, waitingSinceMs: NOW - M },
      ],
      NOW,
      policy,
    )
    expect(same.map((x) => x.customerId)).toEqual(['a', 'b'])
  })

  it('multiplies the target by the channel factor', () => {
    const ops = parseOpsConfig({ serviceRank: { channels: { email: { targetFactor: 4 } } } })
    const p = resolveServicePolicy(tiers, ops.serviceRank)
    const r = rankQueue(
      [
        { customerId: 'mail', tier: 0, waitingSinceMs: NOW - 90 * M, channel: 'email' },
        { customerId: 'phone', tier: 0, waitingSinceMs: NOW - 61 * M, channel: 'phone' },
      ],
      NOW,
      p,
    )
    expect(r.map((x) => [x.customerId, x.targetMinutes, x.overdue])).toEqual([
      ['phone', 60, true],
      ['mail', 240, false],
    ])
  })

  it('matches a channel in any case and with spaces around it', () => {
    // a desk sending "Email" got the factor 1 of an unknown channel
    const ops = parseOpsConfig({ serviceRank: { channels: { Email: { targetFactor: 4 } } } })
    const p = resolveServicePolicy(tiers, ops.serviceRank)
    for (const channel of ['email', 'EMAIL', ' Email ']) {
      const [r] = rankQueue(
        [{ customerId: 'mail', tier: 0, waitingSinceMs: NOW - 90 * M, channel }],
        NOW,
        p,
      )
      expect([r?.targetMinutes, r?.overdue], channel).toEqual([240, false])
    }
    expect(() =>
      parseOpsConfig({
        serviceRank: { channels: { email: { targetFactor: 4 }, Email: { targetFactor: 2 } } },
      }),
    ).toThrow(/serviceRank.channels.Email: the channel "Email" is "email" in another case/)
  })

  it('takes a channel named as an Object property (constructor, __proto__) as any unknown one', () => {
    const ops = parseOpsConfig({ serviceRank: { channels: { email: { targetFactor: 4 } } } })
    const p = resolveServicePolicy(tiers, ops.serviceRank)
    for (const channel of ['constructor', '__proto__', 'toString', 'fax']) {
      const [r] = rankQueue(
        [{ customerId: 'late', tier: 3, waitingSinceMs: NOW - 3 * 24 * 60 * M, channel }],
        NOW,
        p,
      )
      expect(r, channel).toMatchObject({ overdue: true })
      expect(Number.isFinite(r?.targetMinutes), channel).toBe(true)
      expect(r?.reason, channel).not.toMatch(/NaN/)
    }
  })

  it('counts a future waitingSince as no wait and rejects bad input', () => {
    const r = rankQueue([{ customerId: 'x', tier: 0, waitingSinceMs: NOW + 5 * M }], NOW, policy)
    expect(r[0]!.waitedMinutes).toBe(0)
    expect(() =>
      rankQueue([{ customerId: 'x', tier: 0, waitingSinceMs: Number.NaN }], NOW, policy),
    ).toThrow(UsageError)
    expect(() =>
      rankQueue([{ customerId: 'x', tier: 'Iron', waitingSinceMs: NOW }], NOW, policy),
    ).toThrow(UsageError)
    expect(rankQueue([], NOW, policy)).toEqual([])
  })

  it('works with a custom tier list', () => {
    const v = parseValueConfig({
      tiers: {
        levels: [
          { name: 'VIP', share: 0.1, serviceLevel: { priority: 1, responseTargetMinutes: 10 } },
          { name: 'Everyone', serviceLevel: { priority: 2, responseTargetMinutes: 100 } },
        ],
      },
    })
    const p = resolveServicePolicy(v.tiers)
    expect(p.levels.map((l) => l.weight)).toEqual([2, 1])
    const r = rankQueue(
      [
        { customerId: 'e', tier: 'Everyone', waitingSinceMs: NOW - 60 * M },
        { customerId: 'v', tier: 'VIP', waitingSinceMs: NOW - 1 * M },
      ],
      NOW,
      p,
    )
    // e: 1 × 1.6 = 1.6 < v: 2 × 1.1 = 2.2
    expect(r.map((x) => x.customerId)).toEqual(['v', 'e'])
  })

  it('formats durations for agents', () => {
    expect([
      formatMinutes(45),
      formatMinutes(240),
      formatMinutes(150),
      formatMinutes(2880),
    ]).toEqual(['45 min', '4 h', '2.5 h', '2 d'])
  })

  it('says a wait short of its target short of it: 239.98 min of 240 is not "4 h of a 4 h target"', () => {
    const r = rankQueue(
      [{ customerId: 'g', tier: 'Gold', waitingSinceMs: NOW - 239.98 * M }],
      NOW,
      policy,
    )
    expect(r[0]!.overdue).toBe(false)
    expect(r[0]!.reason).toBe('Gold (weight 4): waited 3.9 h of a 4 h target')
    expect(formatMinutes(59.99, true)).toBe('59 min')
  })
})

/**
 * One week of a help desk in whole minutes: Poisson arrivals (a quarter per tier), `capacity`
 * customers served per minute from the top of the ranked queue. Returns each served wait by tier.
 */
function simulate(
  seed: number,
  arrivalsPerMinute: number,
  capacity: number,
  maxWait: number | null,
) {
  const rng = createRng(seed)
  const p = resolveServicePolicy(tiers, { maxWaitMinutes: maxWait, tiers: {}, channels: {} })
  let queue: QueueEntry[] = []
  const waits: number[][] = [[], [], [], []]
  let id = 0
  for (let t = 0; t < 7 * 1440; t++) {
    const k = rng.poisson(arrivalsPerMinute)
    for (let j = 0; j < k; j++) {
      queue.push({
        customerId: String(id++),
        tier: Math.floor(rng.uniform() * 4),
        waitingSinceMs: t * M,
      })
    }
    const ranked = rankQueue(queue, t * M, p)
    const served = new Set<string>()
    for (const r of ranked.slice(0, capacity)) {
      served.add(r.customerId)
      waits[r.tier]!.push(r.waitedMinutes)
    }
    queue = queue.filter((q) => !served.has(q.customerId))
  }
  return { waits, left: queue.length, arrived: id }
}

describe('anti-starvation (seeded simulation)', () => {
  const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0)
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

  it.each([11, 12, 13])(
    'seed %i: nobody waits more than maxWait once capacity suffices',
    (seed) => {
      // 5.8 arrivals for 6 served per minute: busy (97 % load), queues of dozens form and clear.
      const guarded = simulate(seed, 5.8, 6, 30)
      const all = guarded.waits.flat()
      expect(all.length + guarded.left).toBe(guarded.arrived)
      expect(max(all)).toBeLessThanOrEqual(30)
      // Priority still works: the top tier waits far less on average than the bottom tier.
      expect(mean(guarded.waits[0]!)).toBeLessThan(mean(guarded.waits[3]!) / 3)
      // Without the maximum wait the bottom tier (2-day target) is passed over for longer than that.
      const unguarded = simulate(seed, 5.8, 6, null)
      expect(max(unguarded.waits[3]!)).toBeGreaterThan(30)
    },
  )
})
