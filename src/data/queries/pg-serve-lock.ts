// The lock that lets one `loyals serve` hold a PostgreSQL store: a session-level advisory lock, so
// it ends with the server's connection (a stop, a crash, a kill) and can never be left stale.
// Advisory locks are per database; the key also names the schema, so that stores in other schemas
// of one database (search_path) are served apart.
import type { Dialect, Query } from '../engine.ts'

/** The lock's first key: any fixed number that no other user of advisory locks is likely to take. */
export const SERVE_LOCK_CLASS = 7365202

/** The lock's second key, a non-negative int4 (as pg_locks.objid shows it) from the schema. */
export const SERVE_LOCK_KEY =
  "(hashtext('loyals serve ' || coalesce(current_schema(), '')) & 2147483647)"

/**
 * One row: held, whether this session held the store already, and locked, whether it holds it now
 * (false: another session does). Asked again while serving, it takes the lock only when this
 * session lost it (a new session after PostgreSQL restarted), so the lock count never grows.
 */
export function pgServeLock(_dialect: Dialect): Query {
  return {
    sql: `SELECT held, CASE WHEN held THEN true
  ELSE pg_try_advisory_lock(${SERVE_LOCK_CLASS}, ${SERVE_LOCK_KEY}) END AS locked
FROM (SELECT EXISTS (
  SELECT 1 FROM pg_locks l
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.pid = pg_backend_pid()
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = ${SERVE_LOCK_CLASS}::oid AND l.objid = ${SERVE_LOCK_KEY}::oid
) AS held) h`,
  }
}
