// A reason cites the money the breakdown beside it shows: the tier reason's total value is
// customers.csv's total_value (the sum of the parts rounded to the cent), not the unrounded sum
// (393.498 said as "€393" beside a breakdown adding up to €393.50).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANALYSIS_TABLE, computeAnalysis } from '../../src/service/analyze.ts'
import type { ValueRun } from '../../src/service/value.ts'
import { companyWorkspace, type TestCompany } from '../insights/company.ts'

describe('reasons and the value breakdown', () => {
  let c: TestCompany
  let run: ValueRun | null = null
  beforeAll(async () => {
    c = await companyWorkspace({ customers: 1500, seed: 11, extra: ['returns', 'tickets'] })
    await computeAnalysis(c.engine, {
      source: 'test',
      predictions: false,
      value: {
        persistTiers: false,
        onValue: (r) => {
          run = r
        },
      },
    })
  }, 300_000)
  afterAll(() => c?.close())

  it("cite every customer's total, past profit and referral value to the cent shown", async () => {
    const rows = await c.engine.query<{
      customer_id: string
      total_value: number
      historical_profit: number
    }>(`SELECT customer_id, total_value, historical_profit FROM ${ANALYSIS_TABLE}`)
    expect(rows.length).toBeGreaterThan(1000)
    let cited = 0
    for (const r of rows) {
      const reasons = (await run!.reasonsOf(r.customer_id, 10)) ?? []
      for (const x of reasons) {
        if (x.code.startsWith('tier_')) {
          expect(x.amount, r.customer_id).toBe(r.total_value)
          cited++
        }
        if (x.code === 'served_at_loss' || x.code === 'past_profit') {
          expect(x.amount, `${r.customer_id} ${x.code}`).toBe(r.historical_profit)
        }
        // every amount a reason carries is money to the cent
        if (x.amount !== undefined) expect(Math.round(x.amount * 100) / 100).toBe(x.amount)
      }
    }
    expect(cited).toBe(rows.length)
  })
})
