// The customers' places from an orders file (import-order-places.ts) are the same statements on
// DuckDB and PostgreSQL: the latest order's place fills a stored customer's place only when it has
// none (a place is one unit), new customers are added once, and running again changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { createTempTableAs } from '../../src/data/queries/dialect-sql.ts'
import {
  addOrderPlaces,
  countOrderPlaces,
  fillOrderPlaces,
  importOrderPlaces,
  moveOrderPlaces,
} from '../../src/data/queries/import-order-places.ts'
import { openStore, STORES, type TestStore } from './stores.ts'

const loaded: { name: string; engine: Engine; store: TestStore }[] = []

beforeAll(async () => {
  for (const kind of STORES) loaded.push({ name: kind.name, ...(await openStore(kind)) })
})
afterAll(async () => {
  for (const l of loaded) {
    await l.engine.close()
    await l.store.cleanup()
  }
})

describe.each(STORES.map((s) => s.name))('%s', (name) => {
  it('fills a missing place from the latest order, adds new customers, and is idempotent', async () => {
    const { engine } = loaded.find((l) => l.name === name) as (typeof loaded)[number]
    await engine.exec(`INSERT INTO customers (customer_id, country, region, city, source, source_line)
      VALUES ('c3', 'FR', NULL, NULL, 'customers.csv', 2), ('c4', NULL, NULL, NULL, 'customers.csv', 3)`)
    await engine.exec(`${createTempTableAs(engine.dialect, 'rows_in')}
      SELECT * FROM (VALUES
        ('c1', CAST('2010-12-01 10:00:00' AS TIMESTAMP), 'United Kingdom', 'London', 2),
        ('c1', CAST('2010-12-05 10:00:00' AS TIMESTAMP), 'EIRE', 'Dublin', 3),
        ('c2', CAST('2010-12-02 10:00:00' AS TIMESTAMP), NULL, NULL, 4),
        ('c3', CAST('2010-12-03 10:00:00' AS TIMESTAMP), 'Germany', 'Berlin', 5),
        ('c4', CAST('2010-12-04 10:00:00' AS TIMESTAMP), 'Spain', 'Madrid', 6)
      ) AS t(customer_id, ordered_at, country, city, __line)`)
    const run = async (): Promise<number> => {
      await engine.exec(
        importOrderPlaces(engine.dialect, {
          rows: 'SELECT * FROM rows_in',
          fields: ['country', 'city'],
        }),
      )
      const [c] = await engine.query<{ added: number; filled: number }>(
        countOrderPlaces(engine.dialect),
      )
      const [added, filled] = [Number(c?.added), Number(c?.filled)]
      if (filled > 0) await engine.exec(fillOrderPlaces(engine.dialect))
      if (added > 0) await engine.exec(addOrderPlaces(engine.dialect, { source: 'orders.csv' }))
      return added + filled
    }
    expect(await run()).toBe(2) // c1 added, c4 filled
    const rows = await engine.query(
      'SELECT customer_id, country, region, city, source, CAST(source_line AS INTEGER) AS line FROM customers ORDER BY customer_id',
    )
    expect(rows).toEqual([
      {
        customer_id: 'c1',
        country: 'EIRE',
        region: null,
        city: 'Dublin',
        source: 'orders.csv',
        line: 3,
      },
      // the customers file's France is kept whole: no city from an order that went to Berlin
      {
        customer_id: 'c3',
        country: 'FR',
        region: null,
        city: null,
        source: 'customers.csv',
        line: 2,
      },
      {
        customer_id: 'c4',
        country: 'Spain',
        region: null,
        city: 'Madrid',
        source: 'customers.csv',
        line: 3,
      },
    ])
    expect(await run()).toBe(0)
    expect(
      await engine.query(
        'SELECT customer_id, country, region, city, source, CAST(source_line AS INTEGER) AS line FROM customers ORDER BY customer_id',
      ),
    ).toEqual(rows)
  })

  it("moves a place an orders file gave to a later order's, never to an earlier one's", async () => {
    const { engine } = loaded.find((l) => l.name === name) as (typeof loaded)[number]
    // m1's place came from line 2 of orders.csv (stored, 2024-01-01); m2's from line 3 (2024-03-01)
    await engine.exec(`INSERT INTO imports (import_id, kind, file, sha256, rows_in, rows_stored,
        rows_rejected, imported_at) VALUES ('i1', 'orders', 'orders.csv', 'x', 2, 2, 0, TIMESTAMP '2024-04-01 00:00:00');
      INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, source, source_line)
      VALUES ('O1', 'O1', 'm1', TIMESTAMP '2024-01-01 10:00:00', DATE '2024-01-01', 5, 'orders.csv', 2),
        ('O2', 'O2', 'm2', TIMESTAMP '2024-03-01 10:00:00', DATE '2024-03-01', 5, 'orders.csv', 3);
      INSERT INTO customers (customer_id, country, region, city, source, source_line)
      VALUES ('m1', 'FR', NULL, 'Paris', 'orders.csv', 2), ('m2', 'FR', NULL, 'Lyon', 'orders.csv', 3)`)
    await engine.exec(`${createTempTableAs(engine.dialect, 'rows_later')}
      SELECT * FROM (VALUES
        ('m1', CAST('2024-02-01 10:00:00' AS TIMESTAMP), 'ES', 'Madrid', 7),
        ('m2', CAST('2024-02-01 10:00:00' AS TIMESTAMP), 'ES', 'Sevilla', 8)
      ) AS t(customer_id, ordered_at, country, city, __line)`)
    await engine.exec(
      importOrderPlaces(engine.dialect, {
        rows: 'SELECT * FROM rows_later',
        fields: ['country', 'city'],
      }),
    )
    const [c] = await engine.query<{ moved: number }>(countOrderPlaces(engine.dialect))
    expect(Number(c?.moved)).toBe(1)
    await engine.exec(moveOrderPlaces(engine.dialect, { source: 'later.csv' }))
    expect(
      await engine.query(
        "SELECT customer_id, country, city, source, CAST(source_line AS INTEGER) AS line FROM customers WHERE customer_id IN ('m1', 'm2') ORDER BY 1",
      ),
    ).toEqual([
      { customer_id: 'm1', country: 'ES', city: 'Madrid', source: 'later.csv', line: 7 },
      { customer_id: 'm2', country: 'FR', city: 'Lyon', source: 'orders.csv', line: 3 },
    ])
  })
})
