// What the terminal prints adds up, and says what it measured: the total value equation is the
// sum of its printed terms, and an import sent to a server does not print the scratch
// workspace's new/updated counts as if they were the server's.
import { describe, expect, it } from 'vitest'
import { formatAnalysisSummary } from '../../src/cli/commands/analyze.ts'
import { describeImport } from '../../src/cli/commands/import.ts'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { sampleSummary } from '../analyze/sample-summary.ts'
import { freshWorkspace, write } from '../import/helpers.ts'

describe('printed figures', () => {
  it('an import forwarded to a server reads the file, it does not claim new rows', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const file = write(
        dir,
        'o.csv',
        'customer_id,ordered_at,amount\nA,2024-01-05,10\nB,2024-01-06,20\n',
      )
      const r = await importFile(engine, file, { kind: 'orders', now: new Date('2025-01-01') })
      expect(describeImport(r)).toMatch(/^imported .*o\.csv: 2 rows read, 2 orders \(2 new, /)
      const sent = describeImport(r, true)
      expect(sent).toMatch(/^read .*o\.csv: 2 rows, 2 orders/)
      expect(sent).not.toContain('new')
    } finally {
      await engine.close()
    }
  })

  it('the total value equation adds up as printed (the demo read 81,885.32 = 64,075.62 + 17,809.71)', () => {
    const value = {
      currency: null,
      breakdown: {
        totalValue: 81885.3208,
        pastProfit: 64075.6157,
        predictedProfit: 17809.7051,
        referralValue: 0,
      },
      profitConcentration: { share: 0.5 },
      unprofitable: { customers: 0, loss: 0 },
      tiers: { levels: [{ name: 'Gold', customers: 1 }] },
    }
    const s = { ...sampleSummary(), value } as unknown as AnalysisSummary
    const files = { dir: 'd', csv: 'c', parquet: 'p', json: 'j', html: 'h' }
    expect(formatAnalysisSummary(s, files)).toContain(
      'Total value 81,885.33 = past profit 64,075.62 + predicted profit 17,809.71 + referrals 0.00.',
    )
  })
})
