// buildPredictions on the CDNOW sample (39-week holdout) and on degenerate data, in-process.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as bgnbd from '../../src/core/models/bgnbd.ts'
import * as mbgnbd from '../../src/core/models/mbgnbd.ts'
import * as pareto from '../../src/core/models/pareto-nbd.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { buildPredictions, PREDICTION_TABLE } from '../../src/service/predict.ts'
import type { PredictionSummary } from '../../src/service/prediction-summary.ts'
import { openSource } from '../../src/service/source.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { ROOT, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')

function weeklyFixture(): number[] {
  const text = readFileSync(
    join(ROOT, 'test/fixtures/cdnow/cdnow_weekly_cumulative_repeat.csv'),
    'utf8',
  )
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[1]))
}

/** The CDNOW sample's orders up to `day`, then `extra` rows, in a file of their own. */
function sampleUpTo(day: string, extra: readonly string[] = []): string {
  const kept = readFileSync(SAMPLE, 'utf8')
    .trim()
    .split('\n')
    .filter((l, i) => i === 0 || l.split(',')[1]! <= day)
  const file = join(tempDir('loyals-cdnow-part-'), 'orders.csv')
  writeFileSync(file, `${[...kept, ...extra].join('\n')}\n`)
  return file
}

describe('predictions on CDNOW with a 39-week holdout', () => {
  let engine: Engine
  let p: PredictionSummary
  beforeAll(async () => {
    engine = (await openSource(SAMPLE, {})).engine
    const info = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
    p = await buildPredictions(engine, info)
  }, 60_000)
  afterAll(async () => {
    await engine.close()
  })

  it('lists the customers with the highest predicted value, with their history', async () => {
    const rows = await engine.query<{ customer_id: string; revenue: number; orders: number }>(`
      SELECT p.customer_id, s.revenue, s.orders
      FROM ${PREDICTION_TABLE} p JOIN customer_summary s ON s.customer_id = p.customer_id
      ORDER BY round(p.predicted_value, 6) DESC, p.customer_id LIMIT 20`)
    expect(rows).toHaveLength(20)
    expect(p.topCustomers.map((t) => [t.customerId, t.revenue, t.orders])).toEqual(
      rows.map((r) => [r.customer_id, r.revenue, r.orders]),
    )
  })

  it('says nothing of extrapolation: 52 weeks from up to 78 weeks of history', () => {
    expect(p.notes.some((n) => /extrapolate/.test(n.message))).toBe(false)
  })

  it('fits the three models to the published log-likelihoods', () => {
    const ll = Object.fromEntries(p.candidates.map((c) => [c.key, c.logLikelihood]))
    expect(ll.bgnbd).toBeCloseTo(-9582.43, 1)
    expect(ll.mbgnbd).toBeCloseTo(-9582.13, 1)
    expect(ll.pareto).toBeCloseTo(-9594.98, 1)
  })

  it('chooses on the holdout and reproduces the literature holdout totals', () => {
    expect(p.basis).toBe('holdout')
    expect(p.holdout).toEqual({ from: '1997-10-01', to: '1998-06-30', periods: 39 })
    const bg = p.candidates.find((c) => c.key === 'bgnbd')!.holdout!
    const pa = p.candidates.find((c) => c.key === 'pareto')!.holdout!
    expect(bg.totalActual).toBe(1882)
    expect(Math.abs(bg.totalPredicted / 1650 - 1)).toBeLessThan(0.03)
    expect(Math.abs(pa.totalPredicted / 1670 - 1)).toBeLessThan(0.03)
    const chosen = p.candidates.find((c) => c.key === p.model)!.holdout!
    const best = Math.min(...p.candidates.map((c) => c.holdout!.rmse))
    expect(chosen.rmse).toBeLessThanOrEqual(best * 1.005 + 1e-12)
    expect(p.reason).toContain(p.modelName)
    expect(p.byFrequency).toHaveLength(8)
  })

  it('tracks 78 weeks; the actual side matches the published cumulative repeat purchases', () => {
    const fixture = weeklyFixture()
    expect(p.tracking.points).toHaveLength(78)
    expect(p.tracking.start).toBe('1997-01-01')
    expect(p.tracking.calibrationPeriods).toBe(39)
    expect(p.tracking.points.map((t) => t.actual)).toEqual(fixture)
    expect(p.tracking.points[38]!.actual).toBe(2457)
    expect(p.tracking.points[77]!.actual).toBe(4339)
    const pred78 = p.tracking.points[77]!.predicted
    expect(Math.abs(pred78 / 4339 - 1)).toBeLessThan(0.1)
  })

  it('tracks in weeks whatever the unit: the same curve in days and in months', async () => {
    const fixture = weeklyFixture()
    for (const unit of ['day', 'month'] as const) {
      const info = await buildCustomerSummary(engine, {
        asOf: '1997-09-30',
        unit,
        table: `summary_${unit}`,
      })
      const q = await buildPredictions(engine, info)
      expect(q.tracking.calibrationPeriods, unit).toBe(39)
      expect(
        q.tracking.points.map((t) => t.actual),
        unit,
      ).toEqual(fixture)
      // the model's time is converted: week 78's prediction agrees with the weekly fit's
      const pred78 = q.tracking.points[77]!.predicted
      expect(Math.abs(pred78 / p.tracking.points[77]!.predicted - 1), unit).toBeLessThan(0.01)
    }
    // the weekly run's own table is the one the other tests read
    await buildPredictions(
      engine,
      await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' }),
    )
  })

  it('gives every customer finite predictions and P(alive) in [0, 1]', async () => {
    const [r] = await engine.query<Record<string, number>>(`
      SELECT count(*) AS n,
        count(*) FILTER (WHERE p_alive BETWEEN 0 AND 1) AS alive_ok,
        count(*) FILTER (WHERE isfinite(expected_purchases) AND expected_purchases >= 0) AS exp_ok,
        count(*) FILTER (WHERE isfinite(predicted_value) AND isfinite(expected_spend)) AS val_ok,
        count(*) FILTER (WHERE p_next_purchase_horizon BETWEEN 0 AND 1) AS any_ok,
        count(*) FILTER (WHERE expected_next_purchase > DATE '1997-09-30') AS next_after,
        count(expected_next_purchase) AS next_n
      FROM ${PREDICTION_TABLE}`)
    expect(r!.n).toBe(2357)
    for (const k of ['alive_ok', 'exp_ok', 'val_ok', 'any_ok']) expect(r![k]).toBe(2357)
    expect(r!.next_after).toBe(r!.next_n)
    expect(r!.next_n).toBeGreaterThan(0)
    expect(p.pAliveHistogram.reduce((s, b) => s + b.customers, 0)).toBe(2357)
    expect(p.totals.predictedValue).toBeGreaterThan(0)
  })

  it('uses Gamma-Gamma for spend with the published estimates', () => {
    expect(p.spend.model).toBe('gamma-gamma')
    expect(p.spend.params!.p).toBeCloseTo(6.2488, 2)
    expect(p.spend.params!.q).toBeCloseTo(3.7446, 2)
    expect(p.spend.params!.gamma).toBeCloseTo(15.4477, 1)
  })
})

describe('predictions without a holdout and on degenerate data', () => {
  it('chooses by BIC when the as-of date is the last order day', async () => {
    const { engine } = await openSource(SAMPLE, {})
    try {
      const info = await buildCustomerSummary(engine, { unit: 'week' })
      const p = await buildPredictions(engine, info)
      expect(p.basis).toBe('bic')
      expect(p.holdout).toBeNull()
      const bics = p.candidates.map((c) => c.bic!)
      expect(p.candidates.find((c) => c.key === p.model)!.bic).toBe(Math.min(...bics))
      expect(p.reason).toMatch(/no holdout/)
      expect(p.tracking.points.at(-1)!.actual).toBe(4339)
    } finally {
      await engine.close()
    }
  }, 60_000)

  it('a holdout in which no one bought again cannot test the models: BIC, n/a, a warning', async () => {
    // the CDNOW sample up to the as-of date, then one new customer's first order only
    const { engine } = await openSource(sampleUpTo('1997-09-30', ['new1,1998-03-01,1,10.00']), {})
    try {
      const info = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
      const p = await buildPredictions(engine, info)
      expect(p.holdout).toEqual({
        from: '1997-10-01',
        to: '1998-03-01',
        periods: 21.714285714285715,
      })
      for (const c of p.candidates) {
        expect(c.holdout!.totalActual).toBe(0)
        expect(c.holdout!.totalPredicted).toBeGreaterThan(0)
        expect(c.holdout!.relativeError).toBeNull()
      }
      expect(p.basis).toBe('bic')
      const bics = p.candidates.map((c) => c.bic!)
      expect(p.candidates.find((c) => c.key === p.model)!.bic).toBe(Math.min(...bics))
      expect(p.reason).toMatch(
        /No customer of the calibration period bought again between 1997-10-01 and 1998-03-01/,
      )
      expect(p.notes).toContainEqual({ level: 'warning', message: p.reason })
    } finally {
      await engine.close()
    }
  }, 60_000)

  it('a last period the data ends inside is predicted up to the last order day, not past it', async () => {
    // CDNOW up to Saturday 1998-06-27: week 78 holds 4 of its 7 days (543 days from 1997-01-01)
    const { engine } = await openSource(sampleUpTo('1998-06-27'), {})
    try {
      const info = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
      const p = await buildPredictions(engine, info)
      const births = await engine.query<{ b: number; n: number }>(
        `SELECT date_diff('day', DATE '1997-01-01', first_purchase) / 7 AS b, count(*)::DOUBLE AS n
         FROM customer_summary GROUP BY 1`,
      )
      const params = p.candidates.find((c) => c.key === p.model)!.params as never
      const newCustomer = (t: number) =>
        p.model === 'pareto'
          ? pareto.expectedPurchasesNew(params, t)
          : (p.model === 'bgnbd' ? bgnbd : mbgnbd).expectedPurchasesNew(params, t)
      const cohort = (at: number) =>
        births.reduce((s, r) => s + (at > r.b ? r.n * newCustomer(at - r.b) : 0), 0)
      const points = p.tracking.points
      expect(points).toHaveLength(78)
      expect(points[76]!.predicted).toBeCloseTo(cohort(77), 6)
      expect(points[77]!.predicted).toBeCloseTo(cohort(543 / 7), 6)
      expect(points[77]!.predicted).toBeLessThan(cohort(78) - 1)
    } finally {
      await engine.close()
    }
  }, 60_000)

  it('everyone with one order: baseline, a note, no NaN', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
        SELECT 'k' || i, 'c' || i, TIMESTAMP '2024-01-01' + INTERVAL (i % 300) DAY,
          DATE '2024-01-01' + CAST(i % 300 AS INTEGER), 10 + i % 7
        FROM range(500) t(i)`)
      const info = await buildCustomerSummary(engine, { unit: 'week' })
      const p = await buildPredictions(engine, info)
      expect(p.model).toBe('baseline')
      expect(p.notes.some((n) => /bought twice|repeat/.test(n.message))).toBe(true)
      expect(p.candidates.every((c) => c.error !== null)).toBe(true)
      expect(p.totals.expectedPurchases).toBe(0)
      const [r] = await engine.query<Record<string, number>>(`
        SELECT count(*) AS n, count(*) FILTER (WHERE isfinite(expected_purchases)
          AND isfinite(predicted_value) AND isfinite(expected_spend)) AS ok,
          count(p_alive) AS alive, count(expected_next_purchase) AS next
        FROM ${PREDICTION_TABLE}`)
      expect(r).toEqual({ n: 500, ok: 500, alive: 0, next: 0 })
      expect(p.spend.model).toBe('mean')
    } finally {
      await engine.close()
    }
  })

  it('one or two customers: sentences with a capital and the singular for one', async () => {
    // QA: "none of the 1 customers has bought twice", "only 1 of 2 customers ..." opening the
    // reason, "Only 1 customers have ..." and "Only 0 customers have ..."
    const predict = async (rows: string) => {
      const engine = await openWorkspace(':memory:')
      try {
        await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
          SELECT k, c, CAST(d AS TIMESTAMP), CAST(d AS DATE), a FROM (VALUES ${rows}) t(k, c, d, a)`)
        return await buildPredictions(engine, await buildCustomerSummary(engine, { unit: 'week' }))
      } finally {
        await engine.close()
      }
    }
    const one = await predict(`('1', 'SOLO', '2024-01-05', 99.99)`)
    expect(one.reason).toMatch(/^The one customer has not bought on more than one day, so/)
    // one fallback, said once: zero repeat purchases, not also "each customer's historical rate"
    expect(one.reason).toBe(
      'The one customer has not bought on more than one day, so there is no repeat behaviour to model; predictions fall back to zero repeat purchases. There is no probability alive.',
    )
    expect(one.candidates.map((c) => c.error?.slice(0, 12))).toEqual(Array(3).fill('The one cust'))
    expect(one.notes.map((n) => n.message)).toContain(
      `No customer has repeat purchases with positive spend (at least 20 are needed for the Gamma-Gamma spend model): expected spend is the revenue per purchase day, 99.99.`,
    )
    // in the orders' currency, to its minor unit (a yen has none): not "7653.00"
    const yen = await openWorkspace(':memory:')
    try {
      await yen.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount, currency)
        VALUES ('1', 'Y', TIMESTAMP '2024-01-05', DATE '2024-01-05', 7653, 'JPY')`)
      const p = await buildPredictions(yen, await buildCustomerSummary(yen, { unit: 'week' }))
      expect(p.notes.map((n) => n.message).join('\n')).toContain(
        'expected spend is the revenue per purchase day, ¥7,653.',
      )
    } finally {
      await yen.close()
    }
    const two = await predict(
      `('1', 'A1', '2024-01-05', 120.5), ('2', 'A1', '2024-03-10', 80), ('3', 'B2', '2024-02-01', 15.25)`,
    )
    expect(two.reason).toMatch(/^Only 1 of 2 customers bought more than once \(at least 20/)
    expect(two.reason.match(/historical purchase rate|historical repeat rate/g)).toHaveLength(1)
    expect(two.notes.map((n) => n.message).join('\n')).toMatch(
      /^Only 1 customer has repeat purchases with positive spend \(/m,
    )
  })

  it('a few repeat buyers: baseline with positive rates for them', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
        SELECT 'k' || i, 'c' || (i % 200), TIMESTAMP '2024-01-01' + INTERVAL (i) DAY,
          DATE '2024-01-01' + CAST(i AS INTEGER), 20
        FROM range(205) t(i)`)
      const info = await buildCustomerSummary(engine, { unit: 'week' })
      const p = await buildPredictions(engine, info, { horizon: 26 })
      expect(p.model).toBe('baseline')
      expect(p.horizon).toBe(26)
      expect(p.totals.expectedPurchases).toBeGreaterThan(0)
      expect(Number.isFinite(p.totals.predictedValue)).toBe(true)
      // scored per distinct (x, T) and joined on it: every customer gets the rate of their own
      // history, (x + kρ)/(T + k) with k = mean T and ρ = Σx / ΣT
      const rows = await engine.query<{ x: number; T: number; e: number }>(`
        SELECT s.x, s."T", p.expected_purchases AS e
        FROM ${info.table} s JOIN ${PREDICTION_TABLE} p USING (customer_id)`)
      expect(rows.length).toBe(200)
      const sx = rows.reduce((a, r) => a + r.x, 0)
      const sT = rows.reduce((a, r) => a + r.T, 0)
      const k = sT / rows.length
      const rho = sx / sT
      for (const r of rows) {
        const want = ((r.x + k * rho) / (r.T + k)) * 26
        expect(Math.abs(r.e - want)).toBeLessThanOrEqual(1e-12 * want)
      }
    } finally {
      await engine.close()
    }
  })

  it('a forecast far longer than the longest history is flagged as an extrapolation', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // 30 customers, each a first order on day 0 and one more on day 1 or 2: a 3-day history
      await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
        SELECT 'k' || i, 'c' || (i % 30), TIMESTAMP '2024-01-01' + INTERVAL (i // 30 * (1 + i % 2)) DAY,
          DATE '2024-01-01' + CAST(i // 30 * (1 + i % 2) AS INTEGER), 20
        FROM range(60) t(i)`)
      const info = await buildCustomerSummary(engine, { unit: 'week' })
      const year = await buildPredictions(engine, info)
      const flagged = year.notes.filter((n) => /extrapolate far beyond the data/.test(n.message))
      expect(flagged).toHaveLength(1)
      expect(flagged[0]!.level).toBe('warning')
      expect(flagged[0]!.message).toMatch(
        /^The longest purchase history is 2 days and the forecast covers 52 weeks, 182 times as long/,
      )
      // a horizon within four times the history says nothing of it
      const week = await buildPredictions(engine, info, { horizon: 1 })
      expect(week.notes.some((n) => /extrapolate/.test(n.message))).toBe(false)
    } finally {
      await engine.close()
    }
  })

  it('a zero forecast (nobody bought twice) is not flagged as an extrapolation', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // 30 customers, one order each, all on one day: every prediction is 0
      await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
        SELECT 'k' || i, 'c' || i, TIMESTAMP '2024-01-01', DATE '2024-01-01', 20
        FROM range(30) t(i)`)
      const info = await buildCustomerSummary(engine, { unit: 'week' })
      const p = await buildPredictions(engine, info)
      expect(p.reason).toMatch(/predictions fall back to zero repeat purchases/)
      expect(p.totals.expectedPurchases).toBe(0)
      expect(p.notes.some((n) => /extrapolate/.test(n.message))).toBe(false)
    } finally {
      await engine.close()
    }
  })

  it('no dropout in the data: the NBD (their limit) instead of the historical rate', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // 3,000 customers, each buying about once per own period (7-56 days) until the end
      await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
        SELECT 'k' || i || '-' || j, 'c' || i, TIMESTAMP '2023-01-01' + INTERVAL (d) DAY,
          DATE '2023-01-01' + d, 10 + i % 13
        FROM (SELECT i, j, CAST(i % 60 + j * (7 + i % 50) + hash(i * 1000 + j) % (7 + i % 50)
          AS INTEGER) AS d FROM range(3000) a(i), range(150) b(j)) WHERE d <= 1000`)
      const info = await buildCustomerSummary(engine, { asOf: '2025-03-31', unit: 'week' })
      const p = await buildPredictions(engine, info)
      expect(p.model).toBe('nbd')
      expect(p.basis).toBe('holdout')
      expect(p.reason).toMatch(/No sign of customers dropping out/)
      const dropout = p.candidates.filter((c) => c.key !== 'nbd')
      expect(dropout.map((c) => c.key)).toEqual(['bgnbd', 'mbgnbd', 'pareto'])
      expect(dropout.every((c) => c.error !== null)).toBe(true)
      // the reasons name no model key ("bgnbd: the likelihood ..."): the report's table names it
      for (const c of dropout) expect(c.error).not.toMatch(/^[a-z]+: /)
      // their failures are what the data says, not a fault: notes, not warnings
      const failures = p.notes.filter((n) => /could not be fitted/.test(n.message))
      expect(failures.map((n) => n.level)).toEqual(['info', 'info', 'info'])
      for (const n of failures) expect(n.message).not.toMatch(/fitted: (bgnbd|mbgnbd|pareto): /)
      const c = p.candidates.find((k) => k.key === 'nbd')!
      expect(c.params!.r).toBeGreaterThan(0)
      expect(c.standardErrors!.alpha).toBeGreaterThan(0)
      expect(Math.abs(c.holdout!.relativeError!)).toBeLessThan(0.05)
      expect(p.totals.meanPAlive).toBe(1)
      expect(p.pAliveHistogram.at(-1)!.customers).toBe(3000)
      const [r] = await engine.query<Record<string, number>>(`
        SELECT count(*) AS n, count(*) FILTER (WHERE p_alive = 1 AND isfinite(predicted_value)
          AND expected_purchases > 0 AND p_next_purchase_horizon > 0) AS ok
        FROM ${PREDICTION_TABLE}`)
      expect(r).toEqual({ n: 3000, ok: 3000 })
      // scored per distinct (x, T) and joined on it: each customer's posterior mean rate
      const rows = await engine.query<{ x: number; T: number; e: number }>(`
        SELECT s.x, s."T", p.expected_purchases AS e
        FROM ${info.table} s JOIN ${PREDICTION_TABLE} p USING (customer_id)`)
      const { r: nr, alpha } = c.params!
      for (const row of rows) expect(row.e).toBe(((nr! + row.x) / (alpha! + row.T)) * p.horizon)
      // the cohort's predicted repeat purchases track the actual ones
      const last = p.tracking.points.at(-1)!
      expect(Math.abs(last.predicted / last.actual - 1)).toBeLessThan(0.1)
    } finally {
      await engine.close()
    }
  }, 60_000)
})

describe('the margin predicted value is taken with', () => {
  it('a data margin below 0 is used, with a warning; --margin or a rate outside 0..1 is refused', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // every order sold at cost 120 % of its amount: margin share -20 %
      await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount, cost, margin)
        SELECT 'k' || i, 'c' || (i % 300), TIMESTAMP '2024-01-01' + INTERVAL (d) DAY,
          DATE '2024-01-01' + d, 50, 60, -10
        FROM (SELECT i, CAST((i % 300) % 40 + (hash(i) % 300) AS INTEGER) AS d FROM range(2000) t(i))`)
      const info = await buildCustomerSummary(engine, { unit: 'week', asOf: '2024-09-30' })
      const p = await buildPredictions(engine, info)
      expect(p.margin).toEqual({ value: expect.closeTo(-0.2, 9), source: 'data' })
      expect(p.totals.predictedValue).toBeLessThan(0)
      expect(p.notes.map((n) => n.message).join(' ')).toMatch(/sold at a loss/)
      await expect(buildPredictions(engine, info, { margin: 7 })).rejects.toThrow(
        /^margin \(--margin\) must be the share of spend that is profit, from 0 to 1/,
      )
      // a rate of 10 is 1000 % a year: most likely 10 % typed as a number, refused as scoreClv
      // refuses it (it was a warning, and the value discounted nearly to nothing)
      await expect(buildPredictions(engine, info, { annualDiscountRate: 10 })).rejects.toThrow(
        /^annualDiscountRate \(--discount-rate\) must be a share from 0 to 1 a year, e\.g\. 0\.1 for 10 % \(got 10; for 10 % a year pass 0\.1\)/,
      )
      const usual = await buildPredictions(engine, info, { annualDiscountRate: 0.1 })
      expect(usual.notes.map((n) => n.message).join(' ')).not.toMatch(/discount rate/)
    } finally {
      await engine.close()
    }
  }, 60_000)
})
