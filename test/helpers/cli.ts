// Run the built CLI (dist/) as a real process, the way a user does. `npm test` builds first.
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const CLI = join(ROOT, 'dist/cli/main.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** A fresh temporary directory for one test's files. */
export function tempDir(prefix = 'loyals-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}
