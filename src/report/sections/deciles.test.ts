import { describe, expect, it } from 'vitest'
import { sampleSummary } from '../../../test/analyze/sample-summary.ts'
import type { DecileRow } from '../../service/analysis-summary.ts'
import { decilesSection } from './deciles.ts'

const row = (decile: number, value: number, share: number | null): DecileRow => ({
  decile,
  customers: 1,
  value,
  share,
  cumulativeShare: share,
  revenue: value,
  orders: 1,
  ordersPerCustomer: 1,
  averageOrderValue: value,
  minValue: value,
  maxValue: value,
})

function table(rows: DecileRow[]): string {
  const base = sampleSummary()
  return decilesSection.render(
    sampleSummary({
      concentration: {
        ...base.concentration,
        revenue: { ...base.concentration.revenue, deciles: rows },
      },
    }),
  )
}

describe('decile table', () => {
  it('gives the whole a share of 100 % only when there is a positive total to share', () => {
    expect(table([row(1, 30, 0.75), row(2, 10, 0.25)])).toMatch(/<td[^>]*>100\.0%<\/td>/)
    // net revenue -5: every row's share is "–", and so is the whole's
    const negative = table([row(1, 5, null), row(2, -10, null)])
    expect(negative).not.toContain('100.0%')
  })
})
