// How one webhook attempt ends: its 5 s timeout is the attempt's own timer (AbortSignal.timeout
// inside AbortSignal.any could be garbage-collected on Node 20 and never fire, so a receiver that
// never answered held every customer's messages); a retry counts from the end of the failed
// attempt (from its start, an attempt cut off at 5 s was due again at once); a redirect is a failed
// delivery, not followed (a 302 turned the POST into a GET without the payload, recorded "sent");
// a URL with a password is refused in the configuration (fetch refuses it, so every message failed
// with the password in the audit log).
import { createServer, type Server } from 'node:http'
import { describe, expect, it } from 'vitest'
import { type OpsConfigInput, parseOpsConfig } from '../../src/core/ops/config.ts'
import { DELIVERY_TIMEOUT_MS, type Fetch } from '../../src/service/ops/dispatch.ts'
import { STORES } from '../engines/stores.ts'
import { harness, orderEvent } from './harness.ts'

const DUCKDB = STORES[0]!

const playbook = (url: string): OpsConfigInput => ({
  holdout: { defaultShare: 0 },
  contactBudget: { quietHours: null },
  playbooks: [
    {
      id: 'thanks',
      department: 'service',
      trigger: { type: 'first_order' },
      actions: [{ type: 'webhook', url, channel: 'sms', template: 't' }],
    },
  ],
})

async function oneOrder(
  fetchImpl: Fetch | undefined,
  url = 'http://127.0.0.1:9/hook',
  clock?: number,
) {
  const h = await harness(DUCKDB, {
    ops: playbook(url),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(clock !== undefined ? { now: clock } : {}),
  })
  const ev = orderEvent('c1', 'o1', 10, '2025-03-01T10:00:00Z')
  expect((await h.call('POST', '/v1/events/batch', { body: { batch: [ev] } })).status).toBe(200)
  return h
}

async function thanksRow(h: Awaited<ReturnType<typeof oneOrder>>) {
  const [row] = await h.engine.query<{
    status: string
    attempts: number
    detail: string
    due: string
  }>(
    "SELECT status, attempts, detail, strftime(scheduled_at, '%Y-%m-%dT%H:%M:%S') AS due FROM actions_log WHERE playbook_id = 'thanks'",
  )
  return row!
}

describe('one webhook attempt', () => {
  it('is cut off by its own timeout when the receiver never answers', async () => {
    const ended: string[] = []
    const h = await oneOrder(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => {
            ended.push(String((init.signal?.reason as Error | undefined)?.name))
            reject(init.signal?.reason)
          })
        }),
    )
    try {
      const t0 = performance.now()
      h.dispatcher.kick()
      await h.dispatcher.idle()
      const took = performance.now() - t0
      expect(ended).toEqual(['TimeoutError'])
      expect(took).toBeGreaterThanOrEqual(DELIVERY_TIMEOUT_MS - 50)
      const row = await thanksRow(h)
      expect([row.status, Number(row.attempts)]).toEqual(['queued', 1])
      expect(row.detail).toMatch(/aborted due to timeout \(5 s\)/)
    } finally {
      await h.close()
    }
  }, 30_000)

  it('is tried again 5 s after it failed, not 5 s after it began', async () => {
    const start = Date.parse('2025-03-01T12:00:00Z')
    let h: Awaited<ReturnType<typeof oneOrder>> | undefined
    // the attempt takes the whole 5 s of the store's clock, then fails
    h = await oneOrder(
      async () => {
        if (h) h.clock.now += DELIVERY_TIMEOUT_MS
        throw new Error('fetch failed')
      },
      undefined,
      start,
    )
    try {
      h.dispatcher.kick()
      await h.dispatcher.idle()
      const row = await thanksRow(h)
      expect([row.status, Number(row.attempts)]).toEqual(['queued', 1])
      // began 12:00:00, failed 12:00:05, next try 12:00:10 (was 12:00:05: due as it failed)
      expect(row.due).toBe('2025-03-01T12:00:10')
    } finally {
      await h.close()
    }
  }, 30_000)

  it('counts a redirect as a failed delivery and does not follow it', async () => {
    const seen: string[] = []
    const receiver: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/hook') {
        res.writeHead(302, { location: '/elsewhere' })
        res.end()
      } else res.end('ok')
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    const port = (receiver.address() as { port: number }).port
    const h = await oneOrder(undefined, `http://127.0.0.1:${port}/hook`)
    try {
      h.dispatcher.kick()
      await h.dispatcher.idle()
      const row = await thanksRow(h)
      expect([row.status, Number(row.attempts)]).toEqual(['queued', 1])
      expect(row.detail).toBe(
        "HTTP 302: a redirect to /elsewhere, not followed (give the webhook's final URL)",
      )
      expect(seen).toEqual(['POST /hook'])
    } finally {
      await h.close()
      await new Promise<void>((r) => receiver.close(() => r()))
    }
  }, 30_000)

  it('refuses a webhook URL with a user name or password in the configuration', () => {
    expect(() => parseOpsConfig(playbook('http://hookuser:S3cret@127.0.0.1:9/hook'))).toThrow(
      /must not hold a user name or password/,
    )
    expect(() => parseOpsConfig(playbook('https://127.0.0.1:9/hook?token=abc'))).not.toThrow()
  })
})
