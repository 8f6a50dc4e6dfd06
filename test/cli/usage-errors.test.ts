// Mistyped command lines are usage errors (exit 2, as docs/insights.md and the README say) on
// every command, not only on the ones that check their own options.
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'

describe('command-line usage errors', () => {
  it('an unknown option, an extra argument or an unknown command exits 2 with the usage', () => {
    for (const args of [
      ['insights', '--bogus'],
      ['summary', 'a.csv', 'b.csv'],
      ['analyze', '--no-such-flag'],
      ['keys', 'bogus'],
      ['no-such-command'],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(/^error: /)
    }
    expect(runCli(['summary', '--help']).code).toBe(0)
  })

  it('an empty --out is refused rather than writing into the current directory', () => {
    for (const args of [
      ['insights', '--out', ''],
      ['analyze', '--out', ' '],
      ['demo', '--out', ''],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain('give a directory, not an empty name')
    }
  })
})
