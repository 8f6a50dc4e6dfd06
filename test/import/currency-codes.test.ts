// A currency column's value must be an ISO 4217 code: `DOLLARS` was stored as the orders'
// currency ("revenue 180.00 DOLLARS"), which the value config could then never name.
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes } from '../../src/service/source.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

const now = new Date('2024-03-01T00:00:00Z')

async function currencies(kind: 'orders', content: string): Promise<string[]> {
  const { engine, dir } = await freshWorkspace()
  try {
    await importFile(engine, write(dir, 'orders.csv', content), { kind, now })
    const rows = await engine.query<{ c: string }>('SELECT DISTINCT currency AS c FROM orders')
    return rows.map((r) => r.c).sort()
  } finally {
    await engine.close()
  }
}

describe('a currency column', () => {
  it('with a value that is no ISO 4217 code is a bad row naming line, column and value', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const f = write(
        dir,
        'orders.csv',
        'order_id,customer_id,ordered_at,amount,currency\nO1,A,2024-01-02,10,USD\nO2,A,2024-01-03,10,US\nO3,B,2024-01-04,10,DOLLARS\nO4,B,2024-01-05,10,U$D\nO5,C,2024-01-06,10,XYZ\n',
      )
      const e = await importError(() => importFile(engine, f, { kind: 'orders', now }))
      expect(e.problems.map((p) => [p.file, p.line, p.column, p.reason])).toEqual(
        [
          [3, 'US'],
          [4, 'DOLLARS'],
          [5, 'U$D'],
          [6, 'XYZ'],
        ].map(([line, v]) => [
          f,
          line,
          'currency',
          `not an ISO 4217 currency code: '${v}' (write the code, such as USD, EUR or KWD)`,
        ]),
      )
      const n = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
      expect(Number(n[0]?.n)).toBe(0)
    } finally {
      await engine.close()
    }
  })

  it('takes codes in any case and padded, and currency symbols as their codes', async () => {
    const rows = ['kwd', ' usd ', 'Eur', '$', '€', 'US$', 'r$', '₹', 'CN¥']
      .map((c, i) => `O${i},C${i},2024-01-0${i + 1},10,${c}`)
      .join('\n')
    expect(
      await currencies('orders', `order_id,customer_id,ordered_at,amount,currency\n${rows}\n`),
    ).toEqual(['BRL', 'CNY', 'EUR', 'INR', 'KWD', 'USD'])
  })

  it('in symbols and codes alike is one currency to analyze (`€` and `eur` are EUR)', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const f = write(
        dir,
        'orders.csv',
        'order_id,customer_id,ordered_at,amount,currency\nO1,A,2024-01-02,10,€\nO2,A,2024-01-03,20,EUR\nO3,B,2024-01-04,5,eur\n',
      )
      await importFile(engine, f, { kind: 'orders', now })
      const info = await buildCustomerSummary(engine, { unit: 'day' })
      expect(info.orders).toMatchObject({ currencies: 1, currency: 'EUR' })
    } finally {
      await engine.close()
    }
  })

  it('with a symbol of no one currency (`¢`) is a bad row', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const f = write(
        dir,
        'orders.csv',
        'order_id,customer_id,ordered_at,amount,currency\nO1,A,2024-01-02,10,USD\nO2,A,2024-01-03,10,¢\n',
      )
      const e = await importError(() => importFile(engine, f, { kind: 'orders', now }))
      expect(e.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
        [
          3,
          'currency',
          "not an ISO 4217 currency code: '¢' (write the code, such as USD, EUR or KWD)",
        ],
      ])
    } finally {
      await engine.close()
    }
  })

  it("of two currencies is said in the library's importNotes, as loyals import says it", async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const f = write(
        dir,
        'orders.csv',
        'order_id,customer_id,ordered_at,amount,currency\nO1,A,2024-01-02,10,USD\nO2,B,2024-01-03,10,EUR\n',
      )
      const r = await importFile(engine, f, { kind: 'orders', now })
      expect(importNotes(r).join('\n')).toContain(
        `${f}: the orders are in 2 currencies (USD on 1 row, first ${f}:2; EUR on 1 row, first ${f}:3)`,
      )
    } finally {
      await engine.close()
    }
  })

  it('in a returns file takes symbols as the orders do; one that is no currency is said once', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const orders =
        'order_id,customer_id,ordered_at,amount,currency\nA1,A,2024-01-01,10,EUR\nA2,A,2024-01-02,10,EUR\n'
      await importFile(engine, write(dir, 'orders.csv', orders), { kind: 'orders', now })
      const head = 'return_id,order_id,customer_id,returned_at,amount,reason,currency\n'
      const good = write(dir, 'returns.csv', `${head}R1,A1,A,2024-01-03,5.00,damaged,€\n`)
      const r = await importFile(engine, good, { kind: 'returns', now })
      expect(r.rowsStored).toBe(1)
      const bad = write(
        dir,
        'returns-bad.csv',
        `${head}R2,A2,A,2024-01-03,5.00,damaged,¢\nR3,A2,A,2024-01-04,5.00,damaged,$\n`,
      )
      const e = await importError(() => importFile(engine, bad, { kind: 'returns', now }))
      expect(e.problems.map((p) => [p.line, p.reason])).toEqual([
        [2, "not an ISO 4217 currency code: '¢' (write the code, such as USD, EUR or KWD)"],
        [
          3,
          "the row's currency is USD, but order A2 is in EUR: convert the amount to EUR (or correct the currency)",
        ],
      ])
    } finally {
      await engine.close()
    }
  })
})
