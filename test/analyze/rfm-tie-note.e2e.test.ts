// A one-day export: every customer's last purchase is the as-of day, the tie rule gives them all
// R = 1, and the segments would call customers who bought today "Lost" without a word.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('analyze on tied recencies', () => {
  it('warns that every R score is the same, and stays quiet when recencies differ', () => {
    const dir = tempDir()
    const tied = join(dir, 'tied.csv')
    writeFileSync(
      tied,
      'customer_id,ordered_at,amount\nA,2024-01-05,10\nB,2024-01-05,20\nC,2024-01-05,5\n',
    )
    const r = runCli(['analyze', tied, '--out', join(dir, 'o1'), '--no-insights', '--json'])
    expect(r.code).toBe(0)
    const notes = (JSON.parse(r.stdout) as { quality: { level: string; message: string }[] })
      .quality
    expect(notes).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^Every customer has the same recency .* every R score is 1 /),
    })
    const apart = join(dir, 'apart.csv')
    writeFileSync(
      apart,
      'customer_id,ordered_at,amount\nA,2024-01-01,10\nB,2024-01-03,20\nC,2024-01-05,5\n',
    )
    const a = runCli(['analyze', apart, '--out', join(dir, 'o2'), '--no-insights', '--json'])
    expect(a.code).toBe(0)
    expect(a.stdout).not.toContain('Every customer has the same recency')
    // `apart` has one purchase per customer: every F score is 1, and the segments that speak of
    // buying often hold one-time buyers (said); one repeat purchase and it is not said
    const once = (JSON.parse(a.stdout) as { quality: { level: string; message: string }[] }).quality
    expect(once).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^No customer bought on more than one day, so every F score is 1 .* \(Loyal, At risk, Can't lose them\) here holds one-time buyers who spent more\.$/,
      ),
    })
    const again = join(dir, 'again.csv')
    writeFileSync(
      again,
      'customer_id,ordered_at,amount\nA,2024-01-01,10\nB,2024-01-03,20\nC,2024-01-05,5\nA,2024-01-04,7\n',
    )
    const g = runCli(['analyze', again, '--out', join(dir, 'o3'), '--no-insights', '--json'])
    expect(g.code).toBe(0)
    expect(g.stdout).not.toContain('No customer bought on more than one day')
  })
})
