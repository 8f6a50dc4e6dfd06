import { describe, expect, it } from 'vitest'
import { UsageError } from '../../errors.ts'
import { createRng } from '../random.ts'
import { type Channel, DEPARTMENTS, type Department, parseOpsConfig } from './config.ts'
import {
  applyContactBudget,
  type BudgetCandidate,
  type ContactLogEntry,
  localMinuteOfDay,
  quietHoursEnd,
} from './contact-budget.ts'

const DAY = 86_400_000
const H = 3_600_000
// 14:00 UTC: outside quiet hours in UTC.
const NOW = Date.UTC(2024, 5, 12, 14, 0, 0)
const budget = parseOpsConfig({}).contactBudget

const cand = (
  key: string,
  department: Department,
  channel: Channel | null = 'email',
  extra: Partial<BudgetCandidate> = {},
): BudgetCandidate => ({
  idempotencyKey: key,
  kind: channel === null ? 'task' : 'webhook',
  channel,
  department,
  priority: 5,
  ...extra,
})
const sent = (daysAgo: number, channel: Channel | null = 'email'): ContactLogEntry => ({
  atMs: NOW - daysAgo * DAY,
  channel,
  department: 'marketing',
})

describe('local time', () => {
  it('reads the wall clock of an IANA zone', () => {
    expect(localMinuteOfDay(Date.UTC(2024, 0, 1, 12, 30), 'Europe/Berlin')).toBe(13 * 60 + 30)
    expect(localMinuteOfDay(Date.UTC(2024, 6, 1, 12, 30), 'Europe/Berlin')).toBe(14 * 60 + 30)
    expect(localMinuteOfDay(Date.UTC(2024, 0, 1, 3), 'Asia/Kolkata')).toBe(8 * 60 + 30)
    expect(() => localMinuteOfDay(NOW, 'Mars/Olympus')).toThrow(UsageError)
  })

  it('finds the end of quiet hours across midnight and across a daylight-saving change', () => {
    // 22:00 EST on 2024-03-09; clocks go forward at 02:00, so 08:00 EDT is 12:00Z, not 13:00Z.
    expect(quietHoursEnd(Date.UTC(2024, 2, 10, 3), 'America/New_York', 21, 8)).toBe(
      Date.UTC(2024, 2, 10, 12),
    )
    // 23:30 in Berlin summer time: 08:00 local next day = 06:00Z.
    expect(quietHoursEnd(Date.UTC(2024, 6, 1, 21, 30), 'Europe/Berlin', 21, 8)).toBe(
      Date.UTC(2024, 6, 2, 6),
    )
    // 06:15 local: same morning.
    expect(quietHoursEnd(Date.UTC(2024, 6, 1, 4, 15), 'Europe/Berlin', 21, 8)).toBe(
      Date.UTC(2024, 6, 1, 6),
    )
    // Not quiet: unchanged. Same-day window 12-14.
    expect(quietHoursEnd(NOW, 'UTC', 21, 8)).toBe(NOW)
    expect(quietHoursEnd(Date.UTC(2024, 0, 1, 13, 10), 'UTC', 12, 14)).toBe(
      Date.UTC(2024, 0, 1, 14),
    )
    expect(quietHoursEnd(Date.UTC(2024, 0, 1, 14), 'UTC', 12, 14)).toBe(Date.UTC(2024, 0, 1, 14))
    expect(quietHoursEnd(Date.UTC(2024, 0, 1, 2), 'UTC', 8, 8)).toBe(Date.UTC(2024, 0, 1, 2))
  })
})

describe('applyContactBudget', () => {
  it('gives the last slot to service over marketing (3 per 7 days, 2 used)', () => {
    const d = applyContactBudget(
      [cand('mkt', 'marketing'), cand('svc', 'service'), cand('rec', 'recognition')],
      [sent(1), sent(6.9)],
      NOW,
      budget,
    )
    expect(d.map((x) => [x.idempotencyKey, x.outcome, x.reason])).toEqual([
      ['mkt', 'suppressed', 'lower_priority'],
      ['svc', 'allowed', null],
      ['rec', 'suppressed', 'lower_priority'],
    ])
    expect(d[0]!.blockedBy).toEqual(['svc'])
    expect(d[0]!.detail).toBe('the last of 3 contacts per 7 days went to higher-priority actions')
  })

  it('within a department, priority 1 goes first', () => {
    const d = applyContactBudget(
      [cand('p5', 'marketing'), cand('p2', 'marketing', 'email', { priority: 2 })],
      [sent(1), sent(2)],
      NOW,
      budget,
    )
    expect(d.map((x) => x.outcome)).toEqual(['suppressed', 'allowed'])
  })

  it('suppresses with cap_overall when the log alone fills the window; windows are rolling', () => {
    const full = applyContactBudget(
      [cand('svc', 'service')],
      [sent(1), sent(2), sent(3)],
      NOW,
      budget,
    )
    expect(full[0]).toMatchObject({ outcome: 'suppressed', reason: 'cap_overall', blockedBy: [] })
    expect(full[0]!.detail).toBe('3 contacts in the last 7 days; the cap is 3')
    // one is said in the singular
    const one = parseOpsConfig({ contactBudget: { overall: [{ days: 7, max: 1 }] } }).contactBudget
    const single = applyContactBudget([cand('svc', 'service')], [sent(1)], NOW, one)
    expect(single[0]!.detail).toBe('1 contact in the last 7 days; the cap is 1')
    // Exactly 7 days ago has left the window; one planned 7 days from now shares none with now.
    const edge = applyContactBudget(
      [cand('svc', 'service')],
      [sent(1), sent(2), sent(7), sent(-7)],
      NOW,
      budget,
    )
    expect(edge[0]!.outcome).toBe('allowed')
  })

  it('counts a planned contact (a retry, a deferred message) in every window it shares with now', () => {
    const one = (log: ContactLogEntry[], c = cand('svc', 'service')) =>
      applyContactBudget([c], log, NOW, budget)[0]!
    // a webhook whose first attempt failed: queued again for 5 s from now
    const full = one([sent(1), sent(2), { ...sent(0), atMs: NOW + 5000 }])
    expect(full).toMatchObject({ outcome: 'suppressed', reason: 'cap_overall' })
    expect(full.detail).toBe(
      '3 contacts in the 7 days to 2024-06-12T14:00:05.000Z, planned ones included; the cap is 3',
    )
    // 3 and 2 days ago and one planned in a day: the week to tomorrow holds 3
    expect(one([sent(3), sent(2), sent(-1)]).reason).toBe('cap_overall')
    // one planned in 6 days shares a week with the last 1 day only: no window holds 3
    expect(one([sent(3), sent(2), sent(-6)]).outcome).toBe('allowed')
    // a deferred one is decided again when due: it holds its slot against the actions it
    // outranks, not against its equals (a sequence's later steps) nor those above it
    const later = { ...sent(-1), department: 'recognition' as const, deferred: true, priority: 3 }
    const past = [sent(3), sent(2), later]
    expect(one(past, cand('mkt', 'marketing')).outcome).toBe('suppressed')
    expect(one(past, cand('rec', 'recognition', 'email', { priority: 4 })).outcome).toBe(
      'suppressed',
    )
    expect(one(past, cand('rec', 'recognition', 'email', { priority: 3 })).outcome).toBe('allowed')
    expect(one(past, cand('svc', 'service')).outcome).toBe('allowed')
    // a sequence step held by a retry waits until the retry's week is over, not its own later
    // steps (deferred, of its rank), nor a moment: the retry is still ahead now
    const step1 = cand('onb-1', 'marketing', 'email', { sequence: { id: 'onb', step: 1 } })
    const step3 = { ...sent(-6), deferred: true }
    const held = one([sent(2), sent(1), { ...sent(0), atMs: NOW + 5000 }, step3], step1)
    expect(held).toMatchObject({ outcome: 'deferred', reason: 'cap_overall' })
    expect(held.untilMs).toBe(NOW + 5 * DAY)
    // a planned SMS fills the SMS cap as a sent one does
    const sms = one([{ ...sent(0, 'sms'), atMs: NOW + 12 * H }], cand('s', 'service', 'sms'))
    expect(sms.reason).toBe('cap_channel')
  })

  it('a deferred message that will find its caps full when due holds no slot', () => {
    const mail = [cand('mkt', 'marketing', 'email')]
    // an SMS sent yesterday fills the week's SMS cap: the recognition SMS deferred to tomorrow
    // will be suppressed then, so the week's third contact is the marketing email's to take
    const rec = { ...sent(-1, 'sms'), department: 'recognition' as const, deferred: true }
    const smsFull = [sent(1, 'sms'), sent(2), rec]
    expect(applyContactBudget(mail, smsFull, NOW, budget)[0]).toMatchObject({
      outcome: 'allowed',
    })
    // with room for it on its channel it still holds the slot
    const smsRoom = [sent(1), sent(2), rec]
    expect(applyContactBudget(mail, smsRoom, NOW, budget)[0]).toMatchObject({
      outcome: 'suppressed',
      reason: 'cap_overall',
    })
    // of two deferred SMS the higher-priority one goes out when due, the other will not
    const both = [
      sent(2),
      { ...sent(-1, 'sms'), department: 'service' as const, deferred: true, priority: 1 },
      { ...sent(-2, 'sms'), department: 'service' as const, deferred: true, priority: 2 },
    ]
    expect(applyContactBudget(mail, both, NOW, budget)[0]?.outcome).toBe('allowed')
    // a deferred one the sent contacts leave no overall room for is not counted twice either
    const overallFull = [sent(1), sent(2), sent(3), { ...rec, channel: 'email' as const }]
    expect(applyContactBudget(mail, overallFull, NOW, budget)[0]?.detail).toBe(
      '3 contacts in the last 7 days; the cap is 3',
    )
  })

  it('caps a channel separately (1 SMS per 7 days)', () => {
    const d = applyContactBudget(
      [cand('sms', 'service', 'sms'), cand('mail', 'marketing', 'email')],
      [sent(3, 'sms')],
      NOW,
      budget,
    )
    expect(d.map((x) => [x.outcome, x.reason])).toEqual([
      ['suppressed', 'cap_channel'],
      ['allowed', null],
    ])
    const two = applyContactBudget(
      [cand('a', 'marketing', 'sms'), cand('b', 'service', 'sms')],
      [],
      NOW,
      budget,
    )
    expect(two.map((x) => [x.idempotencyKey, x.outcome, x.reason])).toEqual([
      ['a', 'suppressed', 'lower_priority'],
      ['b', 'allowed', null],
    ])
  })

  it('defers SMS and push in quiet hours to their end, and lets email through', () => {
    const night = Date.UTC(2024, 2, 10, 3) // 22:00 in New York
    const d = applyContactBudget(
      [cand('sms', 'recognition', 'sms'), cand('mail', 'recognition', 'email')],
      [],
      night,
      budget,
      'America/New_York',
    )
    expect(d[0]).toMatchObject({
      outcome: 'deferred',
      reason: 'quiet_hours',
      untilMs: Date.UTC(2024, 2, 10, 12),
    })
    expect(d[1]!.outcome).toBe('allowed')
    // The same instant is 03:00 in UTC (the default zone) — also quiet; 14:00 in Tokyo is not.
    expect(applyContactBudget([cand('s', 'service', 'sms')], [], night, budget)[0]!.outcome).toBe(
      'deferred',
    )
    expect(
      applyContactBudget([cand('s', 'service', 'sms')], [], night, budget, 'Asia/Tokyo')[0]!
        .outcome,
    ).toBe('allowed')
  })

  it('a message deferred by quiet hours keeps its budget from lower priorities', () => {
    const night = Date.UTC(2024, 5, 12, 23)
    const d = applyContactBudget(
      [cand('mkt-mail', 'marketing', 'email'), cand('svc-sms', 'service', 'sms')],
      [sent(1), sent(2)],
      night,
      budget,
    )
    expect(d.map((x) => [x.idempotencyKey, x.outcome, x.reason])).toEqual([
      ['mkt-mail', 'suppressed', 'lower_priority'],
      ['svc-sms', 'deferred', 'quiet_hours'],
    ])
  })

  it('holdout and not-yet-due actions use no budget', () => {
    const d = applyContactBudget(
      [
        cand('ctl', 'service', 'email', { control: true }),
        cand('later', 'service', 'email', { scheduledAtMs: NOW + DAY }),
        cand('mkt', 'marketing', 'email'),
      ],
      [sent(1), sent(2)],
      NOW,
      budget,
    )
    expect(d.map((x) => [x.outcome, x.reason, x.untilMs])).toEqual([
      ['suppressed', 'holdout', null],
      ['deferred', 'not_due', NOW + DAY],
      ['allowed', null, null],
    ])
  })

  it('staff tasks do not count against the message budget unless configured', () => {
    const log = [sent(1), sent(2), { ...sent(3, null), kind: 'task' as const }]
    const d = applyContactBudget(
      [cand('call', 'service', null), cand('mkt', 'marketing')],
      log,
      NOW,
      budget,
    )
    expect(d.map((x) => x.outcome)).toEqual(['allowed', 'allowed'])
    const counting = parseOpsConfig({ contactBudget: { countStaffTasks: true } }).contactBudget
    const c = applyContactBudget(
      [cand('call', 'service', null), cand('mkt', 'marketing')],
      log,
      NOW,
      counting,
    )
    expect(c.map((x) => [x.outcome, x.reason])).toEqual([
      ['suppressed', 'cap_overall'],
      ['suppressed', 'cap_overall'],
    ])
    const fresh = applyContactBudget(
      [cand('call', 'service', null), cand('mkt', 'marketing')],
      [sent(1), sent(2)],
      NOW,
      counting,
    )
    expect(fresh.map((x) => [x.outcome, x.reason])).toEqual([
      ['allowed', null],
      ['suppressed', 'lower_priority'],
    ])
  })

  it("reads an unknown customer zone as the default's, and rejects a non-finite now", () => {
    const sms = [cand('s', 'service', 'sms')]
    // 14:00 UTC is 23:00 in Tokyo (quiet hours 21-8): the customer's own zone decides ...
    expect(applyContactBudget(sms, [], NOW, budget, 'Asia/Tokyo')[0]?.outcome).toBe('deferred')
    // ... and a zone no clock knows is the default's (UTC, not quiet), not an error
    expect(applyContactBudget(sms, [], NOW, budget, 'Nowhere/X')).toEqual(
      applyContactBudget(sms, [], NOW, budget),
    )
    expect(applyContactBudget(sms, [], NOW, budget, 'Nowhere/X')[0]?.outcome).toBe('allowed')
    expect(() => applyContactBudget([], [], Number.NaN, budget)).toThrow(UsageError)
  })

  it('property: never exceeds a cap, and never lets a lower department pass a higher one', () => {
    const rng = createRng(2024)
    const cfg = parseOpsConfig({
      contactBudget: {
        overall: [
          { days: 7, max: 3 },
          { days: 30, max: 6 },
        ],
        quietHours: null,
      },
    }).contactBudget
    const channels: Channel[] = ['email', 'sms', 'push', 'in_app']
    for (let trial = 0; trial < 500; trial++) {
      const log: ContactLogEntry[] = []
      const nLog = Math.floor(rng.uniform() * 8)
      for (let i = 0; i < nLog; i++) {
        log.push({
          atMs: NOW - rng.uniform() * 40 * DAY,
          channel: channels[Math.floor(rng.uniform() * 4)]!,
          department: DEPARTMENTS[Math.floor(rng.uniform() * 3)]!,
        })
      }
      const cands: BudgetCandidate[] = []
      const nC = 1 + Math.floor(rng.uniform() * 6)
      for (let i = 0; i < nC; i++) {
        cands.push(
          cand(
            `k${i}`,
            DEPARTMENTS[Math.floor(rng.uniform() * 3)]!,
            channels[Math.floor(rng.uniform() * 4)]!,
            {
              priority: 1 + Math.floor(rng.uniform() * 9),
            },
          ),
        )
      }
      const d = applyContactBudget(cands, log, NOW, cfg)
      const allowed = cands.filter((_, i) => d[i]!.outcome === 'allowed')
      for (const cap of cfg.overall) {
        const inLog = log.filter((e) => e.atMs > NOW - cap.days * DAY).length
        expect(inLog + allowed.length <= cap.max || allowed.length === 0).toBe(true)
      }
      const sms = allowed.filter((c) => c.channel === 'sms').length
      const smsLog = log.filter((e) => e.channel === 'sms' && e.atMs > NOW - 7 * DAY).length
      expect(sms === 0 || smsLog + sms <= 1).toBe(true)
      // A candidate that lost to higher priority never lost to a lower department.
      d.forEach((x, i) => {
        for (const k of x.blockedBy) {
          const winner = cands.find((c) => c.idempotencyKey === k)!
          expect(DEPARTMENTS.indexOf(winner.department)).toBeLessThanOrEqual(
            DEPARTMENTS.indexOf(cands[i]!.department),
          )
        }
      })
    }
  })
})
