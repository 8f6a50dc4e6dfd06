// A file of orders sent through a server to a store no refit has scored on any customer
// (`loyals import FILE --server` into a new workspace, a customers file perhaps first) is refitted
// in the background after its commit: its customers stayed "no tier yet, no segment yet" (or got
// the tiers of a model fitted on nobody) for good, since such an import writes no imports row for
// a restart's refit check either. A customers file alone, or a later file once a model is fitted
// on customers, starts no refit of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refitDue } from '../../src/data/queries/api-refit-due.ts'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, identifyEvent, orderEvent } from './harness.ts'

describe.each(STORES)('the first orders imported through the server on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(() => h?.close())

  const send = async (id: string, events: unknown[]) => {
    const batch = { seq: 0, batch: events }
    expect((await h.call('POST', `/v1/imports/${id}/batches`, { body: batch })).status).toBe(200)
    expect((await h.call('POST', `/v1/imports/${id}/commit`)).status).toBe(200)
    await h.jobs.idle()
  }
  const refits = () => count(h, "SELECT count(*) FROM jobs WHERE kind = 'refit'")
  const due = async () =>
    Number((await h.store.use((e) => e.query(refitDue(e.dialect, h.store.now()))))[0]?.n)

  it('are refitted after their commit, also after a refit of nobody; a customers file is not', async () => {
    // a customers file first: nothing to fit
    await send(
      'customers-file',
      ['a', 'b', 'c', 'd'].map((c) => identifyEvent(c)),
    )
    expect(await refits()).toBe(0)
    // a refit of the store with no order yet (a server's --refit-every): a model of no customer
    const { id } = await h.jobs.startRefit()
    await h.jobs.idle()
    expect((await h.jobs.get(id)).status).toBe('succeeded')
    expect(h.store.model?.customers).toBe(0)
    expect(await due()).toBe(0)
    const events = ['a', 'b', 'c', 'd'].flatMap((c, i) =>
      [1, 2, 3]
        .slice(0, i + 1)
        .map((k) => orderEvent(c, `${c}-${k}`, 20 * (i + 1), `2024-0${k}-1${i}T10:00:00Z`)),
    )
    await send('orders-file', events.slice(0, 7))
    expect(h.store.model?.customers).toBe(4)
    expect(await refits()).toBe(2)
    const profile = (await h.call('GET', '/v1/customers/d')).json
    expect(profile.tier?.name).toEqual(expect.any(String))
    expect(profile.segment).toEqual(expect.any(String))
    // the model fitted on customers: the next file is scored live, no refit of its own
    await send('second-file', events.slice(7))
    expect(await refits()).toBe(2)
    expect(await due()).toBe(0)
  })
})
