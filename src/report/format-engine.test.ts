import { describe, expect, test } from 'vitest'
import { moneyFormatter } from '../core/value/reasons.ts'
import { openDuckDb } from '../data/duckdb.ts'
import { formatMoney, formatNumber } from './format.ts'

// customers.csv holds money as the engine's round(x, 2); every sentence and table that shows the
// same figure must show the same cents, ties of the decimal text included (280.275 is stored as
// 280.27499...).
describe('money text agrees with the files', () => {
  test('formatMoney and the reasons show the cents the engine rounds to', async () => {
    const values = [280.275, 206.775, 1.005, 0.125, -2.675, 73.5 + 206.775, 1e6 + 0.015, -0.005]
    const e = await openDuckDb(':memory:')
    try {
      const sql = `SELECT v, round(v, 2) AS r FROM (VALUES ${values.map((v) => `(${v}::DOUBLE)`).join(', ')}) t(v)`
      const rows = await e.query<{ v: number; r: number }>({ sql })
      expect(rows).toHaveLength(values.length)
      for (const { v, r } of rows) {
        const cents = formatNumber(r, 2)
        expect(formatNumber(v, 2)).toBe(cents)
        expect(formatMoney(v)).toBe(cents)
        expect(formatMoney(v, 'USD')).toBe(formatMoney(r, 'USD'))
      }
      const reasonCents = moneyFormatter({ code: 'USD', locale: 'en-US', decimals: 2 })
      for (const { v, r } of rows) expect(reasonCents(v)).toBe(formatMoney(r, 'USD'))
      // 280.275 as the engine stores it: 280.27, not the 280.28 Intl reads off its decimal text
      expect(formatMoney(280.275, 'USD')).toBe('$280.27')
    } finally {
      await e.close()
    }
  })
})
