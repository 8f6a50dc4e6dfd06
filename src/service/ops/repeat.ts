// A periodic timer for any period. Node's timers take at most 2^31 - 1 ms (about 24.8 days): a
// longer delay is replaced by 1 ms (with a TimeoutOverflowWarning), so `setInterval(fn, 30 days)`
// runs fn without pause. A long period is waited out here in pieces that fit.

/** The longest delay Node's timers honour, in milliseconds. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** A running repetition: `stop` ends it (a call after it has no effect). */
export interface Repeat {
  stop(): void
}

/**
 * Calls `fn` every `everyMs` milliseconds (first after one period) until stopped. The timers are
 * unref'd: they keep no process alive. Each period is counted from the end of the last one's wait,
 * not from fn's end (fn is not awaited), as setInterval does.
 * @throws RangeError for a period that is not a finite number above 0.
 */
export function repeatEvery(everyMs: number, fn: () => void): Repeat {
  if (!(Number.isFinite(everyMs) && everyMs > 0)) {
    throw new RangeError(
      `repeatEvery: the period must be a finite number of ms above 0, got ${everyMs}`,
    )
  }
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  const wait = (left: number): void => {
    if (stopped) return
    const step = Math.min(left, MAX_TIMER_MS)
    timer = setTimeout(() => {
      if (left > step) return wait(left - step)
      fn()
      wait(everyMs)
    }, step)
    timer.unref()
  }
  wait(everyMs)
  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
