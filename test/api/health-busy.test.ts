// /health answered only once the store answered, in turn: behind an import's commit it waited the
// whole commit (7 s for 20,000 orders), and a liveness probe with a timeout of a few seconds would
// restart the server in the middle of it. It answers "busy" after a second instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

describe('/health while the store is held by a write', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(STORES[0]!)
  })
  afterAll(() => h?.close())

  it('answers busy before the write ends, and ok once it has', async () => {
    let release = () => {}
    const held = new Promise<void>((r) => {
      release = r
    })
    // a write that holds the store until released (as a commit holds it)
    const write = h.store.use(() => held)
    const res = await h.app.request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'busy', store: 'duckdb' })
    release()
    await write
    expect(await (await h.app.request('/health')).json()).toMatchObject({ status: 'ok' })
  })
})
