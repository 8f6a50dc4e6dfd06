// What the server holding a PostgreSQL store wrote about itself (pg-serve-holder-write.ts): none
// while it starts, as it writes its port once it listens.
import type { Dialect, Query } from '../engine.ts'

/** At most one row: host, pid, port, url, started_at of the session `backendPid`. */
export function pgServeHolderRow(_dialect: Dialect, backendPid: number): Query {
  return {
    sql: 'SELECT host, pid, port, url, started_at FROM serve_holder WHERE backend_pid = $1',
    params: [backendPid],
  }
}
