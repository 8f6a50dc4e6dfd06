// Regression: `loyals analyze` on the 5,000-customer generated company used to hang in the
// Pareto/NBD fit. It must finish, choose a model (or the baseline) and name any model it dropped.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('analyze on the 5,000-customer company', () => {
  it('finishes with predictions; a model that cannot be fitted is dropped with a note', () => {
    const dir = tempDir()
    const gen = runCli(['generate', '--customers', '5000', '--seed', '1', '--out', dir])
    expect(gen.code, gen.stderr).toBe(0)
    const r = runCli(['analyze', join(dir, 'orders.csv'), '--out', join(dir, 'out'), '--json'], {
      timeoutMs: 55_000,
    })
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'))
    const p = s.predictions
    expect(['bgnbd', 'mbgnbd', 'pareto', 'baseline']).toContain(p.model)
    expect(p.candidates).toHaveLength(3)
    for (const c of p.candidates) {
      if (c.error === null) continue
      const note = p.notes.find((n: { message: string }) => n.message.startsWith(c.name))
      expect(note?.message, `${c.name} dropped without a note`).toContain('could not be fitted')
    }
  })
})
