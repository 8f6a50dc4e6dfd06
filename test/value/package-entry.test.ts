// The value API as a library user reaches it: every function from the package entry
// (src/index.ts, built to dist/index.js), on a small workspace whose figures are worked out by hand.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  buildValue,
  type CustomerProfile,
  customerProfile,
  importFile,
  loadValueConfig,
  openWorkspace,
  parseValueConfig,
  type ValueSummary,
  valueConfigFromCosts,
} from '../../src/index.ts'
import { tempDir } from '../helpers/cli.ts'

describe('value API from the package entry', () => {
  test('config helpers, then a customer profile with the value breakdown and referral', async () => {
    const dir = tempDir('loyals-entry-')
    // cost rates that leave profit = margin: A 100 - 60 = 40, B 200 - 150 = 50; A referred B
    const cfgFile = join(dir, 'value.json')
    writeFileSync(
      cfgFile,
      JSON.stringify({
        currency: { code: 'USD' },
        costs: { perTicketMinute: 0, perReturn: 0, paymentFeeRate: 0, paymentFeeFixed: 0 },
      }),
    )
    const loaded = await loadValueConfig(cfgFile)
    expect(loaded.currencyExplicit).toBe(true)
    expect(loaded.config.costs.paymentFeeRate).toBe(0)
    expect(valueConfigFromCosts({ ticket_minute: 0.5 }).costs).toEqual({ perTicketMinute: 0.5 })
    expect(parseValueConfig(valueConfigFromCosts({ per_return: 3 })).costs.perReturn).toBe(3)
    expect(typeof buildValue).toBe('function')

    writeFileSync(
      join(dir, 'orders.csv'),
      'order_id,customer_id,ordered_at,amount,cost\n1,A,2024-01-01,100,60\n2,B,2024-02-01,200,150\n',
    )
    writeFileSync(join(dir, 'referrals.csv'), 'referrer,referred,date\nA,B,2024-01-20\n')
    const engine = await openWorkspace(join(dir, 'w.duckdb'))
    try {
      await importFile(engine, join(dir, 'orders.csv'), { kind: 'orders' })
      await importFile(engine, join(dir, 'referrals.csv'), { kind: 'referrals' })
      const p: CustomerProfile = await customerProfile(engine, 'A', {
        config: loaded.config,
        currencyExplicit: true,
        predictions: false,
      })
      // A: own 40 + B's 50 in full (a direct referral) = 90
      if (!p.value || !p.referrals) throw new Error('orders with amounts have a value profile')
      expect(p.value.pastProfit).toBeCloseTo(40, 9)
      expect(p.value.referralValue).toBeCloseTo(50, 9)
      expect(p.value.totalValue).toBeCloseTo(90, 9)
      // referral value is said with the tier it lifts
      expect(p.reasons[0]?.text).toMatch(/; referred 1 customer worth \$50$/)
      expect(p.referrals.direct).toBe(1)
      // the whole-analysis block a library user gets through ValueRun / ValueSummary
      const total: ValueSummary['breakdown']['totalValue'] = p.value.totalValue
      expect(total).toBeCloseTo(90, 9)
    } finally {
      await engine.close()
    }
  })
})
