// Whole-customer value through the service on real DuckDB workspace files, on small cases whose
// figures are worked out by hand in the comments: a three-level referral chain, a customer served
// at a loss, a tier boundary crossed under a grace period across analyze runs, and loyalty types.
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import {
  DEFAULT_VALUE_CONFIG,
  ENGAGEMENT_EVENT_TYPES,
  parseValueConfig,
  type ValueConfigInput,
} from '../../src/core/value/config.ts'
import { engagementScores } from '../../src/core/value/engagement.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { customerProfile } from '../../src/service/customer-profile.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
/** Cost rates that leave profit = margin, so own values are easy to read. */
const FREE: ValueConfigInput['costs'] = {
  perTicketMinute: 0,
  perReturn: 0,
  paymentFeeRate: 0,
  paymentFeeFixed: 0,
}

const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

async function workspace(
  files: Record<string, string>,
): Promise<{ db: string; dir: string; engine: Engine }> {
  const dir = tempDir('loyals-value-')
  const db = join(dir, 'w.duckdb')
  const engine = await openWorkspace(db)
  open.push(engine)
  for (const [kind, content] of Object.entries(files)) {
    await importFile(engine, write(dir, `${kind}.csv`, content), { kind, now: NOW })
  }
  return { db, dir, engine }
}

async function analyzeValue(
  engine: Engine,
  config: ValueConfigInput,
  asOf?: string,
): Promise<AnalysisSummary> {
  return computeAnalysis(engine, {
    source: 'test',
    ...(asOf ? { asOf } : {}),
    predictions: false,
    value: { config: parseValueConfig(config) },
  })
}

type Row = Record<string, unknown>
async function rows(engine: Engine, cols: string): Promise<Record<string, Row>> {
  const out: Record<string, Row> = {}
  for (const r of await engine.query(`SELECT customer_id, ${cols} FROM customer_analysis`)) {
    out[r.customer_id as string] = r
  }
  return out
}

describe('referral value', () => {
  // Own value = past profit = amount - cost (every cost rate 0, no predictions):
  //   A 100-90 = 10, B 200-100 = 100, C 100-60 = 40, D 50-30 = 20, E 10-5 = 5.
  // A -> B -> C -> D, and E -> D later (a second referral of D: the first one wins).
  // Decay 0.5: A = 100 + 0.5 * 40 + 0.25 * 20 = 125; B = 40 + 0.5 * 20 = 50; C = 20; D = E = 0.
  const files = {
    orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,90
2,B,2024-02-01,200,100
3,C,2024-03-01,100,60
4,D,2024-04-01,50,30
5,E,2024-04-02,10,5
`,
    referrals: `referrer,referred,date
A,B,2024-01-15
B,C,2024-02-15
C,D,2024-03-15
E,D,2024-03-20
E,E,2024-03-25
`,
  }

  test('a three-level chain: values flow up with decay 0.5, never counted twice', async () => {
    const { engine } = await workspace(files)
    const s = await analyzeValue(engine, { costs: FREE })
    const r = await rows(
      engine,
      'historical_profit, referral_value, referrals_direct, referred_customers, total_value',
    )
    const want = {
      A: [10, 125, 1, 3, 135],
      B: [100, 50, 1, 2, 150],
      C: [40, 20, 1, 1, 60],
      D: [20, 0, 0, 0, 20],
      E: [5, 0, 0, 0, 5],
    }
    for (const [id, [past, ref, direct, all, total]] of Object.entries(want)) {
      const x = r[id] as Row
      expect(x.historical_profit).toBeCloseTo(past as number, 9)
      expect(x.referral_value).toBeCloseTo(ref as number, 9)
      expect(x.referrals_direct).toBe(direct)
      expect(x.referred_customers).toBe(all)
      expect(x.total_value).toBeCloseTo(total as number, 9)
    }
    const v = s.value
    expect(v?.referrals).toMatchObject({
      referrers: 3,
      referred: 3,
      duplicates: 1,
      cyclesBroken: 0,
      // E's own code on E's order: imported, then ignored and counted (docs/value.md)
      selfReferrals: 1,
    })
    // 125 + 50 + 20: each customer's value counted once per ancestor level, with its weight
    expect(v?.breakdown.referralValue).toBeCloseTo(195, 9)
    // the company's value counts each customer's profit once: 10 + 100 + 40 + 20 + 5, not the
    // customers' total values (370), whose referral credit is B's, C's and D's profit again
    expect(v?.breakdown.totalValue).toBeCloseTo(370, 9)
    expect(v?.breakdown.companyValue).toBeCloseTo(175, 9)
    const own = v?.tiers.levels.map((l) => [l.ownValue, l.valueShare ?? 0]) ?? []
    expect(own.reduce((x, [o]) => x + (o as number), 0)).toBeCloseTo(175, 9)
    expect(own.reduce((x, [, sh]) => x + (sh as number), 0)).toBeCloseTo(1, 9)
    const top = v?.referrals.top[0]
    expect(top).toMatchObject({ customerId: 'A', direct: 1, descendants: 3 })
    expect(top?.referralValue).toBeCloseTo(125, 9)
    const b = top?.children[0]
    const c = b?.children[0]
    const d = c?.children[0]
    expect([b?.customerId, c?.customerId, d?.customerId]).toEqual(['B', 'C', 'D'])
    expect([b?.contribution, c?.contribution, d?.contribution]).toEqual([100, 20, 5])
    const reasons = await engine.query<{ t: string }>(
      "SELECT concat_ws(' | ', reason_1, reason_2, reason_3) AS t FROM customer_analysis WHERE customer_id = 'A'",
    )
    expect(reasons[0]?.t).toContain(
      'referred 1 customer worth 100 (and 2 more through them; referral value 125)',
    )
  })

  test('a referred person who never bought is not called a customer in the reason', async () => {
    // A referred B (bought: own value 100 - 60 = 40) and X (no order); B alone makes A's credit
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,90
2,B,2024-02-01,100,60
`,
      referrals: `referrer,referred,date
A,B,2024-01-15
A,X,2024-01-20
`,
    })
    await analyzeValue(engine, { costs: FREE })
    const r = await rows(engine, 'referrals_direct, referral_value')
    expect(r.A).toMatchObject({ referrals_direct: 2 })
    expect(r.A?.referral_value).toBeCloseTo(40, 9)
    const [a] = await engine.query<{ t: string }>(
      "SELECT concat_ws(' | ', reason_1, reason_2, reason_3) AS t FROM customer_analysis WHERE customer_id = 'A'",
    )
    expect(a?.t).toContain('referred 2 people, 1 of them a customer worth 40')
    expect(a?.t).not.toContain('2 customers')
  })

  test("a referral tree's shown contributions add up to its referral value", async () => {
    // own values (amount - cost): B 0.51, C 0.31, D 0.03, E 0.01. A -> B -> D and A -> C -> E:
    // A = 0.51 + 0.31 + 0.5 * 0.03 + 0.5 * 0.01 = 0.84; the halves 0.015 and 0.005 each round up
    // (0.02 + 0.01), and the tree read 0.85 beside its 0.84
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,10,9
2,B,2024-02-01,1.51,1
3,C,2024-02-02,1.31,1
4,D,2024-03-01,1.03,1
5,E,2024-03-02,1.01,1
`,
      referrals: `referrer,referred,date
A,B,2024-01-15
A,C,2024-01-16
B,D,2024-02-15
C,E,2024-02-16
`,
    })
    const s = await analyzeValue(engine, { costs: FREE })
    const top = s.value?.referrals.top.find((t) => t.customerId === 'A')
    expect(top?.referralValue).toBe(0.84)
    const sum = (ns: readonly { contribution: number; children: readonly unknown[] }[]): number =>
      ns.reduce((a, n) => a + n.contribution + sum(n.children as typeof ns), 0)
    expect(Math.round(sum(top?.children ?? []) * 100)).toBe(84)
  })

  test('maxDepth 2 stops the flow after two levels (a second analysis on the same connection)', async () => {
    const { engine } = await workspace(files)
    await analyzeValue(engine, { costs: FREE })
    await analyzeValue(engine, { costs: FREE, referrals: { decay: 0.5, maxDepth: 2 } })
    const r = await rows(engine, 'referral_value')
    // A = 100 + 0.5 * 40 (D is three levels down)
    expect(r.A?.referral_value).toBeCloseTo(120, 9)
    expect(r.B?.referral_value).toBeCloseTo(50, 9)
  })

  test('a customer who bought before the referral: the referrer gets the profit since it', async () => {
    // B bought for 80 (cost 50) and had a 10-minute ticket before A referred them on 2024-02-01,
    // then bought for 200 (cost 100) on the referral day and after; 1 per ticket minute.
    // B's own past profit = (30 + 100) - (10 + 5) = 115; before the referral 30 - 10 = 20, so
    // A's referral value = 115 - 20 = 95. B keeps their whole value (A's is what A brought).
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,90
2,B,2024-01-05,80,50
3,B,2024-02-01,120,60
4,B,2024-03-01,80,40
`,
      referrals: `referrer,referred,date
A,B,2024-02-01
`,
      tickets: `ticket_id,customer_id,opened_at,handling_minutes
T1,B,2024-01-10,10
T2,B,2024-02-10,5
`,
    })
    await analyzeValue(engine, { costs: { ...FREE, perTicketMinute: 1 } })
    const r = await rows(engine, 'historical_profit, referral_value, total_value')
    expect(r.B?.historical_profit).toBeCloseTo(115, 9)
    expect(r.B?.total_value).toBeCloseTo(115, 9)
    expect(r.A?.referral_value).toBeCloseTo(95, 9)
    expect(r.A?.total_value).toBeCloseTo(10 + 95, 9)
  })

  test('an order refunded in full before the referral is no sale before it either', async () => {
    // B's order 2 (80) was refunded in full before A referred B on 2024-02-01; orders 4 (50,
    // cost 25, before the referral) and 3 (120, cost 60, on its day) count. Fees 0.30 per paid
    // order: B's own profit = 85 - 0.60 = 84.40, of which 25 - 0.30 = 24.70 before the referral,
    // so A's referral value is 59.70 (it was 60.00 when the refunded order paid a fee before the
    // referral that B's own value never charged).
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,90
2,B,2024-01-05,80,50
2,B,2024-01-08,-80,-50
4,B,2024-01-10,50,25
3,B,2024-02-01,120,60
`,
      referrals: `referrer,referred,date
A,B,2024-02-01
`,
    })
    await analyzeValue(engine, { costs: { ...FREE, paymentFeeFixed: 0.3 } })
    const r = await rows(engine, 'historical_profit, referral_value')
    expect(r.B?.historical_profit).toBeCloseTo(84.4, 9)
    expect(r.A?.referral_value).toBeCloseTo(59.7, 9)
  })

  test("what came before the referral is priced as the customer's own value prices it", async () => {
    // Costs free but the 30 % margin of revenue without a cost. Before A referred B (2024-02-01):
    // order 2, 200 cost 120 (80); order 5, 200 with no cost (60 at 30 %); order 6, 100 cost 50,
    // refunded 40 on 01-20 (the refund takes back the order's 50 %: 50 - 20 = 30); order 7, 60
    // cost 30, refunded 20 on 02-10, after the referral but netted into its order's day (30 - 10
    // = 20): 190 before. Since: order 3, 120 cost 60. B's own profit 250, so A's referral value
    // is 60 (it was 90: order 5's unknown margin and both refunds' margins were left out).
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,90
2,B,2024-01-05,200,120
5,B,2024-01-10,200,
6,B,2024-01-12,100,50
6,B,2024-01-20,-40,
7,B,2024-01-15,60,30
7,B,2024-02-10,-20,
3,B,2024-02-01,120,60
`,
      referrals: `referrer,referred,date
A,B,2024-02-01
`,
    })
    await analyzeValue(engine, { costs: FREE })
    const r = await rows(engine, 'historical_profit, referral_value')
    expect(r.B?.historical_profit).toBeCloseTo(250, 9)
    expect(r.A?.referral_value).toBeCloseTo(60, 9)
  })
})

describe('cost to serve', () => {
  // Defaults: 30 % margin when no cost is known, $1 per ticket minute, $10 per return,
  // fees 2.9 % + $0.30 per order, no shipping.
  // L: 3 orders of 100 (margin unknown) = 90 margin; 3 tickets of 120 min = $360; 3 returns = $30;
  //    fees 300 * 0.029 + 3 * 0.3 = 9.60; cost to serve 399.60; profit 90 - 399.60 = -309.60.
  // P: 1000 - 600 = 400 margin, fees 29 + 0.30: profit 370.70.  Q: 50 - 2.90 - 0.30 = 46.80.
  // R: 20 - 2.90 - 0.30 = 16.80.  S: 5 - 1.45 - 0.30 = 3.25.
  // Total 127.95; the top 20 % (1 customer, P) hold 370.70 / 127.95 = 289.7 % of it.
  const files = {
    orders: `order_id,customer_id,ordered_at,amount,cost
L1,L,2024-01-05,100,
L2,L,2024-02-05,100,
L3,L,2024-03-05,100,
P1,P,2024-03-01,1000,600
Q1,Q,2024-03-02,100,50
R1,R,2024-03-03,100,80
S1,S,2024-03-04,50,45
`,
    tickets: `ticket_id,customer_id,opened_at,handling_minutes
T1,L,2024-01-06,120
T2,L,2024-02-06,120
T3,L,2024-03-06,120
`,
    returns:
      'order_id,returned_at,amount\nL1,2024-01-10,100\nL2,2024-02-10,100\nL3,2024-03-10,100\n',
  }

  test('a customer served at a loss, with the costs that make the loss', async () => {
    const { engine } = await workspace(files)
    // after the last ticket and return: tickets and returns after the as-of date are not counted
    const s = await analyzeValue(engine, {}, '2024-03-31')
    const l = (
      await rows(
        engine,
        'gross_margin, ticket_cost, return_cost, fee_cost, cost_to_serve, historical_profit, tickets, ticket_minutes, returns, reason_1, reason_2, reason_3',
      )
    ).L as Row
    expect(l.gross_margin).toBeCloseTo(90, 9)
    expect(l.ticket_cost).toBeCloseTo(360, 9)
    expect(l.return_cost).toBeCloseTo(30, 9)
    expect(l.fee_cost).toBeCloseTo(9.6, 9)
    expect(l.cost_to_serve).toBeCloseTo(399.6, 9)
    expect(l.historical_profit).toBeCloseTo(-309.6, 9)
    expect([l.tickets, l.ticket_minutes, l.returns]).toEqual([3, 360, 3])
    // the loss is said with the tier it sinks: the lowest tier cites the nearest minimum above it
    // (Silver, the top 30 %), and reason_2 and _3 stay segment and type
    expect(l.reason_1).toBe(
      'Bronze: total value -310 is below the Silver minimum of 371 (the top 30 %); served at a loss: 3 support tickets (6 h), 3 returns and fees cost 400, more than the margin of 90 (profit -310)',
    )
    expect(l.reason_2).toMatch(/^Champions: last order /)
    const v = s.value
    expect(v?.unprofitable.customers).toBe(1)
    expect(v?.unprofitable.loss).toBeCloseTo(-309.6, 9)
    expect(v?.unprofitable.worst[0]).toMatchObject({ customerId: 'L', tickets: 3, returns: 3 })
    expect(v?.profitConcentration.customers).toBe(1)
    expect(v?.profitConcentration.totalProfit).toBeCloseTo(127.95, 9)
    expect(v?.profitConcentration.share).toBeCloseTo(370.7 / 127.95, 9)
    expect(v?.breakdown.costs.tickets).toBeCloseTo(360, 9)
  })

  test('every cost rate: the cost columns (worked out in SQL) match the hand figures and the summary', async () => {
    // L with $0.8/min, $7.5/return + 25 % of the returned 300 written off, $4.9 shipping per order,
    // fees 2.9 % + $0.25, discounts counted ($5 on each order):
    //   tickets 360 * 0.8 = 288; returns 3 * 7.5 + 300 * 0.25 = 97.5; shipping 3 * 4.9 = 14.7;
    //   fees 300 * 0.029 + 3 * 0.25 = 9.45; discounts 15; cost 424.65; profit 90 - 424.65 = -334.65
    const withDiscounts = {
      ...files,
      orders: files.orders
        .split('\n')
        .map((l, k) => (k === 0 ? `${l},discount` : l === '' ? l : `${l},5`))
        .join('\n'),
    }
    const { engine } = await workspace(withDiscounts)
    const costs = {
      perTicketMinute: 0.8,
      perReturn: 7.5,
      returnWriteOffRate: 0.25,
      shippingPerOrder: 4.9,
      paymentFeeRate: 0.029,
      paymentFeeFixed: 0.25,
      discountAsCost: true,
    }
    const s = await analyzeValue(engine, { costs }, '2024-03-31')
    const cols = [
      'gross_margin',
      'ticket_cost',
      'return_cost',
      'shipping_cost',
      'fee_cost',
      'discount_cost',
      'cost_to_serve',
      'historical_profit',
    ]
    const all = await rows(engine, cols.join(', '))
    const l = all.L as Row
    expect(cols.map((c) => l[c])).toEqual([90, 288, 97.5, 14.7, 9.45, 15, 424.65, -334.65])
    const total = (c: string) => Object.values(all).reduce((a, r) => a + (r[c] as number), 0)
    const b = s.value?.breakdown
    const n = Object.keys(all).length
    // the columns are rounded to the cent: sums within half a cent a customer of the JS figures
    expect(Math.abs(total('gross_margin') - (b?.grossMargin ?? 0))).toBeLessThanOrEqual(n * 0.005)
    expect(Math.abs(total('ticket_cost') - (b?.costs.tickets ?? 0))).toBeLessThanOrEqual(n * 0.005)
    expect(Math.abs(total('return_cost') - (b?.costs.returns ?? 0))).toBeLessThanOrEqual(n * 0.005)
    expect(Math.abs(total('shipping_cost') - (b?.costs.shipping ?? 0))).toBeLessThanOrEqual(
      n * 0.005,
    )
    expect(Math.abs(total('fee_cost') - (b?.costs.fees ?? 0))).toBeLessThanOrEqual(n * 0.005)
    expect(Math.abs(total('discount_cost') - (b?.costs.discounts ?? 0))).toBeLessThanOrEqual(
      n * 0.005,
    )
    expect(Math.abs(total('historical_profit') - (b?.pastProfit ?? 0))).toBeLessThanOrEqual(
      n * 0.005,
    )
    expect(b?.costs.discounts).toBeCloseTo(5 * 7, 9)
  })
})

describe('margin with refunds and partly known costs', () => {
  // Every cost rate 0 (FREE): profit = gross margin. Default margin rate 0.3.
  // REF: b1 100 (cost 60) refunded in full, b2, b3 200 (cost 100): margin 40 - 40 + 100 + 100 = 200.
  // NEG: c1, c2 50 (cost 30), a refund of 300 that names no order: it takes back NEG's own
  //   margin rate (every order has a cost: 40 / 100): 40 - 120 = -80, served at a loss.
  // MIX: a1 100 (cost 60), a2 1000 without a cost: 40 + 1000 * 0.3 = 340.
  const files = {
    orders: `order_id,customer_id,ordered_at,amount,cost
a1,MIX,2024-01-10,100,60
a2,MIX,2024-03-10,1000,
b1,REF,2024-01-10,100,60
b1,REF,2024-01-20,-100,
b2,REF,2024-03-10,200,100
b3,REF,2024-05-10,200,100
c1,NEG,2024-01-10,50,30
c2,NEG,2024-03-10,50,30
c3,NEG,2024-04-10,-300,
`,
  }

  test('a refund takes back its order margin; an order without a cost is priced at the default rate', async () => {
    const { engine } = await workspace(files)
    const s = await analyzeValue(engine, { costs: FREE }, '2024-06-30')
    const r = await rows(engine, 'revenue, margin, margin_revenue, gross_margin, historical_profit')
    expect(r.REF).toMatchObject({
      revenue: 400,
      margin: 200,
      margin_revenue: 400,
      gross_margin: 200,
    })
    expect(r.MIX).toMatchObject({ revenue: 1100, margin: 40, margin_revenue: 100 })
    expect(r.MIX!.gross_margin).toBeCloseTo(340, 9)
    expect(r.NEG).toMatchObject({ revenue: -200, margin: -80, margin_revenue: -200 })
    expect(r.NEG!.gross_margin).toBeCloseTo(-80, 9)
    expect(r.NEG!.historical_profit).toBeCloseTo(-80, 9)
    // NEG is served at a loss, and the reason blames the margin, not costs of 0
    expect(s.value?.unprofitable.customers).toBe(1)
    const neg = await customerProfile(engine, 'NEG', {
      asOf: '2024-06-30',
      config: parseValueConfig({ costs: FREE }),
      predictions: false,
    })
    expect(neg.reasons.map((x) => x.text).join(' | ')).toMatch(
      /served at a loss: sold below cost or refunded \(margin -80\)/,
    )
    expect(s.quality.map((q) => q.message).join(' ')).toMatch(
      /1 customer has a margin \(cost\) for some orders only/,
    )
  })
})

describe('free orders', () => {
  test('a free order (amount 0) pays no fixed payment fee; it still ships', async () => {
    // F: 100 paid + a free sample of 0 on another day; fees 100 * 0.029 + 1 * 0.3 = 3.20 (not
    // 3.50), shipping 2 * 4 = 8. E: one paid order of 50: fees 1.45 + 0.30 = 1.75.
    const { engine } = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount\nF1,F,2024-03-01,100\nF2,F,2024-03-05,0\nE1,E,2024-03-02,50\n',
    })
    const costs = { paymentFeeRate: 0.029, paymentFeeFixed: 0.3, shippingPerOrder: 4 }
    const s = await analyzeValue(engine, { costs }, '2024-03-31')
    const r = await rows(engine, 'orders, fee_cost, shipping_cost')
    expect(r.F).toEqual({ customer_id: 'F', orders: 2, fee_cost: 3.2, shipping_cost: 8 })
    expect(r.E).toEqual({ customer_id: 'E', orders: 1, fee_cost: 1.75, shipping_cost: 4 })
    // the summary's fees are the JavaScript figures of the same rule
    expect(s.value?.breakdown.costs.fees).toBeCloseTo(3.2 + 1.75, 9)
  })
})

describe('tiers with a grace period', () => {
  // Threshold tiers: Gold from 100, Member below; 30-day grace. Profit = amount - cost.
  // G: 200 - 50 = 150 -> Gold on 2024-03-31. A 60-minute ticket on 2024-04-10 ($1/min) brings it
  //    to 90 from the 2024-04-15 run: below Gold, held (30 days left), still held on 2024-05-15
  //    (the last day: 30 days after the first run that found it below), Member on 2024-05-16.
  // H: 60 -> Member; an order of 100 - 20 on 2024-04-10 lifts it to 140: promoted at once.
  const files = {
    orders: `order_id,customer_id,ordered_at,amount,cost
G1,G,2024-03-01,200,50
H1,H,2024-03-02,100,40
H2,H,2024-04-10,100,20
`,
    tickets: 'ticket_id,customer_id,opened_at,handling_minutes\nT1,G,2024-04-10,60\n',
  }
  const config: ValueConfigInput = {
    costs: { ...FREE, perTicketMinute: 1 },
    tiers: {
      basis: 'threshold',
      grace: { unit: 'days', length: 30 },
      levels: [
        { name: 'Gold', minValue: 100, serviceLevel: { priority: 1, responseTargetMinutes: 60 } },
        { name: 'Member', serviceLevel: { priority: 2, responseTargetMinutes: 1440 } },
      ],
    },
  }

  async function run(db: string, asOf: string, resetTiers = false) {
    const engine = await openWorkspace(db) // reopened each time: the state lives in the file
    try {
      const s = resetTiers
        ? await computeAnalysis(engine, {
            source: 'test',
            asOf,
            predictions: false,
            value: { config: parseValueConfig(config), resetTiers: true },
          })
        : await analyzeValue(engine, config, asOf)
      const r = await rows(
        engine,
        'total_value, tier, qualified_tier, held_by_grace, grace_left, reason_1, reason_2, reason_3',
      )
      const state = await engine.query(
        'SELECT customer_id, tier, CAST(below_since AS VARCHAR) AS below_since FROM tier_state ORDER BY 1',
      )
      return { s, r, state }
    } finally {
      await engine.close()
    }
  }

  test('held below the boundary for 30 days, then dropped; promotions are immediate', async () => {
    const { db, engine } = await workspace(files)
    await engine.close()
    open.length = 0

    const r1 = await run(db, '2024-03-31')
    expect(r1.r.G).toMatchObject({ total_value: 150, tier: 'Gold', held_by_grace: false })
    expect(r1.r.H).toMatchObject({ total_value: 60, tier: 'Member' })

    const r2 = await run(db, '2024-04-15')
    expect(r2.r.G).toMatchObject({
      total_value: 90,
      tier: 'Gold',
      qualified_tier: 'Member',
      held_by_grace: true,
      grace_left: 30,
    })
    expect(Object.values(r2.r.G as Row)).toContain(
      'kept in Gold for 30 more days (grace period): total value 90 is below its 100 minimum',
    )
    expect(r2.r.H).toMatchObject({ total_value: 140, tier: 'Gold', held_by_grace: false })
    expect(r2.state).toEqual([
      { customer_id: 'G', tier: 'Gold', below_since: '2024-04-15' },
      { customer_id: 'H', tier: 'Gold', below_since: null },
    ])
    expect(r2.s.value?.tiers.levels.map((l) => [l.name, l.customers, l.heldByGrace])).toEqual([
      ['Gold', 2, 1],
      ['Member', 0, 0],
    ])

    const r3 = await run(db, '2024-05-15')
    expect(r3.r.G).toMatchObject({ tier: 'Gold', held_by_grace: true, grace_left: 0 })
    // H's state did not change in this run: its row is not rewritten and keeps the as-of date of
    // the run that set it
    const again = await openWorkspace(db)
    try {
      const asOf = await again.query(
        "SELECT CAST(as_of AS VARCHAR) AS as_of FROM tier_state WHERE customer_id = 'H'",
      )
      expect(asOf).toEqual([{ as_of: '2024-04-15' }])
    } finally {
      await again.close()
    }

    const r4 = await run(db, '2024-05-16')
    expect(r4.r.G).toMatchObject({ tier: 'Member', held_by_grace: false, grace_left: null })
    expect(r4.state[0]).toEqual({ customer_id: 'G', tier: 'Member', below_since: null })
  })

  test('tiers and percentiles go by the total as shown: 199.996 shown as 200.00 meets a minimum of 200', async () => {
    // G's 4 ticket minutes at $0.001 cost 0.004, shown as 0.00: G's total shows as 200.00, as K's
    const { engine } = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount,cost\nG1,G,2024-03-01,200,0\nK1,K,2024-03-02,200,0\nL1,L,2024-03-03,50,0\n',
      tickets: 'ticket_id,customer_id,opened_at,handling_minutes\nT1,G,2024-03-10,4\n',
    })
    const s = await analyzeValue(
      engine,
      {
        costs: { ...FREE, perTicketMinute: 0.001 },
        tiers: {
          basis: 'threshold',
          levels: [
            {
              name: 'Gold',
              minValue: 200,
              serviceLevel: { priority: 1, responseTargetMinutes: 60 },
            },
            { name: 'Member', serviceLevel: { priority: 2, responseTargetMinutes: 1440 } },
          ],
        },
      },
      '2024-03-31',
    )
    const r = await rows(engine, 'total_value, tier, value_percentile')
    expect(r.G).toMatchObject({ total_value: 200, tier: 'Gold' })
    expect(r.K).toMatchObject({ total_value: 200, tier: 'Gold' })
    expect(r.G?.value_percentile).toBe(r.K?.value_percentile)
    expect(s.value?.tiers.levels.map((l) => [l.name, l.customers])).toEqual([
      ['Gold', 2],
      ['Member', 1],
    ])
  })

  test('--reset-tiers starts the grace periods afresh: tiers as they qualify, stored as such', async () => {
    const { db, engine } = await workspace(files)
    await engine.close()
    open.length = 0
    await run(db, '2024-03-31')
    // G below Gold from 2024-04-15 would be held 30 days; reset, it is Member at once
    const r = await run(db, '2024-04-15', true)
    expect(r.r.G).toMatchObject({ total_value: 90, tier: 'Member', held_by_grace: false })
    expect(r.r.H).toMatchObject({ total_value: 140, tier: 'Gold', held_by_grace: false })
    expect(r.state).toEqual([
      { customer_id: 'G', tier: 'Member', below_since: null },
      { customer_id: 'H', tier: 'Gold', below_since: null },
    ])
    expect(r.s.value?.tiers.levels.map((l) => [l.name, l.customers, l.heldByGrace])).toEqual([
      ['Gold', 1, 0],
      ['Member', 1, 0],
    ])
  })

  test('--reset-tiers dated before the stored states replaces them all the same', async () => {
    const { db, engine } = await workspace(files)
    await engine.close()
    open.length = 0
    await run(db, '2024-03-31')
    // as of 2024-04-20 G is below Gold and held by grace; a reset as of 2024-04-15 (earlier)
    // still replaces every state: G is stored as Member, its grace gone
    const held = await run(db, '2024-04-20')
    expect(held.r.G).toMatchObject({ tier: 'Gold', held_by_grace: true })
    const r = await run(db, '2024-04-15', true)
    expect(r.r.G).toMatchObject({ tier: 'Member', held_by_grace: false })
    expect(r.state).toEqual([
      { customer_id: 'G', tier: 'Member', below_since: null },
      { customer_id: 'H', tier: 'Gold', below_since: null },
    ])
    const after = await run(db, '2024-04-20')
    expect(after.r.G).toMatchObject({ tier: 'Member', held_by_grace: false })
  })
})

describe('tiers with a grace period in scoring runs', () => {
  // Gold from 100; G falls to 90 after its ticket (as of 2024-04-15 on); grace of 2 runs.
  const files = {
    orders: 'order_id,customer_id,ordered_at,amount,cost\nG1,G,2024-03-01,200,50\n',
    tickets: 'ticket_id,customer_id,opened_at,handling_minutes\nT1,G,2024-04-10,60\n',
  }
  const input: ValueConfigInput = {
    costs: { ...FREE, perTicketMinute: 1 },
    tiers: {
      basis: 'threshold',
      grace: { unit: 'runs', length: 2 },
      levels: [
        { name: 'Gold', minValue: 100, serviceLevel: { priority: 1, responseTargetMinutes: 60 } },
        { name: 'Member', serviceLevel: { priority: 2, responseTargetMinutes: 1440 } },
      ],
    },
  }
  const config = parseValueConfig(input)

  async function scored(db: string, asOf: string) {
    const engine = await openWorkspace(db)
    try {
      const summary = await analyzeValue(engine, input, asOf)
      const run = (await rows(engine, 'tier, held_by_grace, grace_left')).G
      // the profile between runs re-reads the run's decision: it is no scoring run itself
      const p = await customerProfile(engine, 'G', { asOf, config, predictions: false })
      const profile = { tier: p.tier?.name, held: p.tier?.heldByGrace, left: p.tier?.graceLeft }
      const state = await engine.query(
        "SELECT tier, runs_below, CAST(as_of AS VARCHAR) AS as_of FROM tier_state WHERE customer_id = 'G'",
      )
      return { run, profile, state, summary }
    } finally {
      await engine.close()
    }
  }

  test('loyals customer shows what the last run decided; a run dated back stores nothing', async () => {
    const { db, engine } = await workspace(files)
    await engine.close()
    open.length = 0
    const r1 = await scored(db, '2024-03-31')
    expect(r1.run).toMatchObject({ tier: 'Gold', held_by_grace: false })
    const r2 = await scored(db, '2024-04-15')
    expect(r2.run).toMatchObject({ tier: 'Gold', held_by_grace: true, grace_left: 1 })
    expect(r2.profile).toEqual({ tier: 'Gold', held: true, left: 1 })
    const r3 = await scored(db, '2024-04-16')
    expect(r3.run).toMatchObject({ tier: 'Gold', held_by_grace: true, grace_left: 0 })
    expect(r3.profile).toEqual({ tier: 'Gold', held: true, left: 0 })
    expect(r3.state).toEqual([{ tier: 'Gold', runs_below: 2, as_of: '2024-04-16' }])
    // back to 2024-04-15: the states written later are not read, and the run writes none
    const back = await scored(db, '2024-04-15')
    expect(back.run).toMatchObject({ tier: 'Member', held_by_grace: false })
    expect(back.state).toEqual(r3.state)
    // ... and says so: its grace is not the one the next run continues from
    expect(back.summary.value?.tiers.statesStoredAsOf).toBe('2024-04-16')
    expect(back.summary.quality.map((q) => q.message).join(' ')).toContain(
      "Tier states are stored as of 2024-04-16, after this run's as-of date: this run is a look at the past",
    )
    expect(r3.summary.value?.tiers.statesStoredAsOf).toBeNull()
    expect(r3.summary.quality.map((q) => q.message).join(' ')).not.toContain('look at the past')
    const r4 = await scored(db, '2024-04-17')
    expect(r4.run).toMatchObject({ tier: 'Member', held_by_grace: false })
    expect(r4.profile).toEqual({ tier: 'Member', held: false, left: null })
  })

  test('runs again for the same as-of date are that run again: the grace is not used up', async () => {
    const { db, engine } = await workspace(files)
    await engine.close()
    open.length = 0
    expect((await scored(db, '2024-03-31')).run).toMatchObject({ tier: 'Gold' })
    for (let k = 0; k < 3; k++) {
      const r = await scored(db, '2024-04-15')
      expect(r.run).toMatchObject({ tier: 'Gold', held_by_grace: true, grace_left: 1 })
      expect(r.state).toEqual([{ tier: 'Gold', runs_below: 1, as_of: '2024-04-15' }])
    }
    expect((await scored(db, '2024-04-16')).run).toMatchObject({ tier: 'Gold', grace_left: 0 })
    expect((await scored(db, '2024-04-16')).run).toMatchObject({ tier: 'Gold', grace_left: 0 })
    expect((await scored(db, '2024-04-17')).run).toMatchObject({ tier: 'Member' })
  })
})

describe('loyalty types', () => {
  // As of 2024-06-30, no predictions (so "lapsed" is the overdue test). Profit = amount - cost.
  // LUC  repeat, value 1000 (top), wrote a review               -> lucrative loyal / high_value_connected
  // DET  repeat, value 500, NPS 3                                -> limited loyal / detractor
  // PRICE repeat, both orders discounted, no signal              -> lazy loyal / price_driven
  // DIS  repeat, no signal, engagement percentile 0 (< 25)        -> limited loyal / disengaged
  // TRANS repeat, a site visit (percentile 6/7 = 86: one signal), value percentile 1/7 = 14
  //                                                              -> lazy loyal / repeat_transactional
  // ONE  a single order                                          -> one-time buyer / single_purchase
  // LAPSED orders 10 days apart ending 2023-10-21: 253 days > max(3 x 10, 90) -> lapsed / overdue
  const orders = ['order_id,customer_id,ordered_at,amount,cost,discount']
  const repeat = (id: string, value: number, discount = '') => {
    orders.push(`${id}1,${id},2024-06-01,${value},0,${discount}`)
    orders.push(`${id}2,${id},2024-06-20,${value},${value},${discount}`)
  }
  repeat('LUC', 1000)
  repeat('DET', 500)
  repeat('PRICE', 20, '5')
  repeat('DIS', 30)
  repeat('TRANS', 10)
  orders.push('ONE1,ONE,2024-06-10,50,0,')
  orders.push('LAP1,LAPSED,2023-10-01,40,0,', 'LAP2,LAPSED,2023-10-11,10,10,')
  orders.push('LAP3,LAPSED,2023-10-21,10,10,')
  const files = {
    orders: `${orders.join('\n')}\n`,
    engagement: 'customer,time,event\nLUC,2024-06-29,review\nTRANS,2024-06-29,site_visit\n',
    surveys: 'customer,date,nps\nDET,2024-06-25,3\n',
  }

  test('each rule fires for the customer built for it', async () => {
    const { engine } = await workspace(files)
    const s = await analyzeValue(engine, { costs: FREE }, '2024-06-30')
    const r = await rows(engine, 'loyalty_type, loyalty_rule')
    const got = Object.fromEntries(
      Object.entries(r).map(([id, x]) => [id, `${x.loyalty_type}/${x.loyalty_rule}`]),
    )
    expect(got).toEqual({
      LUC: 'lucrative_loyal/high_value_connected',
      DET: 'limited_loyal/detractor',
      PRICE: 'lazy_loyal/price_driven',
      DIS: 'limited_loyal/disengaged',
      TRANS: 'lazy_loyal/repeat_transactional',
      ONE: 'one_time_buyer/single_purchase',
      LAPSED: 'lapsed/overdue',
    })
    const counts = Object.fromEntries(
      s.value?.loyalty.types.map((t) => [t.type, t.customers]) ?? [],
    )
    expect(counts).toEqual({
      lucrative_loyal: 1,
      limited_loyal: 2,
      lazy_loyal: 2,
      one_time_buyer: 1,
      lapsed: 1,
    })
  })

  test('without engagement data nobody is called disengaged', async () => {
    const { engine } = await workspace({ orders: files.orders })
    await analyzeValue(engine, { costs: FREE }, '2024-06-30')
    const r = await rows(engine, 'loyalty_rule, engagement_percentile')
    expect(r.DIS).toMatchObject({
      loyalty_rule: 'repeat_transactional',
      engagement_percentile: null,
    })
  })

  test('events of nobody analysed (a non-buyer, or after the as-of date) are no engagement data', async () => {
    // a review by someone who never ordered, and one by LUC after the as-of date: no analysed
    // customer has an event by then, so engagement is unknown as without the file, not 0 for all
    const { engine } = await workspace({
      orders: files.orders,
      engagement: 'customer,time,event\nNOBODY,2024-06-01,review\nLUC,2024-07-05,review\n',
    })
    const s = await analyzeValue(engine, { costs: FREE }, '2024-06-30')
    const r = await rows(engine, 'loyalty_rule, engagement_percentile')
    expect(r.DIS).toMatchObject({
      loyalty_rule: 'repeat_transactional',
      engagement_percentile: null,
    })
    expect(s.value?.engagement.customersEngaged).toBe(0)
    const dis = await customerProfile(engine, 'DIS', { asOf: '2024-06-30', predictions: false })
    expect(JSON.stringify(dis)).not.toContain('0 % of customers have some')
  })
})

describe('engagement', () => {
  test('the score aggregated in SQL equals the core engagementScores on the same events', async () => {
    // as of 2024-06-30: X review today (5) + click 90 days ago (2 * 0.5 = 1) = 6;
    // Y share 180 days ago (4 * 0.25 = 1) + 3 opens on 2024-06-20 (3 * 0.5^(10/90)); Z: an event
    // after the as-of date only (not counted); W: no events
    const events: [string, string, string][] = [
      ['X', '2024-06-30T12:00:00Z', 'review'],
      ['X', '2024-04-01', 'email_click'],
      ['Y', '2024-01-02', 'social_share'],
      ['Y', '2024-06-20', 'email_open'],
      ['Y', '2024-06-20', 'email_open'],
      ['Y', '2024-06-20T08:00:00Z', 'email_open'],
      ['Z', '2024-07-02', 'review'],
    ]
    const orders = ['order_id,customer_id,ordered_at,amount']
    for (const id of ['X', 'Y', 'Z', 'W']) orders.push(`${id},${id},2024-06-30,10`)
    const { engine } = await workspace({
      orders: `${orders.join('\n')}\n`,
      engagement: `customer,time,event\n${events.map((e) => e.join(',')).join('\n')}\n`,
    })
    const summary = await analyzeValue(engine, {}, '2024-06-30')
    // events per type up to the as-of date (Z's review is after it)
    expect(summary.value?.engagement.events).toEqual({
      email_open: 3,
      email_click: 1,
      site_visit: 0,
      review: 1,
      social_share: 1,
      promo_redemption: 0,
    })
    expect(summary.value?.engagement.customersEngaged).toBe(2)
    const r = await rows(engine, 'engagement_score, engagement_percentile')
    const ids = ['X', 'Y', 'Z', 'W']
    const asOf = Date.parse('2024-06-30T00:00:00Z')
    const core = engagementScores(
      4,
      {
        customer: Int32Array.from(events, (e) => ids.indexOf(e[0])),
        type: Uint8Array.from(events, (e) =>
          ENGAGEMENT_EVENT_TYPES.indexOf(e[2] as (typeof ENGAGEMENT_EVENT_TYPES)[number]),
        ),
        // whole days between the event's day and the as-of date
        ageDays: Float64Array.from(events, (e) => (asOf - Date.parse(e[1].slice(0, 10))) / 864e5),
      },
      DEFAULT_VALUE_CONFIG.engagement,
    )
    expect(core.score[0]).toBeCloseTo(6, 12)
    // the files carry the score to 4 decimals and the percentile to 2
    ids.forEach((id, i) => {
      expect(r[id]?.engagement_score).toBeCloseTo(core.score[i] as number, 4)
      expect(r[id]?.engagement_percentile).toBeCloseTo(core.percentile[i] as number, 2)
    })
  })

  test('two customers shown at one score share one percentile', async () => {
    // X's open weighs 1 and Y's visit 1.00001 (both on the as-of day): both are shown as 1.0000,
    // so both are at 100 (they were at 66.66 and 100); Z has no events
    const orders = ['order_id,customer_id,ordered_at,amount']
    for (const id of ['X', 'Y', 'Z']) orders.push(`${id},${id},2024-06-30,10`)
    const { engine } = await workspace({
      orders: `${orders.join('\n')}\n`,
      engagement: 'customer,time,event\nX,2024-06-30,email_open\nY,2024-06-30,site_visit\n',
    })
    await analyzeValue(
      engine,
      { engagement: { weights: { email_open: 1, site_visit: 1.00001 } } },
      '2024-06-30',
    )
    const r = await rows(engine, 'engagement_score, engagement_percentile')
    expect([r.X, r.Y, r.Z].map((x) => [x?.engagement_score, x?.engagement_percentile])).toEqual([
      [1, 100],
      [1, 100],
      [0, 0],
    ])
  })
})

describe('orders without discounts', () => {
  // No order carries a discount: the value step skips the per-customer aggregate of the orders.
  // Its figures must be those of the aggregate: a refund-only day, a refund that cancels a day,
  // orders after the as-of date and a customer whose only order is in the holdout period.
  const files = {
    orders: `order_id,customer_id,ordered_at,amount
1,A,2024-01-01,100
2,A,2024-02-01,50
3,A,2024-02-10,-50
4,B,2024-01-05,80
5,B,2024-01-05,-80
6,B,2024-02-05,40
7,C,2024-03-01,30
8,C,2024-06-01,70
9,D,2024-06-02,20
`,
  }

  test('discount 0 and discounted share 0 for everyone, as the aggregate gives', async () => {
    const { engine } = await workspace(files)
    await analyzeValue(engine, {}, '2024-03-31')
    const fast = await engine.query(
      'SELECT idx, discount, price_share FROM value_facts ORDER BY idx',
    )
    const { valueFacts } = await import('../../src/data/queries/value-facts.ts')
    await engine.exec(
      valueFacts('duckdb', {
        analysis: 'customer_analysis_base',
        asOf: '2024-03-31',
        predictions: null,
        engagement: DEFAULT_VALUE_CONFIG.engagement,
        unitDays: 7,
        defaultMarginRate: 0.3,
        discounts: true,
      }),
    )
    const full = await engine.query(
      'SELECT idx, discount, price_share FROM value_facts ORDER BY idx',
    )
    expect(fast.length).toBe(3)
    expect(fast).toEqual(full)
    expect(fast.map((r) => [r.discount, r.price_share])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ])
  })
})

describe('discounts of orders refunded in full', () => {
  test('are no cost: the sale never happened', async () => {
    // A1 (50, 5 off) refunded in full two days later; A2 and A3 at 40 without a discount.
    // Shipping 1 an order: 2 orders, shipping 2, discount 0, profit 80 - 2 (cost 0)
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost,discount
A1,A,2024-01-01,50,0,5
A1,A,2024-01-03,-50,,
A2,A,2024-02-01,40,0,
A3,A,2024-03-01,40,0,
`,
    })
    await analyzeValue(
      engine,
      { costs: { ...FREE, shippingPerOrder: 1, discountAsCost: true } },
      '2024-06-30',
    )
    const a = (await rows(engine, 'orders, shipping_cost, discount_cost, historical_profit')).A
    expect(a).toMatchObject({
      orders: 2,
      shipping_cost: 2,
      discount_cost: 0,
      historical_profit: 78,
    })
  })
})

describe('served at a loss, as the files show it', () => {
  test('a past profit of 0.00 to the cent is no loss, though the unrounded one is -0.00005', async () => {
    // Z: margin 0.58995 (0.59 to the cent) against fees of 0.029 x 10 + 0.30 = 0.59: the files
    // show a past profit of 0.00; the summary counted -0.00005 as a customer served at a loss
    const { engine } = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount,margin\no1,Z,2024-06-01,10,0.58995\no2,P,2024-06-01,100,40\n',
    })
    const costs = { ...FREE, paymentFeeRate: 0.029, paymentFeeFixed: 0.3 }
    const s = await analyzeValue(engine, { costs })
    const [z] = await engine.query<{ p: number }>(
      "SELECT historical_profit AS p FROM customer_analysis WHERE customer_id = 'Z'",
    )
    expect(z?.p).toBe(0)
    expect(s.value?.unprofitable.customers).toBe(0)
    expect(s.value?.unprofitable.loss).toBe(0)
    expect(s.value?.unprofitable.worst).toEqual([])
  })
})

describe('percentiles as the files show them', () => {
  test('rounded down to 2 decimals, never up onto a line a rule may draw', async () => {
    // three customers worth 10, 20 and 30: the middle one is at 2/3 = 66.666...: 66.66, where
    // rounding to nearest read 66.67 (and 69.998 read 70.00 beside a rule of 70 it failed)
    const { engine } = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount\no1,A,2024-06-01,10\no2,B,2024-06-01,20\no3,C,2024-06-01,30\n',
    })
    await analyzeValue(engine, { costs: FREE })
    const rows = await engine.query<{ id: string; p: number }>(
      'SELECT customer_id AS id, value_percentile AS p FROM customer_analysis ORDER BY 1',
    )
    expect(rows.map((r) => [r.id, r.p])).toEqual([
      ['A', 33.33],
      ['B', 66.66],
      ['C', 100],
    ])
  })
})

describe('the value breakdown adds up the files', () => {
  test('its totals are the sums of the figures customers.csv shows, to the cent', async () => {
    // three orders of 0.10 at a fee of 2.9 % + 0.30: 0.3029 each, shown 0.30; summed unrounded
    // the breakdown said 0.9087 against the column's 0.90
    const { engine } = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount\no1,A,2024-06-01,0.1\no2,B,2024-06-02,0.1\no3,C,2024-06-03,0.1\n',
    })
    const s = await analyzeValue(engine, {
      costs: { ...FREE, paymentFeeRate: 0.029, paymentFeeFixed: 0.3 },
    })
    const [col] = await engine.query<{ fees: number; total: number; past: number }>(
      'SELECT sum(fee_cost) AS fees, sum(total_value) AS total, sum(historical_profit) AS past FROM customer_analysis',
    )
    const b = s.value!.breakdown
    expect(b.costs.fees).toBe(0.9)
    expect(b.costs.fees).toBeCloseTo(Number(col?.fees), 9)
    expect(b.totalValue).toBeCloseTo(Number(col?.total), 9)
    expect(b.pastProfit).toBeCloseTo(Number(col?.past), 9)
  })
})

describe('value sums in summary.json', () => {
  test('the loss and the profit concentration sums are given to the cent, without float noise', async () => {
    // past profits (every cost rate 0): A 0.1, B 0.2, C -0.1, D -0.2, E 0.1. As doubles the
    // loss sums to -0.30000000000000004 and the total to a hair off 0.1
    const { engine } = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,0.1,0
2,B,2024-01-02,0.2,0
3,C,2024-01-03,1,1.1
4,D,2024-01-04,1,1.2
5,E,2024-01-05,0.1,0
`,
    })
    const s = await analyzeValue(engine, { costs: FREE })
    expect(s.value?.unprofitable.loss).toBe(-0.3)
    expect(s.value?.unprofitable.customers).toBe(2)
    // top 20 % of 5 = 1 customer (B, 0.2); total 0.1 + 0.2 - 0.1 - 0.2 + 0.1 = 0.1
    expect(s.value?.profitConcentration.topProfit).toBe(0.2)
    expect(s.value?.profitConcentration.totalProfit).toBe(0.1)
  })
})
