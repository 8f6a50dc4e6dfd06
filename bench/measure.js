// Measure one child process: wall time always; peak RSS from GNU time (`/usr/bin/time -v`) when
// it exists, else from a wrapper that runs the script in-process and reports
// process.resourceUsage().maxRSS on exit. Returns { ms, rssMb, code, stdout, stderr }.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GNU_TIME = '/usr/bin/time'
const WRAPPER = join(import.meta.dirname, 'rss-wrapper.js')

let gnuTime = null

/** Whether GNU time reports peak RSS here; probed once (a probe inside a timing added 40-170 ms). */
export const hasGnuTime = () => {
  if (gnuTime === null) {
    const r = existsSync(GNU_TIME)
      ? spawnSync(GNU_TIME, ['-v', 'true'], { encoding: 'utf8' })
      : null
    gnuTime = r !== null && r.status === 0 && /Maximum resident set size/.test(r.stderr)
  }
  return gnuTime
}

/** Run `node script ...args` and measure it. */
export function measureNode(script, args, { env = {}, cwd } = {}) {
  const fullEnv = { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env }
  const gnu = hasGnuTime()
  const t0 = performance.now()
  let r
  let rssKb = null
  if (gnu) {
    r = spawnSync(GNU_TIME, ['-v', process.execPath, script, ...args], {
      env: fullEnv,
      cwd,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    })
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '')
    if (m) rssKb = Number(m[1])
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'loyals-bench-'))
    const rssFile = join(dir, 'rss')
    r = spawnSync(process.execPath, [WRAPPER, rssFile, script, ...args], {
      env: fullEnv,
      cwd,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    })
    if (existsSync(rssFile)) rssKb = Number(readFileSync(rssFile, 'utf8'))
    rmSync(dir, { recursive: true, force: true })
  }
  const ms = performance.now() - t0
  return {
    ms,
    rssMb: rssKb === null ? null : rssKb / 1024,
    code: r.status ?? -1,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
  }
}
