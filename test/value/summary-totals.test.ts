// The tier and loyalty-type totals of summary.json add up the total values as customers.csv shows
// them (to the minor unit), as the breakdown does: summed unrounded they were cents off the CSV.
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

test('tier and loyalty-type totals are the sums of the shown total values', async () => {
  const dir = tempDir('loyals-value-totals-')
  const engine = await openWorkspace(join(dir, 'w.duckdb'))
  open.push(engine)
  // 30 customers with one order of 10.01 each: margin 3.003 at the default rate, shown 3.00
  const orders = Array.from({ length: 30 }, (_, i) => `${i},C${i},2024-01-${(i % 28) + 1},10.01`)
  await importFile(
    engine,
    write(dir, 'orders.csv', `order_id,customer_id,ordered_at,amount\n${orders.join('\n')}\n`),
    { kind: 'orders', now: new Date('2025-01-01T00:00:00Z') },
  )
  const config = parseValueConfig({
    currency: { decimals: 2 },
    costs: { perTicketMinute: 0, perReturn: 0, paymentFeeRate: 0, paymentFeeFixed: 0 },
  })
  const s = await computeAnalysis(engine, {
    source: 'test',
    asOf: '2024-06-30',
    predictions: false,
    value: { config },
  })
  const v = s.value
  const rows = await engine.query<{ tier: string; loyalty_type: string; total_value: number }>(
    'SELECT tier, loyalty_type, total_value FROM customer_analysis',
  )
  const cents = (x: number): number => Math.round(x * 100)
  const sumOf = (key: 'tier' | 'loyalty_type', name: string): number =>
    rows.filter((r) => r[key] === name).reduce((a, r) => a + cents(r.total_value), 0)
  expect(rows.every((r) => r.total_value === 3)).toBe(true)
  expect(v?.breakdown.totalValue).toBe(90)
  for (const t of v?.tiers.levels ?? []) expect(t.totalValue * 100).toBe(sumOf('tier', t.name))
  for (const t of v?.loyalty.types ?? []) {
    expect(t.totalValue * 100).toBe(sumOf('loyalty_type', t.type))
  }
  const tiers = (v?.tiers.levels ?? []).reduce((a, t) => a + t.totalValue, 0)
  expect(cents(tiers)).toBe(9000)
})

test('the breakdown revenue is the summary revenue total, without the float noise of its sum', async () => {
  const dir = tempDir('loyals-value-revenue-')
  const engine = await openWorkspace(join(dir, 'w.duckdb'))
  open.push(engine)
  // 0.1 + 0.2 + ... summed as doubles ends in noise (the CDNOW sample gave 244091.9399999978)
  const orders = Array.from(
    { length: 300 },
    (_, i) => `${i},C${i},2024-01-${(i % 28) + 1},${(0.1 + (i % 7) * 0.1).toFixed(2)}`,
  )
  await importFile(
    engine,
    write(dir, 'orders.csv', `order_id,customer_id,ordered_at,amount\n${orders.join('\n')}\n`),
    { kind: 'orders', now: new Date('2025-01-01T00:00:00Z') },
  )
  const s = await computeAnalysis(engine, {
    source: 'test',
    asOf: '2024-06-30',
    predictions: false,
    value: { config: parseValueConfig({}) },
  })
  let naive = 0
  for (let i = 0; i < 300; i++) naive += 0.1 + (i % 7) * 0.1
  expect(naive).not.toBe(s.revenue.total)
  expect(s.revenue.total).toBe(119.7)
  expect(s.value?.breakdown.revenue).toBe(s.revenue.total)
})
