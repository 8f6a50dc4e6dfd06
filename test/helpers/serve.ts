// `loyals serve` as a real child process for tests: resolves with its URL once it prints
// "listening on", rejects if it exits first or does not start within 30 s.
import { type ChildProcess, spawn } from 'node:child_process'
import { CLI } from './cli.ts'

export interface Served {
  readonly child: ChildProcess
  readonly url: string
}

/**
 * Start `loyals serve --port 0 ...args`; the child goes into `track` (to kill after each test).
 * `stderrHas`: resolve only once stderr holds it too (a start-up note printed after listening).
 */
export function startServe(
  args: readonly string[],
  track: ChildProcess[],
  stderrHas?: string,
): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  track.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 30_000)
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m && (stderrHas === undefined || err.includes(stderrHas))) {
        clearTimeout(timer)
        resolve({ child, url: m[1]! })
      }
    }
    child.stderr!.on('data', (d) => {
      err += d
      check()
    })
    child.stdout!.on('data', (d) => {
      out += d
      check()
    })
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })
}
