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
})
