// `loyals serve`: open the workspace, start the HTTP server, write the lock file the CLI checks
// (<db>.serve.json with pid, port, url; on PostgreSQL an advisory lock and a serve_holder row), run
// the webhook dispatcher, the scheduler tick (time-based playbook triggers) and the scheduled
// refit, and shut down cleanly (finish in-flight transactions, close the store, remove the lock).

import { rm, writeFile } from 'node:fs/promises'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { serve } from '@hono/node-server'
import { shellArg } from '../core/words.ts'
import type { Engine } from '../data/engine.ts'
import { processStart } from '../data/process-alive.ts'
import { apiActiveKeyCount } from '../data/queries/api-active-key-count.ts'
import { jobsInterrupted } from '../data/queries/api-jobs-interrupted.ts'
import { refitDue } from '../data/queries/api-refit-due.ts'
import { lastOrderDate } from '../data/queries/last-order-date.ts'
import {
  assertNotServed,
  holdPostgresStore,
  isPostgresUrl,
  openWorkspace,
  type PostgresServeHold,
  serveLockPath,
} from '../data/workspace.ts'
import { UsageError } from '../errors.ts'
import { Dispatcher, type Fetch } from '../service/ops/dispatch.ts'
import { Ingestor } from '../service/ops/ingest.ts'
import { JobRunner } from '../service/ops/jobs.ts'
import { priceInOrdersCurrency } from '../service/ops/priced-config.ts'
import { repeatEvery } from '../service/ops/repeat.ts'
import { Scheduler } from '../service/ops/scheduler.ts'
import { OpsStore } from '../service/ops/store.ts'
import { sqlTs } from '../service/ops/time.ts'
import { loadOpsConfig, loadValueConfig } from '../service/value-config.ts'
import { createApp } from './app.ts'
import { KeyCache } from './auth.ts'
import { answerClientError } from './client-error.ts'

/** How long a stop lets the requests under way finish before it closes their connections. */
const STOP_GRACE_MS = 10_000

export interface ServerOptions {
  /** DuckDB path or postgres:// URL. */
  readonly db: string
  readonly port: number
  readonly host: string
  /** loyals.ops.json path; none = defaults (no playbooks). */
  readonly opsConfigPath?: string
  readonly valueConfigPath?: string
  /** Run the refit this often (ms); null = only on request. */
  readonly refitEveryMs?: number | null
  /** Run the scheduler tick (time-based triggers) at start and this often (ms); null = never. */
  readonly tickEveryMs?: number | null
  readonly version: string
  readonly fetch?: Fetch
  /** Signs every webhook delivery (the Loyals-Signature header); `loyals serve` reads LOYALS_WEBHOOK_SECRET. */
  readonly webhookSecret?: string | null
  /**
   * Called when a PostgreSQL store's hold was lost to another server (after PostgreSQL ended the
   * lock's session); the server has begun to stop. Default: nothing more.
   */
  readonly onHoldLost?: (message: string) => void
}

/** How often a server checks that it still holds its PostgreSQL store. */
const HOLD_CHECK_MS = 2000

/** Days the newest order may lie before the clock before `loyals serve` says so at start. */
const STALE_ORDER_DAYS = 90

/**
 * A note when the newest order is more than {@link STALE_ORDER_DAYS} days before the server's
 * clock, else null. The server scores as of its clock (no --as-of), so a workspace of old or demo
 * data reads as everyone lapsed, in silence until now (QA: data ending 2025-12-31 served in
 * December 2026, a customer who ordered 4 days before the data's end "lapsed, no order in 49
 * weeks").
 */
export async function staleOrdersNote(store: OpsStore): Promise<string | null> {
  const [row] = await store.use((e) => e.query<{ d: string | null }>(lastOrderDate(e.dialect)))
  if (!row?.d) return null
  const today = new Date(store.now()).toISOString().slice(0, 10)
  const days = Math.round((Date.parse(today) - Date.parse(row.d)) / 86_400_000)
  if (days <= STALE_ORDER_DAYS) return null
  return `the newest order is from ${row.d}, ${days} days before the clock (${today}): the server scores as of its clock, so profiles, P(alive) and lapsed rules count those days as time without purchases. Import current orders, or look at the data as of its end with \`loyals analyze --as-of ${row.d}\``
}

/**
 * What a server that just started cannot do yet, for its start-up output: a workspace made by this
 * start (`existed` false: a mistyped --db serves an empty one), and no API key, with which every
 * request is refused (401). Empty when neither. The workspace is named by its location, which
 * never shows a PostgreSQL password.
 */
export async function startNotes(store: OpsStore, existed: boolean): Promise<string[]> {
  const db = store.engine.location
  const notes: string[] = []
  if (!existed) {
    notes.push(
      `there was no workspace at ${db}: a new, empty one was made. If you meant another, stop the server and check --db`,
    )
  }
  const [keys] = await store.use((e) => e.query<{ n: number }>(apiActiveKeyCount(e.dialect)))
  if (Number(keys?.n ?? 0) === 0) {
    notes.push(
      `${db} holds no API key, so every request is refused (401). Stop the server, run \`loyals keys create --role admin --db ${shellArg(db)}\` (it prints the key once), and start it again`,
    )
  }
  return notes
}

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly store: OpsStore
  readonly scheduler: Scheduler
  close(): Promise<void>
}

/**
 * Start serving. Resolves once the port listens and the lock file is written.
 * @throws UsageError for bad configuration or a workspace already served; QueryError from the store.
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  // a problem in either file is told with its name (and line), as analyze tells it; the ops
  // file's tier names are checked against the value configuration's tiers
  const loaded = await loadValueConfig(o.valueConfigPath)
  const ops = await loadOpsConfig(o.opsConfigPath, loaded)
  const duck = !isPostgresUrl(o.db)
  if (duck) assertNotServed(o.db)
  const engine: Engine = await openWorkspace(o.db, { serving: true })
  // before anything is written (jobsInterrupted would end another server's refit)
  let pgHold: PostgresServeHold | null = null
  if (!duck) {
    try {
      pgHold = await holdPostgresStore(o.db)
    } catch (e) {
      await engine.close()
      throw e
    }
  }
  // only a currency the file names is the workspace's (currency): the default (USD) is a display
  // choice, and without one the store prices in the orders' currency
  const { value: priced, currency } = await priceInOrdersCurrency(engine, loaded)
  const store = new OpsStore(engine, { ops, value: priced, webhookSecret: o.webhookSecret ?? null })
  await store.loadModel()
  // jobs left running by a server that was killed: nothing will finish them now
  const interrupted = await store.use((e) =>
    e.query<{ kind: string }>(jobsInterrupted(e.dialect, { atTs: sqlTs(store.now()) })),
  )
  // a refit cut short re-scored some profiles with a model it never saved: the rest are the old
  // model's, and the stored boundaries contradict the new tiers until a refit runs whole
  const refitCut = interrupted.some((j) => j.kind === 'refit')
  if (refitCut) {
    console.error(
      'loyals serve: a refit was cut short when the server stopped (some profiles were re-scored by a model never saved); a new refit runs now',
    )
  }
  const ingestor = new Ingestor(store)
  const jobs = new JobRunner(store, {
    // the job record says why too, but an operator reads the log
    onFailed: (id, message) => console.error(`loyals serve: refit ${id} failed: ${message}`),
  })
  const dispatcher = new Dispatcher(store, o.fetch)
  ingestor.onQueued = () => dispatcher.kick()
  const scheduler = new Scheduler(store, () => dispatcher.kick())
  const app = createApp({
    store,
    ingestor,
    jobs,
    keys: new KeyCache(store),
    version: o.version,
    currency,
    // without a named currency, the orders' one (null for none or several)
    ordersCurrency: { code: currency === null ? priced.currency.code : null },
  })
  const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host }) as HttpServer
  server.on('clientError', answerClientError)
  // once stopping, each answer closes its connection: keep-alive clients under load otherwise
  // kept reusing theirs, and the server kept serving for as long as they sent
  let stopping = false
  server.on('request', (_req, res) => {
    if (stopping) res.setHeader('connection', 'close')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve())
    server.once('error', reject)
  }).catch(async (e) => {
    await engine.close()
    await pgHold?.release()
    throw new UsageError(
      `cannot listen on ${o.host}:${o.port}: ${e instanceof Error ? e.message : e}`,
    )
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`
  if (duck && o.db !== ':memory:') {
    const procStart = processStart(process.pid)
    const lockPath = serveLockPath(o.db)
    try {
      await writeFile(
        lockPath,
        `${JSON.stringify({
          pid: process.pid,
          port,
          url,
          startedAt: new Date().toISOString(),
          ...(procStart !== null ? { procStart } : {}),
        })}\n`,
      )
    } catch (e) {
      // a full disk or a directory this user may not write in: said as such (exit 2), not as a
      // bug, and without a server that other commands could not see
      // (force: a file never made is no error; a directory in its place is left as it is)
      await rm(lockPath, { force: true }).catch(() => {})
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await engine.close()
      throw new UsageError(
        `cannot write ${lockPath}, the lock that tells other commands the workspace is served: ${e instanceof Error ? e.message : String(e)}; the server writes it beside the workspace (free space there, or run as a user who may write in that directory)`,
        { db: o.db },
      )
    }
  }
  await pgHold?.record({
    host: hostname(),
    pid: process.pid,
    port,
    url,
    startedAt: new Date().toISOString(),
  })
  dispatcher.start()
  // files imported while no server ran (customers without a profile, or orders newer than the
  // last refit): score them now, in the background as any refit job, so that profiles, tiers and
  // audiences are current; the scheduler's first tick waits for it (a "no order for 30 days"
  // message to a customer whose order was imported yesterday would be wrong)
  // so are profiles scored with other tiers (a tier removed or renamed since): their tiers, the
  // boundaries and the tier lists are the old configuration's until re-scored
  const [due] = await store.use((e) => e.query<{ n: number }>(refitDue(e.dialect, store.now())))
  const refitted =
    Number(due?.n ?? 0) > 0 || store.tiersChanged || refitCut
      ? jobs
          .startRefit()
          .then(() => jobs.idle())
          .catch(() => {})
      : Promise.resolve()
  const tickEvery = o.tickEveryMs
  if (tickEvery && tickEvery > 0) {
    void refitted.then(() => {
      if (closing === null) scheduler.start(tickEvery)
    })
  }
  // PostgreSQL may end the lock's session (a restart, pg_terminate_backend) while the server runs:
  // take the lock again at once in the driver's new session, before a second server can; when
  // one already has it, stop, as two servers on one store go out of step
  const holdTimer = pgHold
    ? setInterval(() => {
        if (closing !== null) return
        pgHold.keep().then(
          (held) => {
            if (held || closing !== null) return
            void close()
            o.onHoldLost?.(
              `another loyals serve took the PostgreSQL store ${engine.location} while this server's hold on it was lost (PostgreSQL restarted or ended its session); stopping`,
            )
          },
          // PostgreSQL out of reach: nobody can take the lock meanwhile; ask again next time
          () => {},
        )
      }, HOLD_CHECK_MS)
    : null
  holdTimer?.unref()
  // (a month is longer than a Node timer can wait: repeatEvery waits it out in pieces)
  const refitTimer =
    o.refitEveryMs && o.refitEveryMs > 0
      ? repeatEvery(o.refitEveryMs, () => void jobs.startRefit().catch(() => {}))
      : null
  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      refitTimer?.stop()
      if (holdTimer) clearInterval(holdTimer)
      stopping = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      // a request that takes longer than this is cut off: a stop must end
      const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS)
      force.unref()
      await closed
      clearTimeout(force)
      await scheduler.stop()
      await dispatcher.stop()
      await jobs.idle().catch(() => {})
      await store.serial.run(async () => {})
      await engine.close()
      await pgHold?.release()
      if (duck && o.db !== ':memory:') await rm(serveLockPath(o.db), { force: true })
    })()
    return closing
  }
  return { url, port, store, scheduler, close }
}
