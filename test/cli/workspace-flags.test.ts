// Flags that say how to read an orders file, given with a workspace, change nothing: the
// workspace's orders were read when they were imported. They were dropped in silence (an analyst
// passing --tz Europe/Berlin to a workspace imported in UTC got UTC days and no word about it).
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

describe('file flags with a workspace', () => {
  it('analyze, summary (--db and LOYALS_DB too) and insights say the flags change nothing there', () => {
    const dir = tempDir('loyals-ws-flags-')
    const db = join(dir, 'w.duckdb')
    const rows = ['customer_id,ordered_at,amount']
    for (let c = 0; c < 12; c++) rows.push(`c${c},2024-0${1 + (c % 6)}-1${c % 9},${10 + c}`)
    const file = write(dir, 'o.csv', rows.join('\n'))
    expect(runCli(['import', file, '--db', db]).code).toBe(0)
    const note = `note: ${db} is a workspace: its orders were read as they were imported, so --tz, --decimal-comma change nothing here (import the file again with them to read it another way)`
    const flags = ['--tz', 'Europe/Berlin', '--decimal-comma']
    const a = runCli(['analyze', db, '--out', join(dir, 'out'), '--no-predictions', ...flags])
    expect(a.code, a.stderr).toBe(0)
    expect(a.stderr).toContain(note)
    const s = runCli(['summary', db, ...flags])
    expect(s.code, s.stderr).toBe(0)
    expect(s.stderr).toContain(note)
    // named by --db or LOYALS_DB rather than as the argument, the same
    for (const [args, env] of [
      [['summary', '--db', db, ...flags], {}],
      [['summary', ...flags], { LOYALS_DB: db }],
    ] as const) {
      const d = runCli(args, { env })
      expect(d.code, d.stderr).toBe(0)
      expect(d.stderr).toContain(note)
    }
    const i = runCli(['insights', db, '--out', join(dir, 'ins'), '--no-predictions', ...flags])
    expect(i.code, i.stderr).toBe(0)
    expect(i.stderr).toContain(note)
    // an orders file reads them, and no such note
    const f = runCli(['summary', file, '--tz', 'Europe/Berlin'])
    expect(f.code, f.stderr).toBe(0)
    expect(f.stderr).not.toContain('is a workspace')
  })
})
