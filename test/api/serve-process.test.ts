// `loyals serve` as a real process: the lock file that keeps the CLI off a served DuckDB file, a
// clean stop, and a SIGKILL in the middle of concurrent ingestion: after a restart every
// acknowledged event is stored exactly once, and every retried event is recognized.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { type Served, startServe } from '../helpers/serve.ts'

const children: ChildProcess[] = []

function serve(db: string): Promise<Served> {
  return startServe(['--db', db], children)
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((r) => child.once('exit', (code) => r(code)))
}

afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

function createKey(db: string, role: string): string {
  const r = runCli(['keys', 'create', '--role', role, '--db', db])
  expect(r.code, r.stderr).toBe(0)
  // the key alone on stdout (KEY=$(loyals keys create ...)), the note on stderr
  expect(r.stdout).toMatch(/^\S+\n$/)
  expect(r.stderr).toMatch(/store it now/)
  return r.stdout.trim()
}

/** GET a customer's profile, waiting (10 s at most) for the refit the server starts with. */
async function scoredProfile(url: string, key: string, id: string): Promise<Response> {
  const get = () =>
    fetch(`${url}/v1/customers/${id}`, { headers: { authorization: `Bearer ${key}` } })
  let res = await get()
  for (let k = 0; k < 100 && res.status === 404; k++) {
    await new Promise((r) => setTimeout(r, 100))
    res = await get()
  }
  return res
}

const order = (i: number) => ({
  type: 'track',
  messageId: `evt-${i}`,
  userId: `cust-${i % 37}`,
  event: 'Order Completed',
  timestamp: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  properties: { order_id: `ord-${i}`, total: 10 + (i % 13) },
})

describe('loyals serve process', () => {
  it('keeps the CLI off a served workspace, says where the server is, and unlocks on stop', async () => {
    const db = join(tempDir(), 'w.duckdb')
    createKey(db, 'admin')
    const s = await serve(db)
    const lock = JSON.parse(readFileSync(`${db}.serve.json`, 'utf8'))
    expect(lock).toMatchObject({ pid: s.child.pid, url: s.url })
    for (const args of [
      ['keys', 'list', '--db', db],
      ['summary', '--db', db],
    ]) {
      const r = runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain(
        `the workspace ${db} is served by loyals serve (pid ${s.child.pid}) at ${s.url}; use the API or stop the server`,
      )
      // the server is alive: deleting its lock file is no advice to give
      expect(r.stderr).not.toContain('.serve.json')
    }
    // a second server on the same file is refused the same way
    const second = runCli(['serve', '--db', db, '--port', '0'], { timeoutMs: 30_000 })
    expect(second.code).toBe(2)
    expect(second.stderr).toContain('is served by loyals serve')
    s.child.kill('SIGTERM')
    expect(await exited(s.child)).toBe(0)
    expect(existsSync(`${db}.serve.json`)).toBe(false)
    expect(runCli(['keys', 'list', '--db', db]).code).toBe(0)
  })

  /** A server started on a workspace that `loyals import` filled with 8 customers' orders. */
  const servedImport = async (prefix: string, currency?: string) => {
    const dir = tempDir()
    const db = join(dir, 'w.duckdb')
    const orders = join(dir, 'orders.csv')
    const rows = [`customer_id,ordered_at,amount${currency ? ',currency' : ''}`]
    for (let i = 0; i < 40; i++) {
      const at = `2025-0${1 + (i % 6)}-1${i % 9}`
      rows.push(`${prefix}-${i % 8},${at},${10 + i}${currency ? `,${currency}` : ''}`)
    }
    writeFileSync(orders, `${rows.join('\n')}\n`)
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    const key = createKey(db, 'admin')
    return { s: await serve(db), key }
  }

  it('scores the customers of a workspace filled by loyals import when it starts', async () => {
    const { s, key } = await servedImport('imp')
    const res = await scoredProfile(s.url, key, 'imp-3')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { orders: number }).orders).toBe(5)
  })

  it("prices a profile's reasons in the orders' one currency when the configuration names none", async () => {
    const { s, key } = await servedImport('eur', 'EUR')
    const res = await scoredProfile(s.url, key, 'eur-3')
    expect(res.status).toBe(200)
    const reasons = ((await res.json()) as { reasons: { text: string }[] }).reasons
      .map((r) => r.text)
      .join(' ')
    expect(reasons).toMatch(/€/)
    expect(reasons).not.toMatch(/\$/)
    s.child.kill('SIGTERM')
    expect(await exited(s.child)).toBe(0)
  })

  it('says it cannot write its lock file (exit 2, not a bug) and serves nothing then', () => {
    const db = join(tempDir(), 'w.duckdb')
    createKey(db, 'admin')
    // a directory where the lock file goes: writing it fails as a full disk or a read-only
    // directory would
    mkdirSync(`${db}.serve.json`)
    const r = runCli(['serve', '--db', db, '--port', '0'], { timeoutMs: 30_000 })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `cannot write ${db}.serve.json, the lock that tells other commands the workspace is served:`,
    )
    expect(statSync(`${db}.serve.json`).isDirectory()).toBe(true)
  })

  it('fails a job that a killed server left running, so that nobody polls it forever', async () => {
    const db = join(tempDir(), 'w.duckdb')
    const key = createKey(db, 'admin')
    const engine = await openWorkspace(db)
    try {
      await engine.exec(
        "INSERT INTO jobs (job_id, kind, status, progress, created_at, message) VALUES ('job_old', 'refit', 'running', 0.4, TIMESTAMP '2026-01-01 00:00:00', 'scored 400 of 1000')",
      )
    } finally {
      await engine.close()
    }
    const s = await serve(db)
    const res = await fetch(`${s.url}/v1/jobs/job_old`, {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(res.status).toBe(200)
    const job = (await res.json()) as { status: string; message: string; finishedAt: string | null }
    expect(job.status).toBe('failed')
    expect(job.message).toMatch(/^interrupted: the server stopped before the job ended/)
    // the refit cut short re-scored some profiles with a model it never saved: a new one runs
    expect(job.message).toMatch(/the server started a new refit when it started again/)
    expect(job.finishedAt).not.toBeNull()
    s.child.kill('SIGTERM')
    expect(await exited(s.child)).toBe(0)
    const after = await openWorkspace(db)
    try {
      const rerun = await after.query<{ status: string }>(
        "SELECT status FROM jobs WHERE kind = 'refit' AND job_id <> 'job_old'",
      )
      expect(rerun.map((r) => r.status)).toEqual(['succeeded'])
    } finally {
      await after.close()
    }
  })

  it('loses no acknowledged event and duplicates none when killed mid-stream', async () => {
    const db = join(tempDir(), 'w.duckdb')
    const key = createKey(db, 'service')
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const first = await serve(db)
    const acked = new Set<string>()
    const attempted = new Set<number>()
    let next = 0
    let stop = false
    // 16 concurrent clients, single events and batches of 20, until the server dies
    const worker = async (w: number) => {
      while (!stop) {
        const batch = w % 2 === 0
        const ids = Array.from({ length: batch ? 20 : 1 }, () => next++)
        for (const i of ids) attempted.add(i)
        try {
          const res = await fetch(`${first.url}/v1/events${batch ? '/batch' : ''}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(batch ? { batch: ids.map(order) } : order(ids[0]!)),
          })
          if (res.ok) for (const i of ids) acked.add(`evt-${i}`)
          else stop = true
        } catch {
          return // connection refused or reset: the server is gone; not acknowledged
        }
      }
    }
    const workers = Array.from({ length: 16 }, (_, w) => worker(w))
    while (acked.size < 1500) await new Promise((r) => setTimeout(r, 5))
    first.child.kill('SIGKILL')
    await exited(first.child)
    stop = true
    await Promise.all(workers)
    expect(acked.size).toBeGreaterThanOrEqual(1500)
    expect(attempted.size).toBeGreaterThan(acked.size) // some were in flight when it died

    // restart on the same file (the lock of the killed server is stale) and retry everything
    const second = await serve(db)
    const all = [...attempted].sort((a, b) => a - b)
    let duplicates = 0
    for (let k = 0; k < all.length; k += 1000) {
      const res = await fetch(`${second.url}/v1/events/batch`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ batch: all.slice(k, k + 1000).map(order) }),
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { results: { eventId: string; status: string }[] }
      for (const r of body.results) {
        if (acked.has(r.eventId)) expect(r.status, r.eventId).toBe('duplicate')
        if (r.status === 'duplicate') duplicates++
      }
    }
    expect(duplicates).toBeGreaterThanOrEqual(acked.size)
    second.child.kill('SIGTERM')
    expect(await exited(second.child)).toBe(0)

    const engine = await openWorkspace(db)
    try {
      const events = await engine.query<{ event_id: string; n: number }>(
        "SELECT event_id, count(*) AS n FROM events WHERE kind = 'track' GROUP BY event_id",
      )
      const orders = await engine.query<{ order_id: string; n: number }>(
        'SELECT order_id, count(*) AS n FROM orders GROUP BY order_id',
      )
      expect(events.length).toBe(attempted.size)
      expect(events.every((e) => e.n === 1)).toBe(true)
      expect(orders.length).toBe(attempted.size)
      expect(orders.every((o) => o.n === 1)).toBe(true)
      const stored = new Set(events.map((e) => e.event_id))
      for (const id of acked) expect(stored.has(id)).toBe(true)
      // the profiles add up to the orders
      const [p] = await engine.query<{ n: number; rev: number }>(
        'SELECT sum(orders_count) AS n, sum(revenue) AS rev FROM customer_profile',
      )
      const [o] = await engine.query<{ n: number; rev: number }>(
        'SELECT count(*) AS n, sum(amount) AS rev FROM orders',
      )
      expect(p!.n).toBe(o!.n)
      expect(p!.rev).toBeCloseTo(o!.rev, 6)
    } finally {
      await engine.close()
    }
  })
})
