// A cohort whose first month had no revenue (free first orders) has no revenue retention to give:
// its observed cells are null as unobserved ones are, so the cohorts that are said apart, and the
// average leaves them out (the report says both).
import { describe, expect, it } from 'vitest'
import { retentionFromCells } from '../../src/service/insights/cohorts-kpis.ts'

const cell = (cohort: string, period: number, customers: number, revenue: number, size = 2) => ({
  cohort,
  period,
  customers,
  revenue,
  cohort_size: size,
  observed: 3,
})

describe('revenue retention of a cohort without first-month revenue', () => {
  it('is named, and left out of the average', () => {
    const m = retentionFromCells(
      [
        cell('2025-01', 0, 2, 0),
        cell('2025-01', 1, 2, 100),
        cell('2025-01', 2, 1, 20),
        cell('2025-02', 0, 2, 50),
        cell('2025-02', 1, 1, 0),
        cell('2025-02', 2, 1, 25),
      ],
      3,
    )
    expect(m.noRevenueBase).toEqual(['2025-01'])
    expect(m.revenue.slice(0, 3)).toEqual([null, null, null])
    expect(m.customers.slice(0, 3)).toEqual([1, 1, 0.5])
    expect(m.averageRevenue).toEqual([1, 0, 0.5])
  })
})
