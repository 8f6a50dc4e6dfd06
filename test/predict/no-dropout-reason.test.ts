// The no-dropout fallback said "BG/NBD, MBG/NBD and Pareto/NBD all ran to their no-dropout
// limit" when only BG/NBD did (MBG/NBD and Pareto/NBD failed otherwise, as their notes said):
// the reason names the models that ran to it. Data: 40 customers, every amount 0 (a log without
// amounts), 0-3 repeat orders within 150 days (fixture from a QA review's generator).
import { writeFileSync } from 'node:fs'
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

describe('a dropout model at its no-dropout limit while another fits', () => {
  it('says the fitted ones are used, not that the NBD is the model for these data', async () => {
    // 400 customers simulated by BG/NBD with little dropout (seed 1): BG/NBD and MBG/NBD fit
    // (a and b running to zero together), Pareto/NBD runs to its no-dropout limit
    const { bgnbd } = await import('../../src/index.ts')
    const sim = bgnbd.simulate({ r: 0.5, alpha: 5, a: 0.05, b: 50 }, 400, 52, 1)
    const rows = ['customer_id,ordered_at,amount']
    const day0 = Date.UTC(2024, 0, 1)
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
    for (let i = 0; i < sim.x.length; i++) {
      const start = day0 + Math.round((52 - sim.T[i]!) * 7) * 86_400_000
      rows.push(`c${i},${day(start)},20`)
      const x = sim.x[i]!
      for (let k = 1; k <= x; k++) {
        const w = (sim.tx[i]! * k) / x
        rows.push(`c${i},${day(start + Math.round(w * 7) * 86_400_000)},${20 + (k % 5)}`)
      }
    }
    const dir = tempDir('loyals-nodrop-some-')
    const file = join(dir, 'orders.csv')
    writeFileSync(file, `${rows.join('\n')}\n`)
    const r = runCli([
      'analyze',
      file,
      '--out',
      join(dir, 'out'),
      '--json',
      '--no-value',
      '--no-insights',
    ])
    expect(r.code, r.stderr).toBe(0)
    const p = JSON.parse(r.stdout).predictions as {
      modelName: string
      notes: { message: string }[]
      candidates: { key: string; error: string | null }[]
    }
    expect(p.candidates.find((c) => c.key === 'pareto')?.error).toMatch(
      /no sign of customers dropping out/,
    )
    expect(['BG/NBD', 'MBG/NBD']).toContain(p.modelName)
    const note = p.notes.find((n) => n.message.startsWith('Pareto/NBD could not be fitted'))
    expect(note?.message).toMatch(
      /; BG\/NBD and MBG\/NBD did fit and are used instead \(the NBD takes the dropout models' place only when every one of them runs to this limit\)$/,
    )
    expect(note?.message).not.toMatch(/is the model for these data/)
    // the models table shows the candidate's error: it says the same
    const pareto = p.candidates.find((c) => c.key === 'pareto')?.error ?? ''
    expect(pareto).not.toMatch(/is the model for these data/)
    expect(pareto).toContain('BG/NBD and MBG/NBD did fit and are used instead')
  })
})
