// POST /v1/imports/{id}/commit under an id that holds no batch is a 404 not_found, not a 422
// data_error: there is no import to store (never started, committed, or expired), and a 422
// reads as a file the server refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseOpsConfig } from '../../src/core/ops/config.ts'
import { parseValueConfig } from '../../src/core/value/config.ts'
import type { SegmentEvent } from '../../src/service/ops/events.ts'
import type { Ingestor } from '../../src/service/ops/ingest.ts'
import {
  BatchesChangedError,
  commitStaged,
  ImportCommittedError,
  stageBatch,
} from '../../src/service/ops/staged-import.ts'
import { OpsStore } from '../../src/service/ops/store.ts'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

describe.each(STORES)('committing an unknown import on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(() => h?.close())

  it('is a 404 for an id never started and for one already committed', async () => {
    const fresh = '0b6c3d1e-7f2a-4c55-9e0d-3a1b2c3d4e5f'
    const never = await h.call('POST', `/v1/imports/${fresh}/commit`)
    expect(never.status).toBe(404)
    expect(never.json.error).toMatchObject({ code: 'not_found', details: { importId: fresh } })
    expect(never.json.error.message).toContain(`no import "${fresh}" is held`)

    const id = 'committed-once'
    const batch = { seq: 0, batch: [orderEvent('c1', 'o1', 10, '2025-02-01T10:00:00Z')] }
    expect((await h.call('POST', `/v1/imports/${id}/batches`, { body: batch })).status).toBe(200)
    expect((await h.call('POST', `/v1/imports/${id}/commit`)).json).toMatchObject({ stored: 1 })
    const again = await h.call('POST', `/v1/imports/${id}/commit`)
    expect(again.status).toBe(404)
    expect(again.json.error.code).toBe('not_found')
  })

  it('answers one of two commits of an id sent at once, the other a 404 as if sent after it', async () => {
    const id = 'twice-at-once'
    const batch = { seq: 0, batch: [orderEvent('t1', 't-a', 10, '2025-02-01T10:00:00Z')] }
    expect((await h.call('POST', `/v1/imports/${id}/batches`, { body: batch })).status).toBe(200)
    const both = await Promise.all([
      h.call('POST', `/v1/imports/${id}/commit`),
      h.call('POST', `/v1/imports/${id}/commit`),
    ])
    expect(both.map((r) => r.status).sort()).toEqual([200, 404])
    expect(both.find((r) => r.status === 200)?.json).toMatchObject({ stored: 1 })
  })

  it('is a 409 naming the missing seq when a batch was never held, and stores nothing', async () => {
    const id = 'gap-1'
    const batch = (seq: number, order: string) => ({
      seq,
      batch: [orderEvent('g1', order, 10, '2025-02-01T10:00:00Z')],
    })
    for (const [seq, order] of [
      [0, 'g-a'],
      [2, 'g-c'],
    ] as const) {
      const r = await h.call('POST', `/v1/imports/${id}/batches`, { body: batch(seq, order) })
      expect(r.status).toBe(200)
    }
    const gap = await h.call('POST', `/v1/imports/${id}/commit`)
    expect(gap.status).toBe(409)
    expect(gap.json.error).toMatchObject({
      code: 'batches_missing',
      details: { importId: id, missing: [1], held: 2 },
    })
    expect(gap.json.error.message).toContain('but not seq 1')
    expect((await h.call('GET', '/v1/customers/g1')).status).toBe(404)
    // the missing batch sent, the commit stores the whole file
    expect(
      (await h.call('POST', `/v1/imports/${id}/batches`, { body: batch(1, 'g-b') })).status,
    ).toBe(200)
    expect((await h.call('POST', `/v1/imports/${id}/commit`)).json).toMatchObject({ stored: 3 })
  })

  it('names the first 100 missing seqs and how many, not a million of them', async () => {
    const id = 'far-seq'
    for (const seq of [0, 100_000]) {
      const body = { seq, batch: [orderEvent('f1', `f-${seq}`, 1, '2025-02-01T10:00:00Z')] }
      expect((await h.call('POST', `/v1/imports/${id}/batches`, { body })).status).toBe(200)
    }
    const gap = await h.call('POST', `/v1/imports/${id}/commit`)
    expect(gap.status).toBe(409)
    expect(gap.json.error.details.missing).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(gap.json.error.details).toMatchObject({ missingCount: 99_999, held: 2 })
    expect(gap.text.length).toBeLessThan(5_000)
  })

  it('keeps a batch that arrives while the import is committed, and stores nothing then', async () => {
    const id = 'late-batch'
    const batch = (seq: number) =>
      [orderEvent('l1', `l-${seq}`, 10, '2025-02-01T10:00:00Z')] as unknown as SegmentEvent[]
    for (const seq of [0, 1]) await stageBatch(h.store, id, seq, batch(seq))
    // batch 2 arrives after the commit read 0 and 1, before its transaction took them
    const racing = {
      submitWhole: async (...args: Parameters<Ingestor['submitWhole']>) => {
        await stageBatch(h.store, id, 2, batch(2))
        return h.ingestor.submitWhole(...args)
      },
    } as Ingestor
    await expect(commitStaged(h.store, racing, id)).rejects.toThrow(BatchesChangedError)
    expect((await h.call('GET', '/v1/customers/l1')).status).toBe(404)
    // all three kept: the commit asked again stores the whole file
    expect((await h.call('POST', `/v1/imports/${id}/commit`)).json).toMatchObject({ stored: 3 })
  })

  it('refuses a batch sent after its import was committed (held alone, it would never be stored)', async () => {
    const id = 'after-commit'
    const body = (seq: number) => ({
      seq,
      batch: [orderEvent('ac', `ac-${seq}`, 10, '2025-02-01T10:00:00Z')],
    })
    expect((await h.call('POST', `/v1/imports/${id}/batches`, { body: body(0) })).status).toBe(200)
    // sent at the same moment as the commit: queued behind it, it runs once it is done
    const [commit, late] = await Promise.all([
      h.call('POST', `/v1/imports/${id}/commit`),
      h.call('POST', `/v1/imports/${id}/batches`, { body: body(1) }),
    ])
    if (commit.status === 200) {
      // the commit ran first: the batch after it is refused, not held alone
      expect(commit.json).toMatchObject({ stored: 1 })
      expect([late.status, late.json.error?.code]).toEqual([409, 'import_committed'])
    } else {
      // the batch came in while the commit read the others: kept, and the commit asked again
      expect([commit.status, commit.json.error.code, late.status]).toEqual([
        409,
        'batches_changed',
        200,
      ])
      expect((await h.call('POST', `/v1/imports/${id}/commit`)).json).toMatchObject({ stored: 2 })
    }
    // a server started again over the same store (a new OpsStore) refuses it too: clients retry
    // after a restart, and a batch answered "staged" then was never stored
    const restarted = new OpsStore(h.engine, {
      ops: parseOpsConfig({}),
      value: parseValueConfig({}),
      now: () => h.store.now(),
    })
    await expect(
      stageBatch(restarted, id, 3, body(3).batch as unknown as SegmentEvent[]),
    ).rejects.toThrow(ImportCommittedError)
    const after = await h.call('POST', `/v1/imports/${id}/batches`, { body: body(2) })
    expect(after.status).toBe(409)
    expect(after.json.error.message).toBe(
      `import "${id}" was committed (its file is stored): a batch sent after the commit (seq 2) is not part of it; send the rest of a file under a new import id`,
    )
    expect(
      await count(h, "SELECT count(*) FROM import_staging WHERE import_id = 'after-commit'"),
    ).toBe(0)
  })

  it('takes no body but {} (a body of anything else was committed)', async () => {
    const id = 'with-body'
    const body = { seq: 0, batch: [orderEvent('w1', 'w-a', 10, '2025-02-01T10:00:00Z')] }
    expect((await h.call('POST', `/v1/imports/${id}/batches`, { body })).status).toBe(200)
    expect((await h.call('POST', `/v1/imports/${id}/commit`, { body: { x: 1 } })).status).toBe(400)
    expect((await h.call('POST', `/v1/imports/${id}/commit`, { body: {} })).status).toBe(200)
  })
})
