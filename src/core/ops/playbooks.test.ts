import { describe, expect, it } from 'vitest'
import { UsageError } from '../../errors.ts'
import { type Channel, type OpsConfigInput, parseOpsConfig } from './config.ts'
import { evaluateTriggers, lastAnniversary, type OpsProfile } from './playbooks.ts'

const DAY = 86_400_000
const NOW = Date.UTC(2024, 5, 15, 10, 0, 0)
const hook = (template: string, channel: Channel = 'email') => ({
  type: 'webhook' as const,
  url: 'https://hooks.example.com/messages',
  channel,
  template,
})

function config(playbooks: OpsConfigInput['playbooks'], holdoutShare = 0) {
  return parseOpsConfig({ playbooks, holdout: { defaultShare: holdoutShare } })
}

const base: OpsProfile = {
  customerId: 'c-1',
  orderCount: 0,
  lifetimeSpend: 0,
  firstOrderMs: null,
  lastOrderMs: null,
}
const firstOrder: OpsProfile = {
  ...base,
  orderCount: 1,
  lifetimeSpend: 80,
  firstOrderMs: NOW - 60_000,
  lastOrderMs: NOW - 60_000,
}

describe('first order and onboarding', () => {
  const ops = config([
    {
      id: 'welcome',
      department: 'marketing',
      trigger: { type: 'first_order' },
      actions: [hook('welcome')],
    },
    {
      id: 'onboarding',
      department: 'marketing',
      priority: 4,
      trigger: {
        type: 'onboarding',
        steps: [{ delayDays: 1 }, { delayDays: 3, template: 'tips' }, { delayDays: 10 }],
      },
      actions: [hook('onboarding-default')],
    },
  ])

  it('welcomes on the first order and plans every onboarding step with "step k of N"', () => {
    const a = evaluateTriggers(
      { type: 'order', id: 'o1', atMs: NOW - 60_000 },
      base,
      firstOrder,
      NOW,
      ops,
    )
    expect(a.map((x) => x.idempotencyKey)).toEqual([
      'welcome:c-1:first-order:a0',
      'onboarding:c-1:onboarding-step-1:a0',
      'onboarding:c-1:onboarding-step-2:a0',
      'onboarding:c-1:onboarding-step-3:a0',
    ])
    expect(a[0]).toMatchObject({ scheduledAtMs: NOW, channel: 'email', template: 'welcome' })
    const steps = a.slice(1)
    expect(steps.map((s) => s.variables.progress)).toEqual([
      'step 1 of 3',
      'step 2 of 3',
      'step 3 of 3',
    ])
    expect(steps.map((s) => s.scheduledAtMs)).toEqual([1, 3, 10].map((d) => NOW - 60_000 + d * DAY))
    expect(steps.map((s) => s.template)).toEqual([
      'onboarding-default',
      'tips',
      'onboarding-default',
    ])
    expect(steps[1]!.reason).toMatch(/\(step 2 of 3\)$/)
  })

  it('does not fire again on the second order, and leaves out keys already stored', () => {
    const second = { ...firstOrder, orderCount: 2 }
    expect(evaluateTriggers({ type: 'order', id: 'o2' }, firstOrder, second, NOW, ops)).toEqual([])
    const fired = new Set(['welcome:c-1:first-order:a0', 'onboarding:c-1:onboarding-step-1:a0'])
    const again = evaluateTriggers({ type: 'order', id: 'o1' }, base, firstOrder, NOW, ops, {
      firedKeys: fired,
    })
    expect(again.map((x) => x.variables.step)).toEqual([2, 3])
  })

  it('is pure: the same inputs give the same actions', () => {
    const e = { type: 'order', id: 'o1' } as const
    expect(evaluateTriggers(e, base, firstOrder, NOW, ops)).toEqual(
      evaluateTriggers(e, base, firstOrder, NOW, ops),
    )
  })

  it('ignores first orders older than staleAfterDays (a backfill greets nobody)', () => {
    const old = { ...firstOrder, firstOrderMs: NOW - 30 * DAY, lastOrderMs: NOW - 30 * DAY }
    expect(evaluateTriggers({ type: 'order', id: 'o1' }, base, old, NOW, ops)).toEqual([])
  })

  it('starts a signup sequence only on a signup event', () => {
    const s = config([
      {
        id: 'signup-seq',
        department: 'marketing',
        trigger: {
          type: 'onboarding',
          start: 'signup',
          steps: [{ delayDays: 0 }, { delayDays: 2 }],
        },
        actions: [hook('hello')],
      },
    ])
    expect(evaluateTriggers({ type: 'order', id: 'o1' }, base, firstOrder, NOW, s)).toEqual([])
    const a = evaluateTriggers({ type: 'signup', id: 's1', atMs: NOW }, null, base, NOW, s)
    expect(a.map((x) => [x.variables.progress, x.scheduledAtMs])).toEqual([
      ['step 1 of 2', NOW],
      ['step 2 of 2', NOW + 2 * DAY],
    ])
  })
})

describe('time triggers', () => {
  it('next purchase due: fires after expected date + tolerance, keyed by the expected date', () => {
    const ops = config([
      {
        id: 'nudge',
        department: 'marketing',
        trigger: { type: 'next_purchase_due', toleranceDays: 5 },
        actions: [hook('miss-you')],
      },
    ])
    const expected = Date.UTC(2024, 5, 5)
    const p = { ...firstOrder, lastOrderMs: Date.UTC(2024, 4, 1), expectedNextPurchaseMs: expected }
    // 4 days late: within tolerance.
    expect(evaluateTriggers({ type: 'tick' }, p, p, expected + 4 * DAY, ops)).toEqual([])
    const a = evaluateTriggers({ type: 'tick' }, p, p, expected + 6 * DAY, ops)
    expect(a.map((x) => x.idempotencyKey)).toEqual(['nudge:c-1:due-2024-06-05:a0'])
    expect(a[0]!.variables).toEqual({ expectedDate: '2024-06-05', daysLate: 6 })
    // A later tick finds the same due date: same key, so the store keeps one.
    expect(
      evaluateTriggers({ type: 'tick' }, p, p, expected + 9 * DAY, ops)[0]!.idempotencyKey,
    ).toBe(a[0]!.idempotencyKey)
    // Only the scheduler's tick fires time triggers, never an event that happens to come late.
    for (const type of ['order', 'profile_change', 'signup'] as const) {
      expect(
        evaluateTriggers({ type, id: 'e', atMs: expected }, p, p, expected + 6 * DAY, ops),
      ).toEqual([])
    }
    // An order after the expected date moves it: nothing due.
    const bought = { ...p, lastOrderMs: expected + DAY }
    expect(evaluateTriggers({ type: 'tick' }, p, bought, expected + 6 * DAY, ops)).toEqual([])
  })

  it('anniversary: yearly, keyed by the year count, within the window', () => {
    const ops = config([
      {
        id: 'anniv',
        department: 'recognition',
        trigger: { type: 'anniversary', windowDays: 3 },
        actions: [hook('happy-anniversary')],
      },
    ])
    const p = { ...firstOrder, orderCount: 5, firstOrderMs: Date.UTC(2021, 5, 14, 18) }
    const a = evaluateTriggers({ type: 'tick' }, p, p, NOW, ops)
    expect(a.map((x) => x.idempotencyKey)).toEqual(['anniv:c-1:anniversary-3:a0'])
    expect(a[0]!.variables.years).toBe(3)
    expect(a[0]!.reason).toBe('3 years since the first purchase on 2021-06-14')
    expect(evaluateTriggers({ type: 'tick' }, p, p, NOW + 3 * DAY, ops)).toEqual([])
    // Less than a year after the first purchase: nothing.
    const young = { ...p, firstOrderMs: Date.UTC(2024, 0, 1) }
    expect(evaluateTriggers({ type: 'tick' }, young, young, NOW, ops)).toEqual([])
  })

  it('anniversary of Feb 29 falls on Feb 28 in common years', () => {
    const first = Date.UTC(2020, 1, 29)
    expect(lastAnniversary(first, Date.UTC(2023, 1, 28, 5))).toEqual({
      years: 3,
      atMs: Date.UTC(2023, 1, 28),
    })
    expect(lastAnniversary(first, Date.UTC(2024, 1, 29, 5))).toEqual({
      years: 4,
      atMs: Date.UTC(2024, 1, 29),
    })
    expect(lastAnniversary(first, Date.UTC(2023, 1, 27)).years).toBe(2)
  })

  it('best customer at risk: top tier with low P(alive) or k usual gaps without an order', () => {
    const ops = config([
      {
        id: 'save-best',
        department: 'service',
        priority: 1,
        trigger: { type: 'best_at_risk', pAliveBelow: 0.4, gapMultiple: 3 },
        actions: [{ type: 'task', role: 'account_manager', title: 'Call', dueInDays: 2 }],
      },
    ])
    const last = NOW - 50 * DAY
    const top = {
      ...firstOrder,
      orderCount: 12,
      lastOrderMs: last,
      tier: 0,
      usualGapDays: 20,
      pAlive: 0.7,
    }
    expect(evaluateTriggers({ type: 'tick' }, top, top, NOW, ops)).toEqual([])
    const lowAlive = { ...top, pAlive: 0.3 }
    const a = evaluateTriggers({ type: 'tick' }, lowAlive, lowAlive, NOW, ops)
    expect(a[0]).toMatchObject({
      idempotencyKey: `save-best:c-1:at-risk-${new Date(last).toISOString().slice(0, 10)}:a0`,
      kind: 'task',
      channel: null,
      dueAtMs: NOW + 2 * DAY,
      department: 'service',
    })
    expect(a[0]!.reason).toBe('Platinum customer at risk: P(alive) 0.30 below 0.4')
    const overdue = { ...top, lastOrderMs: NOW - 61 * DAY }
    expect(evaluateTriggers({ type: 'tick' }, overdue, overdue, NOW, ops)[0]!.reason).toBe(
      'Platinum customer at risk: no order in 61 days against a usual 20',
    )
    // Not the top tier: nothing.
    const gold = { ...lowAlive, tier: 1 }
    expect(evaluateTriggers({ type: 'tick' }, gold, gold, NOW, ops)).toEqual([])
    // A tick dated before the last order (a catch-up run) sees a later profile: not at risk yet.
    expect(evaluateTriggers({ type: 'tick' }, lowAlive, lowAlive, last - DAY, ops)).toEqual([])
  })

  it('no order for N days: once per lapse, optional tier and order-count filters', () => {
    const ops = config([
      {
        id: 'win-back',
        department: 'marketing',
        trigger: { type: 'no_order_for', days: 60, tiers: ['Gold', 'Silver'], minOrders: 2 },
        actions: [hook('we-miss-you')],
      },
    ])
    const last = Date.UTC(2024, 3, 1, 15)
    const p = { ...firstOrder, orderCount: 3, lastOrderMs: last, tier: 1 }
    expect(evaluateTriggers({ type: 'tick' }, p, p, last + 59 * DAY, ops)).toEqual([])
    const a = evaluateTriggers({ type: 'tick' }, p, p, last + 61 * DAY, ops)
    expect(a.map((x) => x.idempotencyKey)).toEqual(['win-back:c-1:no-order-since-2024-04-01:a0'])
    expect(a[0]!.variables).toEqual({ daysSinceLastOrder: 61, lastOrderDate: '2024-04-01' })
    expect(a[0]!.reason).toBe('no order for 61 days (since 2024-04-01)')
    // a new order starts a new lapse with a new key
    const again = { ...p, lastOrderMs: last + 70 * DAY }
    expect(
      evaluateTriggers({ type: 'tick' }, again, again, last + 131 * DAY, ops)[0],
    ).toMatchObject({ idempotencyKey: 'win-back:c-1:no-order-since-2024-06-10:a0' })
    // filtered out: the top tier, a one-time buyer, an unscored customer
    for (const q of [
      { ...p, tier: 0 },
      { ...p, orderCount: 1 },
      { ...p, tier: null },
    ]) {
      expect(evaluateTriggers({ type: 'tick' }, q, q, last + 61 * DAY, ops)).toEqual([])
    }
  })
})

describe('state and event triggers', () => {
  it('tier up and down with from/to filters', () => {
    const ops = config([
      {
        id: 'congrats',
        department: 'recognition',
        trigger: { type: 'tier_up', to: ['Platinum', 'Gold'] },
        actions: [hook('welcome-to-tier')],
      },
      {
        id: 'dropped',
        department: 'service',
        trigger: { type: 'tier_down', from: ['Platinum'] },
        actions: [{ type: 'task', assignee: 'maria', title: 'Check in' }],
      },
    ])
    const b = { ...firstOrder, tier: 2 }
    const up = evaluateTriggers(
      { type: 'profile_change', atMs: NOW },
      b,
      { ...b, tier: 1 },
      NOW,
      ops,
    )
    expect(up.map((x) => x.idempotencyKey)).toEqual(['congrats:c-1:tier-2-1-2024-06-15:a0'])
    expect(up[0]!.variables).toEqual({ fromTier: 'Silver', toTier: 'Gold' })
    expect(evaluateTriggers({ type: 'profile_change' }, b, { ...b, tier: 3 }, NOW, ops)).toEqual([])
    expect(
      evaluateTriggers({ type: 'profile_change' }, { ...b, tier: 3 }, b, NOW, ops), // Bronze → Silver
    ).toEqual([])
    const down = evaluateTriggers({ type: 'profile_change' }, { ...b, tier: 0 }, b, NOW, ops)
    expect(down.map((x) => x.playbookId)).toEqual(['dropped'])
    expect(down[0]!.reason).toBe('moved down from Platinum to Silver')
    // no tier before (a first order): Gold is a move up from where everyone starts, Bronze is not
    const fresh = { ...firstOrder, tier: null }
    const newGold = evaluateTriggers(
      { type: 'profile_change', atMs: NOW },
      fresh,
      { ...fresh, tier: 1 },
      NOW,
      ops,
    )
    expect(newGold.map((x) => x.idempotencyKey)).toEqual(['congrats:c-1:tier-new-1-2024-06-15:a0'])
    expect(newGold[0]!.reason).toBe('reached Gold with the first purchases')
    expect(newGold[0]!.variables).toEqual({ fromTier: 'none', toTier: 'Gold' })
    expect(
      evaluateTriggers({ type: 'profile_change' }, fresh, { ...fresh, tier: 3 }, NOW, ops),
    ).toEqual([])
  })

  it('referral and review recognition keyed by event id; an id is required', () => {
    const ops = config([
      {
        id: 'thanks-ref',
        department: 'recognition',
        trigger: { type: 'referral_made' },
        actions: [hook('t')],
      },
      {
        id: 'thanks-rev',
        department: 'recognition',
        trigger: { type: 'review_posted' },
        actions: [hook('t')],
      },
    ])
    const a = evaluateTriggers(
      { type: 'referral', id: 'r/9', atMs: NOW },
      firstOrder,
      firstOrder,
      NOW,
      ops,
    )
    expect(a.map((x) => x.idempotencyKey)).toEqual(['thanks-ref:c-1:referral-r%2F9:a0'])
    const r = evaluateTriggers(
      { type: 'review', id: 'v1', atMs: NOW },
      firstOrder,
      firstOrder,
      NOW,
      ops,
    )
    expect(r.map((x) => x.playbookId)).toEqual(['thanks-rev'])
    expect(() => evaluateTriggers({ type: 'review' }, firstOrder, firstOrder, NOW, ops)).toThrow(
      UsageError,
    )
    // A review from weeks ago arriving late is stale.
    expect(
      evaluateTriggers(
        { type: 'review', id: 'v2', atMs: NOW - 20 * DAY },
        firstOrder,
        firstOrder,
        NOW,
        ops,
      ),
    ).toEqual([])
  })

  it('milestones fire the highest threshold crossed, once per threshold', () => {
    const ops = config([
      {
        id: 'ms',
        department: 'recognition',
        trigger: { type: 'milestone', orderCounts: [5, 10], spendThresholds: [1000] },
        actions: [hook('milestone')],
      },
    ])
    const p4 = { ...firstOrder, orderCount: 4, lifetimeSpend: 900 }
    const p5 = { ...p4, orderCount: 5, lifetimeSpend: 950 }
    expect(evaluateTriggers({ type: 'order', id: 'o5' }, p4, p5, NOW, ops)[0]!.idempotencyKey).toBe(
      'ms:c-1:orders-5:a0',
    )
    const p6 = { ...p5, orderCount: 6, lifetimeSpend: 1200 }
    const s = evaluateTriggers({ type: 'order', id: 'o6' }, p5, p6, NOW, ops)
    expect(s.map((x) => [x.idempotencyKey, x.variables.kind])).toEqual([
      ['ms:c-1:spend-1000:a0', 'spend'],
    ])
    // A batch import jumping from 4 to 12 orders fires 10 only.
    const p12 = { ...p4, orderCount: 12 }
    expect(
      evaluateTriggers({ type: 'order', id: 'o12' }, p4, p12, NOW, ops)[0]!.variables.milestone,
    ).toBe(10)
  })
})

describe('holdout and config handling', () => {
  it('marks every action of a control customer, consistently across steps', () => {
    const ops = config(
      [
        {
          id: 'onb',
          department: 'marketing',
          trigger: { type: 'onboarding', steps: [{ delayDays: 0 }, { delayDays: 1 }] },
          actions: [hook('x')],
        },
      ],
      0.5,
    )
    let control = 0
    for (let i = 0; i < 200; i++) {
      const p = { ...firstOrder, customerId: `c${i}` }
      const a = evaluateTriggers(
        { type: 'order', id: 'o' },
        { ...base, customerId: `c${i}` },
        p,
        NOW,
        ops,
      )
      expect(a).toHaveLength(2)
      expect(a[0]!.control).toBe(a[1]!.control)
      if (a[0]!.control) control++
    }
    expect(control).toBeGreaterThan(60)
    expect(control).toBeLessThan(140)
  })

  it('skips disabled playbooks and rejects mismatched profiles and unknown tier names', () => {
    const off = config([
      {
        id: 'w',
        enabled: false,
        department: 'marketing',
        trigger: { type: 'first_order' },
        actions: [hook('w')],
      },
    ])
    expect(evaluateTriggers({ type: 'order', id: 'o' }, base, firstOrder, NOW, off)).toEqual([])
    expect(() =>
      evaluateTriggers({ type: 'order' }, { ...base, customerId: 'other' }, firstOrder, NOW, off),
    ).toThrow(UsageError)
    const bad = config([
      {
        id: 'up',
        department: 'recognition',
        trigger: { type: 'tier_up', to: ['Diamond'] },
        actions: [hook('u')],
      },
    ])
    const b = { ...firstOrder, tier: 2 }
    expect(() =>
      evaluateTriggers({ type: 'profile_change' }, b, { ...b, tier: 1 }, NOW, bad),
    ).toThrow(/unknown tier "Diamond"/)
  })
})

describe('survey_answered', () => {
  const ops = config([
    {
      id: 'recover',
      department: 'service',
      trigger: { type: 'survey_answered', npsAtMost: 6, cesAtLeast: 6 },
      actions: [{ type: 'task', role: 'cx', title: 'Call back' }],
    },
    {
      id: 'thank-every-answer',
      department: 'recognition',
      trigger: { type: 'survey_answered' },
      actions: [hook('thanks')],
    },
  ])
  const answer = (survey: { nps?: number; ces?: number; csat?: number }, id = 's1', atMs = NOW) =>
    evaluateTriggers({ type: 'profile_change', id, atMs, survey }, firstOrder, firstOrder, NOW, ops)

  it('fires on a detractor or a hard time, keyed by the event id, with the scores', () => {
    const a = answer({ nps: 3, csat: 4 })
    expect(a.map((x) => x.idempotencyKey)).toEqual([
      'recover:c-1:survey-s1:a0',
      'thank-every-answer:c-1:survey-s1:a0',
    ])
    expect(a[0]!.reason).toBe('answered a survey on 2024-06-15: NPS 3 (a detractor)')
    expect(a[0]!.variables).toEqual({ nps: 3, csat: 4 })
    expect(a[1]!.reason).toBe('answered a survey on 2024-06-15: NPS 3 (a detractor), CSAT 4 of 5')
    expect(answer({ ces: 6 }).map((x) => x.playbookId)).toEqual(['recover', 'thank-every-answer'])
  })

  it('does not fire the conditions on a promoter, nor on a profile change without an answer', () => {
    expect(answer({ nps: 9, ces: 2 }).map((x) => x.playbookId)).toEqual(['thank-every-answer'])
    expect(answer({ nps: 7 }).map((x) => x.playbookId)).toEqual(['thank-every-answer'])
    expect(
      evaluateTriggers(
        { type: 'profile_change', id: 'x', atMs: NOW },
        firstOrder,
        firstOrder,
        NOW,
        ops,
      ),
    ).toEqual([])
    // an answer from weeks ago arriving late is stale
    expect(answer({ nps: 0 }, 's2', NOW - 20 * DAY)).toEqual([])
  })

  it('refuses conditions outside the scales', () => {
    const playbook = (trigger: { npsAtMost?: number; cesAtLeast?: number }) =>
      config([
        {
          id: 'x',
          department: 'service',
          trigger: { type: 'survey_answered', ...trigger },
          actions: [hook('t')],
        },
      ])
    expect(() => playbook({ npsAtMost: 11 })).toThrow(/npsAtMost/)
    expect(() => playbook({ cesAtLeast: 0 })).toThrow(/cesAtLeast/)
    expect(playbook({ npsAtMost: 6 }).playbooks).toHaveLength(1)
  })
})
