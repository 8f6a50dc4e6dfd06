// `loyals refit` and `loyals tick` without a value configuration price the reasons in the orders'
// currency, as the server does: a refit from the CLI wrote "$171" into the stored reasons of a
// store of euros, and `loyals customer` through the server then printed "$171" beside "€170.86".
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

async function reasons(db: string): Promise<string> {
  const engine = await openWorkspace(db)
  try {
    const rows = await engine.query<{ reasons: string | null }>(
      'SELECT reasons FROM customer_profile ORDER BY customer_id',
    )
    return rows.map((r) => r.reasons ?? '').join('\n')
  } finally {
    await engine.close()
  }
}

describe('the reasons of a CLI refit or tick', () => {
  it('are in the currency of the orders', async () => {
    const dir = tempDir()
    const rows: string[] = []
    for (let c = 0; c < 40; c++) {
      for (let k = 0; k <= c % 4; k++) {
        rows.push(
          `o${c}-${k},C${c},2024-${String(1 + ((c + 3 * k) % 12)).padStart(2, '0')}-10,${20 + 5 * c},EUR`,
        )
      }
    }
    const file = join(dir, 'orders.csv')
    writeFileSync(file, `order_id,customer_id,ordered_at,amount,currency\n${rows.join('\n')}\n`)
    for (const cmd of ['refit', 'tick']) {
      const db = join(dir, `${cmd}.duckdb`)
      expect(runCli(['import', file, '--db', db]).code).toBe(0)
      const r = runCli([cmd, '--db', db, '--now', '2025-01-15T12:00:00Z'])
      expect(r.code, r.stderr).toBe(0)
      const text = await reasons(db)
      expect(text, cmd).toContain('€')
      expect(text, cmd).not.toContain('$')
    }
  })
})
