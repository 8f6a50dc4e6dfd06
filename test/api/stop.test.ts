// A server stops when told, whatever its clients and its webhook receivers do: a receiver that
// never answers held the exit for minutes (each queued message tried to its 5 s timeout, and the
// retries as they came due), and keep-alive clients under load kept the server serving for as
// long as they sent after SIGTERM.
import { rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../../src/api/server.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { createApiKey } from '../../src/service/ops/keys.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { harness, orderEvent } from './harness.ts'

describe.each(STORES)('stopping the dispatcher on $name', (kind) => {
  it('cuts off a delivery that hangs and leaves what is queued queued, attempts untouched', async () => {
    const started: string[] = []
    // why each delivery's request ended: the stop's abort, not its own 5 s timeout
    const endedBy: string[] = []
    const h = await harness(kind, {
      // a receiver that never answers: the request ends only when its signal aborts it
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          started.push(String((init.headers as Record<string, string>)['idempotency-key']))
          init.signal?.addEventListener('abort', () => {
            endedBy.push(String((init.signal?.reason as Error | undefined)?.name))
            reject(new Error('aborted'))
          })
        }),
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null },
        playbooks: [
          {
            id: 'welcome',
            department: 'marketing',
            trigger: { type: 'first_order' },
            actions: [
              // sms: the customers have no email, and the channel is not what this is about
              { type: 'webhook', url: 'http://127.0.0.1:9/x', channel: 'sms', template: 'w' },
            ],
          },
        ],
      },
    })
    try {
      const batch = ['a', 'b', 'c'].map((c) => orderEvent(c, `${c}1`, 10, '2025-03-01T10:00:00Z'))
      expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
      h.dispatcher.kick()
      while (started.length === 0) await new Promise((r) => setTimeout(r, 10))
      await h.dispatcher.stop()
      // cut off by the stop (AbortError), where waiting out the timeout ended it as TimeoutError
      expect(endedBy).toEqual(['AbortError'])
      // one delivery was under way, none after it; nothing counts as an attempt
      expect(started).toHaveLength(1)
      const rows = await h.engine.query<{ status: string; attempts: number }>(
        "SELECT status, attempts FROM actions_log WHERE playbook_id = 'welcome'",
      )
      expect(rows).toHaveLength(3)
      for (const r of rows) expect([r.status, Number(r.attempts)]).toEqual(['queued', 0])
      // a kick after the stop sends nothing
      h.dispatcher.kick()
      await new Promise((r) => setTimeout(r, 50))
      expect(started).toHaveLength(1)
    } finally {
      await h.close()
    }
  }, 60_000)
})

describe('stopping the server under keep-alive load', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('answers what is under way, closes the connections, and ends in seconds', async () => {
    const dir = tempDir('loyals-stop-')
    dirs.push(dir)
    const db = join(dir, 'w.duckdb')
    const setup = await openWorkspace(db)
    const { key } = await createApiKey(setup, 'admin', 'stop-test')
    await setup.close()
    const server = await startServer({ db, port: 0, host: '127.0.0.1', version: 'test' })
    const agent = new Agent({ keepAlive: true, maxSockets: 4 })
    const get = () =>
      new Promise<number>((resolve) => {
        const req = request(
          `${server.url}/v1/customers?limit=1`,
          { agent, headers: { authorization: `Bearer ${key}` } },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode ?? 0))
          },
        )
        req.on('error', () => resolve(-1))
        req.end()
      })
    // four clients sending one request after another on kept-alive connections, until refused
    let stopped = false
    let after = 0
    const client = async () => {
      while ((await get()) > 0) if (stopped) after++
    }
    const clients = Promise.all([client(), client(), client(), client()])
    await new Promise((r) => setTimeout(r, 300))
    stopped = true
    // keep-alive connections left open would keep the clients sending, and this close waiting,
    // until the test's timeout
    await server.close()
    await clients
    agent.destroy()
    // each connection answers at most the request it was sent after the stop, then closes
    expect(after).toBeLessThanOrEqual(8)
  }, 60_000)
})
