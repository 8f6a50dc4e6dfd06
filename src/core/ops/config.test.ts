import { describe, expect, it } from 'vitest'
import { UsageError } from '../../errors.ts'
import { DEFAULT_VALUE_CONFIG } from '../value/config.ts'
import { checkOpsTierNames, DEFAULT_OPS_CONFIG, parseOpsConfig } from './config.ts'

function issuesOf(json: unknown): { path: string; reason: string }[] {
  try {
    parseOpsConfig(json)
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    // the path and the reason (each issue also has its path as steps, `at`, to find its line)
    const issues = (e as UsageError).details.issues as { path: string; reason: string }[]
    return issues.map(({ path, reason }) => ({ path, reason }))
  }
  throw new Error('expected a UsageError')
}

const hook = { type: 'webhook', url: 'https://h.example.com/x', channel: 'email', template: 't' }

describe('parseOpsConfig', () => {
  it('fills every default from {}', () => {
    expect(DEFAULT_OPS_CONFIG).toEqual({
      serviceRank: { maxWaitMinutes: null, tiers: {}, channels: {} },
      playbooks: [],
      contactBudget: {
        overall: [{ days: 7, max: 3 }],
        channels: { sms: [{ days: 7, max: 1 }] },
        quietHours: { startHour: 21, endHour: 8, channels: ['sms', 'push'] },
        defaultTimeZone: 'UTC',
        countStaffTasks: false,
      },
      holdout: { salt: 'loyals', defaultShare: 0.1, playbooks: {} },
      goals: [],
    })
    expect(parseOpsConfig(undefined)).toEqual(DEFAULT_OPS_CONFIG)
  })

  it('says a webhook URL that is no URL with its path, as any other problem (it threw "Invalid URL")', () => {
    const playbooks = [
      {
        id: 'p',
        department: 'service',
        trigger: { type: 'first_order' },
        actions: [{ ...hook, url: 'not a url' }],
      },
    ]
    expect(issuesOf({ playbooks })).toEqual([
      { path: 'playbooks[0].actions[0].url', reason: 'must be an http(s) URL' },
    ])
  })

  it('refuses a file holding null, as it refuses [] or "x": no defaults taken silently', () => {
    expect(issuesOf(null)).toEqual([
      { path: '(root)', reason: 'Invalid input: expected object, received null' },
    ])
  })

  it('fills playbook defaults', () => {
    const c = parseOpsConfig({
      playbooks: [
        { id: 'w', department: 'marketing', trigger: { type: 'first_order' }, actions: [hook] },
      ],
    })
    expect(c.playbooks[0]).toMatchObject({ enabled: true, priority: 5, staleAfterDays: 7 })
  })

  it('lists every problem with its path', () => {
    const issues = issuesOf({
      serviceRank: { maxWaitMinutes: -5 },
      contactBudget: { defaultTimeZone: 'Mars/Base', quietHours: { startHour: 25 } },
      playbooks: [
        {
          id: 'Bad Id',
          department: 'sales',
          trigger: { type: 'onboarding', steps: [{ delayDays: 3 }, { delayDays: 1 }] },
          actions: [{ ...hook, url: 'ftp://x' }],
        },
        {
          id: 'ok',
          department: 'service',
          trigger: { type: 'milestone' },
          actions: [{ type: 'task', title: 'Call', goal: 'nope' }],
        },
        { id: 'ok', department: 'service', trigger: { type: 'birthday' }, actions: [hook] },
      ],
      holdout: { defaultShare: 0.95, playbooks: { ghost: 0.2 } },
      typo: 1,
    })
    const paths = issues.map((i) => i.path)
    for (const p of [
      'serviceRank.maxWaitMinutes',
      'contactBudget.defaultTimeZone',
      'contactBudget.quietHours.startHour',
      'playbooks[0].id',
      'playbooks[0].department',
      'playbooks[0].trigger.steps',
      'playbooks[0].actions[0].url',
      'playbooks[1].trigger',
      'playbooks[1].actions[0]',
      'playbooks[2].trigger.type',
      'holdout.defaultShare',
      '(root)',
    ]) {
      expect(paths).toContain(p)
    }
    expect(issues.find((i) => i.path === 'playbooks[0].trigger.steps')!.reason).toBe(
      'step delays must not decrease',
    )
  })

  it('checks cross-references: duplicate ids, task goals, holdout playbooks', () => {
    const issues = issuesOf({
      playbooks: [
        {
          id: 'a',
          department: 'service',
          trigger: { type: 'first_order' },
          actions: [{ type: 'task', role: 'am', title: 'x', goal: 'g2' }],
        },
        { id: 'a', department: 'service', trigger: { type: 'first_order' }, actions: [hook] },
      ],
      goals: [{ id: 'g1', title: 'x', withinDays: 7 }],
      holdout: { playbooks: { zzz: 0.1 } },
    })
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'playbooks[1].id', reason: 'duplicate "a"' },
        { path: 'playbooks[0].actions[0].goal', reason: 'no goal "g2" in goals' },
        { path: 'holdout.playbooks.zzz', reason: 'no playbook "zzz"' },
      ]),
    )
  })

  it('checks tier names against the value configuration', () => {
    const names = DEFAULT_VALUE_CONFIG.tiers.levels.map((l) => l.name)
    const ok = parseOpsConfig({
      playbooks: [
        {
          id: 'u',
          department: 'recognition',
          trigger: { type: 'tier_up', to: ['Gold'] },
          actions: [hook],
        },
      ],
    })
    expect(() => checkOpsTierNames(ok, names)).not.toThrow()
    const bad = parseOpsConfig({
      serviceRank: { tiers: { Diamond: { weight: 9 } } },
      playbooks: [
        {
          id: 'r',
          department: 'service',
          trigger: { type: 'best_at_risk', tiers: ['Iron'] },
          actions: [hook],
        },
      ],
    })
    expect(() => checkOpsTierNames(bad, names)).toThrow(
      /serviceRank.tiers.Diamond: unknown tier "Diamond"/,
    )
    expect(() => checkOpsTierNames(bad, names)).toThrow(
      /playbooks\[0\].trigger.tiers: unknown tier "Iron"/,
    )
  })
})
