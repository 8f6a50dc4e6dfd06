// openPostgres on a port that is not PostgreSQL's: a port that accepts and then closes the
// connection (an HTTP server) made the driver reconnect forever, and the command hang in silence.
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { QueryError, StoreUnreachableError } from '../errors.ts'
import { openPostgres } from './postgres.ts'

const servers: Server[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const c of sockets.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r))
})

/** Listen on a free loopback port; counts the connections it takes. */
async function listen(server: Server): Promise<{ port: number; connections: () => number }> {
  servers.push(server)
  let n = 0
  server.on('connection', (c: Socket) => {
    n++
    sockets.push(c)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  return { port: typeof addr === 'object' && addr ? addr.port : 0, connections: () => n }
}

describe('openPostgres on a port that is not PostgreSQL', () => {
  const cases = [
    [
      'accepts and closes',
      () => createServer((c) => c.end()),
      'it closed the connection unanswered',
    ],
    [
      'is an HTTP server',
      () => createHttpServer((_q, r) => r.end('hi')),
      'it answered "HTTP/1.1 400 Bad Request"',
    ],
  ] as const
  for (const [name, make, said] of cases) {
    it(`fails at once, saying so, when it ${name}, and stops trying`, async () => {
      const { port, connections } = await listen(make())
      const t0 = Date.now()
      const err = await openPostgres(`postgres://loyals@127.0.0.1:${port}/x`).catch(
        (e: unknown) => e,
      )
      expect(Date.now() - t0).toBeLessThan(5000)
      expect(err).toBeInstanceOf(QueryError)
      expect((err as QueryError).message).toBe(
        `query failed: 127.0.0.1:${port} is not a PostgreSQL server: ${said}`,
      )
      const tried = connections()
      expect(tried).toBe(1)
      await new Promise((r) => setTimeout(r, 500))
      expect(connections()).toBe(tried)
    })
  }

  it('fails within the connect timeout when the port stays silent', async () => {
    const { port } = await listen(createServer(() => {}))
    const t0 = Date.now()
    const err = await openPostgres(`postgres://loyals@127.0.0.1:${port}/x`, {
      connectTimeout: 1,
    }).catch((e: unknown) => e)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(err).toBeInstanceOf(StoreUnreachableError)
    expect((err as QueryError).message).toBe(
      `the store cannot be reached: PostgreSQL at postgres://loyals@127.0.0.1:${port}/x: no PostgreSQL server answered at 127.0.0.1:${port} within 1 s`,
    )
  })

  it('says the store cannot be reached when nothing listens on the port', async () => {
    // a port just freed: nobody listens on it
    const { port } = await listen(createServer(() => {}))
    const freed = servers.pop() as Server
    await new Promise<void>((r) => freed.close(() => r()))
    const err = await openPostgres(`postgres://loyals@127.0.0.1:${port}/x`).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StoreUnreachableError)
    expect((err as QueryError).message).toMatch(
      new RegExp(
        `^the store cannot be reached: PostgreSQL at postgres://loyals@127\\.0\\.0\\.1:${port}/x: .*ECONNREFUSED`,
      ),
    )
  })
})
