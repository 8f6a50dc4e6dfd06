// The orders' currency from the columns exports name it by: WooCommerce's `Order Currency` went
// unread ("columns not read: ... Order Currency"), leaving the orders without a currency; and an
// amount column whose header names the currency (`Umsatz (EUR)`) found the amount but not its
// currency, when no column named one.
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes } from '../../src/service/source.ts'
import { freshWorkspace, write } from './helpers.ts'

const now = new Date('2024-03-01T00:00:00Z')

async function currencies(
  file: string,
  content: string,
): Promise<{ currencies: string[]; unused: readonly string[]; notes: string[] }> {
  const { engine, dir } = await freshWorkspace()
  try {
    const r = await importFile(engine, write(dir, file, content), { kind: 'orders', now })
    const rows = await engine.query<{ c: string | null }>(
      'SELECT DISTINCT currency AS c FROM orders ORDER BY c',
    )
    return {
      currencies: rows.map((x) => x.c ?? 'null'),
      unused: r.unusedColumns,
      notes: importNotes(r),
    }
  } finally {
    await engine.close()
  }
}

describe('the currency of orders', () => {
  it('is read from the currency columns of WooCommerce, Magento and payment exports', async () => {
    for (const header of [
      'Order Currency',
      'Order Currency Code',
      'Currency Code',
      'Transaction Currency',
      'Presentment Currency',
      'Currency',
    ]) {
      const r = await currencies(
        'woo.csv',
        `Order Number,Order Date,Billing Email,Order Total Amount,${header}\n1,2024-01-02 10:00,a@x.com,10.00,EUR\n2,2024-01-05 10:00,b@x.com,20.00,EUR\n`,
      )
      expect(r.currencies, header).toEqual(['EUR'])
      expect(r.unused, header).toEqual([])
    }
  })
})
