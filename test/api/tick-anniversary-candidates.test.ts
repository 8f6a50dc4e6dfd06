// The anniversary candidates of a tick leave out customers whose anniversary (by its years, the
// occasion's key) already has an action, whenever that action was made: a tick with a `now`
// ahead of the clock made its actions at the clock's time, and a second such tick proposed them
// all again (the core then fired nothing, but the tick reported them as candidates).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { tickCandidates } from '../../src/data/queries/api-tick-candidates.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

describe('anniversary tick candidates', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
    // a: first order 2024-12-08, celebrated (anniversary-1) by a tick made at the clock's
    // 2025-12-03 for a now of 2025-12-10; b: first order 2024-12-09, not celebrated yet;
    // c: first order 2023-12-08, its first anniversary celebrated in 2024 only; d: first order
    // 2024-02-29, celebrated on 2025-02-28 (anniversary-1)
    for (const [id, first] of [
      ['a', '2024-12-08 10:00:00'],
      ['b', '2024-12-09 10:00:00'],
      ['c', '2023-12-08 10:00:00'],
      ['d', '2024-02-29 10:00:00'],
    ]) {
      await engine.exec({
        sql: `INSERT INTO customer_profile (customer_id, orders_count, purchase_days, revenue,
          referrals, reviews, updated_at, first_order_at, last_order_at)
          VALUES ($1, 1, 1, 10, 0, 0, TIMESTAMP '2025-01-01', CAST($2 AS TIMESTAMP), CAST($2 AS TIMESTAMP))`,
        params: [id, first],
      })
    }
    for (const [key, customer, at] of [
      ['anniv:a:anniversary-1:a0', 'a', '2025-12-03 09:00:00'],
      ['anniv:c:anniversary-1:a0', 'c', '2024-12-08 09:00:00'],
      ['anniv:d:anniversary-1:a0', 'd', '2025-02-28 09:00:00'],
    ]) {
      await engine.exec({
        sql: `INSERT INTO actions_log (action_key, playbook_id, customer_id, trigger_type,
          department, kind, status, control, attempts, created_at, scheduled_at)
          VALUES ($1, 'anniv', $2, 'anniversary', 'recognition', 'webhook', 'sent', false, 0,
            CAST($3 AS TIMESTAMP), CAST($3 AS TIMESTAMP))`,
        params: [key, customer, at],
      })
    }
  })
  afterAll(async () => {
    await engine.close()
  })

  const candidates = async (now: string, monthDays: number[]) =>
    (
      await engine.query<{ customer_id: string }>(
        tickCandidates('duckdb', {
          playbookId: 'anniv',
          trigger: { type: 'anniversary', windowDays: 7, monthDays },
          nowSec: Date.parse(now) / 1000,
          sinceSec: Date.parse(now) / 1000 - 86_400,
          afterId: null,
          limit: 100,
        }),
      )
    ).map((r) => r.customer_id)

  it('propose the customers whose anniversary of this year has no action', async () => {
    // window Dec 4-10, 2025: a is done (anniversary-1), b is not, c's second one is not
    expect(
      await candidates('2025-12-10T12:00:00Z', [1204, 1205, 1206, 1207, 1208, 1209, 1210]),
    ).toEqual(['b', 'c'])
  })

  it('count Feb 29 as Feb 28 in a common year, as the core does', async () => {
    // 2026-02-28: d's second anniversary (2025's was the first)
    expect(
      await candidates('2026-02-28T12:00:00Z', [222, 223, 224, 225, 226, 227, 228, 229]),
    ).toEqual(['d'])
    // 2025-03-01: d's first anniversary was celebrated on Feb 28
    expect(
      await candidates('2025-03-01T12:00:00Z', [223, 224, 225, 226, 227, 228, 229, 301]),
    ).toEqual([])
  })
})
