// End to end: `loyals analyze` and `loyals demo` as a user runs them, on the bundled CDNOW sample.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { CLI, ROOT, runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'
import { CDNOW_ORDERS } from '../summary/load-orders.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const CUSTOMERS = 2357

async function sql<T = Record<string, unknown>>(q: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  try {
    const r = await conn.runAndReadAll(q)
    return r.getRowObjectsJson() as T[]
  } finally {
    conn.closeSync()
    db.closeSync()
  }
}

const readSummary = (dir: string): AnalysisSummary =>
  JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as AnalysisSummary

/**
 * Deep equality with numbers compared to a relative 1e-9: the engine's parallel sums may differ
 * in the last bit between runs. Returns the first differing path, or null.
 */
function diff(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? null : path
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`)
      if (d) return d
    }
    return null
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    if (ka.join() !== kb.join()) return `${path} keys`
    for (const k of ka) {
      const d = diff(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      )
      if (d) return d
    }
    return null
  }
  return Object.is(a, b) ? null : path
}

/** The summary without the fields that name the run rather than the data. */
function stable(s: AnalysisSummary): Omit<AnalysisSummary, 'generatedAt' | 'source'> {
  const { generatedAt: _g, source: _s, ...rest } = s
  return rest
}

describe('loyals analyze on the CDNOW sample', () => {
  let out: string
  let run: ReturnType<typeof runCli>
  let summary: AnalysisSummary

  beforeAll(() => {
    out = join(tempDir(), 'out')
    run = runCli(['analyze', SAMPLE, '--out', out])
    summary = readSummary(out)
  })

  it('exits 0 and prints the short summary and where the files are', () => {
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('2,357 customers')
    expect(run.stdout).toMatch(/The top 10% of customers hold \d+\.\d% of revenue/)
    expect(run.stdout).toContain('Champions')
    expect(run.stdout).toContain(join(out, 'report.html'))
    // stderr is not a TTY here: no progress bar
    expect(run.stderr).toBe('')
  })

  it('gives the money totals exactly: the concentration total and top shares equal the sums they name', () => {
    const c = summary.concentration.revenue
    // a double running sum drifted: 173115.5499999971 beside a revenue of 173115.55
    expect(c.total).toBe(summary.revenue.total)
    expect(String(c.total)).toMatch(/^\d+(\.\d{1,2})?$/)
    // the top 10 % are exactly decile 1 (ceil(10 n / 100) customers either way)
    const top10 = c.topShares.find((t) => t.percent === 10)
    const d1 = c.deciles.find((d) => d.decile === 1)
    expect(top10?.customers).toBe(d1?.customers)
    expect(top10?.value).toBe(d1?.value)
    for (const t of c.topShares) expect(String(t.value)).toMatch(/^\d+(\.\d{1,2})?$/)
  })

  it('writes the four files', () => {
    expect(readdirSync(out).sort()).toEqual([
      'customers.csv',
      'customers.parquet',
      'report.html',
      'summary.json',
    ])
  })

  it('writes customers.csv with one row per customer and every figure', () => {
    const lines = readFileSync(join(out, 'customers.csv'), 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(CUSTOMERS + 1)
    const header = lines[0]?.split(',') ?? []
    expect(header.slice(0, 5)).toEqual(['customer_id', 'x', 't_x', 'T', 'monetary'])
    for (const col of [
      'revenue',
      'orders',
      'days_since_last',
      'r_score',
      'f_score',
      'm_score',
      'rfm_segment',
      'revenue_rank',
      'revenue_decile',
      'revenue_share',
      'cumulative_revenue_share',
    ]) {
      expect(header).toContain(col)
    }
  })

  it('writes a Parquet file DuckDB reads with the same rows and revenue', async () => {
    const [p] = await sql<{ n: string; rev: number; ranks: string }>(
      `SELECT count(*) AS n, sum(revenue) AS rev, count(DISTINCT revenue_rank) AS ranks
       FROM read_parquet('${join(out, 'customers.parquet')}')`,
    )
    expect(Number(p?.n)).toBe(CUSTOMERS)
    expect(Number(p?.ranks)).toBe(CUSTOMERS)
    expect(p?.rev).toBeCloseTo(summary.revenue.total, 6)
    const [c] = await sql<{ rev: number; last: number }>(
      `SELECT sum(revenue) AS rev, max(cumulative_revenue_share) AS last
       FROM read_csv('${join(out, 'customers.csv')}')`,
    )
    expect(c?.rev).toBeCloseTo(summary.revenue.total, 6)
    // the running revenue and the total are exact sums: the last customer's share is 1 exactly
    expect(c?.last).toBe(1)
  })

  it('lists customers in rank order: revenue (to 1e-6) descending, ties by orders then id, running shares', async () => {
    // recomputed from the file's own columns with a window of its own, so a wrong rank, a wrong
    // row order in the file, a wrong decile or a wrong running sum each fails
    const [c] = await sql<{
      n: string
      bad_rank: string
      bad_order: string
      bad_dec: string
      err: number
    }>(
      `WITH f AS (
         SELECT *, row_number() OVER () AS line
         FROM read_csv('${join(out, 'customers.csv')}', types = {'customer_id': 'VARCHAR'})
       ), w AS (
         SELECT *,
           row_number() OVER (ORDER BY round(revenue, 6) DESC, orders DESC, customer_id) AS want_rank,
           sum(revenue) OVER (ORDER BY revenue_rank) / sum(revenue) OVER () AS want_cum,
           count(*) OVER () AS n
         FROM f
       )
       SELECT count(*) AS n,
         count(*) FILTER (WHERE revenue_rank <> want_rank) AS bad_rank,
         count(*) FILTER (WHERE line <> revenue_rank) AS bad_order,
         count(*) FILTER (WHERE revenue_decile <> 1 + (10 * (revenue_rank - 1)) // n) AS bad_dec,
         max(abs(cumulative_revenue_share - want_cum)) AS err
       FROM w`,
    )
    expect(Number(c?.n)).toBe(CUSTOMERS)
    expect(Number(c?.bad_rank)).toBe(0)
    expect(Number(c?.bad_order)).toBe(0)
    expect(Number(c?.bad_dec)).toBe(0)
    expect(c?.err).toBeLessThan(1e-12)
  })

  it('has consistent aggregates in summary.json', () => {
    expect(summary.counts.customers).toBe(CUSTOMERS)
    expect(summary.asOf).toBe('1998-06-30')
    const segCustomers = summary.rfm.segments.reduce((a, s) => a + s.customers, 0)
    expect(segCustomers).toBe(CUSTOMERS)
    expect(summary.rfm.grid.reduce((a, c) => a + c.customers, 0)).toBe(CUSTOMERS)
    const segRevenue = summary.rfm.segments.reduce((a, s) => a + s.revenue, 0)
    expect(segRevenue).toBeCloseTo(summary.revenue.total, 6)
    const rev = summary.concentration.revenue
    expect(rev.total).toBeCloseTo(summary.revenue.total, 6)
    expect(rev.topShares.map((t) => t.percent)).toEqual([1, 2, 5, 10, 20, 50])
    for (let i = 1; i < rev.topShares.length; i++) {
      expect(rev.topShares[i]?.share ?? 0).toBeGreaterThanOrEqual(rev.topShares[i - 1]?.share ?? 1)
    }
    expect(rev.deciles).toHaveLength(10)
    expect(rev.deciles.reduce((a, d) => a + d.customers, 0)).toBe(CUSTOMERS)
    expect(rev.deciles.at(-1)?.cumulativeShare).toBeCloseTo(1, 12)
    expect(rev.gini).toBeGreaterThan(0)
    expect(rev.gini).toBeLessThan(1)
    expect(summary.concentration.margin).toBeNull()
    expect(summary.topCustomers).toHaveLength(20)
    summary.topCustomers.forEach((c, i) => {
      expect(c.rank).toBe(i + 1)
      if (i > 0) expect(c.revenue).toBeLessThanOrEqual(summary.topCustomers[i - 1]?.revenue ?? 0)
    })
    // the top 1 % (24 customers) hold what the top-customer list says the first 24 hold
    const top20 = summary.topCustomers.at(-1)?.cumulativeShare ?? 0
    expect(rev.topShares[0]?.share ?? 0).toBeGreaterThan(top20)
    // CDNOW has no refunds: its 8 customers without revenue bought for 0, which the note says
    const notes = summary.quality.map((n) => n.message).join(' ')
    expect(notes).toContain('8 customers have no revenue: every order of theirs is 0')
    expect(notes).not.toMatch(/refund/)
  })

  it('writes a self-contained report with every section', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<link/i)
    expect(html).not.toMatch(/https?:\/\//)
    for (const id of ['concentration', 'deciles', 'rfm', 'top-customers']) {
      expect(html).toContain(`<section id="${id}">`)
    }
    expect(html).toContain('class="diagonal"')
    expect(html).toContain('2,357')
  })

  it('--json prints summary.json and nothing else on stdout', () => {
    const dir = join(tempDir(), 'json')
    const r = runCli(['analyze', SAMPLE, '--out', dir, '--json'])
    expect(r.code).toBe(0)
    const printed = JSON.parse(r.stdout) as AnalysisSummary
    expect(stable(printed)).toEqual(stable(readSummary(dir)))
    expect(diff(stable(printed), stable(summary))).toBeNull()
  })

  it('gives the same results on a workspace after `loyals import`', () => {
    const dir = tempDir()
    const db = join(dir, 'ws.duckdb')
    const imp = runCli(['import', SAMPLE, '--db', db])
    expect({ code: imp.code, stderr: imp.stderr }).toEqual({ code: 0, stderr: '' })
    const wsOut = join(dir, 'out')
    const r = runCli(['analyze', db, '--out', wsOut])
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    expect(diff(stable(readSummary(wsOut)), stable(summary))).toBeNull()
    // and through --db with no argument
    const viaDb = join(dir, 'out2')
    expect(runCli(['analyze', '--db', db, '--out', viaDb]).code).toBe(0)
    expect(diff(stable(readSummary(viaDb)), stable(summary))).toBeNull()
  })

  it('writes the same customers.csv from a workspace as from the file', async () => {
    const dir = tempDir()
    const db = join(dir, 'ws.duckdb')
    expect(runCli(['import', SAMPLE, '--db', db]).code).toBe(0)
    const wsOut = join(dir, 'out')
    expect(runCli(['analyze', db, '--out', wsOut]).code).toBe(0)
    const [d] = await sql<{ n: string; same: string; dmax: number }>(
      `SELECT count(*) AS n,
         count(*) FILTER (WHERE a.revenue_rank = b.revenue_rank AND a.rfm = b.rfm
           AND a.rfm_segment = b.rfm_segment AND a.revenue_decile = b.revenue_decile
           AND a.x = b.x AND a.orders = b.orders) AS same,
         max(abs(a.revenue - b.revenue)) AS dmax
       FROM read_csv('${join(wsOut, 'customers.csv')}') a
       JOIN read_csv('${join(out, 'customers.csv')}') b USING (customer_id)`,
    )
    expect(Number(d?.n)).toBe(CUSTOMERS)
    expect(Number(d?.same)).toBe(CUSTOMERS)
    expect(d?.dmax).toBeLessThan(1e-9)
  })

  it('honours --as-of: later orders are held out', () => {
    const dir = join(tempDir(), 'asof')
    const r = runCli(['analyze', SAMPLE, '--out', dir, '--as-of', '1997-09-30', '--json'])
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.asOf).toBe('1997-09-30')
    expect(s.counts.customers).toBe(CUSTOMERS)
    expect(s.counts.ordersAfterAsOf).toBeGreaterThan(0)
    expect(s.revenue.total).toBeLessThan(summary.revenue.total)
    expect(s.revenue.total + s.revenue.holdout).toBeCloseTo(summary.revenue.total, 6)
    expect(s.counts.amountAfterAsOf).toBeCloseTo(s.revenue.holdout, 6)
    // the About note spells the count as the headline does, with a thousands separator
    expect(s.counts.ordersAfterAsOf).toBeGreaterThanOrEqual(1000)
    const later = s.counts.ordersAfterAsOf.toLocaleString('en-US')
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toContain(`${later} later orders`)
    expect(html).toContain(`${later} orders dated after the as-of date 1997-09-30 are not counted`)
  })

  it('customers left without a purchase day by refunds are said to be out of the figures', () => {
    const dir = tempDir()
    const file = join(dir, 'gone.csv')
    // B's only order refunded for more than it cost; C's refund matches no order
    writeFileSync(
      file,
      'order_id,customer_id,ordered_at,amount\no1,A,2024-01-01,100\no2,B,2024-01-05,5\no2,B,2024-01-06,-8\nr9,C,2024-01-07,-20\no3,D,2024-02-01,50\no4,D,2024-03-01,50\n',
    )
    const r = runCli(['analyze', file, '--out', join(dir, 'out'), '--no-predictions', '--json'])
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.counts.customers).toBe(2)
    expect(s.revenue.total).toBe(200)
    expect(s.quality.map((n) => n.message)).toContainEqual(
      expect.stringMatching(
        /^2 customers have refunds but no purchase day up to 2024-03-01 .*their net -23\.00 is not in revenue\.$/,
      ),
    )
    // their refund rows are not counted as netted: no refund row is
    expect(s.quality.map((n) => n.message)).toContainEqual(
      '2 refund rows of customers without a purchase day are not netted into revenue (see the warning on them).',
    )
    expect(s.quality.map((n) => n.message).join(' ')).not.toMatch(/are netted into revenue/)
  })

  it('an as-of date after the last order is warned about', () => {
    const dir = tempDir()
    const file = write(
      dir,
      'ends.csv',
      'order_id,customer_id,ordered_at,amount\no1,A,2024-01-01,100\no2,B,2024-01-05,50\no3,A,2024-02-10,30\n',
    )
    const run = (asOf: string[]) => {
      const r = runCli([
        'analyze',
        file,
        ...asOf,
        '--out',
        join(dir, 'out'),
        '--no-predictions',
        '--json',
      ])
      expect(r.code).toBe(0)
      return (JSON.parse(r.stdout) as AnalysisSummary).quality
    }
    expect(run(['--as-of', '2024-03-01'])).toContainEqual({
      level: 'warning',
      message:
        'The as-of date 2024-03-01 is 20 days after the last order in the data (2024-02-10): recency, the R scores, P(alive) and the forecasts count those days as time without purchases. If the data simply ends on 2024-02-10, pass --as-of 2024-02-10.',
    })
    for (const asOf of [[], ['--as-of', '2024-02-10'], ['--as-of', '2024-01-20']]) {
      expect(
        run(asOf)
          .map((n) => n.message)
          .join(' '),
      ).not.toMatch(/after the last order/)
    }
    // the default as-of is the last day of any row: a refund's day after the last order is said
    // in a note, a warning once refunds trail the last order by more than a month
    const lateRefund = (day: string, asOf: string[] = []) => {
      write(
        dir,
        'ends.csv',
        `order_id,customer_id,ordered_at,amount\no1,A,2024-01-01,100\no3,A,2024-02-10,30\no3,A,${day},-30\n`,
      )
      return run(asOf).filter((n) => /after the last order/.test(n.message))
    }
    expect(lateRefund('2024-02-20')).toEqual([
      {
        level: 'info',
        message:
          "The as-of date defaults to the last day of the data, 2024-02-20, a refund's day 10 days after the last order (2024-02-10): recency, the R scores, P(alive) and the forecasts count those days as time without purchases. If the data simply ends on 2024-02-10, pass --as-of 2024-02-10 (refunds dated after it are then not netted).",
      },
    ])
    expect(lateRefund('2024-05-31').map((n) => n.level)).toEqual(['warning'])
    // the same day given as --as-of is the default, said as such; a later one names the refunds,
    // and either way the advice says that an earlier as-of leaves them out
    expect(lateRefund('2024-02-20', ['--as-of', '2024-02-20'])).toEqual([
      {
        level: 'info',
        message:
          "The as-of date 2024-02-20, the last day of the data, is a refund's day 10 days after the last order (2024-02-10): recency, the R scores, P(alive) and the forecasts count those days as time without purchases. If the data simply ends on 2024-02-10, pass --as-of 2024-02-10 (refunds dated after it are then not netted).",
      },
    ])
    expect(lateRefund('2024-02-20', ['--as-of', '2024-02-25'])).toEqual([
      {
        level: 'warning',
        message:
          'The as-of date 2024-02-25 is 15 days after the last order in the data (2024-02-10; refunds are dated up to 2024-02-20): recency, the R scores, P(alive) and the forecasts count those days as time without purchases. If the data simply ends on 2024-02-10, pass --as-of 2024-02-10 (refunds dated after it are then not netted).',
      },
    ])
  })

  it('summary and fit warn of an as-of date after the last order too', () => {
    // both once read the gap as customers not buying in silence, where analyze said so
    const dir = tempDir()
    const file = write(
      dir,
      'ends.csv',
      'order_id,customer_id,ordered_at,amount\no1,A,2024-01-01,100\no2,B,2024-01-05,50\no3,A,2024-02-10,30\n',
    )
    const s = runCli(['summary', file, '--as-of', '2024-03-01'])
    expect(s.code, s.stderr).toBe(0)
    expect(s.stderr).toContain(
      'warning: The as-of date 2024-03-01 is 20 days after the last order in the data (2024-02-10): T and days_since_last count those days as time without purchases. If the data simply ends on 2024-02-10, pass --as-of 2024-02-10.',
    )
    // fit needs more customers than two: the CDNOW sample, whose last order is on 1998-06-30
    const f = runCli(['fit', CDNOW_ORDERS, '--model', 'bgnbd', '--as-of', '1998-07-30'])
    expect(f.code, f.stderr).toBe(0)
    expect(f.stderr).toContain(
      'note: The as-of date 1998-07-30 is 30 days after the last order in the data (1998-06-30): T, and so the fitted purchase and dropout rates, count those days',
    )
    for (const args of [
      ['summary', file],
      ['summary', file, '--as-of', '2024-02-10'],
      ['fit', CDNOW_ORDERS, '--model', 'bgnbd'],
    ]) {
      expect(runCli(args).stderr).not.toMatch(/after the last order/)
    }
  })

  it('a net revenue below 0 has no shares: NULL, not shares of the wrong sign', () => {
    const dir = tempDir()
    const file = write(
      dir,
      'below.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,0\nA,2024-01-03,0\nB,2024-01-02,0\nB,2024-01-02,-5\n',
    )
    const out = join(dir, 'out')
    const args = ['analyze', file, '--out', out, '--no-predictions', '--no-insights', '--no-value']
    const r = runCli(args)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(
      'Net revenue is not above 0 (the orders add up to nothing, or refunds take back all of the sales): there are no shares of it to compare customers by.',
    )
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as AnalysisSummary
    expect(s.revenue.total).toBe(-5)
    expect(s.concentration.revenue.topShares.map((t) => t.share)).toEqual(
      s.concentration.revenue.topShares.map(() => null),
    )
    expect(s.concentration.revenue.deciles.every((d) => d.share === null)).toBe(true)
    expect(s.rfm.segments.every((g) => g.revenueShare === null)).toBe(true)
    const [, ...rows] = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n')
    const header = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')[0]!.split(',')
    const at = header.indexOf('revenue_share')
    expect(rows.map((l) => l.split(',')[at])).toEqual(['', ''])
  })

  it('every order refunded in full: the error says so instead of asking for a later as-of', () => {
    const dir = tempDir()
    const file = write(
      dir,
      'refunded.csv',
      'customer_id,ordered_at,amount,order_id\nA,2024-01-01,10,1\nA,2024-01-01,-10,1\nB,2024-01-02,5,2\nB,2024-01-03,-5,2\n',
    )
    for (const asOf of [[], ['--as-of', '2024-01-05']]) {
      const r = runCli(['analyze', file, ...asOf, '--out', join(dir, 'out'), '--no-predictions'])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/every order is refunded in full/)
      expect(r.stderr).not.toMatch(/later --as-of/)
    }
  })

  it('refunds cancelling every purchase leave insights out with a note, not the run', () => {
    const dir = tempDir()
    const file = write(
      dir,
      'zero.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,10\nA,2024-01-03,-10\nB,2024-01-02,0\n',
    )
    const r = runCli(['analyze', file, '--out', join(dir, 'out'), '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.insights).toBeUndefined()
    expect(s.quality.map((n) => n.message)).toContainEqual(
      "Insights on the best customers (path to best, rising stars, lapsed best, over-indexing) rank customers by value, and every customer's net revenue is 0 (refunds cancel every purchase): they are left out.",
    )
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true)
  })

  it('refund rows dated after the as-of date are said not to be netted', () => {
    const dir = tempDir()
    const file = join(dir, 'late-refund.csv')
    writeFileSync(
      file,
      'order_id,customer_id,ordered_at,amount\no1,A,2024-01-01,100\no1,A,2024-01-02,-10\no2,B,2024-01-05,50\no2,B,2024-03-05,-50\n',
    )
    const r = runCli([
      'analyze',
      file,
      '--as-of',
      '2024-02-01',
      '--out',
      join(dir, 'out'),
      '--no-predictions',
      '--json',
    ])
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.revenue.total).toBe(140)
    expect(s.quality.map((n) => n.message)).toContainEqual(
      '1 refund row (negative amounts, refunded amounts, cancelled or refunded orders) is netted into revenue. 1 refund row dated after the as-of date 2024-02-01 is not netted into revenue (not yet known then).',
    )
  })

  it('the later orders counted and their amount are the same orders, a new customer included', () => {
    const dir = tempDir()
    const file = join(dir, 'later.csv')
    writeFileSync(
      file,
      'customer_id,ordered_at,amount\nA,2024-03-01,40\nA,2024-05-10,10\nE,2024-04-01,25\nE,2024-05-02,25\nF,2024-05-20,60\n',
    )
    const r = runCli([
      'analyze',
      file,
      '--out',
      join(dir, 'out'),
      '--as-of',
      '2024-04-30',
      '--json',
    ])
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.counts.ordersAfterAsOf).toBe(3)
    // F's first order is after the as-of date: not in the figures, but one of the later orders
    expect(s.counts.amountAfterAsOf).toBe(95)
    expect(s.revenue.holdout).toBe(35)
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8')
    expect(html).toContain('3 later orders (95.00 of sales, before refunds) are left out')
  })
})

describe('loyals analyze with bad input', () => {
  it('a missing file: one clean error line, exit 1, no stack trace, no output dir', () => {
    const dir = tempDir()
    const r = runCli(['analyze', join(dir, 'nope.csv'), '--out', join(dir, 'out')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error: /)
    expect(r.stderr).toContain('nope.csv')
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stdout).toBe('')
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('a bad --unit or --as-of is a usage error (exit 2)', () => {
    const u = runCli(['analyze', SAMPLE, '--unit', 'year', '--out', tempDir()])
    expect(u.code).toBe(2)
    expect(u.stderr).toContain('--unit')
    const a = runCli(['analyze', SAMPLE, '--as-of', '1997-02-30', '--out', tempDir()])
    expect(a.code).toBe(2)
    expect(a.stderr).toContain('1997-02-30')
  })

  it('a PostgreSQL store given to a DuckDB-only command is a usage error that says the way', () => {
    const pg = 'postgres://nobody@127.0.0.1:1/none'
    for (const [args, says] of [
      [['customer', 'C1', '--db', pg], /pass --server URL --api-key KEY$/],
      [['import', SAMPLE, '--db', pg], /pass --server URL --api-key KEY$/],
      [
        ['analyze', '--db', pg],
        /not a PostgreSQL store: run it on an export of the store's orders \(loyals analyze orders\.csv\)$/,
      ],
    ] as const) {
      const r = runCli([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim()).toMatch(says)
    }
  })

  it('an invalid RFM rules file is a usage error naming the problem', () => {
    const dir = tempDir()
    const rules = join(dir, 'rules.json')
    writeFileSync(rules, JSON.stringify({ rules: [{ name: 'X', r: [6, 1] }] }))
    const r = runCli(['analyze', SAMPLE, '--rfm-rules', rules, '--out', join(dir, 'out')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`invalid RFM rules in ${rules}`)
    // a misspelt range would leave a rule that matches everybody: an unknown key is an error
    writeFileSync(rules, JSON.stringify({ rules: [{ name: 'X', R: [5, 5] }], fallbak: 'Z' }))
    const typo = runCli(['analyze', SAMPLE, '--rfm-rules', rules, '--out', join(dir, 'out')])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain(`${rules}:1 rules[0]: Unrecognized key: "R"`)
    expect(typo.stderr).toContain(`${rules}:1 (root): Unrecognized key: "fallbak"`)
  })

  it('escapes hostile customer ids in the report', () => {
    const dir = tempDir()
    const file = join(dir, 'orders.csv')
    writeFileSync(
      file,
      'customer_id,ordered_at,amount\n' +
        '"<script>alert(1)</script>",2024-01-01,100\n' +
        '"<img src=x onerror=alert(2)>",2024-01-02,50\n' +
        'plain,2024-01-03,10\n',
    )
    const r = runCli(['analyze', file, '--out', join(dir, 'out')])
    expect(r.code).toBe(0)
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('refuses orders in two currencies (adding them is wrong) and says what may mislead', () => {
    const dir = tempDir()
    const file = join(dir, 'orders.csv')
    writeFileSync(
      file,
      'customer_id,ordered_at,amount,currency\nA,2024-01-01,10,USD\nA,2024-01-05,20,EUR\nB,2024-01-03,5,USD\nB,2024-01-04,-8,USD\n',
    )
    const mixed = runCli(['analyze', file, '--out', join(dir, 'mixed'), '--no-insights'])
    expect(mixed.code).toBe(1)
    expect(mixed.stderr).toContain(
      `the orders are in 2 currencies (USD on 3 rows, first ${file}:2; EUR on 1 row, first ${file}:3): adding their amounts without conversion would be wrong`,
    )
    expect(existsSync(join(dir, 'mixed', 'summary.json'))).toBe(false)
    const sum = runCli(['summary', file])
    expect(sum.code).toBe(1)
    expect(sum.stderr).toContain('the orders are in 2 currencies')
    // a cancelled order is one row of the file, though stored with its refund row
    const status = join(dir, 'status.csv')
    writeFileSync(
      status,
      'order_id,customer_id,ordered_at,amount,currency,status\nS1,A,2024-01-01,10,USD,paid\nS2,A,2024-01-05,20,EUR,paid\nS3,B,2024-01-03,5,USD,cancelled\n',
    )
    expect(runCli(['summary', status]).stderr).toContain(
      `the orders are in 2 currencies (USD on 2 rows, first ${status}:2; EUR on 1 row, first ${status}:3)`,
    )
    // one currency: B's refund is more than B bought: said, and measured in summary.json
    writeFileSync(file, readFileSync(file, 'utf8').replace('20,EUR', '20,USD'))
    const r = runCli(['analyze', file, '--out', join(dir, 'out'), '--no-insights'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Warning: 1 customer has zero or negative net revenue')
    const s = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'))
    expect(s.concentration.revenue).toMatchObject({ negativeCustomers: 1, negativeTotal: -3 })
  })
})

describe('loyals demo', () => {
  it("the built command runs as npx runs it: the file itself, by its #! line (the quick start's `npx loyals demo`)", () => {
    // npx starts the project's own bin straight from dist/; without the executable bit a fresh
    // clone said "loyals: Permission denied"
    const r = spawnSync(CLI, ['--version'], { encoding: 'utf8' })
    expect(r.error).toBeUndefined()
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    )
  })

  it('analyzes the bundled sample from any directory without touching ./loyals.duckdb', () => {
    const cwd = tempDir()
    const r = runCli(['demo'], { cwd })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('CDNOW')
    expect(r.stdout).toContain(join(cwd, 'loyals-out', 'report.html'))
    expect(existsSync(join(cwd, 'loyals-out', 'report.html'))).toBe(true)
    expect(existsSync(join(cwd, 'loyals.duckdb'))).toBe(false)
    expect(readSummary(join(cwd, 'loyals-out')).counts.customers).toBe(CUSTOMERS)
  })

  it("gives the report's link as a file URL, its path encoded (a space, a #)", () => {
    const dir = join(tempDir(), 'my demo #1')
    const r = runCli(['demo', '--out', dir])
    expect(r.code).toBe(0)
    const link = /Open the report in a browser: (\S+)$/m.exec(r.stdout)?.[1] ?? ''
    expect(link).toMatch(/^file:\/\/\/.*\/my%20demo%20%231\/report\.html$/)
    expect(fileURLToPath(link)).toBe(join(dir, 'report.html'))
  })

  it('the banner names the holdout only when --as-of leaves orders after it', () => {
    const banner = (asOf: string) =>
      runCli(['demo', '--as-of', asOf, '--out', join(tempDir(), 'd')]).stdout.split('\n')[1]
    expect(banner('1997-09-30')).toBe(
      'music store (Fader, Hardie & Lee 2005), as of 1997-09-30 (the later orders are the holdout).',
    )
    expect(banner('1999-01-01')).toBe(
      'music store (Fader, Hardie & Lee 2005), as of 1999-01-01 (no holdout: the last order is of 1998-06-30).',
    )
  })

  it('--out and --json work like analyze', () => {
    const dir = join(tempDir(), 'demo')
    const r = runCli(['demo', '--out', dir, '--json'])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as AnalysisSummary).counts.customers).toBe(CUSTOMERS)
  })
})
