// An amount below half a millionth in size is 0 (README: money is kept to six decimals). pandas
// writes a net of nothing as -1.4210854715202004e-14; stored as written, a negative one read as
// the import's own mark of a cancelled order of 0 (ZERO_REFUND) and the day's purchase was lost.
import { beforeAll, describe, expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const NOISE = '-1.4210854715202004e-14'

const EXPECTED = [
  { customer_id: 'A', purchase_days: 3, orders: 3, revenue: 17 },
  { customer_id: 'B', purchase_days: 1, orders: 1, revenue: 0 },
]

describe('an amount of float noise', () => {
  let dir: string
  const now = new Date('2025-01-01')
  beforeAll(() => {
    dir = tempDir('loyals-float-noise-')
  })

  const summaryOf = async (file: string, kind: 'orders' = 'orders') => {
    const engine = await openWorkspace(':memory:')
    try {
      const r = await importFile(engine, file, { kind, now })
      const info = await buildCustomerSummary(engine, { unit: 'day', asOf: '2024-01-31' })
      const rows = await engine.query(
        `SELECT customer_id, purchase_days, orders, revenue FROM ${info.table} ORDER BY 1`,
      )
      const stored = await engine.query<{ n: number }>(
        'SELECT count(*) AS n FROM orders WHERE amount < 0',
      )
      return { said: describeImport(r), rows, negative: Number(stored[0]?.n) }
    } finally {
      await engine.close()
    }
  }

  test('is an order of 0 in a CSV file (both readings: plain numbers and formatted money)', async () => {
    for (const [name, a, b] of [
      ['plain.csv', NOISE, '-0.0000004'],
      ['money.csv', '$0.00000000000001-', '($0.0000004)'],
    ] as const) {
      const f = write(
        dir,
        name,
        [
          'customer_id,order_id,ordered_at,amount',
          'A,1,2024-01-01,10.0',
          `A,2,2024-01-03,${a}`,
          'A,3,2024-01-05,7.0',
          `B,4,2024-01-02,${b}`,
        ].join('\n'),
      )
      const got = await summaryOf(f)
      expect(got.rows, name).toEqual(EXPECTED)
      expect(got.negative, name).toBe(0)
      expect(got.said, name).not.toMatch(/cancelled/)
    }
  })

  test('is an order of 0 in JSON lines', async () => {
    const rows = [
      { customer_id: 'A', order_id: '1', ordered_at: '2024-01-01', amount: 10 },
      { customer_id: 'A', order_id: '2', ordered_at: '2024-01-03', amount: Number(NOISE) },
      { customer_id: 'A', order_id: '3', ordered_at: '2024-01-05', amount: 7 },
      { customer_id: 'B', order_id: '4', ordered_at: '2024-01-02', amount: -4e-7 },
    ]
    const f = write(dir, 'orders.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'))
    const got = await summaryOf(f)
    expect(got.rows).toEqual(EXPECTED)
    expect(got.negative).toBe(0)
  })

  test('half a millionth is an amount: a refund of it is kept', async () => {
    const f = write(
      dir,
      'half.csv',
      [
        'customer_id,order_id,ordered_at,amount',
        'A,1,2024-01-01,10',
        'A,2,2024-01-03,-0.0000005',
      ].join('\n'),
    )
    const got = await summaryOf(f)
    expect(got.negative).toBe(1)
  })
})
