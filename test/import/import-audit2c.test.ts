// Audit round 2 (importer, part c): physical line numbers next to multi-line quoted fields when
// the reader rejects a row, JSON list columns, orders replaced by a later file, order lines keyed
// by their line number or replaced as an order's set; and one badly quoted value in a CSV, which
// made DuckDB's sniffer read the whole file without quoting (every "C1" kept its quote marks, a
// customer of its own, and the bad line went unnamed): the importer gives the dialect instead
// (import-stage.ts QuotedCsv), good rows read right and the bad one is named by its line.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import type { Engine } from '../../src/data/engine.ts'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
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

describe('a bad value holding a line break', () => {
  it('is named on one line, the break written as \\n', async () => {
    const f = write(
      dir,
      'nl.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,5\nB,"2024-01\n-02",6\n',
    )
    const e = await importError(() => orders(f))
    const text = formatProblem(e.problems[0]!)
    expect(text).toMatch(new RegExp(`^${f}:3 ordered_at: cannot read '2024-01\\\\n-02' as a date`))
    expect(text).not.toContain('\n')
  })
})

describe('a quoted header name holding the delimiter, with a row of the wrong width', () => {
  // the row of the wrong width throws DuckDB's sniffer off (one column, no quote); the header
  // was then split at every comma, "Total, USD" into two names, and the good rows were the bad
  const RAGGED =
    'Customer ID,Order Date,"Total, USD"\nA,2024-01-01,5\nB,2024-01-02,6\nC,2024-01-03,7,extra\n'

  it('names only the ragged line, and reads the others under the quoted name', async () => {
    const f = write(dir, 'ragged.csv', RAGGED)
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => [p.line, p.reason])).toEqual([
      [4, 'wrong number of columns (expected 3, found 4)'],
    ])
    const r = await orders(f, { skipBadRows: true })
    expect([r.rowsStored, r.rejected]).toEqual([2, 1])
    const rows = await engine.query<{ customer_id: string; amount: number; currency: string }>(
      'SELECT customer_id, amount, currency FROM orders ORDER BY customer_id',
    )
    expect(rows.map((x) => [x.customer_id, Number(x.amount), x.currency])).toEqual([
      ['A', 5, 'USD'],
      ['B', 6, 'USD'],
    ])
    expect(readFileSync(r.rejectsFile as string, 'utf8').split('\n')[0]).toBe(
      'Customer ID,Order Date,"Total, USD",line,reason,raw_line',
    )
  })

  it('maps a quoted name holding the delimiter', async () => {
    const f = write(dir, 'ragged-map.csv', RAGGED.replace('Total, USD', 'Revenue, net'))
    const r = await orders(f, { skipBadRows: true, map: { amount: 'Revenue, net' } })
    expect([r.rowsStored, r.rejected]).toEqual([2, 1])
  })
})

describe('line numbers after a multi-line quoted field, with a row of the wrong width', () => {
  const ML_COLS =
    'customer_id,order_id,ordered_at,amount,note\n' +
    'C1,O1,2024-01-05,10,"multi\nline\nnote"\n' +
    'C2,O2,2024-01-06,20,x,extra\n' +
    'C3,O3,2024-01-07,abc,y\n'

  it('names the physical line of the wrong-width row and of the rows after it', async () => {
    const f = write(dir, 'ml_cols.csv', ML_COLS)
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => [p.line, p.column])).toEqual([
      [5, null],
      [6, 'amount'],
    ])
    expect(e.problems[0]?.reason).toMatch(/^wrong number of columns \(expected 5, found 6\)/)
  })

  it('writes the physical lines to the rejects file', async () => {
    const f = write(
      dir,
      'bad.csv',
      'customer_id,order_id,ordered_at,amount,note\n' +
        'C1,O1,2024-01-05,10,ok\n' +
        'C2,O2,2024-01-06,abc,"has, comma"\n' +
        'C3,O3,notadate,5,"multi\nline"\n' +
        'C4,O4,2024-01-07,7\n' +
        'C5,O5,2024-01-08,8,x,extra\n' +
        ',O6,2024-01-08,8,x\n' +
        'C7,O7,2024-01-09,9,fine\n',
    )
    const r = await orders(f, { skipBadRows: true })
    expect(r.rejected).toBe(5)
    const text = readFileSync(r.rejectsFile as string, 'utf8')
    // header 1, C1 2, C2 3, C3 4-5, C4 6, C5 7, O6 8
    for (const part of [
      '"has, comma",3,',
      'line",4,',
      ',,,,,6,"wrong number of columns (expected 5, found 4)"',
      ',,,,,7,"wrong number of columns (expected 5, found 6)"',
      ',O6,2024-01-08,8,x,8,',
    ]) {
      expect(text).toContain(part)
    }
  })

  it('counts blank lines and multi-line rejected rows too', async () => {
    const f = write(
      dir,
      'blank.csv',
      'customer_id,order_id,ordered_at,amount\n' +
        'C1,O1,2024-01-05,"1\n0"\n' +
        '\n' +
        'C2,O2,2024-01-06,20,x\n' +
        'C3,O3,2024-01-07,abc\n' +
        'C4,"O\n4",2024-01-07,7,y\n' +
        '\n\n' +
        'C5,O5,2024-01-08,zz\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'amount'],
      [5, null],
      [6, 'amount'],
      [7, null],
      [11, 'amount'],
    ])
  })
})

describe('JSON lines with list and object columns', () => {
  const B =
    '{"customer_id": "C1", "ordered_at": "2024-01-05", "amount": 10, "items": [{"sku":"A","qty":1}], "meta": {"a": {"b": 1}}}\n' +
    '{"customer_id": "C2", "ordered_at": "2024-01-06", "amount": 20, "items": [], "meta": null}\n'
  const API =
    '{"id": 1001, "customer": {"id": 5, "email": "a@x.com"}, "created_at": "2024-01-05T10:00:00Z", "total_price": "10.00", "line_items": [{"sku":"A","quantity":1,"price":"10.00"}]}\n' +
    '{"id": 1002, "customer": {"id": 6, "email": "b@x.com"}, "created_at": "2024-01-06T10:00:00Z", "total_price": "20.00", "line_items": [{"sku":"B","quantity":2,"price":"10.00"}]}\n'

  it('does not take a list column for a scalar field by its name', async () => {
    const r = await orders(write(dir, 'b.jsonl', B))
    expect(r.inserted).toBe(2)
    expect(r.columns.quantity).toBeUndefined()
  })

  it('a mapped list or object column is read, and its values refused as any bad value', async () => {
    const f = write(dir, 'b.jsonl', B)
    const e = await importError(() => orders(f, { map: { quantity: 'meta.a' } }))
    expect(e.problems[0]).toMatchObject({ line: 1, column: 'meta.a' })
    expect(e.problems[0]?.reason).toMatch(/^cannot read '.*' as a (number|quantity)/)
  })

  it('reads records with their own list of line items as orders, not the list as a page', async () => {
    const f = write(dir, 'api.jsonl', API)
    const r = await orders(f, { map: { customer_id: 'customer.email' } })
    expect(r.inserted).toBe(2)
    const rows = await engine.query<{ c: string; a: number }>(
      'SELECT customer_id AS c, amount AS a FROM orders ORDER BY 1',
    )
    expect(rows.map((x) => [x.c, Number(x.a)])).toEqual([
      ['a@x.com', 10],
      ['b@x.com', 20],
    ])
  })

  it('still reads a page of records beside scalar fields', async () => {
    const page = {
      object: 'list',
      has_more: false,
      data: [
        { customer: 'C1', created: '2024-01-05', amount: 10 },
        { customer: 'C2', created: '2024-01-06', amount: 20 },
      ],
    }
    const r = await orders(write(dir, 'page.json', `${JSON.stringify(page)}\n`))
    expect(r.inserted).toBe(2)
  })
})

describe('a later file replaces an order it carries again, and says so', () => {
  const F1 =
    'customer_id,order_id,ordered_at,amount\nC1,O1,2024-01-05,10\nC2,O2,2024-01-06,20\nC1,O3,2024-02-01,5\n'

  it('names the replaced orders with what changed', async () => {
    await orders(write(dir, 'f1.csv', F1))
    const r = await orders(
      write(
        dir,
        'f2.csv',
        'customer_id,order_id,ordered_at,amount\nC1,O3,2024-02-01,5\nC3,O4,2024-02-03,7\nC2,O2,2024-01-06,25\n',
      ),
    )
    expect(r).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 })
    expect(r.changedOrders).toEqual([{ orderId: 'O2', what: 'amount 20 -> 25' }])
    const r3 = await orders(
      write(dir, 'f3.csv', 'customer_id,order_id,ordered_at,amount\nC9,O1,2024-03-05,99.5\n'),
    )
    expect(r3.changedOrders).toEqual([
      {
        orderId: 'O1',
        what: 'customer C1 -> C9; amount 10 -> 99.5; date 2024-01-05 -> 2024-03-05',
      },
    ])
  })

  it('the CLI prints them', async () => {
    await orders(write(dir, 'f1.csv', F1))
    const r = await orders(
      write(dir, 'f3.csv', 'customer_id,order_id,ordered_at,amount\nC9,O1,2024-01-05,10\n'),
    )
    expect(describeImport(r)).toContain(
      "1 stored order replaced by this file's version: O1 (customer C1 -> C9)",
    )
  })
})

describe('order lines: the lines a file carries for an order are its lines', () => {
  const lines = (file: string) => importFile(engine, file, { kind: 'order-lines', now: NOW })
  const stored = async () =>
    (
      await engine.query<{ o: string; p: string; a: number }>(
        'SELECT order_id AS o, product_id AS p, amount AS a FROM order_lines ORDER BY 1, 2, 3',
      )
    ).map((x) => `${x.o}/${x.p}/${Number(x.a)}`)

  it('a corrected re-export replaces the line instead of adding a second one', async () => {
    const head = 'order_id,product_id,product_name,category,quantity,amount\n'
    await lines(
      write(
        dir,
        'lines.csv',
        `${head}O1,P1,"Widget, large",Tools,2,8\nO1,P2,Glue,Supplies,1,2\nO3,P1,Widget,Tools,1,5\n`,
      ),
    )
    const r = await lines(
      write(dir, 'lines2.csv', `${head}O1,P1,"Widget, large",Tools,2,8\nO1,P2,Glue,Supplies,1,3\n`),
    )
    expect(r.linesReplaced).toEqual({ lines: 1, orders: 1 })
    expect(await stored()).toEqual(['O1/P1/8', 'O1/P2/3', 'O3/P1/5'])
    expect(describeImport(r)).toContain('1 stored line of 1 order removed')
    // the same file again changes nothing
    const again = await lines(join(dir, 'lines2.csv'))
    expect(again).toMatchObject({ inserted: 0, updated: 0, linesReplaced: { lines: 0, orders: 0 } })
    expect(await stored()).toEqual(['O1/P1/8', 'O1/P2/3', 'O3/P1/5'])
  })

  it('so does one with a line number column', async () => {
    const head = 'order_id,line_no,product_id,quantity,amount\n'
    await lines(write(dir, 'ln1.csv', `${head}O1,1,P1,2,8\nO1,2,P2,1,2\n`))
    await lines(write(dir, 'ln2.csv', `${head}O1,1,P1,2,8\nO1,2,P2,1,3\n`))
    expect(await stored()).toEqual(['O1/P1/8', 'O1/P2/3'])
  })

  it('keeps identical lines of one order (two of the same product)', async () => {
    const f = write(dir, 'twice.csv', 'order_id,product_id,quantity,amount\nO5,P1,1,4\nO5,P1,1,4\n')
    await lines(f)
    await lines(f)
    expect(await stored()).toEqual(['O5/P1/4', 'O5/P1/4'])
  })

  // the file's lines of an order replace its stored lines: an order with a line rejected by
  // --skip-bad-rows would get a partial set (beside its stored lines, or alone), so it is left out
  it('with --skip-bad-rows an order with a bad line keeps its stored lines, its good lines rejected with it', async () => {
    const head = 'order_id,product_id,product_name,quantity,amount\n'
    await lines(write(dir, 'v1.csv', `${head}O1,P9,Old item,1,100\nO2,Q1,Cup,1,30\n`))
    const f = write(
      dir,
      'v2.csv',
      `${head}O1,P1,Pen,2,40\nO2,Q1,Cup,1,35\nO1,P2,Pad,1,60\nO1,P3,Ink,x,5\n`,
    )
    const rejects = join(dir, 'v2.rejects.csv')
    const skip = { kind: 'order-lines', now: NOW, skipBadRows: true, rejects } as const
    const r = await importFile(engine, f, skip)
    expect(r).toMatchObject({ rowsStored: 1, rejected: 3, leftOut: 2 })
    // O2 is imported as any order is: its corrected line replaces the stored one
    expect(r.linesReplaced).toEqual({ lines: 1, orders: 1 })
    expect(await stored()).toEqual(['O1/P9/100', 'O2/Q1/35'])
    expect(readFileSync(rejects, 'utf8').trim().split('\n')).toEqual([
      'order_id,product_id,product_name,quantity,amount,line,reason',
      'O1,P1,Pen,2,40,2,order_id: order O1 is left out with its bad line 5',
      'O1,P2,Pad,1,60,4,order_id: order O1 is left out with its bad line 5',
      "O1,P3,Ink,x,5,5,quantity: cannot read 'x' as a number",
    ])
    expect(describeImport(r)).toContain(
      '3 bad rows skipped (2 of them good lines of an order with a bad line: such an order is left out whole, what is stored of it kept), written to',
    )
    // a file of that order alone has nothing left to import, and says why
    const alone = write(dir, 'v3.csv', `${head}O1,P1,Pen,2,40\nO1,P2,Pad,1,60\nO1,P3,Ink,x,5\n`)
    const e = await importError(() => importFile(engine, alone, skip))
    expect(e.message).toMatch(
      /v3\.csv: every row is bad \(1\) or left out with a bad line of its order \(2\); nothing was imported\./,
    )
    expect(await stored()).toEqual(['O1/P9/100', 'O2/Q1/35'])
  })

  it('with --skip-bad-rows an order with a bad line gets none of its lines in a fresh workspace', async () => {
    const f = write(
      dir,
      'new.csv',
      'order_id,product_id,quantity,amount\nO1,P1,2,40\nO2,Q1,1,30\nO1,P2,1,60\nO1,P3,x,5\n',
    )
    const r = await importFile(engine, f, { kind: 'order-lines', now: NOW, skipBadRows: true })
    expect(r).toMatchObject({ rowsStored: 1, rejected: 3, leftOut: 2 })
    expect(await stored()).toEqual(['O2/Q1/30'])
  })

  it('counts and names the lines whose order is not in the workspace', async () => {
    await orders(
      write(dir, 'o.csv', 'customer_id,order_id,ordered_at,amount\nC1,O1,2024-01-05,10\n'),
    )
    const r = await lines(
      write(dir, 'l.csv', 'order_id,product_id,amount\nO1,P1,10\nO99,P3,3\nO98,P4,1\nO99,P5,2\n'),
    )
    expect(r.linesWithoutOrder).toEqual({ rows: 3, orders: 2, examples: 'O99, O98' })
    expect(describeImport(r)).toContain(
      'note: 3 lines are of 2 orders not in the workspace (O99, O98); they are stored',
    )
  })
})

const QUOTING = /^bad quoting: a quoted value is never closed/
const stored = () =>
  engine.query<{ customer_id: string; order_id: string }>(
    'SELECT customer_id, order_id FROM orders ORDER BY order_id',
  )

describe('a CSV with one badly quoted value', () => {
  it('names that line, and --skip-bad-rows stores the others without their quote marks', async () => {
    const f = write(
      dir,
      'q.csv',
      'customer_id,order_id,ordered_at,amount,note\n"C1",1,2024-01-01,10,"ok"\n"C2",2,2024-01-02,20,"ok"\n"C3",3,2024-01-03,30,"12" pipe"\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => p.line)).toEqual([4])
    expect(e.problems[0]?.reason).toMatch(QUOTING)
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual([{ n: 0 }])
    const rejects = join(dir, 'rejects.csv')
    const r = await orders(f, { skipBadRows: true, rejects })
    expect(r).toMatchObject({ inserted: 2, rejected: 1 })
    expect(await stored()).toEqual([
      { customer_id: 'C1', order_id: '1' },
      { customer_id: 'C2', order_id: '2' },
    ])
    expect(readFileSync(rejects, 'utf8')).toContain('"12"" pipe"')
  })

  it('a file quoting every value, header included', async () => {
    const f = write(
      dir,
      'all.csv',
      '"customer_id","order_id","ordered_at","amount"\n"C1","1","2024-01-01","10"\n"C2","2","2024-01-02","20\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => [p.line, p.reason.match(QUOTING) !== null])).toEqual([[3, true]])
  })

  it('the line after a good multi-line value is the one named', async () => {
    const f = write(
      dir,
      'ml.csv',
      'customer_id,order_id,ordered_at,amount,note\nC1,1,2024-01-01,10,"line one\nline two"\nC2,2,2024-01-02,20,"unterminated\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => p.line)).toEqual([4])
  })

  it('a quote that runs on to the end is read without quoting: only its own line is bad', async () => {
    const f = write(
      dir,
      'open.csv',
      'order_id,customer_id,order_date,amount\n1,C1,2024-01-01,10\n2,"C1,2024-01-05,20\n3,C2,2024-01-06,5\n4,C3,2024-01-06,5\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map((p) => [p.line, p.column])).toEqual([[3, 'customer_id']])
    expect(e.problems[0]?.reason).toMatch(/^starts with a quote that is never closed/)
    const r = await orders(f, { skipBadRows: true, rejects: join(dir, 'open.rejects.csv') })
    expect(r).toMatchObject({ inserted: 3, rejected: 1 })
  })

  it("a file quoted with ' keeps the sniffer's quote", async () => {
    const f = write(
      dir,
      'single.csv',
      "customer_id,order_id,ordered_at,amount,note\n'C1',1,2024-01-01,10,'a, b'\n'C2',2,2024-01-02,20,'ok'\n",
    )
    expect(await orders(f)).toMatchObject({ inserted: 2 })
    expect(await stored()).toEqual([
      { customer_id: 'C1', order_id: '1' },
      { customer_id: 'C2', order_id: '2' },
    ])
  })

  it('an inch mark inside an unquoted value is no quoting at all', async () => {
    const f = write(
      dir,
      'inch.csv',
      'customer_id,order_id,ordered_at,amount,note\nC1,1,2024-01-01,10,12" pipe\n',
    )
    expect(await orders(f)).toMatchObject({ inserted: 1 })
    expect(await stored()).toEqual([{ customer_id: 'C1', order_id: '1' }])
  })
})
