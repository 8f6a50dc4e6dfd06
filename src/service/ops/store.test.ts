import { afterEach, describe, expect, it } from 'vitest'
import { parseOpsConfig } from '../../core/ops/config.ts'
import { parseValueConfig } from '../../core/value/config.ts'
import type { Engine, Query } from '../../data/engine.ts'
import { openWorkspace } from '../../data/workspace.ts'
import { writeProfiles } from './ingest.ts'
import { emptyProfile } from './profile.ts'
import { OpsStore } from './store.ts'

const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

/** A DuckDB workspace with profiles c0..c9 and an engine that counts profile reads. */
async function setup() {
  const engine = await openWorkspace(':memory:')
  open.push(engine)
  await writeProfiles(
    engine,
    Array.from({ length: 10 }, (_, i) => ({ ...emptyProfile(`c${i}`, 0), ordersCount: i })),
  )
  const counter = { reads: 0 }
  const counting: Engine = {
    dialect: engine.dialect,
    location: engine.location,
    query: (q: Query | string) => {
      if (typeof q !== 'string' && q.sql.includes('FROM customer_profile')) counter.reads++
      return engine.query(q)
    },
    exec: (q) => engine.exec(q),
    transaction: (fn) => engine.transaction(fn),
    close: () => engine.close(),
  }
  const store = new OpsStore(counting, { ops: parseOpsConfig({}), value: parseValueConfig({}) })
  return { store, counter, engine }
}

describe('OpsStore', () => {
  it('reads the cache misses that arrive while the queue is busy in one query, then caches them', async () => {
    const { store, counter } = await setup()
    let release = () => {}
    let started = () => {}
    const running = new Promise<void>((r) => (started = r))
    const busy = store.use(
      () =>
        new Promise<void>((r) => {
          release = r
          started()
        }),
    )
    await running
    const ids = ['c1', 'c2', 'c3', 'nobody', 'c1', 'c9']
    const lookups = ids.map((id) => store.getProfile(id))
    release()
    await busy
    const got = await Promise.all(lookups)
    expect(counter.reads).toBe(1)
    expect(got.map((p) => p?.ordersCount ?? null)).toEqual([1, 2, 3, null, 1, 9])
    // all cached now, including the unknown customer
    expect(await store.getProfile('nobody')).toBeNull()
    expect((await store.getProfile('c2'))?.ordersCount).toBe(2)
    expect(counter.reads).toBe(1)
    // a miss after the batch ran starts a new read
    expect((await store.getProfile('c4'))?.ordersCount).toBe(4)
    expect(counter.reads).toBe(2)
  })

  it('runs its tasks on one DuckDB thread unless a task asks for all of them', async () => {
    const { store, engine } = await setup()
    const [before] = await engine.query("SELECT current_setting('threads') AS t")
    const threads = () =>
      store.use(async (e) =>
        Number((await e.query("SELECT current_setting('threads') AS t"))[0]?.t),
      )
    expect(await threads()).toBe(1)
    const all = await store.use(
      async (e) => Number((await e.query("SELECT current_setting('threads') AS t"))[0]?.t),
      { parallel: true },
    )
    expect(all).toBe(Number(before?.t))
    expect(await threads()).toBe(1)
  })
})
