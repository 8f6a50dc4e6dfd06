import { describe, expect, test } from 'vitest'
import { DataError } from '../../errors.ts'
import { DEFAULT_VALUE_CONFIG, parseValueConfig } from './config.ts'
import { assignTiers, type TierState, tierBoundaries } from './tiers.ts'

const sl = { priority: 1, responseTargetMinutes: 60 }
// Platinum >= 10,000; Gold >= 3,000; Silver >= 1,000; Bronze the rest; 30-day grace
const threshold = parseValueConfig({
  tiers: {
    basis: 'threshold',
    grace: { unit: 'days', length: 30 },
    levels: [
      { name: 'Platinum', minValue: 10_000, serviceLevel: sl },
      { name: 'Gold', minValue: 3000, serviceLevel: sl },
      { name: 'Silver', minValue: 1000, serviceLevel: sl },
      { name: 'Bronze', serviceLevel: sl },
    ],
  },
}).tiers
const PLATINUM = 0
const GOLD = 1
const SILVER = 2

const one = (tier: number, belowSince = Number.NaN, runs = 0): TierState => ({
  tier: Int8Array.of(tier),
  belowSinceDay: Float64Array.of(belowSince),
  runsBelow: Int32Array.of(runs),
})

describe('tier boundaries', () => {
  test('rank basis: top 2 % / next 8 % / next 20 % / rest of 100 customers', () => {
    // values 100, 99, ..., 1: Platinum = top 2 (100, 99) -> boundary 99; Gold = next 8 (98..91)
    // -> 91; Silver = next 20 (90..71) -> 71; Bronze = the other 70
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i)
    const r = assignTiers(values, DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(r.boundaries)).toEqual([99, 91, 71, Number.NEGATIVE_INFINITY])
    expect(Array.from(r.counts)).toEqual([2, 8, 20, 70])
    expect(r.tier[0]).toBe(PLATINUM)
    expect(r.tier[2]).toBe(GOLD) // value 98
  })

  test('ties at a boundary go to the higher tier; no tier above the last for value <= 0', () => {
    // 10 customers: top 2 % of 10 = floor(0.2) = 0 -> Platinum empty; Gold: top floor(1.0) = 1;
    // Silver: top floor(3.0) = 3, the 3rd value is 5 and the 4th ties with it -> 4 in Gold+Silver
    const values = Float64Array.of(9, 5, 5, 5, 0, 0, 0, 0, 0, -3)
    const b = tierBoundaries(values, DEFAULT_VALUE_CONFIG.tiers)
    expect(b[0]).toBe(Number.POSITIVE_INFINITY)
    expect(b[1]).toBe(9)
    expect(b[2]).toBe(5)
    const r = assignTiers(values, DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(r.counts)).toEqual([0, 1, 3, 6])
    // all zeros: the boundaries are positive, so nobody is above Bronze
    const zeros = assignTiers(new Float64Array(100), DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(zeros.counts)).toEqual([0, 0, 0, 100])
    // and no tier above the last has a minimum: it admits nobody (it was 5e-324, read as "0")
    expect(Array.from(zeros.boundaries.subarray(0, 3))).toEqual([Infinity, Infinity, Infinity])
    const losses = tierBoundaries(Float64Array.of(0, -2, -5), DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(losses)).toEqual([Infinity, Infinity, Infinity, -Infinity])
  })

  test('a cut among values <= 0 puts the boundary at the last positive customer in', () => {
    // 100 customers, 19 positive (100, 95, ..., 10), 81 at 0 or below: Silver's top 30 reach into
    // the zeros; its boundary is 10, the last positive value (it was 5e-324, shown as "0.00")
    const values = new Float64Array(100).fill(-1)
    for (let i = 0; i < 19; i++) values[i] = 100 - 5 * i
    values[50] = 0
    const b = tierBoundaries(values, DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(b.subarray(0, 3))).toEqual([95, 55, 10])
    expect(Array.from(assignTiers(values, DEFAULT_VALUE_CONFIG.tiers).counts)).toEqual([
      2, 8, 9, 81,
    ])
  })
})

describe('grace period', () => {
  test('drops below the Gold boundary on day 0: Gold on day 20, Silver on day 31', () => {
    const v = Float64Array.of(2800) // below Gold (3000), above Silver (1000)
    // day 0: was Gold, first run below -> held, 30 - 0 = 30 days left
    const d0 = assignTiers(v, threshold, { previous: one(GOLD), asOfDay: 0 })
    expect(d0.qualifiedTier[0]).toBe(SILVER)
    expect(d0.tier[0]).toBe(GOLD)
    expect(d0.heldByGrace[0]).toBe(1)
    expect(d0.graceLeft[0]).toBe(30)
    expect(d0.state.belowSinceDay[0]).toBe(0)
    // day 20: below for 20 days <= 30 -> still Gold, 10 days left
    const d20 = assignTiers(v, threshold, { previous: d0.state, asOfDay: 20 })
    expect(d20.tier[0]).toBe(GOLD)
    expect(d20.graceLeft[0]).toBe(10)
    // day 30 is the last day of grace; day 31: below for 31 days > 30 -> Silver
    expect(assignTiers(v, threshold, { previous: d20.state, asOfDay: 30 }).tier[0]).toBe(GOLD)
    const d31 = assignTiers(v, threshold, { previous: d20.state, asOfDay: 31 })
    expect(d31.tier[0]).toBe(SILVER)
    expect(d31.heldByGrace[0]).toBe(0)
    expect(Number.isNaN(d31.graceLeft[0] as number)).toBe(true)
    expect(d31.state.tier[0]).toBe(SILVER)
  })

  test('back above the boundary during grace resets the clock', () => {
    const d10 = assignTiers(Float64Array.of(3200), threshold, {
      previous: one(GOLD, 0),
      asOfDay: 10,
    })
    expect(d10.tier[0]).toBe(GOLD)
    expect(d10.heldByGrace[0]).toBe(0)
    expect(Number.isNaN(d10.state.belowSinceDay[0] as number)).toBe(true)
    // falls again on day 25: a fresh 30 days
    const d25 = assignTiers(Float64Array.of(2900), threshold, { previous: d10.state, asOfDay: 25 })
    expect(d25.graceLeft[0]).toBe(30)
  })

  test('promotions are immediate; a Platinum customer who drops two tiers is held in Platinum', () => {
    const up = assignTiers(Float64Array.of(3500), threshold, { previous: one(SILVER), asOfDay: 5 })
    expect(up.tier[0]).toBe(GOLD)
    expect(up.heldByGrace[0]).toBe(0)
    const down = assignTiers(Float64Array.of(1500), threshold, {
      previous: one(PLATINUM),
      asOfDay: 5,
    })
    expect(down.tier[0]).toBe(PLATINUM)
    expect(down.qualifiedTier[0]).toBe(SILVER)
  })

  test('grace counted in scoring runs', () => {
    const runs = { ...threshold, grace: { unit: 'runs' as const, length: 2 } }
    const v = Float64Array.of(2800)
    const r1 = assignTiers(v, runs, { previous: one(GOLD) }) // 1st run below: held, 1 left
    expect([r1.tier[0], r1.graceLeft[0]]).toEqual([GOLD, 1])
    const r2 = assignTiers(v, runs, { previous: r1.state }) // 2nd: held, 0 left
    expect([r2.tier[0], r2.graceLeft[0]]).toEqual([GOLD, 0])
    const r3 = assignTiers(v, runs, { previous: r2.state }) // 3rd: Silver
    expect(r3.tier[0]).toBe(SILVER)
  })

  test('a grace of length 0 is none, in days as in runs', () => {
    const v = Float64Array.of(2800)
    for (const unit of ['days', 'runs'] as const) {
      const none = { ...threshold, grace: { unit, length: 0 } }
      const r = assignTiers(v, none, { previous: one(GOLD), asOfDay: 0 })
      expect([r.tier[0], r.heldByGrace[0]], unit).toEqual([SILVER, 0])
    }
  })

  test('a run on the as-of date of the stored state is that run again: not counted twice', () => {
    const runs = { ...threshold, grace: { unit: 'runs' as const, length: 2 } }
    const v = Float64Array.of(2800)
    const r1 = assignTiers(v, runs, { previous: one(GOLD), asOfDay: 10 }) // below: 1 left
    expect(Array.from(r1.state.runDay ?? [])).toEqual([10])
    const again = assignTiers(v, runs, { previous: r1.state, asOfDay: 10 })
    expect([again.tier[0], again.graceLeft[0], again.state.runsBelow[0]]).toEqual([GOLD, 1, 1])
    const r2 = assignTiers(v, runs, { previous: again.state, asOfDay: 11 }) // next date: 0 left
    expect([r2.tier[0], r2.graceLeft[0]]).toEqual([GOLD, 0])
    // a state not yet below (written on that date) starts its grace on a re-run of the date
    const fresh = assignTiers(v, runs, {
      previous: { ...one(GOLD), runDay: Float64Array.of(10) },
      asOfDay: 10,
    })
    expect([fresh.tier[0], fresh.graceLeft[0]]).toEqual([GOLD, 1])
  })

  test('without a previous state or with a bad one', () => {
    expect(assignTiers(Float64Array.of(2800), threshold).tier[0]).toBe(SILVER)
    expect(() =>
      assignTiers(Float64Array.of(1, 2), threshold, { previous: one(GOLD), asOfDay: 0 }),
    ).toThrow(DataError)
    expect(() => assignTiers(Float64Array.of(1), threshold, { previous: one(GOLD) })).toThrow(
      /asOfDay/,
    )
  })
})
