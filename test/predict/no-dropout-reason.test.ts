// The no-dropout fallback said "BG/NBD, MBG/NBD and Pareto/NBD all ran to their no-dropout
// limit" when only BG/NBD did (MBG/NBD and Pareto/NBD failed otherwise, as their notes said):
// the reason names the models that ran to it. Data: 40 customers, every amount 0 (a log without
// amounts), 0-3 repeat orders within 150 days (fixture from a QA review's generator).
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

describe('the no-dropout fallback', () => {
  it('names the models that ran to the limit, and the others as not fitted', () => {
    const file = join(ROOT, 'test/fixtures/degenerate/zero-amounts-no-dropout.csv')
    const r = runCli(['analyze', file, '--out', join(tempDir('loyals-nodrop-'), 'out'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const p = JSON.parse(r.stdout).predictions as {
      reason: string
      candidates: { key: string; error: string | null }[]
    }
    expect(p.reason).toMatch(
      /^No sign of customers dropping out: BG\/NBD ran to its no-dropout limit \(dropout probability or rate going to zero\) and MBG\/NBD and Pareto\/NBD could not be fitted either, so that limit is used/,
    )
    // the candidates agree: MBG/NBD and Pareto/NBD failed otherwise
    for (const key of ['mbgnbd', 'pareto']) {
      expect(p.candidates.find((c) => c.key === key)?.error).toMatch(/ran off to infinity/)
    }
  })
})
