// A server that stops answering (paused, frozen) does not hold a CLI command forever: the request
// ends with a usage error saying so.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, it } from 'vitest'
import { UsageError } from '../errors.ts'
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
