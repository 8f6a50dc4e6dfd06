// A row that repeats an earlier row of the file exactly (the same key and content, as an export
// pasted twice into one file leaves) is stored once, as before; the import now says so, naming the
// lines, where it used to leave the user to wonder why fewer rows were stored than read.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes } from '../../src/service/source.ts'
import { eachWorkspace } from './each-workspace.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const ws = eachWorkspace()

const HEAD = 'order_id,customer_id,ordered_at,amount\n'

describe('rows repeating an earlier row exactly', () => {
  test('are stored once and named, refund rows (two refunds) apart', async () => {
    const f = write(
      ws.dir,
      'twice.csv',
      HEAD +
        'o1,c1,2024-01-01,10\n' + // line 2
        'o1,c1,2024-01-01,10\n' + // line 3 = 2
        'o2,c2,2024-01-02,20\n' + // line 4
        'o1,c1,2024-01-05,-4\n' + // line 5: a refund of o1
        'o1,c1,2024-01-05,-4\n' + // line 6: a second refund, not a repeat
        'o2,c2,2024-01-02,20\n' + // line 7 = 4
        'o1,c1,2024-01-01,10\n' + // line 8 = 2
        'o3,c3,2024-01-03,30\n' + // line 9
        'o3,c3,2024-01-03,30\n', //  line 10 = 9
    )
    const r = await importFile(ws.engine, f, { kind: 'orders', now: NOW })
    expect(r.repeatedRows).toEqual({
      n: 4,
      noun: 'order',
      first: [
        { line: 3, sameAs: 2, key: 'o1' },
        { line: 7, sameAs: 4, key: 'o2' },
        { line: 8, sameAs: 2, key: 'o1' },
      ],
    })
    expect(importNotes(r)).toContain(
      `${f}: 4 rows repeat an earlier row exactly (line 3 = line 2, order o1; line 7 = line 4, order o2; line 8 = line 2, order o1; and 1 more), counted once (the same id with other content would be a bad row)`,
    )
    const [t] = await ws.engine.query<{ n: number; revenue: number }>(
      'SELECT count(*) AS n, sum(amount) AS revenue FROM orders',
    )
    // o1 10, o2 20, o3 30 and two refunds of 4
    expect([Number(t!.n), Number(t!.revenue)]).toEqual([5, 52])
  })

  test('are named by the validating path too (a bad row skipped), and in other kinds', async () => {
    const f = write(
      ws.dir,
      'bad.csv',
      `${HEAD}o1,c1,2024-01-01,10\no2,c2,not a date,20\no1,c1,2024-01-01,10\n`,
    )
    const r = await importFile(ws.engine, f, {
      kind: 'orders',
      now: NOW,
      skipBadRows: true,
    })
    expect(r.rejected).toBe(1)
    expect(r.repeatedRows).toEqual({
      n: 1,
      noun: 'order',
      first: [{ line: 4, sameAs: 2, key: 'o1' }],
    })
    expect(importNotes(r).join('\n')).toMatch(
      /1 row repeats an earlier row exactly \(line 4 = line 2, order o1\)/,
    )
    const tickets = write(
      ws.dir,
      'tickets.csv',
      'ticket_id,customer_id,opened_at,channel\nT1,c1,2024-01-02,email\nT1,c1,2024-01-02,email\n',
    )
    const t = await importFile(ws.engine, tickets, { kind: 'tickets', now: NOW })
    expect(t.repeatedRows).toMatchObject({ n: 1, noun: 'ticket' })
  })

  test('a file without repeats says nothing of them', async () => {
    const f = write(ws.dir, 'once.csv', `${HEAD}o1,c1,2024-01-01,10\no1,c1,2024-01-02,-3\n`)
    const r = await importFile(ws.engine, f, { kind: 'orders', now: NOW })
    expect(r.repeatedRows).toBeUndefined()
    expect(importNotes(r).join('\n')).not.toMatch(/repeat/)
  })

  // QA: a file without a bad row takes the fast read, which numbers rows, not lines: its notes
  // named "line 4 = line 3" for rows on lines 6 and 4 (a quoted value spanning two lines), and
  // under analyze FILE (a scratch store, which read no digest) blank lines were not counted
  describe('name the lines the rows are on, not their positions', () => {
    const multiline =
      'note,customer_id,order_id,ordered_at,amount\n' +
      '"x\ny",A,1,2024-01-01,10\n' + // lines 2-3
      '"x\ny",C,3,2024-01-03,5\n' + //  lines 4-5
      '"x\ny",C,3,2024-01-03,5\n' //   lines 6-7 = 4
    const blanks =
      'customer_id,order_id,ordered_at,amount\n\n\n' +
      'A,1,2024-01-01,10\n\n' + // line 4
      'A,1,2024-01-01,10\n' + //   line 6 = 4
      'A,1,2024-01-02,-20\n' //    line 7: a refund of more than was paid
    const sep =
      'sep=;\ncustomer_id;order_id;ordered_at;amount\nA;1;2024-01-01;10\nA;1;2024-01-01;10\n'
    const cases = [
      { name: 'multi.csv', text: multiline, line: 6, sameAs: 4 },
      { name: 'blanks.csv', text: blanks, line: 6, sameAs: 4 },
      { name: 'sep.csv', text: sep, line: 4, sameAs: 3 },
    ]
    for (const scratch of [false, true]) {
      for (const gz of [false, true]) {
        test(`${scratch ? 'in a scratch store' : 'in a workspace'}${gz ? ', gzip' : ''}`, async () => {
          const engine = scratch ? await openWorkspace(':memory:') : ws.engine
          try {
            for (const c of cases) {
              const f = join(ws.dir, gz ? `${c.name}.gz` : c.name)
              writeFileSync(f, gz ? gzipSync(c.text) : c.text)
              const r = await importFile(engine, f, { kind: 'orders', now: NOW, scratch })
              expect(r.repeatedRows?.first, c.name).toEqual([
                { line: c.line, sameAs: c.sameAs, key: c.name === 'multi.csv' ? '3' : '1' },
              ])
              if (c.name === 'blanks.csv') {
                expect(importNotes(r).join('\n')).toMatch(/1 \(line 7\): 20\.00 refunded of 10\.00/)
              }
            }
          } finally {
            if (scratch) await engine.close()
          }
        })
      }
    }
  })
})
