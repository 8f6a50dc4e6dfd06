// The progress bar hides the cursor and turns off line wrapping while it shows: a Ctrl-C or a kill
// then must give both back before the process ends by the signal (QA: the user's shell was left
// without a cursor and with lines cut at the edge).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.ts'

// a terminal stand-in that writes straight to fd 1, so what was drawn is seen after the signal
const CHILD = `
import { writeSync } from 'node:fs'
import { Writable } from 'node:stream'
import { createProgress } from ${JSON.stringify(join(ROOT, 'dist/cli/progress.js'))}
const w = new Writable({ write(chunk, _e, cb) { writeSync(1, String(chunk)); cb() } })
Object.assign(w, { isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true })
const p = createProgress({ total: 2, stream: w, delayMs: 10 })
await p.step('slow step', async () => {
  await new Promise((r) => setTimeout(r, 200))
  process.kill(process.pid, process.argv.at(-1))
  await new Promise((r) => setTimeout(r, 2000))
})
writeSync(1, 'NOT REACHED')
`

describe('the progress bar on an interrupt', () => {
  it.each(['SIGINT', 'SIGTERM'])('gives the cursor and line wrapping back on %s', (signal) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, signal], {
      encoding: 'utf8',
      env: { ...process.env, LOYALS_TRACE: '' },
    })
    expect(r.signal).toBe(signal)
    expect(r.stdout).toContain('\x1b[?25l')
    const hidden = r.stdout.lastIndexOf('\x1b[?25l')
    expect(r.stdout.lastIndexOf('\x1b[?25h')).toBeGreaterThan(hidden)
    expect(r.stdout.lastIndexOf('\x1b[?7h')).toBeGreaterThan(r.stdout.lastIndexOf('\x1b[?7l'))
    expect(r.stdout).not.toContain('NOT REACHED')
  })
})
