import { describe, expect, test } from 'vitest'
import { openDuckDb } from './duckdb.ts'
import { readNumericColumns, writeNumericTable } from './numeric-columns.ts'

describe('readNumericColumns', () => {
  test('NULLs become NaN at every position, across validity words and chunks', async () => {
    const e = await openDuckDb(':memory:')
    try {
      // 5000 rows (three chunks of up to 2048): NULL where i % 7 == 3 or i in {63, 64, 2047, 2048}
      const sql = `SELECT CASE WHEN i % 7 = 3 OR i IN (63, 64, 2047, 2048) THEN NULL ELSE i * 0.5 END AS a,
        CAST(i AS DOUBLE) AS b FROM range(5000) t(i) ORDER BY i`
      for (const materialize of [false, true]) {
        const [a, b] = await readNumericColumns(e, sql, 2, undefined, { materialize })
        expect(a?.length).toBe(5000)
        for (let i = 0; i < 5000; i++) {
          const isNull = i % 7 === 3 || [63, 64, 2047, 2048].includes(i)
          if (isNull) expect(a?.[i]).toBeNaN()
          else expect(a?.[i]).toBe(i * 0.5)
          expect(b?.[i]).toBe(i)
        }
      }
    } finally {
      await e.close()
    }
  })
  test('a row-count hint (exact, too small, too large, zero) gives the same columns', async () => {
    const e = await openDuckDb(':memory:')
    try {
      const sql = 'SELECT CAST(i AS DOUBLE) * 1.5 AS a FROM range(70000) t(i) ORDER BY i'
      for (const rows of [undefined, 70000, 1000, 200000, 0]) {
        const [a] = await readNumericColumns(e, sql, 1, rows)
        expect(a?.length).toBe(70000)
        expect(a?.[0]).toBe(0)
        expect(a?.[69999]).toBe(69999 * 1.5)
        expect(a?.[4097]).toBe(4097 * 1.5)
      }
    } finally {
      await e.close()
    }
  })

  test('writeNumericTable round-trips full and partial chunks', async () => {
    const e = await openDuckDb(':memory:')
    try {
      for (const n of [0, 10, 2048, 5000]) {
        const a = Float64Array.from({ length: n }, (_, i) => i * 0.25 - 3)
        const b = Float64Array.from({ length: n }, (_, i) => (i % 13) / 7)
        await writeNumericTable(e, 'nc_test', { a, b })
        const [ra, rb] = await readNumericColumns(e, 'SELECT a, b FROM nc_test', 2, undefined, {
          materialize: true,
        })
        expect(ra).toEqual(a)
        expect(rb).toEqual(b)
      }
    } finally {
      await e.close()
    }
  })
})
