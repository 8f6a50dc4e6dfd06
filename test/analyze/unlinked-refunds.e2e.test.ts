// Refunds that name no order of their customer (a file without order ids) lower revenue but take
// back no purchase day (docs/summary.md): C1's 50 bought and refunded on one day still counted as
// a repeat purchase (x 1, monetary 50 beside revenue 10), and analyze said nothing of it.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

interface Note {
  level: string
  message: string
}

describe('analyze on refunds that name no order', () => {
  const dir = tempDir()
  const notesOf = (name: string, text: string): Note[] => {
    const file = join(dir, `${name}.csv`)
    writeFileSync(file, text)
    const r = runCli([
      'analyze',
      file,
      '--out',
      join(dir, name),
      '--no-insights',
      '--no-predictions',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    return (JSON.parse(r.stdout) as { quality: Note[] }).quality
  }

  it('warns, counting those on a day the customer bought', () => {
    const notes = notesOf(
      'noid',
      'customer_id,order_date,amount\nC1,2024-01-01,10\nC1,2024-01-08,50\nC1,2024-01-08,-50\nC2,2024-01-01,10\nC2,2024-01-09,-5\n',
    )
    expect(notes).toContainEqual({
      level: 'warning',
      message:
        "2 refunds name no order of their customer: they lower revenue but take back no purchase day (1 of them falls on a day the customer bought, which still counts as a purchase day, with its whole spend in monetary). Give each refund the order id of the order it refunds to net it into that order's day (docs/summary.md).",
    })
  })

  it('counts no day whose orders were refunded in full by refunds naming them', () => {
    // A's O1 of 20 is refunded in full the next day: 2024-01-01 is no purchase day (the summary's
    // first purchase is 2024-01-05), so the 3 taken back that day falls on no day A bought; B's
    // unnamed refund falls on a day B bought and kept (O5 of 8 refunded in part); C's O7 of 0.3 is
    // refunded in full by 0.1 and 0.2 (summed as money, not as doubles: 5.6e-17 left)
    const notes = notesOf(
      'cancelled',
      'customer_id,order_id,ordered_at,amount\nA,O1,2024-01-01,20\nA,O1,2024-01-02,-20\nA,,2024-01-01,-3\nA,O2,2024-01-05,10\nB,O5,2024-01-02,8\nB,O5,2024-01-03,-0.1\nB,,2024-01-02,-1\nB,O9,2024-01-06,5\nC,O7,2024-01-02,0.3\nC,O7,2024-01-02,-0.1\nC,O7,2024-01-03,-0.2\nC,,2024-01-02,-0.05\nC,O8,2024-01-07,5\n',
    )
    expect(notes).toContainEqual({
      level: 'warning',
      message:
        "3 refunds name no order of their customer: they lower revenue but take back no purchase day (1 of them falls on a day the customer bought, which still counts as a purchase day, with its whole spend in monetary). Give each refund the order id of the order it refunds to net it into that order's day (docs/summary.md).",
    })
  })

  it('says nothing of refunds that name their order', () => {
    const notes = notesOf(
      'ids',
      'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\nO2,C1,2024-01-08,50\nO2,C1,2024-01-08,-50\nO3,C2,2024-01-02,10\n',
    )
    expect(notes.map((n) => n.message).join('\n')).not.toContain('name no order')
  })
})
