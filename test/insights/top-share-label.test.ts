// The top cohort's label says the share as asked (0.4 %, not "0 %"; 2.5 %, not "3 %"), and the
// count when the cohort's whole number of customers holds another share ("1 of 3", not "10 % of 3").
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatInsightsDigest } from '../../src/cli/commands/insights.ts'
import { formatTopShare } from '../../src/report/format.ts'
import { icpText } from '../../src/service/insights/icp.ts'
import type { InsightsSummary } from '../../src/service/insights/types.ts'
import { sampleInsights } from '../analyze/sample-summary.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const files = { dir: 'out', json: 'out/insights.json', html: 'out/insights.html', csv: [] }

const digest = (topShare: number, top: number, eligible: number) => {
  const s = sampleInsights('x')
  return formatInsightsDigest(
    { ...s, cohort: { ...s.cohort, topShare, top, eligible } },
    files,
    null,
  )
}

describe('top cohort label', () => {
  it('prints the share with the decimals it was given', () => {
    expect(formatTopShare(0.004, 17, 4303)).toBe('top 0.4% of 4,303')
    expect(formatTopShare(0.025, 107, 4303)).toBe('top 2.5% of 4,303')
    expect(formatTopShare(0.1, 430, 4303)).toBe('top 10% of 4,303')
    expect(formatTopShare(0.07, 301, 4303)).toBe('top 7% of 4,303')
  })

  it('says the count when the cohort is too small to hold the share asked', () => {
    // at least one customer: 1 of 3 is a third, not a tenth
    expect(formatTopShare(0.1, 1, 3)).toBe('top 1 of 3')
    // floor(0.1 × 95) = 9: 9.5 % reads as 9 %, not 10 %
    expect(formatTopShare(0.1, 9, 95)).toBe('top 9 of 95')
  })

  it('says an unreached median of days to a second purchase in words, not as "median – days"', () => {
    const s = sampleInsights('x')
    const line = formatInsightsDigest(
      {
        ...s,
        kpis: { ...s.kpis, secondPurchase: { ...s.kpis.secondPurchase, medianDays: null } },
      },
      files,
      null,
    )
    expect(line).toContain(
      'median days to a second purchase not reached (fewer than half have bought again),',
    )
    expect(line).not.toContain('median –')
  })

  it('gives no share of a total value of 0 or less (values below 0: revenue - 1000)', () => {
    const s = sampleInsights('x')
    const line = formatInsightsDigest(
      { ...s, cohort: { ...s.cohort, topValueShare: null } },
      files,
      null,
    )
    expect(line).toContain(
      'value = revenue); no share of value: the value of all 10 sums to 0 or less.',
    )
  })

  it('with no eligible customer, says none has the history, not that a value sums to 0 or less', () => {
    const s = sampleInsights('x')
    const line = formatInsightsDigest(
      { ...s, cohort: { ...s.cohort, topValueShare: null, top: 0, eligible: 0 } },
      files,
      null,
    )
    expect(line).toContain(`; no customer has ${s.cohort.minHistoryDays} days of history yet.`)
    expect(line).not.toContain('sums to 0 or less')
    // one day is a day: it read "1 days of history"
    const one = formatInsightsDigest(
      {
        ...s,
        cohort: { ...s.cohort, topValueShare: null, top: 0, eligible: 0, minHistoryDays: 1 },
      },
      files,
      null,
    )
    expect(one).toContain('; no customer has 1 day of history yet.')
  })

  it('a value that sums to 0 or less over the eligible customers has no top share', () => {
    const dir = tempDir('loyals-negative-value-')
    const db = join(dir, 'w.duckdb')
    const rows = ['customer_id,ordered_at,amount']
    for (let i = 0; i < 12; i++)
      rows.push(`c${i},2023-01-0${1 + (i % 9)},${100 + 10 * i}`, `c${i},2024-02-01,5`)
    expect(runCli(['import', write(dir, 'orders.csv', rows.join('\n')), '--db', db]).code).toBe(0)
    const run = (value: string) => {
      const r = runCli([
        'insights',
        db,
        '--value',
        value,
        '--no-predictions',
        '--json',
        '--out',
        join(dir, 'o'),
      ])
      expect(r.code, r.stderr).toBe(0)
      return (JSON.parse(r.stdout) as InsightsSummary).cohort
    }
    // every value below 0: a negative over a negative is no share
    expect(run('revenue - 1000').topValueShare).toBeNull()
    // a positive total: the top's share of it
    const positive = run('revenue')
    expect(positive.topValueShare).toBeGreaterThan(0)
    expect(positive.topValueShare).toBeLessThan(1)
  })

  it('labels the digest and the profile so', () => {
    expect(digest(0.004, 17, 4303)).toContain('Top cohort: 17 customers (top 0.4% of 4,303 with')
    expect(digest(0.1, 1, 3)).toContain('Top cohort: 1 customer (top 1 of 3 with')
    const s = sampleInsights('x')
    const icp = icpText(s.overIndex, null, null, [], {
      topShare: 0.025,
      stickyDays: 90,
      currency: null,
      topCustomers: 107,
      eligible: 4303,
    })
    expect(icp[0]).toMatch(/^Who: the top 2\.5% of 4,303 are concentrated in x x/)
  })
})
