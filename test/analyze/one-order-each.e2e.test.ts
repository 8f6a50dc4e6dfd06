// Everyone bought once: nobody is predicted to buy again, and the report says so instead of a
// table of twenty customers at 0.00 in id order; the profile has no "0.0 % of them bought again,
// against 0.0 % of the others", but says there is nothing to compare yet.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

describe('a shop where every customer bought once', () => {
  it('says nobody is predicted to buy again, and draws no profile from nothing', () => {
    const dir = tempDir('loyals-one-order-')
    const rows = ['customer_id,ordered_at,amount']
    for (let i = 0; i < 300; i++) {
      const day = new Date(Date.UTC(2022, 0, 1) + i * 2 * 86_400_000).toISOString().slice(0, 10)
      rows.push(`c${i},${day},${20 + (i % 7) * 5}`)
    }
    const orders = write(dir, 'orders.csv', rows.join('\n'))
    const out = join(dir, 'out')
    const r = runCli(['analyze', orders, '--out', out, '--no-value'])
    expect(r.code, r.stderr).toBe(0)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.predictions).toBeTruthy()
    expect(html).toContain(
      'Highest predicted value</h3><p>Nobody is predicted any value over the horizon: the model expects no customer to buy again.</p>',
    )
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    const ins = runCli([
      'insights',
      db,
      '--no-predictions',
      '--out',
      join(dir, 'ins'),
      '--min-history-days',
      '30',
    ])
    expect(ins.code, ins.stderr).toBe(0)
    // no share compared; the profile says there is nothing to compare yet
    expect(ins.stdout).not.toMatch(/of them bought again|% of the others/)
    expect(ins.stdout).toContain(
      'What keeps them: nothing to compare yet: no customer, top or other, bought again within 90 days of their first order.',
    )
  })
})
