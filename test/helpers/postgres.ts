// Start a real, throw-away PostgreSQL server for the tests: initdb in a temp dir, pg_ctl on a free
// loopback port, one database. PostgreSQL refuses to run as root, so as root the server runs as the
// `postgres` user (created if missing). Any failure throws with the server's own log: never a skip.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import postgres from 'postgres'

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/loyals_test */
  readonly url: string
  readonly port: number
  /** Milliseconds from the first command to a database that answers. */
  readonly startMs: number
  stop(): Promise<void>
}

/** The bin dir of the newest installed PostgreSQL (Debian layout), or LOYALS_PG_BIN. */
export function findPostgresBin(): string {
  const override = process.env.LOYALS_PG_BIN
  if (override) return override
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const v = versions[0]
  if (v === undefined) {
    throw new Error(
      `PostgreSQL is not installed: no ${base}/*/bin/initdb. Install it (apt-get install -y ` +
        'postgresql; .ci/run does this) or set LOYALS_PG_BIN to the directory holding initdb.',
    )
  }
  return join(base, v, 'bin')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

interface RunAs {
  readonly uid: number
  readonly gid: number
  readonly prefix: readonly string[]
}

/** Root cannot run postgres: run it as `postgres` (created if missing) through runuser. */
function runAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim())
  try {
    id('-u')
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', 'postgres'], {
      stdio: 'pipe',
    })
  }
  return { uid: id('-u'), gid: id('-g'), prefix: ['runuser', '-u', 'postgres', '--'] }
}

function run(cmd: readonly string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = cmd
    // stdin ignored: CI has none; output captured for the error message
    const child = spawn(file ?? '', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${cmd.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out}`))
    })
  })
}

const INITDB_ARGS = ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']

/**
 * initdb costs seconds (most of a start), so one initialised cluster per PostgreSQL version is
 * kept in the temp dir and copied: built aside, then renamed into place, so a concurrent run
 * sees either no template or a whole one.
 */
async function copyTemplateCluster(
  bin: string,
  as: RunAs | null,
  cmd: (name: string, ...args: string[]) => string[],
  data: string,
  dir: string,
): Promise<void> {
  const version = basename(dirname(bin)).replace(/[^0-9A-Za-z.]/g, '_')
  const template = join(tmpdir(), `loyals-pg-template-${version}-${process.getuid?.() ?? 0}`)
  if (!existsSync(join(template, 'PG_VERSION'))) {
    const building = join(dir, 'template')
    await run(cmd('initdb', '-D', building, ...INITDB_ARGS, '--no-instructions'), dir, 60_000)
    try {
      renameSync(building, template)
    } catch {
      // another run put its template in place first: use that one
      rmSync(building, { recursive: true, force: true })
    }
  }
  await run([...(as?.prefix ?? []), 'cp', '-R', template, data], dir, 60_000)
}

const shellQuote = (a: string): string => `'${a.replaceAll("'", `'\\''`)}'`

/**
 * A detached shell that stops the server and removes its directory once this process is gone:
 * teardown does not run when the test runner is killed, and a stray postmaster would outlive it.
 */
function startWatchdog(stopCmd: readonly string[], dir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done
${stopCmd.map(shellQuote).join(' ')} >/dev/null 2>&1; rm -rf ${shellQuote(dir)}`
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' })
  child.unref()
  return child
}

/**
 * Start a private PostgreSQL server and create database `loyals_test`; `stop()` shuts it down
 * (immediate mode: the data is thrown away) and removes its directory.
 * @throws Error with initdb/pg_ctl output and the server log when anything fails.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const t0 = performance.now()
  const bin = findPostgresBin()
  const as = runAs()
  const dir = mkdtempSync(join(tmpdir(), 'loyals-pg-'))
  const data = join(dir, 'data')
  const log = join(dir, 'server.log')
  if (as) chownSync(dir, as.uid, as.gid)
  chmodSync(dir, 0o700)
  const cmd = (name: string, ...args: string[]): string[] => [
    ...(as?.prefix ?? []),
    join(bin, name),
    ...args,
  ]
  let started = false
  let watchdog: ChildProcess | null = null
  const stop = async (): Promise<void> => {
    if (watchdog?.pid !== undefined && watchdog.exitCode === null) watchdog.kill()
    try {
      if (started)
        await run(cmd('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop'), dir, 30_000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  try {
    await copyTemplateCluster(bin, as, cmd, data, dir)
    let port = 0
    // a free port can be taken between probing and binding: retry with another one
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      const opts = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=50',
        '-c shared_buffers=32MB',
      ].join(' ')
      try {
        await run(
          cmd('pg_ctl', '-D', data, '-l', log, '-w', '-t', '60', '-o', opts, 'start'),
          dir,
          90_000,
        )
        started = true
        watchdog = startWatchdog(cmd('pg_ctl', '-D', data, '-m', 'immediate', 'stop'), dir)
        break
      } catch (e) {
        if (attempt >= 3) throw e
      }
    }
    const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, {
      max: 1,
      onnotice: () => {},
      connect_timeout: 10,
    })
    try {
      await admin.unsafe('CREATE DATABASE loyals_test')
    } finally {
      await admin.end({ timeout: 5 })
    }
    const url = `postgres://postgres@127.0.0.1:${port}/loyals_test`
    return { url, port, startMs: performance.now() - t0, stop }
  } catch (e) {
    const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '(no server log)'
    await stop().catch(() => {})
    const msg = e instanceof Error ? e.message : String(e)
    throw new Error(
      `could not start the test PostgreSQL server: ${msg}\n--- server log ---\n${serverLog}`,
    )
  }
}

/**
 * A URL into a fresh, empty schema of the test database (`?search_path=<schema>`), so that test
 * files running in parallel each have their own `orders`. `drop()` removes the schema.
 * @example const { url, drop } = await isolatedPostgresUrl(inject('pgUrl'))
 */
export async function isolatedPostgresUrl(
  baseUrl: string,
): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
  try {
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  const u = new URL(baseUrl)
  u.searchParams.set('search_path', schema)
  const drop = async (): Promise<void> => {
    const sql = postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
    try {
      await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  return { url: u.toString(), schema, drop }
}
