// A file sent through a server to a store no refit has scored (`loyals import FILE --server`
// into a new workspace) is refitted in the background after its commit: its customers stayed
// "no tier yet, no segment yet" for good, since such an import writes no imports row for a
// restart's refit check either. A later file, the model there, starts no refit of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

describe.each(STORES)('the first file imported through the server on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(() => h?.close())

  const send = async (id: string, events: unknown[]) => {
    const batch = { seq: 0, batch: events }
    expect((await h.call('POST', `/v1/imports/${id}/batches`, { body: batch })).status).toBe(200)
    expect((await h.call('POST', `/v1/imports/${id}/commit`)).status).toBe(200)
  }

  it('is refitted after its commit, so its customers have tiers; a second file is not', async () => {
    const events = ['a', 'b', 'c', 'd'].flatMap((c, i) =>
      [1, 2, 3]
        .slice(0, i + 1)
        .map((k) => orderEvent(c, `${c}-${k}`, 20 * (i + 1), `2024-0${k}-1${i}T10:00:00Z`)),
    )
    expect(h.store.model).toBeNull()
    await send('first-file', events)
    await h.jobs.idle()
    expect(h.store.model).not.toBeNull()
    const profile = (await h.call('GET', '/v1/customers/d')).json
    expect(profile.tier?.name).toEqual(expect.any(String))
    expect(await count(h, "SELECT count(*) FROM jobs WHERE kind = 'refit'")).toBe(1)
    await send('second-file', [orderEvent('e', 'e-1', 10, '2025-02-20T10:00:00Z')])
    await h.jobs.idle()
    expect(await count(h, "SELECT count(*) FROM jobs WHERE kind = 'refit'")).toBe(1)
  })
})
