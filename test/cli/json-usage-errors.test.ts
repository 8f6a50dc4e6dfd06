// With --json every error is also printed on stdout as {"error": {code, message, exitCode}}
// (README), including the usage errors the argument parser finds before a command runs.
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('--json usage errors of the argument parser', () => {
  it('are printed on stdout as JSON, exit 2, and said on stderr', () => {
    const cwd = tempDir('loyals-json-usage-')
    for (const [args, message] of [
      [['generate', '--json'], "required option '--out <dir>' not specified"],
      [['fit', '--json', '--model'], "option '--model <model>' argument missing"],
      [['analyze', '--json', '--bogus'], "unknown option '--bogus'"],
    ] as const) {
      const r = runCli([...args], { cwd })
      expect(r.code, args.join(' ')).toBe(2)
      expect(JSON.parse(r.stdout)).toEqual({
        error: { code: 'usage_error', message, exitCode: 2 },
      })
      expect(r.stderr).toContain(`error: ${message}`)
    }
    // without --json stdout stays empty
    const plain = runCli(['generate'], { cwd })
    expect(plain.code).toBe(2)
    expect(plain.stdout).toBe('')
  })
})
