// DuckDB's worker threads: read, and lowered for a statement that runs beside JavaScript work.
import type { Query } from '../engine.ts'

/** DuckDB: the engine's worker thread count, in column `threads`. */
export function engineThreads(): Query {
  return { sql: "SELECT CAST(current_setting('threads') AS INTEGER) AS threads" }
}

const count = (v: number): number => {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`invalid thread count ${v}`)
  return v
}

/** DuckDB: set the worker thread count. */
export function setThreads(threads: number): Query {
  return { sql: `SET threads = ${count(threads)}` }
}

/**
 * DuckDB: `sql` (one statement without results) run on `during` threads, then the count set
 * back to `after`, in one multi-statement text: the engine runs all three without waiting for a
 * turn of the (busy) event loop. When `sql` fails the last statement does not run: the caller
 * sets the count back itself then ({@link setThreads}).
 */
export function withThreads(sql: string, during: number, after: number): Query {
  return { sql: `${setThreads(during).sql};\n${sql};\n${setThreads(after).sql}` }
}
