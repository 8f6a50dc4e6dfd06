// What the terminal prints adds up, and says what it measured: the total value equation is the
// sum of its printed terms, and an import sent to a server does not print the scratch
// workspace's new/updated counts as if they were the server's.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatAnalysisSummary } from '../../src/cli/commands/analyze.ts'
import { describeImport } from '../../src/cli/commands/import.ts'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { sampleSummary } from '../analyze/sample-summary.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
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

  /** The terminal summary of a value breakdown (past, predicted, referrals) in `currency`. */
  const printed = (
    currency: string | null,
    past: number,
    predicted: number,
    referrals = 0,
  ): string => {
    const value = {
      currency,
      breakdown: {
        totalValue: past + predicted,
        pastProfit: past,
        predictedProfit: predicted,
        referralValue: referrals,
      },
      profitConcentration: { share: 0.5 },
      unprofitable: { customers: 0, loss: 0 },
      tiers: { levels: [{ name: 'Gold', customers: 1 }] },
    }
    const s = { ...sampleSummary(), value } as unknown as AnalysisSummary
    return formatAnalysisSummary(s, { dir: 'd', csv: 'c', parquet: 'p', json: 'j', html: 'h' })
  }

  it('the total value equation adds up as printed (the demo read 81,885.32 = 64,075.62 + 17,809.71)', () => {
    expect(printed(null, 64075.6157, 17809.7051)).toContain(
      'Customer value 81,885.33 = past profit 64,075.62 + predicted profit 17,809.71.',
    )
  })

  it('does not add referral credit to the company total: it is inside the referred customers’ value', () => {
    expect(printed(null, 1000, 200, 150)).toContain(
      "Customer value 1,200.00 = past profit 1,000.00 + predicted profit 200.00 (referral credit 150.00, already inside the referred customers' value).",
    )
  })

  it('the equation adds up in fils for KWD, not to the cent (2.326 + 0.003 read as 2.330)', () => {
    expect(printed('KWD', 2.3264, 0.0034)).toContain(
      'Customer value KWD\u00a02.329 = past profit KWD\u00a02.326 + predicted profit KWD\u00a00.003.',
    )
  })

  it('names the customers behind the top 1 % and 20 % too when few (1 of 17 is not 1 %)', () => {
    const dir = tempDir('loyals-groups-')
    const rows = ['customer_id,ordered_at,amount']
    for (let c = 0; c < 17; c++) rows.push(`c${c},2024-0${1 + (c % 6)}-10,${(c + 1) * 10}`)
    writeFileSync(join(dir, 'o.csv'), `${rows.join('\n')}\n`)
    const r = runCli(['analyze', join(dir, 'o.csv'), '--out', join(dir, 'out'), '--no-predictions'])
    expect(r.code, r.stderr).toBe(0)
    // top 10 % = 2 of 17, top 1 % = 1, top 20 % = ceil(3.4) = 4 (23.5 %)
    expect(r.stdout).toContain('The top 10% of customers (2 customers of 17) hold')
    expect(r.stdout).toMatch(
      /\(top 1% \(1 customer of 17\): [\d.]+%, top 20% \(4 customers of 17\): /,
    )
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8')
    expect(html).toContain('the top 20% (4 customers of 17) hold')
  })
})
