// Progress for long commands: a bar on stderr that appears only on a terminal and only once a
// step has run for more than a second, so fast runs, pipes and CI logs stay clean.
import { SingleBar } from 'cli-progress'
import { env } from '../config.ts'
import type { StepRunner } from '../service/analyze.ts'
import { onInterrupt } from '../service/interrupt.ts'

export interface Progress extends StepRunner {
  /** Remove the bar (if shown). Call once when the command ends, also on errors. */
  stop(): void
}

export interface ProgressOptions {
  /** Number of steps the command will run. */
  readonly total: number
  /** Where to draw; default process.stderr. Nothing is drawn unless it is a TTY. */
  readonly stream?: NodeJS.WriteStream
  /** How long a step runs before the bar appears; default 1000 ms. */
  readonly delayMs?: number
  /** Write each step's wall time instead of a bar (default: when LOYALS_TRACE is set). */
  readonly trace?: boolean
}

/**
 * A step runner that draws `[=====-----] 3/7 ranking customers 2s` for steps slower than
 * `delayMs`, on a TTY only. Off a TTY it only runs the steps.
 * @example
 *   const p = createProgress({ total: 2 })
 *   try { await p.step('reading', read); await p.step('writing', write) } finally { p.stop() }
 */
export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr
  if (opts.trace ?? env().LOYALS_TRACE !== undefined) return tracedSteps(stream)
  if (!stream.isTTY) {
    return { step: (_label, fn) => fn(), stop: () => {} }
  }
  const delay = opts.delayMs ?? 1000
  let done = 0
  let bar: SingleBar | null = null
  // the bar hides the cursor and turns off line wrapping; a Ctrl-C (or a kill) while it shows
  // ended the process with both still off, in the user's shell after it
  let stopListening: (() => void) | null = null
  const stopBar = () => {
    stopListening?.()
    stopListening = null
    if (bar) {
      bar.stop()
      bar = null
    }
  }
  const show = (label: string) => {
    if (!bar) {
      stopListening = onInterrupt(stopBar)
      bar = new SingleBar({
        stream,
        format: '{bar} {value}/{total} {step} {duration}s',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      })
      bar.start(opts.total, done, { step: label })
    } else {
      bar.update(done, { step: label })
    }
  }
  return {
    async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
      // once the bar is up it follows every step; before that, only a slow step brings it up
      if (bar) show(label)
      const timer = bar ? null : setTimeout(() => show(label), delay)
      try {
        return await fn()
      } finally {
        if (timer) clearTimeout(timer)
        done++
        ;(bar as SingleBar | null)?.update(done)
      }
    },
    stop: stopBar,
  }
}

/** With LOYALS_TRACE set (profiling), each step's wall time goes to stderr instead of a bar. */
function tracedSteps(stream: NodeJS.WriteStream): Progress {
  return {
    async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
      const t0 = performance.now()
      try {
        return await fn()
      } finally {
        stream.write(`step   ${Math.round(performance.now() - t0)} ms  ${label}\n`)
      }
    },
    stop() {},
  }
}
