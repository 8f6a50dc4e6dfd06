// An old file imported again into a workspace after an erasure (the server stopped): its rows of
// the erased customer are refused, naming their lines, and nothing of the file is imported. They
// would bring the customer back under their id (an order id's row moved back from the pseudonym)
// or count them twice (a row keyed by its content, which the erasure re-keyed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseOpsConfig } from '../../src/core/ops/config.ts'
import { parseValueConfig } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { eraseCustomerData } from '../../src/service/ops/erase.ts'
import { OpsStore } from '../../src/service/ops/store.ts'
import { fingerprint, freshWorkspace, importError, write } from './helpers.ts'

const NOW = new Date('2025-03-01T12:00:00Z')
const ORDERS = `order_id,customer_id,ordered_at,amount
o-1,kim,2024-01-10T10:00:00Z,30
,kim,2024-06-01T08:00:00Z,12.5
o-2,lee,2024-02-10T10:00:00Z,20
`
const ENGAGEMENT = `customer_id,occurred_at,event
kim,2024-04-01T00:00:00Z,email_open
lee,2024-04-02T00:00:00Z,email_open
`

describe('importing an erased customer again', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    ;({ engine, dir } = await freshWorkspace())
    await importFile(engine, write(dir, 'orders.csv', ORDERS), { kind: 'orders', now: NOW })
    await importFile(engine, write(dir, 'engagement.csv', ENGAGEMENT), {
      kind: 'engagement',
      now: NOW,
    })
    const store = new OpsStore(engine, {
      ops: parseOpsConfig({}),
      value: parseValueConfig({}),
      now: () => NOW.getTime(),
    })
    await eraseCustomerData(store, 'kim')
  })
  afterAll(() => engine?.close())

  it('refuses the rows of the erased customer, by key or by the key the erasure gave', async () => {
    const before = await fingerprint(engine)
    for (const [name, kind, lines] of [
      ['orders.csv', 'orders', [2, 3]],
      ['engagement.csv', 'engagement', [2]],
    ] as const) {
      const e = await importError(() => importFile(engine, `${dir}/${name}`, { kind, now: NOW }))
      expect(e.message).toMatch(/of an erased customer; nothing was imported/)
      expect(e.problems.map((p) => p.line)).toEqual(lines)
    }
    expect(await fingerprint(engine)).toEqual(before)
    expect(
      await engine.query("SELECT count(*) AS n FROM engagement_events WHERE customer_id = 'kim'"),
    ).toEqual([{ n: 0 }])
    // without the erased customer's rows the file imports as before
    const rest = write(
      dir,
      'rest.csv',
      `${ORDERS.split('\n')[0]}\no-2,lee,2024-02-10T10:00:00Z,20\n`,
    )
    expect((await importFile(engine, rest, { kind: 'orders', now: NOW })).rejected).toBe(0)
  })
})
