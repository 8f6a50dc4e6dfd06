// `loyals analyze` on a transaction log without spend (customer and date only, like BTYDplus's
// groceryElog): everything that needs money is left out and said so, instead of profits of minus
// the cost to serve and a monetary score that ties every customer.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { assignSegment } from '../../src/core/rfm-segments.ts'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

// Orders per customer: b 6 (two on one day), e 5, a 3, d 3, c 1.
const LOG = `cust,date
a,2024-01-03
b,2024-01-05
c,2024-01-09
d,2024-02-01
e,2024-02-02
a,2024-03-01
b,2024-03-02
b,2024-03-02
e,2024-03-05
d,2024-04-01
b,2024-04-11
e,2024-04-12
a,2024-05-20
b,2024-05-21
e,2024-05-22
d,2024-06-01
b,2024-06-03
e,2024-06-04
`

type Row = Record<string, string>

function readCsv(path: string): Row[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n')
  const cols = (head ?? '').split(',')
  return lines.map((l) => {
    const cells = l.split(',')
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']))
  })
}

describe('loyals analyze on a transaction log without amounts', () => {
  let out: string
  let run: ReturnType<typeof runCli>
  let summary: AnalysisSummary
  let rows: Row[]

  beforeAll(() => {
    const dir = tempDir()
    const file = join(dir, 'elog.csv')
    writeFileSync(file, LOG)
    out = join(dir, 'out')
    run = runCli(['analyze', file, '--out', out, '--as-of', '2024-06-30'])
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as AnalysisSummary
    rows = readCsv(join(out, 'customers.csv'))
  })

  it('says the orders carry no amounts and prints no money', () => {
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('5 customers, 18 orders (as of 2024-06-30).')
    expect(run.stdout).toContain('The orders carry no amounts')
    expect(run.stdout).not.toMatch(
      /revenue 0\.00|of revenue|Total value|Customer value|served at a loss/,
    )
    expect(run.stdout).not.toContain('Revenue share')
  })

  it('records it in summary.json and leaves the value step and the insights out', () => {
    expect(summary.revenue.measured).toBe(false)
    expect(summary.value).toBeUndefined()
    expect(summary.insights).toBeUndefined()
    expect(summary.quality.map((n) => n.message).join(' ')).toContain('Insights on the best')
    // ... and says how to have them all the same
    expect(summary.quality.map((n) => n.message).join(' ')).toContain(
      '`loyals insights --value orders` ranks them by their orders',
    )
    const notes = summary.quality.map((n) => n.message)
    expect(notes[0]).toMatch(/^The orders carry no amounts/)
    // none of the notes that speak of refunds, currency or margin of amounts that are not there
    expect(notes.join(' ')).not.toMatch(/refunds|currency|Margin/)
  })

  it('leaves the revenue concentration and deciles out of the report', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('The orders carry no amounts')
    expect(html).not.toContain('<section id="concentration"')
    expect(html).not.toContain('<section id="deciles"')
    expect(html).toContain('<section id="rfm"')
    // no money anywhere a reader would look for it
    const section = (id: string) => {
      const at = html.indexOf(`<section id="${id}"`)
      return at < 0 ? '' : html.slice(at, html.indexOf('</section>', at))
    }
    expect(section('rfm')).toContain('there is no spend score and FM is F')
    // the segments' descriptions speak of recency and frequency only
    expect(section('rfm')).not.toMatch(/spend the most|spent well|low spend|and spend/)
    const said = summary.rfm.segments.map((g) => g.description ?? '')
    expect(said.filter((d) => d !== '')).not.toHaveLength(0)
    for (const d of said) expect(d).not.toMatch(/spen[dt]/)
    expect(section('rfm')).not.toMatch(/Revenue/)
    expect(section('top-customers')).toContain('the most orders')
    expect(section('top-customers')).not.toMatch(/<th[^>]*>Revenue/)
    expect(section('predictions')).toContain('no spend or value is predicted')
    expect(section('predictions')).not.toMatch(/Predicted value|Highest predicted value|Only 0/)
  })

  it('scores recency and frequency only: no M, FM = F, a two-digit RFM', () => {
    expect(rows).toHaveLength(5)
    for (const r of rows) {
      expect(r.m_score).toBe('')
      expect(r.fm_score).toBe(r.f_score)
      expect(r.rfm).toBe(`${r.r_score}${r.f_score}`)
      expect(r.rfm_segment).toBe(assignSegment(Number(r.r_score), Number(r.f_score), null))
    }
    expect(summary.topCustomers.every((c) => c.m === null)).toBe(true)
  })

  it('predicts purchases but leaves spend and value empty: unknown, not 0', () => {
    for (const r of rows) {
      expect(Number(r.expected_purchases)).toBeGreaterThan(0)
      expect([r.expected_spend, r.predicted_value]).toEqual(['', ''])
    }
    expect(summary.predictions?.notes.map((n) => n.message)).toContain(
      'The orders carry no amounts: expected spend and predicted value are left empty (unknown).',
    )
    // summary.json says the same: no spend model, no value total, not zeros
    const p = summary.predictions!
    expect(p.spend).toMatchObject({ model: 'none', populationMean: null })
    expect(p.totals.predictedValue).toBeNull()
    // its top customers are those expected to buy most, not the first ids
    const expected = p.topCustomers.map((c) => c.expectedPurchases)
    expect(expected).toEqual([...expected].sort((x, y) => y - x))
    expect(p.topCustomers[0]!.customerId).toBe(
      rows.reduce((a, b) => (Number(b.expected_purchases) > Number(a.expected_purchases) ? b : a))
        .customer_id,
    )
    expect(p.topCustomers.every((c) => c.predictedValue === null)).toBe(true)
  })

  it('counts later orders without a money figure for them', () => {
    const dir = tempDir()
    const file = join(dir, 'elog.csv')
    writeFileSync(file, LOG)
    const early = runCli(['analyze', file, '--out', join(dir, 'o'), '--as-of', '2024-04-30'])
    expect(early.code, early.stderr).toBe(0)
    const html = readFileSync(join(dir, 'o', 'report.html'), 'utf8')
    expect(html).toContain('6 later orders are left out of these figures.')
    expect(html).not.toContain('of sales')
  })

  it('ranks the customers by orders, ties by customer id', () => {
    expect(rows.map((r) => [r.customer_id, r.orders, r.revenue_rank])).toEqual([
      ['b', '6', '1'],
      ['e', '5', '2'],
      ['a', '3', '3'],
      ['d', '3', '4'],
      ['c', '1', '5'],
    ])
    expect(summary.topCustomers.map((c) => c.customerId)).toEqual(['b', 'e', 'a', 'd', 'c'])
  })
})

describe('loyals customer on a workspace of orders without amounts', () => {
  it('shows purchases, RFM, predictions and orders, and says there is no value in money', () => {
    const dir = tempDir()
    const file = join(dir, 'elog.csv')
    writeFileSync(file, LOG)
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', file, '--db', db]).code).toBe(0)
    const r = runCli(['customer', 'b', '--db', db, '--as-of', '2024-06-30'])
    // only the as-of's gap after the last order (2024-06-04) is warned of
    expect(r.stderr).toMatch(/^warning: The as-of date 2024-06-30 is 26 days after[^\n]*\n$/)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('The orders carry no amounts: no value in money')
    expect(r.stdout).toContain('Purchases: 6 orders on 5 days; first 2024-01-05, last 2024-06-03')
    expect(r.stdout).toMatch(/RFM \d\d\.\n/)
    expect(r.stdout).toMatch(/expected purchases/)
    expect(r.stdout).not.toMatch(/\$|Total value|payment fees/)
    const j = runCli(['customer', 'b', '--db', db, '--as-of', '2024-06-30', '--json'])
    const p = JSON.parse(j.stdout) as { value: unknown; tier: unknown; rfm: { m: unknown } }
    expect(p.value).toBeNull()
    expect(p.tier).toBeNull()
    expect(p.rfm.m).toBeNull()
  })
})

describe('loyals insights on orders without amounts', () => {
  it('refuses with a clear message: there is no value to find the best customers by', () => {
    const dir = tempDir()
    const file = join(dir, 'elog.csv')
    writeFileSync(file, LOG)
    const r = runCli(['insights', file, '--out', join(dir, 'ins'), '--as-of', '2024-06-30'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('the orders carry no amounts, or refunds cancel every purchase')
    // ... and how to rank them all the same: by how often they buy
    expect(r.stderr).toContain('or rank the customers by how often they buy with --value orders')
    expect(existsSync(join(dir, 'ins', 'insights.json'))).toBe(false)
  })

  it('with --value orders, lapsed best are the most frequent gone quiet, with purchases at stake', () => {
    // f bought every week of the first quarter and then stopped; g bought every month all year;
    // h..k twice each
    const weekly = Array.from({ length: 13 }, (_, i) => {
      const d = new Date(Date.UTC(2024, 0, 1 + 7 * i))
      return `f,${d.toISOString().slice(0, 10)}`
    })
    const monthly = Array.from(
      { length: 12 },
      (_, i) => `g,2024-${String(i + 1).padStart(2, '0')}-15`,
    )
    const pairs = ['h', 'i', 'j', 'k'].flatMap((c) => [`${c},2024-02-10`, `${c},2024-11-20`])
    const dir = tempDir()
    const file = join(dir, 'elog.csv')
    writeFileSync(file, ['cust,date', ...weekly, ...monthly, ...pairs].join('\n'))
    const out = join(dir, 'ins')
    const r = runCli([
      'insights',
      file,
      '--out',
      out,
      '--as-of',
      '2024-12-31',
      '--value',
      'orders',
      '--min-history-days',
      '0',
      '--top-share',
      '0.2',
    ])
    expect(r.code).toBe(0)
    // 13 purchase days over a tenure of 365 days: 13 × 365.25 / 365 a year
    expect(r.stdout).toContain('Lapsed best: 1 customer, 13 purchases a year at stake.')
    const lapsed = readCsv(join(out, 'lapsed_best.csv'))
    expect(lapsed.map((l) => l.customer_id)).toEqual(['f'])
    expect(Number(lapsed[0]?.purchases_a_year)).toBeCloseTo((13 * 365.25) / 365, 9)
    const json = JSON.parse(readFileSync(join(out, 'insights.json'), 'utf8'))
    expect(json.lapsedBest).toMatchObject({ priced: false, customers: 1, valueAtStake: 0 })
    // a bare log's first orders hold no item: the profile says so, not "too few share one"
    expect(json.pathToBest).toMatchObject({ items: 0, tested: 0 })
    expect(json.icp).toContain(
      'What they buy: the first orders hold nothing to compare (no product, category, channel, campaign or discount, and one first-order value for all): import order lines, or orders with a channel or campaign, to see which first purchases lead to the top.',
    )
    const html = readFileSync(join(out, 'insights.html'), 'utf8')
    expect(html).toContain('13 purchases a year at stake')
    // the rule as the list applies it: silence past the usual gaps counts from 60 days on
    expect(html).toContain('(silent longer than 3× their usual gap and 60 days')
    expect(html).toContain('Purchases / year')
  })
})

describe('RFM segment rules without a monetary score', () => {
  it('takes FM = F and never applies a rule that needs M', () => {
    const rules = {
      rules: [
        { name: 'Big spenders', m: [4, 5] as [number, number] },
        { name: 'Frequent', fm: [4, 5] as [number, number] },
      ],
      fallback: 'Other',
    }
    expect(assignSegment(3, 5, null, rules)).toBe('Frequent')
    expect(assignSegment(3, 2, null, rules)).toBe('Other')
    // with an M, the first rule applies as before
    expect(assignSegment(3, 2, 5, rules)).toBe('Big spenders')
  })
})
