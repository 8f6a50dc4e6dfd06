// The server holding a PostgreSQL store, read from PostgreSQL's lock table: a row only while the
// session that took the lock lives. Its serve_holder row is missing while it starts (the port is
// written once it listens), hence the LEFT JOIN.
import type { Dialect, Query } from '../engine.ts'
import { SERVE_LOCK_CLASS, SERVE_LOCK_KEY } from './pg-serve-lock.ts'

/** At most one row: host, pid, port, url, started_at (null while it starts), or none. */
export function pgServeHolder(_dialect: Dialect): Query {
  return {
    sql: `SELECT h.host, h.pid, h.port, h.url, h.started_at
FROM pg_locks l
LEFT JOIN serve_holder h ON h.backend_pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = ${SERVE_LOCK_CLASS}::oid AND l.objid = ${SERVE_LOCK_KEY}::oid
  AND l.pid <> pg_backend_pid()
LIMIT 1`,
  }
}
