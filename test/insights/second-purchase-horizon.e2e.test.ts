// Time to second purchase: past the longest follow-up the Kaplan-Meier curve is only carried
// forward, so the share "within 365 days" of a 272-day history was shown as if it had been seen.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

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
})
