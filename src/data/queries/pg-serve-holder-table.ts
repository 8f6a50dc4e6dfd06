// Who serves a PostgreSQL store (`loyals serve`), for the message that refuses a second server or
// a CLI write: the advisory lock (pg-serve-lock.ts) says whether one serves, this row says which.
import type { Dialect, Query } from '../engine.ts'

/**
 * Create the table of the server holding the store (PostgreSQL only; one row, its session's). Made
 * by the server once it holds the lock, not with the workspace schema: a store never served has
 * the same tables on both engines.
 */
export function pgServeHolderTable(_dialect: Dialect): Query {
  return {
    sql: `CREATE TABLE IF NOT EXISTS serve_holder (
  backend_pid INTEGER PRIMARY KEY,  -- pg_backend_pid() of the session holding the lock
  host        VARCHAR NOT NULL,
  pid         INTEGER NOT NULL,
  port        INTEGER NOT NULL,
  url         VARCHAR NOT NULL,
  started_at  VARCHAR NOT NULL
)`,
  }
}
