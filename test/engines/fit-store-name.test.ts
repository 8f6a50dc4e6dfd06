// A fit of a PostgreSQL store that fails on its data names the store by its URL (password left
// out), as a file is named by its name: the basename of postgres://host/loyals read "loyals: 2
// customers with repeat purchases have a zero ...", as if the program said it.
import { describe, expect, it } from 'vitest'
import { DataError } from '../../src/errors.ts'
import { fitFile } from '../../src/service/fit.ts'
import { openStore, STORES } from './stores.ts'

const PG = STORES.find((s) => s.name === 'postgres')!

describe('fit of a PostgreSQL store', () => {
  it('names the store by its URL when the data cannot be fitted', async () => {
    const { engine, store } = await openStore(PG)
    try {
      const rows = [
        ['a1', 'A', '2025-01-02', 10],
        ['a2', 'A', '2025-02-02', 0],
        ['a3', 'A', '2025-03-02', 0],
        ['b1', 'B', '2025-01-05', 20],
        ['b2', 'B', '2025-02-05', 30],
      ] as const
      for (const [id, c, d, amount] of rows) {
        await engine.exec({
          sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
            VALUES ($1, $1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), $4)`,
          params: [id, c, d, amount],
        })
      }
      await engine.close()
      const e = await fitFile(store.location, { model: 'gg' }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(DataError)
      const message = (e as Error).message
      expect(message).toMatch(
        /^postgres(ql)?:\/\/[^ ]*: 1 customer with repeat purchases has a zero/,
      )
      expect(message).not.toMatch(/:[^@/ ]*@/)
    } finally {
      await engine.close().catch(() => {})
      await store.cleanup()
    }
  })
})
