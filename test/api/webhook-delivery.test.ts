// How one webhook attempt ends: its 5 s timeout is the attempt's own timer (AbortSignal.timeout
// inside AbortSignal.any could be garbage-collected on Node 20 and never fire, so a receiver that
// never answered held every customer's messages); a retry counts from the end of the failed
// attempt (from its start, an attempt cut off at 5 s was due again at once); a redirect is a failed
// delivery, not followed (a 302 turned the POST into a GET without the payload, recorded "sent");
// a URL with a password is refused in the configuration (fetch refuses it, so every message failed
// with the password in the audit log); with LOYALS_WEBHOOK_SECRET each delivery is signed; the
// receiver's answer is let go of, not left unread holding its connection.
import { createHmac } from 'node:crypto'
import { createServer, type RequestListener, type Server } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type OpsConfigInput, parseOpsConfig } from '../../src/core/ops/config.ts'
import {
  DELIVERY_TIMEOUT_MS,
  type Fetch,
  webhookSignature,
} from '../../src/service/ops/dispatch.ts'
import { STORES } from '../engines/stores.ts'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'
import { harness, messagePlaybook, orderEvent } from './harness.ts'

const DUCKDB = STORES[0]!

const playbook = (url: string): OpsConfigInput => ({
  holdout: { defaultShare: 0 },
  contactBudget: { quietHours: null },
  // a service message: no marketing consent needed
  playbooks: [
    { ...messagePlaybook('thanks', { type: 'first_order' }, 'sms', url), department: 'service' },
  ],
})

async function oneOrder(
  fetchImpl: Fetch | undefined,
  url = 'http://127.0.0.1:9/hook',
  clock?: number,
  webhookSecret?: string,
) {
  const h = await harness(DUCKDB, {
    ops: playbook(url),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(clock !== undefined ? { now: clock } : {}),
    ...(webhookSecret ? { webhookSecret } : {}),
  })
  const ev = orderEvent('c1', 'o1', 10, '2025-03-01T10:00:00Z')
  expect((await h.call('POST', '/v1/events/batch', { body: { batch: [ev] } })).status).toBe(200)
  return h
}

/** One order delivered to a real HTTP receiver at /hook; `check` runs after the dispatch. */
async function withReceiver(
  handler: RequestListener,
  check: (h: Awaited<ReturnType<typeof oneOrder>>) => Promise<void>,
): Promise<void> {
  const receiver: Server = createServer(handler)
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
  const port = (receiver.address() as { port: number }).port
  const h = await oneOrder(undefined, `http://127.0.0.1:${port}/hook`)
  try {
    h.dispatcher.kick()
    await h.dispatcher.idle()
    await check(h)
  } finally {
    await h.close()
    receiver.closeAllConnections()
    await new Promise<void>((r) => receiver.close(() => r()))
  }
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
    await withReceiver(
      (req, res) => {
        seen.push(`${req.method} ${req.url}`)
        if (req.url === '/hook') {
          res.writeHead(302, { location: '/elsewhere' })
          res.end()
        } else res.end('ok')
      },
      async (h) => {
        const row = await thanksRow(h)
        expect([row.status, Number(row.attempts)]).toEqual(['queued', 1])
        expect(row.detail).toBe(
          "HTTP 302: a redirect to /elsewhere, not followed (give the webhook's final URL)",
        )
        expect(seen).toEqual(['POST /hook'])
      },
    )
  }, 30_000)

  it('lets go of the answer it does not read, so a receiver streaming one holds no connection', async () => {
    let closed: () => void = () => {}
    const gone = new Promise<void>((r) => {
      closed = r
    })
    await withReceiver(
      // answers 200 and then streams a body it never ends
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('x'.repeat(64 * 1024))
        res.on('close', () => closed())
      },
      async (h) => {
        expect((await thanksRow(h)).status).toBe('sent')
        const cut = await Promise.race([
          gone.then(() => 'closed'),
          new Promise((r) => setTimeout(() => r('still open'), 3000)),
        ])
        expect(cut).toBe('closed')
      },
    )
  }, 30_000)

  it('refuses a webhook URL with a user name or password in the configuration', () => {
    expect(() => parseOpsConfig(playbook('http://hookuser:S3cret@127.0.0.1:9/hook'))).toThrow(
      /must not hold a user name or password/,
    )
    expect(() => parseOpsConfig(playbook('https://127.0.0.1:9/hook?token=abc'))).not.toThrow()
  })

  it('is signed with LOYALS_WEBHOOK_SECRET: t and an HMAC-SHA256 of t.body a receiver can check', async () => {
    // a vector computed apart (Python: hmac.new(key, b'1700000000.{"a":1}', sha256))
    expect(webhookSignature('0123456789abcdef', '{"a":1}', 1_700_000_000_999)).toBe(
      't=1700000000,v1=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23',
    )
    const secret = 'a-secret-of-32-characters-000000'
    const got: { headers: Record<string, string>; body: string }[] = []
    const capture: Fetch = async (_url, init) => {
      got.push({ headers: init.headers as Record<string, string>, body: String(init.body) })
      return { ok: true, status: 200 }
    }
    for (const withSecret of [true, false]) {
      got.length = 0
      const h = await oneOrder(capture, undefined, undefined, withSecret ? secret : undefined)
      try {
        const before = Math.floor(Date.now() / 1000)
        h.dispatcher.kick()
        await h.dispatcher.idle()
        expect(got).toHaveLength(1)
        const sig = got[0]!.headers['loyals-signature']
        if (!withSecret) {
          expect(sig).toBeUndefined()
          continue
        }
        // as a receiver checks it: the real time, and the MAC of exactly the bytes received
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig ?? '')
        expect(m).not.toBeNull()
        const t = Number(m![1])
        expect(Math.abs(t - before)).toBeLessThanOrEqual(2)
        const mac = createHmac('sha256', secret).update(`${t}.${got[0]!.body}`).digest('hex')
        expect(m![2]).toBe(mac)
        expect(JSON.parse(got[0]!.body)).toMatchObject({ customerId: 'c1', playbookId: 'thanks' })
      } finally {
        await h.close()
      }
    }
  })

  it('refuses a LOYALS_WEBHOOK_SECRET shorter than 16 characters in serve and tick, not printing it', () => {
    const dir = tempDir()
    for (const cmd of [
      ['tick', '--db', join(dir, 'w.duckdb')],
      ['serve', '--db', join(dir, 'w.duckdb'), '--port', '0'],
    ]) {
      const r = runCli(cmd, { env: { LOYALS_WEBHOOK_SECRET: 'short-secret' } })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(
        'environment variable LOYALS_WEBHOOK_SECRET is too short (12 characters): webhook signatures need at least 16',
      )
      expect(r.stderr).not.toContain('short-secret')
    }
    // an offline command does not read it
    const ok = runCli(
      ['summary', join(ROOT, 'data/cdnow/cdnow_sample_orders.csv'), '--as-of', '1997-09-30'],
      { env: { LOYALS_WEBHOOK_SECRET: 'short-secret' } },
    )
    expect(ok.code).toBe(0)
  })
})
