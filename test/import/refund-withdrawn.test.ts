// A refund that an order's refunded amount or status made (a failed payment, a refunded amount) is
// withdrawn when a later file's version of the order refunds nothing: the customer retried and paid,
// or the shop undid a cancellation. The order counts in full again; a file that says nothing of
// refunds leaves the refund, and the same file imported again changes nothing (its refund stays
// withdrawn).
import { describe, expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01')
const HEAD = 'order_id,customer_id,date,amount'

describe('a withdrawn refund', () => {
  const ws = eachWorkspace()
  const load = (name: string, text: string) =>
    importFile(ws.engine, write(ws.dir, name, text), { kind: 'orders', now: NOW })
  const stored = async () =>
    (
      await ws.engine.query<{ order_key: string; amount: number }>(
        'SELECT order_key, amount FROM orders ORDER BY order_key',
      )
    ).map((r) => `${r.order_key} ${Number(r.amount)}`)

  test('a failed payment paid later: its refund goes, and the import says so', async () => {
    await load(
      'jan.csv',
      `${HEAD},status\nO1,A,2024-01-05,100,failed\nO2,A,2024-01-06,40,completed\nO3,B,2024-01-07,25,cancelled\n`,
    )
    expect(await stored()).toEqual([
      'O1 100',
      'O1:refunded -100',
      'O2 40',
      'O3 25',
      'O3:refunded -25',
    ])
    const r = await load(
      'feb.csv',
      `${HEAD},status\nO1,A,2024-01-05,100,completed\nO2,A,2024-01-06,40,completed\nO3,B,2024-01-07,25,cancelled\n`,
    )
    expect(r.refundsWithdrawn).toEqual({ n: 1, examples: 'O1 (100 refunded)', more: 0 })
    expect(describeImport(r)).toContain(
      "1 stored refund or cancellation withdrawn: this file's version of its order refunds or cancels nothing (O1 (100 refunded))",
    )
    expect(await stored()).toEqual(['O1 100', 'O2 40', 'O3 25', 'O3:refunded -25'])
  })

  test('a refunded amount back to 0; a file without refunds leaves it; the same file again keeps it gone', async () => {
    const first = `${HEAD},refunded\nO1,A,2024-01-05,100,30\n`
    await load('a.csv', first)
    // no refunded or status column: the file says nothing of refunds
    const plain = await load('plain.csv', `${HEAD}\nO1,A,2024-01-05,100\n`)
    expect(plain.refundsWithdrawn.n).toBe(0)
    expect(await stored()).toEqual(['O1 100', 'O1:refunded -30'])
    // a partial refund raised, then withdrawn
    await load('b.csv', `${HEAD},refunded\nO1,A,2024-01-05,100,50\n`)
    expect(await stored()).toEqual(['O1 100', 'O1:refunded -50'])
    const r = await load('c.csv', `${HEAD},refunded\nO1,A,2024-01-05,100,0\nO2,B,2024-01-06,9,0\n`)
    expect(r.refundsWithdrawn).toEqual({ n: 1, examples: 'O1 (50 refunded)', more: 0 })
    expect(await stored()).toEqual(['O1 100', 'O2 9'])
    // a.csv again: the same file changes nothing, the later version (no refund) is kept
    const again = await load('a.csv', first)
    expect(again.importedBefore?.keptLater).toBe(1)
    expect(await stored()).toEqual(['O1 100', 'O2 9'])
  })

  test('in a file without order ids, the failed row paid later is whole again', async () => {
    const head = 'Order Date,Order Status,Order Total,Billing Email'
    await load(
      'f1.csv',
      `${head}\n2024-06-01,failed,50.00,g@y.com\n2024-06-02,completed,20.00,g@y.com\n`,
    )
    const r = await load(
      'f2.csv',
      `${head}\n2024-06-01,completed,50.00,g@y.com\n2024-06-02,completed,20.00,g@y.com\n`,
    )
    expect(r.refundsWithdrawn).toEqual({
      n: 1,
      examples: 'the order on line 2 (50 refunded)',
      more: 0,
    })
    const [s] = await ws.engine.query<{ n: number; revenue: number; refunds: number }>(
      'SELECT count(*) FILTER (WHERE amount >= 0) AS n, sum(amount) AS revenue, count(*) FILTER (WHERE amount < 0) AS refunds FROM orders',
    )
    expect(s).toEqual({ n: 2, revenue: 70, refunds: 0 })
  })

  test('many withdrawn: the first five in file order, and how many more', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `O${i + 1}`)
    await load(
      'x.csv',
      `${HEAD},refunded\n${ids.map((o) => `${o},A,2024-01-05,10,4`).join('\n')}\n`,
    )
    const r = await load(
      'y.csv',
      `${HEAD},refunded\n${ids.map((o) => `${o},A,2024-01-05,10,`).join('\n')}\n`,
    )
    expect(r.refundsWithdrawn).toEqual({
      n: 7,
      examples: ids
        .slice(0, 5)
        .map((o) => `${o} (4 refunded)`)
        .join(', '),
      more: 2,
    })
    expect((await stored()).filter((k) => k.includes(':refunded'))).toEqual([])
  })
})
