// A paging cursor belongs to the listing that gave it: GET /v1/customers, /v1/actions and
// /v1/tasks each refuse another's cursor with a 400 naming it (an actions cursor read as a
// customer id started the customer list at an arbitrary customer), and page on with their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!
const LISTINGS = ['customers', 'actions', 'tasks'] as const

describe('paging cursors', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck, {
      ops: {
        holdout: { defaultShare: 0 },
        playbooks: [
          {
            id: 'call-first',
            department: 'service',
            trigger: { type: 'first_order' },
            actions: [{ type: 'task', role: 'am', title: 'Call the new customer' }],
          },
        ],
      },
    })
    const batch = ['c1', 'c2', 'c3'].map((c, i) =>
      orderEvent(c, `o${i}`, 10, `2025-03-01T10:0${i}:00Z`),
    )
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
  })
  afterAll(() => h?.close())

  it('are refused by every other listing, and taken by their own', async () => {
    const cursors = new Map<string, string>()
    for (const l of LISTINGS) {
      const page = await h.call('GET', `/v1/${l}?limit=1`)
      expect(page.status, l).toBe(200)
      expect(page.json.nextCursor, l).toEqual(expect.any(String))
      cursors.set(l, page.json.nextCursor)
    }
    for (const from of LISTINGS) {
      for (const to of LISTINGS) {
        const res = await h.call('GET', `/v1/${to}?limit=1&cursor=${cursors.get(from)}`)
        if (from === to) {
          expect(res.status, `${from} on ${to}`).toBe(200)
          continue
        }
        expect(res.status, `${from} on ${to}`).toBe(400)
        expect(res.json.error.details).toEqual([
          {
            path: 'cursor',
            reason: `a cursor of GET /v1/${from}, not of GET /v1/${to}: pass a cursor back to the listing that gave it`,
          },
        ])
      }
    }
  })
})
