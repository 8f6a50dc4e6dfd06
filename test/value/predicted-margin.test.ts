// The value step prices the predictions' discounted revenue at its own margins: the margin the
// predictions used (--margin, or the data's margin share) must not change predicted profit. At
// --margin 0 it used to fall back to expected purchases × spend, undiscounted.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'

const CDNOW = join(import.meta.dirname, '../../data/cdnow/cdnow_sample_orders.csv')
const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

async function predictedProfit(margin: number): Promise<Map<string, number>> {
  const engine = await openWorkspace(join(tempDir('loyals-pred-margin-'), 'w.duckdb'))
  open.push(engine)
  await importFile(engine, CDNOW, { kind: 'orders', now: new Date('2000-01-01T00:00:00Z') })
  await computeAnalysis(engine, {
    source: 'test',
    asOf: '1997-09-30',
    unit: 'week',
    predictions: { margin },
    value: { config: parseValueConfig({ costs: { defaultMarginRate: 0.3 } }) },
  })
  const rows = await engine.query<{ customer_id: string; predicted_profit: number }>(
    'SELECT customer_id, predicted_profit FROM customer_analysis',
  )
  return new Map(rows.map((r) => [r.customer_id, Number(r.predicted_profit)]))
}

describe('predicted profit and the predictions margin', () => {
  it('is the same at --margin 0, 0.5 and 1', async () => {
    const [zero, half, one] = [
      await predictedProfit(0),
      await predictedProfit(0.5),
      await predictedProfit(1),
    ]
    expect(zero.size).toBe(2357)
    let positive = 0
    for (const [id, p] of one) {
      expect(half.get(id)).toBeCloseTo(p, 6)
      expect(zero.get(id)).toBeCloseTo(p, 6)
      if (p > 0) positive++
    }
    expect(positive).toBeGreaterThan(1000)
  }, 60_000)
})
