// `loyals serve` says at start what it cannot do yet: a --db where there was no workspace serves a
// new, empty one (a mistyped name), and a workspace without an API key refuses every request.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI, runCli, tempDir } from '../helpers/cli.ts'

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

/**
 * The server's stderr until it has said `until` (or 20 s), then it is stopped; resolves once it
 * has exited, so that the workspace is free for the next command (`keys create` right after a
 * kill found it still served, now and then).
 */
function startupNotes(db: string, until: RegExp | null): Promise<string> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--db', db, '--tick-every', 'off'],
    {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    let stopping = false
    const done = () => {
      if (stopping) return
      stopping = true
      child.kill('SIGTERM')
    }
    const timer = setTimeout(done, 20_000)
    child.stdout!.on('data', (d) => {
      out += d
      // no note expected: a second after it listens is time enough for one to show
      if (until === null && out.includes('listening on')) setTimeout(done, 1000)
    })
    child.stderr!.on('data', (d) => {
      err += d
      if (until?.test(err)) {
        clearTimeout(timer)
        done()
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0 || code === null || stopping) resolve(err)
      else reject(new Error(err))
    })
  })
}

describe('loyals serve start-up notes', () => {
  it('names a workspace it had to make and one without an API key; says nothing once there is one', async () => {
    const db = join(tempDir(), 'typo.duckdb')
    const first = await startupNotes(db, /holds no API key/)
    expect(first).toContain(
      `note: there was no workspace at ${db}: a new, empty one was made. If you meant another, stop the server and check --db`,
    )
    expect(first).toContain(
      `note: ${db} holds no API key, so every request is refused (401). Stop the server, run \`loyals keys create --role admin --db ${db}\``,
    )
    expect(runCli(['keys', 'create', '--role', 'admin', '--db', db]).code).toBe(0)
    const again = await startupNotes(db, null)
    expect(again).not.toContain('note:')
  }, 60_000)
})
