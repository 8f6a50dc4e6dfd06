// `loyals customer` takes analyze's prediction flags (--horizon, --discount-rate, --margin): after
// `analyze --horizon 104` a profile read with the same flags gives the figures customers.csv holds
// (without them it showed 52 weeks and another total value, with no way to ask for 104).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

describe('customer with the prediction flags', () => {
  it('matches analyze run with the same flags', () => {
    const dir = tempDir('loyals-customer-flags-')
    const db = join(dir, 'w.duckdb')
    const orders = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    const flags = ['--horizon', '104', '--discount-rate', '0.2', '--margin', '0.4']
    const out = join(dir, 'o')
    const a = runCli(['analyze', '--db', db, '--out', out, '--no-insights', ...flags])
    expect(a.code, a.stderr).toBe(0)
    const [head, ...rows] = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n')
    const cols = (head ?? '').split(',')
    const row = (rows[0] ?? '').split(',')
    const at = (c: string) => row[cols.indexOf(c)]
    const id = at('customer_id') as string
    const p = runCli(['customer', id, '--db', db, '--json', ...flags])
    expect(p.code, p.stderr).toBe(0)
    const profile = JSON.parse(p.stdout) as {
      predictions: { horizon: number; predictedValue: number }
      value: { totalValue: number }
    }
    expect(profile.predictions.horizon).toBe(104)
    expect(profile.predictions.predictedValue).toBeCloseTo(Number(at('predicted_value')), 2)
    expect(profile.value.totalValue).toBeCloseTo(Number(at('total_value')), 2)
    // on the terminal the next purchase date is said as what it is: the date if they buy again
    const buyer = rows
      .map((r) => r.split(','))
      .find((r) => r[cols.indexOf('expected_next_purchase')] !== '')
    expect(buyer).toBeDefined()
    const text = runCli(['customer', buyer![cols.indexOf('customer_id')]!, '--db', db, ...flags])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(
      `; if they buy again, the next purchase around ${buyer![cols.indexOf('expected_next_purchase')]}.`,
    )
    // a bad flag is refused as analyze refuses it
    const bad = runCli(['customer', id, '--db', db, '--horizon', '0'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--horizon must be a positive number/)
  })
})
