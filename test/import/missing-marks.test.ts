// Exports write a missing id as text: SQL's NULL, pandas' nan, R's NA, Excel's #N/A, a dash. As a
// customer id that is no customer (100 guest orders under "NULL" made one customer with a third of
// the revenue): such a row is a bad row that says why; as an order id it is no id.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem, ImportError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')

describe('marks of a missing id', () => {
  let engine: Engine
  let dir: string
  beforeEach(async () => {
    dir = tempDir('loyals-marks-')
    engine = await openWorkspace(':memory:')
  })
  afterEach(async () => {
    await engine.close()
  })

  const FILE = [
    'customer_id,order_id,ordered_at,amount',
    'A,1,2024-01-01,100',
    'NULL,2,2024-01-02,50',
    'nan,3,2024-01-03,20',
    '#N/A,4,2024-01-03,20',
    ' - ,5,2024-01-03,20',
    'B,NULL,2024-01-04,10',
    'B,N/A,2024-01-05,10',
    ',8,2024-01-06,5',
    'Nancy,9,2024-01-07,7',
  ].join('\n')

  test('a customer id that marks none is a bad row that says so; an empty one as before', async () => {
    const f = write(dir, 'guest.csv', FILE)
    const err = await importFile(engine, f, { kind: 'orders', now: NOW }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(ImportError)
    const msg = (err as ImportError).problems.map(formatProblem).join('\n')
    for (const line of [3, 4, 5, 6]) {
      expect(msg).toContain(
        `${f}:${line} customer_id: a mark of no value (NULL, nan, NA, N/A, #N/A, None, nil or -): customer_id is required`,
      )
    }
    expect(msg).toContain(`${f}:9 customer_id: empty value: customer_id is required`)
    expect(msg).not.toContain(`${f}:10 `)
    expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual([{ n: 0 }])
  })

  test('a refused import with --json prints its problems as JSON on stdout', () => {
    const f = write(dir, 'guest.csv', FILE)
    const r = runCli(['import', f, '--db', `${dir}/w.duckdb`, '--json'])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout) as {
      error: {
        code: string
        exitCode: number
        total: number
        problems: { line: number; column: string; reason: string }[]
      }
    }
    expect(out.error).toMatchObject({ code: 'import_error', exitCode: 1, total: 5 })
    expect(out.error.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 9])
    expect(out.error.problems[0]).toMatchObject({ file: f, column: 'customer_id' })
    // the person at the terminal reads stderr as before
    expect(r.stderr).toMatch(/^error: .*guest\.csv: 5 bad rows; nothing was imported/)
  })

  test('with --skip-bad-rows the guests are left out and an order id that marks none is no id', async () => {
    const f = write(dir, 'guest.csv', FILE)
    const r = await importFile(engine, f, {
      kind: 'orders',
      now: NOW,
      skipBadRows: true,
      rejects: `${dir}/rejects.csv`,
    })
    expect(r).toMatchObject({ inserted: 4 })
    const rows = await engine.query(
      'SELECT customer_id, order_id, amount FROM orders ORDER BY ordered_at',
    )
    expect(rows).toEqual([
      { customer_id: 'A', order_id: '1', amount: 100 },
      { customer_id: 'B', order_id: null, amount: 10 },
      { customer_id: 'B', order_id: null, amount: 10 },
      { customer_id: 'Nancy', order_id: '9', amount: 7 },
    ])
  })

  // a referral programme's export writes NULL for "no referrer": taken as a customer, that
  // referrer won the referred customer (dated first) from the real one
  test('a referrer or referred id that marks none is a bad row; nothing is stored', async () => {
    const f = write(
      dir,
      'referrals.csv',
      [
        'referrer_id,referred_id,referred_at',
        'NULL,B,2024-01-01',
        'A,B,2024-02-01',
        'Q6,N/A,2024-01-01',
        'nil,-,2024-01-03',
      ].join('\n'),
    )
    const err = await importFile(engine, f, { kind: 'referrals', now: NOW }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(ImportError)
    const msg = (err as ImportError).problems.map(formatProblem).join('\n')
    const mark = 'a mark of no value (NULL, nan, NA, N/A, #N/A, None, nil or -)'
    expect(msg).toContain(`${f}:2 referrer_id: ${mark}: referrer_id is required`)
    expect(msg).toContain(`${f}:4 referred_id: ${mark}: referred_id is required`)
    expect(msg).toContain(`${f}:5 referrer_id: ${mark}: referrer_id is required`)
    expect(msg).not.toContain(`${f}:3 `)
    expect(await engine.query('SELECT count(*) AS n FROM referrals')).toEqual([{ n: 0 }])

    const r = await importFile(engine, f, {
      kind: 'referrals',
      now: NOW,
      skipBadRows: true,
      rejects: `${dir}/rejects.csv`,
    })
    expect(r).toMatchObject({ inserted: 1 })
    expect(await engine.query('SELECT referrer_id, referred_id FROM referrals')).toEqual([
      { referrer_id: 'A', referred_id: 'B' },
    ])
  })
})
