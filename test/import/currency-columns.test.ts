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

  it("is the ISO code an amount column's header names when no column names one, and said", async () => {
    const r = await currencies(
      'umsatz.csv',
      'Kunde,Datum,Umsatz (EUR)\nK1,2024-01-02,10.00\nK2,2024-01-05,20.00\n',
    )
    expect(r.currencies).toEqual(['EUR'])
    expect(r.notes.join('\n')).toContain(
      "umsatz.csv: the amounts are in EUR, as their column Umsatz (EUR) says (the file has no currency column): stored as the orders' currency",
    )
    const usd = await currencies('usd.csv', 'customer,date,amount_usd\nA,2024-01-02,1\n')
    expect(usd.currencies).toEqual(['USD'])
    // a currency column wins, and a qualifier that is no currency names none
    const col = await currencies(
      'col.csv',
      'customer,date,Amount (USD),currency\nA,2024-01-02,1,CAD\n',
    )
    expect(col.currencies).toEqual(['CAD'])
    expect(col.notes.join('\n')).not.toContain('as their column')
    const gross = await currencies('gross.csv', 'customer,date,Amount (gross)\nA,2024-01-02,1\n')
    expect(gross.currencies).toEqual(['null'])
  })
})
