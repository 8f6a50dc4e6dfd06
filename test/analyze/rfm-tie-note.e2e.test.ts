// A one-day export: every customer's last purchase is the as-of day, the tie rule gives them all
// R = 1, and the segments would call customers who bought today "Lost" without a word.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

interface Note {
  level: string
  message: string
}

describe('analyze on tied recencies', () => {
  const dir = tempDir()
  /** `analyze --json` of an orders file of `rows` (customer_id,ordered_at,amount): its notes. */
  const notesOf = (name: string, rows: string): { notes: Note[]; stdout: string } => {
    const file = join(dir, `${name}.csv`)
    writeFileSync(file, `customer_id,ordered_at,amount\n${rows}`)
    const r = runCli(['analyze', file, '--out', join(dir, name), '--no-insights', '--json'])
    expect(r.code).toBe(0)
    return { notes: (JSON.parse(r.stdout) as { quality: Note[] }).quality, stdout: r.stdout }
  }

  it('warns that every R score is the same, and stays quiet when recencies differ', () => {
    const tied = notesOf('tied', 'A,2024-01-05,10\nB,2024-01-05,20\nC,2024-01-05,5\n')
    expect(tied.notes).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^Every customer has the same recency .* every R score is 1 /),
    })
    const apart = notesOf('apart', 'A,2024-01-01,10\nB,2024-01-03,20\nC,2024-01-05,5\n')
    expect(apart.stdout).not.toContain('Every customer has the same recency')
    // `apart` has one purchase per customer: every F score is 1, and the segments that speak of
    // buying often hold one-time buyers (said); one repeat purchase and it is not said
    expect(apart.notes).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^No customer bought on more than one day, so every F score is 1 .* \(Loyal, At risk, Cannot lose them\) here holds one-time buyers who spent more\.$/,
      ),
    })
    // without amounts FM is F alone: the note says recency alone, and names no spend
    const free = notesOf('free', 'A,2024-01-01,0\nB,2024-01-03,0\nC,2024-01-05,0\n')
    expect(free.notes).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^No customer bought on more than one day, so every F score is 1, and without amounts every FM score too .*: the segments tell customers apart by recency alone\.$/,
      ),
    })
    expect(free.stdout).not.toContain('spent more')
    const again = notesOf(
      'again',
      'A,2024-01-01,10\nB,2024-01-03,20\nC,2024-01-05,5\nA,2024-01-04,7\n',
    )
    expect(again.stdout).not.toContain('No customer bought on more than one day')
  })

  // a box subscription's customers, each with its twelve deliveries, were all F = 1 with nothing
  // said; the same for customers who all spent the same (M = 1)
  it('warns when every customer bought on the same number of days, or spent the same', () => {
    const days = notesOf(
      'days',
      'A,2024-01-01,10\nA,2024-02-01,10\nA,2024-03-01,10\nB,2024-01-05,50\nB,2024-01-05,5\nB,2024-02-05,50\nB,2024-04-05,50\nC,2024-02-01,20\nC,2024-03-01,20\nC,2024-05-01,20\n',
    )
    expect(days.notes).toContainEqual({
      level: 'warning',
      message:
        'Every customer bought on the same number of days (3), so every F score is 1 by the tie rule (tied customers share the lowest score; docs/rfm.md): the segments do not tell customers apart by how often they bought.',
    })
    expect(days.stdout).not.toContain('same revenue')
    const spend = notesOf(
      'spend',
      'A,2024-01-01,30\nB,2024-01-05,10\nB,2024-02-05,20\nC,2024-02-01,10\nC,2024-03-01,10\nC,2024-05-01,10\n',
    )
    expect(spend.notes).toContainEqual({
      level: 'warning',
      message:
        'Every customer has the same revenue (30.00), so every M score is 1 by the tie rule (tied customers share the lowest score; docs/rfm.md): the segments do not tell customers apart by spend.',
    })
    expect(spend.stdout).not.toContain('same number of days')
    const apart = notesOf('apart2', 'A,2024-01-01,30\nB,2024-01-05,10\nB,2024-02-05,25\n')
    expect(apart.stdout).not.toMatch(/same number of days|same revenue/)
  })
})
