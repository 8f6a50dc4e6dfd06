// An order's refunded amount or "refunded" status says what was refunded of it in all; refund rows
// of the same order are part of that. A WooCommerce export that gives a full refund as the order's
// status and as a refund line of its own, or a "refunded" export after a partial refund stored from
// an earlier one, refunds the order once: its revenue is 0, not minus its amount.
import { describe, expect, test } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01')
const HEAD = 'order_id,customer_id,date,amount,status'

describe('an order refunded on its own row and on refund rows', () => {
  const ws = eachWorkspace()
  const load = (name: string, text: string) =>
    importFile(ws.engine, write(ws.dir, name, text), { kind: 'orders', now: NOW })
  /** What the store nets per order: its rows added up. */
  const net = async () =>
    (
      await ws.engine.query<{ order_id: string; net: number }>(
        'SELECT order_id, round(sum(amount), 6) AS net FROM orders GROUP BY 1 ORDER BY 1',
      )
    ).map((r) => `${r.order_id} ${Number(r.net)}`)

  test('a status "refunded" beside the refund line of the same order refunds it once', async () => {
    const file = `${HEAD}\nO1,A,2024-01-01,50,refunded\nO2,A,2024-02-01,30,completed\nO1,A,2024-01-05,-50,refunded\n`
    const r = await load('woo.csv', file)
    expect(r.refundsWithdrawn.n).toBe(0)
    expect(await net()).toEqual(['O1 0', 'O2 30'])
    // the same file again changes nothing
    await load('woo.csv', file)
    expect(await net()).toEqual(['O1 0', 'O2 30'])
  })

  test('"refunded" in a later export completes an earlier partial refund', async () => {
    await load(
      'jan.csv',
      `${HEAD}\nO1,A,2024-01-01,50,completed\nO2,A,2024-02-01,30,completed\nO1,A,2024-01-05,-10,\n`,
    )
    expect(await net()).toEqual(['O1 40', 'O2 30'])
    await load('feb.csv', `${HEAD}\nO1,A,2024-01-01,50,refunded\n`)
    expect(await net()).toEqual(['O1 0', 'O2 30'])
    // a refunded amount the refund rows already give in full adds nothing
    await load('mar.csv', `${HEAD}\nO2,A,2024-03-01,-8,\n`)
    await load('apr.csv', 'order_id,customer_id,date,amount,refunded\nO2,A,2024-02-01,30,5\n')
    expect(await net()).toEqual(['O1 0', 'O2 22'])
    // and one beyond them adds the rest
    await load('may.csv', 'order_id,customer_id,date,amount,refunded\nO2,A,2024-02-01,30,12\n')
    expect(await net()).toEqual(['O1 0', 'O2 18'])
  })

  test('refund lines in later files are part of a stored refunded amount, until they cover it', async () => {
    await load('stripe.csv', 'order_id,customer_id,date,amount,refunded\nO1,A,2024-01-01,50,30\n')
    expect(await net()).toEqual(['O1 20'])
    // a refund file of the processor: 20 of the 30 stated, then the other 10 and 5 more
    await load('r1.csv', `${HEAD}\nO1,A,2024-01-03,-20,\n`)
    expect(await net()).toEqual(['O1 20'])
    await load('r1.csv', `${HEAD}\nO1,A,2024-01-03,-20,\n`)
    expect(await net()).toEqual(['O1 20'])
    await load('r2.csv', `${HEAD}\nO1,A,2024-01-04,-10,\nO1,A,2024-01-05,-5,\n`)
    expect(await net()).toEqual(['O1 15'])
    const keys = await ws.engine.query<{ order_key: string }>(
      "SELECT order_key FROM orders WHERE order_key = 'O1:refunded'",
    )
    expect(keys).toEqual([])
  })

  test('a stored "refunded" order whose refund line comes later: the refund line takes its place', async () => {
    await load('a.csv', `${HEAD}\nO1,A,2024-01-01,50,refunded\nO2,A,2024-02-01,30,completed\n`)
    expect(await net()).toEqual(['O1 0', 'O2 30'])
    const r = await load(
      'b.csv',
      `${HEAD}\nO1,A,2024-01-01,50,refunded\nO1,A,2024-01-05,-50,refunded\n`,
    )
    // the refund is still there, on its line: no refund withdrawn to name
    expect(r.refundsWithdrawn.n).toBe(0)
    expect(await net()).toEqual(['O1 0', 'O2 30'])
    const keys = await ws.engine.query<{ order_key: string }>(
      "SELECT order_key FROM orders WHERE order_id = 'O1' ORDER BY 1",
    )
    expect(keys.map((k) => k.order_key)).not.toContain('O1:refunded')
  })
})
