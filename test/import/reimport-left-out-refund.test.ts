// A refund left out with its bad order (--skip-bad-rows) is stored when the file is imported
// again after another file stored that order, as when that file came first (README: the refund
// rows of an order whose own row is bad go with it "unless the order is stored already"). The
// same file again otherwise changes nothing: its rows that later files changed keep their version.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const now = new Date('2025-01-01')
const PART = [
  'customer_id,order_id,ordered_at,amount',
  'A,O1,2024-01-01,abc',
  'A,O1,2024-01-03,-5',
  'A,O2,2024-01-02,20',
].join('\n')
const FIX = ['customer_id,order_id,ordered_at,amount', 'A,O1,2024-01-01,10'].join('\n')

async function revenue(engine: Engine): Promise<number> {
  const [r] = await engine.query<{ s: number }>('SELECT sum(amount) AS s FROM orders')
  return Number(r?.s)
}

describe('a refund left out with its bad order', () => {
  let dir: string
  const engines: Engine[] = []
  beforeAll(() => {
    dir = tempDir('loyals-left-out-refund-')
  })
  afterAll(async () => {
    for (const e of engines) await e.close()
  })
  const fresh = async () => {
    const e = await openWorkspace(':memory:')
    engines.push(e)
    return e
  }

  test('is stored by the same file again once its order is stored, whatever the order of files', async () => {
    const part = write(dir, 'part.csv', PART)
    const fix = write(dir, 'fix.csv', FIX)
    const opts = { kind: 'orders', now, skipBadRows: true } as const
    // the fix first: the refund's order is stored, so the refund is stored with the file
    const a = await fresh()
    await importFile(a, fix, { kind: 'orders', now })
    await importFile(a, part, opts)
    expect(await revenue(a)).toBe(25)
    // the file first (the refund goes with its bad order), the fix, then the file again
    const b = await fresh()
    const first = await importFile(b, part, opts)
    expect(first.rowsStored).toBe(1)
    await importFile(b, fix, { kind: 'orders', now })
    const again = await importFile(b, part, opts)
    expect(again).toMatchObject({ inserted: 1, updated: 0, readAgain: null })
    expect(again.importedBefore).toBeUndefined()
    expect(await revenue(b)).toBe(25)
    // and once more: nothing changes
    const third = await importFile(b, part, opts)
    expect(third).toMatchObject({ inserted: 0, updated: 0 })
    expect(await revenue(b)).toBe(25)
  })
})
