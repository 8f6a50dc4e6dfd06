// The per-customer spend that analyze joins to the predictions, evaluated by the engine.
import { describe, expect, it } from 'vitest'
import { expectedSpend } from '../../src/core/models/gamma-gamma.ts'
import { spendExpression } from '../../src/data/queries/prediction-join.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

describe('spendExpression (Gamma-Gamma in SQL)', () => {
  it('is the closed form where finite, m_x where p x + q <= 1, the fallback without repeats', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const P = { p: 0.1, q: 0.5, gamma: 10 }
      const sql = spendExpression({ kind: 'gamma-gamma', ...P, fallback: 33 })
      const rows = await engine.query<{ x: number; spend: number }>(
        `SELECT s.x, ${sql} AS spend FROM (VALUES (0, 0.0), (1, 20.0), (4, 20.0), (6, 20.0), (9, 5.0))
           AS s(x, monetary) ORDER BY s.x`,
      )
      expect(rows.map((r) => r.spend)).toEqual([
        33,
        // 0.1 + 0.5 - 1 < 0 and 0.4 + 0.5 - 1 < 0: the posterior mean is infinite
        20,
        20,
        expectedSpend(P, 6, 20),
        expectedSpend(P, 9, 5),
      ])
      for (const r of rows) expect(r.spend).toBeGreaterThan(0)
    } finally {
      await engine.close()
    }
  })
})
