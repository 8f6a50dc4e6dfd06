// Vitest globalSetup: the report's browser test drives Debian's Chromium, which a fresh machine of
// this kind does not have until it is installed; install it once (apt-get, as root) so that
// `npm test` alone runs every suite. Never a browser download by a test tool.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = '/usr/bin/chromium'

function aptInstall(update: boolean): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (update) spawnSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 })
  const r = spawnSync('apt-get', ['install', '-y', 'chromium'], {
    stdio: 'ignore',
    env,
    timeout: 600_000,
  })
  return r.status === 0 && existsSync(CHROMIUM)
}

export default function setup(): void {
  if (existsSync(CHROMIUM) || process.getuid?.() !== 0) return
  console.log(`installing Debian's chromium for the report test (once): apt-get install chromium`)
  if (!aptInstall(false) && !aptInstall(true)) {
    console.log('could not install chromium: the report browser test will fail')
  }
}
