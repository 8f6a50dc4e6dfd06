// A refit job that fails is told to whoever runs it (`loyals serve` writes it to its log), with
// the message its job record keeps: an operator reading the log used to see only later errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JobRunner } from '../../src/service/ops/jobs.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

describe('a failed refit job', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(STORES[0]!)
  })
  afterAll(async () => {
    await h.close()
  })

  it('is reported with its id and message, as its record says', async () => {
    const batch = [orderEvent('a', 'a-1', 10, '2025-01-05T10:00:00Z')]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    // the refit reads the referrals with the orders: without the table it fails
    await h.engine.exec('ALTER TABLE referrals RENAME TO referrals_away')
    const failures: [string, string][] = []
    const jobs = new JobRunner(h.store, { onFailed: (id, m) => failures.push([id, m]) })
    try {
      const { id } = await jobs.startRefit()
      await jobs.idle()
      const job = await jobs.get(id)
      expect(job.status).toBe('failed')
      expect(failures).toEqual([[id, job.message]])
      expect(job.message).toMatch(/referrals/)
    } finally {
      await h.engine.exec('ALTER TABLE referrals_away RENAME TO referrals')
    }
    // a refit that succeeds reports nothing
    const { id } = await jobs.startRefit()
    await jobs.idle()
    expect((await jobs.get(id)).status).toBe('succeeded')
    expect(failures).toHaveLength(1)
  })
})
