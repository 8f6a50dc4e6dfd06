// One badly quoted value in a CSV: DuckDB's sniffer then reads the whole file without quoting, so
// every "C1" kept its quote marks (a customer of its own) and the bad line went unnamed. The
// importer gives the dialect instead (import-stage.ts QuotedCsv): good rows read right, the bad one
// is named by its physical line.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const QUOTING = /^bad quoting: a quoted value is never closed/
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
