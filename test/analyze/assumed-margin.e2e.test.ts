// Without a cost or margin column the value step prices revenue at the default margin rate: the
// quality note said "value is measured by revenue only" while the value section showed a gross
// margin of exactly 30 % of revenue (report audit).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const notes = (stdout: string) =>
  (JSON.parse(stdout) as { quality: { message: string }[] }).quality.map((q) => q.message)

describe('the margin the value step assumes', () => {
  it('is said in the quality notes, and only when the value step runs', () => {
    const dir = tempDir()
    const withValue = runCli([
      'analyze',
      SAMPLE,
      '--out',
      join(dir, 'a'),
      '--no-insights',
      '--json',
    ])
    expect(withValue.code).toBe(0)
    expect(notes(withValue.stdout)).toContainEqual(
      expect.stringMatching(/assumes a gross margin of 30\.0% of revenue for every customer/),
    )
    // and the report says it beside the value cards, not only under "About the data" (QA)
    const html = readFileSync(join(dir, 'a', 'report.html'), 'utf8')
    const value = html.slice(html.indexOf('id="customer-value"'))
    expect(value.slice(0, value.indexOf('<h3>'))).toContain(
      'No cost or margin was imported: gross margin, profit and tiers assume a margin of 30.0% of revenue',
    )
    const plain = runCli([
      'analyze',
      SAMPLE,
      '--out',
      join(dir, 'b'),
      '--no-insights',
      '--no-value',
      '--json',
    ])
    expect(notes(plain.stdout)).toContain(
      'Margin is unknown (no cost or margin column): value is measured by revenue only.',
    )
    // QA: the terminal showed "past profit" and "predicted profit" with no word of the margin
    // they assume
    const terminal = runCli(['analyze', SAMPLE, '--out', join(dir, 'c'), '--no-insights'])
    expect(terminal.code).toBe(0)
    expect(terminal.stdout).toMatch(
      /Warning: Margin is unknown \(no cost or margin column\): .*assumes a gross margin of 30\.0% of revenue/,
    )
  })
})

describe('the margin rate of a partly known margin', () => {
  it('is the margin over the revenue it is known on, not over all revenue', () => {
    const dir = tempDir()
    // ten customers spending 10, 20, ... 100; a cost only for the first two (5 and 10)
    const rows = Array.from({ length: 10 }, (_, i) =>
      i < 2
        ? `C${i},2024-01-0${i + 1},${10 * (i + 1)},${5 * (i + 1)}`
        : `C${i},2024-01-0${(i % 9) + 1},${10 * (i + 1)},`,
    )
    const file = join(dir, 'mar.csv')
    writeFileSync(file, `customer_id,ordered_at,amount,cost\n${rows.join('\n')}\n`)
    const out = join(dir, 'out')
    const r = runCli(['analyze', file, '--out', out, '--no-predictions', '--no-insights', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.revenue.total).toBe(550)
    expect(s.revenue.margin).toBe(15)
    expect(s.revenue.marginRevenue).toBe(30)
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      '50.0% of the 30.00 revenue with a known cost',
    )
  })
})

describe('the margin of a file read into the scratch store without a copy', () => {
  // order ids seen once, no refunds: `analyze FILE` makes its orders a view over the rows read
  it.each([
    ['cost', (amount: number) => amount * 0.4, 0.6],
    ['margin', (amount: number) => amount * 0.25, 0.25],
  ])('keeps a %s column', (column, value, rate) => {
    const dir = tempDir()
    const rows = Array.from({ length: 6 }, (_, i) => {
      const amount = 10 * (i + 1)
      return `o${i},C${i % 3},2024-01-0${i + 1},${amount},${value(amount)}`
    })
    const file = join(dir, `${column}.csv`)
    writeFileSync(file, `order_id,customer_id,ordered_at,amount,${column}\n${rows.join('\n')}\n`)
    const out = join(dir, 'out')
    const r = runCli(['analyze', file, '--out', out, '--no-predictions', '--no-insights', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as AnalysisSummary
    expect(s.revenue.total).toBe(210)
    expect(s.revenue.margin).toBeCloseTo(210 * rate, 9)
    // C0 bought 10 and 40
    const csv = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n')
    const header = csv[0]?.split(',') ?? []
    const c0 = csv.find((l) => l.startsWith('C0,'))?.split(',') ?? []
    expect(Number(c0[header.indexOf('margin')])).toBeCloseTo(50 * rate, 9)
  })
})

describe('the margin on the predicted value card', () => {
  it('keeps its tenth of a percent (53.5%, not 54%), and a whole percent without one', () => {
    const dir = tempDir()
    const card = (margin: string) => {
      const out = join(dir, margin)
      const r = runCli([
        'analyze',
        SAMPLE,
        '--out',
        out,
        '--margin',
        margin,
        '--no-insights',
        '--no-value',
      ])
      expect(r.code, r.stderr).toBe(0)
      return readFileSync(join(out, 'report.html'), 'utf8')
    }
    expect(card('0.535')).toContain('discounted at 10% a year, margin 53.5%')
    expect(card('0.3')).toContain('discounted at 10% a year, margin 30%')
  })
})
