// Record the server that holds a PostgreSQL store, replacing the row of any server before it.
import type { Dialect, Query } from '../engine.ts'

export interface ServeHolderRow {
  readonly host: string
  readonly pid: number
  readonly port: number
  readonly url: string
  readonly startedAt: string
}

/** Write this session's row (run on the session holding the lock of pg-serve-lock.ts). */
export function pgServeHolderWrite(_dialect: Dialect, h: ServeHolderRow): Query {
  return {
    sql: `WITH gone AS (DELETE FROM serve_holder)
INSERT INTO serve_holder (backend_pid, host, pid, port, url, started_at)
VALUES (pg_backend_pid(), $1, $2, $3, $4, $5)`,
    params: [h.host, h.pid, h.port, h.url, h.startedAt],
  }
}
