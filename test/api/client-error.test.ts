// Requests Node's HTTP parser refuses before the app runs (a 60 KB path, an unknown method) against
// a real server over raw sockets: they get the API's JSON error body (Node's own was empty), and
// keep-alive connections that send valid requests are not affected; a valid request pipelined
// before the bad bytes is answered first (it was stored, but its client got only the 400).
import { rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/api/server.ts'
import { tempDir } from '../helpers/cli.ts'

interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** The complete answers in `raw` (HTTP/1.1 with content-length), in order. */
function answers(raw: string): Answer[] {
  const out: Answer[] = []
  let rest = raw
  for (;;) {
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) return out
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n')
    const headers = Object.fromEntries(
      lines.map((l) => [
        l.slice(0, l.indexOf(':')).toLowerCase(),
        l.slice(l.indexOf(':') + 1).trim(),
      ]),
    )
    const length = Number(headers['content-length'] ?? 0)
    if (rest.length < end + 4 + length) return out
    out.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(end + 4, end + 4 + length),
    })
    rest = rest.slice(end + 4 + length)
  }
}

/** A raw connection: send bytes, wait for the n-th answer or for the server to close. */
function open(url: string) {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  let received = ''
  let closed = false
  const waiters: (() => void)[] = []
  const wake = () => {
    for (const w of waiters.splice(0)) w()
  }
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => {
    received += d
    wake()
  })
  socket.on('error', () => {})
  socket.on('close', () => {
    closed = true
    wake()
  })
  return {
    async send(raw: string, n: number): Promise<Answer[]> {
      socket.write(raw)
      while (answers(received).length < n && !closed)
        await new Promise<void>((r) => waiters.push(r))
      return answers(received)
    },
    async closedByServer(): Promise<boolean> {
      if (!closed) await new Promise<void>((r) => waiters.push(r))
      return closed
    },
    end: () => socket.destroy(),
  }
}

describe('errors from the HTTP layer before the app runs', () => {
  const dir = tempDir('loyals-client-error-')
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({
      db: join(dir, 'w.duckdb'),
      port: 0,
      host: '127.0.0.1',
      tickEveryMs: null,
      version: 'test',
    })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each([
    [
      'a path of 60 KB',
      431,
      'headers_too_large',
      `GET /v1/customers/${'x'.repeat(60_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    ],
    ['an unknown method', 400, 'invalid_request', 'FOO /v1/events HTTP/1.1\r\nhost: x\r\n\r\n'],
  ])(
    '%s: %i %s with the JSON error body, and the connection closed',
    async (_name, status, code, raw) => {
      const c = open(server.url)
      try {
        const [a] = await c.send(raw, 1)
        expect(a?.status).toBe(status)
        expect(a?.headers['content-type']).toBe('application/json')
        expect(a?.headers.connection).toBe('close')
        const body = JSON.parse(a?.body ?? '')
        expect(body.error).toMatchObject({ code })
        expect(body.error.message).toEqual(expect.any(String))
        expect(await c.closedByServer()).toBe(true)
      } finally {
        c.end()
      }
    },
  )

  it('leaves keep-alive alone: two requests on one connection, then a bad one answered in JSON', async () => {
    const c = open(server.url)
    try {
      const health = 'GET /health HTTP/1.1\r\nhost: x\r\n\r\n'
      expect((await c.send(health, 1)).map((a) => a.status)).toEqual([200])
      expect((await c.send(health, 2)).map((a) => a.status)).toEqual([200, 200])
      const all = await c.send('FOO /health HTTP/1.1\r\nhost: x\r\n\r\n', 3)
      expect(all.map((a) => a.status)).toEqual([200, 200, 400])
      expect(JSON.parse(all[2]?.body ?? '').error.code).toBe('invalid_request')
    } finally {
      c.end()
    }
  })

  it('answers a request sent with garbage behind it first, then the garbage (pipelined)', async () => {
    const c = open(server.url)
    try {
      // both in one write: the parser fails on the second while the first is still answered
      const all = await c.send('GET /health HTTP/1.1\r\nhost: x\r\n\r\nGARBAGE\r\n\r\n', 2)
      expect(all.map((a) => a.status)).toEqual([200, 400])
      expect(JSON.parse(all[0]?.body ?? '').status).toBe('ok')
      expect(await c.closedByServer()).toBe(true)
    } finally {
      c.end()
    }
  })
})
