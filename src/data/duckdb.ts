// DuckDB adapter: the embedded default store. Values are converted to plain JS here, once:
// BIGINT/HUGEINT -> number (counts and ids that fit), DECIMAL -> number, DATE/TIMESTAMP -> ISO string.
// Memory is capped at open (DuckDB's default is 80 % of RAM): 10M-order imports then spill to a
// temp directory instead of growing the process past a few GB.
import { AsyncLocalStorage } from 'node:async_hooks'
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { tmpdir, totalmem } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import {
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBType,
} from '@duckdb/node-api'
import { env } from '../config.ts'
import { QueryError, UsageError } from '../errors.ts'
import type { Engine, Query, Row, TransactionOptions } from './engine.ts'
import { processRuns, processStart } from './process-alive.ts'
import { rebuildIndexes } from './queries/rebuild-indexes.ts'
import { Serial } from './serial.ts'

function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v
  if (Array.isArray(v)) return v.map(toPlain)
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    // getRowObjectsJson already renders dates/decimals; objects left here are structs/maps.
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) out[k] = toPlain(x)
    return out
  }
  return v
}

function normalizeParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params || params.length === 0) return undefined
  return params.map((p) => (p === undefined ? null : p))
}

// The driver binds whole numbers as BIGINT: one beyond 2^53 (say -1e300) must go as the DOUBLE it is.
const unsafeWhole = (p: unknown): boolean =>
  typeof p === 'number' && Number.isInteger(p) && !Number.isSafeInteger(p)

function paramTypes(
  params: readonly unknown[] | undefined,
): (DuckDBType | undefined)[] | undefined {
  if (!params?.some(unsafeWhole)) return undefined
  return params.map((p) => (unsafeWhole(p) ? DOUBLE : undefined))
}

/** The process's CPU time before a statement, read only when tracing (a system call per query). */
function traceStart(): NodeJS.CpuUsage | null {
  return env().LOYALS_TRACE === undefined ? null : process.cpuUsage()
}

/**
 * With LOYALS_TRACE=MS, a statement slower than MS is logged to stderr with its wall time and the
 * process's CPU time over it (profiling: CPU well under twice the wall time on two cores means a
 * step that leaves a core idle).
 */
function trace(sql: string, t0: number, cpu0: NodeJS.CpuUsage | null): void {
  const min = env().LOYALS_TRACE
  if (min === undefined || cpu0 === null) return
  const ms = performance.now() - t0
  if (ms < min) return
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const text = sql.replace(/\s+/g, ' ').trim().slice(0, 130)
  process.stderr.write(
    `trace ${ms.toFixed(0).padStart(6)} ms cpu ${cpuMs.toFixed(0).padStart(6)} ms  ${text}\n`,
  )
}

/** The engine whose connection the current async context holds (DuckDbEngine.hold). */
const HOLDER = new AsyncLocalStorage<DuckDbEngine>()

/** Prepared statements kept per connection (the server's queries are a few dozen texts). */
const PREPARED_CACHE = 64

class DuckDbEngine implements Engine {
  readonly dialect = 'duckdb' as const
  readonly location: string
  #conn: DuckDBConnection
  // A parameterized statement is parsed and planned twice per run by the driver (extract, then
  // prepare); kept prepared, a repeated one (the serve hot path) skips both: ~3 ms of 9 ms for a
  // 64-row insert. Least recently used first out.
  #prepared = new Map<string, DuckDBPreparedStatement>()
  #instance: DuckDBInstance | null
  #inTx = false
  /** close() has run: a later call is a usage error, not the driver's "connection disconnected". */
  #closed = false
  #gate = new Serial()
  readonly #inflight = new Set<Promise<unknown>>()
  #tempDir: string | null
  /** The file's key in OPEN_FILES, released on close. */
  #fileKey: string | null

  constructor(
    location: string,
    conn: DuckDBConnection,
    instance: DuckDBInstance | null,
    tempDir: string | null = null,
    fileKey: string | null = null,
  ) {
    this.location = location
    this.#conn = conn
    this.#instance = instance
    this.#tempDir = tempDir
    this.#fileKey = fileKey
  }

  /** The statement `sql` (one, with parameters) prepared once and kept. */
  async #statement(sql: string): Promise<DuckDBPreparedStatement> {
    const hit = this.#prepared.get(sql)
    if (hit) {
      this.#prepared.delete(sql)
      this.#prepared.set(sql, hit)
      return hit
    }
    const st = await this.#conn.prepare(sql)
    this.#prepared.set(sql, st)
    if (this.#prepared.size > PREPARED_CACHE) {
      const [old, oldSt] = this.#prepared.entries().next().value as [
        string,
        DuckDBPreparedStatement,
      ]
      this.#prepared.delete(old)
      oldSt.destroySync()
    }
    return st
  }

  /**
   * Run `fn` with the connection to itself: statements, transactions and held jobs of other
   * callers wait until it ends (one connection runs one thing; a transaction must not take in
   * another caller's statements, nor two analyses each other's temp tables). Calls made inside
   * `fn` (the same async context) go straight through.
   */
  hold<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closedError())
    if (HOLDER.getStore() === this) return fn()
    // (a call queued behind close() finds the engine closed when its turn comes)
    return this.#gate.run(() =>
      this.#closed ? Promise.reject(this.#closedError()) : HOLDER.run(this, fn),
    )
  }

  #closedError(): UsageError {
    return new UsageError(
      `the workspace ${this.location} is closed (engine.close() was called): open it again (openWorkspace, openSource) to use it`,
    )
  }

  query<T extends Row = Row>(q: Query | string): Promise<T[]> {
    return this.hold(() => this.#track(this.#query<T>(q)))
  }

  exec(q: Query | string): Promise<void> {
    return this.hold(() => this.#track(this.#exec(q)))
  }

  /** `fn` (work on the raw connection) held, and waited for by close() as a statement is. */
  track<T>(fn: () => Promise<T>): Promise<T> {
    return this.hold(() => this.#track(fn()))
  }

  /**
   * Statements under way, settled or not: one started inside a held job can outlive it (a query
   * run beside a fit that then throws), and close() must wait for it.
   */
  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p)
    p.then(
      () => this.#inflight.delete(p),
      () => this.#inflight.delete(p),
    )
    return p
  }

  transaction<T>(fn: (tx: Engine) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return this.hold(() => this.#transaction(fn, opts))
  }

  async #query<T extends Row = Row>(q: Query | string): Promise<T[]> {
    const { sql, params } = typeof q === 'string' ? { sql: q, params: undefined } : q
    const t0 = performance.now()
    const cpu0 = traceStart()
    try {
      const values = normalizeParams(params)
      let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>
      if (values) {
        const st = await this.#statement(sql)
        st.bind(values as never, paramTypes(params) as never)
        reader = await st.runAndReadAll()
      } else {
        reader = await this.#conn.runAndReadAll(sql)
      }
      const rows = reader.getRowObjectsJson() as Record<string, unknown>[]
      // getRowObjectsJson renders BIGINT as string; restore numbers for numeric column types.
      const types = reader.columnTypes().map((t) => String(t))
      const names = reader.columnNames()
      const numeric = names.filter((_, i) =>
        /^(BIGINT|HUGEINT|UBIGINT|DECIMAL)/.test(types[i] ?? ''),
      )
      if (numeric.length > 0) {
        for (const r of rows) for (const n of numeric) if (r[n] !== null) r[n] = Number(r[n])
      }
      // ... and DOUBLE NaN/Infinity as 'NaN'/'Infinity': numbers, as PostgreSQL's adapter gives
      const floats = names.filter((_, i) => /^(DOUBLE|FLOAT)$/.test(types[i] ?? ''))
      if (floats.length > 0) {
        for (const r of rows) {
          for (const n of floats) if (typeof r[n] === 'string') r[n] = Number(r[n])
        }
      }
      return rows.map((r) => toPlain(r) as T)
    } catch (e) {
      throw new QueryError(sql, e)
    } finally {
      trace(sql, t0, cpu0)
    }
  }

  async #exec(q: Query | string): Promise<void> {
    const { sql, params } = typeof q === 'string' ? { sql: q, params: undefined } : q
    const t0 = performance.now()
    const cpu0 = traceStart()
    try {
      const values = normalizeParams(params)
      if (values) {
        const st = await this.#statement(sql)
        st.bind(values as never, paramTypes(params) as never)
        await st.run()
      } else {
        await this.#conn.run(sql)
      }
    } catch (e) {
      throw new QueryError(sql, e)
    } finally {
      trace(sql, t0, cpu0)
    }
  }

  /**
   * BEGIN, `fn`, COMMIT. With `wholeOnCrash` on a workspace file: a checkpoint first, so that the
   * WAL holds nothing but this transaction, then the marker file `<db>.committing` (this process's
   * id) until the commit has been checkpointed into the file. A process killed in between leaves
   * the marker, and the next open discards the WAL (`discardUnfinishedCommit`): the store is as it
   * was before the transaction, never the part of its commit that reached the WAL (replayed, that
   * part held an import's new orders beside the ones they replaced).
   */
  async #transaction<T>(fn: (tx: Engine) => Promise<T>, opts: TransactionOptions): Promise<T> {
    if (this.#inTx) return fn(this)
    const marker = opts.wholeOnCrash && this.#fileKey !== null ? commitMarker(this.location) : null
    if (marker) {
      await this.exec('CHECKPOINT')
      writeMarker(marker)
    }
    // a COMMIT that failed may have left part of itself in the WAL: the marker stays for the next
    // open, unless a checkpoint could write the store as it stands (without the transaction) and
    // empty the WAL (kept, the marker would have the next open drop later writes with the WAL)
    let commitFailed = false
    let keepMarker = false
    await this.exec('BEGIN TRANSACTION')
    this.#inTx = true
    try {
      const out = await fn(this)
      try {
        await this.exec('COMMIT')
      } catch (e) {
        commitFailed = true
        if (marker) {
          // (a transaction the failed commit left open is ended first: a checkpoint needs none)
          await this.exec('ROLLBACK').catch(() => undefined)
          keepMarker = !(await this.exec('CHECKPOINT').then(
            () => true,
            () => false,
          ))
        }
        throw e
      }
      if (marker) await this.exec('CHECKPOINT')
      return out
    } catch (e) {
      if (!commitFailed) {
        try {
          await this.exec('ROLLBACK')
        } catch {
          // the original error is the one worth reporting
        }
      }
      throw e
    } finally {
      this.#inTx = false
      if (marker && !keepMarker) rmSync(marker, { force: true })
    }
  }

  /** The raw connection, for adapter-specific bulk paths (appenders, COPY). */
  get connection(): DuckDBConnection {
    return this.#conn
  }

  /** Close once what is running has ended: closing under a running query hung the process. */
  close(): Promise<void> {
    // a second close is nothing to do (also one queued behind the first)
    if (this.#closed) return Promise.resolve()
    if (HOLDER.getStore() !== this) {
      return this.#gate.run(async () => {
        if (this.#closed) return
        await Promise.allSettled([...this.#inflight])
        this.#close()
      })
    }
    return this.hold(async () => {
      await Promise.allSettled([...this.#inflight])
      this.#close()
    })
  }

  #close(): void {
    this.#closed = true
    for (const st of this.#prepared.values()) st.destroySync()
    this.#prepared.clear()
    this.#conn.closeSync()
    this.#instance?.closeSync()
    this.#instance = null
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true })
    this.#tempDir = null
    if (this.#fileKey !== null) OPEN_FILES.delete(this.#fileKey)
    this.#fileKey = null
  }
}

export type { DuckDbEngine }

/**
 * DuckDB's buffer pool cap: 1.75 GiB, less on a small machine (half the RAM, at least 256 MiB).
 * The process also holds memory outside the pool (Node's heap with the value step's columns,
 * DuckDB's own allocations): at a 2 GiB cap the 10M-order default job peaked at 2.6-3.05 GB, at
 * 1.75 GiB at 2.3-2.6 GB in the same time (bench/RESULTS.md, 2026-11-30).
 */
export function memoryLimitMb(total = totalmem()): number {
  const mb = Math.floor(total / 1024 ** 2)
  return Math.max(256, Math.min(1792, Math.floor(mb / 2)))
}

/**
 * What a user can do about a workspace DuckDB would not open, as a UsageError; null for other
 * failures (kept as DuckDB says them).
 */
async function openFailure(path: string, e: unknown): Promise<Error | null> {
  const msg = e instanceof Error ? e.message : String(e)
  const { UsageError } = await import('../errors.ts')
  if (/lock/i.test(msg)) {
    return new UsageError(
      `the workspace ${path} is in use by another process: another loyals command still running ` +
        "(an import, an analyze), or a running 'loyals serve'. Wait for the command to finish, " +
        'or stop the server or point the command at it, or use another --db.',
      { path },
    )
  }
  // the file or its directory is not writable for this user (another user's workspace, a
  // read-only mount): DuckDB's own text names neither the cause nor what to do
  if (/permission denied|read-only file system/i.test(msg)) {
    const why = /read-only/i.test(msg) ? 'the file system is read-only' : 'permission denied'
    return new UsageError(
      `the workspace ${path} cannot be opened for writing: ${why}. Loyals reads and writes its ` +
        'workspace (and a .wal file beside it): run as a user who may write the file and its ' +
        'directory, or copy it somewhere writable.',
      { path },
    )
  }
  // a folder that does not exist, or a place where no file can be made (/proc): the engine's
  // "IO Error: Cannot open file" came through as a query failure
  if (/no such file or directory|cannot open file/i.test(msg)) {
    const dir = dirname(resolve(path))
    const why = existsSync(dir)
      ? `no file can be made in ${dir}`
      : `its folder ${dir} does not exist (create it first)`
    return new UsageError(
      `the workspace ${path} cannot be created or opened: ${why}. Give --db (or LOYALS_DB) a path in a folder this user may write.`,
      { path },
    )
  }
  return null
}

/** The workspace files this process has open (see openDuckDb), by real path. */
const OPEN_FILES = new Set<string>()

/** One name per file, whatever path reaches it (relative, through a symbolic link). */
function fileKey(path: string): string {
  const abs = resolve(path)
  try {
    return realpathSync(abs)
  } catch {
    // not created yet: its directory's real path and its name
    try {
      return join(realpathSync(dirname(abs)), basename(abs))
    } catch {
      return abs
    }
  }
}

/**
 * Open (or create) a DuckDB workspace file; ':memory:' for a scratch store.
 * The buffer pool is capped by `memoryLimitMb` so big imports spill to disk rather than use most
 * of the RAM: next to the file (`<path>.tmp`, DuckDB's default) or, for ':memory:', a private
 * directory under the OS temp dir that is removed on close.
 * @throws UsageError when another process holds the file or this user may not write it;
 *   QueryError when it cannot be opened otherwise.
 */
export async function openDuckDb(path: string): Promise<DuckDbEngine> {
  let instance: DuckDBInstance
  const tempDir =
    path === ':memory:' || path === ''
      ? join(tmpdir(), `loyals-duckdb-${process.pid}-${Math.random().toString(36).slice(2, 10)}`)
      : null
  if (tempDir === null && !existsSync(dirname(resolve(path)))) {
    const { UsageError } = await import('../errors.ts')
    throw new UsageError(
      `the workspace ${path} cannot be created: the directory ${dirname(resolve(path))} does not exist`,
      { path },
    )
  }
  const options: Record<string, string> = { memory_limit: `${memoryLimitMb()}MB` }
  if (tempDir) options.temp_directory = tempDir
  const key = tempDir === null ? fileKey(path) : null
  if (key !== null) {
    // DuckDB's lock keeps other processes out, not a second open in this one: two instances on
    // one file each write their own checkpoints and leave it unreadable
    if (OPEN_FILES.has(key)) {
      const { UsageError } = await import('../errors.ts')
      throw new UsageError(
        `the workspace ${path} is already open in this process: use the engine that has it open, or close that one first`,
        { path },
      )
    }
    OPEN_FILES.add(key)
    discardUnfinishedCommit(path)
  }
  // a write-ahead log left beside the file: the last process to write it did not close it
  const replayed = tempDir === null && existsSync(`${resolve(path)}.wal`)
  try {
    instance = await DuckDBInstance.create(path, options)
  } catch (e) {
    if (key !== null) OPEN_FILES.delete(key)
    throw (await openFailure(path, e)) ?? new QueryError(`open ${path}`, e)
  }
  let conn: DuckDBConnection
  try {
    conn = await instance.connect()
  } catch (e) {
    instance.closeSync()
    if (key !== null) OPEN_FILES.delete(key)
    throw new QueryError(`open ${path}`, e)
  }
  const engine = new DuckDbEngine(path, conn, instance, tempDir, key)
  if (replayed) {
    try {
      await rebuildIndexes(engine)
    } catch (e) {
      await engine.close()
      throw e
    }
  }
  return engine
}

/** What a workspace's name takes to name the marker of a transaction committing into it. */
export const COMMIT_MARKER_SUFFIX = '.committing'

/** The marker of a transaction committing into the workspace at `path` (see #transaction). */
export const commitMarker = (path: string): string => `${resolve(path)}${COMMIT_MARKER_SUFFIX}`

/**
 * Write `marker` with this process's id and start (a later process given the id is not this one),
 * on disk before the transaction it marks begins.
 */
function writeMarker(marker: string): void {
  const fd = openSync(marker, 'w')
  try {
    writeSync(fd, `${process.pid} ${processStart(process.pid) ?? ''}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Before the workspace at `path` is opened: a marker left by a process that died while its large
 * transaction committed (#transaction) means the WAL holds that transaction alone, perhaps cut short;
 * it is removed, and the file is the store as it was before the transaction began. A marker of a
 * process still running is left alone (that process holds the file: the open is refused).
 */
function discardUnfinishedCommit(path: string): void {
  const marker = commitMarker(path)
  if (!existsSync(marker)) return
  const [id, start] = readFileSync(marker, 'utf8').trim().split(' ')
  const pid = Number.parseInt(id ?? '', 10)
  if (Number.isInteger(pid) && pid !== process.pid && processRuns(pid, start || null)) return
  rmSync(`${resolve(path)}.wal`, { force: true })
  rmSync(marker, { force: true })
}
