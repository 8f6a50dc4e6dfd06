// A server that stops answering (paused, frozen) does not hold a CLI command forever: the request
// ends with a usage error saying so.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, it } from 'vitest'
import { LoyalsError, UsageError } from '../errors.ts'
import { RemoteServer } from './remote.ts'

it('gives up on a server that accepts and never answers, saying why', async () => {
  const silent = createServer(() => {})
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  try {
    const remote = new RemoteServer(url, 'k', { waitMs: 300 })
    const err = await remote.request('GET', '/v1/keys').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).toBe(
      `cannot reach loyals serve at ${url}: no answer within 300 ms (is it frozen or overloaded?)`,
    )
  } finally {
    silent.closeAllConnections()
    silent.close()
  }
})

it('refuses an answer that is not one of loyals serve, naming the URL, whatever its status', async () => {
  // another service at the URL (a wrong port): its "ok" was read as null, and `loyals tick
  // --json` printed {} and exited 0
  const answers: [number, string][] = [
    [200, 'ok'],
    [200, ''],
    [500, '<html>Internal error</html>'],
  ]
  let k = 0
  const foreign = createServer((_req, res) => {
    const [status, body] = answers[k++] as [number, string]
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.end(body)
  })
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', () => r()))
  const url = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`
  try {
    const remote = new RemoteServer(url, 'k')
    const errors: unknown[] = []
    for (let i = 0; i < answers.length; i++) {
      errors.push(await remote.request('POST', '/v1/jobs/tick').catch((e: unknown) => e))
    }
    const tail = 'not an answer of loyals serve: is --server the URL that `loyals serve` printed?'
    expect(errors.slice(0, 2).map((e) => e instanceof UsageError && e.message)).toEqual([
      `the server at ${url} answered HTTP 200 with 'ok', ${tail}`,
      `the server at ${url} answered HTTP 200 with nothing, ${tail}`,
    ])
    // a failure page (a proxy's 502 in front of the right server) is the server's failure, not
    // a wrong URL
    expect(errors[2]).not.toBeInstanceOf(UsageError)
    expect(errors[2]).toBeInstanceOf(LoyalsError)
    expect((errors[2] as Error).message).toBe(`the server at ${url} answered HTTP 500`)
  } finally {
    foreign.closeAllConnections()
    foreign.close()
  }
})
