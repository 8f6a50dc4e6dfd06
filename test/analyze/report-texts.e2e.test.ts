// The report's texts for small and amount-less files, read from report.html as the CLI writes it
// (some of the notes come from the analysis, not the report): what they tell the reader to do must
// name a command that does it, and read as text, not as markup.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

/** report.html of `loyals analyze` on a CSV made of `lines`. */
function report(lines: string[]): string {
  const dir = tempDir('loyals-report-texts-')
  writeFileSync(join(dir, 'orders.csv'), `${lines.join('\n')}\n`)
  const r = runCli(['analyze', join(dir, 'orders.csv'), '--out', join(dir, 'out')])
  expect(r.code, r.stderr).toBe(0)
  return readFileSync(join(dir, 'out', 'report.html'), 'utf8')
}

const ORDERS = [
  'alice,2024-01-05,120.50',
  'alice,2024-03-10,80.00',
  'alice,2024-06-22,200.00',
  'bob,2024-02-14,45.99',
  'bob,2024-05-01,15.00',
  'carol,2024-04-30,999.99',
]

describe('report texts of a tiny file and of one without amounts', () => {
  let tiny: string
  let noAmounts: string
  beforeAll(() => {
    tiny = report(['customer_id,order_date,amount', ...ORDERS])
    noAmounts = report(['customer,date', ...ORDERS.map((l) => l.split(',').slice(0, 2).join(','))])
  }, 120_000)

  it('names the command that has --min-history-days (analyze has no such flag)', () => {
    // QA: the ICP said "lower --min-history-days to rank a top cohort" under loyals analyze
    expect(tiny).toContain('<code>loyals insights --min-history-days</code>')
    expect(tiny).not.toContain('lower --min-history-days')
  })

  it('sets commands as code, not between literal backquotes, and does not call a missing column 0', () => {
    // QA: "(`loyals insights --value orders` ranks…)" and "every amount is 0" with no amount column
    const body = noAmounts.slice(noAmounts.indexOf('<body>'))
    expect(body).not.toContain('`')
    expect(body).toContain('<code>loyals insights --value orders</code>')
    expect(body).not.toContain('every amount is 0')
    expect(body).toContain('no amount column, or every amount 0')
  })

  it("gives the prediction charts' figures as tables (each chart is one image to a screen reader)", () => {
    const dir = tempDir('loyals-report-data-')
    const cdnow = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    const out = join(dir, 'out')
    const args = ['--as-of', '1997-09-30', '--no-value', '--no-insights', '--out', out]
    expect(runCli(['analyze', cdnow, ...args]).code).toBe(0)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    for (const what of ['cumulative repeat purchases by week', 'holdout purchases per customer']) {
      expect(html).toContain(`<summary>The chart as a table: ${what}</summary>`)
    }
    const i = html.indexOf('<summary>The chart as a table: customers by P(alive)</summary>')
    expect(i).toBeGreaterThan(-1)
    const table = html.slice(i, html.indexOf('</details>', i))
    const bins = [
      ...table.matchAll(/<td>(\d+) % to (?:under )?(\d+) %<\/td><td class="num">([\d,]+)</g),
    ]
    expect(bins.map((m) => Number(m[1]))).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
    // every one of the 2,357 customers in one bin
    expect(bins.reduce((n, m) => n + Number(m[3]?.replace(',', '')), 0)).toBe(2357)
  }, 120_000)

  it('shows a few expected purchases to two decimals, as the customers rows do', () => {
    // QA: one customer's 6.50 read "7" on the card
    const card = /Expected purchases<\/div><div class="value">([^<]*)</.exec(tiny)?.[1]
    expect(card).toMatch(/^\d+\.\d\d$/)
  })
})
