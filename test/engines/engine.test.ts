// One suite, every engine: the Engine contract (schema, values, params, transactions, errors) must
// hold the same on DuckDB and on a real PostgreSQL server, so services never branch on the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine, Row } from '../../src/data/engine.ts'
import { openPostgres } from '../../src/data/postgres.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { QueryError } from '../../src/errors.ts'
import { openStore, STORES, type TestStore } from './stores.ts'

const ROUND_TRIP_DDL = `CREATE TABLE round_trip (
  k  VARCHAR NOT NULL,
  v  VARCHAR,
  d  DOUBLE PRECISION,
  b  BIGINT,
  dt DATE,
  ts TIMESTAMP
)`

// Inputs chosen at the edges of each type; what comes back must be exactly these JS values.
const ROUND_TRIP: readonly Row[] = [
  {
    k: 'a',
    v: "it's ünïcode ✓",
    d: 0.1 + 0.2,
    b: Number.MAX_SAFE_INTEGER,
    dt: '2024-02-29',
    ts: '2024-02-29 23:59:59.123456',
  },
  {
    k: 'b',
    v: '',
    d: 1e-300,
    b: -Number.MAX_SAFE_INTEGER,
    dt: '1970-01-01',
    ts: '1970-01-01 00:00:00',
  },
  {
    k: 'c',
    v: 'x',
    d: -1.7976931348623157e308,
    b: 0,
    dt: '1999-12-31',
    ts: '2000-01-01 00:00:00.5',
  },
  { k: 'd', v: null, d: null, b: null, dt: null, ts: null },
]

async function tableNames(engine: Engine): Promise<string[]> {
  // information_schema exists on both; the current schema keeps PostgreSQL's catalog out
  const rows = await engine.query<{ name: string }>(`SELECT table_name AS name
    FROM information_schema.tables
    WHERE table_schema = current_schema() ORDER BY table_name`)
  return rows.map((r) => r.name)
}

async function count(engine: Engine, table: string): Promise<number> {
  const [row] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)
  return row?.n ?? -1
}

describe.each(STORES)('the $name store', (kind) => {
  let store: TestStore
  let engine: Engine

  beforeAll(async () => {
    ;({ engine, store } = await openStore(kind))
    await engine.exec(ROUND_TRIP_DDL)
    await engine.exec('CREATE TABLE tx_test (id BIGINT NOT NULL, note VARCHAR)')
  })
  afterAll(async () => {
    await engine?.close()
    await store?.cleanup()
  })

  it('reports its dialect', () => {
    expect(engine.dialect).toBe(kind.name)
  })

  it('creates the schema once and opening again keeps tables and rows', async () => {
    const before = await tableNames(engine)
    expect(before).toEqual(expect.arrayContaining(['customers', 'imports', 'meta', 'orders']))
    await engine.exec(`INSERT INTO meta (key, value) VALUES ('probe', 'kept')`)
    // a second process opening the same workspace re-runs CREATE TABLE IF NOT EXISTS; DuckDB
    // files allow one process at a time, so close first there
    if (kind.name === 'duckdb') await engine.close()
    const again = await openWorkspace(store.location)
    expect(await tableNames(again)).toEqual(before)
    expect(await again.query(`SELECT value FROM meta WHERE key = 'probe'`)).toEqual([
      { value: 'kept' },
    ])
    if (kind.name === 'duckdb') engine = again
    else await again.close()
  })

  it('round-trips VARCHAR, DOUBLE, BIGINT, DATE, TIMESTAMP and NULL as the same JS values', async () => {
    for (const r of ROUND_TRIP) {
      await engine.exec({
        sql: 'INSERT INTO round_trip (k, v, d, b, dt, ts) VALUES ($1, $2, $3, $4, $5, $6)',
        params: [r.k, r.v, r.d, r.b, r.dt, r.ts],
      })
    }
    const got = await engine.query('SELECT k, v, d, b, dt, ts FROM round_trip ORDER BY k')
    expect(got).toEqual(ROUND_TRIP)
    for (const r of got) {
      if (r.d !== null) expect(typeof r.d).toBe('number')
      if (r.b !== null) expect(typeof r.b).toBe('number')
    }
  })

  it('converts aggregates, casts and date arithmetic to plain numbers and strings', async () => {
    const [row] = await engine.query(`SELECT count(*) AS n, sum(b) AS total_b, sum(d) AS total_d,
      max(dt) AS last_day, min(ts) AS first_ts, CAST(2.5 AS DECIMAL(10, 2)) AS dec,
      CAST(max(dt) - min(dt) AS INTEGER) AS span_days, count(v) > 2 AS flag
      FROM round_trip`)
    expect(row).toEqual({
      n: ROUND_TRIP.length,
      total_b: 0,
      total_d: 0.1 + 0.2 + 1e-300 - 1.7976931348623157e308,
      last_day: '2024-02-29',
      first_ts: '1970-01-01 00:00:00',
      dec: 2.5,
      span_days: (Date.parse('2024-02-29') - Date.parse('1970-01-01')) / 86_400_000,
      flag: true,
    })
  })

  it('returns NaN and the infinities of a double as numbers', async () => {
    const got = await engine.query(`SELECT CAST('NaN' AS DOUBLE PRECISION) AS nan,
      CAST('Infinity' AS DOUBLE PRECISION) AS inf, CAST('-Infinity' AS DOUBLE PRECISION) AS ninf`)
    expect(got).toEqual([{ nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: -Infinity }])
  })

  it('binds positional parameters, reusing one and passing NULL', async () => {
    const got = await engine.query({
      sql: `SELECT CAST($1 AS VARCHAR) AS a, CAST($2 AS BIGINT) + CAST($2 AS BIGINT) AS b,
        CAST($3 AS DOUBLE PRECISION) AS c, CAST($4 AS DATE) AS d, CAST($5 AS VARCHAR) AS e`,
      params: ['p', 21, 0.5, '2024-06-30', null],
    })
    expect(got).toEqual([{ a: 'p', b: 42, c: 0.5, d: '2024-06-30', e: null }])
    const filtered = await engine.query({
      sql: 'SELECT k FROM round_trip WHERE b > $1 AND dt <= CAST($2 AS DATE) ORDER BY k',
      params: [-1, '2024-01-01'],
    })
    expect(filtered).toEqual([{ k: 'c' }])
  })

  it('commits a transaction that succeeds and returns its value', async () => {
    const out = await engine.transaction(async (tx) => {
      await tx.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [1, 'one'] })
      await tx.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [2, 'two'] })
      return count(tx, 'tx_test')
    })
    expect(out).toBe(2)
    expect(await count(engine, 'tx_test')).toBe(2)
  })

  it('rolls back every statement, DDL included, when the function throws', async () => {
    const boom = new Error('boom')
    await expect(
      engine.transaction(async (tx) => {
        await tx.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [3, 'three'] })
        await tx.exec('CREATE TABLE made_in_tx (x BIGINT)')
        await tx.exec('DELETE FROM tx_test WHERE id = 1')
        throw boom
      }),
    ).rejects.toBe(boom)
    expect(await engine.query('SELECT id FROM tx_test ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }])
    expect(await tableNames(engine)).not.toContain('made_in_tx')
  })

  it('rolls back when a statement fails inside, and reports it as a QueryError', async () => {
    const err = await engine
      .transaction(async (tx) => {
        await tx.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [4, 'four'] })
        await tx.exec('INSERT INTO tx_test VALUES (NULL, NULL)')
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(QueryError)
    expect(await count(engine, 'tx_test')).toBe(2)
    // and the engine is usable afterwards
    expect(await engine.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
  })

  it('joins an open transaction from a nested transaction and from the engine itself', async () => {
    await expect(
      engine.transaction(async (tx) => {
        await tx.transaction(async (inner) => {
          await inner.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [5, 'nested'] })
        })
        // the nested call did not commit on its own: the outer failure undoes it
        expect(await count(tx, 'tx_test')).toBe(3)
        // a statement on the engine while the transaction is open runs inside it
        expect(await count(engine, 'tx_test')).toBe(3)
        await engine.transaction(async (again) => {
          await again.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [6, 'joined'] })
        })
        throw new Error('undo all')
      }),
    ).rejects.toThrow('undo all')
    expect(await count(engine, 'tx_test')).toBe(2)

    await engine.transaction(async (tx) =>
      tx.transaction(async (inner) =>
        inner.exec({ sql: 'INSERT INTO tx_test VALUES ($1, $2)', params: [7, 'kept'] }),
      ),
    )
    expect(await engine.query('SELECT id FROM tx_test ORDER BY id')).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 7 },
    ])
  })

  it('throws a QueryError that carries the SQL for a bad statement', async () => {
    const bad = 'SELECT no_such_column FROM round_trip'
    const e1 = await engine.query(bad).catch((e: unknown) => e)
    expect(e1).toBeInstanceOf(QueryError)
    expect((e1 as QueryError).code).toBe('query_error')
    expect((e1 as QueryError).details.sql).toBe(bad)
    expect((e1 as QueryError).message).toMatch(/no_such_column/)
    expect((e1 as QueryError).cause).toBeInstanceOf(Error)

    const withParams = { sql: 'INSERT INTO no_such_table VALUES ($1)', params: [1] }
    const e2 = await engine.exec(withParams).catch((e: unknown) => e)
    expect(e2).toBeInstanceOf(QueryError)
    expect((e2 as QueryError).details.sql).toBe(withParams.sql)
  })

  it('keeps TEMP tables for the life of the engine (one session)', async () => {
    await engine.exec('CREATE TEMP TABLE session_scratch AS SELECT k FROM round_trip')
    expect(await count(engine, 'session_scratch')).toBe(ROUND_TRIP.length)
  })
})

describe('both stores return identical rows', () => {
  const engines: Engine[] = []
  const stores: TestStore[] = []
  beforeAll(async () => {
    for (const kind of STORES) {
      const { engine, store } = await openStore(kind)
      engines.push(engine)
      stores.push(store)
    }
  })
  afterAll(async () => {
    for (const e of engines) await e.close()
    for (const s of stores) await s.cleanup()
  })

  it('for the workspace columns and for every value type', async () => {
    const columns = (e: Engine) =>
      e.query(`SELECT table_name, column_name, ordinal_position, is_nullable
        FROM information_schema.columns WHERE table_schema = current_schema()
        ORDER BY table_name, ordinal_position`)
    const results = []
    for (const e of engines) {
      await e.exec(ROUND_TRIP_DDL)
      for (const r of ROUND_TRIP) {
        await e.exec({
          sql: 'INSERT INTO round_trip VALUES ($1, $2, $3, $4, $5, $6)',
          params: [r.k, r.v, r.d, r.b, r.dt, r.ts],
        })
      }
      results.push({
        columns: await columns(e),
        rows: await e.query('SELECT * FROM round_trip ORDER BY k'),
      })
    }
    expect(results[0]?.columns.length).toBeGreaterThan(40)
    expect(results[1]).toEqual(results[0])
  })
})

describe('openPostgres', () => {
  it('fails with a QueryError naming the server, without its password, when nothing listens', async () => {
    const err = await openPostgres('postgres://me:secret@127.0.0.1:1/nowhere', {
      connectTimeout: 2,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(QueryError)
    const sql = String((err as QueryError).details.sql)
    expect(sql).toMatch(/^connect postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/nowhere/)
    expect(sql).not.toMatch(/secret/)
  })
})
