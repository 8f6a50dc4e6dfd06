// RFM scores and value concentration must be the same on DuckDB and PostgreSQL: CDNOW, a seeded
// table full of ties, negatives and unknown margins, and hand-computed cases, compared value by
// value. On PostgreSQL the customer ids carry a locale collation (ICU), as on a server whose
// database is not initialised with the C locale: ties must still break in DuckDB's byte order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assignSegment, fmScore } from '../../src/core/rfm-segments.ts'
import type { Engine, Row } from '../../src/data/engine.ts'
import { createTempTableAs } from '../../src/data/queries/dialect-sql.ts'
import { rfmGrid } from '../../src/data/queries/rfm-grid.ts'
import { rfmSegmentCounts } from '../../src/data/queries/rfm-segment-counts.ts'
import { UsageError } from '../../src/errors.ts'
import {
  type Concentration,
  type ConcentrationValue,
  concentration,
} from '../../src/service/concentration.ts'
import { buildRfm, type RfmResult } from '../../src/service/rfm.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { insertCdnowOrders } from './cdnow-orders.ts'
import { openStore, STORES, type TestStore } from './stores.ts'

/** A collation whose order differs from byte order ('a' < 'A' < 'b' < 'B'), PostgreSQL only. */
const LOCALE_COLLATION = 'und-x-icu'

/** [customer_id, revenue, margin, orders, days_since_last, purchase_days] */
type SummaryRow = readonly [string, number, number | null, number, number, number]

/** A summary table from literal rows; doubles go through text so both engines parse the same. */
async function summaryTable(
  engine: Engine,
  table: string,
  rows: readonly SummaryRow[],
): Promise<void> {
  const num = (v: number | null) => (v === null ? 'NULL' : `'${v}'`)
  const values = rows
    .map(
      ([id, rev, margin, orders, dsl, pd]) =>
        `('${id}', ${num(rev)}, ${num(margin)}, ${orders}, ${dsl}, ${pd})`,
    )
    .join(',\n')
  const id =
    engine.dialect === 'postgres'
      ? `CAST(customer_id AS VARCHAR) COLLATE "${LOCALE_COLLATION}"`
      : 'CAST(customer_id AS VARCHAR)'
  await engine.exec(`${createTempTableAs(engine.dialect, table)}
SELECT ${id} AS customer_id,
  CAST(CAST(revenue AS VARCHAR) AS DOUBLE PRECISION) AS revenue,
  CAST(CAST(margin AS VARCHAR) AS DOUBLE PRECISION) AS margin,
  CAST(orders AS INTEGER) AS orders,
  CAST(dsl AS INTEGER) AS days_since_last,
  CAST(pd AS INTEGER) AS purchase_days
FROM (VALUES ${values}) AS t(customer_id, revenue, margin, orders, dsl, pd)`)
}

/**
 * 997 customers from a seeded LCG: values drawn from small sets so that ties are everywhere,
 * ids with mixed case and punctuation so that byte order and locale order disagree.
 */
function seededRows(): SummaryRow[] {
  let s = 20240601
  const next = (k: number) => {
    s = (s * 1103515245 + 12345) % 2147483648
    return Math.floor((s / 2147483648) * k)
  }
  const prefixes = ['a', 'A', 'b', 'B', '_', 'z', 'Z', '1']
  const margins = [null, null, -3, 0, 5, 5, 5.5, 12.25, 40]
  const rows: SummaryRow[] = []
  for (let i = 0; i < 997; i++) {
    const revenue = next(3) === 0 ? [0, 19.99, 50][next(3)]! : (next(40000) - 1500) / 100
    rows.push([
      `${prefixes[next(prefixes.length)]}${i % 50}-${i}`,
      revenue,
      margins[next(margins.length)] ?? null,
      1 + next(7),
      next(40),
      1 + next(5),
    ])
  }
  return rows
}

// Hand-computed RFM with ties, n = 10, score = 1 + floor(5 (rank - 1) / 10), rank() = lowest:
//   days since last 0,0,5,10,10,10,30,60,90,200: ranks (descending) 9,9,8,5,5,5,4,3,2,1
//     -> R = 5,5,4,3,3,3,2,2,1,1 (the three 10s take positions 5-7 but all score 3)
//   purchase days 1,1,1,1,1,2,2,3,5,8: ranks 1x5, 6, 6, 8, 9, 10 -> F = 1x5, 3, 3, 4, 5, 5
//   revenue 10,20,20,20,30,40,50,50,60,70: ranks 1, 2x3, 5, 6, 7, 7, 9, 10
//     -> M = 1, 1, 1, 1, 3, 3, 4, 4, 5, 5 (the 20s at positions 2-4 all stay in bucket 1)
const HAND_DAYS = [0, 0, 5, 10, 10, 10, 30, 60, 90, 200]
const HAND_FREQ = [1, 1, 1, 1, 1, 2, 2, 3, 5, 8]
const HAND_REV = [10, 20, 20, 20, 30, 40, 50, 50, 60, 70]
const HAND_R = [5, 5, 4, 3, 3, 3, 2, 2, 1, 1]
const HAND_F = [1, 1, 1, 1, 1, 3, 3, 4, 5, 5]
const HAND_M = [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]
const HAND_RFM: SummaryRow[] = HAND_DAYS.map((d, i) => [
  `c${i}`,
  HAND_REV[i]!,
  null,
  1,
  d,
  HAND_FREQ[i]!,
])

// Values 1, 2, 3, 4, 10 (total 20): Gini = 2 (1 + 4 + 9 + 16 + 50) / (5 * 20) - 6 / 5 = 0.4;
// the top 20 % is ceil(0.2 * 5) = 1 customer holding 10 / 20 = 0.5.
const HAND_GINI: SummaryRow[] = [
  ['a', 1, 1, 1, 0, 1],
  ['b', 2, 2, 1, 0, 1],
  ['c', 3, 3, 1, 0, 1],
  ['d', 4, 4, 2, 0, 1],
  ['e', 10, 10, 5, 0, 1],
]

// Equal margins, different revenue: which customer is the top decile depends on the tie order.
// Byte order: 'B' (66) < 'a' (97) < 'b' (98); a locale order would put 'a' first.
// equal margins: 'A' has the most orders and ranks first; the rest tie on orders too
const HAND_TIES: SummaryRow[] = [
  ['b', 3, 5, 1, 0, 1],
  ['a', 2, 5, 1, 0, 1],
  ['B', 1, 5, 1, 0, 1],
  ['A', 4, 5, 2, 0, 2],
]

interface Figures {
  readonly rfm: RfmResult
  /** customer_rfm rows sorted by customer_id (code units). */
  readonly rfmRows: Row[]
  readonly conc: readonly Concentration[]
}

async function figures(
  engine: Engine,
  table: string,
  values: readonly ConcentrationValue[],
): Promise<Figures> {
  const out = `${table}_rfm`
  const rfm = await buildRfm(engine, { table, out })
  const rfmRows = (await engine.query(`SELECT * FROM ${out}`)).sort((x, y) =>
    String(x.customer_id) < String(y.customer_id) ? -1 : 1,
  )
  const conc: Concentration[] = []
  for (const value of values) conc.push(await concentration(engine, { table, value }))
  return { rfm, rfmRows, conc }
}

/** Integers and strings exactly; doubles within 1e-12, relative to max(1, |value|). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b
    return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a))
  }
  return a === b
}

/** Every difference between two row lists, as readable lines (empty when identical). */
function differences(label: string, a: readonly object[], b: readonly object[]): string[] {
  if (a.length !== b.length) return [`${label}: ${a.length} rows vs ${b.length}`]
  const out: string[] = []
  a.forEach((ra, i) => {
    const rb = b[i] as Record<string, unknown>
    const cols = Object.keys(ra)
    if (cols.join() !== Object.keys(rb).join()) out.push(`${label}[${i}]: columns differ`)
    for (const c of cols) {
      const va = (ra as Record<string, unknown>)[c]
      if (!same(va, rb[c])) out.push(`${label}[${i}].${c}: ${String(va)} vs ${String(rb[c])}`)
    }
  })
  return out
}

/** All figures of two engines side by side; returns [differences, values compared]. */
function compare(a: Figures, b: Figures): [string[], number] {
  const pairs: [string, readonly object[], readonly object[]][] = [
    ['rfm rows', a.rfmRows, b.rfmRows],
    ['segments', a.rfm.segments, b.rfm.segments],
    ['grid', a.rfm.grid, b.rfm.grid],
  ]
  a.conc.forEach((ca, i) => {
    const cb = b.conc[i] as Concentration
    const head = (c: Concentration) => [
      {
        value: c.value,
        customers: c.customers,
        total: c.total,
        negativeCustomers: c.negativeCustomers,
        negativeTotal: c.negativeTotal,
        gini: c.gini,
      },
    ]
    pairs.push([`${ca.value} totals`, head(ca), head(cb)])
    pairs.push([`${ca.value} top`, ca.top, cb.top])
    pairs.push([`${ca.value} deciles`, ca.deciles, cb.deciles])
    pairs.push([`${ca.value} lorenz`, ca.lorenz, cb.lorenz])
  })
  const diffs = pairs.flatMap(([label, x, y]) => differences(label, x, y))
  const compared = pairs.reduce(
    (n, [, x]) => n + x.reduce((m, r) => m + Object.keys(r).length, 0),
    0,
  )
  return [diffs, compared]
}

interface Loaded {
  readonly name: string
  readonly engine: Engine
  readonly store: TestStore
  readonly cdnow: Figures
  readonly seeded: Figures
  readonly handRfm: Figures
  readonly handGini: Figures
  readonly handTies: Figures
}

describe('RFM and concentration are identical on every engine', () => {
  const loaded: Loaded[] = []
  const byName = (name: string) => loaded.find((l) => l.name === name) as Loaded

  beforeAll(async () => {
    for (const kind of STORES) {
      const { engine, store } = await openStore(kind)
      loaded.push({ name: kind.name, engine, store } as Loaded)
      expect(await insertCdnowOrders(engine)).toBe(6919)
      await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
      await summaryTable(engine, 'seeded', seededRows())
      await summaryTable(engine, 'hand_rfm', HAND_RFM)
      await summaryTable(engine, 'hand_gini', HAND_GINI)
      await summaryTable(engine, 'hand_ties', HAND_TIES)
      Object.assign(loaded.at(-1) as Loaded, {
        cdnow: await figures(engine, 'customer_summary', ['revenue']),
        seeded: await figures(engine, 'seeded', ['revenue', 'margin']),
        handRfm: await figures(engine, 'hand_rfm', ['revenue']),
        handGini: await figures(engine, 'hand_gini', ['revenue', 'margin']),
        handTies: await figures(engine, 'hand_ties', ['margin']),
      })
    }
  })
  afterAll(async () => {
    for (const l of loaded) {
      await l.engine.close()
      await l.store.cleanup()
    }
  })

  it.each(['cdnow', 'seeded', 'handRfm', 'handGini', 'handTies'] as const)(
    '%s: every RFM and concentration figure matches across engines',
    (set) => {
      expect(loaded.map((l) => l.name)).toEqual(['duckdb', 'postgres'])
      const [diffs, compared] = compare(byName('duckdb')[set], byName('postgres')[set])
      expect(diffs).toEqual([])
      expect(compared).toBeGreaterThan(30)
    },
  )

  it('CDNOW: 2,357 customers scored, every segment and percentile present on both', () => {
    for (const l of loaded) {
      const { rfm, rfmRows, conc } = l.cdnow
      expect({ engine: l.name, rows: rfmRows.length, customers: rfm.customers }).toEqual({
        engine: l.name,
        rows: 2357,
        customers: 2357,
      })
      expect(rfm.grid.reduce((n, c) => n + c.customers, 0)).toBe(2357)
      const c = conc[0] as Concentration
      expect(c.top.map((t) => t.pct)).toEqual([1, 2, 5, 10, 20, 50])
      // decile d holds the i with floor(10 (i - 1) / n) = d - 1
      const sizes = Array.from(
        { length: 10 },
        (_, d) => Math.ceil((2357 * (d + 1)) / 10) - Math.ceil((2357 * d) / 10),
      )
      expect(c.deciles.map((d) => d.customers)).toEqual(sizes)
      expect(c.lorenz.length).toBe(101)
      expect(c.gini).toBeGreaterThan(0.5)
    }
  })

  it('seeded: margins unknown for some customers, negative values, all deciles on both', () => {
    for (const l of loaded) {
      const [rev, margin] = l.seeded.conc as [Concentration, Concentration]
      expect(rev.customers).toBe(997)
      expect(rev.negativeCustomers).toBeGreaterThan(0)
      expect(margin.customers).toBeLessThan(997)
      expect(margin.negativeCustomers).toBeGreaterThan(0)
      expect(margin.deciles.length).toBe(10)
    }
  })

  it('hand RFM: quintile scores with ties in the lower bucket on both', () => {
    for (const l of loaded) {
      const rows = l.handRfm.rfmRows
      expect(rows.map((r) => r.customer_id)).toEqual(HAND_RFM.map((r) => r[0]))
      expect({ engine: l.name, r: rows.map((r) => r.r_score) }).toEqual({
        engine: l.name,
        r: HAND_R,
      })
      expect({ engine: l.name, f: rows.map((r) => r.f_score) }).toEqual({
        engine: l.name,
        f: HAND_F,
      })
      expect({ engine: l.name, m: rows.map((r) => r.m_score) }).toEqual({
        engine: l.name,
        m: HAND_M,
      })
      expect(rows.map((r) => r.fm_score)).toEqual(HAND_F.map((f, i) => fmScore(f, HAND_M[i]!)))
      expect(rows.map((r) => r.rfm)).toEqual(HAND_R.map((r, i) => `${r}${HAND_F[i]}${HAND_M[i]}`))
      expect(rows.map((r) => r.rfm_segment)).toEqual(
        HAND_R.map((r, i) => assignSegment(r, HAND_F[i]!, HAND_M[i]!)),
      )
      expect(l.handRfm.rfm.segments.reduce((s, x) => s + x.revenue, 0)).toBe(370)
    }
  })

  it('hand concentration: values 1, 2, 3, 4, 10 give Gini 0.4 and top 20 % = 0.5 on both', () => {
    for (const l of loaded) {
      for (const c of l.handGini.conc) {
        expect(c.customers).toBe(5)
        expect(c.total).toBe(20)
        expect(c.gini).toBeCloseTo(0.4, 12)
        expect(c.top.find((t) => t.pct === 20)).toMatchObject({ customers: 1, value: 10 })
        expect(c.top.find((t) => t.pct === 20)?.share).toBeCloseTo(0.5, 12)
        expect(c.top.find((t) => t.pct === 50)).toMatchObject({ customers: 3, value: 17 })
        // customer i (by value descending) is in decile 1 + floor(10 (i - 1) / 5)
        expect(c.deciles.map((d) => [d.decile, d.value, d.orders_per_customer])).toEqual([
          [1, 10, 5],
          [3, 4, 2],
          [5, 3, 1],
          [7, 2, 1],
          [9, 1, 1],
        ])
        expect(c.lorenz.map((p) => p.customer_share)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
        expect(c.lorenz.map((p) => p.value_share)).toEqual([0, 0.05, 0.15, 0.3, 0.5, 1])
      }
    }
  })

  it('hand ties: equal values break by orders, then by customer id in byte order, not the locale', () => {
    for (const l of loaded) {
      const c = l.handTies.conc[0] as Concentration
      // deciles 1 + floor(10 (i - 1) / 4) = 1, 3, 6, 8 for 'A' (2 orders), then 'B', 'a', 'b'
      expect({ engine: l.name, deciles: c.deciles.map((d) => [d.decile, d.revenue]) }).toEqual({
        engine: l.name,
        deciles: [
          [1, 4],
          [3, 1],
          [6, 2],
          [8, 3],
        ],
      })
      expect(c.top.find((t) => t.pct === 50)).toMatchObject({ customers: 2, value: 10 })
    }
  })

  it('the test server really sorts the ids by locale (so the tie test can fail)', async () => {
    const pg = byName('postgres').engine
    const rows = await pg.query<{ customer_id: string }>(
      'SELECT customer_id FROM hand_ties ORDER BY customer_id',
    )
    expect(rows.map((r) => r.customer_id)).toEqual(['a', 'A', 'b', 'B'])
  })

  it('segment tables list equal revenues by segment name in byte order', async () => {
    const names = ['b', 'B', 'a', 'A']
    for (const l of loaded) {
      const seg =
        l.name === 'postgres'
          ? `CAST(s AS VARCHAR) COLLATE "${LOCALE_COLLATION}"`
          : 'CAST(s AS VARCHAR)'
      await l.engine.exec(`${createTempTableAs(l.engine.dialect, 'fake_rfm')}
SELECT ${seg} AS rfm_segment, CAST(5 AS DOUBLE PRECISION) AS revenue, 3 AS r_score, 3 AS fm_score
FROM (VALUES ${names.map((n) => `('${n}')`).join(', ')}) AS t(s)`)
      const counts = await l.engine.query(rfmSegmentCounts(l.engine.dialect, { rfm: 'fake_rfm' }))
      const grid = await l.engine.query(rfmGrid(l.engine.dialect, { rfm: 'fake_rfm' }))
      const expected = ['A', 'B', 'a', 'b']
      expect({ engine: l.name, order: counts.map((r) => r.segment) }).toEqual({
        engine: l.name,
        order: expected,
      })
      expect(grid.map((r) => r.rfm_segment)).toEqual(expected)
      expect(counts.map((r) => r.share_customers)).toEqual([0.25, 0.25, 0.25, 0.25])
    }
  })

  it('custom top-k percentages, including none, on both', async () => {
    for (const l of loaded) {
      const c = await concentration(l.engine, { table: 'hand_gini', percents: [1, 33, 100] })
      expect(c.top.map((t) => [t.pct, t.customers, t.value])).toEqual([
        [1, 1, 10],
        [33, 2, 14],
        [100, 5, 20],
      ])
      const none = await concentration(l.engine, { table: 'hand_gini', percents: [] })
      expect(none.top).toEqual([])
    }
  })

  it('a table that does not exist is a UsageError saying what to run, on both', async () => {
    for (const l of loaded) {
      const e = await concentration(l.engine, { table: 'nope' }).catch((x: unknown) => x)
      expect(e, l.name).toBeInstanceOf(UsageError)
      expect((e as Error).message).toMatch(
        /per-customer table nope, which does not exist: run buildCustomerSummary first/,
      )
    }
  })
})
