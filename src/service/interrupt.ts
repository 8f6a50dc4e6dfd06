// Clean-up on Ctrl-C or a kill: files written under temporary names, a terminal's cursor. The
// process then ends by the signal as it would have without a listener (exit 130 for Ctrl-C).
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
