// A customer whose predicted profit rounds to nothing from below (a negative margin and no
// purchase expected) was written "-0.0" in customers.csv while summary.json said 0.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

test('customers.csv has no negative zero', () => {
  const dir = tempDir('loyals-negative-zero-')
  const gen = runCli(['generate', '--out', join(dir, 'co'), '--customers', '3'])
  expect(gen.code, gen.stderr).toBe(0)
  const db = join(dir, 'w.duckdb')
  const imp = runCli(['import', join(dir, 'co', 'orders.csv'), '--db', db])
  expect(imp.code, imp.stderr).toBe(0)
  const out = join(dir, 'out')
  const r = runCli(['analyze', '--db', db, '--out', out])
  expect(r.code, r.stderr).toBe(0)
  const csv = readFileSync(join(out, 'customers.csv'), 'utf8')
  const header = csv.split('\n')[0]!.split(',')
  // the case this guards: a customer with a loss on their margin and nothing predicted
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
  const margin = header.indexOf('gross_margin')
  expect(rows.some((row) => Number(row[margin]) < 0)).toBe(true)
  expect(csv).not.toMatch(/(^|,)-0(\.0+)?(,|$)/m)
})
