// Money past a billion: DuckDB's DOUBLE <-> DECIMAL(p,6) casts go through value x 10^6 in double
// arithmetic, past 2^53 there; an order of 999999999999 printed as 999999999999.0001.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('money past a billion', () => {
  it('is summed and printed exactly in the summary and the analysis totals', () => {
    const dir = tempDir()
    const file = join(dir, 'big.csv')
    writeFileSync(
      file,
      'customer_id,ordered_at,amount\nA,2024-01-05,999999999999\nD,2024-01-06,999999999999.99\nB,2024-01-05,4999999999.37\nC,2024-01-06,12.5\n',
    )
    const s = runCli(['summary', file])
    expect(s.code).toBe(0)
    const rows = s.stdout.trim().split('\n')
    const head = rows[0]?.split(',') ?? []
    const rev = (id: string) =>
      rows.find((r) => r.startsWith(`${id},`))?.split(',')[head.indexOf('revenue')]
    expect(rev('A')).toBe('999999999999.0')
    expect(rev('D')).toBe('999999999999.99')
    expect(rev('B')).toBe('4999999999.37')
    const a = runCli(['analyze', file, '--out', join(dir, 'out'), '--no-insights', '--json'])
    expect(a.code).toBe(0)
    const j = JSON.parse(a.stdout) as {
      revenue: { total: number }
      concentration: { revenue: { total: number; topShares: { value: number }[] } }
    }
    expect(j.revenue.total).toBe(2004999999998.36 + 12.5)
    expect(j.concentration.revenue.total).toBe(j.revenue.total)
    expect(j.concentration.revenue.topShares[0]?.value).toBe(999999999999.99)
  })
})
