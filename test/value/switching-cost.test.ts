// The switching-cost loyalty rule (limited loyal, held by a contract, subscription or stored
// balance) takes its input from the customers file's yes/no column; a workspace made before that
// column gets it, empty, when opened.
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterEach, describe, expect, test } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem } from '../../src/errors.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { importError, write } from '../import/helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
// two repeat buyers alike in everything but the contract
const ORDERS =
  'customer_id,ordered_at,amount\na,2024-01-01,10\na,2024-02-01,10\na,2024-03-01,10\n' +
  'b,2024-01-01,10\nb,2024-02-01,10\nb,2024-03-01,10\n'

const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

async function rules(engine: Engine): Promise<Record<string, string>> {
  await computeAnalysis(engine, {
    source: 'test',
    predictions: false,
    value: { config: parseValueConfig({}) },
  })
  const rows = await engine.query<{ customer_id: string; loyalty_rule: string }>(
    'SELECT customer_id, loyalty_rule FROM customer_analysis ORDER BY 1',
  )
  return Object.fromEntries(rows.map((r) => [r.customer_id, r.loyalty_rule]))
}

describe('switching cost', () => {
  test("the customers file's Subscription yes/no makes a repeat buyer a limited loyal", async () => {
    const dir = tempDir('loyals-switch-')
    const engine = await openWorkspace(join(dir, 'w.duckdb'))
    open.push(engine)
    await importFile(engine, write(dir, 'o.csv', ORDERS), { kind: 'orders', now: NOW })
    expect(await rules(engine)).toEqual({ a: 'repeat_transactional', b: 'repeat_transactional' })
    const customers = write(dir, 'c.csv', 'customer_id,country,Subscription\na,DE,Yes\nb,DE,no\n')
    await importFile(engine, customers, { kind: 'customers', now: NOW })
    expect(await rules(engine)).toEqual({ a: 'switching_cost', b: 'repeat_transactional' })
    // a file without the column keeps what the earlier one said
    await importFile(engine, write(dir, 'c2.csv', 'customer_id,country\na,FR\n'), {
      kind: 'customers',
      now: NOW,
    })
    expect(await rules(engine)).toEqual({ a: 'switching_cost', b: 'repeat_transactional' })
    const bad = write(dir, 'c3.csv', 'customer_id,switching_cost\nb,maybe\n')
    const e = await importError(() => importFile(engine, bad, { kind: 'customers', now: NOW }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${bad}:2 switching_cost: cannot read 'maybe' as yes or no`,
    ])
  })

  test('a workspace made before the column gets it when opened', async () => {
    const dir = tempDir('loyals-switch-old-')
    const db = join(dir, 'old.duckdb')
    const first = await openWorkspace(db)
    await first.close()
    // as an earlier version left it: customers without switching_cost
    const raw = await DuckDBInstance.create(db)
    const conn = await raw.connect()
    await conn.run('ALTER TABLE customers DROP COLUMN switching_cost')
    conn.closeSync()
    raw.closeSync()
    const engine = await openWorkspace(db)
    open.push(engine)
    await importFile(engine, write(dir, 'o.csv', ORDERS), { kind: 'orders', now: NOW })
    await importFile(engine, write(dir, 'c.csv', 'customer_id,contract\na,x\n'), {
      kind: 'customers',
      now: NOW,
    })
    expect(await rules(engine)).toEqual({ a: 'switching_cost', b: 'repeat_transactional' })
  })
})
