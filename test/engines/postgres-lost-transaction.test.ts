// PostgreSQL ends a session in the middle of a transaction (a restart, a network cut): the
// transaction fails as "the store cannot be reached", nothing of it is stored, the engine serves
// again once the server answers, and the process lives on. The driver (postgres 3.4.9) throws an
// uncaught TypeError from a timer when anything is written on a transaction's closed connection
// (its next statement, or the ROLLBACK/COMMIT it sends itself): vitest fails a file on such an
// error, so each case below also checks the process was not about to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { StoreUnreachableError } from '../../src/errors.ts'
import { type relay, relayTo } from '../helpers/relay.ts'
import { STORES, type TestStore } from './stores.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a transaction whose PostgreSQL connection is lost', () => {
  let store: TestStore
  let link: ReturnType<typeof relay>
  let engine: Engine
  const uncaught: unknown[] = []
  const onUncaught = (e: unknown) => uncaught.push(e)

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught)
    store = await STORES[1]!.create()
    const through = await relayTo(store.location)
    link = through.link
    engine = await openWorkspace(through.url)
    await engine.exec('CREATE TABLE lost_tx (x INTEGER)')
  })
  afterAll(async () => {
    process.off('uncaughtException', onUncaught)
    await link.open()
    await engine?.close()
    await link.close()
    await store?.cleanup()
  })

  /** Every connection through the relay closed, and the relay open again on its port. */
  const cut = async () => {
    await link.close()
    await link.open()
  }
  const rows = async () =>
    Number((await engine.query<{ n: number }>('SELECT count(*) AS n FROM lost_tx'))[0]!.n)

  const cases: [string, (tx: Engine) => Promise<void>][] = [
    [
      'closed between two statements',
      async (tx) => {
        await tx.exec('INSERT INTO lost_tx VALUES (1)')
        await cut()
        await sleep(50)
        await tx.exec('INSERT INTO lost_tx VALUES (2)')
      },
    ],
    [
      'closed during a statement',
      async (tx) => {
        await tx.exec('INSERT INTO lost_tx VALUES (1)')
        setTimeout(() => void cut(), 150)
        await tx.exec('SELECT pg_sleep(2)')
        await tx.exec('INSERT INTO lost_tx VALUES (2)')
      },
    ],
    [
      'closed during a statement whose error the caller swallows',
      async (tx) => {
        await tx.exec('INSERT INTO lost_tx VALUES (1)')
        setTimeout(() => void cut(), 150)
        await tx.exec('SELECT pg_sleep(2)').catch(() => {})
        await tx.exec('INSERT INTO lost_tx VALUES (2)')
      },
    ],
    [
      'closed after the last statement, before the commit',
      async (tx) => {
        await tx.exec('INSERT INTO lost_tx VALUES (1)')
        await cut()
        await sleep(50)
      },
    ],
  ]

  it.each(cases)('%s: unreachable, nothing stored, served again', async (_, work) => {
    const failed = await engine.transaction(work).then(
      () => null,
      (e: unknown) => e,
    )
    expect(failed).toBeInstanceOf(StoreUnreachableError)
    expect(String((failed as Error).message)).toMatch(
      /^the store cannot be reached: PostgreSQL at /,
    )
    // what the driver would have written on the dead connection fails on a later tick
    await sleep(300)
    expect(uncaught).toEqual([])
    // the engine refuses for up to a second after a connection failure, then tries again
    await sleep(1100)
    expect(await rows()).toBe(0)
    await engine.transaction(async (tx) => {
      await tx.exec('INSERT INTO lost_tx VALUES (9)')
    })
    expect(await rows()).toBe(1)
    await engine.exec('DELETE FROM lost_tx')
  })
})
