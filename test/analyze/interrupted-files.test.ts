// The output files of an analyze land together: one stopped midway (Ctrl-C after it wrote
// customers.csv) leaves the previous run's four files as they were, and no temporary file.
// It used to leave the stopped run's customers files beside the previous run's summary.json.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, ROOT, runCli, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const FILES = ['customers.csv', 'customers.parquet', 'summary.json', 'report.html']

describe('analyze stopped midway', () => {
  it('leaves the last complete set of files, and no temporary one', async () => {
    const out = tempDir('loyals-interrupt-')
    expect(runCli(['analyze', SAMPLE, '--out', out, '--as-of', '1998-06-30']).code).toBe(0)
    const before = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(out, f))]))
    const child = spawn(
      process.execPath,
      [CLI, 'analyze', SAMPLE, '--out', out, '--as-of', '1997-09-30'],
      {
        env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
        stdio: 'ignore',
      },
    )
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    )
    // Ctrl-C once this run has written its customers.csv (under its temporary name)
    const tmp = join(out, `customers.csv.${child.pid}.tmp`)
    let seen = false
    for (let i = 0; i < 3000 && !seen; i++) {
      seen = existsSync(tmp)
      if (!seen) await new Promise((r) => setTimeout(r, 5))
    }
    expect(seen).toBe(true)
    child.kill('SIGINT')
    expect(await exited).toBe('SIGINT')
    for (const f of FILES) expect(readFileSync(join(out, f)).equals(before[f]!), f).toBe(true)
    expect(readdirSync(out).sort()).toEqual([...FILES].sort())
  })
})
