// importFile against real DuckDB workspace files: happy paths, formats, recognition, and every
// bad-input case with its exact message shape and an unchanged store.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { normalizeCustomerId } from '../../src/core/customer-id.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem, ImportError, UsageError } from '../../src/errors.ts'
import { NOT_UTF8 } from '../../src/service/import/formats.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes, openSource, readingNotes } from '../../src/service/source.ts'
import { buildCustomerSummary, checkAsOf } from '../../src/service/summary.ts'
import { CDNOW, FIXTURES, fingerprint, freshWorkspace, importError, write } from './helpers.ts'

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

async function one<T>(sql: string): Promise<T> {
  const rows = await engine.query(sql)
  return rows[0] as T
}

describe('CDNOW sample', () => {
  test('imports 6,919 orders for 2,357 customers without order ids', async () => {
    const r = await orders(CDNOW)
    expect(r).toMatchObject({ rowsRead: 6919, rowsStored: 6919, inserted: 6919, customers: 2357 })
    expect(r.firstDate).toBe('1997-01-01')
    expect(r.lastDate).toBe('1998-06-30')
    const s = await one<{ n: number; c: number; total: number }>(
      'SELECT count(*) AS n, count(DISTINCT customer_id) AS c, round(sum(amount), 2) AS total FROM orders',
    )
    expect(s.n).toBe(6919)
    expect(s.c).toBe(2357)
    // The file's own total, summed independently of the import.
    const text = readFileSync(CDNOW, 'utf8').trim().split('\n').slice(1)
    const fileTotal = text.reduce((acc, l) => acc + Number(l.split(',')[3]), 0)
    expect(s.total).toBeCloseTo(fileTotal, 6)
  })

  test('importing the same file twice does not double anything', async () => {
    await orders(CDNOW)
    const before = await fingerprint(engine)
    const r = await orders(CDNOW)
    expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 6919 })
    const after = await fingerprint(engine)
    expect(after.orders).toBe(before.orders)
    expect((await one<{ n: number }>('SELECT count(*) AS n FROM imports')).n).toBe(2)
  })

  test('--as-of counts later orders but stores them', async () => {
    const r = await orders(CDNOW, { asOf: '1997-09-30' })
    expect(r.rowsStored).toBe(6919)
    const later = await one<{ n: number }>(
      "SELECT count(*) AS n FROM orders WHERE order_date > DATE '1997-09-30'",
    )
    expect(r.afterAsOf).toBe(later.n)
    expect(later.n).toBeGreaterThan(0)
  })

  test('--as-of: a refund after it is not a later order; a date off the calendar or ahead is refused', async () => {
    const f = write(
      dir,
      'r.csv',
      'customer_id,ordered_at,amount,order_id\nc1,2024-01-02,10,o1\nc1,2024-03-02,-10,o1\nc2,2024-03-05,7,o2\n',
    )
    expect((await orders(f, { asOf: '2024-02-01' })).afterAsOf).toBe(1)
    for (const [asOf, message] of [
      ['2024-02-30', 'invalid date "2024-02-30": there is no such day in the calendar'],
      ['2025-01-03', '--as-of 2025-01-03 is in the future'],
    ] as const) {
      const e = await orders(f, { asOf }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(UsageError)
      expect((e as Error).message).toContain(message)
    }
  })

  test('--as-of with a kind other than orders is refused, nothing stored', async () => {
    const f = write(dir, 'ref.csv', 'referrer_id,referred_id,referred_at\nc1,c2,2024-01-02\n')
    const before = await fingerprint(engine)
    const e = await importFile(engine, f, {
      kind: 'referrals',
      asOf: '2024-02-01',
      now: NOW,
    }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(UsageError)
    expect((e as Error).message).toContain('--as-of counts the orders after a date')
    expect((e as Error).message).toContain('--kind referrals')
    expect(await fingerprint(engine)).toEqual(before)
    // without it the same file goes in
    expect((await importFile(engine, f, { kind: 'referrals', now: NOW })).rowsStored).toBe(1)
  })

  test('--as-of may be tomorrow where the day is furthest along (UTC+14), not later', () => {
    // 17:25 UTC is 07:25 the next morning in Kiritimati: its tomorrow is two UTC days ahead, and
    // an order at 01:00 there made that day the default as-of that --as-of refused
    const evening = new Date('2026-12-05T17:25:00Z')
    expect(() => checkAsOf('2026-12-07', evening)).not.toThrow()
    expect(() => checkAsOf('2026-12-08', evening)).toThrow(
      '--as-of 2026-12-08 is in the future: recency, tenure and T would count days that have not happened yet (use a date up to 2026-12-07, tomorrow where the day is furthest along, UTC+14)',
    )
    // 05:00 UTC is 19:00 the same day there: tomorrow is UTC's tomorrow
    const morning = new Date('2026-12-05T05:00:00Z')
    expect(() => checkAsOf('2026-12-06', morning)).not.toThrow()
    expect(() => checkAsOf('2026-12-07', morning)).toThrow(UsageError)
  })

  test('a summary of nothing but refunds says so, not that the workspace is empty', async () => {
    await expect(buildCustomerSummary(engine, { unit: 'day' })).rejects.toThrow(
      'there are no orders in the workspace: import some first',
    )
    await orders(write(dir, 'ref.csv', 'customer_id,ordered_at,amount\nA,2024-01-01,-10\n'))
    await expect(buildCustomerSummary(engine, { unit: 'day' })).rejects.toThrow(
      'there are no purchases: every order row is a refund (a negative amount)',
    )
  })

  test('a directory given as the orders source is named as one', async () => {
    await expect(openSource(dir, {})).rejects.toThrow(`${dir}: is a directory, not a file`)
  })
})

describe('keys, duplicates and refunds', () => {
  test('an order given to another customer on re-import takes its stored refund along', async () => {
    const first = write(
      dir,
      'a.csv',
      'customer_id,ordered_at,amount,order_id\nc1,2024-01-02,30,o4\nc1,2024-01-09,-30,o4\nc1,2024-01-03,5,o5\n',
    )
    expect((await orders(first)).refundsMoved).toBe(0)
    const again = write(
      dir,
      'b.csv',
      'customer_id,ordered_at,amount,order_id\nZ,2024-01-02,30,o4\n',
    )
    expect(await orders(again)).toMatchObject({ updated: 1, refundsMoved: 1 })
    const rows = await engine.query<{ customer_id: string; amount: number }>(
      "SELECT customer_id, amount FROM orders WHERE order_id = 'o4' ORDER BY amount",
    )
    expect(rows).toEqual([
      { customer_id: 'Z', amount: -30 },
      { customer_id: 'Z', amount: 30 },
    ])
    // the same file again moves nothing
    expect(await orders(again)).toMatchObject({ unchanged: 1, refundsMoved: 0 })
    const info = await buildCustomerSummary(engine, { unit: 'day', asOf: '2024-02-01' })
    // Z's order refunded in full is no purchase; c1 keeps o5 alone, unrefunded
    expect(info.customers).toBe(1)
    const sums = await engine.query<{ customer_id: string; revenue: number }>(
      'SELECT customer_id, revenue FROM customer_summary ORDER BY 1',
    )
    expect(sums).toEqual([{ customer_id: 'c1', revenue: 5 }])
  })

  test('identical rows without an order id are distinct orders, stable across re-imports', async () => {
    const f = write(dir, 'o.csv', 'customer,date,total\nc1,2024-01-02,10\nc1,2024-01-02,10\n')
    expect((await orders(f)).inserted).toBe(2)
    expect((await orders(f)).inserted).toBe(0)
    expect((await one<{ n: number }>('SELECT count(*) AS n FROM orders')).n).toBe(2)
  })

  test('one customer, one id: emails in any case and names in any Unicode form are one', async () => {
    const nfd = 'Ju\u0308rgen'
    const f = write(
      dir,
      'ids.csv',
      `order_id,customer_id,ordered_at,amount\nO1,Ann@X.com,2024-01-05,1\nO2,ann@x.com ,2024-01-06,1\nO3,ANN@X.COM,2024-01-07,1\nO4,J\u00fcrgen,2024-01-05,2\nO5,${nfd},2024-01-06,2\nO6,Bob,2024-01-06,3\nO7,bob,2024-01-07,3\n`,
    )
    expect((await orders(f)).customers).toBe(4)
    const ids = await engine.query<{ customer_id: string; n: number }>(
      'SELECT customer_id, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1',
    )
    // ids that are not emails keep their case (Bob and bob are two customers)
    expect(ids.map((r) => [r.customer_id, Number(r.n)])).toEqual([
      ['Bob', 1],
      ['J\u00fcrgen', 2],
      ['ann@x.com', 3],
      ['bob', 1],
    ])
    // the rule a typed id is looked up by is the importer's
    const raw = ['Ann@X.com', 'ann@x.com ', 'ANN@X.COM', 'J\u00fcrgen', nfd, 'Bob', 'bob']
    expect(new Set(raw.map(normalizeCustomerId))).toEqual(new Set(ids.map((r) => r.customer_id)))
  })

  test('only an id that is an email address is folded to lower case, in SQL as in normalizeCustomerId', async () => {
    const raw = [
      'Ann@X.com',
      'Store@1',
      'store@1',
      '@SUM(A1)',
      'A@B',
      'Ann Lee@X.com',
      'Ann@X.',
      'J\u00dcRGEN@Example.DE',
      'Ju\u0308rgen@X',
    ]
    const f = write(
      dir,
      'at.csv',
      `order_id,customer_id,ordered_at,amount\n${raw.map((id, i) => `O${i},"${id}",2024-01-05,1`).join('\n')}\n`,
    )
    expect((await orders(f)).customers).toBe(raw.length)
    const stored = await engine.query<{ order_id: string; customer_id: string }>(
      'SELECT order_id, customer_id FROM orders ORDER BY source_line',
    )
    expect(stored.map((r) => r.customer_id)).toEqual(raw.map(normalizeCustomerId))
    expect(stored.map((r) => r.customer_id)).toEqual([
      'ann@x.com',
      'Store@1',
      'store@1',
      '@SUM(A1)',
      'A@B',
      'Ann Lee@X.com',
      'Ann@X.',
      'j\u00fcrgen@example.de',
      'J\u00fcrgen@X',
    ])
  })

  test('ids trimmed of spaces (not tabs) and written with zero decimals: SQL as normalizeCustomerId', async () => {
    // the API spells an id it is sent with normalizeCustomerId: an imported id must be the same
    // text, or the API reaches another customer ("\tTAB\t" went to TAB there, stayed apart here)
    const raw = ['\tTAB\t', 'TAB', '\u00a0nb\u3000', '12.00', '12.0', '12', '007.0', '1.5', '3.']
    const f = write(
      dir,
      'ids.csv',
      `order_id,customer_id,ordered_at,amount\n${raw.map((id, i) => `O${i},"${id}",2024-01-05,1`).join('\n')}\n`,
    )
    await orders(f)
    const stored = await engine.query<{ customer_id: string }>(
      'SELECT customer_id FROM orders ORDER BY source_line',
    )
    expect(stored.map((r) => r.customer_id)).toEqual(raw.map(normalizeCustomerId))
    expect(stored.map((r) => r.customer_id)).toEqual([
      '\tTAB\t',
      'TAB',
      'nb',
      '12',
      '12',
      '12',
      '007',
      '1.5',
      '3.',
    ])
  })

  test('identical repeats of an order id collapse to one order', async () => {
    const f = write(
      dir,
      'o.csv',
      'order_id,customer_id,ordered_at,amount\nA-1,c1,2024-01-02,10\nA-1,c1,2024-01-02,10\n',
    )
    const r = await orders(f)
    expect(r).toMatchObject({ rowsRead: 2, rowsStored: 1 })
  })

  test('the same order id with different content names both lines', async () => {
    const rows = ['order_id,customer_id,ordered_at,amount', 'A-0,c0,2024-01-01,5']
    for (let i = 0; i < 3; i++) rows.push(`B-${i},c1,2024-01-02,1`)
    rows.push('A-1,c1,2024-01-02,10') // line 6
    for (let i = 0; i < 5; i++) rows.push(`C-${i},c2,2024-01-03,2`)
    rows.push('A-1,c1,2024-01-02,12') // line 12
    const f = write(dir, 'dup.csv', `${rows.join('\n')}\n`)
    await orders(CDNOW)
    const before = await fingerprint(engine)
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:12 order_id: order A-1 also on line 6 with different content (amount)`,
    ])
    expect(await fingerprint(engine)).toEqual(before)
  })

  test("Excel's accounting zero ($ -) is an amount of 0; a dash alone stays a missing amount", async () => {
    const f = write(
      dir,
      'accounting.csv',
      'customer_id,ordered_at,amount\nacc1,2024-01-01," $ -   "\nacc1,2024-01-02,"$ 12.00 "\nacc2,2024-01-03,"- $"\n',
    )
    await orders(f)
    expect(
      await engine.query(`SELECT amount FROM orders WHERE source = '${f}' ORDER BY source_line`),
    ).toEqual([{ amount: 0 }, { amount: 12 }, { amount: 0 }])
    const dash = write(dir, 'dash.csv', 'customer_id,ordered_at,amount\nacc3,2024-01-01,-\n')
    const e = await importError(() => orders(dash))
    expect(e.problems.map(formatProblem)).toEqual([
      `${dash}:2 amount: cannot read '-' as an amount`,
    ])
  })

  test('an amount of -0 is the amount 0: the same order id with 0 and -0 is one order', async () => {
    const f = write(
      dir,
      'zero.csv',
      'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-05,0\nO1,A,2024-01-05,-0\nO2,B,2024-01-06,5\n',
    )
    expect(await orders(f)).toMatchObject({ rowsRead: 3, rowsStored: 2 })
    const rows = await engine.query<{ amount: number }>(
      "SELECT amount FROM orders WHERE order_id = 'O1'",
    )
    expect(rows.map((r) => Object.is(r.amount, -0))).toEqual([false])
  })

  test('a row with a bad value is left out of the same order id comparison', async () => {
    // '-1O.00' meant a refund, which may repeat its order's id; the good rows are still compared
    const f = write(
      dir,
      'typo.csv',
      'customer_id,order_id,ordered_at,amount\nA,1,2024-01-01,100.00\nA,1,2024-01-02,-1O.00\nA,1,2024-01-05,50\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 amount: cannot read '-1O.00' as an amount`,
      `${f}:4 order_id: order 1 also on line 2 with different content (ordered_at, amount)`,
    ])
    // the first row bad: the one after it is the order, and is stored when the bad one is skipped
    const g = write(
      dir,
      'typo-first.csv',
      'customer_id,order_id,ordered_at,amount\nA,2,2024-01-01,1OO\nA,2,2024-01-02,100\n',
    )
    const r = await orders(g, { skipBadRows: true })
    expect(r.rowsStored).toBe(1)
    expect(readFileSync(`${g}.rejects.csv`, 'utf8')).not.toContain('different content')
  })

  test('with --skip-bad-rows the refunds of an order whose own row is bad are left out with it', async () => {
    const f = write(
      dir,
      'orphan.csv',
      'order_id,customer_id,ordered_at,amount\n1,A,2024-01-01,100\n2,A,2024-01-05,5O.00\n2,A,2024-01-06,-50\n3,A,2024-01-09,40\n3,A,2024-01-10,-10\n',
    )
    const r = await orders(f, { skipBadRows: true })
    expect(r.rowsStored).toBe(3)
    // revenue 100 + 40 - 10: the refund of the rejected order 2 took back 50 the store never had
    expect(await one<{ s: number }>('SELECT sum(amount) AS s FROM orders')).toEqual({ s: 130 })
    const rejects = readFileSync(`${f}.rejects.csv`, 'utf8')
    expect(rejects).toContain("cannot read '5O.00' as an amount")
    expect(rejects).toContain('a refund of order 2, whose own row (line 3) is rejected')
    // the order imported later, fixed, takes its refund from a file of its own as usual
    const fixed = write(
      dir,
      'orphan-fixed.csv',
      'order_id,customer_id,ordered_at,amount\n2,A,2024-01-05,50.00\n2,A,2024-01-06,-50\n',
    )
    await orders(fixed)
    expect(await one<{ s: number }>('SELECT sum(amount) AS s FROM orders')).toEqual({ s: 130 })
    // a refund whose order is stored already stays, though this file's copy of the order is bad
    const again = write(
      dir,
      'orphan-again.csv',
      'order_id,customer_id,ordered_at,amount\n1,A,2024-01-01,1OO\n1,A,2024-02-01,-20\n4,A,2024-02-02,7\n',
    )
    const r2 = await orders(again, { skipBadRows: true })
    expect(r2.rowsStored).toBe(2)
    expect(await one<{ s: number }>('SELECT sum(amount) AS s FROM orders')).toEqual({ s: 117 })
  })

  test('refunds are stored as negative rows keyed to their order and net against it', async () => {
    const f = write(
      dir,
      'r.csv',
      'order_id,customer_id,ordered_at,amount\nA-1,c1,2024-01-02,100\nA-1,c1,2024-01-05,-30\nA-1,c1,2024-01-06,-20\n',
    )
    const r = await orders(f)
    expect(r.rowsStored).toBe(3)
    const keys = await engine.query<{ order_key: string; amount: number }>(
      'SELECT order_key, amount FROM orders ORDER BY amount DESC',
    )
    expect(keys.map((k) => k.amount)).toEqual([100, -20, -30])
    expect(keys[0]?.order_key).toBe('A-1')
    for (const k of keys.slice(1)) expect(k.order_key).toMatch(/^A-1:refund:[0-9a-f]{10}:1$/)
    const net = await one<{ s: number }>(
      "SELECT sum(amount) AS s FROM orders WHERE order_id = 'A-1'",
    )
    expect(net.s).toBe(50)
    expect((await orders(f)).inserted).toBe(0)
  })

  test('a refund naming another customer than its order (in the file or stored) is a bad row', async () => {
    const f = write(
      dir,
      'r.csv',
      'order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-05,100\nO1,C9,2024-01-20,-30\nO2,C2,2024-01-06,50\nO2,C2,2024-01-07,-10\n',
    )
    const before = await fingerprint(engine)
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 customer_id: refund of order O1 names customer C9, but the order on line 2 is customer C1's`,
    ])
    expect(await fingerprint(engine)).toEqual(before)
    // against the stored order when the file does not carry it
    await orders(
      write(dir, 'a.csv', 'order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-05,100\n'),
    )
    const later = write(
      dir,
      'b.csv',
      'order_id,customer_id,ordered_at,amount\nO1,C9,2024-01-20,-30\n',
    )
    const stored = await fingerprint(engine)
    const e2 = await importError(() => orders(later))
    expect(e2.problems.map(formatProblem)).toEqual([
      `${later}:2 customer_id: refund of order O1 names customer C9, but the stored order is customer C1's`,
    ])
    expect(await fingerprint(engine)).toEqual(stored)
    // a file that gives the order to C9 with its refund is a move, not a conflict
    const moved = write(
      dir,
      'c.csv',
      'order_id,customer_id,ordered_at,amount\nO1,C9,2024-01-05,100\nO1,C9,2024-01-20,-30\n',
    )
    expect(await orders(moved)).toMatchObject({ updated: 1 })
  })

  test('an order naming another customer than its refund stored before it is a bad row', async () => {
    const refunds = write(
      dir,
      'rf1.csv',
      'customer_id,order_id,ordered_at,amount\nB,1,2024-01-03,-10\n',
    )
    await orders(refunds)
    const later = write(
      dir,
      'rf2.csv',
      'customer_id,order_id,ordered_at,amount\nA,1,2024-01-01,10\nA,2,2024-01-02,5\n',
    )
    const stored = await fingerprint(engine)
    const e = await importError(() => orders(later))
    expect(e.problems.map(formatProblem)).toEqual([
      `${later}:2 customer_id: order 1 is customer A's, but the stored refund of it (-10 on 2024-01-03 from ${refunds}) names customer B`,
    ])
    expect(await fingerprint(engine)).toEqual(stored)
    // skipping it stores the other order, again and again alike; the refunds file stays unchanged
    for (let i = 0; i < 2; i++) {
      expect(await orders(later, { skipBadRows: true })).toMatchObject({ rowsStored: 1 })
      expect(await orders(refunds)).toMatchObject({ inserted: 0, unchanged: 1 })
    }
    const ids = await engine.query<{ order_id: string }>(
      "SELECT order_id FROM orders WHERE customer_id = 'A'",
    )
    expect(ids).toEqual([{ order_id: '2' }])
    // the refund's own customer may place the order: it is then netted
    await orders(
      write(dir, 'rf3.csv', 'customer_id,order_id,ordered_at,amount\nB,1,2024-01-01,10\n'),
    )
    const net = await one<{ s: number }>("SELECT sum(amount) AS s FROM orders WHERE order_id = '1'")
    expect(net.s).toBe(0)
  })

  test('another refund of an order in a later file is added; the same refund again is not', async () => {
    const first = write(
      dir,
      'jan.csv',
      'order_id,customer_id,ordered_at,amount\nO1,c1,2024-01-02,100\nO1,c1,2024-01-20,-10\n',
    )
    const later = write(
      dir,
      'mar.csv',
      'order_id,customer_id,ordered_at,amount\nO1,c1,2024-03-01,-5\n',
    )
    const twice = write(
      dir,
      'twice.csv',
      'order_id,customer_id,ordered_at,amount\nO1,c1,2024-04-01,-1\nO1,c1,2024-04-01,-1\n',
    )
    await orders(first)
    expect((await orders(later)).inserted).toBe(1)
    expect((await orders(later)).inserted).toBe(0)
    expect((await orders(twice)).inserted).toBe(2)
    expect((await orders(first)).inserted).toBe(0)
    const net = await one<{ s: number }>(
      "SELECT sum(amount) AS s FROM orders WHERE order_id = 'O1'",
    )
    expect(net.s).toBe(100 - 10 - 5 - 2)
  })

  test('a changed amount on re-import updates the order in place', async () => {
    write(dir, 'a.csv', 'order_id,customer_id,ordered_at,amount\nA-1,c1,2024-01-02,10\n')
    await orders(join(dir, 'a.csv'))
    write(dir, 'a.csv', 'order_id,customer_id,ordered_at,amount\nA-1,c1,2024-01-02,11\n')
    const r = await orders(join(dir, 'a.csv'))
    expect(r).toMatchObject({ inserted: 0, updated: 1 })
    expect((await one<{ amount: number }>('SELECT amount FROM orders')).amount).toBe(11)
  })

  test('a file without the optional columns keeps the stored ones, and is unchanged', async () => {
    await orders(
      write(
        dir,
        'full.csv',
        'order_id,customer_id,ordered_at,amount,cost,channel,campaign,currency\n' +
          'A-1,c1,2024-01-02,10,4,web,spring,EUR\nA-2,c2,2024-01-03,20,5,shop,,EUR\n',
      ),
    )
    const stored =
      'SELECT order_id, cost, margin, channel, campaign, currency FROM orders ORDER BY 1'
    const kept = 'SELECT order_id, channel, campaign, currency FROM orders ORDER BY 1'
    const before = await engine.query(kept)
    const r = await orders(
      write(
        dir,
        'bare.csv',
        'order_id,customer_id,ordered_at,amount,cost\nA-1,c1,2024-01-02,10,4\nA-2,c2,2024-01-03,20,5\n',
      ),
    )
    expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
    expect(await engine.query(kept)).toEqual(before)
    // cost and margin go with the amount: a file without them stores none, never a stale margin
    // beside a new amount (20 with the margin 6 of 10 at cost 4)
    const noCost = await orders(
      write(
        dir,
        'no-cost.csv',
        'order_id,customer_id,ordered_at,amount\nA-1,c1,2024-01-02,20\nA-2,c2,2024-01-03,20\n',
      ),
    )
    expect(noCost).toMatchObject({ updated: 2 })
    expect(await engine.query(stored)).toEqual([
      {
        order_id: 'A-1',
        cost: null,
        margin: null,
        channel: 'web',
        campaign: 'spring',
        currency: 'EUR',
      },
      {
        order_id: 'A-2',
        cost: null,
        margin: null,
        channel: 'shop',
        campaign: null,
        currency: 'EUR',
      },
    ])
    // a column the file has replaces the stored value, empty or not; margin follows the cost
    const c = await orders(
      write(
        dir,
        'cost.csv',
        'order_id,customer_id,ordered_at,amount,cost,channel\nA-1,c1,2024-01-02,10,6,\nA-2,c2,2024-01-03,20,5,shop\n',
      ),
    )
    expect(c).toMatchObject({ updated: 2, unchanged: 0 })
    expect(await engine.query(stored)).toEqual([
      { order_id: 'A-1', cost: 6, margin: 4, channel: null, campaign: 'spring', currency: 'EUR' },
      { order_id: 'A-2', cost: 5, margin: 15, channel: 'shop', campaign: null, currency: 'EUR' },
    ])
  })

  test('margin is amount - cost, or the margin column', async () => {
    const f = write(
      dir,
      'm.csv',
      'id,cust,date,revenue,cogs\n1,c1,2024-01-02,100,60\n2,c1,2024-01-03,50,\n',
    )
    await orders(f, { map: { order_id: 'id' } })
    const rows = await engine.query<{ margin: number | null }>(
      'SELECT margin FROM orders ORDER BY order_id',
    )
    expect(rows.map((r) => r.margin)).toEqual([40, null])
  })
})

describe('the same file again', () => {
  test('changes nothing, even after a later file corrected its rows (orders and customers)', async () => {
    const head = 'order_id,customer_id,ordered_at,amount\n'
    const jan = write(
      dir,
      'jan.csv',
      `${head}O1,C1,2024-01-10T10:00:00Z,100\nO2,C2,2024-01-12T10:00:00Z,50\n`,
    )
    const feb = write(
      dir,
      'feb.csv',
      `${head}O1,C1,2024-01-10T10:00:00Z,80\nO3,C1,2024-02-12T10:00:00Z,20\n`,
    )
    await orders(jan)
    await orders(feb)
    const again = await orders(jan)
    expect([again.inserted, again.updated, again.importedBefore?.keptLater]).toEqual([0, 0, 1])
    expect(importNotes(again).join('\n')).toContain(`the same file was imported before (${jan}, `)
    expect(await engine.query('SELECT order_id, amount FROM orders ORDER BY order_id')).toEqual([
      { order_id: 'O1', amount: 80 },
      { order_id: 'O2', amount: 50 },
      { order_id: 'O3', amount: 20 },
    ])
    // a gzip copy of it is the same file (its text's digest), not a later one undoing the fix
    const gz = write(dir, 'jan.csv.gz', gzipSync(readFileSync(jan), { level: 1 }))
    const zipped = await orders(gz)
    expect([zipped.inserted, zipped.updated, zipped.importedBefore?.keptLater]).toEqual([0, 0, 1])
    expect(await engine.query('SELECT order_id, amount FROM orders ORDER BY order_id')).toEqual([
      { order_id: 'O1', amount: 80 },
      { order_id: 'O2', amount: 50 },
      { order_id: 'O3', amount: 20 },
    ])
    // another file with the old version is a later file: its version wins, as documented
    const old = write(dir, 'jan-copy.csv', `${head}O1,C1,2024-01-10T10:00:00Z,100\n`)
    expect((await orders(old)).updated).toBe(1)
    // customers files the same way
    const c1 = write(dir, 'c1.csv', 'customer_id,country\nC1,DE\n')
    const c2 = write(dir, 'c2.csv', 'customer_id,country\nC1,FR\n')
    const customers = (f: string) => importFile(engine, f, { kind: 'customers', now: NOW })
    await customers(c1)
    await customers(c2)
    expect((await customers(c1)).importedBefore?.keptLater).toBe(1)
    expect(await engine.query('SELECT customer_id, country FROM customers')).toEqual([
      { customer_id: 'C1', country: 'FR' },
    ])
  })

  test('changes nothing for order lines either, whether a later file changed, dropped or added lines', async () => {
    await orders(
      write(
        dir,
        'lo.csv',
        'order_id,customer_id,ordered_at,amount\nL1,C1,2024-01-05,30\nL2,C2,2024-01-06,10\n',
      ),
    )
    const head = 'order_id,product,quantity,amount\n'
    const v1 = write(dir, 'l1.csv', `${head}L1,Shoe,1,20\nL1,Sock,1,10\nL2,Hat,1,10\n`)
    const lines = (f: string) => importFile(engine, f, { kind: 'order-lines', now: NOW })
    const stored = async () =>
      (
        await engine.query<{ o: string; p: string }>(
          "SELECT order_id AS o, product_id AS p FROM order_lines WHERE order_id IN ('L1', 'L2') ORDER BY 1, 2",
        )
      ).map((r) => `${r.o} ${r.p}`)
    await lines(v1)
    // a later file changes L2's line (Hat -> Cap): the first file again keeps Cap
    await lines(write(dir, 'l2.csv', `${head}L1,Shoe,1,20\nL1,Sock,1,10\nL2,Cap,1,10\n`))
    const again = await lines(v1)
    // one of the file's three rows (Hat) has a later version; nothing was added to its orders
    expect([again.inserted, again.updated, again.importedBefore]).toEqual([
      0,
      0,
      expect.objectContaining({ keptLater: 1 }),
    ])
    expect(again.importedBefore?.addedLater).toBeUndefined()
    expect(again.readAgain).toBeNull()
    expect(await stored()).toEqual(['L1 Shoe', 'L1 Sock', 'L2 Cap'])
    // one adds a line to L1: kept too, and said apart from the file's own rows (it had no Belt)
    await lines(write(dir, 'l3.csv', `${head}L1,Shoe,1,20\nL1,Sock,1,10\nL1,Belt,1,5\n`))
    const third = await lines(v1)
    expect(third.importedBefore).toMatchObject({ keptLater: 1, addedLater: 1 })
    expect(readingNotes(third).join('\n')).toContain(
      'and 1 of its rows has been changed by later imports since: it keeps its later version; later imports added 1 line to its orders, which stays (an import of the same file again changes nothing)',
    )
    expect(await stored()).toEqual(['L1 Belt', 'L1 Shoe', 'L1 Sock', 'L2 Cap'])
    // a file again with nothing changed since: no note
    const l4 = write(dir, 'l4.csv', `${head}L1,Shoe,1,20\nL1,Sock,1,10\nL1,Belt,1,5\n`)
    expect((await lines(l4)).importedBefore).toBeUndefined()
    expect((await lines(l4)).importedBefore).toBeUndefined()
  })
})

describe('dates, time zones and amounts', () => {
  test('a currency symbol after the number, a trailing minus, thousands grouped by (no-break) spaces', async () => {
    const point = write(
      dir,
      'suffix.csv',
      'order_id,customer_id,ordered_at,amount\nS1,s1,2024-01-05,12.50 €\nS2,s1,2024-01-06,3 €\nS3,s1,2024-01-07,4€\nS4,s1,2024-01-08,€5.25\nS1,s1,2024-01-09,2.50-\n',
    )
    await orders(point)
    const comma = write(
      dir,
      'suffix-comma.csv',
      'order_id;customer_id;ordered_at;amount\nT1;t1;2024-01-05;12,50 €\nT2;t1;2024-01-06;1 234,50\nT3;t1;2024-01-07;1\u00a0000,00 €\nT4;t1;2024-01-08;2\u202f000\u202f000,25\nT5;t1;2024-01-09;1.234.567,50\n' +
        // as Excel and Intl (de-DE, fr-FR) write money: a no-break space before the symbol or
        // after it, and the minus sign U+2212
        'T6;t1;2024-01-10;12,00\u00a0€\nT7;t1;2024-01-11;€\u00a012,00\nT8;t1;2024-01-12;\u22125,00\u202f€\n',
    )
    const r = await orders(comma)
    expect(r.decimalCommaFound).toEqual(['amount'])
    // a status column is no number column, though the refunded amount is read from it
    const status = write(
      dir,
      'comma-status.csv',
      'Date;Order;Customer;Amount;Status\n03.01.2023;U1;u1;1.234,50;completed\n15.02.2023;U2;u1;99,95;cancelled\n',
    )
    expect((await orders(status)).decimalCommaFound).toEqual(['Amount'])
    const amounts = async (f: string) =>
      (
        await engine.query<{ amount: number }>(
          `SELECT amount FROM orders WHERE source = '${f}' ORDER BY source_line`,
        )
      ).map((x) => x.amount)
    expect(await amounts(point)).toEqual([12.5, 3, 4, 5.25, -2.5])
    expect(await amounts(comma)).toEqual([12.5, 1234.5, 1000, 2000000.25, 1234567.5, 12, 12, -5])
    // the same with a decimal point: 12.00 USD after a no-break space, a minus sign
    const typo = write(
      dir,
      'typographic.csv',
      'order_id,customer_id,ordered_at,amount\nV1,v1,2024-01-05,12.00\u00a0USD\nV2,v1,2024-01-06,$\u00a03.50\nV3,v1,2024-01-07,\u22122.25\n',
    )
    await orders(typo)
    expect(await amounts(typo)).toEqual([12, 3.5, -2.25])
  })

  test('1.234,50 reads as 1234.5 with --decimal-comma, or found so when no value has a decimal point', async () => {
    const body =
      'Kunde;Datum;Betrag;Kosten\nk1;2024-01-01;1.234,50 EUR;100\nk1;2024-02-01;(12,50);\n' +
      'k2;2024-01-03;€ 2.000;1,5\nk2;2024-01-04;7;\n'
    const map = { customer_id: 'Kunde', ordered_at: 'Datum', amount: 'Betrag', cost: 'Kosten' }
    // a decimal point on one row ('3.50') and a comma-thousand on another ('1,250'): the file
    // reads no one way, so each value a decimal comma would mend says so
    const mixed = write(dir, 'mixed.csv', `${body}k3;2024-01-05;3.50;\nk3;2024-01-06;"1,250";\n`)
    const e = await importError(() => orders(mixed, { map }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${mixed}:2 Betrag: cannot read '1.234,50 EUR' as an amount (written with a decimal comma? pass --decimal-comma)`,
      `${mixed}:3 Betrag: cannot read '(12,50)' as an amount (written with a decimal comma? pass --decimal-comma)`,
      `${mixed}:4 Kosten: cannot read '1,5' as an amount (written with a decimal comma? pass --decimal-comma)`,
    ])
    const thousands = write(dir, 'thousands.csv', `${body}k3;2024-01-06;"1,250";\n`)
    await expect(orders(thousands, { map })).rejects.toThrow(/: 3 bad rows; nothing was imported/)
    const expected = [
      { amount: 1234.5, cost: 100 },
      { amount: -12.5, cost: null },
      { amount: 2000, cost: 1.5 },
      { amount: 7, cost: null },
    ]
    const given = write(dir, 'de-flag.csv', body)
    const r1 = await orders(given, { map, decimalComma: true })
    expect(r1.decimalCommaFound).toBeNull()
    // other customers: the same rows again would be the same orders, stored once
    const f = write(dir, 'de.csv', body.replaceAll('\nk', '\nm'))
    const r2 = await orders(f, { map })
    expect(r2.decimalCommaFound).toEqual(['Betrag', 'Kosten'])
    expect(importNotes(r2)).toEqual([
      `${f}: the numbers in Betrag, Kosten are written with a decimal comma (12,50; a point between thousands) and none with a decimal point, so they were read so (as with --decimal-comma)`,
    ])
    for (const file of [given, f]) {
      const rows = await engine.query<{ amount: number; cost: number | null }>(
        `SELECT amount, cost FROM orders WHERE source = '${file}' ORDER BY source_line`,
      )
      expect(rows).toEqual(expected)
    }
    // with the flag, a value of another shape is named as written
    const bad = write(
      dir,
      'de2.csv',
      'Kunde;Datum;Betrag;Kosten\nk1;2024-01-01;12,5x;\nk1;2024-01-02;12,50 XY;\n',
    )
    const e2 = await importError(() => orders(bad, { map, decimalComma: true }))
    expect(e2.problems.map(formatProblem)).toEqual([
      `${bad}:2 Betrag: cannot read '12,5x' as an amount`,
      // quoted as written, not as the decimal comma rewrote it ('12.50 XY')
      `${bad}:3 Betrag: cannot read '12,50 XY' as an amount`,
    ])
    // a refund row under its order's id: before its amount reads it looks like the order repeated
    const refund = write(
      dir,
      'de-refund.csv',
      'Bestellnummer;Kundennummer;Bestelldatum;Betrag\nR1;r;2024-01-01;12,55\nR2;r;2024-01-03;146,00\nR2;r;2024-01-04;-73,00\n',
    )
    const r3 = await orders(refund)
    expect(r3.decimalCommaFound).toEqual(['Betrag'])
    expect(
      await engine.query(
        `SELECT amount FROM orders WHERE source = '${refund}' ORDER BY source_line`,
      ),
    ).toEqual([{ amount: 12.55 }, { amount: 146 }, { amount: -73 }])
  })

  test('amounts whose every point has three digits after it (2.000) are read as decimals, and said', async () => {
    const f = write(
      dir,
      'de-points.csv',
      'Kunde;Datum;Betrag\np1;2024-01-01;2.000\np1;2024-01-02;1.500\n',
    )
    const r = await orders(f)
    expect(importNotes(r)).toContain(
      `${f}: every amount with a point in Betrag has three digits after it (such as 2.000), read as a decimal point (2.000 = 2); if the point separates thousands, pass --decimal-comma`,
    )
    // one amount with cents says the points are decimal points: no note
    const g = write(
      dir,
      'de-points2.csv',
      'Kunde;Datum;Betrag\np2;2024-01-01;2.000\np2;2024-01-02;1.50\n',
    )
    expect((await orders(g)).pointThousands).toEqual([])
    // in dinars (three decimals) 2.000 is two: no note, by the currency column or the header
    const kwd = write(
      dir,
      'kwd-points.csv',
      'customer_id,ordered_at,amount,currency\nk1,2024-01-01,2.000,KWD\nk1,2024-01-02,12.500,kwd\n',
    )
    expect((await orders(kwd)).pointThousands).toEqual([])
    const header = write(
      dir,
      'kwd-header.csv',
      'customer_id,ordered_at,Amount (BHD)\nk2,2024-01-01,2.000\nk2,2024-01-02,12.500\n',
    )
    expect((await orders(header)).pointThousands).toEqual([])
    // a file of euros written so still gets it
    const eur = write(
      dir,
      'eur-points.csv',
      'customer_id,ordered_at,amount,currency\ne1,2024-01-01,2.000,EUR\ne1,2024-01-02,12.500,EUR\n',
    )
    expect((await orders(eur)).pointThousands).toEqual(['amount'])
    // ... and with the currency's mark or code beside the numbers (they read as 1.5 and 2, unsaid)
    const marked = write(
      dir,
      'de-points-marked.csv',
      'Kunde;Datum;Betrag\np3;2024-01-01;1.500 €\np3;2024-01-02;EUR 2.000\np3;2024-01-03;750 €\n',
    )
    expect((await orders(marked)).pointThousands).toEqual(['Betrag'])
    // US whole dollars with their mark get no comma note (they had none before)
    const usd = write(
      dir,
      'usd-whole.csv',
      'customer_id,ordered_at,amount\nu1,2024-01-01,"$1,200"\nu1,2024-01-02,"$2,500"\nu1,2024-01-03,$350\n',
    )
    const dollars = await orders(usd)
    expect(dollars.pointThousands).toEqual([])
    expect(importNotes(dollars).join(' ')).not.toContain('pass --decimal-comma')
  })

  test('a German million (1.500.000 €) reads with the thousands when no amount has a decimal point', async () => {
    const f = write(
      dir,
      'de-million.csv',
      'Kunde;Datum;Betrag\nm1;2024-01-01;1.500.000 €\nm1;2024-01-02;1.500 €\n',
    )
    const r = await orders(f)
    expect(r.decimalCommaFound).toEqual(['Betrag'])
    expect(
      await engine.query(`SELECT amount FROM orders WHERE source = '${f}' ORDER BY source_line`),
    ).toEqual([{ amount: 1_500_000 }, { amount: 1500 }])
    // beside an amount with a decimal point it is a bad row that says what would read it
    const mixed = write(
      dir,
      'de-million2.csv',
      'Kunde;Datum;Betrag\nm2;2024-01-01;1.500.000 €\nm2;2024-01-02;12.50 €\n',
    )
    const e = await importError(() => orders(mixed))
    expect(e.problems.map(formatProblem)).toEqual([
      `${mixed}:2 Betrag: cannot read '1.500.000 €' as an amount (points between thousands? pass --decimal-comma)`,
    ])
  })

  test('amounts whose every comma groups thousands (1,234) are read so, and said', async () => {
    const f = write(
      dir,
      'commas.csv',
      'customer_id;ordered_at;amount\nq1;2024-01-01;1,234\nq1;2024-01-02;2,500\n',
    )
    const r = await orders(f)
    expect(r.rowsStored).toBe(2)
    expect(importNotes(r)).toContain(
      `${f}: every amount with a comma in amount is a whole number grouped by commas (such as 1,234), read as a thousands separator (1,234 = 1234); if the comma is the decimal mark, pass --decimal-comma`,
    )
    // a point anywhere in the column (1,234.50) says the commas group thousands: no note
    const g = write(
      dir,
      'commas2.csv',
      'customer_id,ordered_at,amount\nq2,2024-01-01,"1,234"\nq2,2024-01-02,"1,234.50"\n',
    )
    expect((await orders(g)).commaThousands).toBeUndefined()
  })

  test('a customer id written as a float (13085.0, as pandas writes it) is the whole number', async () => {
    const f = write(
      dir,
      'float-ids.csv',
      'Invoice,InvoiceDate,Amount,Customer ID\nF1,2009-12-01,6.95,13085.0\nF2,2009-12-02,5,13085\nF3,2009-12-03,1,A.0\n',
    )
    await orders(f)
    expect(
      await engine.query(
        `SELECT customer_id, count(*) AS n FROM orders WHERE source = '${f}' GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { customer_id: '13085', n: 2 },
      { customer_id: 'A.0', n: 1 },
    ])
    // the kinds that name customers read them the same way
    const t = await importFile(
      engine,
      write(dir, 'float-tickets.csv', 'ticket_id,customer_id,opened_at\nFT1,13085.0,2009-12-05\n'),
      { kind: 'tickets', now: NOW },
    )
    expect(t.unmatched).toEqual({ rows: 0, ownerless: 0, examples: '' })
  })

  test('ids written as Excel\'s text formula (="007") are the text inside it, in both reading paths', async () => {
    // the first file reads on the fast path, the second (a bad-looking row elsewhere: '$5') too;
    // a quoted id sends the third to the validating path
    for (const [name, text] of [
      [
        'excel-ids.csv',
        'customer_id,order_id,ordered_at,amount\n="007",="0001",2024-01-01,10\n007,0002,2024-01-02,20\n',
      ],
      [
        'excel-ids2.csv',
        'customer_id,order_id,ordered_at,amount\n="008",="0001",2024-01-01,10\n008,0002,2024-01-02,"$5"\n"008",0003,2024-01-03,1\n',
      ],
    ] as const) {
      const f = write(dir, name, text)
      await orders(f)
      const rows = await engine.query(
        `SELECT customer_id, order_id FROM orders WHERE source = '${f}' ORDER BY source_line`,
      )
      const id = name === 'excel-ids.csv' ? '007' : '008'
      expect(rows.map((r) => r.customer_id)).toEqual(rows.map(() => id))
      expect(rows[0]?.order_id).toBe('0001')
    }
  })

  test('order, ticket and return ids written as floats (1001.0) are the whole number too', async () => {
    const a = write(
      dir,
      'int-oids.csv',
      'order_id,customer_id,ordered_at,amount\n9001,z1,2024-01-01,100\n',
    )
    const b = write(
      dir,
      'float-oids.csv',
      'order_id,customer_id,ordered_at,amount\n9001.0,z1,2024-01-01,100\n9002.5,z1,2024-01-02,7\n',
    )
    await orders(a)
    const again = await orders(b)
    // the same order in another format is that order; 9002.5 is no whole number and stays
    expect(again).toMatchObject({ inserted: 1, updated: 0, unchanged: 1 })
    expect(
      (await engine.query(`SELECT order_key FROM orders WHERE customer_id = 'z1' ORDER BY 1`)).map(
        (r) => r.order_key,
      ),
    ).toEqual(['9001', '9002.5'])
    const r = await importFile(
      engine,
      write(
        dir,
        'float-returns.csv',
        'return_id,order_id,returned_at,amount\n77.0,9001.0,2024-01-03,10\n',
      ),
      { kind: 'returns', now: NOW },
    )
    expect(r.unmatched?.rows).toBe(0)
    const t = await importFile(
      engine,
      write(
        dir,
        'float-tids.csv',
        'ticket_id,customer_id,opened_at\n5001.0,z1,2024-01-05\n5001,z1,2024-01-05\n',
      ),
      { kind: 'tickets', now: NOW },
    ).catch((e: Error) => e)
    // 5001.0 and 5001 are one ticket named twice in one file (same content: stored once)
    expect(t).not.toBeInstanceOf(Error)
    expect(
      await engine.query(`SELECT return_id, order_id FROM returns WHERE return_id = '77'`),
    ).toEqual([{ return_id: '77', order_id: '9001' }])
    expect(
      await engine.query(`SELECT count(*) AS n FROM tickets WHERE ticket_id = '5001'`),
    ).toEqual([{ n: 1 }])
  })

  test('headers that differ only in case: --map naming neither as the reader does is refused', async () => {
    // the reader's names are case-blind: "Total" and "total" read as Total and total_1, so
    // --map amount=total read the first (100) although the file's 'total' is the second (80)
    const f = write(
      dir,
      'case-twice.csv',
      'order_id,customer_id,ordered_at,Total,total\nK1,k1,2024-01-01,100,80\n',
    )
    const before = await fingerprint(engine)
    await expect(orders(f, { map: { amount: 'total' } })).rejects.toThrow(
      `--map amount=total: ${f} has 2 columns named 'total' apart from case, which the reader calls Total, total_1 in file order: name the one to read that way (--map amount=total_1 for the second); nothing was imported`,
    )
    expect(await fingerprint(engine)).toEqual(before)
    // unmapped, the first is read and the note says so
    const r = await orders(f)
    expect(importNotes(r)).toContain(
      `${f}: the header names Total 2 times (apart from case); the first Total column was read as amount (--map amount=total_1 reads the next one)`,
    )
    const g = write(dir, 'case-twice-2.csv', readFileSync(f, 'utf8').replace('K1', 'K2'))
    await orders(g, { map: { amount: 'total_1' } })
    expect(
      await engine.query(
        `SELECT order_id, amount FROM orders WHERE order_id IN ('K1', 'K2') ORDER BY 1`,
      ),
    ).toEqual([
      { order_id: 'K1', amount: 100 },
      { order_id: 'K2', amount: 80 },
    ])
  })

  test('a header named twice: the first is read and the note names the other', async () => {
    const f = write(
      dir,
      'twice.csv',
      'order_id,customer_id,Date,amount,Date\nT1,t1,2024-01-01,10,2024-02-01\nT2,t1,2024-01-05,20,2024-02-03\n',
    )
    const r = await orders(f)
    expect(r.columns).toMatchObject({ ordered_at: 'Date' })
    expect(importNotes(r)).toContain(
      `${f}: the header names Date 2 times; the first Date column was read as ordered_at (--map ordered_at=Date_1 reads the next one)`,
    )
    const g = write(
      dir,
      'twice-map.csv',
      readFileSync(f, 'utf8').replaceAll('T', 'U').replaceAll('t1', 'u1'),
    )
    const m = await orders(g, { map: { ordered_at: 'Date_1' } })
    expect(m.repeatedHeaders).toEqual([])
    expect(
      await engine.query(
        `SELECT CAST(order_date AS VARCHAR) AS d FROM orders WHERE source = '${g}' ORDER BY 1`,
      ),
    ).toEqual([{ d: '2024-02-01' }, { d: '2024-02-03' }])
  })

  test('Unix times (seconds, with decimals, milliseconds) are instants, in CSV and JSON alike', async () => {
    const csv = write(
      dir,
      'epoch.csv',
      'customer_id,ordered_at,amount\nc1,1700006400,5\nc2,1700006400.5,6\nc3,1700006400000,7\n',
    )
    const json = write(
      dir,
      'epoch.jsonl',
      '{"customer_id":"j1","ordered_at":1700006400,"amount":5}\n' +
        '{"customer_id":"j2","ordered_at":"1700006400000","amount":6}\n',
    )
    // 1700006400 is 2023-11-15T00:00:00Z: the evening of the 14th in New York
    await orders(csv, { tz: 'America/New_York' })
    await orders(json, { tz: 'America/New_York' })
    const rows = await engine.query<{ customer_id: string; at: string; day: string }>(
      `SELECT customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M:%S.%f') AS at,
        CAST(order_date AS VARCHAR) AS day FROM orders
       WHERE customer_id IN ('c1', 'c2', 'c3', 'j1', 'j2') ORDER BY customer_id`,
    )
    expect(rows.map((r) => [r.customer_id, r.at, r.day])).toEqual([
      ['c1', '2023-11-15 00:00:00.000000', '2023-11-14'],
      ['c2', '2023-11-15 00:00:00.500000', '2023-11-14'],
      ['c3', '2023-11-15 00:00:00.000000', '2023-11-14'],
      ['j1', '2023-11-15 00:00:00.000000', '2023-11-14'],
      ['j2', '2023-11-15 00:00:00.000000', '2023-11-14'],
    ])
    // a JSON column of milliseconds and fractional seconds reads as floats: 1700006400250.0
    const floats = write(
      dir,
      'epoch-floats.json',
      '[{"customer_id":"f1","ordered_at":1700006400250,"amount":5},' +
        '{"customer_id":"f2","ordered_at":1700006400.25,"amount":6}]\n',
    )
    await orders(floats)
    expect(
      await engine.query(
        `SELECT customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M:%S.%f') AS at FROM orders
         WHERE customer_id IN ('f1', 'f2') ORDER BY customer_id`,
      ),
    ).toEqual([
      { customer_id: 'f1', at: '2023-11-15 00:00:00.250000' },
      { customer_id: 'f2', at: '2023-11-15 00:00:00.250000' },
    ])
    // other digit strings are no Unix time: 11 digits, 8 digits that no date shape reads alone
    const bad = write(
      dir,
      'epoch-bad.csv',
      'customer_id,ordered_at,amount\nc1,17000064000,5\nc2,2024-01-01,5\n',
    )
    expect((await importError(() => orders(bad))).problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(`^${bad}:2 ordered_at: cannot read '17000064000' as a date`),
      ),
    ])
  })

  test('--tz: 2024-03-10T23:30 in New York is order_date 2024-03-10 at 03:30Z next day', async () => {
    const f = write(dir, 't.csv', 'customer_id,ordered_at,amount\nc1,2024-03-10T23:30,10\n')
    await orders(f, { tz: 'America/New_York' })
    const r = await one<{ at: string; d: string }>(
      'SELECT CAST(ordered_at AS VARCHAR) AS at, CAST(order_date AS VARCHAR) AS d FROM orders',
    )
    expect(r).toEqual({ at: '2024-03-11 03:30:00', d: '2024-03-10' })
  })

  test('offsets and Z are honoured; naive times are UTC by default', async () => {
    const f = write(
      dir,
      't.csv',
      [
        'order_id,customer_id,ordered_at,amount',
        '1,c1,2024-03-10T23:30:00Z,1',
        '2,c1,2024-03-10T23:30:00+02:00,1',
        '3,c1,2024-03-10 14:22:10 -0500,1',
        '4,c1,2024-03-10 08:00,1',
        '5,c1,2024-03-10,1',
      ].join('\n'),
    )
    await orders(f)
    const rows = await engine.query<{ at: string }>(
      'SELECT CAST(ordered_at AS VARCHAR) AS at FROM orders ORDER BY order_id',
    )
    expect(rows.map((r) => r.at)).toEqual([
      '2024-03-10 23:30:00',
      '2024-03-10 21:30:00',
      '2024-03-10 19:22:10',
      '2024-03-10 08:00:00',
      '2024-03-10 00:00:00',
    ])
  })

  test('--date-format reads day-first and compact dates', async () => {
    const a = write(
      dir,
      'a.csv',
      'customer_id,ordered_at,amount\nc1,05/03/2024,1\nc2,31/12/2023,2\n',
    )
    await orders(a, { dateFormat: '%d/%m/%Y' })
    const b = write(dir, 'b.csv', 'customer_id,ordered_at,amount\nc3,19970101,1\n')
    await orders(b, { dateFormat: '%Y%m%d' })
    const rows = await engine.query<{ d: string }>(
      'SELECT CAST(order_date AS VARCHAR) AS d FROM orders ORDER BY customer_id',
    )
    expect(rows.map((r) => r.d)).toEqual(['2024-03-05', '2023-12-31', '1997-01-01'])
    // a typed Parquet timestamp has no text format: --date-format leaves it be
    const pq = join(dir, 'typed.parquet')
    await engine.exec(
      `COPY (SELECT 'c4' AS customer_id, TIMESTAMP '2024-01-05 10:00:00' AS ordered_at, 4 AS amount) TO '${pq}' (FORMAT parquet)`,
    )
    await orders(pq, { dateFormat: '%d/%m/%Y' })
    expect(
      await engine.query(
        "SELECT CAST(order_date AS VARCHAR) AS d FROM orders WHERE customer_id = 'c4'",
      ),
    ).toEqual([{ d: '2024-01-05' }])
  })

  test('currency symbols, thousands separators and accounting negatives', async () => {
    const f = write(
      dir,
      'c.csv',
      'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-02,"$1,234.50"\n2,c1,2024-01-02,$ 12\n3,c1,2024-01-02,(5.25)\n4,c1,2024-01-02,"1,000,000"\n',
    )
    await orders(f)
    const rows = await engine.query<{ amount: number }>(
      'SELECT amount FROM orders ORDER BY order_key',
    )
    expect(rows.map((r) => r.amount)).toEqual([1234.5, 12, -5.25, 1_000_000])
  })

  test('currency codes are one whatever their case and spaces', async () => {
    const f = write(
      dir,
      'cur-case.csv',
      'order_id,customer_id,ordered_at,amount,currency\nK1,k,2024-01-01,1,USD\nK2,k,2024-01-02,1,usd\nK3,k,2024-01-03,1,Usd\nK4,k,2024-01-04,1," USD"\n',
    )
    await orders(f)
    expect(
      await engine.query(`SELECT DISTINCT currency FROM orders WHERE source = '${f}'`),
    ).toEqual([{ currency: 'USD' }])
  })

  test('amounts marked with two currencies and no currency column are refused', async () => {
    const body =
      'order_id,customer_id,ordered_at,amount\n1,c1,2024-01-02,$10.50\n2,c2,2024-01-03,€ 12\n' +
      '3,c1,2024-01-04,12.00 EUR\n4,c3,2024-01-05,7\n5,c2,2024-01-06,USD 3\n'
    const before = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    const e = await orders(write(dir, 'mixed.csv', body)).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ImportError)
    const err = e as ImportError
    expect(err.message).toContain(
      'the amounts in amount are in 2 currencies (USD on 2 rows, EUR on 2 rows)',
    )
    expect(err.message).toContain('nothing was imported')
    expect(err.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [2, 'amount', 'first amount in USD: "$10.50"'],
      [3, 'amount', 'first amount in EUR: "€ 12"'],
    ])
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual(before)
    // the validating path (a bad row, skipped) refuses it the same way
    const slow = await orders(write(dir, 'mixed-bad.csv', `${body}6,c4,soon,1\n`), {
      skipBadRows: true,
    }).catch((x: unknown) => x)
    expect((slow as ImportError).problems?.map((p) => p.line)).toEqual([2, 3])
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual(before)
    // so are Parquet and JSON lines whose amounts are text with the marks (rows, not lines)
    const pq = join(dir, 'mixed.parquet')
    await engine.exec(
      `COPY (SELECT * FROM read_csv('${write(dir, 'mixed-src.csv', body)}', all_varchar=true)) TO '${pq}' (FORMAT parquet)`,
    )
    const jl = write(
      dir,
      'mixed.jsonl',
      '{"customer_id":"c1","ordered_at":"2024-01-02","amount":"$10.50"}\n{"customer_id":"c2","ordered_at":"2024-01-03","amount":"€ 12"}\n',
    )
    for (const f of [pq, jl]) {
      const x = await orders(f).catch((y: unknown) => y)
      expect((x as ImportError).message, f).toContain('are in 2 currencies')
    }
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual(before)
    // one currency's marks, or a currency column that says which is which, import
    await orders(
      write(
        dir,
        'usd.csv',
        'order_id,customer_id,ordered_at,amount\nu1,c1,2024-01-02,$10.50\nu2,c2,2024-01-03,5 USD\nu3,c2,2024-01-04,-2\n',
      ),
    )
    await orders(
      write(
        dir,
        'withcol.csv',
        'order_id,customer_id,ordered_at,amount,currency\nw1,c1,2024-01-02,$10.50,USD\nw2,c2,2024-01-03,€ 12,EUR\n',
      ),
    )
    const stored = await engine.query<{
      order_id: string
      amount: number
      currency: string | null
    }>(
      "SELECT order_id, amount, currency FROM orders WHERE order_id IN ('u1', 'u2', 'u3', 'w1', 'w2') ORDER BY order_id",
    )
    // the one currency the marks name is the orders' currency (the analysis then shows it)
    expect(stored.map((r) => [r.order_id, r.amount, r.currency])).toEqual([
      ['u1', 10.5, 'USD'],
      ['u2', 5, 'USD'],
      ['u3', -2, 'USD'],
      ['w1', 10.5, 'USD'],
      ['w2', 12, 'EUR'],
    ])
  })

  test('the marks are read in a file whose status column also reads the amount', async () => {
    // a status column ("refunded" rows give their amount back) reads the amount column too, so
    // the reader never typed it: the marks were dropped unseen, and $, € and £ added up
    const before = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    const e = await orders(
      write(
        dir,
        'mixed-status.csv',
        'order_id,customer_id,ordered_at,amount,status\ns1,A,2024-01-01,$100.00,completed\n' +
          's2,B,2024-01-02,100.00 €,completed\ns3,B,2024-01-03,£50.00,completed\n',
      ),
    ).catch((x: unknown) => x)
    expect((e as ImportError).message).toContain(
      'the amounts in amount are in 3 currencies (USD on 1 row, EUR on 1 row, GBP on 1 row)',
    )
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual(before)
    // one currency's marks are that currency, as without the status column
    await orders(
      write(
        dir,
        'usd-status.csv',
        'order_id,customer_id,ordered_at,amount,status\nt1,A,2024-01-01,$10.00,completed\nt2,B,2024-01-02,$5.00,refunded\n',
      ),
    )
    const stored = await engine.query<{ order_id: string; currency: string | null }>(
      "SELECT DISTINCT order_id, currency FROM orders WHERE order_id IN ('t1', 't2') ORDER BY order_id",
    )
    expect(stored).toEqual([
      { order_id: 't1', currency: 'USD' },
      { order_id: 't2', currency: 'USD' },
    ])
  })

  test('with a decimal comma, found or given, the marks still name the currency', async () => {
    const body =
      'customer_id;order_id;ordered_at;amount\nA;E1;2024-01-03;1.234,50 €\nC;E2;2024-01-04;7,00 €\n'
    await orders(write(dir, 'eur-dc.csv', body))
    await orders(write(dir, 'eur-dc2.csv', body.replaceAll('E1', 'F1').replaceAll('E2', 'F2')), {
      decimalComma: true,
    })
    expect(
      await engine.query(
        "SELECT order_id, amount, currency FROM orders WHERE order_id IN ('E1', 'E2', 'F1', 'F2') ORDER BY 1",
      ),
    ).toEqual([
      { order_id: 'E1', amount: 1234.5, currency: 'EUR' },
      { order_id: 'E2', amount: 7, currency: 'EUR' },
      { order_id: 'F1', amount: 1234.5, currency: 'EUR' },
      { order_id: 'F2', amount: 7, currency: 'EUR' },
    ])
    // and two currencies in one such file are refused
    const mixed = write(dir, 'mixed-dc.csv', `${body}D;E3;2024-01-05;3,00 $\n`)
    const e = await orders(mixed, { decimalComma: true }).catch((x: unknown) => x)
    expect((e as ImportError).message).toContain('are in 2 currencies')
  })

  test('with --decimal-comma a number written with a decimal point is a bad row', async () => {
    // "1,234.50" and "12.50" were read with the point beside "1,500" read with the comma (1.5):
    // two ways of writing numbers in one column, unseen. A point between thousands is one.
    const body =
      'customer_id,order_id,ordered_at,amount\nA,P1,2024-01-03,"1,234.50"\nB,P2,2024-01-04,"1,500"\n' +
      'C,P3,2024-01-05,12.50\nD,P4,2024-01-06,1.500\n'
    const e = await orders(write(dir, 'points.csv', body), { decimalComma: true }).catch(
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(ImportError)
    const why =
      ' (a decimal point, but the numbers are read with a decimal comma, where a point only separates thousands: 1.234,50)'
    expect((e as ImportError).problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [2, 'amount', `cannot read '1,234.50' as an amount${why}`],
      [4, 'amount', `cannot read '12.50' as an amount${why}`],
    ])
    const good = write(
      dir,
      'points-ok.csv',
      body
        .split('\n')
        .filter((_, i) => ![1, 3].includes(i))
        .join('\n'),
    )
    await orders(good, { decimalComma: true })
    expect(
      await engine.query(
        "SELECT order_id, amount FROM orders WHERE order_id IN ('P2', 'P4') ORDER BY 1",
      ),
    ).toEqual([
      { order_id: 'P2', amount: 1.5 },
      { order_id: 'P4', amount: 1500 },
    ])
  })

  test('an amount marked with another currency than its currency column is a bad row', async () => {
    const body =
      'order_id,customer_id,ordered_at,amount,Currency\n' +
      'x1,c1,2024-01-02,"$1,234.50",EUR\nx2,c2,2024-01-03,€20.00,eur\nx3,c3,2024-01-04,12 USD,EUR\n' +
      'x4,c4,2024-01-05,15.5,EUR\nx5,c5,2024-01-06,$5,CAD\nx6,c6,2024-01-07,£5,SEK\nx7,c7,2024-01-08,¥300,CNY\n'
    const before = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    const e = await orders(write(dir, 'clash.csv', body)).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ImportError)
    expect((e as ImportError).problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [
        2,
        'amount',
        "'$1,234.50' is marked $, but the row's currency (Currency) is EUR: correct one of them",
      ],
      [
        4,
        'amount',
        "'12 USD' is marked USD, but the row's currency (Currency) is EUR: correct one of them",
      ],
    ])
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual(before)
    // skipped, the other rows import: a dollar in a CAD row, a pound beside a code nothing is
    // known of and the yuan's yen sign are no clash
    await orders(write(dir, 'clash-skip.csv', body), { skipBadRows: true })
    const stored = await engine.query<{ order_id: string; amount: number; currency: string }>(
      "SELECT order_id, amount, currency FROM orders WHERE order_id LIKE 'x%' ORDER BY order_id",
    )
    expect(stored.map((r) => [r.order_id, r.amount, r.currency])).toEqual([
      ['x2', 20, 'EUR'],
      ['x4', 15.5, 'EUR'],
      ['x5', 5, 'CAD'],
      ['x6', 5, 'SEK'],
      ['x7', 300, 'CNY'],
    ])
  })

  test('parentheses make an amount negative only whole and with no sign inside', async () => {
    const body =
      'order_id,customer_id,ordered_at,amount\np1,c1,2024-01-02,100\np1,c1,2024-01-03,(12.50)\n' +
      'p2,c2,2024-01-02,(-12.50)\np3,c3,2024-01-02,(12.50-)\np4,c4,2024-01-02,12.50)\n'
    const e = await orders(write(dir, 'parens.csv', body)).catch((x: unknown) => x)
    expect((e as ImportError).problems.map((p) => [p.line, p.reason])).toEqual([
      [4, "cannot read '(-12.50)' as an amount"],
      [5, "cannot read '(12.50-)' as an amount"],
      [6, "cannot read '12.50)' as an amount"],
    ])
  })

  test("Excel's accounting format puts the parentheses inside the symbol: $(12.00) is -12", async () => {
    const body =
      'order_id,customer_id,ordered_at,amount\nq1,q1,2024-01-02,100\n' +
      'q2,q1,2024-01-03,"$(12.00)"\nq4,q1,2024-01-05,$ (2.00)\nq6,q1,2024-01-07,"$(1,000.00)"\n'
    await orders(write(dir, 'accounting.csv', body))
    // in euros, in a file of their own (one currency per file)
    const euros =
      'order_id,customer_id,ordered_at,amount\nq3,q3,2024-01-04,€(1.50)\nq5,q3,2024-01-06,(3.00) €\n'
    await orders(write(dir, 'accounting-eur.csv', euros))
    const stored = await engine.query<{ order_id: string; amount: number }>(
      "SELECT order_id, amount FROM orders WHERE order_id LIKE 'q%' ORDER BY order_id",
    )
    expect(stored.map((r) => [r.order_id, r.amount])).toEqual([
      ['q1', 100],
      ['q2', -12],
      ['q3', -1.5],
      ['q4', -2],
      ['q5', -3],
      ['q6', -1000],
    ])
    // one pair only, and still no sign inside
    const bad =
      'order_id,customer_id,ordered_at,amount\nr1,r1,2024-01-02,((5.00))\nr2,r1,2024-01-02,$(-5.00)\n'
    const e = await orders(write(dir, 'accounting-bad.csv', bad)).catch((x: unknown) => x)
    expect((e as ImportError).problems.map((p) => [p.line, p.reason])).toEqual([
      [2, "cannot read '((5.00))' as an amount"],
      [3, "cannot read '$(-5.00)' as an amount"],
    ])
  })

  test('a code beside a symbol names the currency; marks in the cost and discount columns and beside a blank currency count too', async () => {
    const before = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    const refused = async (name: string, body: string) => {
      const e = await orders(write(dir, name, body)).catch((x: unknown) => x)
      expect(e, name).toBeInstanceOf(ImportError)
      return e as ImportError
    }
    // "$12.50 CAD" is Canadian dollars: beside "CAD 10" one currency, beside "$10" two
    await orders(
      write(
        dir,
        'cad.csv',
        'order_id,customer_id,ordered_at,amount\nk1,c1,2024-01-02,$12.50 CAD\nk2,c2,2024-01-03,CAD 10\n',
      ),
    )
    expect(
      await engine.query(
        "SELECT order_id, amount, currency FROM orders WHERE order_id LIKE 'k%' ORDER BY 1",
      ),
    ).toEqual([
      { order_id: 'k1', amount: 12.5, currency: 'CAD' },
      { order_id: 'k2', amount: 10, currency: 'CAD' },
    ])
    const after = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    const usd = await refused(
      'cad-usd.csv',
      'order_id,customer_id,ordered_at,amount\nk3,c1,2024-01-02,$12.50 CAD\nk4,c2,2024-01-03,$10\n',
    )
    expect(usd.message).toContain('are in 2 currencies (CAD on 1 row, USD on 1 row)')
    // a cost in dollars beside amounts in euros: the margin would subtract one from the other
    const cost = await refused(
      'cost-usd.csv',
      'order_id,customer_id,ordered_at,amount,cost\nk5,c1,2024-01-02,€12.50,$7.00\nk6,c2,2024-01-03,€10.00,2.00\n',
    )
    expect(cost.message).toContain('the money columns (amount, cost) are in 2 currencies')
    expect(cost.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'amount'],
      [2, 'cost'],
    ])
    const discount = await refused(
      'discount-jpy.csv',
      'order_id,customer_id,ordered_at,amount,discount,currency\nk7,c1,2024-01-02,12.50,¥500,EUR\n',
    )
    expect(discount.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [
        2,
        'discount',
        "'¥500' is marked ¥, but the row's currency (currency) is EUR: correct one of them",
      ],
    ])
    // "$5" in a row whose currency is blank would be taken for the file's euros
    const blank = await refused(
      'blank-currency.csv',
      'order_id,customer_id,ordered_at,amount,currency\nk8,c1,2024-01-02,10,EUR\nk9,c2,2024-01-03,$5,\n',
    )
    expect(blank.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'amount', "'$5' is marked $, but the row's currency (currency) is empty: fill it in"],
    ])
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual(after)
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 2)
  })
})

describe('fast path and validating path store the same orders', () => {
  test('a file mixing CRLF and LF line endings imports, each row with its own line', async () => {
    const body =
      'order_id,customer_id,ordered_at,amount\r\no1,c1,2024-01-01,5\no2,c2,2024-01-02,6\r\n' +
      'o3,c3,2024-01-03,7\n'
    for (const [name, content] of [
      ['mix.csv', body],
      ['mix.csv.gz', gzipSync(body)],
    ] as const) {
      const f = write(dir, name, content)
      const r = await orders(f)
      expect(r).toMatchObject({ rowsStored: 3, mixedLineEndings: true, file: f })
      const rows = await engine.query<{ order_id: string; source_line: number; source: string }>(
        `SELECT order_id, source_line, source FROM orders WHERE source = '${f}' ORDER BY order_id`,
      )
      expect(rows.map((x) => [x.order_id, Number(x.source_line)])).toEqual([
        ['o1', 2],
        ['o2', 3],
        ['o3', 4],
      ])
      await engine.exec(`DELETE FROM orders WHERE source = '${f}'`)
    }
    // a bad row in such a file is named by its line in the file
    const bad = write(
      dir,
      'mixbad.csv',
      'customer_id,ordered_at,amount\r\nc1,2024-01-01,5\nc2,2024-01-02,x\r\n',
    )
    const e = await importError(() => orders(bad))
    expect(e.problems.map(formatProblem)).toEqual([`${bad}:3 amount: cannot read 'x' as an amount`])
  })

  test('a clean file with blank lines stores each order with its own line', async () => {
    // the fast read numbers rows; the blank lines send the file down the line-aware path
    for (const [name, body] of [
      [
        'blank-mid.csv',
        'order_id,customer_id,ordered_at,amount\no1,c1,2024-01-01,5\n\no2,c2,2024-01-02,6\n',
      ],
      [
        'blank-lead.csv',
        '\r\norder_id,customer_id,ordered_at,amount\r\no1,c1,2024-01-01,5\r\n\r\no2,c2,2024-01-02,6\r\n',
      ],
    ] as const) {
      const f = write(dir, name, body)
      await orders(f)
      const lines = await engine.query<{ order_id: string; source_line: number }>(
        `SELECT order_id, source_line FROM orders WHERE source = '${f}' ORDER BY order_id`,
      )
      expect(lines.map((r) => [r.order_id, Number(r.source_line)])).toEqual(
        name === 'blank-mid.csv'
          ? [
              ['o1', 2],
              ['o2', 4],
            ]
          : [
              ['o1', 3],
              ['o2', 5],
            ],
      )
      await engine.exec(`DELETE FROM orders WHERE source = '${f}'`)
    }
  })

  // One bad row sends a file down the validating path (with --skip-bad-rows its good rows are
  // stored); without it the same rows take the fast path, typed read first.
  const GOOD = [
    'order_id,customer_id,ordered_at,amount,cost,quantity',
    'o-01, c1 ,2024-03-10T23:30:00Z, 12.5 ,4,1',
    'o-02,c1,2024-03-10T23:30:00+02:00,1e3,,2',
    'o-03,c2,2024-03-10 14:22:10 -0500,.5,0.25,',
    'o-04,c2,2024-03-10 08:00,+7,1_000,3',
    'o-05,c3,2024-03-10,00012,,',
    'o-06,c3,2024-03-09 02:30:00,-0,,',
    'o-07,c4,2024-11-03T01:30:00,0.30000000000000004,,',
    'o-08,c4,2024-03-10T23:30:00.123456Z,999999999999.99,,',
    'o-09,c5,2024-02-29T24:00:00,4.9e-324,,',
    'o-10,c5,2024-03-10T10:00:00z,"19.99",1,1',
    'o-11,c6,2024-03-10T10:00:00.5,5.,,',
  ]
  for (const tz of ['UTC', 'America/New_York']) {
    for (const extra of [[], ['o-12,c7,2024-03-11,"$1,234.50",,']]) {
      test(`${tz}${extra.length ? ', with a formatted amount' : ''}`, async () => {
        const clean = write(dir, 'clean.csv', `${[...GOOD, ...extra].join('\n')}\n`)
        const bad = write(dir, 'bad.csv', `${[...GOOD, ...extra, 'o-99,c9,soon,1,,'].join('\n')}\n`)
        const q = 'SELECT * EXCLUDE (source) FROM orders ORDER BY order_key'
        const scratch = await openWorkspace(':memory:')
        try {
          const fast = await importFile(scratch, clean, {
            kind: 'orders',
            now: NOW,
            tz,
            scratch: true,
          })
          // the fast path made `orders` a view over the rows it read
          const kind = await scratch.query<{ table_type: string }>(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'orders'",
          )
          expect(kind.map((k) => k.table_type)).toEqual(['VIEW'])
          const slow = await orders(bad, { tz, skipBadRows: true })
          expect(slow.rejected).toBe(1)
          expect(fast.rowsStored).toBe(slow.rowsStored)
          const a = await scratch.query(q)
          expect(a).toHaveLength(GOOD.length - 1 + extra.length)
          expect(a).toEqual(await engine.query(q))
        } finally {
          await scratch.close()
        }
      })
    }
  }
})

describe('column recognition', () => {
  test('a transaction log without spend (customer and date only) imports with amount 0', async () => {
    const f = write(dir, 'elog.csv', 'cust,date\n1,2006-01-01\n1,2006-01-03\n2,2006-01-02\n')
    const r = await orders(f)
    expect(r).toMatchObject({ rowsStored: 3, noAmount: true, customers: 2 })
    expect(r.columns).toEqual({ customer_id: 'cust', ordered_at: 'date' })
    const s = await one<{ n: number; total: number }>(
      "SELECT count(*) AS n, sum(amount) AS total FROM orders WHERE source LIKE '%elog.csv'",
    )
    expect(s).toEqual({ n: 3, total: 0 })
    // a column left over could be the amount under a name we do not know: still an error
    const g = write(dir, 'elog2.csv', 'cust,date,wert\n1,2006-01-01,5\n')
    await expect(orders(g)).rejects.toThrow(
      `${g}: missing required column amount (found: cust, date, wert)`,
    )
  })

  test('a transaction log over stored orders keeps their amounts, costs and margins', async () => {
    // the same orders exported without the amount column: its 0 is "not said", not "free"; it
    // set every stored amount to 0 ("403 updated ... amount 25.61 -> 0")
    const full = write(
      dir,
      'full.csv',
      'order_id,customer_id,ordered_at,amount,cost\nO1,A,2024-01-01,25.61,10\nO2,B,2024-01-02,8,3\n',
    )
    await orders(full)
    const log = write(
      dir,
      'log.csv',
      'order_id,customer_id,ordered_at\nO1,A,2024-01-01\nO2,B,2024-01-05\nO3,C,2024-01-03\n',
    )
    const r = await orders(log)
    expect(r).toMatchObject({ noAmount: true, inserted: 1, updated: 1 })
    const rows = await engine.query<{ order_id: string; amount: number; margin: number | null }>(
      'SELECT order_id, amount, margin, CAST(order_date AS VARCHAR) AS day FROM orders ORDER BY order_id',
    )
    expect(
      rows.map((x) => ({
        ...x,
        amount: Number(x.amount),
        margin: x.margin === null ? null : Number(x.margin),
      })),
    ).toEqual([
      { order_id: 'O1', amount: 25.61, margin: 15.61, day: '2024-01-01' },
      // the date it does say replaces the stored one
      { order_id: 'O2', amount: 8, margin: 5, day: '2024-01-05' },
      { order_id: 'O3', amount: 0, margin: null, day: '2024-01-03' },
    ])
  })

  test('a bare Id is read as the customer when no column is named for one, and said', async () => {
    // CLVTools' apparelTrans layout: Id,Date,Price
    const f = write(
      dir,
      'clv.csv',
      'Id,Date,Price\n1,2005-01-02,230.3\n1,2005-09-06,84.39\n2,2005-01-02,10\n',
    )
    const r = await orders(f)
    expect(r).toMatchObject({ rowsStored: 3, customers: 2, guessedCustomer: 'Id' })
    expect(r.columns).toEqual({ customer_id: 'Id', ordered_at: 'Date', amount: 'Price' })
    const notes = importNotes(r)
    expect(notes).toEqual([
      `${f}: no column is named for the customer, so Id was read as the customer id (--map customer_id=COLUMN names another).`,
    ])
    // an Id on every row of its own: the note warns that it may number the orders
    const g = write(dir, 'ids.csv', 'Id,Date,Price\n1,2005-01-02,5\n2,2005-01-03,6\n')
    expect(importNotes(await orders(g))[0]).toMatch(
      /so Id was read as the customer id .*Every order has an Id of its own, so each customer bought once: if Id numbers the orders, name the customer's column\.$/,
    )
    // a column named for the customer wins: Id is then the order's
    const h = write(dir, 'named.csv', 'Id,customer,Date,Price\n7,c1,2005-01-02,5\n')
    const named = await orders(h)
    expect(named.guessedCustomer).toBeNull()
    expect(named.columns).toMatchObject({ customer_id: 'customer', order_id: 'Id' })
    expect(importNotes(named)).toEqual([])
  })

  test('a replaced order of a file without order ids is named by its line, not by its key', async () => {
    const f = write(
      dir,
      'no-ids-tz.csv',
      'customer_id,created_at,amount\nC1,2023-02-01T01:00:00Z,10\nC2,2023-02-02T03:00:00Z,-4\n',
    )
    await orders(f)
    // read again in New York: the same instants (the same keys) on the day before
    const r = await orders(f, { tz: 'America/New_York' })
    expect(r.changedOrders).toEqual([
      { orderId: 'the order on line 2', what: 'date 2023-02-01 -> 2023-01-31' },
      { orderId: 'the refund on line 3', what: 'date 2023-02-02 -> 2023-02-01' },
    ])
  })

  test('of several columns named like the amount, the one read is said, with the --map for another', async () => {
    const f = write(
      dir,
      'gross-net.csv',
      'Customer,Date,Revenue gross,Revenue net\nc1,2024-01-05,120,100\nc2,2024-02-01,60,50\n',
    )
    const r = await orders(f)
    expect(r.columns).toMatchObject({ amount: 'Revenue gross' })
    expect(r.otherAmounts).toEqual({ read: 'Revenue gross', others: ['Revenue net'] })
    expect(importNotes(r)).toEqual([
      `${f}: the amount was read from Revenue gross; Revenue net is named like an amount too and was not read (--map "amount=Revenue net" reads it instead)`,
    ])
    // the --map it names reads the other column, and nothing is left to say
    // the same content again (under another name), read the other way: its rows sit beside the
    // first reading's, which is said
    const f2 = write(dir, 'gross-net-2.csv', readFileSync(f, 'utf8'))
    const net = await orders(f2, { map: { amount: 'Revenue net' } })
    expect(net.otherAmounts).toBeNull()
    expect(net.readAgain).toMatchObject({ file: f })
    expect(net.readAgain?.importedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(importNotes(net)).toEqual([
      `${f2}: the same file was imported before (${f}, ${net.readAgain?.importedAt} UTC) and read otherwise this time (another --map, --date-format, --tz ...): 2 new rows now sit beside the ones stored then. If the earlier reading was wrong, import the file into a fresh workspace (--db).`,
    ])
    // read the same way again: nothing added, nothing to say
    const again = await orders(f2, { map: { amount: 'Revenue net' } })
    expect(again).toMatchObject({ inserted: 0, readAgain: null })
    expect(importNotes(again)).toEqual([])
    expect(
      await one<{ total: number }>(
        "SELECT sum(amount) AS total FROM orders WHERE source LIKE '%gross-net-2.csv'",
      ),
    ).toEqual({ total: 150 })
    // one amount column, and columns taken by other fields (discount): nothing to say
    const g = write(
      dir,
      'one-amount.csv',
      'Customer,Date,Total,Discount amount\nc1,2024-01-05,120,5\n',
    )
    const one1 = await orders(g)
    expect(one1.columns).toMatchObject({ amount: 'Total', discount: 'Discount amount' })
    expect(one1.otherAmounts).toBeNull()
  })

  test("a shop's order number as customers see it (Order Name: #1001) is the order id, so returns find their order", async () => {
    const f = write(
      dir,
      'named-orders.csv',
      'Order Name,Customer Email,Created at,Amount\n#1001,a@x.com,2024-01-05,20\n#1002,b@x.com,2024-02-01,30\n',
    )
    const r = await orders(f)
    expect(r.columns).toMatchObject({ order_id: 'Order Name', customer_id: 'Customer Email' })
    expect(await engine.query('SELECT order_id FROM orders ORDER BY 1')).toEqual([
      { order_id: '#1001' },
      { order_id: '#1002' },
    ])
  })

  test('a name with its currency, tax or time zone after it is recognised', async () => {
    // BigCommerce: Order Total (inc tax) and (ex tax); the first is taken
    const bc = write(
      dir,
      'bc.csv',
      'Order ID,Customer ID,Order Date (UTC),Order Total (inc tax),Order Total (ex tax)\n1,c1,2024-01-02,12,10\n',
    )
    expect((await orders(bc)).columns).toEqual({
      order_id: 'Order ID',
      customer_id: 'Customer ID',
      ordered_at: 'Order Date (UTC)',
      amount: 'Order Total (inc tax)',
    })
    const eur = write(dir, 'eur.csv', 'customer,date,Amount (EUR)\nc1,2024-01-02,5\n')
    expect((await orders(eur)).columns.amount).toBe('Amount (EUR)')
    // a name earlier in the list wins with its qualifier: the total, not the subtotal
    const usd = write(dir, 'usd.csv', 'customer,date,Subtotal,Total (USD)\nc2,2024-01-02,4,5\n')
    expect((await orders(usd)).columns.amount).toBe('Total (USD)')
    // any other word after the name is not taken: the amount stays missing
    const other = write(dir, 'other.csv', 'customer,date,Amount Later\nc1,2024-01-02,5\n')
    await expect(orders(other)).rejects.toThrow(/missing required column amount/)
  })

  test('German and Spanish exports are recognised by their own column names', async () => {
    const de = write(
      dir,
      'bestellungen.csv',
      'Bestellnummer;Kundennummer;Bestelldatum;Betrag\nB1;K1;2024-01-02;10\n',
    )
    expect((await orders(de)).columns).toEqual({
      order_id: 'Bestellnummer',
      customer_id: 'Kundennummer',
      ordered_at: 'Bestelldatum',
      amount: 'Betrag',
    })
    const es = write(dir, 'pedidos.csv', 'Pedido,Cliente,Fecha,Importe\nP1,C1,2024-01-02,10\n')
    expect((await orders(es)).columns).toEqual({
      order_id: 'Pedido',
      customer_id: 'Cliente',
      ordered_at: 'Fecha',
      amount: 'Importe',
    })
  })

  test('synonyms are case, space and underscore insensitive; extra columns are fine', async () => {
    const f = write(
      dir,
      's.csv',
      'Client ID;Purchase Date;Total Amount;Order Number;Notes\nc1;2024-01-02;10;X1;hello\n',
    )
    const r = await orders(f)
    expect(r.columns).toMatchObject({
      customer_id: 'Client ID',
      ordered_at: 'Purchase Date',
      amount: 'Total Amount',
      order_id: 'Order Number',
    })
    expect((await one<{ order_key: string }>('SELECT order_key FROM orders')).order_key).toBe('X1')
  })

  test('--map overrides recognition', async () => {
    const f = write(dir, 'm.csv', 'who,when,net,gross\nc1,2024-01-02,8,10\n')
    await orders(f, { map: { customer_id: 'who', ordered_at: 'when', amount: 'net' } })
    expect((await one<{ amount: number }>('SELECT amount FROM orders')).amount).toBe(8)
  })

  test('--map takes the names files use for a field (order_date, Order Time)', async () => {
    const f = write(dir, 'm.csv', 'who,when,net,gross\nc1,2024-01-02,8,10\n')
    await orders(f, { map: { customer_id: 'who', order_date: 'when', amount: 'net' } })
    expect((await one<{ amount: number }>('SELECT amount FROM orders')).amount).toBe(8)
    const g = write(dir, 'n.csv', 'who,at,net\nc2,2024-01-03,9\n')
    await orders(g, { map: { customer_id: 'who', 'Order Time': 'at', total: 'net' } })
    const row = await one<{ d: string }>(
      "SELECT CAST(ordered_at AS VARCHAR) AS d FROM orders WHERE customer_id = 'c2'",
    )
    expect(row.d).toMatch(/^2024-01-03/)
  })

  test('--map with an unknown field or column is a usage error', async () => {
    const f = write(dir, 'm.csv', 'who,when,net\nc1,2024-01-02,8\n')
    await expect(orders(f, { map: { shoe_size: 'who' } })).rejects.toBeInstanceOf(UsageError)
    await expect(orders(f, { map: { shoe_size: 'who' } })).rejects.toThrow(
      /unknown field 'shoe_size' for --kind orders; the fields are customer_id, ordered_at, amount,/,
    )
    // a file's name for a field names it only when it is not given by its own name too
    await expect(orders(f, { map: { order_date: 'when', ordered_at: 'when' } })).rejects.toThrow(
      "--map: unknown field 'order_date' for --kind orders; the fields",
    )
    await expect(orders(f, { map: { amount: 'nope' } })).rejects.toThrow(/no column 'nope'/)
    // written the wrong way round: quoted as typed, with the mapping the other way round
    await expect(orders(f, { map: { who: 'customer_id' } })).rejects.toThrow(
      "the fields are customer_id, ordered_at, amount, order_id, currency, quantity, cost, margin, discount, channel, campaign, status, refunded, country, region, city, customer_email; the field comes first and the file's column second: --map customer_id=who",
    )
    const g = write(dir, 'g.csv', 'cust,date\n1,2024-01-02\n')
    await expect(orders(g, { map: { cust: 'customer_id' } })).rejects.toThrow(
      `--map cust=customer_id: no column 'customer_id' in ${g} (columns: cust, date); the field comes first and the file's column second: --map customer_id=cust`,
    )
    // the customer column given to another field: the message says where it went
    const o = write(dir, 'o.csv', 'customer_id,ordered_at,amount\nA,2024-01-01,10\n')
    await expect(orders(o, { map: { amount: 'customer_id' } })).rejects.toThrow(
      `${o}: missing required column customer_id (found: customer_id, ordered_at, amount; customer_id is mapped to amount (--map amount=customer_id)). Name it with --map, e.g. --map customer_id=<Column>`,
    )
  })

  test("Shopify orders export: a line item's quantity or price that does not read is a bad row on its own line", async () => {
    const text = readFileSync(join(FIXTURES, 'shopify_orders_export.csv'), 'utf8')
    const lines = text.split('\n')
    // line 3 is #1001's second line item: "1,Ceramic Pour-Over Dripper,18.00"
    lines[2] = (lines[2] as string).replace(
      ',1,Ceramic Pour-Over Dripper,18.00,',
      ',one,Ceramic Pour-Over Dripper,18.x,',
    )
    const f = write(dir, 'orders_export.csv', lines.join('\n'))
    const before = await fingerprint(engine)
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem).sort()).toEqual([
      `${f}:3 Lineitem price: cannot read '18.x' as a number`,
      `${f}:3 Lineitem quantity: cannot read 'one' as a number`,
    ])
    expect(await fingerprint(engine)).toEqual(before)
    // skipped, the order is left out whole with it (its Total, on line 2, counts the bad line's
    // item): stored without the line, it would replace a stored order and its lines with less
    const r = await orders(f, { skipBadRows: true })
    expect(r).toMatchObject({ rejected: 2, leftOut: 1, rowsStored: 5, lines: 5 })
    expect(readFileSync(`${f}.rejects.csv`, 'utf8')).toContain(
      'Name: order #1001 is left out with its bad line 3',
    )
    expect(await engine.query("SELECT count(*) AS n FROM orders WHERE order_id = '#1001'")).toEqual(
      [{ n: 0 }],
    )
    expect(
      await engine.query("SELECT count(*) AS n FROM order_lines WHERE order_id = '#1001'"),
    ).toEqual([{ n: 0 }])
  })

  test('Shopify orders export: with --skip-bad-rows an order with a bad line keeps its stored order and lines', async () => {
    const H =
      'Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Refunded Amount,Id\n'
    const export_ = (gadgets: string, total: string) =>
      `${H}#1001,ann@x.com,paid,EUR,100.00,2024-01-05 10:00:00 +0100,2,Widget,30.00,W1,0.00,111\n` +
      `#1001,ann@x.com,,,,2024-01-05 10:00:00 +0100,${gadgets},Gadget,40.00,G1,,111\n` +
      `#1002,bob@x.com,paid,EUR,${total},2024-01-06 10:00:00 +0100,1,Widget,${total},W1,0.00,112\n`
    await orders(write(dir, 'v1.csv', export_('1', '30.00')))
    const stored = async () => ({
      orders: await engine.query('SELECT order_id, amount, quantity FROM orders ORDER BY order_id'),
      lines: await engine.query(
        'SELECT order_id, product_id, quantity, amount FROM order_lines ORDER BY order_id, product_id',
      ),
    })
    const before = await stored()
    expect(before.orders).toEqual([
      { order_id: '#1001', amount: 100, quantity: 3 },
      { order_id: '#1002', amount: 30, quantity: 1 },
    ])
    const r = await orders(write(dir, 'v2.csv', export_('abc', '35.00')), { skipBadRows: true })
    expect(r).toMatchObject({ rejected: 2, leftOut: 1, updated: 1 })
    // #1002 is replaced as any order is; #1001 is not touched
    expect(r.changedOrders?.map((c) => c.orderId)).toEqual(['#1002'])
    expect(r.linesReplaced).toEqual({ lines: 1, orders: 1 })
    expect(await stored()).toEqual({
      orders: [before.orders[0], { order_id: '#1002', amount: 35, quantity: 1 }],
      lines: [
        { order_id: '#1001', product_id: 'G1', quantity: 1, amount: 40 },
        { order_id: '#1001', product_id: 'W1', quantity: 2, amount: 60 },
        { order_id: '#1002', product_id: 'W1', quantity: 1, amount: 35 },
      ],
    })
  })

  test('Shopify orders export: one order per Name, its Refunded Amount a refund row, line items', async () => {
    const r = await orders(join(FIXTURES, 'shopify_orders_export.csv'))
    expect(r.layout).toBe('shopify-orders')
    // four orders and the refunds of #1002 and #1003
    expect(r).toMatchObject({ rowsRead: 7, rowsStored: 6, lines: 7, customers: 3 })
    const rows = await engine.query(
      `SELECT order_key, customer_id, CAST(ordered_at AS VARCHAR) AS at, amount, currency, quantity,
         discount, channel FROM orders ORDER BY order_key`,
    )
    expect(rows).toEqual([
      {
        order_key: '#1001',
        customer_id: 'ana.silva@example.com',
        at: '2024-03-05 19:22:10',
        amount: 63.32,
        currency: 'USD',
        quantity: 3,
        discount: 0,
        channel: 'web',
      },
      {
        order_key: '#1002',
        customer_id: 'ben@example.org',
        at: '2024-03-06 14:58:31',
        amount: 1296,
        currency: 'USD',
        quantity: 1,
        discount: 120,
        channel: 'web',
      },
      {
        order_key: '#1002:refunded',
        customer_id: 'ben@example.org',
        at: '2024-03-06 14:58:31',
        amount: -96,
        currency: 'USD',
        quantity: null,
        discount: null,
        channel: 'web',
      },
      {
        order_key: '#1003',
        customer_id: 'ana.silva@example.com',
        at: '2024-04-01 22:29:12',
        amount: 43.88,
        currency: 'USD',
        quantity: 2,
        discount: 0,
        channel: 'pos',
      },
      {
        order_key: '#1003:refunded',
        customer_id: 'ana.silva@example.com',
        at: '2024-04-01 22:29:12',
        amount: -18,
        currency: 'USD',
        quantity: null,
        discount: null,
        channel: 'pos',
      },
      {
        order_key: '#1004',
        customer_id: 'chloe@example.net',
        at: '2024-04-02 04:59:59',
        amount: 29,
        currency: 'EUR',
        quantity: 5,
        discount: 0,
        channel: 'web',
      },
    ])
    const lines = await engine.query<{ order_id: string; product_id: string; amount: number }>(
      'SELECT order_id, product_id, quantity, amount FROM order_lines ORDER BY source_line',
    )
    expect(lines.map((l) => `${l.order_id}/${l.product_id}/${l.amount}`)).toEqual([
      '#1001/COF-1KG/36',
      '#1001/DRIP-01/18',
      '#1002/ESP-PRO/1200',
      '#1003/COF-1KG/36',
      '#1004/GIFT-25/25',
      '#1004/SAMPLE/0',
      '#1004/TOTE/0',
    ])
    const again = await orders(join(FIXTURES, 'shopify_orders_export.csv'))
    expect(again).toMatchObject({ inserted: 0, updated: 0 })
    expect((await one<{ n: number }>('SELECT count(*) AS n FROM order_lines')).n).toBe(7)
  })

  test('Shopify orders export pasted twice over (orders repeated further down): lines and quantities once', async () => {
    const body = readFileSync(join(FIXTURES, 'shopify_orders_export.csv'), 'utf8')
      .trimEnd()
      .split('\n')
    // the header, every row, then every row again (an overlapping second export)
    const f = write(dir, 'shopify-twice.csv', `${[...body, ...body.slice(1)].join('\n')}\n`)
    const r = await orders(f)
    expect(r).toMatchObject({ rowsRead: 14, lines: 7, customers: 3 })
    const [q] = await engine.query<{ n: number; q: number; oq: number }>(
      `SELECT (SELECT count(*) FROM order_lines WHERE source = '${f}') AS n,
         (SELECT sum(quantity) FROM order_lines WHERE source = '${f}') AS q,
         (SELECT sum(quantity) FROM orders WHERE source = '${f}') AS oq`,
    )
    // the export imported once, into a store of its own
    const single = await openWorkspace(':memory:')
    try {
      await importFile(single, join(FIXTURES, 'shopify_orders_export.csv'), {
        kind: 'orders',
        now: NOW,
      })
      const [once] = await single.query<{ q: number; oq: number }>(
        'SELECT (SELECT sum(quantity) FROM order_lines) AS q, (SELECT sum(quantity) FROM orders) AS oq',
      )
      expect(Number(q?.n)).toBe(7)
      expect(q?.q).toBe(once?.q)
      expect(q?.oq).toBe(once?.oq)
    } finally {
      await single.close()
    }
  })

  test('Shopify orders export: a guest order without an email is known by its phone; none of either is a bad row', async () => {
    const head =
      'Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name,Billing Phone\n'
    const f = write(
      dir,
      'guest.csv',
      `${head}#3001,,paid,20.00,2024-03-05 14:22:10 -0500,1,Mug,+49 30 1234-56\n` +
        '#3002,,paid,30.00,2024-03-07 10:00:00 -0500,1,Hat,+4930123456\n' +
        '#3003,Ann@Example.com,paid,5.00,2024-03-08 10:00:00 -0500,1,Pin,+4930123456\n',
    )
    expect((await orders(f)).layout).toBe('shopify-orders')
    const rows = await engine.query<{ order_id: string; customer_id: string }>(
      "SELECT order_id, customer_id FROM orders WHERE order_id LIKE '#300%' ORDER BY order_id",
    )
    expect(rows).toEqual([
      { order_id: '#3001', customer_id: '+4930123456' },
      { order_id: '#3002', customer_id: '+4930123456' },
      { order_id: '#3003', customer_id: 'ann@example.com' },
    ])
    const none = write(
      dir,
      'anon.csv',
      `${head}#3004,,paid,20.00,2024-03-05 14:22:10 -0500,1,Mug,\n`,
    )
    const before = await fingerprint(engine)
    const e = await importError(() => orders(none))
    expect(e.problems.map(formatProblem)).toEqual([
      `${none}:2 Email: empty value: customer_id is required (Email, else Billing Phone: both empty)`,
    ])
    expect(await fingerprint(engine)).toEqual(before)
  })

  test('Shopify orders export re-sorted (a line moved away from its order): every line kept, once', async () => {
    const body = readFileSync(join(FIXTURES, 'shopify_orders_export.csv'), 'utf8')
      .trimEnd()
      .split('\n')
    // #1001's second line (the dripper) moved below #1002, then the whole file pasted again below
    const [header = '', a1 = '', a2 = '', b = '', ...rest] = body
    const moved = [a1, b, a2, ...rest]
    const f = write(dir, 'shopify-moved.csv', `${[header, ...moved, ...moved].join('\n')}\n`)
    const r = await orders(f)
    expect(r).toMatchObject({ lines: 7, customers: 3 })
    const lines = await engine.query<{ product_id: string; quantity: number }>(
      `SELECT product_id, quantity FROM order_lines WHERE order_id = '#1001' ORDER BY product_id`,
    )
    expect(lines).toEqual([
      { product_id: 'COF-1KG', quantity: 2 },
      { product_id: 'DRIP-01', quantity: 1 },
    ])
    const [o] = await engine.query<{ q: number }>(
      `SELECT sum(quantity) AS q FROM orders WHERE order_id = '#1001'`,
    )
    expect(o?.q).toBe(3)
  })

  test('Shopify orders export: a voided order (cancelled unpaid) is refunded in full: no purchase', async () => {
    const f = write(
      dir,
      'orders_export.csv',
      'Name,Email,Financial Status,Paid at,Total,Refunded Amount,Created at,Lineitem quantity,Lineitem name\n' +
        '#2001,a@example.com,voided,,40.00,0.00,2024-03-05 14:22:10 -0500,1,Mug\n' +
        '#2002,a@example.com,paid,2024-03-06 10:00:00 -0500,"1,296.00",96.00,2024-03-06 09:58:31 -0500,1,Machine\n',
    )
    expect((await orders(f)).layout).toBe('shopify-orders')
    const rows = await engine.query('SELECT order_key, amount FROM orders ORDER BY order_key')
    expect(rows).toEqual([
      { order_key: '#2001', amount: 40 },
      { order_key: '#2001:refunded', amount: -40 },
      { order_key: '#2002', amount: 1296 },
      { order_key: '#2002:refunded', amount: -96 },
    ])
    // the voided order is no purchase: one purchase day, 1,200 paid; again: nothing changes
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const [a] = await engine.query<{ purchase_days: number; orders: number; revenue: number }>(
      `SELECT purchase_days, orders, revenue FROM ${info.table} WHERE customer_id = 'a@example.com'`,
    )
    expect(a).toEqual({ purchase_days: 1, orders: 1, revenue: 1200 })
    expect(await orders(f)).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 })
  })

  test('Shopify orders export: a refunded order is refunded in full, whatever column holds the amount', async () => {
    // Refunded Amount is the Total (shipping and taxes in): read against the Subtotal it left a
    // refund above the order (a net of minus the shipping), and a refunded order whose Refunded
    // Amount the export left at 0 counted as a purchase
    const f = write(
      dir,
      'orders_export.csv',
      'Name,Email,Financial Status,Subtotal,Total,Refunded Amount,Created at,Lineitem quantity,Lineitem name\n' +
        '#4001,r@example.com,refunded,50.00,59.90,59.90,2024-03-05 14:22:10 -0500,1,Mug\n' +
        '#4002,r@example.com,refunded,20.00,24.90,0.00,2024-03-06 14:22:10 -0500,1,Cup\n' +
        '#4003,r@example.com,partially_refunded,80.00,89.90,9.90,2024-03-07 14:22:10 -0500,1,Lamp\n',
    )
    expect((await orders(f, { map: { amount: 'Subtotal' } })).layout).toBe('shopify-orders')
    const rows = await engine.query(
      `SELECT order_key, amount FROM orders WHERE order_key LIKE '#400%' ORDER BY order_key`,
    )
    expect(rows).toEqual([
      { order_key: '#4001', amount: 50 },
      { order_key: '#4001:refunded', amount: -50 },
      { order_key: '#4002', amount: 20 },
      { order_key: '#4002:refunded', amount: -20 },
      { order_key: '#4003', amount: 80 },
      { order_key: '#4003:refunded', amount: -9.9 },
    ])
  })

  test('Shopify orders export: an order cancelled while its payment was pending is no purchase', async () => {
    const f = write(
      dir,
      'orders_export.csv',
      'Name,Email,Financial Status,Paid at,Total,Refunded Amount,Created at,Cancelled at,Lineitem quantity,Lineitem name\n' +
        '#3001,b@example.com,pending,,55.00,0.00,2024-03-05 14:22:10 -0500,2024-03-07 09:00:00 -0500,1,Mug\n' +
        '#3002,b@example.com,paid,2024-03-06 10:00:00 -0500,80.00,0.00,2024-03-06 09:58:31 -0500,2024-03-08 09:00:00 -0500,1,Lamp\n' +
        '#3003,b@example.com,pending,,30.00,0.00,2024-03-09 09:58:31 -0500,,1,Cup\n',
    )
    expect((await orders(f)).layout).toBe('shopify-orders')
    const rows = await engine.query(
      `SELECT order_key, amount FROM orders WHERE order_key LIKE '#300%' ORDER BY order_key`,
    )
    // cancelled unpaid: all refunded; cancelled but paid with nothing refunded: the shop kept it;
    // pending and not cancelled: an open order, counted as the export stands
    expect(rows).toEqual([
      { order_key: '#3001', amount: 55 },
      { order_key: '#3001:refunded', amount: -55 },
      { order_key: '#3002', amount: 80 },
      { order_key: '#3003', amount: 30 },
    ])
  })

  test('customers files in German, Spanish and French are recognised, accents or not', async () => {
    const files = [
      ['de.csv', 'Kundennummer;Anmeldedatum;Land;Stadt;Branche\nd1;2023-01-05;DE;Köln;Handel\n'],
      ['es.csv', 'Código cliente;Fecha de alta;País;Ciudad\ne1;2023-01-06;ES;Madrid\n'],
      ['fr.csv', 'Numéro client;Date d’inscription;Pays;Ville\nf1;2023-01-07;FR;Paris\n'],
    ] as const
    for (const [name, body] of files) {
      await importFile(engine, write(dir, name, body), { kind: 'customers', now: NOW })
    }
    expect(
      await engine.query(
        "SELECT customer_id, CAST(signup_at AS VARCHAR) AS signup, country, city FROM customers WHERE customer_id IN ('d1', 'e1', 'f1') ORDER BY 1",
      ),
    ).toEqual([
      { customer_id: 'd1', signup: '2023-01-05 00:00:00', country: 'DE', city: 'Köln' },
      { customer_id: 'e1', signup: '2023-01-06 00:00:00', country: 'ES', city: 'Madrid' },
      { customer_id: 'f1', signup: '2023-01-07 00:00:00', country: 'FR', city: 'Paris' },
    ])
  })

  test("an orders file that says where orders went (Online Retail's Country) gives customers their place, without overwriting a customers file's", async () => {
    // c3's customers record says FR: the orders never overwrite it, nor add a city to it (a place
    // is one unit: Berlin is no city of France)
    await importFile(engine, write(dir, 'known.csv', 'customer_id,country,city\nc3,FR,\n'), {
      kind: 'customers',
      now: NOW,
    })
    const f = write(
      dir,
      'retail.csv',
      [
        'InvoiceNo,InvoiceDate,Amount,CustomerID,Country,City',
        '1,2010-12-01,10,c1,United Kingdom,London',
        '2,2010-12-05,10,c1,EIRE,Dublin',
        '3,2010-12-02,10,c2,,',
        '4,2010-12-03,10,c3,Germany,Berlin',
        '5,2010-12-04,10,c4,Spain,',
      ].join('\n'),
    )
    const r = await orders(f)
    expect(r.placesFilled).toBe(2)
    const rows = await engine.query(
      'SELECT customer_id, country, city, source FROM customers ORDER BY customer_id',
    )
    expect(rows).toEqual([
      // the latest order's place
      { customer_id: 'c1', country: 'EIRE', city: 'Dublin', source: f },
      // c2's orders say nothing: no record made for it
      {
        customer_id: 'c3',
        country: 'FR',
        city: null,
        source: expect.stringContaining('known.csv'),
      },
      { customer_id: 'c4', country: 'Spain', city: null, source: f },
    ])
    const { imports: _, ...before } = await fingerprint(engine)
    expect(await orders(f)).toMatchObject({ unchanged: 5, placesFilled: 0 })
    expect(await fingerprint(engine)).toMatchObject(before)
    // a later customers file without a place column keeps the place (and replaces what it names)
    const g = write(dir, 'industries.csv', 'customer_id,industry\nc1,Retail\n')
    expect(await importFile(engine, g, { kind: 'customers', now: NOW })).toMatchObject({
      updated: 1,
    })
    expect(
      await engine.query("SELECT country, city, industry FROM customers WHERE customer_id = 'c1'"),
    ).toEqual([{ country: 'EIRE', city: 'Dublin', industry: 'Retail' }])
    expect(await importFile(engine, g, { kind: 'customers', now: NOW })).toMatchObject({
      unchanged: 1,
    })
    // one with a country column says the whole place: the order's city goes with the old country
    const h = write(dir, 'countries.csv', 'customer_id,country\nc1,France\n')
    await importFile(engine, h, { kind: 'customers', now: NOW })
    expect(
      await engine.query("SELECT country, region, city FROM customers WHERE customer_id = 'c1'"),
    ).toEqual([{ country: 'France', region: null, city: null }])
  })

  test("an orders file's place follows the latest order, whichever file is imported first", async () => {
    // p1's later order is in b.csv, p2's in a.csv: both end in Madrid (p1 stayed in Paris)
    const a = write(
      dir,
      'places-a.csv',
      'order_id,customer_id,order_date,amount,Country,City\nA1,p1,2024-01-01,5,FR,Paris\nA2,p2,2024-02-01,5,ES,Madrid\n',
    )
    const b = write(
      dir,
      'places-b.csv',
      'order_id,customer_id,order_date,amount,Country,City\nB1,p1,2024-02-01,5,ES,Madrid\nB2,p2,2024-01-01,5,FR,Paris\n',
    )
    const placeOf = () =>
      engine.query(
        "SELECT customer_id, country, city, source FROM customers WHERE customer_id IN ('p1', 'p2') ORDER BY 1",
      )
    expect((await orders(a)).placesFilled).toBe(2)
    expect((await orders(b)).placesFilled).toBe(1)
    const after = [
      { customer_id: 'p1', country: 'ES', city: 'Madrid', source: b },
      { customer_id: 'p2', country: 'ES', city: 'Madrid', source: a },
    ]
    expect(await placeOf()).toEqual(after)
    // either file again changes nothing
    expect((await orders(a)).placesFilled).toBe(0)
    expect((await orders(b)).placesFilled).toBe(0)
    expect(await placeOf()).toEqual(after)
  })

  test("an API's nested orders (Shopify's shipping_address object) give customers the address's country, province and city, or their codes", async () => {
    const f = write(
      dir,
      'rest.jsonl',
      '{"id":1,"created_at":"2024-01-01T10:00:00Z","total_price":"12.50","customer":{"id":7},"shipping_address":{"country":"Germany","country_code":"DE","province":"Bavaria","province_code":"BY","city":"Munich"}}\n' +
        '{"id":2,"created_at":"2024-01-02T10:00:00Z","total_price":"8.00","customer":{"id":7},"shipping_address":{"country":"Austria","country_code":"AT","province":"Tyrol","province_code":"7","city":"Innsbruck"}}\n',
    )
    const r = await orders(f)
    expect(r.columns).toMatchObject({
      country: 'shipping_address.country',
      region: 'shipping_address.province',
      city: 'shipping_address.city',
    })
    expect(r.placesFilled).toBe(1)
    expect(
      await engine.query('SELECT customer_id, country, region, city FROM customers ORDER BY 1'),
    ).toEqual([{ customer_id: '7', country: 'Austria', region: 'Tyrol', city: 'Innsbruck' }])
    // the billing address alone: its codes are the place
    const g = write(
      dir,
      'rest-billing.jsonl',
      '{"id":3,"created_at":"2024-01-02T10:00:00Z","total_price":"8.00","customer":{"id":8},"billing_address":{"country_code":"CA","province_code":"ON","city":"Toronto"}}\n',
    )
    expect((await orders(g)).columns).toMatchObject({
      country: 'billing_address.country_code',
      region: 'billing_address.province_code',
      city: 'billing_address.city',
    })
    expect(
      await engine.query("SELECT country, region, city FROM customers WHERE customer_id = '8'"),
    ).toEqual([{ country: 'CA', region: 'ON', city: 'Toronto' }])
  })

  test("a CRM's contacts export (HubSpot): Create Date, Country/Region, State/Region and Original Source are read; the email key is the email too", async () => {
    const f = write(
      dir,
      'hubspot.csv',
      'Record ID,First Name,Last Name,Email,Create Date,Country/Region,State/Region,City,Industry,Original Source\n101,Ann,Lee,a@x.com,2023-12-01 10:00,Germany,Bavaria,Munich,Retail,Organic Search\n',
    )
    await importFile(engine, f, { kind: 'customers', now: NOW })
    expect(
      await engine.query(
        "SELECT customer_id, email, strftime(signup_at, '%Y-%m-%d') AS signup, country, region, city, industry, channel FROM customers",
      ),
    ).toEqual([
      {
        customer_id: 'a@x.com',
        email: 'a@x.com',
        signup: '2023-12-01',
        country: 'Germany',
        region: 'Bavaria',
        city: 'Munich',
        industry: 'Retail',
        channel: 'Organic Search',
      },
    ])
  })

  test('Shopify customers export without an Email column: a row with no id names Phone, then Customer ID', async () => {
    // the id is coalesce(Email, Phone, Customer ID): the message names them in that order
    const [head, first, second] = readFileSync(
      join(FIXTURES, 'shopify_customers_export.csv'),
      'utf8',
    )
      .split('\n')
      .map((line) => line.split(','))
    const drop = head!.indexOf('Email')
    const phone = head!.indexOf('Phone')
    const id = head!.indexOf('Customer ID')
    const blank = second!.map((v, i) => (i === phone || i === id ? '' : v))
    const rows = [head!, first!, blank].map((r) => r.filter((_, i) => i !== drop).join(','))
    const f = write(dir, 'no-email.csv', `${rows.join('\n')}\n`)
    const e = await importError(() => importFile(engine, f, { kind: 'customers', now: NOW }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 Phone: empty value: customer_id is required (Phone, else Customer ID: both empty)`,
    ])
  })

  test('Shopify customers export: keyed by email, else phone (as the orders export), else Customer ID', async () => {
    const r = await importFile(engine, join(FIXTURES, 'shopify_customers_export.csv'), {
      kind: 'customers',
      now: NOW,
    })
    expect(r.layout).toBe('shopify-customers')
    const rows = await engine.query(
      'SELECT customer_id, email, name, country, region, city FROM customers ORDER BY source_line',
    )
    expect(rows).toEqual([
      {
        customer_id: 'ana.silva@example.com',
        email: 'ana.silva@example.com',
        name: 'Ana Silva',
        country: 'US',
        region: 'MA',
        city: 'Boston',
      },
      {
        customer_id: 'ben@example.org',
        email: 'ben@example.org',
        name: 'Ben Okafor',
        country: 'GB',
        region: null,
        city: 'London',
      },
      {
        customer_id: 'chloe@example.net',
        email: 'chloe@example.net',
        name: 'Chloé Martin',
        country: 'FR',
        region: null,
        city: 'Paris',
      },
      {
        // no email: the phone, as a guest order of the orders export names him
        customer_id: '+14155550100',
        email: null,
        name: 'Dev',
        country: null,
        region: null,
        city: null,
      },
    ])
    // Accepts Email Marketing is the customer's marketing consent (Accepts SMS Marketing is not)
    expect(
      (
        await engine.query<{ marketing_consent: boolean | null }>(
          'SELECT marketing_consent FROM customers ORDER BY source_line',
        )
      ).map((x) => x.marketing_consent),
    ).toEqual([true, false, false, false])
    expect(r.columns).toMatchObject({ marketing_consent: 'Accepts Email Marketing' })
  })

  test('generic customers and order lines', async () => {
    const c = write(
      dir,
      'c.csv',
      'customer_id,signup_date,country,state,city,industry,acquisition_channel,utm_campaign\nc1,2023-05-01,US,CA,SF,retail,ads,spring\nc1,2023-05-01,US,CA,SF,retail,ads,spring\n',
    )
    const rc = await importFile(engine, c, { kind: 'customers', now: NOW })
    expect(rc).toMatchObject({ rowsRead: 2, rowsStored: 1, inserted: 1 })
    expect(
      await engine.query('SELECT customer_id, region, channel, campaign FROM customers'),
    ).toEqual([{ customer_id: 'c1', region: 'CA', channel: 'ads', campaign: 'spring' }])
    const l = write(
      dir,
      'l.csv',
      'order_id,sku,title,category,qty,line_total\nA-1,S1,Shirt,apparel,2,40\nA-1,S2,Hat,apparel,1,15\n',
    )
    const rl = await importFile(engine, l, { kind: 'order-lines', now: NOW })
    expect(rl.inserted).toBe(2)
    expect((await importFile(engine, l, { kind: 'order-lines', now: NOW })).inserted).toBe(0)
    const s = await one<{ n: number; a: number }>(
      'SELECT count(*) AS n, sum(amount) AS a FROM order_lines',
    )
    expect(s).toEqual({ n: 2, a: 55 })
    // a negative line is refused, as the API refuses one: goods back are returns, money a refund
    const neg = write(
      dir,
      'neg.csv',
      'order_id,sku,title,category,qty,line_total\nA-2,S1,Shirt,apparel,0,40\nA-3,S2,Hat,apparel,-2,15\nA-4,S2,Hat,apparel,1,-5\n',
    )
    const before = await fingerprint(engine)
    const e = await importError(() => importFile(engine, neg, { kind: 'order-lines', now: NOW }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${neg}:3 qty: a line's quantity cannot be negative: goods sent back are a returns file (--kind returns)`,
      `${neg}:4 line_total: a line's amount cannot be negative: money paid back is a refund (a negative row of the orders file) or a returns file`,
    ])
    expect(await fingerprint(engine)).toEqual(before)
  })

  test("a customers file's email differing only in case is one customer's, stored in lower case", async () => {
    const c = write(dir, 'ce.csv', 'email,country\nAnn@X.com,DE\nann@x.com,DE\n')
    const r = await importFile(engine, c, { kind: 'customers', now: NOW })
    expect(r).toMatchObject({ rowsRead: 2, rowsStored: 1 })
    expect(
      await engine.query(
        "SELECT customer_id, email, country FROM customers WHERE customer_id = 'ann@x.com'",
      ),
    ).toEqual([{ customer_id: 'ann@x.com', email: 'ann@x.com', country: 'DE' }])
  })

  test('order lines: a price beside a quantity is the unit price, a total wins over it', async () => {
    // 3 caps at 8 are a line of 24, as in an orders file of line items; it was stored as 8
    const p = write(
      dir,
      'p.csv',
      'order_id,product,quantity,Unit Price\nI1,Cap,3,8\nI1,Pin,,2.5\nI2,Hat,2,0.1\n',
    )
    const r = await importFile(engine, p, { kind: 'order-lines', now: NOW })
    expect(r.inserted).toBe(3)
    expect(
      await engine.query(
        'SELECT order_id, product_id, quantity, amount FROM order_lines ORDER BY order_id, product_id',
      ),
    ).toEqual([
      { order_id: 'I1', product_id: 'Cap', quantity: 3, amount: 24 },
      { order_id: 'I1', product_id: 'Pin', quantity: null, amount: 2.5 },
      { order_id: 'I2', product_id: 'Hat', quantity: 2, amount: 0.2 },
    ])
    // the file again: nothing changes
    expect((await importFile(engine, p, { kind: 'order-lines', now: NOW })).inserted).toBe(0)
    // beside a line total the price is not read: the total is the line's amount
    const t = write(dir, 't.csv', 'order_id,product,quantity,price,total\nI3,Cap,3,8,20\n')
    const rt = await importFile(engine, t, { kind: 'order-lines', now: NOW })
    expect(rt.unusedColumns).toContain('price')
    expect(await one("SELECT amount FROM order_lines WHERE order_id = 'I3'")).toEqual({
      amount: 20,
    })
    // a negative price is refused as a negative amount is
    const neg = write(dir, 'pn.csv', 'order_id,product,quantity,price\nI4,Cap,1,-8\n')
    const e = await importError(() => importFile(engine, neg, { kind: 'order-lines', now: NOW }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${neg}:2 price: a line's price cannot be negative: money paid back is a refund (a negative row of the orders file) or a returns file`,
    ])
  })
})

describe('formats', () => {
  const CSV = 'customer_id,ordered_at,amount\nc1,2024-01-02,10.5\nc2,2024-01-03T10:00:00Z,20\n'

  async function sumOf(): Promise<{ n: number; s: number }> {
    return one('SELECT count(*) AS n, sum(amount) AS s FROM orders')
  }

  test('gzip CSV', async () => {
    const r = await orders(write(dir, 'o.csv.gz', gzipSync(CSV)))
    expect(r).toMatchObject({ format: 'csv', gzip: true, rowsStored: 2 })
    expect(await sumOf()).toEqual({ n: 2, s: 30.5 })
  })

  test('JSON lines and gzip JSON lines, with line numbers in problems', async () => {
    const jl =
      '{"customer_id":"c1","ordered_at":"2024-01-02","amount":10.5}\n{"customer_id":"c2","ordered_at":"2024-01-03T10:00:00Z","amount":20}\n'
    const r = await orders(write(dir, 'o.jsonl', jl))
    expect(r).toMatchObject({ format: 'jsonl', rowsStored: 2 })
    const r2 = await orders(write(dir, 'o.ndjson.gz', gzipSync(jl)))
    expect(r2).toMatchObject({ format: 'jsonl', gzip: true, unchanged: 2 })
    expect(await sumOf()).toEqual({ n: 2, s: 30.5 })
    const bad = write(
      dir,
      'bad.jsonl',
      `${jl}{"customer_id":"c3","ordered_at":"soon","amount":1}\n`,
    )
    const e = await importError(() => orders(bad))
    expect(e.problems.map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^${bad}:3 ordered_at: cannot read 'soon' as a date`)),
    ])
  })

  test('JSON lines mixing strings and numbers in a field read the text of both', async () => {
    // DuckDB types such a field JSON, whose text keeps a string's quotes: "123" was another customer
    const f = write(
      dir,
      'mixed.jsonl',
      '{"customer_id":123,"ordered_at":"2024-01-01","amount":"12.50","order_id":7}\n' +
        '{"customer_id":"123","ordered_at":"2024-01-02","amount":3,"order_id":"8"}\n',
    )
    expect(await orders(f)).toMatchObject({ rowsStored: 2, customers: 1 })
    const rows = await engine.query<{ order_id: string; customer_id: string; amount: number }>(
      'SELECT order_id, customer_id, amount FROM orders ORDER BY order_id',
    )
    expect(rows).toEqual([
      { order_id: '7', customer_id: '123', amount: 12.5 },
      { order_id: '8', customer_id: '123', amount: 3 },
    ])
  })

  test('JSON lines behind a UTF-8 byte order mark (PowerShell, .NET) import, bad lines named', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf])
    const body = '{"customer_id":"b1","ordered_at":"2024-01-01","amount":5}\n'
    const f = write(dir, 'bom.jsonl', Buffer.concat([bom, Buffer.from(body)]))
    expect(await orders(f)).toMatchObject({ format: 'jsonl', rowsStored: 1 })
    const g = write(dir, 'bom.jsonl.gz', gzipSync(Buffer.concat([bom, Buffer.from(body)])))
    expect(await orders(g)).toMatchObject({ unchanged: 1 })
    const bad = write(
      dir,
      'bombad.jsonl',
      Buffer.concat([
        bom,
        Buffer.from(`${body}{"customer_id":"b2","ordered_at":"2024-01-02","amount":"x"}\n`),
      ]),
    )
    const e = await importError(() => orders(bad))
    expect(e.problems.map(formatProblem)).toEqual([`${bad}:2 amount: cannot read 'x' as an amount`])
  })

  test("an API page: the one list of records beside paging fields (Stripe's object, data, has_more)", async () => {
    const records = [
      { customer_id: 'pg1', ordered_at: '2024-01-01', amount: 5 },
      { customer_id: 'pg2', ordered_at: '2024-01-02', amount: 6 },
    ]
    const page = { object: 'list', data: records, has_more: false, url: '/v1/charges' }
    const one = write(dir, 'page.json', JSON.stringify(page))
    expect(await orders(one)).toMatchObject({ rowsStored: 2, jsonArray: true, jsonWrapper: 'data' })
    const pretty = write(dir, 'page-pretty.json', JSON.stringify(page, null, 2))
    expect(await orders(pretty)).toMatchObject({ unchanged: 2, jsonWrapper: 'data' })
    // a page with nothing on it holds no data rows, as {"orders": []} does: its paging fields are
    // not the columns found (of any kind)
    const before = await fingerprint(engine)
    for (const [name, body] of [
      ['empty-page.json', JSON.stringify({ ...page, data: [] })],
      ['empty-page-pretty.json', JSON.stringify({ ...page, data: [] }, null, 2)],
    ] as const) {
      const f = write(dir, name, body)
      for (const kind of ['orders', 'surveys', 'tickets'] as const) {
        await expect(importFile(engine, f, { kind, now: NOW }), kind).rejects.toThrow(
          `${f}: no data rows (the list "data" is empty)`,
        )
      }
    }
    expect(await fingerprint(engine)).toEqual(before)
    // an order with an empty list of its own is an order; rows each with an empty list, no page
    const bare = write(
      dir,
      'bare.json',
      '{"customer_id":"pg3","ordered_at":"2024-01-03","amount":7,"items":[]}\n',
    )
    expect(await orders(bare)).toMatchObject({ inserted: 1 })
    const tags = write(dir, 'tags.jsonl', '{"id":"c1","tags":[]}\n{"id":"c2","tags":[]}\n')
    // (no amount asked for: a column mapped as the date would make it a log of customers and
    // dates; the empty lists are no column)
    await expect(orders(tags)).rejects.toThrow(/missing required column ordered_at \(found: id\)/)
  })

  test('JSON times with Z or an offset are instants under --tz; ids above 2^64 keep every digit', async () => {
    // DuckDB's JSON reader makes such times naive UTC timestamps, which --tz shifted a second time,
    // and such ids rounded doubles (two customers made one)
    const other = await freshWorkspace()
    try {
      const f = write(
        dir,
        'zulu.jsonl',
        '{"customer_id":18446744073709551617,"ordered_at":"2024-04-11T02:00:00Z","amount":10,"order_id":5}\n' +
          '{"customer_id":18446744073709551619,"ordered_at":"2024-04-10T15:00:00Z","amount":20,"order_id":6}\n',
      )
      const csv = write(
        dir,
        'zulu.csv',
        'customer_id,ordered_at,amount,order_id\n' +
          '18446744073709551617,2024-04-11T02:00:00Z,10,5\n18446744073709551619,2024-04-10T15:00:00Z,20,6\n',
      )
      const opts = { kind: 'orders' as const, tz: 'America/New_York' }
      expect(await importFile(other.engine, f, opts)).toMatchObject({ rowsStored: 2, customers: 2 })
      const stored = () =>
        other.engine.query(
          "SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at, CAST(order_date AS VARCHAR) AS day FROM orders ORDER BY order_id",
        )
      expect(await stored()).toEqual([
        {
          order_id: '5',
          customer_id: '18446744073709551617',
          at: '2024-04-11 02:00',
          day: '2024-04-10',
        },
        {
          order_id: '6',
          customer_id: '18446744073709551619',
          at: '2024-04-10 15:00',
          day: '2024-04-10',
        },
      ])
      // the CSV of the same orders is the same orders
      expect(await importFile(other.engine, csv, opts)).toMatchObject({ unchanged: 2 })
    } finally {
      await other.engine.close()
    }
  })

  test('pretty-printed JSON records each over several lines read one by one; an empty page or a document of no orders says so', async () => {
    const rec = (id: string, amount: string) =>
      `{\n  "order_id": "${id}",\n  "customer_id": "P1",\n  "order_date": "2024-01-0${id.slice(1)}",\n  "amount": ${amount}\n}\n`
    const one = write(dir, 'pretty-one.json', rec('p1', '5'))
    expect(await orders(one)).toMatchObject({ inserted: 1, jsonDocuments: true })
    const two = write(dir, 'pretty-two.json', rec('p2', '5') + rec('p3', '"x"'))
    const e = await importError(() => orders(two))
    expect(e.problems.map(formatProblem)).toEqual([
      // the record's number, and the line it opens on in the file
      `${two}:7 (record 2) amount: cannot read 'x' as an amount`,
    ])
    // a duplicate names the other record, and its line, not a line of the copy it was read from
    const dup = write(
      dir,
      'pretty-dup.json',
      `[\n${rec('p4', '5')},${rec('p5', '6')},${rec('p4', '7')}]\n`,
    )
    const d = await importError(() => orders(dup))
    expect(d.problems.map(formatProblem)).toEqual([
      `${dup}:14 (record 3) order_id: order p4 also in record 1 (line 2) with different content (amount)`,
    ])
    for (const body of ['{"orders": []}\n', '{\n  "orders": []\n}\n']) {
      const empty = write(dir, 'empty-page.json', body)
      await expect(orders(empty)).rejects.toThrow(
        /empty-page\.json: no data rows \(the list "orders" is empty\)$/,
      )
    }
    const doc = write(dir, 'doc.json', '{\n  "name": "loyals",\n  "version": "1"\n}\n')
    await expect(orders(doc)).rejects.toThrow(
      /doc\.json: missing required columns customer_id, ordered_at, amount \(found: name, version\)/,
    )
  })

  test('a JSON array of records (also pretty-printed, nested or gzipped) reads as JSON lines', async () => {
    const records = [
      { id: 1, created_at: '2024-01-01', total: 12.5, customer: { id: 'a', email: 'a@x.com' } },
      { id: 2, created_at: '2024-01-03', total: 7, customer: { id: 'b', email: 'b@x.com' } },
    ]
    const f = write(dir, 'orders.json', JSON.stringify(records, null, 2))
    const r = await orders(f)
    expect(r).toMatchObject({ format: 'jsonl', rowsStored: 2, customers: 2, jsonArray: true })
    expect(r.columns).toMatchObject({ customer_id: 'customer.id', order_id: 'id', amount: 'total' })
    expect(importNotes(r)).toEqual([
      // customer.email stands in for a record without customer.id (none here)
      `${f}: a row whose customer.id is empty, 0 or NULL (a guest's order) takes the email address in its customer.email as its customer (--map customer_id=customer.email reads every row's customer from that column)`,
      `${f}: a JSON array, read one record after another; a problem names its record's number (1 = the first) after the line the record opens on (${f}:LINE (record N)), or alone when the records share one line`,
    ])
    expect(await sumOf()).toEqual({ n: 2, s: 19.5 })
    // the same records gzipped: the same orders, unchanged
    const gz = write(dir, 'orders.json.gz', gzipSync(JSON.stringify(records)))
    expect(await orders(gz)).toMatchObject({ gzip: true, unchanged: 2, jsonArray: true })
    // a bad record is named by its number
    const bad = write(
      dir,
      'bad.json',
      JSON.stringify([...records, { id: 3, created_at: 'soon', total: 1, customer: { id: 'c' } }]),
    )
    const e = await importError(() => orders(bad))
    expect(e.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(`^${bad} record 3 created_at: cannot read 'soon' as a date`),
      ),
    ])
    // pretty-printed and gzipped: the line the record opens on too (the array's line 20)
    const badGz = write(
      dir,
      'bad.json.gz',
      gzipSync(
        JSON.stringify(
          [...records, { id: 3, created_at: 'soon', total: 1, customer: { id: 'c' } }],
          null,
          2,
        ),
      ),
    )
    const gzErr = await importError(() => orders(badGz))
    expect(gzErr.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(`^${badGz}:20 \\(record 3\\) created_at: cannot read 'soon' as a date`),
      ),
    ])
    // an array that is not valid JSON says so, with nothing stored
    const broken = write(dir, 'broken.json', '[{"id": 1, "total": }]')
    await expect(orders(broken)).rejects.toThrow(/broken\.json/)
    expect(await sumOf()).toEqual({ n: 2, s: 19.5 })
  })

  test('JSON whose one field lists the records ({"orders": [...]}, compact or over many lines)', async () => {
    const list = [
      { customer_id: 'w1', ordered_at: '2024-01-01', amount: 5 },
      { customer_id: 'w1', ordered_at: '2024-02-01', amount: 7 },
    ]
    const compact = write(dir, 'page.json', JSON.stringify({ orders: list }))
    const r = await orders(compact)
    expect(r).toMatchObject({ rowsStored: 2, customers: 1, jsonArray: true, jsonWrapper: 'orders' })
    expect(importNotes(r)).toEqual([
      `${compact}: the records listed under "orders", read one record after another; a problem names its record's number (1 = the first) after the line the record opens on (${compact}:LINE (record N)), or alone when the records share one line`,
    ])
    const pretty = write(
      dir,
      'page2.json',
      JSON.stringify(
        { orders: [...list, { customer_id: 'w2', ordered_at: 'x', amount: 1 }] },
        null,
        2,
      ),
    )
    const e = await importError(() => orders(pretty))
    expect(e.problems[0]).toMatchObject({ line: 3, record: true, startLine: 13 })
    expect(e.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(`^${pretty}:13 \\(record 3\\) ordered_at: cannot read 'x' as a date`),
      ),
    ])
  })

  test("JSON lines of nested objects (an API's orders): each object's fields are columns", async () => {
    // Shopify's REST order: the customer is an object, the line items a list
    const f = write(
      dir,
      'api.jsonl',
      '{"id":1,"created_at":"2024-01-01T10:00:00Z","total_price":"12.50","customer":{"id":7,"email":"a@x.com","first name":"A"},"line_items":[{"sku":"S1"}]}\n' +
        '{"id":2,"created_at":"2024-02-01T10:00:00Z","total_price":"30.00","customer":{"id":"7","email":"a@x.com","first name":"A"},"line_items":[]}\n',
    )
    const r = await orders(f)
    expect(r.columns).toEqual({
      customer_id: 'customer.id',
      ordered_at: 'created_at',
      amount: 'total_price',
      order_id: 'id',
      customer_email: 'customer.email',
    })
    expect(r).toMatchObject({ rowsStored: 2, customers: 1 })
    const rows = await engine.query('SELECT order_id, customer_id, amount FROM orders ORDER BY 1')
    expect(rows).toEqual([
      { order_id: '1', customer_id: '7', amount: 12.5 },
      { order_id: '2', customer_id: '7', amount: 30 },
    ])
    // a bad nested value is named by its column and line
    const bad = write(
      dir,
      'api-bad.jsonl',
      '{"id":3,"created_at":"2024-03-01","total_price":"5","customer":{"id":null}}\n',
    )
    const e = await importError(() => orders(bad))
    expect(e.problems.map(formatProblem)).toEqual([
      `${bad}:1 customer.id: empty value: customer_id is required`,
    ])
  })

  test('a gzipped Parquet file (.parquet.gz) reads as the Parquet inside', async () => {
    const pq = join(dir, 'zipped.parquet')
    await engine.exec(
      `COPY (SELECT 'z' || (i % 2) AS customer_id, DATE '2024-01-01' + CAST(i AS INTEGER) AS ordered_at,
         i * 1.5 AS amount FROM range(1, 5) t(i)) TO '${pq}' (FORMAT parquet)`,
    )
    const gz = write(dir, 'zipped.parquet.gz', gzipSync(readFileSync(pq)))
    const r = await orders(gz)
    expect(r).toMatchObject({ format: 'parquet', rowsStored: 4, customers: 2 })
    expect(await orders(pq)).toMatchObject({ unchanged: 4 })
  })

  test('Parquet with a struct column: its fields are columns too', async () => {
    const pq = join(dir, 'nested.parquet')
    await engine.exec(
      `COPY (SELECT {'id': 'k' || (i % 2), 'country': 'DE'} AS customer, DATE '2024-01-01' + CAST(i AS INTEGER) AS ordered_at,
         i * 1.5 AS amount FROM range(1, 5) t(i)) TO '${pq}' (FORMAT parquet)`,
    )
    const r = await orders(pq)
    expect(r.columns).toMatchObject({ customer_id: 'customer.id', ordered_at: 'ordered_at' })
    expect(r).toMatchObject({ rowsStored: 4, customers: 2 })
    expect(await sumOf()).toEqual({ n: 4, s: 15 })
  })

  test('Parquet written by DuckDB, with typed columns', async () => {
    const pq = join(dir, 'o.parquet')
    await engine.exec(
      `COPY (SELECT 'c' || (i % 3) AS customer_id, TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR AS ordered_at,
         CAST(i AS DECIMAL(10,2)) AS amount, i AS order_id FROM range(1, 11) t(i)) TO '${pq}' (FORMAT parquet)`,
    )
    const r = await orders(pq)
    expect(r).toMatchObject({ format: 'parquet', rowsStored: 10, customers: 3 })
    expect(await sumOf()).toEqual({ n: 10, s: 55 })
    const last = await one<{ at: string }>(
      "SELECT CAST(ordered_at AS VARCHAR) AS at FROM orders WHERE order_id = '10'",
    )
    expect(last.at).toBe('2024-01-01 10:00:00')
  })

  test('a NaN in a float id column is a missing id, not the id "nan"', async () => {
    // pandas, Polars and Spark write a missing value of a float column as NaN
    const pq = join(dir, 'nan-ids.parquet')
    await engine.exec(
      `COPY (SELECT * FROM (VALUES (91085.0, 9101.0, TIMESTAMP '2024-03-01', 10.0), ('nan'::DOUBLE, 9102.0, TIMESTAMP '2024-03-02', 20.0),
         (91086.0, 'nan'::DOUBLE, TIMESTAMP '2024-03-03', 5.0), (91086.0, 'nan'::DOUBLE, TIMESTAMP '2024-03-04', 7.0))
         t(customer_id, order_id, ordered_at, amount)) TO '${pq}' (FORMAT parquet)`,
    )
    const e = await importError(() => orders(pq))
    expect(e.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [2, 'customer_id', 'empty value: customer_id is required'],
    ])
    const r = await orders(pq, { skipBadRows: true })
    expect(r.rowsStored).toBe(3)
    // JSON lines as Python's json writes a missing float: NaN, not a string
    const jl = write(
      dir,
      'nan-ids.jsonl',
      '{"customer_id":"91087","ordered_at":"2024-03-05","amount":3}\n' +
        '{"customer_id":NaN,"ordered_at":"2024-03-06","amount":4}\n',
    )
    expect((await importError(() => orders(jl))).problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'empty value: customer_id is required'],
    ])
    // the two orders without an id are two orders of 91086, not one order "nan" named twice
    expect(
      await engine.query(
        "SELECT customer_id, order_id, amount FROM orders WHERE customer_id IN ('91085', '91086', 'nan') ORDER BY amount",
      ),
    ).toEqual([
      { customer_id: '91086', order_id: null, amount: 5 },
      { customer_id: '91086', order_id: null, amount: 7 },
      { customer_id: '91085', order_id: '9101', amount: 10 },
    ])
  })
})

describe('bad input: clear message, store unchanged', () => {
  let before: Record<string, string>
  beforeEach(async () => {
    await orders(CDNOW)
    before = await fingerprint(engine)
  })
  afterEach(async () => {
    expect(await fingerprint(engine)).toEqual(before)
  })

  const cases: [string, (dir: string) => string, RegExp][] = [
    ['missing file', (d) => join(d, 'nope.csv'), /nope\.csv: file not found$/],
    ['empty file', (d) => write(d, 'e.csv', ''), /e\.csv: the file is empty \(0 bytes\)$/],
    [
      'header only',
      (d) => write(d, 'h.csv', 'customer_id,ordered_at,amount\n'),
      /h\.csv: no data rows \(only a header\)$/,
    ],
    [
      'missing required columns',
      (d) => write(d, 'm.csv', 'customer_id,color\nc1,red\n'),
      /m\.csv: missing required column ordered_at \(found: customer_id, color\)\. Name it with --map, e\.g\. --map ordered_at=color$/,
    ],
    [
      'an amount column of lists in every record: no log without spend stored as 0',
      (d) =>
        write(
          d,
          'lists.jsonl',
          '{"order_id":"O1","customer_id":"C1","ordered_at":"2024-01-01","amount":[5]}\n{"order_id":"O2","customer_id":"C2","ordered_at":"2024-01-02","amount":[6,1]}\n',
        ),
      /lists\.jsonl: the column amount holds lists or objects, not amounts \(one number per order\); nothing was imported\./,
    ],
    [
      'a title above the header: the error names the header line and what to remove',
      (d) => write(d, 'title.csv', 'Orders export 2024\n\ncustomer;date;amount\nA;2024-01-01;10\n'),
      /title\.csv: line 1 is not a header \("Orders export 2024"\); line 3 looks like it \("customer;date;amount"\): remove the 2 lines above it and import again$/,
    ],
    [
      'one title line right above the header: named too (it was an engine error on a column)',
      (d) =>
        write(
          d,
          't1.csv',
          'Orders report\norder_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10.50\n',
        ),
      /t1\.csv: line 1 is not a header \("Orders report"\); line 2 looks like it \("order_id,customer_id,order_date,amount"\): remove the line above it and import again$/,
    ],
    [
      'a title of a megabyte above the header: named in 80 characters, not echoed whole',
      (d) =>
        write(
          d,
          'big-title.csv',
          `${'x'.repeat(1_000_000)}\ncustomer_id,ordered_at,amount\nA,2024-01-01,10\n`,
        ),
      /big-title\.csv: missing required columns customer_id, ordered_at, amount \(found: x{59}…\)\. Name them with --map, e\.g\. --map customer_id=<Column>$/,
    ],
    [
      'a long title above the header, within the lines searched: cut in its message',
      (d) =>
        write(
          d,
          'long-title.csv',
          `${'x'.repeat(10_000)}\ncustomer_id,ordered_at,amount\nA,2024-01-01,10\n`,
        ),
      /long-title\.csv: line 1 is not a header \("x{79}…"\); line 2 looks like it \("customer_id,ordered_at,amount"\): remove the line above it and import again$/,
    ],
    [
      'no header line: line 1 is data',
      (d) => write(d, 'nh.csv', '1,2024-01-01,5\n2,2024-01-02,6\n'),
      /nh\.csv: missing required columns customer_id, ordered_at, amount \(found: 1, 2024-01-01, 5\)\. Line 1 is data, not column names: the file needs a header line naming its columns \(e\.g\. customer_id,ordered_at,amount\)\.$/,
    ],
    [
      'no header and columns separated by runs of spaces (the BTYD CDNOW_sample.txt)',
      (d) =>
        write(
          d,
          'cd.txt',
          ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n',
        ),
      /cd\.txt: .*Line 1 is data, not column names: .*, and its values are separated by runs of spaces, not by a delimiter\.$/,
    ],
    [
      'a header of names separated by spaces: one column, said so (it asked for a --map)',
      (d) => write(d, 'sp.txt', 'customer_id ordered_at quantity amount\n0001 19970101 2 29.33\n'),
      /sp\.txt: missing required columns customer_id, ordered_at, amount \(found: customer_id ordered_at quantity amount\)\. Line 1 reads as one column: its names are separated by spaces, not by a delimiter\. Save the file with a comma, semicolon, tab or \| between the columns\.$/,
    ],
    [
      'one field missing and one column left over: the example names it',
      (d) => write(d, 'clv.csv', 'Ref,Date,Price\n1,2005-01-02,230.3\n'),
      /clv\.csv: missing required column customer_id \(found: Ref, Date, Price\)\. Name it with --map, e.g\. --map customer_id=Ref$/,
    ],
    [
      'a BG/BB table (the BTYD donations layout) instead of orders',
      (d) => write(d, 'bgbb.csv', 'frequency,recency,periods,weights\n0,0,6,3464\n'),
      /bgbb\.csv: missing required columns customer_id, ordered_at, amount \(found: frequency, recency, periods, weights\)\. This is a table of frequency, recency and periods for the BG\/BB model, not orders: fit it with `loyals fit FILE --model bgbb`\.$/,
    ],
    [
      'a calibration summary (BTYD names) instead of orders',
      (d) => write(d, 'cal.csv', 'cust,x,t.x,T.cal,m.x\n1,2,30.4,38.9,22.3\n'),
      /cal\.csv: missing required columns ordered_at, amount \(found: cust, x, t\.x, T\.cal, m\.x\)\. This is a per-customer summary \(x, t_x, T\), not orders: fit a model to it with `loyals fit FILE --model bgnbd`/,
    ],
    [
      'a summary as JSON (summary --format json): fit is not sent to a file it does not read',
      (d) =>
        write(
          d,
          'sum.json',
          '[\n\t{"customer_id":"1","x":3,"t_x":49.2,"T":77.8,"monetary":23.7}\n]\n',
        ),
      /sum\.json: missing required columns ordered_at, amount \(found: customer_id, x, t_x, T, monetary\)\. This is a per-customer summary \(x, t_x, T\), not orders: `loyals fit` reads it as an uncompressed CSV file: write it with `loyals summary ORDERS --format csv --out FILE` and fit that with `loyals fit FILE --model bgnbd` \(or pareto, mbgnbd; gg with a monetary column\)\.$/,
    ],
    [
      'a gzipped survival table: fit reads it uncompressed',
      (d) => write(d, 'surv.csv.gz', gzipSync('year,regular_pct_alive\n0,100\n1,63.1\n')),
      /surv\.csv\.gz: .*This is a survival table .* not orders: `loyals fit` reads it as an uncompressed CSV file: save it as one and fit that with `loyals fit FILE --model sbg`\.$/,
    ],
    [
      'a survival table instead of orders',
      (d) => write(d, 'surv.csv', 'year,regular_pct_alive\n0,100\n1,63.1\n'),
      /surv\.csv: missing required columns customer_id, ordered_at, amount \(found: year, regular_pct_alive\)\. This is a survival table .* `loyals fit FILE --model sbg`\.$/,
    ],
    [
      'PNG image',
      (d) =>
        write(
          d,
          'p.csv',
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
        ),
      /p\.csv: not a data file: it looks like a PNG image$/,
    ],
    [
      'Excel workbook',
      (d) => write(d, 'book.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0, 8, 0])),
      /book\.xlsx: not a data file: it looks like a ZIP archive \(an Excel \.xlsx workbook\? save the sheet as CSV UTF-8 and import that\)$/,
    ],
    [
      'UTF-16 file',
      (d) =>
        write(
          d,
          'u.csv',
          Buffer.from(`\ufeffcustomer_id,ordered_at,amount\nc1,2024-01-01,1\n`, 'utf16le'),
        ),
      /u\.csv: the file is UTF-16 encoded; save it as UTF-8/,
    ],
    [
      'UTF-16 (little-endian) without a byte order mark',
      (d) =>
        write(
          d,
          'u16le.csv',
          Buffer.from('customer_id,ordered_at,amount\nc1,2024-01-01,1\n', 'utf16le'),
        ),
      /u16le\.csv: the file is UTF-16 encoded; save it as UTF-8/,
    ],
    [
      'UTF-16 (big-endian) without a byte order mark',
      (d) =>
        write(
          d,
          'u16be.csv',
          Buffer.from('customer_id,ordered_at,amount\nc1,2024-01-01,1\n', 'utf16le').swap16(),
        ),
      /u16be\.csv: the file is UTF-16 encoded; save it as UTF-8/,
    ],
    ['directory', (d) => d, /is a directory, not a file$/],
    [
      'a pipe (standard input)',
      (d) => {
        const fifo = join(d, 'orders.pipe')
        execFileSync('mkfifo', [fifo])
        return fifo
      },
      /orders\.pipe: is a pipe or device, not a file: standard input and pipes are not read/,
    ],
  ]
  for (const [name, make, message] of cases) {
    test(name, async () => {
      const e = await importError(() => orders(make(dir)))
      expect(e.message).toMatch(message)
      expect(e.message).not.toMatch(/\n|at .*\.ts:\d+/)
    })
  }

  test('invalid UTF-8 names the line', async () => {
    const f = write(
      dir,
      'latin1.csv',
      Buffer.concat([
        Buffer.from('customer_id,ordered_at,amount\nc1,2024-01-01,1\nJos'),
        Buffer.from([0xe9]),
        Buffer.from(',2024-01-01,2\n'),
      ]),
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([`${f}:3: ${NOT_UTF8}`])
    expect(e.message).toContain('pass --encoding latin-1')
    // read as Latin-1 (into another workspace: this block keeps its own unchanged) the name is intact
    const other = await freshWorkspace()
    try {
      const r = await importFile(other.engine, f, { kind: 'orders', encoding: 'latin-1' })
      expect(r.rowsStored).toBe(2)
      const names = await other.engine.query<{ c: string }>(
        "SELECT customer_id AS c FROM orders WHERE customer_id LIKE 'Jos%'",
      )
      expect(names).toEqual([{ c: 'José' }])
    } finally {
      await other.engine.close()
    }
  })

  test("the library's encoding takes the CLI's names (Windows-1252) and refuses others", async () => {
    const f = write(
      dir,
      'cp1252-lib.csv',
      Buffer.concat([
        Buffer.from('customer_id,ordered_at,amount\nJos'),
        Buffer.from([0xe9]), // é
        Buffer.from(',2024-01-01,5\n'),
      ]),
    )
    const other = await freshWorkspace()
    try {
      // the library read 'Windows-1252' as UTF-8 (it knew only 'latin-1'), and 'ebcdic' too
      const r = await importFile(other.engine, f, { kind: 'orders', encoding: 'Windows-1252' })
      expect(r.rowsStored).toBe(1)
      const names = await other.engine.query<{ c: string }>('SELECT customer_id AS c FROM orders')
      expect(names).toEqual([{ c: 'José' }])
      await expect(
        importFile(other.engine, f, { kind: 'orders', encoding: 'ebcdic' }),
      ).rejects.toThrow(/--encoding must be utf-8 or latin-1 .*got 'ebcdic'/)
    } finally {
      await other.engine.close()
    }
  })

  test("--encoding latin-1 reads Windows-1252, Excel's plain CSV: €, dashes and curly quotes", async () => {
    const f = write(
      dir,
      'cp1252.csv',
      Buffer.concat([
        Buffer.from('customer_id,ordered_at,amount,note\nZo'),
        Buffer.from([0xeb, 0x20, 0x96, 0x20, 0x56, 0x49, 0x50]), // "Zoë – VIP"
        Buffer.from(',2024-01-01,5,'),
        Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80]), // “hi” €
        Buffer.from('\nc2,2024-01-02,7,x\n'),
      ]),
    )
    const other = await freshWorkspace()
    try {
      const r = await importFile(other.engine, f, { kind: 'orders', encoding: 'latin-1' })
      expect(r.rowsStored).toBe(2)
      const names = await other.engine.query<{ c: string }>(
        "SELECT customer_id AS c FROM orders WHERE customer_id LIKE 'Zo%'",
      )
      expect(names).toEqual([{ c: 'Zoë – VIP' }])
      expect(r.utf8ReadAsLatin1).toBeUndefined()
      // the same names saved as UTF-8: read as Latin-1 they turn into two letters each, said so
      const u = write(
        dir,
        'utf8-as-latin1.csv',
        'customer_id,ordered_at,amount\nZoë,2024-01-01,5\n',
      )
      const r2 = await importFile(other.engine, u, { kind: 'orders', encoding: 'latin-1' })
      expect(r2.utf8ReadAsLatin1).toBe(true)
      expect(importNotes(r2).join('\n')).toContain(
        '--encoding latin-1 read each accented letter as two',
      )
      // behind a UTF-8 byte order mark: refused, saying what the file is
      const bom = write(
        dir,
        'bom-as-latin1.csv',
        '\ufeffcustomer_id,ordered_at,amount\nc1,2024-01-01,5\n',
      )
      await expect(
        importFile(other.engine, bom, { kind: 'orders', encoding: 'latin-1' }),
      ).rejects.toThrow(
        `${bom} starts with a UTF-8 byte order mark: it is UTF-8, not Windows-1252; leave out --encoding`,
      )
    } finally {
      await other.engine.close()
    }
  })

  test('an id whose quote is never closed is a bad row, not a customer of its own', async () => {
    const f = write(
      dir,
      'unclosed.csv',
      'order_id,customer_id,order_date,amount\n1,C1,2024-01-01,10.00\n2,"C1,2024-01-05,20.00\n3,"C2",2024-01-06,5\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      // read with quoting (import-stage.ts QuotedCsv), the quote runs into line 4 and closes there
      `${f}:3: bad quoting: a quoted value is never closed, or a quote inside it is not doubled ("")`,
    ])
    // an id quoted in full inside its field ("""Q""") is an id like any other
    const g = write(dir, 'quoted-id.csv', 'customer_id,ordered_at,amount\n"""Q""",2024-01-05,3\n')
    // and so is one that starts with an escaped quote in a quoted CSV ("""Bob"" Inc" is "Bob" Inc)
    const b = write(
      dir,
      'escaped-quote.csv',
      'customer_id,ordered_at,amount\n"""Bob"" Inc",2024-01-05,3\nc2,2024-01-06,4\n',
    )
    // (into another workspace: this block keeps its own unchanged)
    const other = await freshWorkspace()
    try {
      expect(await importFile(other.engine, g, { kind: 'orders' })).toMatchObject({ rowsStored: 1 })
      expect(await importFile(other.engine, b, { kind: 'orders' })).toMatchObject({ rowsStored: 2 })
      expect(await other.engine.query('SELECT customer_id FROM orders ORDER BY 1')).toEqual([
        { customer_id: '"Bob" Inc' },
        { customer_id: '"Q"' },
        { customer_id: 'c2' },
      ])
    } finally {
      await other.engine.close()
    }
  })

  test('invalid UTF-8 past the first block is found by the reader, on its line', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `c${i},2024-01-01,${i}`).join('\n')
    const f = write(
      dir,
      'late-latin1.csv',
      Buffer.concat([
        Buffer.from(`customer_id,ordered_at,amount\n${rows}\nZo`),
        Buffer.from([0xeb]),
        Buffer.from(',2024-01-02,2\n'),
      ]),
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([`${f}:20002: ${NOT_UTF8}`])
    const other = await freshWorkspace()
    try {
      const r = await importFile(other.engine, f, { kind: 'orders', encoding: 'latin-1' })
      expect(r.rowsRead).toBe(20_001)
    } finally {
      await other.engine.close()
    }
  })

  test('unparseable dates and amounts, missing values: one problem per bad value', async () => {
    const f = write(
      dir,
      'bad.csv',
      [
        'customer_id,ordered_at,amount',
        'c1,2024-01-01,10',
        'c2,01/02/2024,10',
        'c3,2024-01-01,ten',
        ',2024-01-01,5',
        'c5,2024-02-30,abc',
      ].join('\n'),
    )
    const e = await importError(() => orders(f))
    expect(e.message).toMatch(/4 bad rows; nothing was imported/)
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 ordered_at: cannot read '01/02/2024' as a date (expected ISO 8601 such as 2024-03-10 or 2024-03-10T14:30:00Z or a Unix time in seconds or milliseconds; or pass --date-format)`,
      `${f}:4 amount: cannot read 'ten' as an amount`,
      `${f}:5 customer_id: empty value: customer_id is required`,
      `${f}:6 amount: cannot read 'abc' as an amount`,
      `${f}:6 ordered_at: cannot read '2024-02-30' as a date (expected ISO 8601 such as 2024-03-10 or 2024-03-10T14:30:00Z or a Unix time in seconds or milliseconds; or pass --date-format)`,
    ])
  })

  test('dates in the future: after tomorrow (UTC), whatever the hour of the import', async () => {
    // NOW is 2025-01-01 00:00 UTC: all of 2025-01-02 is tomorrow, 2025-01-03 is after it
    const f = write(
      dir,
      'future.csv',
      'customer_id,ordered_at,amount\nc1,2025-01-01T23:00:00Z,1\nc2,2025-01-03,1\nc3,2025-01-02T23:59:59Z,1\nc4,2025-01-03T00:00:00Z,1\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 ordered_at: date is in the future: 2025-01-03`,
      `${f}:5 ordered_at: date is in the future: 2025-01-03T00:00:00Z`,
    ])
  })

  test('dates in the future: by the local day, after tomorrow where the day is furthest along', async () => {
    // at 07:30 UTC it is 21:30 in UTC+14: tomorrow there is 2025-01-02, and 2025-01-03 has begun
    // nowhere, in whatever zone the file's days are read
    const early = new Date('2025-01-01T07:30:00Z')
    const f = write(
      dir,
      'berlin.csv',
      'customer_id,ordered_at,amount\nc1,2024-12-01,1\nc2,2025-01-03,1\n',
    )
    const e = await importError(() => orders(f, { now: early, tz: 'Europe/Berlin' }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 ordered_at: date is in the future: 2025-01-03`,
    ])
    // 23:00 UTC is 13:00 of the next day in Kiritimati
    const k = write(
      dir,
      'kiritimati.csv',
      'customer_id,ordered_at,amount\nc1,2025-01-01T23:00:00Z,1\nc2,2025-01-02T23:00:00Z,1\n',
    )
    const ek = await importError(() => orders(k, { now: early, tz: 'Pacific/Kiritimati' }))
    expect(ek.problems.map(formatProblem)).toEqual([
      `${k}:3 ordered_at: date is in the future: 2025-01-02T23:00:00Z`,
    ])
    // at noon UTC it is 2025-01-02 in UTC+14, so 2025-01-03 is tomorrow there: an order on it is
    // no future order (the day is one --as-of takes), while 2025-01-04 still is
    const noon = new Date('2025-01-01T12:00:00Z')
    const u = write(
      dir,
      'noon.csv',
      'customer_id,ordered_at,amount\nc1,2025-01-03T10:00:00Z,1\nc2,2025-01-04,1\n',
    )
    const eu = await importError(() => orders(u, { now: noon }))
    expect(eu.problems.map(formatProblem)).toEqual([
      `${u}:3 ordered_at: date is in the future: 2025-01-04`,
    ])
    const ok = write(
      dir,
      'tomorrow-far.csv',
      'customer_id,ordered_at,amount\nc1,2025-01-03T10:00:00Z,1\n',
    )
    // (into a workspace of its own: this block's store must stay as it was)
    const fresh = await openWorkspace(':memory:')
    try {
      const r = await importFile(fresh, ok, { kind: 'orders', now: noon })
      expect(r).toMatchObject({ inserted: 1 })
      expect(await fresh.query('SELECT CAST(max(order_date) AS VARCHAR) AS d FROM orders')).toEqual(
        [{ d: '2025-01-03' }],
      )
    } finally {
      await fresh.close()
    }
  })

  test('a two-digit year read as ISO 8601 (13-01-24: the year 13) is a bad row, in CSV and JSON alike', async () => {
    // (alone, such dates are read in the one shape that takes them all: 13-01-24 as day-month-year)
    const f = write(
      dir,
      'yy.csv',
      'customer_id,ordered_at,amount\nc1,13-01-24,1\nc2,2024-01-05,1\n',
    )
    const reason = (v: string) =>
      `date before 1900: ${v} (a two-digit year? pass --date-format, e.g. %d-%m-%y or %y-%m-%d)`
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([`${f}:2 ordered_at: ${reason('13-01-24')}`])
    const j = write(
      dir,
      'yy.jsonl',
      '{"customer_id":"c1","ordered_at":"13-01-24","amount":1}\n{"customer_id":"c2","ordered_at":"2024-01-05","amount":1}\n',
    )
    const ej = await importError(() => orders(j))
    expect(ej.problems.map(formatProblem)).toEqual([`${j}:1 ordered_at: ${reason('13-01-24')}`])
  })

  test('1900 begins at local midnight under --tz: 1 January 1900 in Tokyo is no date before 1900, in UTC it was', async () => {
    const f = write(
      dir,
      'y1900.csv',
      'customer_id,ordered_at,amount\nc1,1900-01-01,1\nc1,1900-01-02 03:00:00,1\nc2,1900-01-01T00:00:00+01:00,1\nc3,1899-12-31T23:00:00,1\n',
    )
    const reason = (v: string) =>
      `date before 1900: ${v} (a two-digit year? pass --date-format, e.g. %d-%m-%y or %y-%m-%d)`
    // in Tokyo (+09:00) c2's instant is 08:00 on 1 January, c3's local time is still 1899
    const e = await importError(() => orders(f, { tz: 'Asia/Tokyo' }))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:5 ordered_at: ${reason('1899-12-31T23:00:00')}`,
    ])
    // in New York c2's instant is 18:00 on 31 December 1899
    const ny = await importError(() => orders(f, { tz: 'America/New_York' }))
    expect(ny.problems.map(formatProblem)).toEqual([
      `${f}:4 ordered_at: ${reason('1900-01-01T00:00:00+01:00')}`,
      `${f}:5 ordered_at: ${reason('1899-12-31T23:00:00')}`,
    ])
    const fresh = await openWorkspace(':memory:')
    try {
      const ok = write(dir, 'y1900-ok.csv', 'customer_id,ordered_at,amount\nc1,1900-01-01,1\n')
      await importFile(fresh, ok, { kind: 'orders', tz: 'Asia/Tokyo' })
      expect(await fresh.query('SELECT CAST(order_date AS VARCHAR) AS d FROM orders')).toEqual([
        { d: '1900-01-01' },
      ])
    } finally {
      await fresh.close()
    }
  })

  test('a date written without a digit is no date: epoch, infinity and inf are bad rows (DuckDB reads them as instants)', async () => {
    const rows = ['epoch', 'EPOCH', '-infinity', 'infinity', 'Infinity', 'inf', '-inf']
    const body = rows.map((v, i) => `c${i},${v},1`).join('\n')
    const f = write(dir, 'words.csv', `customer_id,ordered_at,amount\nc9,2024-01-05,1\n${body}\n`)
    const cannot = (line: number, v: string, hint: string) =>
      `${f}:${line} ordered_at: cannot read '${v}' as a date${hint}`
    const iso =
      ' (expected ISO 8601 such as 2024-03-10 or 2024-03-10T14:30:00Z or a Unix time in seconds or milliseconds; or pass --date-format)'
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual(rows.map((v, i) => cannot(i + 3, v, iso)))
    // through a --date-format (strptime read them as 1900-01-01) and in another zone alike
    const d = write(
      dir,
      'words-dmy.csv',
      `customer_id,ordered_at,amount\nc9,13/01/2024,1\n${body}\n`,
    )
    const ed = await importError(() => orders(d, { dateFormat: '%d/%m/%Y', tz: 'Europe/Berlin' }))
    expect(ed.problems.map((p) => p.line)).toEqual(rows.map((_, i) => i + 3))
  })

  test('an amount of 10^12 or more is a bad row (the sums would overflow for the whole workspace)', async () => {
    const f = write(
      dir,
      'huge.csv',
      'customer_id,ordered_at,amount\nc1,2024-01-01,10000000000000\nc2,2024-01-02,999999999999.99\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:2 amount: number too large: 10000000000000 (at most 999,999,999,999.99: amounts are summed to the millionth)`,
    ])
  })

  test('a gzip file cut short is an import error naming the file, and nothing is stored', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `c${i},2024-01-01,${(i % 50) + 1}`)
    const whole = gzipSync(`customer_id,ordered_at,amount\n${rows.join('\n')}\n`)
    const f = write(dir, 'cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2)))
    const before = await fingerprint(engine)
    const e = await importError(() => orders(f))
    expect(e.message).toMatch(
      /cut\.csv\.gz: the gzip data is cut short or damaged \(unexpected end of file\)/,
    )
    expect(await fingerprint(engine)).toEqual(before)
  })

  test('a small gzip file cut in its last value or its trailer is refused, not read up to the cut', async () => {
    // DuckDB's reader stopped at the cut without a word: B's 1234.56 was stored as 123, and an
    // import over a stored copy replaced the order's amount with it
    const whole = gzipSync(
      'customer_id,order_id,ordered_at,amount\nA,1,2024-01-05,10.00\nB,2,2024-01-06,1234.56\n',
    )
    const before = await fingerprint(engine)
    for (const cut of [whole.length - 1, whole.length - 8, whole.length - 13]) {
      const f = write(dir, `tail-${cut}.csv.gz`, whole.subarray(0, cut))
      const e = await importError(() => orders(f))
      expect(e.message).toMatch(/tail-\d+\.csv\.gz: the gzip data is cut short or damaged/)
    }
    expect(await fingerprint(engine)).toEqual(before)
  })

  test('a gzip file cut within its header is cut short, not empty; a file named .parquet that is none says so', async () => {
    // the first 10 bytes of a gzip stream inflate to nothing: it was "the file is empty"
    const whole = gzipSync('customer_id,ordered_at,amount\nc1,2024-01-01,10\n')
    const cut = write(dir, 'head.csv.gz', whole.subarray(0, 10))
    expect((await importError(() => orders(cut))).message).toMatch(
      /head\.csv\.gz: the gzip data is cut short or damaged \(unexpected end of file\)/,
    )
    // a whole gzip stream of nothing is an empty file
    const empty = write(dir, 'nothing.csv.gz', gzipSync(''))
    expect((await importError(() => orders(empty))).message).toMatch(
      /nothing\.csv\.gz: the file is empty \(0 bytes after gunzip\)/,
    )
    // text named .parquet was read as a CSV of one header line: "no data rows"
    const fake = write(dir, 'fake.parquet', 'not parquet\n')
    expect((await importError(() => orders(fake))).message).toMatch(
      /fake\.parquet: is named \.parquet but is not a Parquet file \(it does not begin with PAR1\)/,
    )
  })

  test('rows with the wrong number of columns', async () => {
    const f = write(
      dir,
      'w.csv',
      'customer_id,ordered_at,amount\nc1,2024-01-01,1\nc2,2024-01-01\nc3,2024-01-01,1,x\nc4,2024-01-01,1,x,y,z\nc5\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3: wrong number of columns (expected 3, found 2)`,
      `${f}:4: wrong number of columns (expected 3, found 4)`,
      `${f}:5: wrong number of columns (expected 3, found 6)`,
      `${f}:6: wrong number of columns (expected 3, found 1)`,
    ])
  })

  test('a bad row after quoted values spanning lines names its own file line', async () => {
    const f = write(
      dir,
      'ml.csv',
      'customer_id,ordered_at,amount,note\nc1,2024-01-01,5,"a\nb"\nc1,2024-01-02,x,\n' +
        'c1,2024-01-03,y,"c\r\n\r\nd"\nc1,2024-01-03,z,\n',
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:4 amount: cannot read 'x' as an amount`,
      `${f}:5 amount: cannot read 'y' as an amount`,
      `${f}:8 amount: cannot read 'z' as an amount`,
    ])
  })

  test("Excel's sep= line above the header is read as the separator hint it is; lines keep their numbers", async () => {
    // read into a store of its own: this block keeps its store unchanged
    const other = await freshWorkspace()
    try {
      const ok = write(
        dir,
        'sep.csv',
        'sep=;\r\ncustomer;date;amount\r\nA;2024-01-01;10,5\r\nB;2024-01-02;3\r\n',
      )
      const r = await importFile(other.engine, ok, { kind: 'orders', now: NOW })
      expect(r).toMatchObject({ rowsRead: 2, customers: 2 })
      const [sum] = await other.engine.query<{ s: number }>('SELECT sum(amount) AS s FROM orders')
      expect(sum?.s).toBe(13.5)
    } finally {
      await other.engine.close()
    }
    // behind a byte order mark, quoted, with a blank line after it, gzip-compressed
    const body =
      '\uFEFF"sep=,"\n\ncustomer_id,ordered_at,amount\nc1,2024-01-05,1\nc1,2024-01-06,x\n'
    for (const f of [write(dir, 'sep2.csv', body), write(dir, 'sep2.csv.gz', gzipSync(body))]) {
      expect((await importError(() => orders(f))).problems.map(formatProblem)).toEqual([
        `${f}:5 amount: cannot read 'x' as an amount`,
      ])
    }
    // a byte order mark and blank lines above the header, no sep= line
    const bom = write(
      dir,
      'bom.csv',
      '\uFEFF\n\ncustomer_id,ordered_at,amount\nc1,2024-01-05,1\nc1,2024-01-06,x\n',
    )
    expect((await importError(() => orders(bom))).problems.map(formatProblem)).toEqual([
      `${bom}:5 amount: cannot read 'x' as an amount`,
    ])
  })

  test('blank lines, which the reader skips, still count in the line numbers', async () => {
    // a blank line before the header, runs of blanks, a quoted value with an empty line inside
    // it (not blank: part of the value), and blanks at the end
    const body =
      '\ncustomer_id,ordered_at,amount,note\nc1,2024-01-01,5,\n\n\nc1,2024-01-02,x,\n\n' +
      'c2,2024-01-03,1,"p\n\nq"\nc2,2024-01-04,y,\n\n'
    const expected = (f: string) => [
      `${f}:6 amount: cannot read 'x' as an amount`,
      `${f}:11 amount: cannot read 'y' as an amount`,
    ]
    const f = write(dir, 'bl.csv', body)
    expect((await importError(() => orders(f))).problems.map(formatProblem)).toEqual(expected(f))
    const gz = write(dir, 'bl.csv.gz', gzipSync(body))
    expect((await importError(() => orders(gz))).problems.map(formatProblem)).toEqual(expected(gz))
    const crlf = write(
      dir,
      'crlf.csv',
      'customer_id,ordered_at,amount\r\nc1,2024-01-01,5\r\n\r\n\r\nc1,2024-01-02,x\r\n',
    )
    expect((await importError(() => orders(crlf))).problems.map(formatProblem)).toEqual([
      `${crlf}:5 amount: cannot read 'x' as an amount`,
    ])
    // with a line the reader rejects (too many fields) between the blank ones
    const rej = write(
      dir,
      'blr.csv',
      'customer_id,ordered_at,amount\nc1,2024-01-01,5\n\nc1,2024-01-02,5,9\n\nc2,2024-01-03,z\n',
    )
    expect((await importError(() => orders(rej))).problems.map(formatProblem)).toEqual([
      `${rej}:4: wrong number of columns (expected 3, found 4)`,
      `${rej}:6 amount: cannot read 'z' as an amount`,
    ])
    const js = write(
      dir,
      'bl.jsonl',
      '{"customer_id":"c1","ordered_at":"2024-01-01","amount":1}\n  \n\n' +
        '{"customer_id":"c2","ordered_at":"2024-01-02","amount":"abc"}\n',
    )
    expect((await importError(() => orders(js))).problems.map(formatProblem)).toEqual([
      `${js}:4 amount: cannot read 'abc' as an amount`,
    ])
  })

  test('malformed JSON lines', async () => {
    const f = write(
      dir,
      'm.jsonl',
      '{"customer_id":"c1","ordered_at":"2024-01-01","amount":1}\n{"customer_id":\n',
    )
    const e = await importError(() => orders(f))
    expect(e.message).toBe(`cannot read ${f}`)
    expect(formatProblem(e.problems[0]!)).toMatch(new RegExp(`^${f}:2: malformed JSON`))
    // blank lines before the bad one still count
    const blank = write(
      dir,
      'mb.jsonl',
      '{"customer_id":"c1","ordered_at":"2024-01-01","amount":1}\n\n\n{"customer_id":\n',
    )
    const eb = await importError(() => orders(blank))
    expect(formatProblem(eb.problems[0]!)).toMatch(new RegExp(`^${blank}:4: malformed JSON`))
    const first = write(dir, 'm1.jsonl', 'not json\n{"customer_id":"c1"}\n')
    const e1 = await importError(() => orders(first))
    expect(formatProblem(e1.problems[0]!)).toMatch(new RegExp(`^${first}:1: malformed JSON`))
  })

  test('a JSON syntax error in a pretty-printed, array or wrapped file is said at its own line, with its record', async () => {
    const rec = (c: string, amount: string) =>
      `{"customer_id":"${c}","ordered_at":"2024-01-01","amount":${amount}}`
    const before = await fingerprint(engine)
    const cases: [string, string, string][] = [
      [
        'pretty.json',
        `{\n  "customer_id": "A", "ordered_at": "2024-01-01", "amount": 10\n}\n{\n  "customer_id": "B",\n  "ordered_at": "2024-01-02",\n  "amount": 20,,\n}\n`,
        ":7: malformed JSON in record 2 (which opens on line 4), character 16: ',' where a field name in double quotes was expected (a comma too many?)",
      ],
      [
        'array.json',
        `[\n  ${rec('A', '10')},\n  ${rec('B', '20,,')},\n  ${rec('C', '30')}\n]\n`,
        ":3: malformed JSON in record 2, character 60: ',' where a field name in double quotes was expected (a comma too many?)",
      ],
      [
        'wrapped.json',
        `{"orders": [\n  ${rec('A', '10')},\n  ${rec('B', '20 "x":1')},\n  ${rec('C', '30')}\n]}\n`,
        `:3: malformed JSON in record 2, character 60: '"' where ',' or '}' was expected (a comma missing?)`,
      ],
    ]
    for (const [name, body, said] of cases) {
      for (const f of [write(dir, name, body), write(dir, `${name}.gz`, gzipSync(body))]) {
        const e = await importError(() => orders(f))
        expect(e.message).toBe(`cannot read ${f}`)
        expect(e.problems.map(formatProblem)).toEqual([`${f}${said}`])
      }
    }
    expect(await fingerprint(engine)).toEqual(before)
  })

  test('a --date-format DuckDB cannot read is a usage error', async () => {
    const f = write(dir, 'df.csv', 'customer_id,ordered_at,amount\nc1,01/02/2024,1\n')
    await expect(orders(f, { dateFormat: '%d/%Q/%Y' })).rejects.toThrow(
      "--date-format '%d/%Q/%Y' is not a strptime format (Unrecognized format for strftime/strptime: %Q): use specifiers",
    )
    await expect(orders(f, { dateFormat: '%d/%Q/%Y' })).rejects.toBeInstanceOf(UsageError)
    // spelled the spreadsheet way: no specifier at all, which would match no date
    await expect(orders(f, { dateFormat: 'dd/mm/yyyy' })).rejects.toThrow(
      "--date-format 'dd/mm/yyyy' has no strptime specifiers (%d, %m, %Y ...): use specifiers such as %d/%m/%Y",
    )
  })

  test('unknown kind and time zone are usage errors', async () => {
    const f = write(dir, 'k.csv', 'customer_id,ordered_at,amount\nc1,2024-01-01,1\n')
    await expect(importFile(engine, f, { kind: 'invoices' })).rejects.toThrow(
      "unknown kind 'invoices' (--kind; kind in the library): use one of orders, order-lines, customers",
    )
    await expect(orders(f, { tz: 'Mars/Olympus' })).rejects.toThrow(
      /unknown time zone 'Mars\/Olympus'/,
    )
  })

  test('the printed list is capped at 20 problems, with the total kept', async () => {
    const rows = ['customer_id,ordered_at,amount']
    for (let i = 0; i < 25; i++) rows.push(`c${i},2024-01-01,x${i}`)
    const e = await importError(() => orders(write(dir, 'many.csv', rows.join('\n'))))
    expect(e.problems).toHaveLength(20)
    expect(e.details.total).toBe(25)
    expect(e.problems[0]?.line).toBe(2)
  })

  test('a failure after partial writes rolls back the whole import', async () => {
    const f = write(dir, 'ok.csv', 'order_id,customer_id,ordered_at,amount\nZ-1,c1,2024-01-01,1\n')
    await expect(
      orders(f, {
        onStage: (s: string) => {
          if (s === 'orders-written') throw new Error('injected crash')
        },
      }),
    ).rejects.toThrow('injected crash')
    // the written order is gone once the transaction rolls back
    expect(
      (await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE order_id = 'Z-1'")).n,
    ).toBe(0)
  })
})

describe('--skip-bad-rows', () => {
  test('the good rows of a file with blank lines keep their own lines', async () => {
    const f = write(
      dir,
      'bl.csv',
      '\ncustomer_id,ordered_at,amount\nc1,2024-01-01,5\n\n\nc1,2024-01-02,x\n\nc2,2024-01-03,1\n',
    )
    await orders(f, { skipBadRows: true, rejects: join(dir, 'bl.rejects.csv') })
    const lines = await engine.query<{ customer_id: string; source_line: number }>(
      'SELECT customer_id, source_line FROM orders ORDER BY source_line',
    )
    expect(lines.map((r) => [r.customer_id, Number(r.source_line)])).toEqual([
      ['c1', 3],
      ['c2', 8],
    ])
    expect(readFileSync(join(dir, 'bl.rejects.csv'), 'utf8')).toContain(',6,amount: cannot read')
  })

  test('JSON lines that do not parse are rejects; the others keep their own lines', async () => {
    const f = write(
      dir,
      'm.jsonl',
      '{"customer_id":"c1","ordered_at":"2024-01-01","amount":5}\n' +
        '{"customer_id":"c2","ordered_at":"2024-01-02","amount":}\n\n' +
        '{"customer_id":"c3","ordered_at":"2024-01-03","amount":"x"}\n[1]\n' +
        '{"customer_id":"c4","ordered_at":"2024-01-04","amount":7}',
    )
    // without the option nothing is imported, and every bad line is named, parsed or not
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^${f}:2: malformed JSON`)),
      `${f}:4 amount: cannot read 'x' as an amount`,
      `${f}:5: the record is a list ([1]), not an object: every line of a JSON lines file is one object of fields ({"customer_id": ..., ...})`,
    ])
    expect((await engine.query('SELECT * FROM orders')).length).toBe(0)
    const gz = `${f}.gz`
    writeFileSync(gz, gzipSync(readFileSync(f)))
    for (const file of [f, gz]) {
      const r = await orders(file, { skipBadRows: true })
      expect(r).toMatchObject({ rowsRead: 5, rejected: 3, rejectsFile: `${file}.rejects.csv` })
      const rows = await engine.query<{ customer_id: string; source_line: number }>(
        'SELECT customer_id, source_line FROM orders ORDER BY source_line',
      )
      expect(rows.map((x) => [x.customer_id, Number(x.source_line)])).toEqual([
        ['c1', 1],
        ['c4', 6],
      ])
      const rejects = readFileSync(`${file}.rejects.csv`, 'utf8').trim().split('\n')
      expect(rejects[0]).toBe('customer_id,ordered_at,amount,line,reason,raw_line')
      expect(rejects[1]).toMatch(/^,,,2,"?malformed JSON: Unexpected token/)
      expect(rejects[1]).toContain('""amount"":}')
      expect(rejects[2]).toBe("c3,2024-01-03,x,4,amount: cannot read 'x' as an amount,")
      expect(rejects[3]).toBe(
        ',,,5,"the record is a list ([1]), not an object: every line of a JSON lines file is one object of fields ({""customer_id"": ..., ...})",[1]',
      )
    }
    // one document over many lines, broken, is no JSON lines file with a few bad lines: its own
    // error, not every line skipped and "missing columns"
    const doc = write(
      dir,
      'doc.json',
      '{"orders": [\n  {"customer_id":"a","ordered_at":"2024-01-01","amount":5},\n  {"customer_id":"b","amount":}\n]}\n',
    )
    const ed = await importError(() => orders(doc, { skipBadRows: true }))
    expect(formatProblem(ed.problems[0]!)).toMatch(new RegExp(`^${doc}:\\d+: malformed JSON`))
    // half the lines bad, one of them a value that is no record: JSON lines all the same (it was
    // refused as a broken document naming line 3 alone)
    const half = write(
      dir,
      'half.jsonl',
      '{"customer_id":"h1","ordered_at":"2024-01-01","amount":5}\n42\n{"customer_id":"h2" "x"}\n{"customer_id":"h3","ordered_at":"2024-01-02","amount":6}\n',
    )
    const rh = await orders(half, { skipBadRows: true })
    expect(rh).toMatchObject({ rowsRead: 4, rejected: 2 })
    const kept = await engine.query<{ customer_id: string }>(
      "SELECT customer_id FROM orders WHERE customer_id LIKE 'h%' ORDER BY 1",
    )
    expect(kept.map((k) => k.customer_id)).toEqual(['h1', 'h3'])
  })

  test('imports the good rows and writes rejects with line and reason', async () => {
    const f = write(
      dir,
      's.csv',
      'customer_id,ordered_at,amount,note\nc1,2024-01-01,10,a\nc2,yesterday,10,b\nc3,2024-01-02,20,c\nc4,2024-01-03\nc5,2024-01-04,$5,e\n',
    )
    const r = await orders(f, { skipBadRows: true })
    expect(r).toMatchObject({
      rowsRead: 5,
      rowsStored: 3,
      rejected: 2,
      rejectsFile: `${f}.rejects.csv`,
    })
    const rows = await engine.query<{ customer_id: string; source_line: number }>(
      'SELECT customer_id, source_line FROM orders ORDER BY source_line',
    )
    // line numbers stay right after a row the CSV reader rejected
    expect(rows).toEqual([
      { customer_id: 'c1', source_line: 2 },
      { customer_id: 'c3', source_line: 4 },
      { customer_id: 'c5', source_line: 6 },
    ])
    const rejects = readFileSync(`${f}.rejects.csv`, 'utf8').trim().split('\n')
    expect(rejects[0]).toBe('customer_id,ordered_at,amount,note,line,reason,raw_line')
    expect(rejects[1]).toMatch(/^c2,yesterday,10,b,3,ordered_at: cannot read 'yesterday' as a date/)
    expect(rejects[2]).toBe(',,,,5,"wrong number of columns (expected 4, found 2)","c4,2024-01-03"')
  })

  test('a line that repeats the header (two files pasted into one) is said to', async () => {
    const part = 'order_id,customer_id,order_date,amount\nO1,A,2024-01-05,10\n'
    const f = write(dir, 'twice.csv', part + part.replace('O1', 'O2'))
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 amount: cannot read 'amount' as an amount: the column's own name: this line repeats the header (two files pasted into one?)`,
      `${f}:3 order_date: cannot read 'order_date' as a date: the column's own name: this line repeats the header (two files pasted into one?)`,
    ])
  })

  test("a line longer than the reader's 2 MB (a long text field) is read", async () => {
    const f = write(
      dir,
      'long-line.csv',
      `customer_id,ordered_at,amount,note\nl1,2024-01-01,5,a\nl2,2024-01-02,6,${'x'.repeat(3_000_000)}\nl3,2024-01-03,7,c\n`,
    )
    const r = await orders(f)
    expect(r).toMatchObject({ rowsRead: 3, inserted: 3 })
    const rows = await engine.query<{ c: string; line: number }>(
      `SELECT customer_id AS c, source_line AS line FROM orders WHERE source = '${f}' ORDER BY 2`,
    )
    expect(rows.map((x) => [x.c, Number(x.line)])).toEqual([
      ['l1', 2],
      ['l2', 3],
      ['l3', 4],
    ])
  })

  test('--skip-bad-rows with every row bad is an error, not an import of nothing', async () => {
    const f = write(
      dir,
      'allbad.csv',
      'customer_id,ordered_at,amount\nc1,2024-01-01,x\nc2,2024-01-01,y\nc3,2024-01-02\n',
    )
    const before = await fingerprint(engine)
    const e = await importError(() => orders(f, { skipBadRows: true }))
    expect(e.message).toMatch(/allbad\.csv: every row is bad \(3\); nothing was imported\./)
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 4])
    expect(await fingerprint(engine)).toEqual(before)
    // the rejects are written where --skip-bad-rows writes them, all of them (not only the 20 shown)
    expect(e.message).toContain(`Every bad row is in ${f}.rejects.csv.`)
    expect(readFileSync(`${f}.rejects.csv`, 'utf8').trim().split('\n')).toHaveLength(4)
  })

  test('--rejects names the file', async () => {
    const f = write(
      dir,
      's.csv',
      'customer_id,ordered_at,amount\nc1,2024-01-01,x\nc2,2024-01-01,1\n',
    )
    const out = join(dir, 'bad-rows.csv')
    const r = await orders(f, { skipBadRows: true, rejects: out })
    expect(r.rejectsFile).toBe(out)
    expect(readFileSync(out, 'utf8')).toContain(
      "c1,2024-01-01,x,2,amount: cannot read 'x' as an amount",
    )
  })

  test('--rejects that is the imported file, or in a missing directory, is refused before any read', async () => {
    const body = 'customer_id,ordered_at,amount\nc1,2024-01-01,x\nc2,2024-01-01,1\n'
    const f = write(dir, 'self.csv', body)
    const before = await fingerprint(engine)
    await expect(orders(f, { skipBadRows: true, rejects: f })).rejects.toThrow(
      /--rejects .*self\.csv is the file being imported: the bad rows would overwrite it/,
    )
    await expect(
      orders(f, { skipBadRows: true, rejects: join(dir, '.', 'self.csv') }),
    ).rejects.toThrow(UsageError)
    await expect(
      orders(f, { skipBadRows: true, rejects: join(dir, 'no-dir', 'r.csv') }),
    ).rejects.toThrow(/no-dir does not exist; nothing was imported$/)
    expect(readFileSync(f, 'utf8')).toBe(body)
    expect(await fingerprint(engine)).toEqual(before)
  })

  test('--rejects that is a directory, or where nothing can be written, is refused before any read', async () => {
    const f = write(
      dir,
      'tickets.csv',
      'ticket_id,customer_id,opened_at\nT1,C1,2024-01-01\nT2,C2,x\n',
    )
    const before = await fingerprint(engine)
    const folder = join(dir, 'rejects-dir')
    mkdirSync(folder)
    const opts = { kind: 'tickets', now: NOW, skipBadRows: true } as const
    await expect(importFile(engine, f, { ...opts, rejects: folder })).rejects.toThrow(
      `--rejects ${folder} is a directory: name a file for the bad rows (${join(folder, 'tickets.csv.rejects.csv')}, say); nothing was imported`,
    )
    // the default one beside the file is named as such: analyze --skip-bad-rows takes no --rejects
    mkdirSync(`${f}.rejects.csv`)
    await expect(importFile(engine, f, { ...opts, scratch: true })).rejects.toThrow(
      `the rejects file ${f}.rejects.csv is a directory:`,
    )
    // a directory that takes no new files (root writes anywhere: nothing to refuse there)
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked')
      mkdirSync(locked)
      chmodSync(locked, 0o555)
      await expect(
        importFile(engine, f, { ...opts, rejects: join(locked, 'r.csv') }),
      ).rejects.toThrow(/takes no new files \(permission denied\); nothing was imported$/)
      chmodSync(locked, 0o755)
    }
    expect(await fingerprint(engine)).toEqual(before)
  })
})

describe('scratch stores (analyze FILE)', () => {
  test('plain orders become a view over the validated rows, with the same content', async () => {
    const f = write(
      dir,
      'plain.csv',
      'order_id,customer_id,ordered_at,amount,cost\nA-1,c1,2024-01-01T10:00:00Z,10.5,4\nA-2,c2,2024-01-02 23:30:00,$1,234.50,\nA-3,c1,2024-02-03,7,\n'.replace(
        '$1,234.50',
        '"$1,234.50"',
      ),
    )
    const scratch = await openWorkspace(':memory:')
    try {
      const r = await importFile(scratch, f, { kind: 'orders', now: NOW, scratch: true })
      const plain = await orders(f)
      expect(r.sha256).toBe('')
      // a scratch import skips the summary of what it stored: the caller reads the store
      expect([r.customers, r.firstDate, r.lastDate, r.afterAsOf]).toEqual([0, null, null, null])
      expect(plain.customers).toBe(2)
      const skipped = { importId: '', sha256: '', customers: 0, firstDate: null, lastDate: null }
      expect({ ...r, ...skipped }).toEqual({ ...plain, ...skipped, afterAsOf: null })
      const kind = await scratch.query<{ table_type: string }>(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'orders'",
      )
      expect(kind.map((k) => k.table_type)).toEqual(['VIEW'])
      const q = 'SELECT * FROM orders ORDER BY order_key'
      expect(await scratch.query(q)).toEqual(await engine.query(q))
      expect((await scratch.query(q)).map((o) => o.source_line)).toEqual([2, 3, 4])
    } finally {
      await scratch.close()
    }
  })

  test('orders without ids, and bad rows, take the usual path', async () => {
    const scratch = await openWorkspace(':memory:')
    try {
      await importFile(scratch, CDNOW, { kind: 'orders', now: NOW, scratch: true })
      const kind = await scratch.query<{ table_type: string }>(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'orders'",
      )
      expect(kind.map((k) => k.table_type)).toEqual(['BASE TABLE'])
      const bad = write(dir, 'bad.csv', 'order_id,customer_id,ordered_at,amount\nB-1,c1,soon,1\n')
      const other = await openWorkspace(':memory:')
      try {
        const e = await importError(() =>
          importFile(other, bad, { kind: 'orders', now: NOW, scratch: true }),
        )
        expect(formatProblem(e.problems[0]!)).toMatch(/bad\.csv:2 ordered_at: /)
      } finally {
        await other.close()
      }
    } finally {
      await scratch.close()
    }
  })
})
