// Opening a workspace: resolve where it is (flag, LOYALS_DB, default file), open the right
// adapter, make sure the schema exists. The only place that chooses an engine.
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
} from 'node:fs'
import { DataError, QueryError, UsageError } from '../errors.ts'
import type { Engine } from './engine.ts'
import { processRuns } from './process-alive.ts'
import { createSchema } from './queries/create-schema.ts'
import { migrateWholeIds, WHOLE_IDS_META } from './queries/migrate-whole-ids.ts'
import { pgSchemaState } from './queries/pg-schema-state.ts'
import { pgServeHolder } from './queries/pg-serve-holder.ts'
import { pgServeHolderRow } from './queries/pg-serve-holder-row.ts'
import { pgServeHolderTable } from './queries/pg-serve-holder-table.ts'
import { pgServeHolderWrite, type ServeHolderRow } from './queries/pg-serve-holder-write.ts'
import { pgServeLock } from './queries/pg-serve-lock.ts'
import { storeTables } from './queries/store-tables.ts'
import { storeWorkspaceMarks } from './queries/store-workspace-marks.ts'

export const DEFAULT_DB = './loyals.duckdb'

/** True for a PostgreSQL connection string (`postgres://` or `postgresql://`). */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//.test(location)

/** What `loyals serve` writes next to a DuckDB workspace it holds: `<db>.serve.json`. */
export interface ServeLock {
  readonly pid: number
  readonly port: number
  readonly url: string
  readonly startedAt: string
  /** The server process's start (processStart, process-alive.ts): a later process given the same pid is not it. */
  readonly procStart?: string
}

export const serveLockPath = (db: string): string => `${db}.serve.json`

/**
 * The lock of a live server holding `db`, or null: none, unreadable, or a stale lock of a killed
 * server (its process is gone or a zombie not yet reaped, or its pid now names another process:
 * this one, restarted as pid 1 in a container, or any process started since).
 */
export function readServeLock(db: string): ServeLock | null {
  const path = serveLockPath(db)
  if (db === ':memory:' || !existsSync(path)) return null
  let lock: ServeLock
  try {
    lock = JSON.parse(readFileSync(path, 'utf8')) as ServeLock
  } catch {
    return null
  }
  if (!Number.isInteger(lock.pid) || lock.pid <= 0 || lock.pid === process.pid) return null
  // a stale lock from a killed server (alive: also another user's process)
  return processRuns(lock.pid, lock.procStart) ? lock : null
}

/**
 * A DuckDB file is locked by the process that opens it, so the CLI must not open a served
 * workspace. @throws UsageError naming the server and what to do.
 */
export function assertNotServed(db: string): void {
  const lock = readServeLock(db)
  if (lock) {
    throw new UsageError(
      `the workspace ${db} is served by loyals serve (pid ${lock.pid}) at ${lock.url}; ` +
        // the process is alive (readServeLock checked): deleting its lock would let a second
        // writer in, so that is not offered
        'use the API or stop the server',
      { db, pid: lock.pid, url: lock.url },
    )
  }
}

/** The server holding a PostgreSQL store: its row, or nulls while it starts. */
export interface PostgresServeHolder {
  readonly host: string | null
  readonly pid: number | null
  readonly port: number | null
  readonly url: string | null
  readonly started_at: string | null
}

// a server that holds the lock but has not written its row yet (it writes it once it listens)
const NO_HOLDER: PostgresServeHolder = {
  host: null,
  pid: null,
  port: null,
  url: null,
  started_at: null,
}

/** The server holding the PostgreSQL store `engine` is open on, or null when none serves it. */
export async function postgresServeHolder(engine: Engine): Promise<PostgresServeHolder | null> {
  const [lock] = await engine.query<{ backend_pid: number; recorded: boolean }>(
    pgServeHolder(engine.dialect),
  )
  if (!lock) return null
  const [row] = lock.recorded
    ? await engine.query<PostgresServeHolder & Record<string, unknown>>(
        pgServeHolderRow(engine.dialect, lock.backend_pid),
      )
    : []
  return row ?? NO_HOLDER
}

/** {@link postgresServeHolder} of the store at `url`, on a connection of its own. */
export async function postgresServeHolderAt(url: string): Promise<PostgresServeHolder | null> {
  const { openPostgres } = await import('./postgres.ts')
  const pg = await openPostgres(url)
  try {
    return await postgresServeHolder(pg)
  } finally {
    await pg.close()
  }
}

/**
 * Checks that the store's schema (the first of search_path that exists) is one Loyals can make
 * its tables in, or holds them already; PostgreSQL's own words for it ("no schema has been
 * selected to create in", "permission denied for schema public") name neither the URL nor a fix.
 * @throws UsageError for a search_path without an existing schema, or a schema without Loyals'
 *   tables the user may not create in.
 */
async function schemaToCreateIn(pg: Engine): Promise<void> {
  const [r] = await pg.query<{ schema: string | null; path: string; ready: boolean; may: boolean }>(
    pgSchemaState(pg.dialect),
  )
  if (!r || r.schema === null) {
    throw new UsageError(
      `no schema of the PostgreSQL URL's search_path (${r?.path ?? ''}) exists in its database, or the URL's user may not use one (no USAGE privilege): create it (CREATE SCHEMA name), or fix the URL's database or search_path`,
    )
  }
  if (!r.ready && !r.may) {
    throw new UsageError(
      `schema ${r.schema} holds no Loyals workspace and the URL's user may not create one in it (no CREATE privilege): grant it (GRANT CREATE ON SCHEMA ${r.schema} TO the user), or give the URL a search_path with a schema of the user's own`,
    )
  }
}

/**
 * Whether the PostgreSQL store at `url` (its database, and schema by search_path) holds a Loyals
 * workspace: a table only Loyals makes (customer_profile; an application's own database may have
 * an `orders`). Nothing is created: a mistyped URL must not fill another database's schema.
 */
export async function postgresWorkspaceAt(url: string): Promise<boolean> {
  const { openPostgres } = await import('./postgres.ts')
  const pg = await openPostgres(url)
  try {
    // in the schema the store writes to (the first of search_path), not anywhere on the path: a
    // workspace in public must not make s4 of `search_path=s4,public` look like one
    const [r] = await pg.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_name = 'customer_profile') AS ok`,
    )
    return r?.ok === true
  } finally {
    await pg.close()
  }
}

/**
 * The refusal for a PostgreSQL store held by a server, worded as {@link assertNotServed}'s: its
 * lock is PostgreSQL's and ends with the server's connection, so it is never stale.
 */
export function servedPostgresError(
  location: string,
  h: PostgresServeHolder,
  /** Refusing a CLI command rather than a second server: say how it reaches the server. */
  command = false,
): UsageError {
  const who =
    h.pid === null
      ? 'loyals serve (a server starting)'
      : `loyals serve (pid ${h.pid} on ${h.host}, since ${h.started_at}) at ${h.url}`
  const through = command
    ? ` (keys, refit, tick and import go through the server with --server ${h.url ?? 'URL'} --api-key KEY)`
    : ''
  return new UsageError(
    `the workspace ${location} is served by ${who}; use the API or stop the server${through}`,
    {
      db: location,
      pid: h.pid,
      host: h.host,
      url: h.url,
    },
  )
}

/** The hold of `loyals serve` on a PostgreSQL store, from {@link holdPostgresStore}. */
export interface PostgresServeHold {
  /** Record who holds it (once the server listens), for the refusals of others. */
  record(holder: ServeHolderRow): Promise<void>
  /**
   * Make sure the server still holds the store: after PostgreSQL restarted (or ended the lock's
   * session) the driver reconnects in a new session that holds nothing, and another server could
   * start. Takes the lock again (and records the holder again) when it is free; false when
   * another session took it meanwhile. Throws when PostgreSQL cannot be reached (ask again later).
   */
  keep(): Promise<boolean>
  /** Let go: ends the session, which releases the lock. */
  release(): Promise<void>
}

/**
 * Make this process the one server of the PostgreSQL store at `url`: two servers on one store go
 * out of step (each caches profiles and API keys, both send the webhooks), as on a DuckDB file,
 * which its lock file prevents. The lock is a session-level advisory lock on a connection of its
 * own, held while the server runs; PostgreSQL releases it when that session ends, however the
 * server ends.
 * @throws UsageError naming the server that holds the store; QueryError when it is unreachable.
 */
export async function holdPostgresStore(url: string): Promise<PostgresServeHold> {
  const { openPostgres } = await import('./postgres.ts')
  const pg = await openPostgres(url)
  try {
    const [row] = await pg.query<{ locked: boolean }>(pgServeLock(pg.dialect))
    if (!row?.locked) {
      const holder = await postgresServeHolder(pg)
      // let go between the try and the look (a server stopping): said as one starting
      throw servedPostgresError(pg.location, holder ?? NO_HOLDER)
    }
  } catch (e) {
    await pg.close()
    throw e
  }
  let recorded: ServeHolderRow | null = null
  const record = async (holder: ServeHolderRow) => {
    await pg.exec(pgServeHolderTable(pg.dialect))
    await pg.exec(pgServeHolderWrite(pg.dialect, holder))
    recorded = holder
  }
  return {
    record,
    keep: async () => {
      const [row] = await pg.query<{ held: boolean; locked: boolean }>(pgServeLock(pg.dialect))
      if (!row?.locked) return false
      // taken again in a new session: the holder row names the old one's backend
      if (!row.held && recorded) await record(recorded)
      return true
    },
    release: () => pg.close(),
  }
}

/**
 * The error for a workspace file that is not there (the default ./loyals.duckdb before any import,
 * or a mistyped --db), one message on every command.
 */
export function noWorkspace(path: string, takesFile = true): UsageError {
  // customer, refit, tick and keys take no orders file: naming one is no way out for them
  return new UsageError(
    takesFile
      ? `no workspace at ${path}: import orders first (loyals import FILE), pass --db, or name an orders file`
      : `no workspace at ${path}: import orders first (loyals import FILE), or pass --db`,
  )
}

/** Whether `path` is named as a workspace (`.duckdb`), whatever the file holds. */
export const workspaceName = (path: string): boolean => /\.duckdb$/i.test(path)

/** Whether `path` names a DuckDB workspace file that does not exist (a .duckdb name). */
export function missingWorkspace(path: string): boolean {
  return workspaceName(path) && !existsSync(path)
}

/**
 * A `.duckdb` path read as the source of a command must be a workspace: a file of that name holding
 * other bytes would otherwise be read as an orders file, with a message about its columns.
 * @throws UsageError for a file that holds no DuckDB database (an empty one is a new workspace).
 */
export function assertNamedWorkspace(path: string): void {
  if (!workspaceName(path) || !existsSync(path) || isDuckDbFile(path)) return
  // an empty file is a workspace not yet written: its commands say there is nothing in it
  if (statSync(path).isFile() && statSync(path).size === 0) return
  assertWorkspaceFile(path)
}

/** True when `path` is a DuckDB database file (`DUCK` at byte offset 8). */
export function isDuckDbFile(path: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return false
  }
  try {
    const buf = Buffer.alloc(12)
    const n = readSync(fd, buf, 0, 12, 0)
    return n === 12 && buf.toString('latin1', 8, 12) === 'DUCK'
  } catch {
    // a directory opens but does not read (EISDIR): not a workspace; the caller says what it is
    return false
  } finally {
    closeSync(fd)
  }
}

/**
 * A workspace path must be a DuckDB file or a new (or empty) file. DuckDB itself opens a CSV or
 * Parquet file as a read-only in-memory database with a view of it: `--db orders.csv` would take
 * an import, say it stored every row, and keep none of them.
 * @throws UsageError naming the file and what to pass instead.
 */
function assertWorkspaceFile(location: string): void {
  if (location === ':memory:' || !existsSync(location)) return
  if (statSync(location).isDirectory()) {
    throw new UsageError(`${location} is a directory, not a workspace file`, { db: location })
  }
  if (statSync(location).size === 0 || isDuckDbFile(location)) return
  throw new UsageError(
    `${location} is not a workspace (a DuckDB file): it holds other data, a CSV or Parquet file perhaps. ` +
      'Give --db a new or existing .duckdb file; an orders file goes to loyals import, or is the FILE argument of analyze, summary, fit or insights',
    { db: location },
  )
}

/** The tables a workspace holds, as createSchema makes them. */
const WORKSPACE_TABLES: ReadonlySet<string> = new Set(
  [...createSchema('duckdb').sql.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]!),
)

/**
 * A table a job writes (CREATE OR REPLACE TEMP TABLE) must not be named as a workspace table: a
 * temporary `orders` hides the stored one for the rest of the session, and every later job read it.
 * @throws UsageError naming the option.
 */
export function checkOutputTable(name: string, option: string): void {
  if (WORKSPACE_TABLES.has(name.toLowerCase())) {
    throw new UsageError(
      `${option} ${JSON.stringify(name)} is a workspace table: the job's table would hide it for the rest of the session; name another table`,
    )
  }
}

/**
 * A `.catch` for a step that reads the per-customer table `table`: called before any summary (or
 * with another name), the engine's "Table ... does not exist! Did you mean customers?" says
 * nothing of what to run first; `reads` starts the sentence that does ("buildRfm scores the
 * customer summary table"), `more` ends it.
 * @throws UsageError then; anything else as it came.
 */
export function whenSummaryMissing(reads: string, table: string, more = '') {
  return (e: unknown): never => {
    if (e instanceof QueryError && /does not exist/i.test(e.message)) {
      throw new UsageError(
        `${reads} ${table}, which does not exist: run buildCustomerSummary first${more}`,
      )
    }
    throw e
  }
}

/**
 * A DuckDB file (or a PostgreSQL URL's schema) with tables and without Loyals' import log and meta
 * table is another application's database, whatever its tables are named: Loyals' tables made in
 * it (by a read such as `summary --db` too) would mix with its own. A store without tables is a
 * new workspace.
 * @throws UsageError naming the file (the URL and schema) and a few of its tables.
 */
async function refuseForeignDatabase(engine: Engine, location: string): Promise<void> {
  const rows = await engine.query<{ name: string }>(storeTables(engine.dialect))
  const names = rows.map((r) => String(r.name))
  if (names.length === 0) return
  // a table of a workspace's name is not enough: an application's own `orders` or `customers`
  // table was taken for one, and Loyals added its tables and columns beside (or failed on a
  // missing column of it with the engine's Binder Error)
  const [marks] = await engine.query<{ import_log: number; meta: number }>(
    storeWorkspaceMarks(engine.dialect),
  )
  if (Number(marks?.import_log) === 4 && Number(marks?.meta) === 2) return
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '')
  const named = names.filter((n) => WORKSPACE_TABLES.has(n))
  const why =
    named.length > 0
      ? `it holds tables named as a workspace's (${named.slice(0, 5).join(', ')}) but not Loyals' import log, so they are another application's: ${shown}`
      : `it holds other tables: ${shown}`
  if (engine.dialect === 'postgres') {
    const [r] = await engine.query<{ schema: string }>(pgSchemaState(engine.dialect))
    throw new UsageError(
      `${location} is a PostgreSQL database whose schema ${r?.schema ?? ''} is not a Loyals workspace (${why}); nothing was changed in it. Give --db a database of its own, a schema of its own (?search_path=NAME in the URL), or a workspace`,
      { db: location },
    )
  }
  throw new UsageError(
    `${location} is a DuckDB database but not a Loyals workspace (${why}); nothing was changed in it. Give --db a new file or a workspace`,
    { db: location },
  )
}

/**
 * Open the workspace at `location` (a DuckDB path, ':memory:', or a `postgres://` URL) and
 * ensure its schema.
 * `serving`: the caller is `loyals serve` itself (skips the served-workspace check).
 * `reading`: the caller only reads (a PostgreSQL store may be read while served; a DuckDB file not).
 * @throws UsageError when the DuckDB file is locked or served, the PostgreSQL store served to a writer, or the file is no DuckDB file; QueryError when PostgreSQL is
 *   unreachable.
 */
/**
 * A path (or connection string) given from JavaScript as anything but a non-empty string is a
 * UsageError naming the call, not a TypeError from deep inside.
 */
export function requirePath(value: unknown, call: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(
      `${call} needs a path: a file, a workspace (.duckdb), ':memory:' or a postgres:// URL (got ${value === '' ? 'an empty string' : typeof value})`,
    )
  }
}

export async function openWorkspace(
  location: string,
  options: { readonly serving?: boolean; readonly reading?: boolean } = {},
): Promise<Engine> {
  requirePath(location, 'openWorkspace')
  if (isPostgresUrl(location)) {
    // adapters load on first use: importing this module (e.g. for DEFAULT_DB) stays cheap
    const { openPostgres } = await import('./postgres.ts')
    const pg = await openPostgres(location)
    try {
      await schemaToCreateIn(pg)
      await pg.transaction(async (tx) => {
        // two processes creating the schema at once would race on IF NOT EXISTS
        await tx.exec('SELECT pg_advisory_xact_lock(7365201)')
        // after the lock: a store another process is making is seen whole, or not at all
        await refuseForeignDatabase(tx, pg.location)
        await tx.exec(createSchema(tx.dialect))
        await migrateOnce(tx)
      })
      // the server caches keys and profiles and sends the webhooks: a write beside it (a key
      // revoked, a refit, a tick) is not seen by it, or is done twice. Reading is harmless.
      if (!options.serving && !options.reading) {
        const holder = await postgresServeHolder(pg)
        if (holder) throw servedPostgresError(pg.location, holder, true)
      }
    } catch (e) {
      await pg.close()
      throw e
    }
    return pg
  }
  assertWorkspaceFile(location)
  if (!options.serving) assertNotServed(location)
  // an empty file (made by `mktemp --suffix .duckdb` or `touch`) is a new workspace, which DuckDB
  // will not create over it ("not a valid DuckDB database file")
  if (location !== ':memory:' && existsSync(location) && statSync(location).size === 0) {
    unlinkSync(location)
  }
  const { openDuckDb } = await import('./duckdb.ts')
  const engine = await openDuckDb(location).catch((e: unknown) => {
    throw damagedWorkspace(location, e) ?? e
  })
  try {
    if (location !== ':memory:') await refuseForeignDatabase(engine, location)
    await engine.exec(createSchema(engine.dialect))
    // a store in memory (every analyze or summary of a file) holds nothing from before
    if (location !== ':memory:') await engine.transaction((tx) => migrateOnce(tx))
  } catch (e) {
    // closed, so that the file is not left open in this process with no engine to close it
    await engine.close()
    throw damagedWorkspace(location, e) ?? e
  }
  return engine
}

/**
 * A DuckDB file the engine cannot read through (cut short by an interrupted copy or a full disk,
 * or damaged), said as such: the engine's "IO Error: Could not read enough bytes from file ...
 * attempted to read 262144 bytes from location 1847296" reached the user as it was. Null for
 * any other error.
 */
function damagedWorkspace(location: string, e: unknown): DataError | null {
  const text = e instanceof Error ? e.message : String(e)
  if (!/Could not read enough bytes|Corrupt|checksum|Serialization Error/i.test(text)) return null
  return new DataError(
    `${location} is a damaged workspace: the DuckDB file cannot be read through (cut short by an interrupted copy or a full disk, perhaps). Restore it from a backup, or import the data into a new workspace (--db NEW.duckdb)`,
    { db: location },
  )
}

/** The data migrations a workspace has not had yet (each once, recorded in `meta`). */
async function migrateOnce(tx: Engine): Promise<void> {
  const [done] = await tx.query({
    sql: 'SELECT value FROM meta WHERE key = $1',
    params: [WHOLE_IDS_META],
  })
  if (!done) await tx.exec(migrateWholeIds(tx.dialect))
}
