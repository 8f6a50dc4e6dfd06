// The profile's rhythm and "what keeps them" sentences rest on a comparison the data can carry: a
// top cohort of one customer was "6.1x the others" and "100 % against 22 %" in a report whose
// lead says each sentence rests on a significant figure.
import { describe, expect, it } from 'vitest'
import { formatInsightsDigest } from '../../src/cli/commands/insights.ts'
import { icpText, type TopProfileRow } from '../../src/service/insights/icp.ts'
import type { PathToBest } from '../../src/service/insights/types.ts'
import { sampleInsights } from '../analyze/sample-summary.ts'

const row = (top: boolean, customers: number, back: number): TopProfileRow => ({
  top,
  customers,
  purchases_per_year: top ? 7.4 : 1.2,
  median_gap_days: top ? 49 : 120,
  first_order_value: 100,
  back_within: back,
  discount_first: 0,
})

describe('ideal customer profile on a small top cohort', () => {
  const over = { ...sampleInsights('x').overIndex, significant: [], levels: [] }
  const ctx = { topShare: 0.1, stickyDays: 90, currency: null, topCustomers: 1, eligible: 10 }

  it('one top customer: no rhythm ratio, no share compared as if it were significant', () => {
    const out = icpText(over, null, null, [row(true, 1, 1), row(false, 9, 2 / 9)], ctx)
    const when = out.find((s) => s.startsWith('When they buy'))
    expect(when).toBe(
      "When they buy: too few top customers (1; 20 needed) to compare their rhythm with the others'.",
    )
    const keeps = out.find((s) => s.startsWith('What keeps them'))
    // 1 of 1 against 2 of 9: Fisher's two-sided p is 0.3
    expect(keeps).toMatch(
      /not significantly more common among them \(100\.0% of 1 against 22\.2% of the others; Fisher p = 0\.30\)/,
    )
  })

  it("the first-order values after the baskets are said as the top customers' and the others'", () => {
    const path = sampleInsights('x').pathToBest as PathToBest
    const basket = { ...path.itemsets[0]!, items: ['category: Lenses'], rate: 0.17, lift: 1.7 }
    const rows = [
      { ...row(true, 40, 0.5), first_order_value: 139.86 },
      { ...row(false, 360, 0.2), first_order_value: 88.19 },
    ]
    const out = icpText(over, { ...path, itemsets: [basket] }, null, rows, {
      ...ctx,
      currency: 'EUR',
      topCustomers: 40,
      eligible: 400,
    })
    const what = out.find((s) => s.startsWith('What they buy')) ?? ''
    // "Their median first order" after the baskets read as the Lenses buyers'
    expect(what).toContain(
      "The top customers' median first order is €139.86 vs €88.19 for the others.",
    )
    expect(what).not.toContain('Their median')
  })

  it('the level of customers without a value is said as such, not as a value named "(none)"', () => {
    const sig = sampleInsights('x').overIndex.significant[0]!
    const none = { ...sig, attribute: 'country', level: '(none)', index: 250 }
    const out = icpText({ ...over, levels: [none], significant: [none] }, null, null, [], {
      ...ctx,
      topCustomers: 4,
      eligible: 40,
    })
    const who = out.find((s) => s.startsWith('Who')) ?? ''
    expect(who).toContain('are concentrated in no country recorded (')
    expect(who).not.toContain('(none)')
  })

  it('levels the best are significantly rarer in are said when none is more common', () => {
    const sig = sampleInsights('x').overIndex.significant[0]!
    const rarer = {
      ...over,
      levels: [{ ...sig, attribute: 'city', level: 'Berlin', shareTop: 0, index: 0 }],
      significant: [{ ...sig, attribute: 'city', level: 'Berlin', shareTop: 0, index: 0 }],
    }
    const out = icpText(rarer, null, null, [], { ...ctx, topCustomers: 4, eligible: 40 })
    expect(out.find((s) => s.startsWith('Who'))).toBe(
      'Who: no customer attribute is significantly more common among the top 10% of 40. They are rarer in city Berlin (0.0×).',
    )
    // the digest's headline says so too: it read "0.0× as common among the best"
    const s = sampleInsights('x')
    const files = { dir: 'out', json: 'out/insights.json', html: 'out/insights.html', csv: [] }
    const digest = formatInsightsDigest({ ...s, overIndex: rarer }, files, null)
    expect(digest).toContain(
      'Over-index: no level is more common among the best; city Berlin is 0.0× as common among them (Holm p 2.0e-3); 1 significant level.',
    )
  })

  it('the two rarest levels: ties at 0x go to the most significant, rarest first', () => {
    const sig = sampleInsights('x').overIndex.significant[0]!
    const level = (attribute: string, lvl: string, index: number, pHolm: number) => ({
      ...sig,
      attribute,
      level: lvl,
      shareTop: index / 100,
      index,
      pHolm,
    })
    // in the table's order (index descending): the list position settled the tie before, and
    // country US, by far the most significant, was left out
    const significant = [
      level('country', 'DE', 40, 1e-3),
      level('country', 'US', 0, 3.9e-8),
      level('region', 'US / MA', 0, 6e-4),
      level('city', 'US / IL / Springfield', 0, 6e-4),
    ]
    const out = icpText({ ...over, levels: significant, significant }, null, null, [], {
      ...ctx,
      topCustomers: 20,
      eligible: 200,
    })
    expect(out.find((s) => s.startsWith('Who'))).toContain(
      'They are rarer in country US (0.0×); region US / MA (0.0×).',
    )
  })

  it('a cohort large enough and a real difference: both sentences as before', () => {
    const big = { ...ctx, topCustomers: 100, eligible: 1000 }
    const out = icpText(over, null, null, [row(true, 100, 0.6), row(false, 900, 0.3)], big)
    expect(out.find((s) => s.startsWith('When they buy'))).toBe(
      'When they buy: about 7.4 purchases a year (6.2× the others), typically every 49 days.',
    )
    expect(out.find((s) => s.startsWith('What keeps them'))).toBe(
      'What keeps them: 60.0% of them bought again within 90 days of their first order, against 30.0% of the others.',
    )
  })

  it("the model's strongest early sign is said in the reasons' words, not as a feature's name", () => {
    const big = { ...ctx, topCustomers: 100, eligible: 1000 }
    const stars = {
      ...sampleInsights('x').risingStars!,
      features: [
        { name: 'early_spend', coefficient: 0.4, words: 'spend in the first 90 days' },
        {
          name: 'first_order_has=Watches',
          coefficient: 0.9,
          words: 'first order included Watches',
        },
        { name: 'acquired via=affiliate', coefficient: -1.2, words: 'acquired via affiliate' },
      ],
    }
    const out = icpText(over, null, stars, [row(true, 100, 0.6), row(false, 900, 0.3)], big)
    expect(out.find((s) => s.startsWith('What keeps them'))).toBe(
      'What keeps them: 60.0% of them bought again within 90 days of their first order, against 30.0% of the others. The strongest early sign in the model: first order included Watches.',
    )
  })

  it('nobody back within the window: it says there is nothing to compare, not nothing at all', () => {
    const big = { ...ctx, topCustomers: 100, eligible: 1000 }
    const out = icpText(over, null, null, [row(true, 100, 0), row(false, 900, 0)], big)
    expect(out.find((s) => s.startsWith('What keeps them'))).toBe(
      'What keeps them: nothing to compare yet: no customer, top or other, bought again within 90 days of their first order.',
    )
  })
})
