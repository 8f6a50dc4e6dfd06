// The ISO code after the amount column's name (`Amount (KWD)`) is any code Intl knows, not only
// a short list of common ones: `Amount (KWD)` went unrecognised (missing required column amount),
// and with --map the code was dropped (no currency, money rounded to the cent, not KWD's 0.001).
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, write } from './helpers.ts'

const now = new Date('2024-03-01T00:00:00Z')

async function stored(
  header: string,
  map?: Readonly<Record<string, string>>,
): Promise<{ amount: string | undefined; currency: string | null }> {
  const { engine, dir } = await freshWorkspace()
  try {
    const f = write(dir, 'orders.csv', `customer_id,ordered_at,${header}\nA,2024-01-02,5.125\n`)
    const r = await importFile(engine, f, { kind: 'orders', now, ...(map ? { map } : {}) })
    const rows = await engine.query<{ currency: string | null }>('SELECT currency FROM orders')
    return { amount: r.columns.amount, currency: rows[0]?.currency ?? null }
  } finally {
    await engine.close()
  }
}

describe("the currency after the amount column's name", () => {
  it('is any ISO 4217 code, in brackets, after an underscore or in capitals', async () => {
    const codes = ['KWD', 'BHD', 'JOD', 'OMR', 'TND', 'ISK', 'CLP', 'KRW', 'VND', 'AED']
    for (const [i, code] of codes.entries()) {
      const header = [`Amount (${code})`, `amount_${code.toLowerCase()}`, `Total ${code}`][i % 3]
      expect(await stored(header ?? ''), header).toEqual({ amount: header, currency: code })
    }
  })

  it('is kept when --map names the column', async () => {
    expect(await stored('Sales (KWD)', { amount: 'Sales (KWD)' })).toEqual({
      amount: 'Sales (KWD)',
      currency: 'KWD',
    })
  })

  it('is no currency when the name ends in a word: a tax, or a word that is also a code', async () => {
    expect(await stored('Amount (net)')).toEqual({ amount: 'Amount (net)', currency: null })
    expect(await stored('Total (incl tax)')).toEqual({ amount: 'Total (incl tax)', currency: null })
    // ALL is the Albanian lek, TOP the Tongan paʻanga: as words they name no currency
    await expect(stored('Total Top')).rejects.toThrow(/amount/)
    expect(await stored('Total All', { amount: 'Total All' })).toEqual({
      amount: 'Total All',
      currency: null,
    })
  })
})
