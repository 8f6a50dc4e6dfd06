import { describe, expect, test } from 'vitest'
import { UsageError } from '../../errors.ts'
import { DEFAULT_VALUE_CONFIG, parseValueConfig } from './config.ts'

describe('parseValueConfig', () => {
  test('an empty file gives the documented defaults', () => {
    const c = parseValueConfig({})
    expect(c.referrals).toEqual({ decay: 0.5, maxDepth: 5 })
    expect(c.engagement.weights).toEqual({
      email_open: 1,
      email_click: 2,
      site_visit: 1,
      review: 5,
      social_share: 4,
      promo_redemption: 2,
    })
    expect(c.engagement.halfLifeDays).toBe(90)
    expect(c.tiers.basis).toBe('rank')
    expect(c.tiers.levels.map((l) => [l.name, l.share, l.outreach])).toEqual([
      ['Platinum', 0.02, 'personal'],
      ['Gold', 0.08, 'personal'],
      ['Silver', 0.2, 'automated'],
      ['Bronze', null, 'automated'],
    ])
    expect(c.tiers.grace).toEqual({ unit: 'days', length: 30 })
    expect(c.costs.discountAsCost).toBe(false)
    expect(DEFAULT_VALUE_CONFIG).toEqual(c)
  })

  test('a currency code, locale or NPS split that cannot be meant is an error naming it', () => {
    expect(() => parseValueConfig({ currency: { code: 'XYZ' } })).toThrow(
      /currency\.code: not an ISO 4217 currency code/,
    )
    expect(() => parseValueConfig({ currency: { locale: 'xx-invalid-locale-@@' } })).toThrow(
      /currency\.locale: not a locale/,
    )
    expect(() =>
      parseValueConfig({ loyalty: { nps: { promoterMin: 5, detractorMax: 8 } } }),
    ).toThrow(/loyalty\.nps: detractorMax must be below promoterMin/)
    expect(parseValueConfig({ currency: { code: 'EUR', locale: 'de-DE' } }).currency).toMatchObject(
      { code: 'EUR', locale: 'de-DE' },
    )
    // in any case, as the orders' currency column is read
    expect(parseValueConfig({ currency: { code: 'eur' } }).currency.code).toBe('EUR')
  })

  test('a partial file keeps the other defaults', () => {
    const c = parseValueConfig({
      referrals: { decay: 0.25 },
      engagement: { weights: { review: 10 } },
    })
    expect(c.referrals).toEqual({ decay: 0.25, maxDepth: 5 })
    expect(c.engagement.weights.review).toBe(10)
    expect(c.engagement.weights.email_click).toBe(2)
  })

  test('threshold tiers are accepted when minValue decreases', () => {
    const sl = { priority: 1, responseTargetMinutes: 60 }
    const c = parseValueConfig({
      tiers: {
        basis: 'threshold',
        grace: { unit: 'runs', length: 2 },
        levels: [
          { name: 'VIP', minValue: 5000, serviceLevel: sl, outreach: 'personal' },
          { name: 'Member', serviceLevel: { ...sl, priority: 2 } },
        ],
      },
    })
    expect(c.tiers.levels[0]?.minValue).toBe(5000)
    expect(c.tiers.levels[1]?.serviceLevel.dedicatedOwner).toBe(false)
    expect(c.tiers.grace.unit).toBe('runs')
  })

  test('a money rate is below 10^12, as amounts are (1e306 made values infinite)', () => {
    expect(() => parseValueConfig({ costs: { perTicketMinute: 1e306 } })).toThrow(
      /costs\.perTicketMinute: must be less than 1,000,000,000,000/,
    )
    expect(() => parseValueConfig({ costs: { perReturn: 1e12 } })).toThrow(/costs\.perReturn: /)
    expect(
      parseValueConfig({ costs: { shippingPerOrder: 999_999_999_999 } }).costs.shippingPerOrder,
    ).toBe(999_999_999_999)
  })

  test('a grace in runs is a whole number of runs; one in days may be a fraction', () => {
    expect(() => parseValueConfig({ tiers: { grace: { unit: 'runs', length: 1.5 } } })).toThrow(
      /tiers\.grace\.length: expected an integer/,
    )
    expect(parseValueConfig({ tiers: { grace: { unit: 'runs', length: 2 } } }).tiers.grace).toEqual(
      { unit: 'runs', length: 2 },
    )
    expect(parseValueConfig({ tiers: { grace: { length: 1.5 } } }).tiers.grace).toEqual({
      unit: 'days',
      length: 1.5,
    })
  })

  test('a key of the other basis, or a minimum on the last threshold tier, is refused', () => {
    const sl = { priority: 1, responseTargetMinutes: 60 }
    const paths = (tiers: unknown): string[] => {
      try {
        parseValueConfig({ tiers } as never)
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError)
        return ((e as UsageError).details.issues as { path: string }[]).map((i) => i.path)
      }
      return []
    }
    expect(
      paths({
        basis: 'threshold',
        levels: [
          { name: 'A', minValue: 100, share: 0.1, serviceLevel: sl },
          { name: 'B', minValue: 10, serviceLevel: sl },
        ],
      }),
    ).toEqual(['tiers.levels[0].share', 'tiers.levels[1].minValue'])
    expect(
      paths({
        basis: 'rank',
        levels: [
          { name: 'A', share: 0.1, minValue: 100, serviceLevel: sl },
          { name: 'B', serviceLevel: sl },
        ],
      }),
    ).toEqual(['tiers.levels[0].minValue'])
    // a minimum beyond any amount is refused, and said once (1e400 reads as Infinity: it was
    // also "below the tier above" of a top tier with no tier above)
    const issues = (minValue: number) => {
      try {
        parseValueConfig({
          tiers: {
            basis: 'threshold',
            levels: [
              { name: 'A', minValue, serviceLevel: sl },
              { name: 'B', serviceLevel: sl },
            ],
          },
        } as never)
      } catch (e) {
        return (e as UsageError).details.issues as { path: string; reason: string }[]
      }
      return []
    }
    expect(issues(1e300).map((i) => [i.path, i.reason])).toEqual([
      ['tiers.levels[0].minValue', 'must be less than 1,000,000,000,000, as amounts are'],
    ])
    expect(issues(Number.POSITIVE_INFINITY).map((i) => i.path)).toEqual([
      'tiers.levels[0].minValue',
    ])
    expect(issues(-1e13).map((i) => i.path)).toEqual(['tiers.levels[0].minValue'])
    // basis "threshold" with the default levels (none given): one problem, not one per default
    expect(paths({ basis: 'threshold' })).toEqual(['tiers.levels'])
    expect(() => parseValueConfig({ tiers: { basis: 'threshold' } } as never)).toThrow(
      'basis "threshold" needs levels of its own, each but the last with a minValue',
    )
  })

  test('a required key left out is reported as required', () => {
    expect(() =>
      parseValueConfig({ tiers: { levels: [{ name: 'VIP', share: 0.1 }, { name: 'Rest' }] } }),
    ).toThrow(
      'invalid value configuration:\n  tiers.levels[0].serviceLevel: required\n' +
        '  tiers.levels[1].serviceLevel: required',
    )
  })

  test('every problem is reported with its path and reason', () => {
    const sl = { priority: 1, responseTargetMinutes: 5 }
    let err: unknown
    try {
      parseValueConfig({
        costs: { perReturn: -1, perTicketMinuet: 1 },
        tiers: {
          basis: 'threshold',
          levels: [
            { name: 'A', serviceLevel: sl },
            { name: 'A', serviceLevel: sl },
          ],
        },
      })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    const issues = (err as UsageError).details.issues as { path: string; reason: string }[]
    const paths = issues.map((i) => i.path)
    expect(paths).toContain('costs.perReturn')
    expect(paths).toContain('costs')
    expect(paths).toContain('tiers.levels[0].minValue')
    expect(paths).toContain('tiers.levels[1].name')
    expect((err as Error).message).toMatch(/costs: Unrecognized key: "perTicketMinuet"/)
    expect((err as Error).message).toMatch(/tiers\.levels\[1\]\.name: duplicate tier name "A"/)
  })

  test('rank tiers whose shares exceed 100 % are rejected', () => {
    const sl = { priority: 1, responseTargetMinutes: 5 }
    expect(() =>
      parseValueConfig({
        tiers: {
          levels: [
            { name: 'A', share: 0.7, serviceLevel: sl },
            { name: 'B', share: 0.5, serviceLevel: sl },
            { name: 'C', serviceLevel: sl },
          ],
        },
      }),
    ).toThrow(/tiers\.levels: tier shares add up to 1\.2/)
  })

  test("the tiers' own rules are checked beside the levels' errors, in one pass", () => {
    const paths = (json: unknown): string[] => {
      try {
        parseValueConfig(json)
      } catch (e) {
        return ((e as UsageError).details.issues as { path: string }[]).map((i) => i.path)
      }
      return []
    }
    const gold = {
      name: 'Gold',
      share: 0.1,
      minValue: 100,
      outreach: 'email',
      serviceLevel: { priority: 0, responseTargetMinutes: -5 },
    }
    const rest = { name: 'Rest', serviceLevel: { priority: 2, responseTargetMinutes: 60 } }
    expect(paths({ tiers: { basis: 'rank', levels: [gold, rest] } })).toEqual(
      expect.arrayContaining([
        'tiers.levels[0].serviceLevel.priority',
        'tiers.levels[0].outreach',
        'tiers.levels[0].minValue',
      ]),
    )
    // an unknown basis is its one error: no rule of either basis is guessed beside it
    expect(paths({ tiers: { basis: 'ranks', levels: [gold, rest] } }).sort()).toEqual(
      [
        'tiers.basis',
        'tiers.levels[0].outreach',
        'tiers.levels[0].serviceLevel.priority',
        'tiers.levels[0].serviceLevel.responseTargetMinutes',
      ].sort(),
    )
  })

  test('a non-object file is a usage error, not a crash', () => {
    expect(() => parseValueConfig([1, 2])).toThrow(UsageError)
    expect(() => parseValueConfig('x')).toThrow(/\(root\)/)
    // a file holding null is no object either: not every default taken silently
    expect(() => parseValueConfig(null)).toThrow(
      '(root): Invalid input: expected object, received null',
    )
    expect(parseValueConfig(undefined)).toEqual(parseValueConfig({}))
  })
})
