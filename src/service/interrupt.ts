// Clean-up on Ctrl-C or a kill: files written under temporary names, a terminal's cursor. The
// process then ends by the signal as it would have without a listener (exit 130 for Ctrl-C).
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * Run `cleanup` on SIGINT or SIGTERM, then end the process by that signal.
 * @returns the function that stops listening (call it once the work is done).
 * @example const stop = onInterrupt(() => rmSync(tmp, { force: true })); ...; stop()
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    stop()
    cleanup()
    process.kill(process.pid, signal)
  }
  const stop = (): void => {
    for (const s of SIGNALS) process.off(s, handler)
  }
  for (const s of SIGNALS) process.once(s, handler)
  return stop
}

/**
 * A new temporary directory (`prefix` under the system's temp dir) that goes on Ctrl-C or a kill
 * as well as by its `remove`: the importer's copies of a file (line endings, encoding, JSON
 * records) are the whole file, customers and all, and were left behind by an interrupted import.
 */
export async function interruptibleTempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  // named here and listened for before it is made: a signal between mkdtemp's making it and its
  // answer found no listener for it, and the directory stayed
  const dir = join(tmpdir(), `${prefix}${randomBytes(6).toString('hex')}`)
  const stop = onInterrupt(() => rmSync(dir, { recursive: true, force: true }))
  try {
    await mkdir(dir, { mode: 0o700 })
  } catch (e) {
    stop()
    throw e
  }
  return {
    dir,
    remove: async () => {
      stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
