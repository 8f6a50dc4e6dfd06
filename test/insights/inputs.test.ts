// The optional inputs in insights: surveys (NPS and CES, kept apart from other questions), tickets
// (resolution rate) and returns (return rate, "toxic" categories), read from the tables the
// import kinds write. Exact figures on a hand-made workspace; a planted toxic category on a
// generated company, which must be the only one flagged, and none before it is planted.
import { describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { computeInsights, type GroupKpi } from '../../src/service/insights/index.ts'
import { companyWorkspace } from './company.ts'

const AS_OF = '2024-06-30'

async function insert(engine: Engine, sql: string, rows: readonly (readonly unknown[])[]) {
  for (const params of rows) await engine.exec({ sql, params })
}

/** Per segment: the KPI computed here from the raw rows, to compare with the insights'. */
function bySegment<T>(
  segment: ReadonlyMap<string, string>,
  rows: readonly T[],
  customer: (r: T) => string,
): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const r of rows) {
    const s = segment.get(customer(r))!
    out.set(s, [...(out.get(s) ?? []), r])
  }
  return out
}

const find = (kpis: readonly GroupKpi[] | null, group: string) =>
  kpis?.find((k) => k.kind === 'segment' && k.group === group)

describe('surveys, tickets and returns on a hand-made workspace', () => {
  it('computes NPS, CES, ticket resolution and return rate per segment from the imported tables', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const orders: [string, string, string, number][] = [
        ['o1', 'A', '2024-01-05', 100],
        ['o2', 'A', '2024-03-20', 50],
        ['o3', 'A', '2024-06-10', 70],
        ['o4', 'B', '2024-01-10', 200],
        ['o5', 'C', '2024-02-01', 80],
        ['o6', 'C', '2024-05-01', 40],
        ['o7', 'D', '2024-02-15', 60],
        ['o8', 'E', '2024-03-15', 30],
        ['o9', 'F', '2024-04-15', 90],
        ['o10', 'F', '2024-06-20', 20],
        ['o11', 'B', '2024-08-01', 20], // after asOf: not counted
      ]
      await insert(
        engine,
        `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
         VALUES ($1, $1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), $4)`,
        orders,
      )
      // nps / ces / csat: C answered only csat and F only ces (neither counts for NPS);
      // E's answer came after asOf
      const surveys: [string, string, string, number | null, number | null, number | null][] = [
        ['s1', 'A', '2024-02-01', 10, 6, 5],
        ['s2', 'A', '2024-05-01', 9, null, null],
        ['s3', 'B', '2024-02-01', 3, 2, 1],
        ['s4', 'C', '2024-03-01', null, null, 5],
        ['s5', 'D', '2024-03-01', 7, 5, 3],
        ['s6', 'E', '2024-07-15', 10, 7, 5],
        ['s7', 'F', '2024-05-01', null, 7, null],
        ['s8', 'E', '2024-04-01', 0, null, null],
      ]
      await insert(
        engine,
        `INSERT INTO survey_responses (response_key, response_id, customer_id, responded_at, responded_date, nps, ces, csat)
         VALUES ($1, $1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), $4, $5, $6)`,
        surveys,
      )
      const tickets: [string, string, string, string | null][] = [
        ['t1', 'A', '2024-02-01', '2024-02-02'],
        ['t2', 'A', '2024-06-01', null],
        ['t3', 'B', '2024-01-20', '2024-01-25'],
        ['t4', 'C', '2024-07-20', '2024-07-21'], // opened after asOf
        ['t5', 'F', '2024-05-01', null],
        ['t6', 'D', '2024-06-20', '2024-07-10'], // resolved after asOf: still open at asOf
      ]
      await insert(
        engine,
        `INSERT INTO tickets (ticket_id, customer_id, opened_at, opened_date, resolved_at)
         VALUES ($1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), CAST($4 AS TIMESTAMP))`,
        tickets,
      )
      // o4 returned twice (one returned order), o1 and o9 once
      const returns: [string, string, string][] = [
        ['r1', 'o1', '2024-01-10'],
        ['r2', 'o4', '2024-01-15'],
        ['r3', 'o4', '2024-01-18'],
        ['r4', 'o9', '2024-04-20'],
        ['r5', 'o5', '2024-07-25'], // after asOf: not yet returned at asOf
      ]
      await insert(
        engine,
        `INSERT INTO returns (return_key, return_id, order_id, returned_at, returned_date, amount)
         VALUES ($1, $1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), 10)`,
        returns,
      )
      const a = await computeAnalysis(engine, {
        source: 'hand',
        asOf: AS_OF,
        predictions: false,
        value: false,
      })
      const r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
      const k = r.summary.kpis
      const seg = new Map(
        (
          await engine.query<{ customer_id: string; rfm_segment: string }>(
            'SELECT customer_id, rfm_segment FROM customer_analysis',
          )
        ).map((x) => [x.customer_id, x.rfm_segment]),
      )
      expect(seg.size).toBe(6)
      expect(r.summary.notes.join(' ')).not.toMatch(/No surveys table|No tickets table/)

      const npsRows = surveys.filter((s) => s[3] !== null && s[2] <= AS_OF)
      for (const [group, rows] of bySegment(seg, npsRows, (s) => s[1])) {
        const promoters = rows.filter((s) => s[3]! >= 9).length
        const detractors = rows.filter((s) => s[3]! <= 6).length
        const g = find(k.nps, group)!
        expect(g.n).toBe(rows.length)
        expect(g.value).toBeCloseTo((100 * (promoters - detractors)) / rows.length, 10)
        // Rocks' adjusted Wald, one answer included (it was left out as for CES)
        const na = rows.length + 3
        const pa = (promoters + 0.75) / na
        const da = (detractors + 0.75) / na
        const half = 1.959963984540054 * 100 * Math.sqrt((pa + da - (pa - da) ** 2) / na)
        expect(g.lower).toBeCloseTo(Math.max(-100, 100 * (pa - da) - half), 9)
        expect(g.upper).toBeCloseTo(Math.min(100, 100 * (pa - da) + half), 9)
      }
      expect(k.nps!.filter((g) => g.kind === 'segment' && g.n === 1).length).toBeGreaterThan(0)
      expect(k.nps!.filter((g) => g.kind === 'segment').reduce((s, g) => s + g.n, 0)).toBe(5)
      // all customers together: every segment's responses, the company's NPS and CES
      for (const kpi of [k.nps!, k.ces!, k.ticketResolution!, k.returnRate!]) {
        const segs = kpi.filter((g) => g.kind === 'segment')
        const all = kpi.filter((g) => g.kind === 'all')
        expect(all.map((g) => g.group)).toEqual(['all customers'])
        const n = segs.reduce((s, g) => s + g.n, 0)
        expect(all[0]!.n).toBe(n)
        expect(all[0]!.value).toBeCloseTo(segs.reduce((s, g) => s + g.n * g.value, 0) / n, 10)
      }

      const cesRows = surveys.filter((s) => s[4] !== null && s[2] <= AS_OF)
      for (const [group, rows] of bySegment(seg, cesRows, (s) => s[1])) {
        const g = find(k.ces, group)!
        expect(g.n).toBe(rows.length)
        expect(g.value).toBeCloseTo(rows.reduce((s, x) => s + x[4]!, 0) / rows.length, 10)
      }

      const ticketRows = tickets.filter((t) => t[2] <= AS_OF)
      for (const [group, rows] of bySegment(seg, ticketRows, (t) => t[1])) {
        const g = find(k.ticketResolution, group)!
        expect(g.n).toBe(rows.length)
        const resolved = rows.filter((t) => t[3] !== null && t[3] <= AS_OF).length
        expect(g.value).toBeCloseTo(resolved / rows.length, 10)
      }

      const returned = new Set(returns.filter((x) => x[2] <= AS_OF).map((x) => x[1]))
      const orderRows = orders.filter((o) => o[2] <= AS_OF)
      for (const [group, rows] of bySegment(seg, orderRows, (o) => o[1])) {
        const g = find(k.returnRate, group)!
        expect(g.n).toBe(rows.length)
        expect(g.value).toBeCloseTo(rows.filter((o) => returned.has(o[0])).length / rows.length, 10)
      }
      expect(r.summary.overIndex.overallReturnRate).toBeNull() // no order lines: no categories
    } finally {
      await engine.close()
    }
  })
})

describe('inputs imported from a generated company', () => {
  it('reads survey_responses, flags a planted toxic category and none before it is planted', async () => {
    const c = await companyWorkspace({
      customers: 5000,
      seed: 11,
      plants: [],
      extra: ['returns', 'surveys', 'tickets'],
    })
    try {
      const e = c.engine
      const run = async () => {
        const a = await computeAnalysis(e, { source: 'test', predictions: false, value: false })
        return computeInsights(e, { asOf: a.asOf })
      }
      const before = await run()
      const [m] = await e.query<{ n: number }>({
        sql: `SELECT count(*) AS n FROM survey_responses s JOIN customer_analysis a USING (customer_id)
          WHERE s.nps IS NOT NULL AND CAST(s.responded_at AS DATE) <= CAST($1 AS DATE)`,
        params: [before.summary.asOf],
      })
      const npsN = before.summary.kpis
        .nps!.filter((g) => g.kind === 'segment')
        .reduce((s, g) => s + g.n, 0)
      expect(m!.n).toBeGreaterThan(500)
      expect(npsN).toBe(m!.n)
      expect(before.summary.overIndex.overallReturnRate).toBeGreaterThan(0)
      // the overall return rate counts each order once, however many categories it holds
      const [o] = await e.query<{ once: number; memberships: number }>({
        sql: `WITH lo AS (
            SELECT DISTINCT l.category, l.order_id,
              l.order_id IN (SELECT order_id FROM returns
                WHERE returned_date <= CAST($1 AS DATE)) AS returned
            FROM order_lines l JOIN orders o ON o.order_id = l.order_id
            WHERE l.category IS NOT NULL AND o.amount >= 0 AND o.order_date <= CAST($1 AS DATE))
          SELECT count(DISTINCT order_id) FILTER (WHERE returned) / count(DISTINCT order_id) AS once,
            count(*) FILTER (WHERE returned) / count(*) AS memberships FROM lo`,
        params: [before.summary.asOf],
      })
      expect(before.summary.overIndex.overallReturnRate).toBeCloseTo(o!.once, 12)
      expect(Math.abs(o!.once - o!.memberships)).toBeGreaterThan(1e-6)
      expect(before.summary.overIndex.categories.filter((x) => x.toxic)).toEqual([])

      // plant: half of the orders holding Hats are returned, and 70 % of the customers whose
      // first order held Hats never buy again
      await e.exec(`
        INSERT INTO returns (return_key, return_id, order_id, returned_at, returned_date, amount)
        SELECT 'X' || o.order_id, 'X' || o.order_id, o.order_id, o.ordered_at + INTERVAL 5 DAY,
          o.order_date + 5, 1
        FROM orders o
        WHERE o.order_id IN (SELECT order_id FROM order_lines WHERE category = 'Hats')
          AND hash(o.order_id) % 2 = 0`)
      await e.exec(`
        WITH f AS (
          SELECT customer_id, arg_min(order_id, (ordered_at, order_key)) AS first_id,
            min(order_date) AS first_day
          FROM orders WHERE amount >= 0 GROUP BY customer_id
        ),
        gone AS (
          SELECT customer_id, first_day FROM f
          WHERE first_id IN (SELECT order_id FROM order_lines WHERE category = 'Hats')
            AND hash(customer_id) % 10 < 7
        )
        DELETE FROM orders o USING gone g
        WHERE o.customer_id = g.customer_id AND o.order_date > g.first_day`)
      const after = await run()
      const toxic = after.summary.overIndex.categories.filter((x) => x.toxic)
      expect(toxic.map((x) => x.category)).toEqual(['Hats'])
      const hats = toxic[0]!
      expect(hats.returnRate!).toBeGreaterThan(3 * after.summary.overIndex.overallReturnRate!)
      expect(hats.repeatUpper!).toBeLessThan(after.summary.overIndex.overallRepeatRate!)
      // the return rate KPI by segment counts the planted returns too
      const rr = after.summary.kpis.returnRate!.filter((g) => g.kind === 'segment')
      const rate = (x: readonly GroupKpi[]) =>
        x.reduce((s, g) => s + g.value * g.n, 0) / x.reduce((s, g) => s + g.n, 0)
      expect(rate(rr)).toBeGreaterThan(
        rate(before.summary.kpis.returnRate!.filter((g) => g.kind === 'segment')),
      )
    } finally {
      await c.close()
    }
  }, 300_000)
})
