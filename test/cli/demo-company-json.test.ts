// `loyals demo --company --json` prints summary.json on stdout and says on stderr where the
// generated company was written: its directory is kept, and nothing else named it.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

it('demo --company --json names the company directory on stderr, summary.json on stdout', () => {
  const out = join(tempDir('loyals-demo-json-'), 'out')
  const r = runCli(['demo', '--company', '--json', '--out', out])
  expect(r.code, r.stderr).toBe(0)
  expect(JSON.parse(r.stdout).value.breakdown.customers).toBeGreaterThan(0)
  const m = /The company's files and workspace are in (\S+) \(workspace (\S+)\)/.exec(r.stderr)
  expect(m, r.stderr).not.toBeNull()
  try {
    expect(existsSync(m![2]!)).toBe(true)
  } finally {
    rmSync(m![1]!, { recursive: true, force: true })
  }
})
