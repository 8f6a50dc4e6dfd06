// An output directory that cannot take analyze's files is said before the analysis runs, in
// Loyals' words, and nothing is left half-written there.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('analyze --out', () => {
  it('refuses a directory where one of its files goes, before writing any of them', () => {
    const dir = tempDir()
    const orders = join(dir, 'orders.csv')
    writeFileSync(orders, 'customer_id,ordered_at,amount\nA,2024-01-01,10\nB,2024-01-03,20\n')
    const out = join(dir, 'out')
    mkdirSync(join(out, 'report.html'), { recursive: true })
    const r = runCli(['analyze', orders, '--out', out, '--no-insights'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      `error: cannot write ${join(out, 'report.html')}: a directory of that name is in the way\n`,
    )
    expect(readdirSync(out)).toEqual(['report.html'])
    expect(existsSync(join(out, 'customers.csv'))).toBe(false)
    // insights alike: refused at once (it was a system error, exit 70, with half the files written)
    const ins = join(dir, 'ins')
    mkdirSync(join(ins, 'insights.json'), { recursive: true })
    const i = runCli(['insights', orders, '--no-predictions', '--out', ins])
    expect(i.code).toBe(2)
    expect(i.stderr).toBe(
      `error: cannot write ${join(ins, 'insights.json')}: a directory of that name is in the way\n`,
    )
    expect(readdirSync(ins)).toEqual(['insights.json'])
  })
})
