// PostgreSQL adapter: the server store. One session, like DuckDB's one connection, so TEMP tables
// and "everything joins the open transaction" behave the same on both engines. Values become the
// same plain JS as duckdb.ts returns: int8/numeric -> number, DATE/TIMESTAMP -> the server's text.
import { connect } from 'node:net'
import postgres, { type Sql } from 'postgres'
import { QueryError, StoreUnreachableError, UsageError } from '../errors.ts'
import type { Engine, Query, Row } from './engine.ts'

// OIDs: int8, numeric; date, timestamp, timestamptz. The session runs with DateStyle ISO and
// TimeZone UTC, so PostgreSQL's text is exactly DuckDB's ('2024-01-02', '2024-01-02 03:04:05.12',
// '2024-01-02 03:04:05+00'); a JS Date would shift days and lose microseconds.
const PG_TYPES = {
  loyalsNumber: {
    to: 1700,
    from: [20, 1700],
    serialize: (x: unknown) => String(x),
    parse: (x: string) => Number(x),
  },
  loyalsDateText: {
    to: 1114,
    from: [1082, 1114, 1184],
    serialize: (x: unknown) => (x instanceof Date ? x.toISOString() : String(x)),
    parse: (x: string) => x,
  },
}

type PgSql = Sql<Record<string, never>>

function normalizeParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return []
  return params.map((p) => (p === undefined ? null : p))
}

/** Drop the password so a location can be printed and logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparsable url)'
  }
}

/** `host:port` of a connection string, for messages (never its password). */
function hostPort(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}`
  } catch {
    return redactUrl(url)
  }
}

const ENCODE_HINT =
  'percent-encode special characters in the user name, password and database name (@ as %40, : as %3A, / as %2F, # as %23, ? as %3F, % as %25)'

/**
 * Check a connection string once, before the driver reads it: its own errors ("Invalid URL",
 * "URI malformed") reached the user as internal bugs (exit 70). Never prints the password.
 * @returns the database name, percent-decoded (the driver decodes the user name, not it).
 * @throws UsageError saying what is wrong.
 */
export function checkPostgresUrl(url: string): { database: string } {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    // the host and port follow the last @ of the authority, whatever the password holds
    const authority = url.replace(/^[a-z]+:\/\//i, '').split(/[/?]/)[0] ?? ''
    const port = /:(\d+)$/.exec(authority.slice(authority.lastIndexOf('@') + 1))?.[1]
    if (port !== undefined && Number(port) > 65535) {
      throw new UsageError(`the PostgreSQL URL's port ${port} is out of range (1 to 65535)`)
    }
    throw new UsageError(`the PostgreSQL URL cannot be read as a URL: ${ENCODE_HINT}`)
  }
  if (u.hash !== '') {
    throw new UsageError(
      `the PostgreSQL URL holds a # (read as the start of a fragment, which cuts it short): ${ENCODE_HINT}`,
    )
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part)
    } catch {
      throw new UsageError(
        `the PostgreSQL URL's ${what} holds a % not followed by two hex digits: ${ENCODE_HINT}`,
      )
    }
  }
  decode(u.username, 'user name')
  decode(u.password, 'password')
  return { database: decode(u.pathname.slice(1), 'database name') }
}

// SSLRequest: length 8, code 80877103. A PostgreSQL server answers it with one byte, S or N.
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])

/**
 * Ask `url`'s host:port whether it speaks PostgreSQL, before the driver does: the driver retries a
 * connection closed during its start-up at once and forever (postgres 3.4.9, connection.js
 * closed()), leaking a socket each time. A port that refuses, or a host not found, passes: the
 * driver says so in its own words. So does a URL with no single TCP host (a socket directory).
 * @throws Error saying what answered instead, or that nothing did within `seconds`.
 */
/** No answer within the connect timeout: a host or port gone quiet, as good as away. */
class SilentPort extends Error {}

/**
 * The error of a first connection that failed: nobody listening or answering is a store that
 * cannot be reached (a command said "query failed: connect ECONNREFUSED" and exit 1); a port that
 * answers as something else, or a login refused, is a QueryError of its own words.
 */
function connectFailure(location: string, e: unknown): QueryError | UsageError {
  const login = loginProblem(location, e)
  if (login) return login
  const away = connectionProblem(e) ?? (e instanceof SilentPort ? e.message : null)
  if (away === null) return new QueryError(`connect ${location}`, e)
  return new StoreUnreachableError(`connect ${location}`, `PostgreSQL at ${location}: ${away}`)
}

async function probePostgres(url: string, seconds: number): Promise<void> {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return
  }
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (host === '' || host.includes(',') || u.searchParams.has('host')) return
  const where = `${u.hostname}:${u.port || '5432'}`
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port: Number(u.port || 5432) })
    const done = (err: Error | null) => {
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve()
    }
    const timer = setTimeout(
      () => done(new SilentPort(`no PostgreSQL server answered at ${where} within ${seconds} s`)),
      seconds * 1000,
    )
    socket.once('connect', () => socket.write(SSL_REQUEST))
    socket.once('data', (d: Buffer) => {
      if (d.length === 1 && (d[0] === 0x53 || d[0] === 0x4e)) return done(null)
      // its first line, e.g. an HTTP server's "HTTP/1.1 400 Bad Request"
      const line = d.toString('latin1', 0, 80).split(/\r?\n/)[0] ?? ''
      const said = line.replace(/[^\x20-\x7e]+/g, ' ').trim()
      done(new Error(`${where} is not a PostgreSQL server: it answered ${JSON.stringify(said)}`))
    })
    socket.once('end', () =>
      done(new Error(`${where} is not a PostgreSQL server: it closed the connection unanswered`)),
    )
    // refused, unreachable, unknown host: the driver's own error says it
    socket.once('error', () => done(null))
  })
}

/** The driver's and the server's words for a connection refused, lost or shut down. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
  '57P01',
  '57P02',
  '57P03',
])

/** The message of a connection failure, or null for any other error (a statement's own). */
function connectionProblem(e: unknown): string | null {
  const c = e instanceof QueryError ? e.cause : e
  const code = (c as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !CONNECTION_CODES.has(code)) return null
  return c instanceof Error && c.message ? c.message : code
}

/**
 * A URL the server turns away at login: its database or user does not exist, or the password is
 * wrong (PostgreSQL's codes 3D000, 28000, 28P01). A usage error that says what to fix in the URL,
 * as a URL that cannot be read is; it read "query failed: database "nosuch" does not exist", exit 1.
 */
function loginProblem(location: string, e: unknown): UsageError | null {
  const c = e instanceof QueryError ? e.cause : e
  const code = (c as { code?: unknown } | null)?.code
  const said = c instanceof Error ? c.message : ''
  const fix =
    code === '3D000'
      ? 'create the database (createdb NAME), or fix the database name in the URL'
      : code === '28000' || code === '28P01'
        ? "fix the URL's user name or password (or the server's pg_hba.conf)"
        : null
  return fix ? new UsageError(`PostgreSQL at ${location} refused the login: ${said}: ${fix}`) : null
}

/**
 * After the server could not be reached, statements fail at once for this long instead of each
 * waiting on the driver's reconnection: a request waited 30-50 s for a 500 while PostgreSQL was
 * down, queued behind the others. One statement a second tries the connection again.
 */
const RETRY_MS = 1000

/**
 * A transaction's connection, lost or not. The driver (postgres 3.4.9) pins a transaction to its
 * connection; once that connection has closed, anything written on it (our next statement, or the
 * ROLLBACK or COMMIT the driver sends when the transaction's function settles) throws an uncaught
 * TypeError from a timer (connection.js nextWrite: `socket` is null) and the process ends. So a
 * lost transaction writes nothing more: its statements fail before they are sent, and its
 * function is never settled (the driver has already rejected the transaction itself).
 */
interface TxState {
  lost: boolean
}

/** How long a transaction whose statement failed on its connection waits to learn the connection closed. */
const LOST_WAIT_MS = 10_000

class PostgresEngine implements Engine {
  readonly dialect = 'postgres' as const
  readonly location: string
  #sql: PgSql
  /** A transaction's engine: the state of its connection; null for the root engine. */
  #tx: TxState | null
  #down: { atMs: number; reason: string } | null = null
  // While a transaction is open on the root engine, its statements run inside it (DuckDB
  // semantics; also avoids a deadlock on the single connection).
  #active: PostgresEngine | null = null

  constructor(location: string, sql: PgSql, tx: TxState | null) {
    this.location = location
    this.#sql = sql
    this.#tx = tx
  }

  unreachable(): string | null {
    return this.#down?.reason ?? null
  }

  /** Fail at once while the server was found unreachable less than RETRY_MS ago. */
  #gate(sql: string): void {
    if (this.#tx?.lost) {
      throw new StoreUnreachableError(
        sql,
        `PostgreSQL at ${this.location}: the transaction's connection was closed`,
      )
    }
    const down = this.#down
    if (down && Date.now() - down.atMs < RETRY_MS) throw new StoreUnreachableError(sql, down.reason)
  }

  /** The error a failed statement throws; a connection failure marks the store unreachable. */
  #failed(sql: string, e: unknown): QueryError | UsageError {
    const login = loginProblem(this.location, e)
    if (login) return login
    const problem = connectionProblem(e)
    if (problem === null) return e instanceof QueryError ? e : new QueryError(sql, e)
    if (this.#tx) this.#tx.lost = true
    const reason = `PostgreSQL at ${this.location}: ${problem}`
    this.#down = { atMs: Date.now(), reason }
    return new StoreUnreachableError(sql, reason)
  }

  async query<T extends Row = Row>(q: Query | string): Promise<T[]> {
    if (this.#active) return this.#active.query<T>(q)
    const { sql, params } = typeof q === 'string' ? { sql: q, params: undefined } : q
    this.#gate(sql)
    try {
      const res = await this.#sql.unsafe(sql, normalizeParams(params) as never[])
      this.#down = null
      // several statements in one string (simple protocol) give one result per statement
      const last = res.length > 0 && Array.isArray(res[0]) ? (res.at(-1) as unknown as Row[]) : res
      return Array.from(last) as T[]
    } catch (e) {
      throw this.#failed(sql, e)
    }
  }

  async exec(q: Query | string): Promise<void> {
    if (this.#active) return this.#active.exec(q)
    const { sql, params } = typeof q === 'string' ? { sql: q, params: undefined } : q
    this.#gate(sql)
    try {
      await this.#sql.unsafe(sql, normalizeParams(params) as never[])
      this.#down = null
    } catch (e) {
      throw this.#failed(sql, e)
    }
  }

  async transaction<T>(fn: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.#tx) return fn(this)
    if (this.#active) return fn(this.#active)
    this.#gate('BEGIN ... COMMIT')
    let failed: { error: unknown } | null = null
    const state: TxState = { lost: false }
    try {
      const begun = this.#sql.begin(async (txSql) => {
        const tx = new PostgresEngine(this.location, txSql as unknown as PgSql, state)
        this.#active = tx
        let out: T
        try {
          out = await fn(tx)
        } catch (e) {
          failed = { error: e }
          if (state.lost || connectionProblem(e) !== null) return heldWhileLost<T>(state, e)
          throw e
        }
        // the connection closed after the last statement: no COMMIT on it
        if (state.lost) return heldWhileLost<T>(state)
        return out
      })
      // the driver rejects the transaction as soon as its connection closes (before the function
      // settles): from then on nothing may be written on that connection
      begun.catch(() => {
        state.lost = true
      })
      const out = (await begun) as T
      this.#down = null
      return out
    } catch (e) {
      // the caller's own error passes through unchanged (unless the connection was lost under
      // it: then the store is unreachable); a failed BEGIN/COMMIT is wrapped
      if (failed) {
        const own = (failed as { error: unknown }).error
        if (connectionProblem(own) === null) throw own
        throw this.#failed('BEGIN ... COMMIT', own)
      }
      throw this.#failed('BEGIN ... COMMIT', e)
    } finally {
      this.#active = null
    }
  }

  /** The driver handle, for adapter-specific bulk paths (COPY FROM STDIN). */
  get sql(): PgSql {
    return this.#active ? this.#active.sql : this.#sql
  }

  async close(): Promise<void> {
    // a transaction's engine is borrowed: its owner closes the connection
    if (this.#tx) return
    await this.#sql.end({ timeout: 5 })
  }
}

export type { PostgresEngine }

export interface PostgresOptions {
  /** Seconds to wait for the server when connecting (default 10). */
  readonly connectTimeout?: number
}

/**
 * Connect to a PostgreSQL database (`postgres://user:pass@host:port/db`) and check it answers.
 * One connection (a session): TEMP tables live as long as the engine, as with DuckDB.
 * @example const pg = await openPostgres('postgres://loyals@127.0.0.1:5432/loyals')
 * @throws UsageError for a URL that cannot be read ({@link checkPostgresUrl}); QueryError (sql
 *   `connect <url without password>`) when the server cannot be reached or
 *   does not answer as PostgreSQL within the connect timeout.
 */
export async function openPostgres(
  url: string,
  opts: PostgresOptions = {},
): Promise<PostgresEngine> {
  const { database } = checkPostgresUrl(url)
  const location = redactUrl(url)
  const sql = postgres(url, {
    // the driver takes the path as it is written: /odd%20db named a database "odd%20db"
    ...(database !== '' ? { database } : {}),
    max: 1,
    connect_timeout: opts.connectTimeout ?? 10,
    // reconnect within a second once the server is back (the driver's default waits up to 20 s
    // between tries, so a restarted PostgreSQL stayed "down" for the service 8-12 s)
    backoff: (tries: number) => Math.min(0.05 * 2 ** tries, 1),
    idle_timeout: 0,
    onnotice: () => {},
    prepare: false,
    types: PG_TYPES,
    connection: { application_name: 'loyals', TimeZone: 'UTC', DateStyle: 'ISO, YMD' },
  }) as unknown as PgSql
  const seconds = opts.connectTimeout ?? 10
  try {
    await probePostgres(url, seconds)
  } catch (e) {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw connectFailure(location, e)
  }
  let timer: NodeJS.Timeout | undefined
  // the driver's connect_timeout covers the TCP connect only: a port that accepts and then closes
  // (an HTTP server, a proxy with no backend) had it reconnect forever, and the command hang
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `no PostgreSQL server answered at ${hostPort(url)} within ${seconds} s (the connection was closed or stayed silent): is that a PostgreSQL port?`,
        ),
      )
    }, seconds * 1000)
  })
  try {
    await Promise.race([sql.unsafe('SELECT 1'), gaveUp])
  } catch (e) {
    // not awaited past a second: ending a client stuck reconnecting can itself wait
    await Promise.race([
      sql.end({ timeout: 0 }).catch(() => {}),
      new Promise((r) => setTimeout(r, 1000).unref()),
    ])
    throw connectFailure(location, e)
  } finally {
    clearTimeout(timer)
  }
  return new PostgresEngine(location, sql, null)
}

/**
 * What a transaction's function returns once its connection is lost (TxState): a promise never
 * settled, so that the driver writes neither ROLLBACK nor COMMIT on the closed connection. Nothing
 * was committed: the server rolled the transaction back when its session ended. `error`: the
 * connection error a statement failed with while the transaction was not yet known lost; if the
 * driver has not rejected the transaction within LOST_WAIT_MS, the connection is alive after all
 * and the error is passed on as any other (the driver then rolls back).
 */
function heldWhileLost<T>(state: TxState, error?: unknown): Promise<T> {
  return new Promise<T>((_, reject) => {
    if (state.lost) return
    setTimeout(() => {
      if (!state.lost) reject(error)
    }, LOST_WAIT_MS).unref()
  })
}
