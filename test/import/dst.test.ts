// Local times at a daylight-saving change, as the README says they are read: a time the clocks
// skipped with the offset before the change, a time that happened twice as the later one; a time
// with an offset is that instant, and an order's day is its local day in --tz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const FILE = `order_id,customer_id,ordered_at,amount
skipped,c1,2024-03-31 02:30:00,10
twice,c1,2024-10-27 02:30:00,10
before-midnight-utc,c1,2024-10-27 01:30:00,10
offset,c1,2024-06-01T10:00:00+02:00,10
zulu,c1,2024-06-01T23:30:00Z,10
`

describe('local times at a daylight-saving change (--tz Europe/Berlin)', () => {
  let engine: Engine
  beforeAll(async () => {
    const dir = tempDir('loyals-dst-')
    engine = await openWorkspace(':memory:')
    await importFile(engine, write(dir, 'orders.csv', FILE), {
      kind: 'orders',
      tz: 'Europe/Berlin',
      now: new Date('2025-01-01T00:00:00Z'),
    })
  })
  afterAll(async () => {
    await engine.close()
  })

  it('stores the instants and local days the README names', async () => {
    const rows = await engine.query<{ order_id: string; t: string; d: string }>(
      `SELECT order_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS t,
        strftime(order_date, '%Y-%m-%d') AS d FROM orders ORDER BY order_id`,
    )
    const byId = Object.fromEntries(rows.map((r) => [r.order_id, [r.t, r.d]]))
    expect(byId).toEqual({
      // 02:30 does not exist on 31 March: read with the winter offset (+01:00)
      skipped: ['2024-03-31 01:30', '2024-03-31'],
      // 02:30 happened twice on 27 October: the later one, after the clocks went back (+01:00)
      twice: ['2024-10-27 01:30', '2024-10-27'],
      // summer time (+02:00): the UTC instant is the day before, the order's day is local
      'before-midnight-utc': ['2024-10-26 23:30', '2024-10-27'],
      offset: ['2024-06-01 08:00', '2024-06-01'],
      // 23:30 UTC is 01:30 on 2 June in Berlin
      zulu: ['2024-06-01 23:30', '2024-06-02'],
    })
  })
})
