// A refund is known by its order, day and amount (README): a later export that writes the same
// refund another way (a time of day where the first had only the date, another hour, a date-only
// file read in another --tz) updates the stored refund instead of adding it again. Two refunds of
// one order on one day stay two.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const HEAD = 'customer_id,order_id,ordered_at,amount'

describe('refunds imported again in another form', () => {
  let engine: Engine
  let dir: string
  beforeEach(async () => {
    dir = tempDir('loyals-refund-rekey-')
    engine = await openWorkspace(':memory:')
  })
  afterEach(async () => {
    await engine.close()
  })

  const load = (name: string, rows: string[], tz = 'UTC') =>
    importFile(engine, write(dir, name, [HEAD, ...rows].join('\n')), {
      kind: 'orders',
      now: NOW,
      tz,
    })
  const net = async () =>
    Number((await engine.query<{ n: number }>('SELECT sum(amount) AS n FROM orders'))[0]?.n)
  const refunds = async () =>
    Number(
      (await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders WHERE amount < 0'))[0]
        ?.n,
    )

  test('a date, then a time on that date: the refund is updated, not added', async () => {
    await load('f1.csv', ['A,1,2024-01-01,100', 'A,1,2024-01-03,-30'])
    const r = await load('f2.csv', ['A,1,2024-01-01 09:00,100', 'A,1,2024-01-03 10:00,-30'])
    expect(r).toMatchObject({ inserted: 0, updated: 2 })
    expect(await net()).toBe(70)
    expect(await refunds()).toBe(1)
    // another hour of the same day, then the first file again: still one refund
    await load('f3.csv', ['A,1,2024-01-01 09:00,100', 'A,1,2024-01-03 11:00,-30'])
    await load('f1.csv', ['A,1,2024-01-01,100', 'A,1,2024-01-03,-30'])
    expect(await net()).toBe(70)
    expect(await refunds()).toBe(1)
  })

  test('a date-only file read again in another time zone refunds once', async () => {
    await load('tz.csv', ['B,7,2024-02-01,150', 'B,7,2024-02-02,-30'], 'UTC')
    await load('tz.csv', ['B,7,2024-02-01,150', 'B,7,2024-02-02,-30'], 'America/New_York')
    expect(await net()).toBe(120)
    expect(await refunds()).toBe(1)
  })

  test('two refunds of one order on one day stay two; a third one, later, is added', async () => {
    await load('two.csv', [
      'C,9,2024-03-01,100',
      'C,9,2024-03-05 10:00,-10',
      'C,9,2024-03-05 15:00,-10',
    ])
    expect(await refunds()).toBe(2)
    // the same two refunds written as dates only
    await load('two-dates.csv', ['C,9,2024-03-01,100', 'C,9,2024-03-05,-10', 'C,9,2024-03-05,-10'])
    expect(await refunds()).toBe(2)
    expect(await net()).toBe(80)
    // another refund of the order on another day, or of another amount, is another refund
    await load('more.csv', ['C,9,2024-03-06,-10', 'C,9,2024-03-05 16:00,-5'])
    expect(await refunds()).toBe(4)
    expect(await net()).toBe(65)
  })
})

describe('refunds that cannot be what they say', () => {
  test('refunded by more than paid, or before the order: stored, and the import says which', async () => {
    const dir = tempDir('loyals-refund-suspect-')
    const engine = await openWorkspace(':memory:')
    try {
      const rows = [
        HEAD,
        'A,1,2024-01-05,10',
        'A,1,2024-01-06,-15',
        'B,2,2024-02-05,50',
        'B,2,2024-02-01,-20',
        'C,3,2024-02-05,50',
        'C,3,2024-02-07,-20',
      ]
      const r = await importFile(engine, write(dir, 'sus.csv', rows.join('\n')), {
        kind: 'orders',
        now: NOW,
      })
      expect(r.suspectRefunds).toEqual({
        over: { orders: 1, examples: '1 (line 3): 15.00 refunded of 10.00 paid' },
        early: { orders: 1, examples: '2 (line 5): refunded 4 days before it was placed' },
      })
      expect(r.inserted).toBe(6)
      // a later refund that takes order 3 past what it was paid is found with the stored one
      const more = await importFile(
        engine,
        write(dir, 'more.csv', [HEAD, 'C,3,2024-02-09,-40'].join('\n')),
        {
          kind: 'orders',
          now: NOW,
        },
      )
      expect(more.suspectRefunds?.over).toEqual({
        orders: 1,
        examples: '3 (line 2): 60.00 refunded of 50.00 paid',
      })
      // a later export of the order at a lower amount leaves the stored refunds above it
      const lower = await importFile(
        engine,
        write(dir, 'lower.csv', [HEAD, 'C,3,2024-02-05,40'].join('\n')),
        { kind: 'orders', now: NOW },
      )
      expect(lower.updated).toBe(1)
      expect(lower.suspectRefunds?.over).toEqual({
        orders: 1,
        examples: '3 (line 2): 60.00 refunded of 40.00 paid',
      })
      // a file of plain orders has no refunds to look at
      const plain = await importFile(
        engine,
        write(dir, 'plain.csv', [HEAD, 'D,4,2024-03-01,5'].join('\n')),
        {
          kind: 'orders',
          now: NOW,
        },
      )
      expect(plain.suspectRefunds).toBeUndefined()
    } finally {
      await engine.close()
    }
  })
})
