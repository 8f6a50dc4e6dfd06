// The CDNOW calibration summary of the BTYD literature, reproduced for all 2,357 customers, by
// the service and by the built CLI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { buildCustomerSummary, customerSummaryRows } from '../../src/service/summary.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { CDNOW_ORDERS, CDNOW_SUMMARY, loadCdnow, parseCsv } from './load-orders.ts'

const expected = parseCsv(readFileSync(CDNOW_SUMMARY, 'utf8'))
const PAIRS = [
  ['x', 'x'],
  ['t.x', 't_x'],
  ['T.cal', 'T'],
  ['m.x', 'monetary'],
  ['x.star', 'x_star'],
] as const

function compare(got: readonly object[]): void {
  expect(got.length).toBe(2357)
  expect(expected.length).toBe(2357)
  const byId = new Map(
    got.map((r) => [
      String((r as Record<string, unknown>).customer_id),
      r as Record<string, unknown>,
    ]),
  )
  let mismatches = 0
  for (const e of expected) {
    const g = byId.get(e.cust ?? '')
    if (!g) throw new Error(`customer ${e.cust} missing`)
    for (const [ek, gk] of PAIRS) {
      // `!(d <= tol)` also counts NaN (a missing or non-numeric column) as a mismatch
      const d = Math.abs(Number(e[ek]) - Number(g[gk]))
      if (!(d <= 1e-6)) mismatches++
    }
  }
  expect(mismatches).toBe(0)
}

describe('CDNOW calibration summary (as of 1997-09-30, weeks)', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
    await loadCdnow(engine)
  })
  afterAll(async () => engine.close())

  it('the service reproduces x, t.x, T.cal, m.x and x.star for every customer', async () => {
    const info = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
    // the holdout rows, counted from the file itself (the sample has no refunds)
    const days = parseCsv(readFileSync(CDNOW_ORDERS, 'utf8')).map((r) => String(r.ordered_at))
    const after = days.filter((d) => d > '1997-09-30').length
    // their amount in cents, summed exactly
    const fileRows = parseCsv(readFileSync(CDNOW_ORDERS, 'utf8'))
    const cents = fileRows
      .filter((r) => String(r.ordered_at) > '1997-09-30')
      .reduce((s, r) => s + Math.round(Number(r.amount) * 100), 0)
    const amounts = parseCsv(readFileSync(CDNOW_ORDERS, 'utf8')).map((r) => Number(r.amount))
    const priced = amounts.filter((a) => a !== 0).length
    // the sample has 8 orders of $0 (free: no fixed payment fee in the value step)
    const free = amounts.filter((a) => a === 0).length
    expect(free).toBe(8)
    const last = [...days].sort().at(-1)
    expect(after).toBeGreaterThan(0)
    expect(info).toEqual({
      table: 'customer_summary',
      asOf: '1997-09-30',
      unit: 'week',
      customers: 2357,
      orders: {
        lastOrder: last,
        lastDay: last,
        ordersAfter: after,
        amountAfter: cents / 100,
        refunds: 0,
        refundsAfter: 0,
        refundMarks: 0,
        refundMarksAfter: 0,
        currencies: 0,
        currency: null,
        discounts: 0,
        priced,
        free,
      },
    })
    const rows = await customerSummaryRows(engine)
    compare(rows)
    expect(rows.reduce((s, r) => s + r.x_star, 0)).toBe(1882)
    expect(rows.filter((r) => r.x > 0).length).toBe(946)
    // natural order: numeric ids by value
    expect(rows.slice(0, 3).map((r) => r.customer_id)).toEqual(['1', '2', '3'])
    expect(rows.at(-1)?.customer_id).toBe('2357')
  })

  it('natural order takes whole-number ids by value, a decimal or 1e3 with the text ids', () => {
    // DuckDB's cast alone had read 2.6 as 3 and 1e3 as 1000 (PostgreSQL took whole numbers only)
    const file = join(tempDir(), 'ids.csv')
    const ids = ['3', '2.4', '2.6', '-1', '1', '+4', '1e3', 'B', 'A1']
    writeFileSync(
      file,
      ['customer_id,ordered_at,amount', ...ids.map((id) => `${id},2024-01-01,1`)].join('\n'),
    )
    const r = runCli(['summary', file])
    expect(r.code, r.stderr).toBe(0)
    const got = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0])
    expect(got).toEqual(['-1', '1', '3', '+4', 'B', 'A1', '1e3', '2.4', '2.6'])
  })

  it('the CLI prints the same summary from the orders CSV and, as JSON, from a workspace', async () => {
    const dir = tempDir()
    const db = join(dir, 'cdnow.duckdb')
    const ws = await openWorkspace(db)
    await loadCdnow(ws)
    await ws.close()
    const csv = runCli(['summary', CDNOW_ORDERS, '--as-of', '1997-09-30', '--unit', 'week'])
    expect(csv.stderr).toBe('')
    expect(csv.code).toBe(0)
    expect(csv.stdout.split('\n')[0]?.startsWith('customer_id,x,t_x,T,monetary,')).toBe(true)
    const rows = parseCsv(csv.stdout)
    compare(rows)
    expect(rows.map((r) => r.customer_id).slice(8, 11)).toEqual(['9', '10', '11'])

    const json = runCli(['summary', '--db', db, '--as-of', '1997-09-30', '--format', 'json'])
    expect(json.code).toBe(0)
    compare(JSON.parse(json.stdout) as Record<string, unknown>[])
  })

  it('the CLI rejects a bad unit and a bad date with a usage error', () => {
    const bad = runCli(['summary', CDNOW_ORDERS, '--unit', 'year'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--unit must be day, week or month, got "year"\n/)
    // a typo of a unit, a format or a zone is answered with the one it was near
    const typo = runCli(['summary', CDNOW_ORDERS, '--unit', 'weeks'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain(
      '--unit must be day, week or month, got "weeks" (did you mean week?)',
    )
    const format = runCli(['summary', CDNOW_ORDERS, '--format', 'jsn'])
    expect(format.stderr).toContain('--format must be csv or json, got "jsn" (did you mean json?)')
    const zone = runCli(['summary', CDNOW_ORDERS, '--tz', 'Europe/Berln'])
    expect(zone.code).toBe(2)
    expect(zone.stderr).toContain("unknown time zone 'Europe/Berln' (did you mean Europe/Berlin?)")
    const envZone = runCli(['summary', CDNOW_ORDERS], { env: { LOYALS_TZ: 'america/new york' } })
    expect(envZone.code).toBe(2)
    expect(envZone.stderr).toContain('(did you mean America/New_York?)')
    const date = runCli(['summary', CDNOW_ORDERS, '--as-of', '1997-02-30'])
    expect(date.code).toBe(2)
    // named with its flag (a bare "invalid date" named no option)
    expect(date.stderr).toBe(
      'error: --as-of 1997-02-30 is no date: there is no such day in the calendar\n',
    )
    const short = runCli(['summary', CDNOW_ORDERS, '--as-of', '97-09-30'])
    expect(short.code).toBe(2)
    expect(short.stderr).toBe('error: --as-of takes a date YYYY-MM-DD, and got "97-09-30"\n')
  })

  it('an --out in no directory, or naming a directory, is a usage error in plain words', () => {
    const dir = tempDir()
    const nowhere = join(dir, 'no-such-dir', 'x.csv')
    const r = runCli(['summary', CDNOW_ORDERS, '--out', nowhere])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      `error: cannot write ${nowhere}: there is no directory ${join(dir, 'no-such-dir')}`,
    )
    const asDir = runCli(['summary', CDNOW_ORDERS, '--out', dir])
    expect(asDir.code).toBe(2)
    expect(asDir.stderr.trim()).toBe(`error: cannot write ${dir}: it is a directory; name a file`)
  })

  it('a --db that does not exist is a usage error and creates no workspace', () => {
    const db = join(tempDir(), 'typo.duckdb')
    const r = runCli(['summary', '--db', db])
    expect(r.code).toBe(2)
    const message = `error: no workspace at ${db}: import orders first (loyals import FILE), pass --db, or name an orders file`
    expect(r.stderr.trim()).toBe(message)
    expect(existsSync(db)).toBe(false)
    // every command that reads a workspace says it the same way
    for (const args of [
      ['analyze', db],
      ['fit', '--model', 'bgnbd', '--db', db],
      ['insights', db],
    ]) {
      const other = runCli(args)
      expect(other.code, args.join(' ')).toBe(2)
      expect(other.stderr.trim(), args.join(' ')).toBe(message)
    }
    expect(existsSync(db)).toBe(false)
  })

  it('a .duckdb file holding other bytes is no orders file; an empty one is a new workspace', () => {
    const dir = tempDir()
    const bad = join(dir, 'bad.duckdb')
    writeFileSync(bad, 'customer_id,ordered_at,amount\n')
    for (const args of [
      ['summary', '--db', bad],
      ['analyze', bad],
      ['insights', '--db', bad],
      ['fit', '--model', 'bgnbd', bad],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain(`${bad} is not a workspace (a DuckDB file)`)
    }
    const empty = join(dir, 'empty.duckdb')
    writeFileSync(empty, '')
    const r = runCli(['summary', '--db', empty])
    expect(r.stderr.trim()).toBe('error: there are no orders in the workspace: import some first')
    // made by mktemp or touch: DuckDB would call it "not a valid DuckDB database file"
    const fresh = join(dir, 'fresh.duckdb')
    writeFileSync(fresh, '')
    expect(runCli(['import', CDNOW_ORDERS, '--db', fresh]).code).toBe(0)
    expect(runCli(['summary', '--db', fresh]).code).toBe(0)
  })
})
