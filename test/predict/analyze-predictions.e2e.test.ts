// `loyals analyze` with predictions, as a user runs it: CDNOW with a 39-week holdout, --json, the
// customers.csv columns, degenerate data and bad flags.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const PREDICTION_COLUMNS = [
  'p_alive',
  'expected_purchases',
  'expected_spend',
  'predicted_value',
  'expected_next_purchase',
  'p_next_purchase_horizon',
]

function csv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n')
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) }
}

describe('loyals analyze --as-of 1997-09-30 on CDNOW', () => {
  let out: string
  let run: ReturnType<typeof runCli>
  let summary: AnalysisSummary
  beforeAll(() => {
    out = join(tempDir(), 'out')
    run = runCli(['analyze', SAMPLE, '--as-of', '1997-09-30', '--out', out, '--json'])
    summary = JSON.parse(run.stdout) as AnalysisSummary
  })

  it('prints summary.json with the predictions block', () => {
    expect(run.code).toBe(0)
    const p = summary.predictions!
    expect(p.basis).toBe('holdout')
    expect(['bgnbd', 'mbgnbd', 'pareto']).toContain(p.model)
    const chosen = p.candidates.find((c) => c.key === p.model)!
    // literature: BG/NBD ~1,650 and Pareto/NBD ~1,670 of 1,882 actual
    const literature = p.model === 'pareto' ? 1670 : 1650
    expect(chosen.holdout!.totalActual).toBe(1882)
    expect(Math.abs(chosen.holdout!.totalPredicted / literature - 1)).toBeLessThan(0.05)
    expect(p.tracking.points).toHaveLength(78)
    expect(p.tracking.points[38]!.actual).toBe(2457)
    expect(p.tracking.points[77]!.actual).toBe(4339)
    expect(p.pAliveHistogram).toHaveLength(10)
    const onDisk = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as AnalysisSummary
    expect(onDisk.predictions?.model).toBe(p.model)
  })

  it('adds the prediction columns to customers.csv, with no NaN and P(alive) in [0, 1]', () => {
    const { header, rows } = csv(join(out, 'customers.csv'))
    expect(rows).toHaveLength(2357)
    for (const c of PREDICTION_COLUMNS) expect(header).toContain(c)
    expect(readFileSync(join(out, 'customers.csv'), 'utf8')).not.toMatch(/nan|inf/i)
    const ia = header.indexOf('p_alive')
    const ie = header.indexOf('expected_purchases')
    const iv = header.indexOf('predicted_value')
    for (const r of rows) {
      const pa = Number(r[ia])
      expect(pa >= 0 && pa <= 1).toBe(true)
      expect(Number.isFinite(Number(r[ie]))).toBe(true)
      expect(Number.isFinite(Number(r[iv]))).toBe(true)
    }
  })

  it('draws the predictions section in the report', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('id="predictions"')
    expect(html).toContain('Cumulative repeat purchases, actual vs predicted')
    expect(html).toContain('calibration')
    expect(html).toContain('Customers by probability alive')
  })
})

describe('BG/NBD chosen with one-time buyers lapsed for over a year', () => {
  it('says that it counts them alive, and not where none bought over a year ago', () => {
    const dir = tempDir()
    const grocery = join(ROOT, 'test/fixtures/grocery/groceryElog.csv')
    const r = runCli([
      'analyze',
      grocery,
      '--as-of',
      '2007-05-01',
      '--out',
      dir,
      '--no-value',
      '--no-insights',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const p = (JSON.parse(r.stdout) as AnalysisSummary).predictions!
    // QA: BG/NBD wins the holdout here, and gives 566 customers who bought once 400+ days ago
    // P(alive) = 1 beside the RFM segment Lost
    expect(p.model).toBe('bgnbd')
    expect(p.notes.map((n) => n.message)).toContainEqual(
      expect.stringMatching(
        /^BG\/NBD, the model chosen, counts every customer without a repeat purchase as alive \(P\(alive\) = 1 for all 566 of them, each of whom bought their one time more than a year ago\)/,
      ),
    )
    // CDNOW's calibration is 39 weeks: nobody's one purchase is a year old
    const c = runCli([
      'analyze',
      SAMPLE,
      '--as-of',
      '1997-09-30',
      '--out',
      join(dir, 'c'),
      '--no-value',
      '--no-insights',
      '--json',
    ])
    const q = (JSON.parse(c.stdout) as AnalysisSummary).predictions!
    expect(q.notes.map((n) => n.message).join(' ')).not.toContain(
      'without a repeat purchase as alive',
    )
  }, 60_000)
})

describe('loyals analyze predictions on unusual input', () => {
  it('everyone with one order: succeeds with a note and the baseline', () => {
    const dir = tempDir()
    const file = join(dir, 'one-order.csv')
    const lines = ['customer_id,ordered_at,amount']
    for (let i = 0; i < 50; i++) lines.push(`c${i},2024-0${1 + (i % 6)}-1${i % 10},${10 + i}`)
    writeFileSync(file, `${lines.join('\n')}\n`)
    const r = runCli(['analyze', file, '--out', join(dir, 'out'), '--json'])
    expect(r.code).toBe(0)
    const p = (JSON.parse(r.stdout) as AnalysisSummary).predictions!
    expect(p.model).toBe('baseline')
    expect(p.reason).toMatch(/bought on more than one day/)
    expect(readFileSync(join(dir, 'out/customers.csv'), 'utf8')).not.toMatch(/nan|inf/i)
  })

  it('--horizon, --discount-rate and --margin change the figures; --no-predictions drops them', () => {
    const dir = tempDir()
    const base = ['analyze', SAMPLE, '--json', '--out']
    const a = JSON.parse(runCli([...base, join(dir, 'a')]).stdout) as AnalysisSummary
    const b = JSON.parse(
      runCli([...base, join(dir, 'b'), '--horizon', '26', '--margin', '0.5']).stdout,
    ) as AnalysisSummary
    expect(a.predictions!.horizon).toBe(52)
    expect(b.predictions!.horizon).toBe(26)
    expect(b.predictions!.margin).toEqual({ value: 0.5, source: 'option' })
    expect(b.predictions!.totals.predictedValue).toBeLessThan(
      a.predictions!.totals.predictedValue! / 2,
    )
    const c = JSON.parse(
      runCli([...base, join(dir, 'c'), '--no-predictions']).stdout,
    ) as AnalysisSummary
    expect(c.predictions).toBeUndefined()
  })

  it('refuses a prediction flag beside --no-predictions (it was dropped in silence)', () => {
    const out = join(tempDir(), 'o')
    const r = runCli(['analyze', SAMPLE, '--no-predictions', '--horizon', '26', '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: --horizon sets the predictions, which --no-predictions turns off: leave it out, or the --no-predictions\n',
    )
    expect(existsSync(out)).toBe(false)
    const c = runCli([
      'customer',
      '1',
      '--db',
      join(tempDir(), 'none.duckdb'),
      '--no-predictions',
      '--margin',
      '0.3',
      '--discount-rate',
      '0.2',
    ])
    expect(c.code).toBe(2)
    expect(c.stderr).toContain(
      '--discount-rate, --margin set the predictions, which --no-predictions turns off',
    )
    // the default rate written another way (0.1, as summary.json writes it) is the default
    for (const rate of ['0.1', '.1', '0.100']) {
      const d = runCli([
        'analyze',
        SAMPLE,
        '--no-predictions',
        '--no-insights',
        '--discount-rate',
        rate,
        '--out',
        join(tempDir(), 'd'),
      ])
      expect(d.code, d.stderr).toBe(0)
    }
  })

  it('rejects a bad --horizon with a usage error', () => {
    const r = runCli(['analyze', SAMPLE, '--horizon', '-3', '--out', join(tempDir(), 'o')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--horizon must be a positive number/)
  })
})
