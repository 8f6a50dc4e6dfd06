// Status words the import does not know ("Returned", "Fraud") count as purchases, as any status
// that does not say the order was never paid or paid back; the import names them with their rows,
// so that a shop whose "Returned" means money back sees it. "Unpaid" and "Awaiting Payment" say
// outright that no money came: such an order is stored refunded in full.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes } from '../../src/service/source.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const now = new Date('2025-01-01')

describe('status words', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    dir = tempDir('loyals-status-words-')
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  test('unknown ones are named with their rows and count as purchases; unpaid ones refund', async () => {
    const f = write(
      dir,
      'orders.csv',
      [
        'order_id,customer_id,ordered_at,amount,status',
        '1,a,2024-01-01,10,paid',
        '2,a,2024-02-01,20,Returned',
        '3,a,2024-02-03,5, Returned ',
        '4,b,2024-01-05,30,Fraud',
        '5,b,2024-03-01,40,cancelled',
        '6,c,2024-03-01,50,pending',
        '7,c,2024-03-02,5,Awaiting Payment',
        '8,c,2024-03-04,6,unpaid',
        '9,d,2024-03-04,7,Bezahlt',
        '10,d,2024-03-05,8,wc-completed',
        '11,d,2024-03-06,9,Partially Refunded',
        '12,d,2024-03-07,9,',
      ].join('\n'),
    )
    const r = await importFile(engine, f, { kind: 'orders', now })
    expect(r.unknownStatuses).toEqual({
      rows: 3,
      kinds: 2,
      values: [
        { status: 'Returned', rows: 2 },
        { status: 'Fraud', rows: 1 },
      ],
    })
    const [note] = importNotes(r).filter((n) => n.includes('does not know'))
    expect(note).toContain(
      '3 rows have a status that Loyals does not know (Returned 2, Fraud 1), counted as purchases',
    )
    // cancelled, Awaiting Payment and unpaid: refunded in full; the unknown words are purchases
    expect(r.refunds).toBe(3)
    const info = await buildCustomerSummary(engine, { unit: 'day', asOf: '2024-12-31' })
    const rows = await engine.query(
      `SELECT customer_id, orders, revenue FROM ${info.table} ORDER BY 1`,
    )
    expect(rows).toEqual([
      { customer_id: 'a', orders: 3, revenue: 35 },
      { customer_id: 'b', orders: 1, revenue: 30 },
      { customer_id: 'c', orders: 1, revenue: 50 },
      { customer_id: 'd', orders: 4, revenue: 33 },
    ])
  })

  test('more kinds than shown are counted; a file of known words says nothing', async () => {
    const many = write(
      dir,
      'many.csv',
      [
        'order_id,customer_id,ordered_at,amount,status',
        ...['Returned', 'Fraud', 'Disputed', 'Closed', 'Lost', 'Held'].map(
          (s, i) => `m${i},m,2024-01-0${i + 1},10,${s}`,
        ),
      ].join('\n'),
    )
    const r = await importFile(engine, many, { kind: 'orders', now })
    expect(r.unknownStatuses?.rows).toBe(6)
    expect(r.unknownStatuses?.kinds).toBe(6)
    expect(r.unknownStatuses?.values).toHaveLength(4)
    expect(importNotes(r).join('\n')).toContain(', and 2 more), counted as purchases')

    const known = write(
      dir,
      'known.csv',
      [
        'order_id,customer_id,ordered_at,amount,status',
        'k1,k,2024-01-01,10,paid',
        'k2,k,2024-01-02,10,Completed',
        'k3,k,2024-01-03,10,shipped',
        'k4,k,2024-01-04,10,refunded',
      ].join('\n'),
    )
    const k = await importFile(engine, known, { kind: 'orders', now })
    expect(k.unknownStatuses).toBeUndefined()
    expect(importNotes(k).some((n) => n.includes('does not know'))).toBe(false)
  })
})
