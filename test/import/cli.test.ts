// `loyals import` as a user runs it: the built CLI in a real process (npm test builds first).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { CLI, runCli, tempDir } from '../helpers/cli.ts'
import { CDNOW, FIXTURES, fingerprint, write } from './helpers.ts'

async function storeOf(db: string): Promise<Record<string, string>> {
  const e = await openWorkspace(db)
  try {
    return await fingerprint(e)
  } finally {
    await e.close()
  }
}

describe('loyals import', () => {
  let dir: string
  let db: string
  beforeAll(() => {
    dir = tempDir('loyals-import-cli-')
    db = join(dir, 'w.duckdb')
  })

  test('imports CDNOW and prints a summary; --json prints the same as JSON', () => {
    const r = runCli(['import', CDNOW, '--db', db])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('6,919 rows read, 6,919 orders (6,919 new, 0 updated, 0 unchanged)')
    expect(r.stdout).toContain('2,357 customers, orders from 1997-01-01 to 1998-06-30')
    const j = runCli(['import', CDNOW, '--db', db, '--json'])
    expect(j.code).toBe(0)
    const out = JSON.parse(j.stdout)
    expect(out).toMatchObject({ rowsRead: 6919, inserted: 0, unchanged: 6919, customers: 2357 })
  })

  test('--db naming a data file, not a workspace: a usage error, and the file is left as it was', () => {
    const target = write(
      dir,
      'not-a-workspace.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,5\n',
    )
    const before = readFileSync(target, 'utf8')
    const r = runCli(['import', CDNOW, '--db', target])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${target} is not a workspace (a DuckDB file)`)
    expect(r.stdout).toBe('')
    expect(readFileSync(target, 'utf8')).toBe(before)
    const s = runCli(['summary', '--db', target])
    expect(s.code).toBe(2)
  })

  test('a directory as --db is no workspace file, for fit as for every other command', () => {
    for (const cmd of [['fit', '--model', 'bgnbd'], ['summary']]) {
      const r = runCli([...cmd, '--db', dir])
      expect(r.code).toBe(2)
      expect(r.stderr).toBe(`error: ${dir} is a directory, not a workspace file\n`)
    }
  })

  test('a workspace cut short (an interrupted copy, a full disk) is said to be damaged, not as an engine error', () => {
    // QA: "error: query failed: IO Error: Could not read enough bytes from file ..."
    const cut = join(dir, 'cut.duckdb')
    expect(runCli(['import', CDNOW, '--db', cut]).code).toBe(0)
    writeFileSync(cut, readFileSync(cut).subarray(0, 20_000))
    for (const args of [
      ['summary', '--db', cut],
      ['import', CDNOW, '--db', cut],
    ]) {
      const r = runCli(args)
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        `error: ${cut} is a damaged workspace: the DuckDB file cannot be read through (cut short by an interrupted copy or a full disk, perhaps). Restore it from a backup, or import the data into a new workspace (--db NEW.duckdb)\n`,
      )
    }
  })

  test("--db naming another application's DuckDB database: refused, and no Loyals table made in it", async () => {
    // QA: `summary --db app.duckdb` said "no orders" and left 21 Loyals tables beside the app's
    const app = join(dir, 'app.duckdb')
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const own = await DuckDBInstance.create(app)
    const c = await own.connect()
    await c.run('CREATE TABLE invoices (id INTEGER); CREATE VIEW recent AS SELECT * FROM invoices')
    c.closeSync()
    own.closeSync()
    for (const args of [
      ['summary', '--db', app],
      ['import', CDNOW, '--db', app],
      ['keys', 'create', '--role', 'admin', '--db', app],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toBe(
        `error: ${app} is a DuckDB database but not a Loyals workspace (it holds other tables: invoices, recent); nothing was changed in it. Give --db a new file or a workspace\n`,
      )
    }
    const again = await DuckDBInstance.create(app)
    const d = await again.connect()
    const tables = await d.runAndReadAll(
      'SELECT table_name FROM information_schema.tables ORDER BY 1',
    )
    expect(tables.getRows().map((r) => r[0])).toEqual(['invoices', 'recent'])
    d.closeSync()
    again.closeSync()
  })

  test("another application's tables named orders or customers: no workspace, nothing added", async () => {
    // QA: a file whose `orders (x INT)` was taken for a workspace failed on the engine's Binder
    // Error after adding Loyals' tables; one with `customers (id, name)` was imported into, and
    // that table got two columns of Loyals'
    const { DuckDBInstance } = await import('@duckdb/node-api')
    for (const [name, sql, tables] of [
      [
        'app-orders.duckdb',
        'CREATE TABLE orders (x INTEGER); INSERT INTO orders VALUES (1)',
        'orders',
      ],
      ['app-customers.duckdb', 'CREATE TABLE customers (id INTEGER, name VARCHAR)', 'customers'],
    ] as const) {
      const app = join(dir, name)
      const own = await DuckDBInstance.create(app)
      const c = await own.connect()
      await c.run(sql)
      c.closeSync()
      own.closeSync()
      const r = runCli(['import', CDNOW, '--db', app])
      expect(r.code, name).toBe(2)
      expect(r.stderr).toBe(
        `error: ${app} is a DuckDB database but not a Loyals workspace (it holds tables named as a workspace's (${tables}) but not Loyals' import log, so they are another application's: ${tables}); nothing was changed in it. Give --db a new file or a workspace\n`,
      )
      const again = await DuckDBInstance.create(app)
      const d = await again.connect()
      const cols = await d.runAndReadAll(
        "SELECT table_name || '.' || column_name FROM information_schema.columns ORDER BY ALL",
      )
      expect(cols.getRows().map((row) => row[0])).toEqual(
        tables === 'orders' ? ['orders.x'] : ['customers.id', 'customers.name'],
      )
      d.closeSync()
      again.closeSync()
    }
  })

  test('a --map naming a column of a header below a title line says which line is the header', () => {
    const f = write(
      dir,
      'titled.csv',
      'Umsatzliste Januar 2024\n\nKundennummer;Datum;Betrag\n10;01.01.2024;10,00\n',
    )
    const r = runCli(['import', f, '--db', join(dir, 'titled.duckdb'), '--map', 'ordered_at=Datum'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(
      'line 1 is not a header ("Umsatzliste Januar 2024"); line 3 looks like it ("Kundennummer;Datum;Betrag"): remove the 2 lines above it',
    )
    // a --map naming no column of any line stays the usage error it is
    const u = runCli(['import', f, '--db', join(dir, 'titled.duckdb'), '--map', 'ordered_at=Nope'])
    expect(u.code).toBe(2)
    expect(u.stderr).toContain("no column 'Nope'")
    expect(existsSync(join(dir, 'titled.duckdb'))).toBe(false)
  })

  test('--rejects naming the workspace (or its log) is refused before anything is read', () => {
    const ws = join(dir, 'rejects-target.duckdb')
    const good = write(
      dir,
      'rt-good.csv',
      'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-01,100\nO2,B,2024-01-02,50\n',
    )
    expect(runCli(['import', good, '--db', ws]).code).toBe(0)
    const bad = write(
      dir,
      'rt-bad.csv',
      'customer_id,ordered_at,amount\nC,2024-01-03,10\nD,2024-01-04,oops\n',
    )
    const before = readFileSync(ws)
    for (const [target, extra] of [
      [ws, []],
      [ws, ['--skip-bad-rows']],
      [join(dir, '.', 'rejects-target.duckdb'), ['--skip-bad-rows']],
      [`${ws}.wal`, ['--skip-bad-rows']],
    ] as const) {
      const r = runCli(['import', bad, '--db', ws, '--rejects', target, ...extra])
      expect(r.code, `${target} ${extra.join(' ')}`).toBe(2)
      expect(r.stderr).toContain(`--rejects ${target} is the workspace ${ws}`)
      expect(r.stderr).toContain('Nothing was imported')
    }
    // the workspace is as it was: two orders, 150
    expect(readFileSync(ws).equals(before)).toBe(true)
    const s = runCli(['summary', ws, '--format', 'json'])
    expect(s.code).toBe(0)
    const rows = JSON.parse(s.stdout) as { customer_id: string; revenue: number }[]
    expect(rows.map((r) => [r.customer_id, r.revenue])).toEqual([
      ['A', 100],
      ['B', 50],
    ])
  })

  test('a failed import leaves no new workspace behind; --db in a missing directory is a usage error', () => {
    const fresh = join(dir, 'fresh.duckdb')
    const bad = write(dir, 'fresh-bad.csv', 'customer_id,ordered_at,amount\nc1,2024-01-01,x\n')
    const r = runCli(['import', bad, '--db', fresh])
    expect(r.code).toBe(1)
    expect(existsSync(fresh)).toBe(false)
    expect(existsSync(`${fresh}.wal`)).toBe(false)
    const missing = runCli(['import', join(dir, 'nope.csv'), '--db', fresh])
    expect(missing.stderr).toMatch(/nope\.csv: file not found/)
    expect(existsSync(fresh)).toBe(false)
    const nowhere = join(dir, 'no-such-dir', 'w.duckdb')
    const u = runCli(['import', bad, '--db', nowhere])
    expect(u.code).toBe(2)
    expect(u.stderr.trim()).toBe(
      `error: the workspace ${nowhere} cannot be created: the directory ${join(dir, 'no-such-dir')} does not exist`,
    )
    // a folder where no file can be made: said so, not the engine's "IO Error: Cannot open file"
    const proc = runCli(['import', bad, '--db', '/proc/loyals-w.duckdb'])
    expect(proc.code).toBe(2)
    expect(proc.stderr.trim()).toBe(
      'error: the workspace /proc/loyals-w.duckdb cannot be created or opened: no file can be made in /proc. Give --db (or LOYALS_DB) a path in a folder this user may write.',
    )
    // a file where the folder should be (it was Node's ENOTDIR, exit 70)
    const afile = join(dir, 'afile')
    writeFileSync(afile, '')
    const under = runCli(['import', bad, '--db', join(afile, 'w.duckdb')])
    expect(under.code).toBe(2)
    expect(under.stderr.trim()).toBe(
      `error: the workspace ${join(afile, 'w.duckdb')} cannot be created or opened: no file can be made in ${afile}. Give --db (or LOYALS_DB) a path in a folder this user may write.`,
    )
    // a workspace that existed stays, its data unchanged
    expect(runCli(['import', CDNOW, '--db', fresh]).code).toBe(0)
    expect(runCli(['import', bad, '--db', fresh]).code).toBe(1)
    expect(existsSync(fresh)).toBe(true)
  })

  test('a file that is not UTF-8: its advice printed once', () => {
    const f = join(dir, 'cp1252.csv')
    writeFileSync(f, Buffer.from('customer_id,ordered_at,amount\nZo\xeb,2024-01-01,5\n', 'latin1'))
    const r = runCli(['import', f, '--db', join(dir, 'cp.duckdb')])
    expect(r.code).toBe(1)
    expect(r.stderr.match(/not valid UTF-8/g)).toHaveLength(1)
    expect(r.stderr).toContain(`${f}: line 2 is not valid UTF-8`)
    expect(r.stderr).toContain('pass --encoding latin-1')
  })

  test('one row: counted in the singular', () => {
    const f = write(dir, 'one.csv', 'customer_id,ordered_at,amount\nsolo,2024-01-01,5\n')
    const r = runCli(['import', f, '--db', join(dir, 'one.duckdb')])
    expect(r.stdout).toContain(': 1 row read, 1 order (1 new, 0 updated, 0 unchanged)')
    expect(r.stdout).toContain('  1 customer, orders from 2024-01-01 to 2024-01-01')
  })

  test('columns no field reads are named (the Gender of a customers file went unread in silence)', () => {
    const c = write(dir, 'cov.csv', 'Id,Gender,Channel\n1,F,online\n2,M,store\n')
    const r = runCli(['import', c, '--kind', 'customers', '--db', join(dir, 'cov.duckdb')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(
      '  1 column not read: Gender (no field of --kind customers reads it; --map FIELD=COLUMN reads a column as a field)',
    )
    const many = write(
      dir,
      'wide.csv',
      `customer_id,ordered_at,amount,${'abcdefghij'.split('').join(',')}\nw,2024-01-01,5,${'1,'.repeat(9)}1\n`,
    )
    const w = runCli(['import', many, '--db', join(dir, 'wide.duckdb')])
    expect(w.stdout).toContain('  10 columns not read: a, b, c, d, e, f, g, h and 2 more (no field')
    // every column read: nothing said, and --json carries the list
    const j = runCli(['import', CDNOW, '--db', join(dir, 'cdnow-cols.duckdb'), '--json'])
    expect(JSON.parse(j.stdout).unusedColumns).toEqual([])
    expect(runCli(['import', CDNOW, '--db', join(dir, 'cdnow-cols.duckdb')]).stdout).not.toContain(
      'not read',
    )
  })

  test('returns of orders not in the workspace are noted, whether or not they name a known customer', () => {
    const w = join(dir, 'returns.duckdb')
    const o = write(dir, 'ro.csv', 'order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-01,50\n')
    expect(runCli(['import', o, '--db', w]).code).toBe(0)
    const head = 'return_id,order_id,customer_id,returned_at,amount,reason\n'
    // O9 is not in the workspace; its return names C1, whom the workspace knows
    const known = runCli([
      'import',
      write(dir, 'r1.csv', `${head}R5,O9,C1,2024-02-01,1,x\n`),
      '--kind',
      'returns',
      '--db',
      w,
    ])
    expect(known.code, known.stderr).toBe(0)
    expect(known.stdout).toContain(
      '  note: 1 return is of an order not in the workspace (O9 (line 2)); stored, it counts toward the customer it names',
    )
    const mixed = runCli([
      'import',
      write(
        dir,
        'r2.csv',
        `${head}R1,O1,C1,2024-02-01,1,x\nR6,O8,C1,2024-02-02,1,x\nR7,O7,,2024-02-03,1,x\nR8,O6,C2,2024-02-04,1,x\nR9,O5,,2024-02-05,1,x\n`,
      ),
      '--kind',
      'returns',
      '--db',
      w,
    ])
    expect(mixed.code, mixed.stderr).toBe(0)
    expect(mixed.stdout).toContain(
      '  note: 4 returns are of orders not in the workspace (O8 (line 3), O7 (line 4), O6 (line 5), ...); ' +
        'stored, 1 counts toward the customer it names, 1 toward the customer it names, who has no ' +
        'order or customer record yet, 2 toward no customer until their orders are imported',
    )
  })

  test('output into a pipe that is already closed (`| head`): a quiet exit 0, no stack trace', () => {
    const err = join(dir, 'pipe.err')
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node "${CLI}" fit "${CDNOW}" --model bgnbd 2>"${err}" | true; echo \${PIPESTATUS[0]}`,
      ],
      { encoding: 'utf8' },
    )
    expect(r.stdout.trim()).toBe('0')
    expect(readFileSync(err, 'utf8')).toBe('')
  })

  test('--decimal-comma on import, summary and analyze of an orders file', () => {
    const f = write(
      dir,
      'de.csv',
      'Kunde;Datum;Betrag\nk1;2024-01-01;1.234,50\nk1;2024-02-01;12,5\n',
    )
    const map = ['--map', 'customer_id=Kunde,ordered_at=Datum,amount=Betrag']
    const de = join(dir, 'de.duckdb')
    const r = runCli(['import', f, '--db', de, ...map, '--decimal-comma', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsStored: 2 })
    const s = runCli(['summary', f, ...map, '--decimal-comma'])
    expect(s.code).toBe(0)
    // one repeat day worth 12.5; revenue 1247
    expect(s.stdout.split('\n')[1]).toMatch(
      /^k1,1,4\.428571428571429,4\.428571428571429,12\.5,.*,1247\.0,/,
    )
    const a = runCli([
      'analyze',
      f,
      ...map,
      '--decimal-comma',
      '--json',
      '--out',
      join(dir, 'de-out'),
    ])
    expect(a.code).toBe(0)
    expect(JSON.parse(a.stdout).revenue).toMatchObject({ total: 1247 })
  })

  test('--rejects without --skip-bad-rows: a refused import lists every bad row there, storing nothing', async () => {
    const rows = Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0 ? `R${i},c${i},2024-01-0${1 + (i % 9)},-x` : `R${i},c${i},2024-01-02,5`,
    )
    const f = write(
      dir,
      'many-bad.csv',
      ['order_id,customer_id,ordered_at,amount', ...rows].join('\n'),
    )
    const w = join(dir, 'rejects-alone.duckdb')
    const plain = runCli(['import', f, '--db', w])
    expect(plain.code).toBe(1)
    expect(plain.stderr).toMatch(/\.\.\. and \d+ more problems \(--rejects FILE lists them all\)/)
    const out = join(dir, 'all-bad-rows.csv')
    const r = runCli(['import', f, '--db', w, '--rejects', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`30 bad rows; nothing was imported. Every bad row is in ${out}.`)
    expect(r.stderr).not.toContain('lists them all')
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(31)
    expect(lines[0]).toBe('order_id,customer_id,ordered_at,amount,line,reason')
    expect(existsSync(w) ? Object.values(await storeOf(w)).join('') : '').not.toContain('R1')
  })

  test('--skip-bad-rows with no bad row left empties the rejects file an earlier import wrote', () => {
    const f = write(
      dir,
      'fixed-later.csv',
      'order_id,customer_id,ordered_at,amount\nF1,c1,2024-01-01,x\nF2,c2,2024-01-02,5\n',
    )
    const w = join(dir, 'fixed-later.duckdb')
    const first = runCli(['import', f, '--db', w, '--skip-bad-rows'])
    expect(first.code).toBe(0)
    const rejects = `${f}.rejects.csv`
    expect(readFileSync(rejects, 'utf8')).toContain('F1,c1,2024-01-01,x,2,')
    // the user fixes line 2 and imports again: the old rejects would still name it
    writeFileSync(
      f,
      'order_id,customer_id,ordered_at,amount\nF1,c1,2024-01-01,4\nF2,c2,2024-01-02,5\n',
    )
    const again = runCli(['import', f, '--db', w, '--skip-bad-rows'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(
      `no bad rows: ${rejects}, which held an earlier import's rejects, is now empty`,
    )
    expect(readFileSync(rejects, 'utf8')).toBe('')
    // an empty or missing rejects file is left as it is, and nothing is said
    const third = runCli([
      'import',
      f,
      '--db',
      w,
      '--skip-bad-rows',
      '--rejects',
      join(dir, 'none.csv'),
    ])
    expect(third.code).toBe(0)
    expect(third.stdout).not.toContain('no bad rows')
    expect(existsSync(join(dir, 'none.csv'))).toBe(false)
  })

  test('analyze and summary of an orders file: US dates read and said; --skip-bad-rows leaves out bad rows and names them', () => {
    const f = write(
      dir,
      'us.csv',
      'Invoice,Customer,InvoiceDate,Total\n1,a,12/1/2010 8:26,10\n2,a,12/13/2010 9:00,20\n3,,12/14/2010 9:00,5\n4,b,12/14/2010 10:00,7\n',
    )
    const out = join(dir, 'us-out')
    const stop = runCli(['analyze', f, '--out', out])
    expect(stop.code).toBe(1)
    expect(stop.stderr).toContain(`${f}:4 Customer: empty value: customer_id is required`)
    expect(stop.stderr).toContain('pass --skip-bad-rows')
    const a = runCli(['analyze', f, '--out', out, '--skip-bad-rows', '--no-predictions'])
    expect(a.code).toBe(0)
    expect(a.stderr).toContain(
      'the dates in InvoiceDate are not ISO 8601; every one of them reads as month/day/year',
    )
    expect(a.stderr).toContain(
      `1 bad row left out (--skip-bad-rows), each with its reason in ${f}.rejects.csv`,
    )
    expect(a.stdout).toContain('2 customers, 3 orders, revenue 37.00 (as of 2010-12-14)')
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.quality.map((q: { message: string }) => q.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('1 bad row left out')]),
    )
    expect(readFileSync(`${f}.rejects.csv`, 'utf8')).toContain('customer_id is required')
    // most of a file bad: said as such, not as a count beside figures of the few rows left (QA:
    // 30 of 31 rows left out read "30 bad rows left out" above an analysis of one order)
    const most = write(
      dir,
      'most-bad.csv',
      'customer_id,ordered_at,amount\na,2024-01-01,1\nb,2024-01-02,x\nc,2024-01-03,y\n',
    )
    const m = runCli([
      'analyze',
      most,
      '--out',
      join(dir, 'most-out'),
      '--skip-bad-rows',
      '--no-predictions',
    ])
    expect(m.code, m.stderr).toBe(0)
    expect(m.stderr).toContain(
      `${most}: 2 of its 3 rows are bad and were left out (--skip-bad-rows), each with its reason in ${most}.rejects.csv: most of the file, so the figures below are of the few rows left`,
    )
    const s = runCli(['summary', f, '--skip-bad-rows'])
    expect(s.code).toBe(0)
    expect(s.stdout.split('\n')[1]).toMatch(/^a,1,/)
  })

  test('LOYALS_DB selects the workspace; --map is repeatable and comma-separated', async () => {
    const other = join(dir, 'env.duckdb')
    const f = write(dir, 'm.csv', 'who,when,net,ref\nc1,2024-01-02,8,R1\nc2,2024-01-03,9,R2\n')
    const r = runCli(
      ['import', f, '--map', 'customer_id=who,ordered_at=when', '--map', 'amount=net', '--json'],
      { env: { LOYALS_DB: other } },
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).columns).toMatchObject({
      customer_id: 'who',
      ordered_at: 'when',
      amount: 'net',
    })
    expect((await storeOf(other)).orders).toMatch(/^2:/)
  })

  test('bad rows: exit 1, file:line column: reason, no stack trace, store unchanged', async () => {
    const before = await storeOf(db)
    const f = write(
      dir,
      'bad.csv',
      'customer_id,ordered_at,amount\nc1,2024-01-01,1\nc2,2024-01-01,abc\n',
    )
    const r = runCli(['import', f, '--db', db])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')).toEqual([
      `error: ${f}: 1 bad row; nothing was imported. Fix it, or pass --skip-bad-rows (skipBadRows in the library) to import the good rows and write the rejects to a file.`,
      `  ${f}:3 amount: cannot read 'abc' as an amount`,
      '',
    ])
    expect(await storeOf(db)).toEqual(before)
  })

  test('the decimal-comma note names the number columns, not the status column', () => {
    const f = write(
      dir,
      'comma-status.csv',
      'Date;Order;Customer;Amount;Status\n03.01.2023;1;a;1.234,50;completed\n15.02.2023;2;a;99,95;cancelled\n20.03.2023;3;b;12,00;completed\n',
    )
    const r = runCli(['summary', f])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`${f}: the numbers in Amount are written with a decimal comma`)
  })

  test('more than 20 problems print 20 and "... and N more problems"', () => {
    const rows = ['customer_id,ordered_at,amount']
    for (let i = 0; i < 23; i++) rows.push(`c${i},someday,1`)
    const r = runCli(['import', write(dir, 'many.csv', rows.join('\n')), '--db', db])
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(22)
    expect(lines[21]).toBe('  ... and 3 more problems (--rejects FILE lists them all)')
  })

  test.each([
    [
      'missing file',
      ['import', '/nonexistent/orders.csv'],
      1,
      /^error: \/nonexistent\/orders\.csv: file not found\n$/,
    ],
    [
      'unknown kind',
      ['import', CDNOW, '--kind', 'invoices'],
      2,
      /^error: unknown kind 'invoices' \(--kind; kind in the library\)/,
    ],
    [
      'bad time zone',
      ['import', CDNOW, '--tz', 'Nowhere'],
      2,
      /^error: unknown time zone 'Nowhere'/,
    ],
  ])('%s: one line, exit code', async (_name, args, code, message) => {
    const before = await storeOf(db)
    const r = runCli([...args, '--db', db])
    expect(r.code).toBe(code)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(await storeOf(db)).toEqual(before)
  })

  test('--skip-bad-rows imports the rest and writes rejects; --tz and --date-format apply', () => {
    const f = write(
      dir,
      'skip.csv',
      'order,customer,date,total\nS1,c1,10/03/2024 23:30,5\nS2,c2,31/02/2024 10:00,6\n',
    )
    const rej = join(dir, 'rej.csv')
    const r = runCli([
      'import',
      f,
      '--db',
      join(dir, 'skip.duckdb'),
      '--skip-bad-rows',
      '--rejects',
      rej,
      '--tz',
      'America/New_York',
      '--date-format',
      '%d/%m/%Y %H:%M',
      '--json',
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ rowsStored: 1, rejected: 1, rejectsFile: rej })
    expect(out.firstDate).toBe('2024-03-10')
  })

  test('Shopify orders export is recognised from the command line', () => {
    const r = runCli([
      'import',
      join(FIXTURES, 'shopify_orders_export.csv'),
      '--db',
      join(dir, 'shop.duckdb'),
    ])
    expect(r.code).toBe(0)
    // four orders, and what was refunded of two of them as refund rows
    expect(r.stdout).toContain(
      '(shopify orders export): 7 rows read, 4 orders and 2 refunds (6 new, 0 updated, 0 unchanged)',
    )
    expect(r.stdout).toContain('7 order lines')
  })
})

/** Run the CLI with `args` until it pauses at orders-written (`--pause-at`): the paused process. */
async function pausedAtOrdersWritten(args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, ...args, '--pause-at', 'orders-written'], {
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (stderr.includes('paused at orders-written')) resolve()
    })
    child.on('exit', () => reject(new Error(`import ended before the pause: ${stderr}`)))
  })
  return child
}

/** SIGKILL a process and wait for its end. */
async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/** Run the CLI with `args` until it pauses at orders-written (`--pause-at`), then SIGKILL it. */
async function killAtOrdersWritten(args: readonly string[]): Promise<void> {
  await kill(await pausedAtOrdersWritten(args))
}

describe('atomicity under SIGKILL', () => {
  test('killing the process after orders were written (before commit) leaves the store as it was', async () => {
    const dir = tempDir('loyals-kill-')
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', CDNOW, '--db', db]).code).toBe(0)
    const big = join(dir, 'big.csv')
    const e = await openWorkspace(join(dir, 'gen.duckdb'))
    await e.exec(`COPY (SELECT 'K-' || i AS order_id, 'c' || (i % 50000) AS customer_id,
        DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS ordered_at, (i % 997) / 10.0 AS amount
      FROM range(400000) t(i)) TO '${big}' (HEADER)`)
    await e.close()
    const before = await storeOf(db)

    await killAtOrdersWritten(['import', big, '--db', db])
    expect(await storeOf(db)).toEqual(before)
    // and the workspace still works: the same import now lands in full
    const r = runCli(['import', big, '--db', db, '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).inserted).toBe(400000)
  }, 120_000)

  test('an import writes a copy of the workspace and touches the file itself only by the rename that ends it', async () => {
    // DuckDB's commit is several writes to its WAL, and a WAL cut between them was replayed in
    // part on the next open (the new orders beside the old ones they replaced): the workspace
    // file is not written at all until the import is whole
    const dir = tempDir('loyals-kill-copy-')
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', CDNOW, '--db', db]).code).toBe(0)
    const big = join(dir, 'big.csv')
    writeFileSync(
      big,
      `customer_id,ordered_at,amount\n${Array.from({ length: 200_000 }, (_, i) => `c${i % 9000},2021-0${1 + (i % 9)}-1${i % 10},${i % 500}.25`).join('\n')}\n`,
    )
    const bytes = () => createHash('sha256').update(readFileSync(db)).digest('hex')
    const before = bytes()
    const child = await pausedAtOrdersWritten(['import', big, '--db', db])
    // 200,000 orders written in the transaction, and the workspace's bytes are those of before
    expect(bytes()).toBe(before)
    expect(existsSync(`${db}.wal`)).toBe(false)
    expect(readdirSync(dir)).toContain(`w.duckdb.writing-${child.pid}`)
    await kill(child)
    expect(bytes()).toBe(before)
    // Ctrl-C removes the copy at once (a whole workspace), the workspace as it was
    const interrupted = await pausedAtOrdersWritten(['import', big, '--db', db])
    const ended = new Promise((resolve) => interrupted.on('exit', resolve))
    interrupted.kill('SIGINT')
    await ended
    expect(readdirSync(dir)).not.toContain(`w.duckdb.writing-${interrupted.pid}`)
    expect(bytes()).toBe(before)
    // the next import removes the dead process's copy and lands whole
    const r = runCli(['import', big, '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).inserted).toBe(200_000)
    expect(readdirSync(dir).filter((f) => f.includes('.writing-'))).toEqual([])
    expect(existsSync(`${db}.wal`)).toBe(false)
  }, 120_000)

  test('a --skip-bad-rows import killed before its commit leaves no rejects file', async () => {
    const dir = tempDir('loyals-kill-rejects-')
    const db = join(dir, 'w.duckdb')
    const file = write(
      dir,
      'o.csv',
      'order_id,customer_id,ordered_at,amount\nA1,c1,2024-01-02,10\nA2,c2,not a date,5\n',
    )
    await killAtOrdersWritten(['import', file, '--db', db, '--skip-bad-rows'])
    // it said rows were skipped from an import that never happened
    expect(existsSync(`${file}.rejects.csv`)).toBe(false)
    const r = runCli(['import', file, '--db', db, '--skip-bad-rows'])
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(`${file}.rejects.csv`, 'utf8')).toContain('not a date')
  }, 60_000)
})

describe('a file this user may not read', () => {
  test('is said plainly, exit 1 (not the exit 70 of a bug with the system error text)', () => {
    // root reads every file through its capabilities: the CLI then runs as root without them
    // (util-linux's setpriv), which chmod 000 refuses as it refuses any other user
    const dir = tempDir('loyals-noperm-')
    const f = write(dir, 'noperm.csv', 'customer_id,ordered_at,amount\nA,2024-01-01,10\n')
    chmodSync(f, 0o000)
    const caps = '-dac_override,-dac_read_search'
    const [cmd, args] =
      process.getuid?.() === 0
        ? ['setpriv', [`--inh-caps=${caps}`, `--bounding-set=${caps}`, process.execPath]]
        : [process.execPath, []]
    const r = spawnSync(cmd, [...args, CLI, 'summary', f], {
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(1)
    expect(r.stderr.trim()).toBe(
      `error: ${f}: cannot be read: permission denied (the file is not readable by this user; its owner can grant it, or copy the file somewhere this user can read)`,
    )
  })
})
