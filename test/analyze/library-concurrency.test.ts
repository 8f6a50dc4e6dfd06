// One engine used from several places at once, as a developer's code may: a second open of the
// same file in one process corrupted it (DuckDB's lock keeps out other processes only); two
// imports at once lost one file and doubled the other; a transaction took in another caller's
// statement and rolled it back with its own; two analyses at once answered each other's figures;
// close() under a running query hung the process.
import { copyFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  computeAnalysis,
  type Engine,
  importFile,
  openWorkspace,
  UsageError,
} from '../../src/index.ts'
import { ROOT, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

async function workspace(path: string): Promise<Engine> {
  const e = await openWorkspace(path)
  open.push(e)
  return e
}

describe('one engine, several callers', () => {
  it('a workspace open in this process cannot be opened again, by any path to it', async () => {
    const dir = tempDir('loyals-twice-')
    const file = join(dir, 'w.duckdb')
    const a = await workspace(file)
    await expect(openWorkspace(file)).rejects.toThrow(UsageError)
    await expect(openWorkspace(file)).rejects.toThrow(/already open in this process/)
    symlinkSync(file, join(dir, 'link.duckdb'))
    await expect(openWorkspace(join(dir, 'link.duckdb'))).rejects.toThrow(/already open/)
    // closed, it opens again, and what the first engine wrote is there
    await importFile(a, SAMPLE, { kind: 'orders' })
    await a.close()
    open.splice(0)
    const b = await workspace(file)
    const [n] = await b.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    expect(Number(n?.n)).toBe(6919)
  })

  it('a workspace that fails to open is not left open: a second try says the same', async () => {
    const dir = tempDir('loyals-bad-ws-')
    const file = join(dir, 'other.duckdb')
    // another tool's file: an orders table of other columns, which the schema cannot index
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const db = await DuckDBInstance.create(file)
    const c = await db.connect()
    await c.run('CREATE TABLE orders (x INTEGER)')
    c.closeSync()
    db.closeSync()
    const first = await openWorkspace(file).then(
      () => null,
      (e: Error) => e.message,
    )
    expect(first).not.toBeNull()
    expect(first).not.toMatch(/already open/)
    const second = await openWorkspace(file).then(
      () => null,
      (e: Error) => e.message,
    )
    expect(second).toBe(first)
  })

  it('two imports started at once store both files, each once', async () => {
    const dir = tempDir('loyals-two-imports-')
    const one = write(
      dir,
      'one.csv',
      'customer_id,ordered_at,amount\nA,2024-01-05,10\nB,2024-01-06,20\n',
    )
    const two = join(dir, 'two.csv')
    copyFileSync(SAMPLE, two)
    const e = await workspace(join(dir, 'w.duckdb'))
    const [r1, r2] = await Promise.all([
      importFile(e, one, { kind: 'orders' }),
      importFile(e, two, { kind: 'orders' }),
    ])
    expect(r1.rowsStored + r2.rowsStored).toBe(2 + 6919)
    const [n] = await e.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    expect(Number(n?.n)).toBe(2 + 6919)
  })

  it("a transaction that fails takes back its own statements, not another caller's", async () => {
    const e = await workspace(':memory:')
    await e.exec('CREATE TABLE t (v INTEGER)')
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const failing = e.transaction(async (tx) => {
      await tx.exec('INSERT INTO t VALUES (1)')
      await gate
      throw new Error('t1 fails')
    })
    // started while t1 is open: it waits for t1 to end instead of joining it
    const other = e.exec('INSERT INTO t VALUES (2)')
    release()
    await expect(failing).rejects.toThrow('t1 fails')
    await other
    const rows = await e.query<{ v: number }>('SELECT v FROM t ORDER BY v')
    expect(rows.map((r) => r.v)).toEqual([2])
  })

  it('two analyses started at once each answer their own as-of date', async () => {
    const dir = tempDir('loyals-two-analyses-')
    const e = await workspace(join(dir, 'w.duckdb'))
    await importFile(e, SAMPLE, { kind: 'orders' })
    const opts = (asOf: string) =>
      ({ source: 'w', asOf, predictions: false, value: false }) as const
    const alone = await computeAnalysis(e, opts('1997-06-30'))
    const [early, late] = await Promise.all([
      computeAnalysis(e, opts('1997-06-30')),
      computeAnalysis(e, opts('1998-06-30')),
    ])
    expect(early.counts).toEqual(alone.counts)
    expect(late.counts.orders).toBeGreaterThan(early.counts.orders)
    expect(late.asOf).toBe('1998-06-30')
  })

  it('close() waits for the running query, then closes', async () => {
    const e = await openWorkspace(':memory:')
    const slow = e.query<{ n: number }>(
      'SELECT count(*) AS n FROM range(40000000) a WHERE hash(a.range) % 7 = 1',
    )
    const closed = e.close()
    const [r] = await slow
    expect(Number(r?.n)).toBeGreaterThan(0)
    await closed
    await expect(e.query('SELECT 1')).rejects.toThrow()
  })

  it('close() waits for a query a finished job left running (started beside a fit that threw)', async () => {
    const e = await openWorkspace(':memory:')
    let slow: Promise<unknown> = Promise.resolve()
    // a held job that starts a query and ends (throws) without awaiting it
    await expect(
      e.hold!(async () => {
        slow = e.query('SELECT count(*) AS n FROM range(40000000) a WHERE hash(a.range) % 7 = 1')
        slow.catch(() => {})
        throw new Error('the fit failed')
      }),
    ).rejects.toThrow('the fit failed')
    await e.close()
    await expect(slow).resolves.toBeTruthy()
  })
})
