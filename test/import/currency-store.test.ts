// Currencies across files of one workspace. Order lines and returns have no currency of their
// own: amounts marked in another currency than their orders' ("$40.00" returned of a EUR order)
// were stored as EUR without a word, and a returns file marked in dollars and yen was added up as
// one. A second orders file in another currency imported in silence, and summary and analyze
// then refused the workspace.
import { expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import { ImportError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { eachWorkspace } from './each-workspace.ts'
import { write } from './helpers.ts'

const ws = eachWorkspace()

/** A returns file of these rows. */
const returns = (name: string, ...rows: string[]): string =>
  write(ws.dir, name, `return_id,order_id,returned_at,amount\n${rows.join('\n')}\n`)

async function orders(currency: string): Promise<void> {
  const f = write(
    ws.dir,
    `orders-${currency}.csv`,
    `order_id,customer_id,ordered_at,amount,currency\nO1,A,2024-01-05,100.00,${currency}\nO2,B,2024-01-06,80.00,${currency}\n`,
  )
  await importFile(ws.engine, f, { kind: 'orders' })
}

const refusal = async (file: string, kind: string): Promise<ImportError> => {
  try {
    await importFile(ws.engine, file, { kind })
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError)
    return e as ImportError
  }
  throw new Error(`${file} was imported`)
}

const count = async (table: string): Promise<number> =>
  Number((await ws.engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n)

test('returns and lines marked in another currency than the orders are refused, storing nothing', async () => {
  await orders('EUR')
  const mixed = returns('r.csv', 'R1,O1,2024-01-10,€10.00', 'R2,O2,2024-01-11,$40.00')
  const r = await refusal(mixed, 'returns')
  expect(r.message).toContain(
    `${mixed}: the amounts in amount are in 2 currencies (EUR on 1 row, USD on 1 row)`,
  )
  const usd = returns('r1.csv', 'R2,O2,2024-01-11,$40.00')
  const e = await refusal(usd, 'returns')
  expect(e.message).toContain(
    `${usd}: the returned amounts are marked in USD ("$40.00"), but the orders are in EUR`,
  )
  expect(e.problems).toEqual([
    {
      file: usd,
      line: 2,
      column: 'amount',
      reason: '"$40.00" is marked USD, but the orders are in EUR',
    },
  ])
  const lines = write(ws.dir, 'l.csv', 'order_id,product,quantity,amount\nO1,Mug,1,¥60\n')
  expect((await refusal(lines, 'order-lines')).message).toContain(
    'the line amounts are marked in JPY ("¥60"), but the orders are in EUR',
  )
  expect([await count('returns'), await count('order_lines')]).toEqual([0, 0])
  // marks of the orders' currency, and plain numbers, are taken
  await importFile(ws.engine, returns('r2.csv', 'R1,O1,2024-01-10,€10.00', 'R2,O2,2024-01-11,5'), {
    kind: 'returns',
  })
  expect(await count('returns')).toBe(2)
})

test('marked returns before any orders are refused: nothing could check them later', async () => {
  const f = returns('early.csv', 'R1,O1,2024-01-10,$40.00')
  expect((await refusal(f, 'returns')).message).toContain(
    'the returned amounts are marked in USD ("$40.00"), but no orders are imported yet',
  )
  // plain numbers are taken: they say nothing of a currency
  await importFile(ws.engine, returns('plain.csv', 'R1,O1,2024-01-10,40.00'), { kind: 'returns' })
  expect(await count('returns')).toBe(1)
})

test('a dollar sign may be any dollar: Canadian orders take "$" returns', async () => {
  await orders('CAD')
  const f = returns('r.csv', 'R1,O1,2024-01-10,$40.00')
  await importFile(ws.engine, f, { kind: 'returns' })
  expect(await count('returns')).toBe(1)
  const eur = returns('r-eur.csv', 'R2,O2,2024-01-10,40 EUR')
  expect((await refusal(eur, 'returns')).message).toContain('but the orders are in CAD')
})

/** The stored orders of these customers: customer, amount and currency. */
const ordersOf = (customers: readonly string[]) =>
  ws.engine.query(
    `SELECT customer_id, amount, currency FROM orders WHERE customer_id IN (${customers.map((c) => `'${c}'`).join(', ')}) ORDER BY 1`,
  )

test('a symbol of one dollar or another currency (US$, C$, R$, ₹) is read beside an amount as that currency', async () => {
  // no currency column: the marks name the file's currency, and two of them are refused
  const usd = write(
    ws.dir,
    'usd.csv',
    'customer_id,ordered_at,amount\nA,2024-01-01,US$ 3.00\nB,2024-01-02,"US$1,234.50"\nC,2024-01-03,(US$ 2.00)\n',
  )
  const r = await importFile(ws.engine, usd, { kind: 'orders' })
  expect(r.rowsStored).toBe(3)
  expect(await ordersOf(['A', 'B', 'C'])).toEqual([
    { customer_id: 'A', amount: 3, currency: 'USD' },
    { customer_id: 'B', amount: 1234.5, currency: 'USD' },
    { customer_id: 'C', amount: -2, currency: 'USD' },
  ])
  const two = write(
    ws.dir,
    'two.csv',
    'customer_id,ordered_at,amount\nD,2024-01-01,US$ 3.00\nE,2024-01-02,C$ 4.00\n',
  )
  const e = await refusal(two, 'orders')
  expect(e.message).toContain('2 currencies (USD on 1 row, CAD on 1 row)')
  // Brazilian reais with a decimal comma, and Excel's accounting zero
  const brl = write(
    ws.dir,
    'brl.csv',
    'customer_id;ordered_at;amount\nF;2024-01-01;R$ 1.234,50\nG;2024-01-02;R$ -\n',
  )
  const b = await importFile(ws.engine, brl, { kind: 'orders' })
  expect(b.rowsStored).toBe(2)
  expect(await ordersOf(['F', 'G'])).toEqual([
    { customer_id: 'F', amount: 1234.5, currency: 'BRL' },
    { customer_id: 'G', amount: 0, currency: 'BRL' },
  ])
  // with a currency column, a symbol of another currency than the row's is a bad row
  const clash = write(
    ws.dir,
    'clash.csv',
    'customer_id,ordered_at,amount,currency\nH,2024-01-01,US$ 3.00,CAD\nI,2024-01-02,₹ 350,INR\n',
  )
  const c = await refusal(clash, 'orders')
  expect(c.problems.map((p) => p.line)).toEqual([2])
  expect(c.problems[0]?.reason).toContain(
    "'US$ 3.00' is marked USD, but the row's currency (currency) is CAD",
  )
})

test('a mark in a file of decimal commas is quoted as written (12,00 €), not as read (12.00 €)', async () => {
  await orders('USD')
  const lines = write(ws.dir, 'l.csv', 'order_id;product;quantity;line_total\nO1;Tasse;3;12,00 €\n')
  const e = await refusal(lines, 'order-lines')
  expect(e.message).toContain(
    'the line amounts are marked in EUR ("12,00 €"), but the orders are in USD',
  )
  expect(e.problems[0]?.reason).toBe('"12,00 €" is marked EUR, but the orders are in USD')
  const rows = write(
    ws.dir,
    'o.csv',
    'customer_id;ordered_at;amount;currency\nA;2024-01-01;12,00 €;USD\nB;2024-01-02;3,00;USD\n',
  )
  const r = await refusal(rows, 'orders')
  expect(r.problems[0]?.reason).toContain("'12,00 €' is marked €, but the row's currency")
})

test('an orders file in another currency than the stored orders says the workspace now mixes them', async () => {
  await orders('EUR')
  const f = write(
    ws.dir,
    'usd.csv',
    'order_id,customer_id,ordered_at,amount\nU1,C,2024-01-07,$12.50\n',
  )
  const r = await importFile(ws.engine, f, { kind: 'orders' })
  expect(r.storeCurrencies).toEqual([
    { currency: 'EUR', rows: 2 },
    { currency: 'USD', rows: 1 },
  ])
  expect(describeImport(r)).toContain(
    "note: the workspace's orders are now in 2 currencies (EUR on 2 rows, USD on 1 row): summary and analyze refuse",
  )
  // a later file hears of the mix too, until the workspace is one currency again
  const more = write(
    ws.dir,
    'eur.csv',
    'order_id,customer_id,ordered_at,amount\nE9,D,2024-01-08,€12.50\n',
  )
  const again = await importFile(ws.engine, more, { kind: 'orders' })
  expect(again.storeCurrencies).toHaveLength(2)
})

test('in a workspace of two currencies, marks are checked against the orders the rows name', async () => {
  // "$" returns of EUR orders had passed because some other order was in dollars
  await orders('EUR')
  await importFile(
    ws.engine,
    write(
      ws.dir,
      'usd.csv',
      'order_id,customer_id,ordered_at,amount,currency\nU1,C,2024-01-07,12.50,USD\n',
    ),
    { kind: 'orders' },
  )
  const ofEur = returns('r-eur.csv', 'R1,O1,2024-01-10,$40.00')
  expect((await refusal(ofEur, 'returns')).message).toContain(
    'the returned amounts are marked in USD ("$40.00"), but the orders are in EUR',
  )
  const ofUsd = returns('r-usd.csv', 'R2,U1,2024-01-10,$5.00')
  await importFile(ws.engine, ofUsd, { kind: 'returns' })
  expect(await count('returns')).toBe(1)
})

test("returns and lines with a currency column in another currency than their order's are bad rows", async () => {
  await orders('EUR')
  const r = write(
    ws.dir,
    'rc.csv',
    'return_id,order_id,returned_at,amount,currency\nR1,O1,2024-01-10,10.00,eur\nR2,O2,2024-01-11,40.00,USD\n',
  )
  const e = await refusal(r, 'returns')
  expect(e.problems).toEqual([
    {
      file: r,
      line: 3,
      column: 'currency',
      reason:
        "the row's currency is USD, but order O2 is in EUR: convert the amount to EUR (or correct the currency)",
    },
  ])
  const l = write(
    ws.dir,
    'lc.csv',
    'order_id,product_id,quantity,amount,currency\nO1,p1,1,100.00,EUR\nO2,p2,1,80.00,GBP\n',
  )
  const el = await refusal(l, 'order-lines')
  expect(el.problems.map((p) => [p.line, p.column])).toEqual([[3, 'currency']])
  expect([await count('returns'), await count('order_lines')]).toEqual([0, 0])
  // in their orders' currency (any case): stored, the currency column itself is not
  await importFile(
    ws.engine,
    write(
      ws.dir,
      'rc2.csv',
      'return_id,order_id,returned_at,amount,currency\nR1,O1,2024-01-10,10.00,eur\n',
    ),
    { kind: 'returns' },
  )
  await importFile(
    ws.engine,
    write(ws.dir, 'lc2.csv', 'order_id,product_id,quantity,amount,currency\nO1,p1,1,100.00,EUR\n'),
    { kind: 'order-lines' },
  )
  expect([await count('returns'), await count('order_lines')]).toEqual([1, 1])
})

test('a currency column naming no stored order is held to the stored orders, and refused before any', async () => {
  const lines = write(
    ws.dir,
    'lx.csv',
    'order_id,product_id,quantity,amount,currency\nM1,p1,1,100.00,EUR\n',
  )
  // no orders yet: nothing could check it later, as for currency marks
  const before = await refusal(lines, 'order-lines')
  expect(before.problems[0]?.reason).toBe(
    "the row's currency is EUR, and no orders are imported yet to check it against (lines and returns are in their orders' currency): import the orders first",
  )
  await orders('JPY')
  const after = await refusal(lines, 'order-lines')
  expect(after.problems[0]?.reason).toBe(
    "the row's currency is EUR, but order M1 is not imported and the stored orders are in JPY: convert the amount (or correct the currency)",
  )
  expect(await count('order_lines')).toBe(0)
  // in the store's currency it is taken
  const jpy = write(
    ws.dir,
    'ly.csv',
    'order_id,product_id,quantity,amount,currency\nM1,p1,1,100,JPY\n',
  )
  await importFile(ws.engine, jpy, { kind: 'order-lines' })
  expect(await count('order_lines')).toBe(1)
})

test('a currency column of returns is refused when the stored orders name no currency', async () => {
  // the USD return was stored and counted as the orders' money: EUR once the value config said so
  const f = write(
    ws.dir,
    'plain-orders.csv',
    'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-05,100.00\n',
  )
  await importFile(ws.engine, f, { kind: 'orders' })
  const usd = write(
    ws.dir,
    'r-usd.csv',
    'return_id,order_id,returned_at,amount,currency\nR1,O1,2024-02-01,50,USD\n',
  )
  const e = await refusal(usd, 'returns')
  expect(e.problems.map((p) => [p.line, p.column])).toEqual([[2, 'currency']])
  expect(e.problems[0]?.reason).toMatch(
    /^the row's currency is USD, but the stored orders name no currency to check it against/,
  )
  expect(await count('returns')).toBe(0)
  // without the column the amounts are the orders' money, as before
  await importFile(ws.engine, returns('r.csv', 'R1,O1,2024-02-01,50'), { kind: 'returns' })
  expect(await count('returns')).toBe(1)
})
