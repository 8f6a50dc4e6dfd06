// Time to second purchase: past the longest follow-up the Kaplan-Meier curve is only carried
// forward, so the share "within 365 days" of a 272-day history was shown as if it had been seen.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

describe('time to second purchase on a short history', () => {
  it('gives no share past the longest follow-up (CDNOW to 1997-09-30: 272 days)', () => {
    const r = runCli([
      'analyze',
      join(ROOT, 'data/cdnow/cdnow_sample_orders.csv'),
      '--as-of',
      '1997-09-30',
      '--out',
      join(tempDir(), 'o'),
      '--no-value',
      '--no-predictions',
      '--json',
    ])
    expect(r.code).toBe(0)
    const within = (
      JSON.parse(r.stdout) as {
        insights: { kpis: { secondPurchase: { within: { days: number; share: number | null }[] } } }
      }
    ).insights.kpis.secondPurchase.within
    expect(within.map((w) => w.days)).toEqual([30, 90, 180, 365])
    expect(within[2]?.share).toBeCloseTo(0.3763, 4)
    expect(within[3]?.share).toBeNull()
  })

  it('gives the share at 1 past the follow-up when everyone has come back (the curve ended at 0)', () => {
    const dir = tempDir()
    const orders = write(
      dir,
      'orders.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,10\nA,2024-03-01,10\nB,2024-01-10,10\nB,2024-01-30,10\n',
    )
    const r = runCli([
      'analyze',
      orders,
      '--as-of',
      '2024-05-28',
      '--out',
      join(dir, 'o'),
      '--no-value',
      '--no-predictions',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const within = (
      JSON.parse(r.stdout) as {
        insights: { kpis: { secondPurchase: { within: { days: number; share: number | null }[] } } }
      }
    ).insights.kpis.secondPurchase.within
    // back at days 20 and 60: half within 30 days, all by 90, and so by 180 and 365 too
    expect(within.map((w) => w.share)).toEqual([0.5, 1, 1, 1])
  })
})
