// Time to second purchase: past the longest follow-up the Kaplan-Meier curve is only carried
// forward, so the share "within 365 days" of a 272-day history was shown as if it had been seen.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

interface SecondPurchase {
  events: number
  customers: number
  medianDays: number | null
  quartileDays: (number | null)[]
  quartileAtRisk: (number | null)[]
  within: { days: number; share: number | null }[]
}

/** `analyze FILE --as-of DATE --json` (no value, no predictions) into `out`: its time to second purchase. */
function secondPurchase(file: string, asOf: string, out = join(tempDir(), 'o')): SecondPurchase {
  const r = runCli([
    'analyze',
    file,
    '--as-of',
    asOf,
    '--out',
    out,
    '--no-value',
    '--no-predictions',
    '--json',
  ])
  expect(r.code, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as { insights: { kpis: { secondPurchase: SecondPurchase } } })
    .insights.kpis.secondPurchase
}

describe('time to second purchase on a short history', () => {
  it('gives no share past the longest follow-up (CDNOW to 1997-09-30: 272 days)', () => {
    const { within } = secondPurchase(
      join(ROOT, 'data/cdnow/cdnow_sample_orders.csv'),
      '1997-09-30',
    )
    expect(within.map((w) => w.days)).toEqual([30, 90, 180, 365])
    expect(within[2]?.share).toBeCloseTo(0.3763, 4)
    expect(within[3]?.share).toBeNull()
  })

  it('gives the share at 1 past the follow-up when everyone has come back (the curve ended at 0)', () => {
    const orders = write(
      tempDir(),
      'orders.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,10\nA,2024-03-01,10\nB,2024-01-10,10\nB,2024-01-30,10\n',
    )
    const { within } = secondPurchase(orders, '2024-05-28')
    // back at days 20 and 60: half within 30 days, all by 90, and so by 180 and 365 too
    expect(within.map((w) => w.share)).toEqual([0.5, 1, 1, 1])
  })

  it('gives no share past the follow-up when a customer censored earlier has not come back', () => {
    // K1 back at day 10, K2 at day 20; K3 bought once, followed 7 days: the curve ends at 0 at day
    // 20 (nobody left at risk), but K3 has not come back, so 30 ... 365 days were not seen
    const orders = write(
      tempDir(),
      'orders.csv',
      'customer_id,ordered_at,amount\nK1,2024-01-01,10\nK1,2024-01-11,10\nK2,2024-01-01,10\nK2,2024-01-21,10\nK3,2024-05-25,10\n',
    )
    const sp = secondPurchase(orders, '2024-06-01')
    expect([sp.events, sp.customers]).toEqual([2, 3])
    expect(sp.within.map((w) => w.share)).toEqual([null, null, null, null])
  })

  it('says how few were still waiting when a quartile rests on the last few customers', () => {
    const dir = tempDir()
    const rows = ['customer_id,ordered_at,amount']
    // C1..C12 come back after 1..12 days (20 to 9 still waiting); C13..C19 are new this month
    // (waiting, 30 days seen); C20 comes back after 200 days, the only one still waiting then
    for (let i = 1; i <= 12; i++) {
      rows.push(`C${i},2024-01-01,10`, `C${i},2024-01-${String(1 + i).padStart(2, '0')},10`)
    }
    for (let i = 13; i <= 19; i++) rows.push(`C${i},2024-12-01,10`)
    rows.push('C20,2024-01-01,10', 'C20,2024-07-19,10')
    const orders = write(dir, 'orders.csv', `${rows.join('\n')}\n`)
    const out = join(dir, 'o')
    const sp = secondPurchase(orders, '2024-12-31', out)
    // 25 % at day 5 (16 waiting), 50 % at day 10 (11 waiting); 75 % only at C20's day 200
    expect(sp.quartileDays).toEqual([5, 10, 200])
    expect(sp.quartileAtRisk).toEqual([16, 11, 1])
    expect(sp.medianDays).toBe(10)
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      '75 % by day 200 (only 1 customer still waiting then)',
    )
  })
})
