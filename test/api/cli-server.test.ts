// The CLI and a running server as real processes: commands with an API equivalent (tick, keys,
// customer) go through the server that holds the DuckDB workspace, with an API key; the server's
// own tick fires time-based playbooks at start; an occasion fires once across ticks, restarts and
// a local `loyals tick` after the server stopped.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CLI, type CliResult, ROOT, tempDir } from '../helpers/cli.ts'
import { type Served, startServe } from '../helpers/serve.ts'
import { identifyEvent } from './harness.ts'

const SHOPIFY = join(ROOT, 'test/fixtures/import/shopify_orders_export.csv')

/**
 * The Shopify fixture with its one EUR order in USD, written into `dir`: the server takes one
 * currency per workspace (its orders in USD and EUR are a 422, as the first test of them shows).
 */
function shopifyInUsd(dir: string): string {
  const file = join(dir, 'shopify_orders_usd.csv')
  writeFileSync(file, readFileSync(SHOPIFY, 'utf8').replaceAll(',EUR,', ',USD,'))
  return file
}

const DAY = 86_400_000
// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field
type Json = Record<string, any>
const children: ChildProcess[] = []

// Not spawnSync: the webhook receiver lives in this process and must answer while a command runs.
function runCli(args: readonly string[], opts: { env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  )
}

function serve(args: string[]): Promise<Served> {
  return startServe(args, children)
}

async function stop(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await done
}

/** The rows of one statement over a workspace no server holds. */
async function queryStore(db: string, sql: string) {
  const { openWorkspace } = await import('../../src/data/workspace.ts')
  const engine = await openWorkspace(db)
  try {
    return await engine.query(sql)
  } finally {
    await engine.close()
  }
}

afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

// Real server and CLI processes, several starts each: minutes on a loaded 2-core machine.
describe('the CLI with a running server', { timeout: 300_000 }, () => {
  let receiver: Server
  const received: { key: string; template: string }[] = []
  let dir: string
  let db: string
  let opsPath: string
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let data = ''
      req.on('data', (c) => (data += c))
      req.on('end', () => {
        const b = JSON.parse(data)
        received.push({ key: b.actionKey, template: b.template })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    dir = tempDir()
    db = join(dir, 'w.duckdb')
    opsPath = join(dir, 'ops.json')
    writeFileSync(
      opsPath,
      JSON.stringify({
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null },
        playbooks: [
          {
            id: 'anniv',
            department: 'recognition',
            trigger: { type: 'anniversary', windowDays: 7 },
            actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'anniversary' }],
          },
          {
            id: 'win-back',
            department: 'marketing',
            trigger: { type: 'no_order_for', days: 35 },
            actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'miss-you' }],
          },
        ],
      }),
    )
  })
  afterAll(async () => {
    await new Promise<void>((r) => receiver.close(() => r()))
  })

  it('goes through the server, ticks at start, and fires each occasion once', async () => {
    const created = await runCli(['keys', 'create', '--role', 'admin', '--db', db, '--json'])
    expect(created.code, created.stderr).toBe(0)
    const admin = JSON.parse(created.stdout).key as string
    const s1 = await serve(['--db', db, '--config', opsPath, '--tick-every', 'off'])
    const api = (url: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }))
    const order = (c: string, id: string, atMs: number) => ({
      type: 'track',
      messageId: id,
      userId: c,
      event: 'Order Completed',
      timestamp: new Date(atMs).toISOString(),
      properties: { order_id: id, total: 25 },
    })
    // first purchase a year and two days ago: its anniversary was two days ago (the email is
    // where the playbooks' messages go)
    expect((await api(s1.url, '/v1/events', identifyEvent('ann'))).status).toBe(200)
    const res = await api(s1.url, '/v1/events', order('ann', 'ann-1', Date.now() - 367 * DAY))
    expect(res.status).toBe(200)

    // without a key the CLI says what to do; with one it goes through the server
    const refused = await runCli(['tick', '--db', db])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(`is served by loyals serve (pid ${s1.child.pid}) at ${s1.url}`)
    expect(refused.stderr).toContain('--api-key')
    const t1 = await runCli(['tick', '--db', db, '--api-key', admin, '--json'])
    expect(t1.code, t1.stderr).toBe(0)
    const r1 = JSON.parse(t1.stdout)
    expect(r1.playbooks.find((p: { playbookId: string }) => p.playbookId === 'anniv')).toEqual({
      playbookId: 'anniv',
      trigger: 'anniversary',
      candidates: 1,
      actions: 1,
    })
    const t2 = await runCli(['tick', '--server', s1.url], { env: { LOYALS_API_KEY: admin } })
    expect(t2.code, t2.stderr).toBe(0)
    expect(t2.stdout).toMatch(/^Tick as of .*: 0 action\(s\), 0 message\(s\) queued\./)
    expect(t2.stdout).toMatch(/anniv\s+anniversary\s+0\s+0/)

    // keys and profiles through the server
    const ro = await runCli([
      'keys',
      'create',
      '--role',
      'read-only',
      '--name',
      'desk',
      '--db',
      db,
      '--api-key',
      admin,
      '--json',
    ])
    expect(ro.code, ro.stderr).toBe(0)
    const roKey = JSON.parse(ro.stdout)
    expect(roKey).toMatchObject({ role: 'read-only', name: 'desk' })
    const list = await runCli(['keys', 'list', '--db', db, '--api-key', admin, '--json'])
    expect(
      JSON.parse(list.stdout)
        .map((k: { name: string }) => k.name)
        .sort(),
    ).toEqual(['api', 'desk'])
    const profile = await runCli(['customer', 'ann', '--db', db, '--api-key', roKey.key, '--json'])
    expect(profile.code, profile.stderr).toBe(0)
    expect(JSON.parse(profile.stdout)).toMatchObject({ customerId: 'ann', orders: 1, revenue: 25 })
    const text = await runCli(['customer', 'ann', '--db', db, '--api-key', roKey.key])
    expect(text.stdout, text.stderr).toContain('Customer ann: no tier yet')
    expect(text.stdout).toContain('Purchases: 1 order')
    const missing = await runCli(['customer', 'nobody', '--db', db, '--api-key', roKey.key])
    expect(missing.code, missing.stderr).toBe(1)
    expect(missing.stderr).toContain('no customer "nobody"')
    // a read-only key may not tick; a revoked key is refused
    const forbidden = await runCli(['tick', '--db', db, '--api-key', roKey.key])
    expect(forbidden.code).toBe(2)
    expect(forbidden.stderr).toContain(
      'refused the request: the read-only role lacks the "refit" permission, which this request needs (roles with it: admin, analyst)',
    )
    expect(
      (await runCli(['keys', 'revoke', roKey.keyId, '--db', db, '--api-key', admin])).code,
    ).toBe(0)
    // the server's 404 keeps its exit code 1 (docs/api.md), and a second revocation is no error
    const unknown = await runCli(['keys', 'revoke', 'nope', '--db', db, '--api-key', admin])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe('error: no key "nope"\n')
    const twice = await runCli(['keys', 'revoke', roKey.keyId, '--db', db, '--api-key', admin])
    expect(twice.code, twice.stderr).toBe(0)
    expect(twice.stdout).toContain(`${roKey.keyId} was revoked before, at `)
    const revoked = await runCli(['customer', 'ann', '--db', db, '--api-key', roKey.key])
    expect(revoked.code).toBe(2)
    expect(revoked.stderr).toContain('not valid or was revoked')

    // a customer whose last order turns 35 days old yesterday; the restarted server's own tick
    // fires it at start, and the anniversary is not fired again
    await api(s1.url, '/v1/events', identifyEvent('lapsed'))
    await api(s1.url, '/v1/events', order('lapsed', 'lapsed-1', Date.now() - 36 * DAY))
    await stop(s1.child)
    const s2 = await serve(['--db', db, '--config', opsPath, '--tick-every', '1h'])
    let actions: { actionKey: string; status: string }[] = []
    for (let i = 0; i < 600; i++) {
      actions = (await api(s2.url, '/v1/actions?limit=100')).json.actions
      if (actions.length >= 2 && actions.every((a) => a.status === 'sent')) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(actions.map((a) => a.actionKey).sort()).toEqual([
      'anniv:ann:anniversary-1:a0',
      expect.stringMatching(/^win-back:lapsed:no-order-since-\d{4}-\d\d-\d\d:a0$/),
    ])
    expect(actions.every((a) => a.status === 'sent')).toBe(true)
    expect(received.map((r) => r.template).sort()).toEqual(['anniversary', 'miss-you'])
    await stop(s2.child)

    // without a server, `loyals tick` opens the workspace: nothing again now; a year later the
    // second anniversary fires and its webhook is delivered before the command exits
    const local = await runCli(['tick', '--db', db, '--config', opsPath, '--json'])
    expect(local.code, local.stderr).toBe(0)
    expect(JSON.parse(local.stdout).actions).toBe(0)
    const later = new Date(Date.now() + 365 * DAY).toISOString()
    const next = await runCli(['tick', '--db', db, '--config', opsPath, '--now', later, '--json'])
    expect(next.code, next.stderr).toBe(0)
    expect(JSON.parse(next.stdout).playbooks[0]).toMatchObject({ playbookId: 'anniv', actions: 1 })
    expect(received.map((r) => r.key)).toContain('anniv:ann:anniversary-2:a0')
    expect(received).toHaveLength(3)
  }, 240_000)

  it('a local tick after an import refits first: no "miss you" for an order imported since', async () => {
    const fresh = join(dir, 'stale.duckdb')
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString()
    const file = (name: string, rows: string[]) => {
      const f = join(dir, name)
      writeFileSync(f, `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\n`)
      return f
    }
    const first = file('old.csv', [`g1,g,${at(100)},40`, `g2,g,${at(60)},40`])
    expect((await runCli(['import', first, '--db', fresh])).code).toBe(0)
    expect((await runCli(['refit', '--db', fresh])).code).toBe(0)
    // g ordered two days ago: the profile of the refit still says 60 days
    const recent = file('recent.csv', [`g3,g,${at(2)},40`])
    expect((await runCli(['import', recent, '--db', fresh])).code).toBe(0)
    const t = await runCli(['tick', '--db', fresh, '--config', opsPath, '--json'])
    expect(t.code, t.stderr).toBe(0)
    const report = JSON.parse(t.stdout)
    expect(report.refitted).toBe(1)
    expect(
      report.playbooks.find((p: { playbookId: string }) => p.playbookId === 'win-back'),
    ).toMatchObject({
      actions: 0,
    })
    // nothing imported since: the next tick does not refit
    const again = await runCli(['tick', '--db', fresh, '--config', opsPath])
    expect(again.stdout).not.toContain('Refitted first')
    // ticks replayed a day back (--now): the first after an import refits, the next does not
    const later = file('later.csv', [`g4,g,${at(1.5)},40`])
    expect((await runCli(['import', later, '--db', fresh])).code).toBe(0)
    const back = ['tick', '--db', fresh, '--config', opsPath, '--now', at(1), '--json']
    expect(JSON.parse((await runCli(back)).stdout).refitted).toBe(1)
    expect(JSON.parse((await runCli(back)).stdout).refitted ?? 0).toBe(0)
  })

  it('customers imported through the server are the rows a direct import stores: unchanged after', async () => {
    const file = join(dir, 'customers.csv')
    writeFileSync(
      file,
      'customer_id,email,name,signup_at,country,region,city,industry,channel,campaign,switching_cost\n' +
        'C1, Ann@X.com ,Ann Lee,2024-01-05,DE,Berlin,Berlin,retail,organic,spring,yes\n' +
        'C2,,Bob,2024-02-01T10:30:00Z,,,,,paid,,no\n' +
        'C3,c3@x.com,,,US,,,,,,\n',
    )
    const served = join(dir, 'customers.duckdb')
    const created = await runCli(['keys', 'create', '--role', 'admin', '--db', served, '--json'])
    const admin = JSON.parse(created.stdout).key as string
    const s = await serve(['--db', served, '--tick-every', 'off'])
    const sent = await runCli([
      'import',
      file,
      '--kind',
      'customers',
      '--db',
      served,
      '--api-key',
      admin,
    ])
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout).toContain(`sent to ${s.url}: 3 calls, 3 stored`)
    await stop(s.child)
    const direct = await runCli(['import', file, '--kind', 'customers', '--db', served])
    expect(direct.code, direct.stderr).toBe(0)
    expect(direct.stdout).toContain('3 customers (0 new, 0 updated, 3 unchanged)')
  }, 120_000)

  it('a file imported directly, then through the server, refunds once', async () => {
    const file = shopifyInUsd(dir)
    const both = join(dir, 'both.duckdb')
    const direct = await runCli(['import', file, '--db', both])
    expect(direct.code, direct.stderr).toBe(0)
    const sums = () => queryStore(both, 'SELECT count(*) AS n, sum(amount) AS rev FROM orders')
    const before = await sums()
    const created = await runCli(['keys', 'create', '--role', 'admin', '--db', both, '--json'])
    const admin = JSON.parse(created.stdout).key as string
    const s = await serve(['--db', both, '--tick-every', 'off'])
    const sent = await runCli(['import', file, '--db', both, '--api-key', admin])
    expect(sent.code, sent.stderr).toBe(0)
    await stop(s.child)
    expect(await sums()).toEqual(before)
  }, 120_000)

  it('orders forwarded to the server keep every column an orders file gives', async () => {
    const file = join(dir, 'full-orders.csv')
    writeFileSync(
      file,
      'order_id,customer_id,ordered_at,amount,currency,quantity,cost,margin,discount,channel,campaign\n' +
        'F1,K1,2024-03-01T10:00:00Z,120.50,EUR,3,70,,5,web,spring\n' +
        'F2,K1,2024-03-09T10:00:00Z,80,EUR,1,,30,,store,\n' +
        'F3,K2,2024-03-10T11:00:00Z,40,EUR,,,,,, \n' +
        'F1,K1,2024-03-05T09:00:00Z,-20.5,EUR,,,,,,\n',
    )
    const rows = (db: string) =>
      queryStore(
        db,
        `SELECT order_key, order_id, customer_id, CAST(ordered_at AS VARCHAR) AS at, amount,
  currency, quantity, cost, margin, discount, channel, campaign FROM orders ORDER BY order_key`,
      )
    const localDb = join(dir, 'full-local.duckdb')
    const local = await runCli(['import', file, '--db', localDb])
    expect(local.code, local.stderr).toBe(0)
    const served = join(dir, 'full-served.duckdb')
    const created = await runCli(['keys', 'create', '--role', 'admin', '--db', served, '--json'])
    const admin = JSON.parse(created.stdout).key as string
    const s = await serve(['--db', served, '--tick-every', 'off'])
    const sent = await runCli(['import', file, '--db', served, '--api-key', admin])
    expect(sent.code, sent.stderr).toBe(0)
    await stop(s.child)
    const want = await rows(localDb)
    expect(want).toHaveLength(4)
    expect(want[0]).toMatchObject({ quantity: 3, cost: 70, margin: 50.5, channel: 'web' })
    expect(await rows(served)).toEqual(want)
  }, 120_000)

  it('imports orders through the server: the same rows as a local import, once', async () => {
    const file = shopifyInUsd(dir)
    const localDb = join(dir, 'local.duckdb')
    const local = await runCli(['import', file, '--db', localDb, '--json'])
    expect(local.code, local.stderr).toBe(0)
    const served = join(dir, 'served.duckdb')
    const created = await runCli(['keys', 'create', '--role', 'admin', '--db', served, '--json'])
    const admin = JSON.parse(created.stdout).key as string
    const s = await serve(['--db', served, '--tick-every', 'off'])
    // orders in USD and EUR: stored by a local import with a note, refused whole by the server,
    // whose workspace no offline command could read after
    const mixed = await runCli(['import', SHOPIFY, '--db', served, '--api-key', admin])
    expect(mixed.code).not.toBe(0)
    expect(mixed.stderr).toMatch(
      /the order is in EUR, but .* is USD .*nothing of the file was stored/,
    )
    const first = await runCli(['import', file, '--db', served, '--api-key', admin, '--json'])
    expect(first.code, first.stderr).toBe(0)
    const f = JSON.parse(first.stdout)
    expect(f.rowsStored).toBe(JSON.parse(local.stdout).rowsStored)
    expect(f.forwarded).toMatchObject({ server: s.url, duplicates: 0 })
    expect(f.forwarded.stored).toBe(f.forwarded.sent)
    expect(f.forwarded.sent).toBeGreaterThanOrEqual(f.rowsStored)
    expect([f.inserted, f.updated, f.unchanged]).toEqual([f.forwarded.sent, 0, 0])
    const again = await runCli(['import', file, '--db', served, '--api-key', admin])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain(`sent to ${s.url}: ${f.forwarded.sent} calls, 0 stored`)
    // --json says what the server did with the file held already, not what the scratch read did
    const third = await runCli(['import', file, '--db', served, '--api-key', admin, '--json'])
    const t = JSON.parse(third.stdout)
    expect([t.inserted, t.updated, t.unchanged]).toEqual([0, 0, f.forwarded.sent])
    const res = await fetch(`${s.url}/v1/customers?limit=1000`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    const customers = ((await res.json()) as Json).customers as {
      orders: number
      revenue: number
    }[]
    // a refit through the server, followed to the end
    const refit = await runCli(['refit', '--db', served, '--api-key', admin, '--json'])
    expect(refit.code, refit.stderr).toBe(0)
    expect(JSON.parse(refit.stdout)).toMatchObject({
      kind: 'refit',
      status: 'succeeded',
      progress: 1,
    })
    expect(JSON.parse(refit.stdout).result.customers).toBe(customers.length)
    await stop(s.child)
    // the server's profiles add up to the orders a local import stores
    const { openWorkspace } = await import('../../src/data/workspace.ts')
    const engine = await openWorkspace(localDb)
    try {
      const [o] = await engine.query<{ n: number; rev: number }>(
        'SELECT count(*) FILTER (WHERE amount >= 0) AS n, sum(amount) AS rev FROM orders',
      )
      expect(customers.reduce((a, c) => a + c.orders, 0)).toBe(Number(o!.n))
      expect(customers.reduce((a, c) => a + c.revenue, 0)).toBeCloseTo(Number(o!.rev), 6)
    } finally {
      await engine.close()
    }
    const tickets = await runCli([
      'import',
      file,
      '--kind',
      'tickets',
      '--server',
      s.url,
      '--api-key',
      admin,
    ])
    expect(tickets.code).toBe(2)
  }, 240_000)
})
