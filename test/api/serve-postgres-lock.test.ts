// One `loyals serve` per PostgreSQL store, as per DuckDB file: a second server on the same store
// (database and schema) is refused with the first one's pid, host and URL, and the hold ends with
// the first server's connection, however it ends (a stop, or a kill).
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { openPostgres } from '../../src/data/postgres.ts'
import { SERVE_LOCK_CLASS, SERVE_LOCK_KEY } from '../../src/data/queries/pg-serve-lock.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { isolatedPostgresUrl } from '../helpers/postgres.ts'
import { type Served, startServe } from '../helpers/serve.ts'

const children: ChildProcess[] = []
const drops: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const d of drops.splice(0)) await d().catch(() => {})
})

async function store(): Promise<string> {
  const { url, drop } = await isolatedPostgresUrl(inject('pgUrl'))
  drops.push(drop)
  return url
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((r) => child.once('exit', (code) => r(code)))
}

/** Serve `db`, resolving once it listens and (keyless) its note on the missing key is out. */
const serve = (db: string, keyless = true): Promise<Served> =>
  startServe(
    ['--tick-every', 'off', '--db', db],
    children,
    keyless ? 'holds no API key' : undefined,
  )

describe('loyals serve on PostgreSQL', () => {
  it('refuses a second server on the same store, naming the first, until the first ends', async () => {
    const db = await store()
    const first = await serve(db)
    const second = runCli(['serve', '--db', db, '--port', '0'], { timeoutMs: 30_000 })
    expect(second.code, second.stderr).toBe(2)
    expect(second.stderr).toContain(
      `the workspace ${new URL(db).toString()} is served by loyals serve (pid ${first.child.pid} on ${hostname()}, since `,
    )
    expect(second.stderr).toContain(`at ${first.url}; use the API or stop the server`)
    // another schema is another store: served at the same time
    const other = await serve(await store())
    other.child.kill('SIGTERM')
    await exited(other.child)
    // a stop lets go
    first.child.kill('SIGTERM')
    await exited(first.child)
    const again = await serve(db)
    // and so does a kill: PostgreSQL ends the session, and its lock with it
    again.child.kill('SIGKILL')
    await exited(again.child)
    let last: unknown = null
    for (let k = 0; k < 20; k++) {
      try {
        const third = await serve(db)
        third.child.kill('SIGTERM')
        await exited(third.child)
        last = null
        break
      } catch (e) {
        last = e
        await new Promise((r) => setTimeout(r, 250))
      }
    }
    expect(last).toBeNull()
  })

  it('takes its hold again when PostgreSQL ends the session that held it, and stops when another server took it', async () => {
    const db = await store()
    const first = await serve(db)
    const pg = await openPostgres(db)
    try {
      const holder = async () =>
        (
          await pg.query<{ pid: number }>(
            `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = ${SERVE_LOCK_CLASS}::oid AND objid = ${SERVE_LOCK_KEY}::oid AND granted`,
          )
        ).map((r) => Number(r.pid))
      // as a restart of PostgreSQL does: the lock's session ends, the driver opens a new one
      const [before] = await holder()
      expect(before).toBeDefined()
      await pg.query(`SELECT pg_terminate_backend(${before})`)
      let after: number[] = []
      for (let k = 0; k < 40 && !(after.length === 1 && after[0] !== before); k++) {
        await new Promise((r) => setTimeout(r, 250))
        after = await holder()
      }
      expect(after).toHaveLength(1)
      expect(after[0]).not.toBe(before)
      const second = runCli(['serve', '--db', db, '--port', '0'], { timeoutMs: 30_000 })
      expect(second.code, second.stderr).toBe(2)
      expect(second.stderr).toContain(`is served by loyals serve (pid ${first.child.pid} on `)
      // ended again, and this time another session (a second server) takes the store first
      // pg_terminate_backend only signals: wait (up to 5 s) for the session to be gone, so its
      // lock with it; the server asks again every 2 s, and should it win that race, end its new
      // session and try again
      let taken = false
      for (let k = 0; k < 5 && !taken; k++) {
        const [held] = await holder()
        if (held !== undefined) await pg.query(`SELECT pg_terminate_backend(${held}, 5000)`)
        const [r] = await pg.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_lock(${SERVE_LOCK_CLASS}, ${SERVE_LOCK_KEY}) AS locked`,
        )
        taken = r?.locked === true
      }
      expect(taken).toBe(true)
      let err = ''
      first.child.stderr!.on('data', (d) => {
        err += d
      })
      expect(await exited(first.child)).toBe(1)
      expect(err).toContain('another loyals serve took the PostgreSQL store')
    } finally {
      await pg.close()
    }
  })

  it('refuses keys, refit, tick and summary on a store without a workspace, creating nothing', async () => {
    const db = await store()
    for (const args of [
      ['keys', 'list'],
      ['keys', 'revoke', 'k1'],
      ['refit'],
      ['tick'],
      ['summary'],
    ]) {
      const r = runCli([...args, '--db', db])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toContain(`no workspace at ${new URL(db).toString()}`)
    }
    const pg = await openPostgres(db)
    try {
      const [t] = await pg.query<{ n: number }>(
        'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()',
      )
      expect(Number(t?.n)).toBe(0)
    } finally {
      await pg.close()
    }
    // a workspace further along the search_path is another schema's: still none here
    const other = await isolatedPostgresUrl(inject('pgUrl'))
    drops.push(other.drop)
    expect(runCli(['keys', 'create', '--role', 'admin', '--db', other.url]).code).toBe(0)
    const path = new URL(db)
    path.searchParams.set('search_path', `${path.searchParams.get('search_path')},${other.schema}`)
    const behind = runCli(['keys', 'list', '--db', path.toString()])
    expect(behind.code, behind.stderr).toBe(2)
    expect(behind.stderr).toContain('no workspace at')
    // a server makes one, and says so
    const s = await startServe(
      ['--tick-every', 'off', '--db', db],
      children,
      'there was no workspace at',
    )
    s.child.kill('SIGTERM')
    await exited(s.child)
    expect(runCli(['keys', 'list', '--db', db]).code).toBe(0)
  })

  it('refuses the CLI commands that would write the served store beside its server', async () => {
    const db = await store()
    const made = runCli(['keys', 'create', '--role', 'admin', '--db', db, '--json'])
    expect(made.code, made.stderr).toBe(0)
    const { key, keyId } = JSON.parse(made.stdout) as { key: string; keyId: string }
    const s = await serve(db, false)
    const served = `the workspace ${new URL(db).toString()} is served by loyals serve (pid ${s.child.pid} on ${hostname()}, since `
    for (const args of [
      ['keys', 'create', '--role', 'admin'],
      ['keys', 'list'],
      ['keys', 'revoke', keyId],
      ['refit'],
      ['tick'],
    ]) {
      const r = runCli([...args, '--db', db])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toContain(served)
      expect(r.stderr).toContain(
        `use the API or stop the server (keys, refit, tick and import go through the server with --server ${s.url} --api-key KEY)`,
      )
    }
    // import and customer reach it through the server: without a key they name it and ask for one
    const orders = join(tempDir('loyals-pg-served-'), 'o.csv')
    writeFileSync(orders, 'customer_id,ordered_at,amount\nc1,2024-01-01,10\n')
    for (const args of [
      ['import', orders],
      ['customer', 'c1'],
    ]) {
      const r = runCli([...args, '--db', db])
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toContain(
        `loyals ${args[0]} reaches this PostgreSQL store through the loyals serve that holds it (pid ${s.child.pid} on ${hostname()}) at ${s.url}: pass --api-key KEY (or set LOYALS_API_KEY)`,
      )
    }
    // reading is harmless: summary reads the store the server holds
    expect(runCli(['summary', '--db', db]).stderr).not.toContain('is served by')
    // and the way it says works
    const listed = runCli(['keys', 'list', '--server', s.url, '--api-key', key, '--json'])
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout)).toHaveLength(1)
    s.child.kill('SIGTERM')
    await exited(s.child)
    expect(runCli(['keys', 'list', '--db', db]).code).toBe(0)
  })

  it('sends them through the server when a key is at hand, as for a served DuckDB file', async () => {
    const db = await store()
    const made = runCli(['keys', 'create', '--role', 'admin', '--db', db])
    expect(made.code, made.stderr).toBe(0)
    const key = made.stdout.trim()
    const s = await serve(db, false)
    const env = { LOYALS_API_KEY: key }
    const created = runCli(['keys', 'create', '--role', 'read-only', '--db', db], { env })
    expect(created.code, created.stderr).toBe(0)
    // the server knows the new key at once: it made it
    const res = await fetch(`${s.url}/v1/customers/nobody`, {
      headers: { authorization: `Bearer ${created.stdout.trim()}` },
    })
    expect(res.status).toBe(404)
    const listed = runCli(['keys', 'list', '--db', db, '--json'], { env })
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout)).toHaveLength(2)
    s.child.kill('SIGTERM')
    await exited(s.child)
  })
})
