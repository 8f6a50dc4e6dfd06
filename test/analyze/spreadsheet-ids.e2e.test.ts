// Customer ids a spreadsheet saved in scientific notation (Excel's 1.23457E+14 for a 15-digit id
// shown as a number) have lost their digits: customers sharing the first ones are one id. analyze
// says so; ids that merely contain an E are left alone.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

interface Note {
  level: string
  message: string
}

describe('analyze on customer ids in scientific notation', () => {
  const dir = tempDir()
  const notesOf = (name: string, rows: string): Note[] => {
    const file = join(dir, `${name}.csv`)
    writeFileSync(file, `customer_id,order_date,amount\n${rows}`)
    const r = runCli(['analyze', file, '--out', join(dir, name), '--no-insights', '--json'])
    expect(r.code).toBe(0)
    return (JSON.parse(r.stdout) as { quality: Note[] }).quality
  }

  it('warns that the ids lost digits, naming how many and one of them', () => {
    const notes = notesOf(
      'sci',
      '1.23457E+14,2024-01-01,10\n1.23457E+14,2024-01-02,5\n9.87654e+12,2024-01-03,7\n13085,2024-01-04,5\n',
    )
    expect(notes).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^2 customer ids look like a number a spreadsheet wrote in scientific notation \(1\.23457E\+14\): .* different customers may have been merged into one id\. Save the ids as text/,
      ),
    })
  })

  it('says nothing of ids that only hold an E or a plus', () => {
    const notes = notesOf(
      'plain',
      'CE+14,2024-01-01,10\n1E+,2024-01-02,5\nA1.5E+3B,2024-01-03,7\n12345,2024-01-04,5\n',
    )
    expect(notes.map((n) => n.message).join('\n')).not.toContain('scientific notation')
  })
})
