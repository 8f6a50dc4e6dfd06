// `loyals generate` interrupted (Ctrl-C, a kill) leaves no table cut short under its final name:
// every file is written under a temporary name and renamed into place at the end. Before, a run
// stopped after a second left customers.csv with a tenth of its rows, which imported without a
// word. An interrupted run into a directory of an earlier one leaves that run's files whole.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, runCli, tempDir } from '../helpers/cli.ts'

function interrupted(out: string, signal: NodeJS.Signals): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [CLI, 'generate', '--customers', '100000', '--out', out])
  return new Promise((resolve) => {
    // killed while it writes: the tables take several seconds at 100,000 customers
    const timer = setTimeout(() => child.kill(signal), 1500)
    child.on('exit', (_code, sig) => {
      clearTimeout(timer)
      resolve(sig)
    })
  })
}

describe('loyals generate, interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('on %s leaves no file cut short', async (signal) => {
    const dir = tempDir('loyals-gen-int-')
    const fresh = join(dir, 'fresh')
    expect(await interrupted(fresh, signal)).toBe(signal)
    // (a slow start may be killed before the directory is made: nothing either)
    expect(existsSync(fresh) ? readdirSync(fresh) : []).toEqual([])
    // over an earlier run's files: they stay as they were, whole
    const earlier = join(dir, 'earlier')
    expect(runCli(['generate', '--customers', '300', '--out', earlier]).code).toBe(0)
    const before = readFileSync(join(earlier, 'customers.csv'), 'utf8')
    const files = readdirSync(earlier).sort()
    expect(await interrupted(earlier, signal)).toBe(signal)
    expect(readdirSync(earlier).sort()).toEqual(files)
    expect(readFileSync(join(earlier, 'customers.csv'), 'utf8')).toBe(before)
  })
})
