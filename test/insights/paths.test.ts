// Path to best's first → second category paths: a path exists only for customers with a second
// purchase, so its lift and test are against those repeat buyers, not all eligible customers
// (nearly every top customer comes back: against everyone, any path looked good).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { INSIGHTS_BASE } from '../../src/data/queries/insights-base.ts'
import { INSIGHTS_FIRST } from '../../src/data/queries/insights-first-orders.ts'
import { insightsPaths } from '../../src/data/queries/insights-paths.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { scorePaths } from '../../src/service/insights/path-to-best.ts'

describe('scorePaths', () => {
  // 400 repeat buyers, 60 of them top (15 %); fixtures from scipy.stats.hypergeom.sf(k - 1, 400, 60, n)
  const base = { customers: 400, top: 60 }
  const counts = [
    { first: 'A', second: 'B', customers: 40, top: 20 },
    { first: 'A', second: 'A', customers: 40, top: 5 },
    { first: 'B', second: 'B', customers: 40, top: 10 },
  ]

  it('measures lift against the repeat buyers and tests each path against them', () => {
    const r = scorePaths(counts, base)
    expect(r.baseRate).toBe(0.15)
    expect(r.tested).toBe(3)
    const ab = r.paths.find((p) => p.first === 'A' && p.second === 'B')!
    expect(ab.lift).toBeCloseTo(0.5 / 0.15, 12)
    expect(ab.pValue / 2.38682735767958e-8).toBeCloseTo(1, 9)
    // BH over the three tested paths (A→A's p = 0.7504 counts in m, though it is not shown)
    expect(ab.qValue / (3 * 2.38682735767958e-8)).toBeCloseTo(1, 9)
    const bb = r.paths.find((p) => p.first === 'B')!
    expect(bb.pValue).toBeCloseTo(0.057093078352748204, 12)
    expect(bb.qValue).toBeCloseTo((3 / 2) * 0.057093078352748204, 12)
  })

  it('lists only paths above the repeat buyers’ rate, by lower bound', () => {
    const r = scorePaths(counts, base)
    // A→A reaches the top 12.5 % of the time, below 15 %: not a best path
    expect(r.paths.map((p) => `${p.first}>${p.second}`)).toEqual(['A>B', 'B>B'])
  })
})

describe('insightsPaths', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  /** customers: [eligible, top, first categories, second categories] */
  async function load(rows: readonly [boolean, boolean, string[], string[]][]) {
    const lit = (a: string[]) => `[${a.map((x) => `'${x}'`).join(', ')}]::VARCHAR[]`
    const values = rows.map(([e, t, f, s], i) => `(${i}, ${e}, ${t}, ${lit(f)}, ${lit(s)})`)
    await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_BASE} AS
      SELECT CAST(cidx AS INTEGER) AS cidx, eligible, top FROM (VALUES ${values.join(', ')}) t(cidx, eligible, top, f, s)`)
    await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_FIRST} AS
      SELECT CAST(cidx AS INTEGER) AS cidx, f AS first_categories, s AS second_categories
      FROM (VALUES ${values.join(', ')}) t(cidx, eligible, top, f, s)`)
    return engine.query<Record<string, unknown>>(insightsPaths(engine.dialect, { minCount: 2 }))
  }

  it('counts the repeat buyers and their top cohort beside the paths', async () => {
    const rows = await load([
      [true, true, ['X'], ['Y']],
      [true, true, ['X'], ['Y', 'Z']],
      [true, false, ['X'], ['Z']],
      [true, false, ['X'], ['Z']],
      [true, false, ['X'], []], // no second purchase: not a repeat buyer
      [true, true, ['X'], []], // a top customer without one: not in the paths' base
      [false, true, ['X'], ['Y']], // not eligible
    ])
    expect(rows.map((r) => [r.first, r.second, r.customers, r.top])).toEqual([
      ['X', 'Y', 2, 2],
      ['X', 'Z', 3, 1],
    ])
    for (const r of rows) expect([r.repeat_customers, r.repeat_top]).toEqual([4, 2])
  })

  it('still says the totals when no path has enough customers', async () => {
    const rows = await load([
      [true, true, ['X'], ['Y']],
      [true, false, ['X'], ['Z']],
    ])
    expect(rows).toEqual([
      {
        first: null,
        second: null,
        customers: null,
        top: null,
        repeat_customers: 2,
        repeat_top: 1,
      },
    ])
  })
})
