import { describe, expect, test } from 'vitest'
import { DEFAULT_VALUE_CONFIG } from './config.ts'
import {
  classifyLoyalty,
  classifyLoyaltyBatch,
  LOYALTY_RULES,
  LOYALTY_TYPES,
  type LoyaltyFeatures,
} from './loyalty-type.ts'

// defaults: minRepeat 1; lapsed if P(alive) < 0.3, else (no P(alive)) days since last >
// max(3 * usual gap, 90); detractor NPS <= 6, promoter >= 9; lucrative: value percentile >= 70 and
// >= 1 signal (referral, review, engagement >= 60, promoter); price-driven share >= 0.5;
// disengaged: no signal and engagement < 25
const rules = DEFAULT_VALUE_CONFIG.loyalty
const base: LoyaltyFeatures = {
  valuePercentile: 90,
  repeatCount: 8,
  referrals: 2,
  reviews: 1,
  engagementPercentile: 80,
  nps: 10,
  priceDrivenShare: 0.1,
  pAlive: 0.95,
  daysSinceLast: 20,
  usualGapDays: 35,
  switchingCost: false,
}

describe('classifyLoyalty', () => {
  test('lucrative loyal: high value, repeat, connected', () => {
    const r = classifyLoyalty(base, rules)
    // signals: referral + review + engagement 80 >= 60 + promoter 10 >= 9 = 4
    expect(r).toEqual({ type: 'lucrative_loyal', rule: 'high_value_connected', signals: 4 })
  })

  test('one-time buyer', () => {
    expect(classifyLoyalty({ ...base, repeatCount: 0 }, rules)).toMatchObject({
      type: 'one_time_buyer',
      rule: 'single_purchase',
    })
  })

  test('lapsed by P(alive) or, without it, by the usual gap', () => {
    expect(classifyLoyalty({ ...base, pAlive: 0.2 }, rules).rule).toBe('p_alive_low')
    // no P(alive): 133 days since last > max(3 * 35 = 105, 90) -> overdue
    const overdue = classifyLoyalty({ ...base, pAlive: Number.NaN, daysSinceLast: 133 }, rules)
    expect(overdue).toMatchObject({ type: 'lapsed', rule: 'overdue' })
    // 100 days: not beyond 105 -> still lucrative
    expect(classifyLoyalty({ ...base, pAlive: Number.NaN, daysSinceLast: 100 }, rules).type).toBe(
      'lucrative_loyal',
    )
    // a short usual gap (10 days) still needs 90 days of silence: 80 days is not lapsed
    const shortGap = { ...base, pAlive: Number.NaN, usualGapDays: 10, daysSinceLast: 80 }
    expect(classifyLoyalty(shortGap, rules).type).toBe('lucrative_loyal')
  })

  test('limited loyal: detractor, switching cost, or disengaged', () => {
    expect(classifyLoyalty({ ...base, nps: 4 }, rules)).toMatchObject({
      type: 'limited_loyal',
      rule: 'detractor',
    })
    const unconnected = {
      ...base,
      referrals: 0,
      reviews: 0,
      nps: 7,
      engagementPercentile: 10,
      valuePercentile: 50,
    }
    expect(classifyLoyalty({ ...unconnected, switchingCost: true }, rules).rule).toBe(
      'switching_cost',
    )
    expect(classifyLoyalty(unconnected, rules)).toMatchObject({
      type: 'limited_loyal',
      rule: 'disengaged',
      signals: 0,
    })
  })

  test('lazy loyal: price-driven, or repeat and merely transactional', () => {
    // below the value bar (60 < 70), 70 % of orders discounted
    const cheap = { ...base, valuePercentile: 60, priceDrivenShare: 0.7 }
    expect(classifyLoyalty(cheap, rules)).toMatchObject({
      type: 'lazy_loyal',
      rule: 'price_driven',
    })
    // engaged enough not to be "disengaged" (40 >= 25) but no signal and not high value
    const plain = {
      ...cheap,
      priceDrivenShare: 0.2,
      referrals: 0,
      reviews: 0,
      nps: 8,
      engagementPercentile: 40,
    }
    expect(classifyLoyalty(plain, rules)).toMatchObject({
      type: 'lazy_loyal',
      rule: 'repeat_transactional',
    })
  })

  test('unknown features never fire a rule; thresholds are configurable', () => {
    const unknown = {
      ...base,
      nps: Number.NaN,
      priceDrivenShare: Number.NaN,
      engagementPercentile: Number.NaN,
      reviews: 0,
      referrals: 1,
    }
    expect(classifyLoyalty(unknown, rules).type).toBe('lucrative_loyal')
    const strict = { ...rules, lucrative: { ...rules.lucrative, minValuePercentile: 95 } }
    expect(classifyLoyalty(base, strict).rule).toBe('repeat_transactional')
  })
})

describe('classifyLoyaltyBatch', () => {
  test('codes match the one-customer rules', () => {
    const r = classifyLoyaltyBatch(
      {
        valuePercentile: Float64Array.of(90, 90, 40),
        repeatCount: Int32Array.of(8, 0, 3),
        referrals: Int32Array.of(1, 0, 0),
        daysSinceLast: Float64Array.of(10, 10, 400),
        usualGapDays: Float64Array.of(30, Number.NaN, 30),
      },
      rules,
    )
    expect(Array.from(r.type, (t) => LOYALTY_TYPES[t])).toEqual([
      'lucrative_loyal',
      'one_time_buyer',
      'lapsed',
    ])
    expect(Array.from(r.rule, (t) => LOYALTY_RULES[t])).toEqual([
      'high_value_connected',
      'single_purchase',
      'overdue',
    ])
    expect(Array.from(r.counts)).toEqual([1, 0, 0, 1, 1])
  })
})
