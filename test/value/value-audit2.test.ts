// Audit 2 of whole-customer value through the service on real DuckDB workspace files: a referrer
// who never bought is no top referrer, rank tiers that admit nobody have no minimum (and the lowest
// tier cites the nearest tier that has one), and the engagement and lucrative-loyal figures are
// rank shares.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseValueConfig, type ValueConfigInput } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { valueSection } from '../../src/report/sections/value.ts'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { customerProfile } from '../../src/service/customer-profile.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { loadValueConfig } from '../../src/service/value-config.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
/** Cost rates that leave profit = margin (amount - cost). */
const FREE: ValueConfigInput['costs'] = {
  perTicketMinute: 0,
  perReturn: 0,
  paymentFeeRate: 0,
  paymentFeeFixed: 0,
}
const AS_OF = '2024-06-30'

const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

async function workspace(files: Record<string, string>): Promise<Engine> {
  const dir = tempDir('loyals-value-audit2-')
  const engine = await openWorkspace(join(dir, 'w.duckdb'))
  open.push(engine)
  for (const [kind, content] of Object.entries(files)) {
    await importFile(engine, write(dir, `${kind}.csv`, content), { kind, now: NOW })
  }
  return engine
}

const analyze = (engine: Engine): Promise<AnalysisSummary> =>
  computeAnalysis(engine, {
    source: 'test',
    asOf: AS_OF,
    predictions: false,
    value: { config: parseValueConfig({ costs: FREE }) },
  })

describe('top referrers are customers', () => {
  it('someone who never bought is a link in the tree, not the top referrer nor counted', async () => {
    // A, B and C bought (own values 10, 100, 80); F never did: A -> F -> B, F -> C.
    // F's referral value would be 180, A's 0 (F) + 0.5 * 180 = 90
    const engine = await workspace({
      orders: `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,20,10
2,B,2024-02-01,200,100
3,C,2024-03-01,100,20
`,
      referrals: `referrer,referred,date
A,F,2024-01-15
F,B,2024-01-20
F,C,2024-02-20
`,
    })
    const s = await analyze(engine)
    const r = s.value?.referrals
    expect(r?.top.map((t) => t.customerId)).toEqual(['A'])
    expect(r?.top[0]?.referralValue).toBeCloseTo(90, 9)
    expect(r?.top[0]?.children[0]?.customerId).toBe('F')
    expect(r?.top[0]?.children[0]?.children.map((c) => c.customerId).sort()).toEqual(['B', 'C'])
    // one customer (A) referred one other (F); F's referrals are not a customer's
    expect([r?.referrers, r?.referred]).toEqual([1, 1])
    expect(valueSection.render(s)).toContain('1 customer referred 1 other.')
  })
})

describe('rank tiers that admit nobody', () => {
  // 60 customers: 5 tied at a profit of 30, 55 at a loss of 10. Platinum's cut (floor(1.2) = 1)
  // takes all five; Gold's (6) and Silver's (18) fall among the losses, where no tier above the
  // last admits anybody, and every positive value reaches Platinum first: Gold and Silver are
  // empty and have no minimum
  const lines = ['order_id,customer_id,ordered_at,amount,cost']
  for (let i = 0; i < 60; i++) {
    lines.push(i < 5 ? `${i},T${i},2024-01-10,50,20` : `${i},L${i},2024-01-10,10,20`)
  }

  it('summary minValue null for the empty tiers; Bronze cites the Platinum minimum', async () => {
    const engine = await workspace({ orders: `${lines.join('\n')}\n` })
    const s = await analyze(engine)
    const levels = s.value?.tiers.levels ?? []
    expect(levels.map((l) => [l.name, l.customers, l.minValue])).toEqual([
      ['Platinum', 5, 30],
      ['Gold', 0, null],
      ['Silver', 0, null],
      ['Bronze', 55, null],
    ])
    const [row] = await engine.query<{ r: string }>(
      "SELECT reason_1 AS r FROM customer_analysis WHERE customer_id = 'L5'",
    )
    expect(row?.r).toMatch(
      /^Bronze: total value -10 is below the Platinum minimum of 30 \(the top 2 %\); /,
    )
    expect(valueSection.render(s)).toContain(
      "Gold and Silver have no minimum this run: no customer's total value qualifies for them",
    )
  })

  it('every customer at a loss or at 0: no tier above the last has a minimum (was 5e-324)', async () => {
    // 10 customers: Gold's cut (floor(1.0) = 1) and Silver's (3) fall among values <= 0
    const orders = ['order_id,customer_id,ordered_at,amount,cost', '0,L0,2024-01-10,10,10']
    for (let i = 1; i < 10; i++) orders.push(`${i},L${i},2024-01-10,10,${10 + i}`)
    const engine = await workspace({ orders: `${orders.join('\n')}\n` })
    const s = await analyze(engine)
    const levels = s.value?.tiers.levels ?? []
    expect(levels.map((l) => [l.name, l.customers, l.minValue])).toEqual([
      ['Platinum', 0, null],
      ['Gold', 0, null],
      ['Silver', 0, null],
      ['Bronze', 10, null],
    ])
    const rows = await engine.query<{ id: string; r: string }>(
      "SELECT customer_id AS id, reason_1 AS r FROM customer_analysis WHERE customer_id IN ('L0', 'L5') ORDER BY customer_id",
    )
    // no "below the Gold minimum of 0": there is no minimum to be below
    expect(rows.map((x) => x.r.split(';')[0])).toEqual([
      'Bronze: total value 0',
      'Bronze: total value -5',
    ])
    expect(valueSection.render(s)).toContain(
      "Platinum, Gold and Silver have no minimum this run: no customer's total value qualifies",
    )
  })
})

describe('rank shares in the reasons', () => {
  it('"more engaged than" counts only those strictly below; "top N %" is the rank share', async () => {
    // 13 customers, equal profit but for the ranking: T1 best by value; engagement: T1 three
    // reviews, T2 two, T3..T5 one each (tied), the other eight nothing. T3's percentile is
    // 100 * 11 / 13 = 85 (ties counted), but only 8 of 13 (62 %) are less engaged
    const orders = ['order_id,customer_id,ordered_at,amount,cost']
    const events = ['customer,time,event']
    for (let i = 1; i <= 13; i++) {
      orders.push(`${i},T${i},2024-06-01,${i === 1 ? 500 : 100 - i},10`)
      orders.push(`${i + 100},T${i},2024-06-20,${i === 1 ? 500 : 100 - i},10`)
      const reviews = i === 1 ? 3 : i === 2 ? 2 : i <= 5 ? 1 : 0
      for (let k = 0; k < reviews; k++) events.push(`T${i},2024-06-29,review`)
    }
    const engine = await workspace({
      orders: `${orders.join('\n')}\n`,
      engagement: `${events.join('\n')}\n`,
    })
    await analyze(engine)
    const texts = async (id: string) =>
      (
        await customerProfile(engine, id, {
          asOf: AS_OF,
          config: parseValueConfig({ costs: FREE }),
          predictions: false,
        })
      ).reasons.map((x) => x.text)
    const t3 = await texts('T3')
    expect(t3).toContain('more engaged than 62 % of customers')
    const t2 = await texts('T2')
    expect(t2).toContain('more engaged than 85 % of customers')
    // T1: best of 13 by value and engagement: the top 8 % (1/13), not the top 1 %
    const t1 = await texts('T1')
    expect(t1.join(' | ')).toContain('lucrative loyal: top 8 % by value with ')
    expect(t1.join(' | ')).toContain('engagement in the top 8 %')
  })
})

describe("a customer's money breakdown", () => {
  it('adds up to the cent: each sum is the sum of its rounded parts', async () => {
    // gross margin 100.125 (100.13) - fees 10% = 10.0125 (10.01): past profit 90.12, where the
    // unrounded 90.1125 rounded on its own gives 90.11; B refers A
    const engine = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount,cost\n1,A,2024-01-10,100.125,0\n2,B,2024-01-05,0.125,0\n',
      referrals: 'referrer,referred,date\nB,A,2024-01-01\n',
    })
    await computeAnalysis(engine, {
      source: 'test',
      asOf: AS_OF,
      predictions: false,
      value: { config: parseValueConfig({ costs: { ...FREE, paymentFeeRate: 0.1 } }) },
    })
    const rows = await engine.query<Record<string, number | string>>(
      `SELECT customer_id, gross_margin, ticket_cost, return_cost, shipping_cost, fee_cost,
        discount_cost, cost_to_serve, historical_profit, predicted_profit, referral_value,
        total_value FROM customer_analysis ORDER BY customer_id`,
    )
    const a = rows[0]!
    expect([a.gross_margin, a.fee_cost, a.historical_profit]).toEqual([100.13, 10.01, 90.12])
    const cents = (x: unknown) => Math.round(Number(x) * 100)
    for (const r of rows) {
      const parts = ['ticket_cost', 'return_cost', 'shipping_cost', 'fee_cost', 'discount_cost']
      expect(cents(r.cost_to_serve)).toBe(parts.reduce((s, c) => s + cents(r[c]), 0))
      expect(cents(r.historical_profit)).toBe(cents(r.gross_margin) - cents(r.cost_to_serve))
      expect(cents(r.total_value)).toBe(
        cents(r.historical_profit) + cents(r.predicted_profit) + cents(r.referral_value),
      )
    }
    // B's referral value is A's own as A's row shows it (90.12), not the unrounded 90.1125
    // rounded on its own (90.11): a referrer's tree quotes the figure the referred customer's
    // breakdown sums to
    expect(rows[1]).toMatchObject({ customer_id: 'B', referral_value: 90.12 })
  })
})

describe('loyals customer on a customer with nothing to value', () => {
  it('says that refunds took back every order, or that none was placed yet', async () => {
    const engine = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount,cost\nO1,C1,2024-01-10,100,10\nO2,C2,2024-01-12,40,10\n' +
        'O1,C1,2024-02-03,-100,\nO3,C3,2024-08-01,30,10\n',
    })
    const fail = (id: string) =>
      customerProfile(engine, id, { asOf: '2024-02-28', predictions: false }).catch(
        (e: unknown) => (e as Error).message,
      )
    expect(await fail('C1')).toBe(
      "customer 'C1' placed 1 order on or before 2024-02-28, but refunds took it back in full: no purchase day is left to value (a day refunded in full is no purchase day)",
    )
    expect(await fail('C3')).toBe(
      "customer 'C3' has no purchase on or before 2024-02-28: nothing to value yet",
    )
  })

  it('names whom a customer with a record but no purchase referred, as for one without a record', async () => {
    const engine = await workspace({
      orders: 'order_id,customer_id,ordered_at,amount\nO1,E1,2024-01-10,100\nO2,E2,2024-01-12,40\n',
      customers: 'customer_id,signup_at\nE6,2024-01-01\n',
      referrals: 'referrer,referred,date\nE6,E1,2024-01-05\nE6,E2,2024-01-06\n',
    })
    const e = await customerProfile(engine, 'E6', { asOf: '2024-02-28', predictions: false }).catch(
      (x: unknown) => (x as Error).message,
    )
    expect(e).toBe(
      "customer 'E6' has no purchase on or before 2024-02-28: nothing to value yet; the referrals name 'E6' as the referrer of 2 customers (E1, E2)",
    )
  })
})

describe('loyals customer --json money', () => {
  it('gives an order margin and the referral tree without floating-point noise', async () => {
    const engine = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount,cost\nO1,R,2024-01-10,45.1,22.52\n' +
        'O2,K,2024-02-10,70.1,20.2\nO3,K2,2024-03-10,0.3,0.1\n',
      referrals: 'referrer,referred,date\nR,K,2024-02-01\nK,K2,2024-03-01\n',
    })
    await analyze(engine)
    const p = await customerProfile(engine, 'R', {
      asOf: AS_OF,
      predictions: false,
      config: parseValueConfig({ costs: FREE }),
    })
    // 45.1 - 22.52 is 22.580000000000002 in binary
    expect(p.recentOrders.map((o) => o.margin)).toEqual([22.58])
    const values: number[] = []
    const walk = (n: { ownValue: number; contribution: number; children: readonly unknown[] }) => {
      values.push(n.ownValue, n.contribution)
      for (const c of n.children) walk(c as typeof n)
    }
    const tree = p.referrals!.tree!
    for (const c of tree.children) walk(c)
    values.push(tree.referralValue)
    for (const v of values) expect(Math.round(v * 100) / 100, String(v)).toBe(v)
    expect(tree.children[0]).toMatchObject({ customerId: 'K', ownValue: 49.9 })
  })
})

describe('a configuration in another currency than the orders', () => {
  it('is refused: amounts are not converted', async () => {
    const engine = await workspace({
      orders:
        'order_id,customer_id,ordered_at,amount,currency\nO1,A,2024-01-10,100,EUR\nO2,B,2024-02-10,50,EUR\n',
    })
    const run = (code: string) =>
      computeAnalysis(engine, {
        source: 'test',
        asOf: AS_OF,
        predictions: false,
        value: { config: parseValueConfig({ currency: { code } }), currencyExplicit: true },
      })
    await expect(run('USD')).rejects.toThrow(
      "the value configuration's currency.code is USD, but the orders are in EUR: amounts are not converted",
    )
    // the orders' own code is fine
    expect((await run('EUR')).value?.currency).toBe('EUR')
    // read from a file, the message names it, as the file's other errors do
    const file = write(tempDir('loyals-usd-'), 'usd.json', '{"currency":{"code":"USD"}}')
    const loaded = await loadValueConfig(file)
    await expect(
      computeAnalysis(engine, { source: 'test', asOf: AS_OF, predictions: false, value: loaded }),
    ).rejects.toThrow(`${file}: the value configuration's currency.code is USD`)
  })
})
