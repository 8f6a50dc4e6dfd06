// Debian's Chromium for the browser tests, launched for a closed network; one place for its path
// and flags so every browser test runs the same browser the same way.
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
// flags for a closed network (see ../.library/env/machines/node.md): no background calls home
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A headless Chromium; throws with the install command when the browser is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`)
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}
