// The CLI as a client of a running `loyals serve`: a DuckDB file is locked by the server that holds
// it, so commands with an API equivalent talk to that server (found in the workspace's lock file,
// or given with --server) with an API key, and the others say what to do. HTTP errors become the
// CLI's typed errors, so exit codes stay those of a local run.
import { hostname } from 'node:os'
import type { Command } from 'commander'
import { env } from '../config.ts'
import { isPostgresUrl, postgresServeHolderAt, readServeLock } from '../data/workspace.ts'
import { LoyalsError, UsageError } from '../errors.ts'
import { resolveDb } from './common.ts'

export interface RemoteOptions {
  db?: string
  server?: string
  apiKey?: string
}

/** Add `--server URL` and `--api-key KEY` (defaults: $LOYALS_SERVER, $LOYALS_API_KEY). */
export function withServer(cmd: Command): Command {
  return cmd
    .option(
      '--server <url>',
      'talk to this loyals serve instead of opening the workspace (default: $LOYALS_SERVER unless --db is given, or the server holding --db)',
    )
    .option('--api-key <key>', 'API key for the server (default: $LOYALS_API_KEY)')
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown }
}

/**
 * How long one request may wait for the server's answer: a server that stopped answering (paused,
 * frozen, a dead peer behind a proxy) would hold the command forever. An import's commit applies
 * the whole file in one transaction and may take minutes; other calls answer at once.
 */
const ANSWER_WAIT_MS = 120_000
const COMMIT_WAIT_MS = 900_000

/** A running server and the key to call it with. */
export class RemoteServer {
  readonly url: string
  readonly #key: string
  readonly #waitMs: number | undefined

  constructor(url: string, key: string, opts: { waitMs?: number } = {}) {
    this.url = url.replace(/\/+$/, '')
    this.#key = key
    this.#waitMs = opts.waitMs
  }

  /**
   * Call the API and return the JSON answer.
   * @throws UsageError for 400, 401, 403 and an unreachable server (exit 2); LoyalsError with
   *   the server's error code otherwise (exit 1).
   */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response
    let text: string
    const waitMs = this.#waitMs ?? (/\/commit$/.test(path) ? COMMIT_WAIT_MS : ANSWER_WAIT_MS)
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(waitMs),
      })
      // a server killed while it answers drops the connection here ("other side closed")
      text = await res.text()
    } catch (e) {
      const timedOut = e instanceof Error && e.name === 'TimeoutError'
      const cause = timedOut
        ? `no answer within ${waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`} (is it frozen or overloaded?)`
        : e instanceof Error
          ? e.cause instanceof Error
            ? e.cause.message
            : e.message
          : e
      throw new UsageError(`cannot reach loyals serve at ${this.url}: ${cause}`, {
        url: this.url,
        unreachable: true,
      })
    }
    let json: unknown = null
    let parsed = text !== ''
    try {
      json = text === '' ? null : JSON.parse(text)
    } catch {
      json = null
      parsed = false
    }
    // every answer of loyals serve is JSON (204 alone has no body): another service at the URL
    // (a wrong port) answered "ok", read as null: a crash on its fields, or a tick's `{}` and
    // exit 0, a success that never was
    if (res.ok && (parsed || res.status === 204)) return json as T
    // only a success can be told apart so: a 502 or 504 page of a proxy in front of the right
    // server is the server's failure (a commit cut off by it may be stored: forward-import.ts)
    if (!parsed && res.ok) {
      const shown = text.trim().slice(0, 60).replace(/\s+/g, ' ')
      throw new UsageError(
        `the server at ${this.url} answered HTTP ${res.status} with ${shown === '' ? 'nothing' : `'${shown}'`}, not an answer of loyals serve: is --server the URL that \`loyals serve\` printed?`,
        { status: res.status, url: this.url },
      )
    }
    const err = (json as ErrorBody | null)?.error
    const message = err?.message ?? `the server at ${this.url} answered HTTP ${res.status}`
    const details = { status: res.status, url: this.url, details: err?.details ?? null }
    if (res.status === 400) {
      const issues = Array.isArray(err?.details)
        ? (err.details as { path?: string; reason?: string }[])
            .map((d) => `\n  ${d.path ? `${d.path}: ` : ''}${d.reason ?? ''}`)
            .join('')
        : ''
      throw new UsageError(`${message}${issues}`, details)
    }
    if (res.status === 401 || res.status === 403) {
      throw new UsageError(`the server at ${this.url} refused the request: ${message}`, details)
    }
    throw new LoyalsError(err?.code ?? 'server_error', message, details)
  }
}

/**
 * The server a command should talk to, or null to open the workspace itself:
 * `--server` (or $LOYALS_SERVER unless --db is given) when given; else the server holding the DuckDB workspace, found in
 * its lock file, when an API key is at hand; else, with a key, the server holding a PostgreSQL
 * store when it runs on this host (its URL is one from here; opening the store refuses others).
 * @throws UsageError when a server is to be used and no key is given, naming the flag to pass.
 */
export async function remoteFor(opts: RemoteOptions): Promise<RemoteServer | null> {
  const key = opts.apiKey ?? env().LOYALS_API_KEY
  // a --db on the command line names the store to use: $LOYALS_SERVER, a default, does not
  // send its rows to another one
  const explicit = opts.server ?? (opts.db === undefined ? env().LOYALS_SERVER : undefined)
  if (explicit !== undefined) {
    if (!/^https?:\/\//.test(explicit)) {
      // named as the user gave it: the flag, or the variable that stood in for it
      const from = opts.server !== undefined ? '--server' : 'LOYALS_SERVER'
      throw new UsageError(`${from} must be an http(s) URL, got ${JSON.stringify(explicit)}`)
    }
    if (key === undefined) {
      throw new UsageError(
        `talking to ${explicit} needs an API key: pass --api-key KEY or set LOYALS_API_KEY`,
      )
    }
    return new RemoteServer(explicit, key)
  }
  const db = resolveDb(opts)
  if (isPostgresUrl(db)) {
    // without a key, opening the store refuses a served one with the message that says so
    if (key === undefined) return null
    const holder = await postgresServeHolderAt(db)
    const here = holder?.url && holder.host === hostname()
    return here ? new RemoteServer(holder.url as string, key) : null
  }
  const lock = readServeLock(db)
  if (lock === null) return null
  if (key === undefined) {
    throw new UsageError(
      `the workspace ${db} is served by loyals serve (pid ${lock.pid}) at ${lock.url}; ` +
        'use the API or stop the server (this command goes through the server with --api-key KEY ' +
        'or LOYALS_API_KEY)',
      { db, pid: lock.pid, url: lock.url },
    )
  }
  return new RemoteServer(lock.url, key)
}
