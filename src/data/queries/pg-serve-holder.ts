// The session holding a PostgreSQL store for `loyals serve`, read from PostgreSQL's lock table: a
// row only while that session lives, so a killed server is never taken for a live one.
import type { Dialect, Query } from '../engine.ts'
import { SERVE_LOCK_CLASS, SERVE_LOCK_KEY } from './pg-serve-lock.ts'

/**
 * At most one row: backend_pid, the session holding the lock of pg-serve-lock.ts (not this one),
 * and recorded, whether the serve_holder table (made by the first server) exists.
 */
export function pgServeHolder(_dialect: Dialect): Query {
  return {
    sql: `SELECT l.pid AS backend_pid, to_regclass('serve_holder') IS NOT NULL AS recorded
FROM pg_locks l
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = ${SERVE_LOCK_CLASS}::oid AND l.objid = ${SERVE_LOCK_KEY}::oid
  AND l.pid <> pg_backend_pid()
LIMIT 1`,
  }
}
