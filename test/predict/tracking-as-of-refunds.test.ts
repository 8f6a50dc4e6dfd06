// The tracking curve's actual side netted every refund into its order's day, also one dated after
// the as-of date that the summary's x does not know: A's calibration repeat day (refunded in full
// after the as-of date) was no purchase on the curve, which stayed 0 past the calibration end and
// ended at 1 against the summary's x + x_star = 2. It now nets refunds as the summary does.
// DuckDB only: the predictions run on the embedded store alone (the curve's SQL uses date_diff).
import { describe, expect, it } from 'vitest'
import { trackingActual } from '../../src/data/queries/prediction-tracking.ts'
import { buildPredictions } from '../../src/service/predict.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { STORES, storeWithOrders } from '../engines/stores.ts'

const PAID = `order_id,customer_id,ordered_at,amount
A1,A,2024-01-05,100
A3,A,2024-04-01,30
B1,B,2024-01-06,10
B2,B,2024-06-01,10
`
// A3 refunded in full after the as-of date (2024-04-30)
const REFUNDED = `${PAID}A3,A,2024-05-10,-30
`
// ... and B2, of the holdout, refunded in full after the last order day (the curve's end)
const LATE = `${REFUNDED}B2,B,2024-06-05,-10
`

describe.each([
  { name: 'a refund dated after the as-of date', csv: REFUNDED, xStar: 1, last: [[22, 1]] },
  { name: 'no refunds', csv: PAID, xStar: 1, last: [[22, 1]] },
  { name: 'a holdout order refunded after the end', csv: LATE, xStar: 0, last: [] },
])('the tracking curve with $name', ({ csv, xStar, last }) => {
  const store = storeWithOrders(STORES.find((k) => k.name === 'duckdb')!, csv)

  it("ends at the summary's x + x_star, A's calibration repeat counted", async () => {
    const info = await buildCustomerSummary(store(), { asOf: '2024-04-30', unit: 'week' })
    const [f] = await store().query<{ x: number; x_star: number }>(
      `SELECT sum(x) AS x, sum(x_star) AS x_star FROM ${info.table}`,
    )
    // the refund is not known at the as-of date: A's 04-01 is a repeat day of x either way
    expect([Number(f!.x), Number(f!.x_star)]).toEqual([1, xStar])
    const q = { summary: info.table, start: '2024-01-05', end: '2024-06-01', unitDays: 7 }
    const counted = await store().query<{ period: number; purchases: number }>(
      trackingActual('duckdb', q),
    )
    const periods = counted.map((r) => [Number(r.period), Number(r.purchases)])
    expect(periods).toEqual([[13, 1], ...last])
    expect(periods.reduce((a, [, n]) => a + n!, 0)).toBe(1 + xStar)
    const p = await buildPredictions(store(), info)
    const actual = p.tracking.points.map((pt) => pt.actual)
    expect(actual[16]).toBe(1) // week 17, past the calibration end
    expect(actual.at(-1)).toBe(1 + xStar)
  })
})
