// Import audit, round 2 (part b): a refund on the order's own row takes back the order's margin
// rate, one bad row does not switch off decimal-comma detection, --map takes column names with
// commas, and rows of nothing but separators or spaces are skipped like blank lines.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { sourceOf } from '../../src/data/queries/import-stage.ts'
import { parseMap } from '../../src/service/import/columns.ts'
import {
  doubleColumns,
  fastSource,
  timestampColumns,
  tryFastStage,
} from '../../src/service/import/fast-path.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { type ParseOptions, typedSpec } from '../../src/service/import/validate.ts'
import { importNotes, openSource } from '../../src/service/source.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
let engine: Engine
let dir: string

beforeEach(async () => {
  ;({ engine, dir } = await freshWorkspace())
})
afterEach(async () => {
  await engine.close()
})

const orders = (file: string, extra: Record<string, unknown> = {}) =>
  importFile(engine, file, { kind: 'orders', now: NOW, ...extra })

async function margins(
  e: Engine,
): Promise<{ customer_id: string; revenue: number; margin: number }[]> {
  const info = await buildCustomerSummary(e, { unit: 'day' })
  return e.query(
    `SELECT customer_id, revenue, round(margin, 2) AS margin FROM ${info.table} ORDER BY 1`,
  )
}

describe("a refund on the order's own row", () => {
  // O1 bought for 100 at cost 60 and refunded in full, O2 for 30 at cost 10 refunded 10, O3 50
  const REFUND_ROWS = [
    'customer_id,order_id,ordered_at,amount,cost',
    'C1,O1,2024-01-05,100,60',
    'C1,O1,2024-01-08,-100,',
    'C1,O2,2024-01-09,30,10',
    'C1,O2,2024-01-09,-10,',
    'C1,O3,2024-01-10,50,0',
  ].join('\n')
  const REFUNDED_COLUMN = [
    'customer_id,order_id,ordered_at,amount,cost,refunded',
    'C1,O1,2024-01-05,100,60,100',
    'C1,O2,2024-01-09,30,10,10',
    'C1,O3,2024-01-10,50,0,',
  ].join('\n')
  // margins: O1 40 - 40 (its rate 0.4 of 100), O2 20 - 10 * 20/30, O3 50
  const EXPECTED = [{ customer_id: 'C1', revenue: 70, margin: 63.33 }]

  test('takes back the margin rate of the order, as a refund row of the file does', async () => {
    await orders(write(dir, 'refm.csv', REFUND_ROWS))
    expect(await margins(engine)).toEqual(EXPECTED)
    const { engine: other } = await freshWorkspace()
    try {
      await importFile(other, write(dir, 'refm2.csv', REFUNDED_COLUMN), {
        kind: 'orders',
        now: NOW,
      })
      expect(await margins(other)).toEqual(EXPECTED)
    } finally {
      await other.close()
    }
  })

  test('reading the file in place of a workspace gives the same margin', async () => {
    const f = write(dir, 'refm2.csv', REFUNDED_COLUMN)
    const { engine: scratch } = await openSource(f, {})
    try {
      expect(await margins(scratch)).toEqual(EXPECTED)
    } finally {
      await scratch.close()
    }
  })

  test('a cancelled order takes back its own margin, not its amount', async () => {
    const f = write(
      dir,
      'refm3.csv',
      [
        'customer_id,order_id,ordered_at,amount,cost,status',
        'C1,O1,2024-01-05,100,60,cancelled',
        'C1,O3,2024-01-10,50,0,paid',
        'C1,O4,2024-01-11,50,0,paid',
      ].join('\n'),
    )
    await orders(f)
    expect(await margins(engine)).toEqual([{ customer_id: 'C1', revenue: 100, margin: 100 }])
    const rows = await engine.query(
      "SELECT amount, margin FROM orders WHERE order_key = 'O1:refunded'",
    )
    expect(rows).toEqual([{ amount: -100, margin: null }])
  })

  test('a margin worked out from the cost is kept to six decimals, as the server stores it', async () => {
    const f = write(
      dir,
      'margin6.csv',
      'customer_id,order_id,ordered_at,amount,cost\nM6,M6-1,2024-01-05,129.99,13.99\n',
    )
    await orders(f)
    // 129.99 - 13.99 is 116.00000000000001 in doubles
    const rows = await engine.query("SELECT margin FROM orders WHERE order_key = 'M6-1'")
    expect(rows).toEqual([{ margin: 116 }])
  })
})

describe('decimal commas with a bad row beside them', () => {
  test('an empty amount does not stop the detection; it is the one problem left', async () => {
    const f = write(
      dir,
      'dc_empty.csv',
      'customer_id,ordered_at,amount\nC1,2024-01-05,"12,50"\nC2,2024-01-06,"20,00"\nC3,2024-01-07,\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => `${p.line} ${p.column}: ${p.reason}`)).toEqual([
      '4 amount: empty value: amount is required',
    ])
    const r = await orders(f, { skipBadRows: true })
    expect(r.decimalCommaFound).toEqual(['amount'])
    const rows = await engine.query('SELECT customer_id, amount FROM orders ORDER BY 1')
    expect(rows).toEqual([
      { customer_id: 'C1', amount: 12.5 },
      { customer_id: 'C2', amount: 20 },
    ])
  })

  test('an unreadable amount does not stop it either', async () => {
    const f = write(
      dir,
      'dc_semi_bad.csv',
      'customer_id;ordered_at;amount\nC1;2024-01-05;12,50\nC2;2024-01-06;20,00\nC3;2024-01-07;n/a\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => `${p.line}: ${p.reason}`)).toEqual([
      "4: cannot read 'n/a' as an amount",
    ])
  })

  test('an amount with a decimal point still does', async () => {
    const f = write(
      dir,
      'dc_point.csv',
      'customer_id,ordered_at,amount\nC1,2024-01-05,"12,50"\nC2,2024-01-06,20.50\nC3,2024-01-07,\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => p.line)).toEqual([2, 4])
  })

  test("a German Excel export with a trailing ';;' row imports", async () => {
    const f = write(
      dir,
      'xl_de.csv',
      'Customer ID;Order Date;Total\r\nC1;05.01.2024;1.234,50 €\r\nC2;06.01.2024;20,00 €\r\nC1;13.02.2024;5,00 €\r\n;;\r\n',
    )
    const r = await orders(f)
    expect(r).toMatchObject({ rowsRead: 3, emptyRows: 1, decimalCommaFound: ['Total'] })
    const s = await engine.query(
      'SELECT customer_id, sum(amount) AS amount FROM orders GROUP BY 1 ORDER BY 1',
    )
    expect(s).toEqual([
      { customer_id: 'C1', amount: 1239.5 },
      { customer_id: 'C2', amount: 20 },
    ])
  })
})

describe('--map naming a field twice', () => {
  test('with two columns is a usage error; with the same one twice, one mapping', () => {
    expect(() => parseMap(['customer_id=Email', 'customer_id=Customer'])).toThrow(
      '--map names customer_id twice (Email and Customer): give one column for each field',
    )
    expect(parseMap(['amount=Total', 'amount=Total'])).toEqual({ amount: 'Total' })
  })
})

describe('--map with commas in a column name', () => {
  test('a comma splits entries only before a field name and =', () => {
    expect(parseMap(['amount=Revenue, net'])).toEqual({ amount: 'Revenue, net' })
    expect(parseMap(['customer_id=Email,amount=Net'])).toEqual({
      customer_id: 'Email',
      amount: 'Net',
    })
    expect(parseMap(['amount=Total, incl. tax,customer_id=Email', 'order date=Day'])).toEqual({
      amount: 'Total, incl. tax',
      customer_id: 'Email',
      'order date': 'Day',
    })
    expect(parseMap(['customer_id=Email,', 'cost=Cost, net,total=Sum'])).toEqual({
      customer_id: 'Email',
      cost: 'Cost, net',
      total: 'Sum',
    })
    expect(() => parseMap(['amount'])).toThrow("--map expects field=Column, got 'amount'")
  })

  test('a column named with a comma is mapped', async () => {
    const f = write(
      dir,
      'comma.csv',
      'customer_id,ordered_at,"Revenue, gross","Revenue, net"\nC1,2024-01-05,12,10\n',
    )
    const r = await orders(f, { map: parseMap(['amount=Revenue, net']) })
    expect(r.columns.amount).toBe('Revenue, net')
    expect(await engine.query('SELECT amount FROM orders')).toEqual([{ amount: 10 }])
  })
})

describe('rows of nothing but separators or spaces', () => {
  test("Excel's trailing ',,,' rows are skipped and counted", async () => {
    const f = write(
      dir,
      'xl_trail.csv',
      'customer_id,ordered_at,amount,\r\nC1,2024-01-05,10,\r\nC2,2024-01-06,20,\r\n,,,\r\n,,,\r\n',
    )
    const r = await orders(f)
    expect(r).toMatchObject({ rowsRead: 2, rowsStored: 2, emptyRows: 2 })
    expect(importNotes(r)).toContain(
      `${f}: 2 rows of nothing but separators or spaces (as spreadsheets leave at the end) skipped`,
    )
  })

  test('a line of spaces is skipped like a blank line; later rows keep their lines', async () => {
    const f = write(
      dir,
      'blank.csv',
      'customer_id,ordered_at,amount\nC1,2024-01-05,10\n\n   \n, ,\t\nC2,2024-01-06,x\nC3,2024-01-07,5\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => `${p.line} ${p.column}: ${p.reason}`)).toEqual([
      "6 amount: cannot read 'x' as an amount",
    ])
    const r = await orders(f, { skipBadRows: true })
    expect(r).toMatchObject({ rowsRead: 3, rejected: 1, emptyRows: 2 })
    const rows = await engine.query('SELECT customer_id, source_line FROM orders ORDER BY 1')
    expect(rows).toEqual([
      { customer_id: 'C1', source_line: 2 },
      { customer_id: 'C3', source_line: 7 },
    ])
  })

  test('the fast path skips them too, each other row on its own line', async () => {
    const csv =
      'customer_id,order_id,ordered_at,amount\nC1,O1,2024-01-05,10\n,,,\nC2,O2,2024-01-06,20\n'
    const file = write(dir, 'fast.csv', csv)
    const columns = Object.fromEntries(
      ['customer_id', 'order_id', 'ordered_at', 'amount'].map((h) => [h, h]),
    )
    const spec = typedSpec('orders', { layout: 'plain', columns })
    const source = sourceOf(file, 'csv', false)
    const parse: ParseOptions = { tz: 'UTC', now: NOW }
    const r = await tryFastStage(engine, {
      source: fastSource(source),
      typedSource: fastSource(source, doubleColumns(spec)),
      datedSource: fastSource(source, doubleColumns(spec), timestampColumns(spec, parse)),
      columns: Object.keys(columns),
      spec,
      parse,
      firstLine: 2,
    })
    expect(r).toMatchObject({ rows: 2, empty: 1 })
    const rows = await engine.query(
      'SELECT __line, customer_id, amount FROM import_typed ORDER BY 1',
    )
    expect(rows).toEqual([
      { __line: 2, customer_id: 'C1', amount: 10 },
      { __line: 4, customer_id: 'C2', amount: 20 },
    ])
    const imported = await orders(file)
    expect(imported).toMatchObject({ rowsRead: 2, emptyRows: 1 })
  })

  test('a file of nothing but such rows has no data rows', async () => {
    const f = write(dir, 'none.csv', 'customer_id,ordered_at,amount\n,,\n,,\n')
    const e = await importError(() => orders(f))
    expect(e.message).toContain('no data rows')
  })
})

/** Revenue, margin and the revenue with a known cost, per customer. */
async function marginRows(): Promise<Record<string, unknown>[]> {
  const info = await buildCustomerSummary(engine, { unit: 'day' })
  return engine.query(
    `SELECT customer_id, CAST(revenue AS DOUBLE) AS revenue, round(margin, 2) AS margin,
       CAST(margin_revenue AS DOUBLE) AS margin_revenue FROM ${info.table} ORDER BY 1`,
  )
}

// A refund naming no stored order takes back the customer's own margin rate: with its margin
// unknown, a customer who paid -20 net kept a margin of 60, and the revenue "with a known cost"
// (100) stood above their revenue.
describe('a refund that names no stored order', () => {
  test("takes back the customer's margin rate when every order of theirs has one", async () => {
    const f = write(
      dir,
      'o.csv',
      [
        'customer_id,order_id,ordered_at,amount,cost',
        // H: 100 at cost 40 (rate 0.6) and 50 at cost 20 (0.6); a refund of 120 on an unknown O14
        'H,O13,2024-01-05,100,40',
        'H,O15,2024-01-20,50,20',
        'H,O14,2024-02-01,-120,',
        // K: one order without a cost: its unlinked refund's margin stays unknown
        'K,O20,2024-01-05,80,30',
        'K,O21,2024-01-06,40,',
        'K,O99,2024-02-01,-10,',
      ].join('\n'),
    )
    await orders(f)
    expect(await marginRows()).toEqual([
      { customer_id: 'H', revenue: 30, margin: 18, margin_revenue: 30 },
      { customer_id: 'K', revenue: 110, margin: 50, margin_revenue: 80 },
    ])
  })
})
