// An imported id or name holding control characters (an escape byte, a carriage return) or a
// bidirectional override is printed escaped: raw, it would drive the user's terminal.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { printable } from '../../src/cli/output.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('terminal output of imported text', () => {
  it('escapes control characters and bidirectional overrides, keeping line feeds and tabs', () => {
    expect(printable('a\u001b[31mb\rc\u0007\u202ed\te\nf')).toBe(
      'a\\x1b[31mb\\x0dc\\x07\\u202ed\te\nf',
    )
    expect(printable('Jürgen 😀 שלום')).toBe('Jürgen 😀 שלום')
  })

  it('loyals customer prints an id with an escape byte escaped', () => {
    const dir = tempDir('loyals-esc-')
    const csv = join(dir, 'orders.csv')
    writeFileSync(
      csv,
      'customer_id,ordered_at,amount\n"esc\u001b[2Jid",2024-01-02,10\nplain,2024-01-03,5\n',
    )
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', csv, '--db', db]).code).toBe(0)
    const r = runCli(['customer', 'esc\u001b[2Jid', '--db', db, '--as-of', '2024-02-01'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('\u001b')
    expect(r.stdout).toContain('esc\\x1b[2Jid')
    // an error naming such an id (not found) escapes it too: it went to the terminal raw
    const missing = runCli(['customer', 'evil\u001b[31mred', '--db', db])
    expect(missing.code).toBe(1)
    expect(missing.stderr).not.toContain('\u001b')
    expect(missing.stderr).toContain("no customer 'evil\\x1b[31mred'")
  })

  it('loyals customer keeps an id and a name holding a line feed or a tab on their line', () => {
    const dir = tempDir('loyals-esc-')
    const csv = join(dir, 'orders.csv')
    writeFileSync(
      csv,
      'customer_id,ordered_at,amount\n"line1\nline2",2024-01-02,10\nplain,2024-01-03,5\n',
    )
    const people = join(dir, 'customers.csv')
    writeFileSync(people, 'customer_id,name\n"line1\nline2","Ann\tB"\n')
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', csv, '--db', db]).code).toBe(0)
    expect(runCli(['import', people, '--kind', 'customers', '--db', db]).code).toBe(0)
    const r = runCli(['customer', 'line1\nline2', '--db', db, '--as-of', '2024-02-01'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^Customer line1\\nline2 \(Ann\\tB\): /)
  })
})
