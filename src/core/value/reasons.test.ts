import { describe, expect, test } from 'vitest'
import { DEFAULT_VALUE_CONFIG } from './config.ts'
import { buildReasons, formatDuration, moneyFormatter } from './reasons.ts'

const currency = DEFAULT_VALUE_CONFIG.currency // USD, en-US, 0 decimals
const eur = { code: 'EUR', locale: 'en-US', decimals: 0 }
/** The reason of a customer known only by these profit facts, in euros. */
const loss = (profit: NonNullable<Parameters<typeof buildReasons>[0]['profit']>) =>
  buildReasons({ profit }, { currency: eur })[0]?.text
/** The loyalty type's reason for these facts, in dollars, under the rules' lines in `opts`. */
const type = (
  facts: Parameters<typeof buildReasons>[0],
  opts: Omit<NonNullable<Parameters<typeof buildReasons>[1]>, 'currency'> = {},
) => buildReasons(facts, { currency, ...opts }).find((r) => r.code === 'loyalty_type')?.text

describe('buildReasons', () => {
  test('the tier reason carries the referrals; the other sums follow by money', () => {
    const reasons = buildReasons(
      {
        tier: { name: 'Platinum', basis: 'rank', totalValue: 8410, topPercent: 2 },
        referrals: { direct: 4, directValue: 1240, indirect: 0, value: 1240 },
        profit: { past: 5200, predicted: 1970, orders: 23 },
      },
      { currency, limit: 5 },
    )
    // referral value is part of the total value that makes the tier: said with it, not again;
    // then the other sums by impact: past profit 5,200 > predicted 1,970
    expect(reasons).toEqual([
      {
        code: 'tier_rank',
        text: 'top 2 % by total value ($8,410); referred 4 customers worth $1,240',
        amount: 8410,
      },
      { code: 'past_profit', text: 'earned $5,200 profit from 23 orders', amount: 5200 },
      { code: 'predicted_profit', text: 'expected to bring $1,970 more profit', amount: 1970 },
    ])
    // top N: the tier first, whatever the sums
    expect(
      buildReasons(
        {
          tier: { name: 'P', basis: 'rank', totalValue: 1, topPercent: 2 },
          profit: { past: 5, orders: 1 },
        },
        { currency, limit: 1 },
      ).map((r) => r.code),
    ).toEqual(['tier_rank'])
    // without a tier, referrals stand alone
    expect(
      buildReasons(
        { referrals: { direct: 4, directValue: 1240, indirect: 0, value: 1240 } },
        { currency },
      ),
    ).toEqual([{ code: 'referrals', text: 'referred 4 customers worth $1,240', amount: 1240 }])
    // referred customers who never bought are worth nothing: no money, no reason
    const none = { direct: 1, directValue: 0, indirect: 0, value: 0 }
    expect(
      buildReasons(
        {
          tier: { name: 'Platinum', basis: 'rank', totalValue: 8410, topPercent: 2 },
          referrals: none,
        },
        { currency },
      ),
    ).toEqual([{ code: 'tier_rank', text: 'top 2 % by total value ($8,410)', amount: 8410 }])
    expect(buildReasons({ referrals: none }, { currency })).toEqual([])
  })

  test('the top three are tier, segment and type in that order; a referral does not push one out', () => {
    const facts = {
      tier: { name: 'Platinum', basis: 'rank', totalValue: 8410, topPercent: 2 },
      profit: { past: 5200, predicted: 1970, orders: 23 },
      loyalty: { type: 'lazy_loyal', rule: 'repeat_transactional' },
      segment: { name: 'Champions', daysSinceLast: 12, orders: 23, revenue: 9000 },
      cadence: { orders: 23, usualGapDays: 35, tenureDays: 730, daysSinceLast: 12 },
    } as const
    expect(buildReasons(facts, { currency }).map((r) => r.text)).toEqual([
      'top 2 % by total value ($8,410)',
      'Champions: last order 12 days ago, 23 orders, $9,000 spent',
      'lazy loyal: buys again, but is not both high in value and connected (referrals, reviews, engagement, promoter score) as a lucrative loyal is',
    ])
    // the profile's five: then cadence and the largest other sum
    expect(buildReasons(facts, { currency, limit: 5 }).map((r) => r.code)).toEqual([
      'tier_rank',
      'segment',
      'loyalty_type',
      'cadence',
      'past_profit',
    ])
    const referrer = {
      ...facts,
      referrals: { direct: 4, directValue: 1240, indirect: 0, value: 1240 },
    }
    expect(buildReasons(referrer, { currency }).map((r) => r.code)).toEqual([
      'tier_rank',
      'segment',
      'loyalty_type',
    ])
  })

  test('revenue (the service knows no costs) is never called profit', () => {
    const words = (past: number, predicted?: number) =>
      buildReasons(
        {
          profit: {
            basis: 'revenue',
            past,
            orders: 3,
            ...(predicted === undefined ? {} : { predicted }),
          },
        },
        { currency, limit: 5 },
      )
    expect(words(5200, 1970)).toEqual([
      { code: 'past_revenue', text: 'spent $5,200 over 3 orders', amount: 5200 },
      { code: 'predicted_revenue', text: 'expected to spend $1,970 more', amount: 1970 },
    ])
    expect(words(-40).map((r) => r.text)).toEqual(['refunds exceed purchases by $40'])
    expect(words(0, 0)).toEqual([])
    for (const r of words(-40, 10)) expect(r.text).not.toMatch(/profit|loss/)
  })

  test('a customer served at a loss names tickets, hours and returns', () => {
    // 14 tickets, 360 min = 6 h at $0.50/min = $180; 3 returns at $8 + 10 % of $80 = $32
    // service cost 180 + 32 = 212
    const [loss] = buildReasons(
      {
        profit: {
          past: -143.8,
          orders: 4,
          tickets: 14,
          ticketMinutes: 360,
          ticketCost: 180,
          returns: 3,
          returnCost: 32,
        },
      },
      { currency },
    )
    expect(loss).toEqual({
      code: 'served_at_loss',
      text: 'served at a loss: 14 support tickets (6 h) and 3 returns cost $212 (profit -$144)',
      amount: -212,
    })
  })

  test('a loss without tickets or returns blames shipping and fees', () => {
    const [loss] = buildReasons(
      { profit: { past: -8.2, orders: 1, otherCost: 38.2 } },
      { currency },
    )
    expect(loss?.text).toBe('served at a loss: shipping, fees and discounts cost $38 (profit -$8)')
  })

  test('a loss names only the cost kinds counted: no discounts unless they are a cost', () => {
    const loss = (shippingCost: number, feeCost: number, discountCost: number) =>
      buildReasons(
        {
          profit: {
            past: 4.74 - shippingCost - feeCost - discountCost,
            orders: 1,
            otherCost: shippingCost + feeCost + discountCost,
            shippingCost,
            feeCost,
            discountCost,
            grossMargin: 4.74,
          },
        },
        { currency: eur },
      )[0]?.text
    // discountAsCost false: the discount is 0 here and is not named
    expect(loss(4.9, 0.59, 0)).toBe(
      'served at a loss: shipping and fees cost €5.49, more than the margin of €4.74 (profit -€0.75)',
    )
    expect(loss(0, 0.59, 9.5)).toContain('discounts and fees cost €10, more than the margin of €5')
    expect(loss(9.9, 0, 0)).toContain('shipping cost €10, more than the margin of €5')
  })

  test('a loss is told by what made it: a negative margin first, then every cost, the largest first', () => {
    // sold below cost: it read "served at a loss: 1 support ticket (20 min) cost €16", as if
    // support had made a loss the margin had already made
    expect(
      loss({
        past: -25.07,
        orders: 1,
        tickets: 1,
        ticketMinutes: 20,
        ticketCost: 16,
        shippingCost: 4.9,
        feeCost: 0.9,
        discountCost: 0,
        otherCost: 5.8,
        grossMargin: -3.27,
      }),
    ).toBe(
      'served at a loss: sold below cost or refunded (margin -€3), and 1 support ticket (20 min), shipping and fees cost €22 more (profit -€25)',
    )
    // the margin and the costs add up to the profit said: -€3 and €21 more are not -€25
    expect(
      loss({
        past: -24.8,
        orders: 1,
        tickets: 1,
        ticketCost: 16.5,
        shippingCost: 4.9,
        otherCost: 4.9,
        grossMargin: -3.4,
      }),
    ).toContain(
      '(margin -€3.40), and 1 support ticket and shipping cost €21.40 more (profit -€24.80)',
    )
    // shipping and fees alone exceed the margin: it read "1 return cost €8"
    expect(
      loss({
        past: -12.61,
        orders: 1,
        returns: 1,
        returnCost: 7.5,
        shippingCost: 4.9,
        feeCost: 1.49,
        discountCost: 0,
        otherCost: 6.39,
        grossMargin: 1.28,
      }),
    ).toBe(
      'served at a loss: 1 return, shipping and fees cost €14, more than the margin of €1 (profit -€13)',
    )
  })

  test('cadence, overdue and a lapsed type', () => {
    // usual gap 35 days = 5 weeks; 21 gaps = 735 days = 2 years; 133 days since last = 19 weeks
    const cadence = { orders: 22, usualGapDays: 35, tenureDays: 868, daysSinceLast: 133 }
    const r = buildReasons({ cadence }, { currency, limit: 5 })
    expect(r.map((x) => x.text)).toEqual([
      'bought every 5 weeks for 2 years',
      'no order in 19 weeks against a usual 5',
    ])
    // still buying: present tense
    const active = buildReasons({ cadence: { ...cadence, daysSinceLast: 20 } }, { currency })
    expect(active.map((x) => x.text)).toEqual(['buys every 5 weeks for 2 years'])
    // three orders seven weeks apart, then nothing for 2.5 years: the buying lasted 14 weeks
    const brief = { orders: 3, usualGapDays: 49, tenureDays: 1016, daysSinceLast: 918 }
    expect(buildReasons({ cadence: brief }, { currency })[0]?.text).toBe(
      'bought every 7 weeks for 14 weeks',
    )
    // when the type already says it, "overdue" is not repeated
    const lapsed = buildReasons(
      { cadence, loyalty: { type: 'lapsed', rule: 'overdue' } },
      { currency, limit: 5 },
    )
    expect(lapsed.map((x) => x.text)).toEqual([
      'lapsed: no order in 19 weeks against a usual 5',
      'bought every 5 weeks for 2 years',
    ])
  })

  test('loyalty type texts cite the rule that fired', () => {
    expect(
      type({
        loyalty: { type: 'lucrative_loyal', rule: 'high_value_connected' },
        valuePercentile: 95,
        referrals: { direct: 2, directValue: 300, indirect: 0, value: 300 },
        engagement: { percentile: 88, reviews: 1 },
        nps: 10,
      }),
    ).toBe(
      'lucrative loyal: top 5 % by value with 2 referrals, 1 review, promoter (NPS 10), engagement in the top 12 %',
    )
    // engagement below the rules' signal percentile (default 60) was not counted as a sign of
    // connection: the reason names only the promoter answer that was
    const promoterOnly = {
      loyalty: { type: 'lucrative_loyal', rule: 'high_value_connected' },
      valuePercentile: 90,
      engagement: { percentile: 40, reviews: 0 },
      nps: 9,
    } as const
    expect(type(promoterOnly)).toBe('lucrative loyal: top 10 % by value with promoter (NPS 9)')
    expect(type(promoterOnly, { engagementSignalPercentile: 30 })).toBe(
      'lucrative loyal: top 10 % by value with promoter (NPS 9), engagement in the top 60 %',
    )
    expect(
      type({ loyalty: { type: 'lazy_loyal', rule: 'price_driven' }, priceDrivenShare: 0.7 }),
    ).toBe('lazy loyal: 70 % of orders used a discount')
    expect(type({ loyalty: { type: 'limited_loyal', rule: 'detractor' }, nps: 3 })).toBe(
      'limited loyal: detractor (NPS answer 3)',
    )
    expect(type({ loyalty: { type: 'lapsed', rule: 'p_alive_low' }, pAlive: 0.18 })).toBe(
      'lapsed: 18 % chance of still being active',
    )
    expect(type({ loyalty: { type: 'lapsed', rule: 'p_alive_low' }, pAlive: 0.0004 })).toBe(
      'lapsed: under 1 % chance of still being active',
    )
    expect(
      type({
        loyalty: { type: 'one_time_buyer', rule: 'single_purchase' },
        cadence: { orders: 1, usualGapDays: Number.NaN, tenureDays: 0, daysSinceLast: 210 },
      }),
    ).toBe('one-time buyer: a single order, 7 months ago')
    // several orders on the one purchase day: still a one-time buyer, said without contradiction
    expect(
      type({
        loyalty: { type: 'one_time_buyer', rule: 'single_purchase' },
        cadence: { orders: 1, usualGapDays: Number.NaN, tenureDays: 0, daysSinceLast: 210 },
        profit: { past: 17, orders: 2 },
      }),
    ).toBe('one-time buyer: 2 orders on a single day, 7 months ago')
    // rules that ask for two repeats: a customer with two purchase days is a one-time buyer,
    // said as it is (not "on a single day")
    expect(
      type(
        {
          loyalty: { type: 'one_time_buyer', rule: 'single_purchase', repeatDays: 1 },
          cadence: { orders: 2, usualGapDays: 60, tenureDays: 60, daysSinceLast: 112 },
          profit: { past: 17, orders: 2 },
        },
        { minRepeat: 2 },
      ),
    ).toBe('one-time buyer: 2 purchase days (1 repeat; the rules ask for 2), the last 16 weeks ago')
  })

  test('a loss under one unit of margin, a free cost kind and an odd lapsed line read true', () => {
    // a margin of -0.03 was shown in cents beside whole euros: "(margin -€0.03), and shipping
    // cost €10 more (profit -€10)" does not add up; the sentence is in cents throughout
    expect(
      loss({
        past: -10.03,
        orders: 1,
        shippingCost: 10,
        feeCost: 0,
        otherCost: 10,
        grossMargin: -0.03,
      }),
    ).toBe(
      'served at a loss: sold below cost or refunded (margin -€0.03), and shipping cost €10.00 more (profit -€10.03)',
    )
    // a ticket with no minutes costs nothing (no rate): it made none of the loss, and is not named
    const free = loss({
      past: -15,
      orders: 1,
      tickets: 1,
      ticketCost: 0,
      returns: 1,
      returnCost: 0,
      shippingCost: 15,
      otherCost: 15,
      grossMargin: 0,
    })
    expect(free).not.toMatch(/ticket|return/)
    expect(free).toContain('shipping cost €15')
    // a line of 0.29 is 28.999999999999996 once times 100: said as 29
    expect(
      type(
        { loyalty: { type: 'lapsed', rule: 'p_alive_low' }, pAlive: 0.289999999999 },
        { pAliveBelow: 0.29 },
      ),
    ).toBe('lapsed: under 29 % chance of still being active')
  })

  test('a rounded percent never reads as at or past the line of the rule it fails or passes', () => {
    const lapsed = (pAlive: number) =>
      type({ loyalty: { type: 'lapsed', rule: 'p_alive_low' }, pAlive })
    // lapsed below a P(alive) of 0.3: it read "30 % chance"
    expect(lapsed(0.29917)).toBe('lapsed: 29.9 % chance of still being active')
    expect(lapsed(0.2998)).toBe('lapsed: 29.98 % chance of still being active')
    expect(lapsed(0.2999999999)).toBe('lapsed: under 30 % chance of still being active')
    expect(lapsed(0.18)).toBe('lapsed: 18 % chance of still being active')
    // the line is the configured one
    expect(
      type(
        { loyalty: { type: 'lapsed', rule: 'p_alive_low' }, pAlive: 0.497 },
        { pAliveBelow: 0.5 },
      ),
    ).toBe('lapsed: 49.7 % chance of still being active')
    // lucrative from the 70th value percentile: the 901st of 3,000 is at it and in the top
    // 30.03 %, which read "top 31 %"; the percentile the rule measured is cited instead
    const lucrative = {
      loyalty: { type: 'lucrative_loyal', rule: 'high_value_connected' },
      valuePercentile: 70,
      valueTopShare: (100 * 901) / 3000,
      engagement: { percentile: 60, topShare: (100 * 1201) / 3000, reviews: 0 },
    } as const
    expect(type(lucrative)).toBe(
      'lucrative loyal: value percentile 70 with engagement percentile 60',
    )
    // inside the line: the rank, as before
    expect(
      type({
        ...lucrative,
        valuePercentile: 95,
        valueTopShare: 5.2,
        engagement: { percentile: 66, topShare: 34.1, reviews: 0 },
      }),
    ).toBe('lucrative loyal: top 6 % by value with engagement in the top 35 %')
  })

  test('tier held by grace, threshold tiers, segment and engagement', () => {
    const held = {
      name: 'Gold',
      basis: 'threshold',
      totalValue: 2800,
      boundary: 3000,
      heldByGrace: true,
      graceLeft: 10,
    } as const
    const r = buildReasons(
      {
        tier: held,
        segment: { name: 'Champions', daysSinceLast: 12, orders: 23, revenue: 4900 },
        engagement: { percentile: 92 },
      },
      { currency, limit: 5 },
    )
    expect(r.map((x) => x.text)).toEqual([
      'kept in Gold for 10 more days (grace period): total value $2,800 is below its $3,000 minimum',
      'Champions: last order 12 days ago, 23 orders, $4,900 spent',
      'more engaged than 92 % of customers',
    ])
    // the service's days are fractional: an order 20 minutes ago was today, not "1 day ago"
    const seg = (days: number) =>
      buildReasons(
        { segment: { name: 'New', daysSinceLast: days, orders: 1, revenue: 10 } },
        { currency },
      )[0]?.text
    expect(seg(20 / 1440)).toBe('New: last order today, 1 order, $10 spent')
    expect(seg(0.7)).toBe('New: last order 1 day ago, 1 order, $10 spent')
    // the service keeps a tier until its refit: a refund below the minimum does not "reach" it
    expect(
      buildReasons(
        { tier: { ...held, totalValue: 23, graceUnit: 'refit' as const } },
        { currency },
      )[0]?.text,
    ).toBe(
      'kept in Gold until the next refit (demotions wait for it): total value $23 is below its $3,000 minimum',
    )
    const last = buildReasons({ tier: { ...held, graceLeft: 0 } }, { currency })
    expect(last[0]?.text).toBe(
      'kept in Gold for the last day (grace period): total value $2,800 is below its $3,000 minimum',
    )
    const t = buildReasons(
      { tier: { name: 'Gold', basis: 'threshold', totalValue: 3100, boundary: 3000 } },
      { currency },
    )
    expect(t[0]?.text).toBe('total value $3,100 reaches the Gold minimum of $3,000')
  })
})

describe('formatting', () => {
  test('currency is configurable', () => {
    expect(moneyFormatter({ code: 'EUR', locale: 'de-DE', decimals: 2 })(1240.5)).toBe(
      '1.240,50\u00a0€',
    ) // de-DE puts a no-break space before €
    expect(moneyFormatter({ code: null, locale: 'en-US', decimals: 0 })(1240.4)).toBe('1,240')
    expect(moneyFormatter({ code: 'XYZ1', locale: 'en-US', decimals: 0 })(5)).toBe('5 XYZ1')
  })

  test('an amount that rounds to 0 in whole units is shown in cents, and never as -0', () => {
    const eur = moneyFormatter({ code: 'EUR', locale: 'en-US', decimals: 0 })
    expect([-0.03, 0.33, 0.3, -0.4999, 0.5, -0.5, 0, -0, -0.004].map(eur)).toEqual([
      '-€0.03',
      '€0.33',
      '€0.30',
      '-€0.50',
      '€1',
      '-€1',
      '€0',
      '€0',
      '€0',
    ])
    // a currency without a minor unit has nothing finer to show; no code: two decimals
    expect(moneyFormatter({ code: 'JPY', locale: 'en-US', decimals: 0 })(-0.3)).toBe('¥0')
    expect(moneyFormatter({ code: null, locale: 'en-US', decimals: 0 })(-0.25)).toBe('-0.25')
    // configured cents: a tenth of a cent is 0, not -0.00
    expect(moneyFormatter({ code: 'USD', locale: 'en-US', decimals: 2 })(-0.001)).toBe('$0.00')
  })

  test('a loss of cents is told in cents (it read "-€0" with fees of "€0" over a margin of "€0")', () => {
    const [tier, loss] = buildReasons(
      {
        tier: { name: 'Bronze', basis: 'rank', totalValue: -0.03 },
        profit: { past: -0.03, orders: 1, otherCost: 0.33, grossMargin: 0.3 },
      },
      { currency: { code: 'EUR', locale: 'en-US', decimals: 0 } },
    )
    expect(`${tier?.text} / ${loss?.text}`).not.toMatch(/€0(?![.\d])/)
    expect(tier?.text).toContain('-€0.03')
  })

  test('amounts one sentence compares read apart, and the profit beside them agrees', () => {
    const tier = (totalValue: number) =>
      buildReasons(
        {
          tier: {
            name: 'Bronze',
            basis: 'rank',
            totalValue,
            above: { name: 'Silver', boundary: 314.586853, topPercent: 30 },
          },
        },
        { currency: eur },
      )[0]?.text
    // it read "total value €315 is below the Silver minimum of €315"
    expect(tier(314.53)).toBe(
      'Bronze: total value €314.53 is below the Silver minimum of €314.59 (the top 30 %)',
    )
    // the cents alone do not tell them apart: a tenth of a cent more
    expect(tier(314.586)).toContain('€314.586 is below the Silver minimum of €314.587')
    // apart in whole units: whole units
    expect(tier(110.36)).toContain('€110 is below the Silver minimum of €315')
    // a total to the cent under a minimum finer than the cent: the total keeps its cents
    // (it read "€69.500 is below ... €69.504", and "￥40,195.0" in yen)
    const under = (totalValue: number, boundary: number, currency: typeof eur) =>
      buildReasons(
        {
          tier: {
            name: 'Bronze',
            basis: 'threshold',
            totalValue,
            above: { name: 'Silver', boundary },
          },
        },
        { currency },
      )[0]?.text
    expect(under(69.5, 69.504, eur)).toBe(
      'Bronze: total value €69.50 is below the Silver minimum of €69.504',
    )
    expect(under(40195, 40195.4, { ...eur, code: 'JPY', locale: 'en-US' })).toBe(
      'Bronze: total value ¥40,195 is below the Silver minimum of ¥40,195.4',
    )
    // a total shown to the cent at the line it is below: no figure on the wrong side
    expect(tier(314.59)).toBe(
      'Bronze: total value is just below the Silver minimum of €315 (the top 30 %)',
    )
    const grace = buildReasons(
      {
        tier: {
          name: 'Gold',
          basis: 'threshold',
          totalValue: 2999.8,
          boundary: 3000,
          heldByGrace: true,
          graceLeft: 3,
        },
      },
      { currency: eur },
    )[0]?.text
    expect(grace).toContain('total value €2,999.80 is below its €3,000.00 minimum')
    const loss = (grossMargin: number, otherCost: number, past: number) =>
      buildReasons({ profit: { past, orders: 1, otherCost, grossMargin } }, { currency: eur })[0]
        ?.text
    // it read "of €5 exceed the margin of €5 (profit -€1)"
    expect(loss(4.74, 5.49, -0.75)).toBe(
      'served at a loss: shipping, fees and discounts cost €5.49, more than the margin of €4.74 (profit -€0.75)',
    )
    // "-€0.05" with "€5" on both sides read as no loss at all
    expect(loss(5.41, 5.46, -0.05)).toContain(
      'cost €5.46, more than the margin of €5.41 (profit -€0.05)',
    )
    // €7 over €4 is not a loss of €2: the figures and their difference agree
    expect(loss(4.4, 6.6, -2.2)).toContain(
      'cost €6.60, more than the margin of €4.40 (profit -€2.20)',
    )
    // whole units that agree stay whole
    expect(loss(12.2, 20.1, -7.9)).toContain('cost €20, more than the margin of €12 (profit -€8)')
  })

  test('durations in the unit people use', () => {
    expect(formatDuration(1)).toBe('1 day')
    expect(formatDuration(35)).toBe('5 weeks')
    expect(formatDuration(210)).toBe('7 months')
    expect(formatDuration(730)).toBe('2 years')
    expect(formatDuration(913)).toBe('2.5 years')
  })
})
