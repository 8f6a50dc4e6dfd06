// `loyals serve` scores as of its clock: a workspace whose newest order is months old reads as
// everyone lapsed, which the server says at start (staleOrdersNote) instead of in silence.
import { afterEach, describe, expect, it } from 'vitest'
import { staleOrdersNote } from '../../src/api/server.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2026-12-02T12:00:00Z')

describe.each(STORES)('the stale-orders note on $name', (kind) => {
  let h: Harness | null = null
  afterEach(async () => {
    await h?.close()
    h = null
  })

  it('names the newest order and the days to the clock past 90 days, and nothing before', async () => {
    h = await harness(kind, { now: NOW })
    expect(await staleOrdersNote(h.store)).toBeNull() // no orders at all
    const post = (c: string, at: string) =>
      h!.call('POST', '/v1/events', { body: orderEvent(c, `${c}-1`, 10, at) })
    expect((await post('old', '2025-12-31T10:00:00Z')).status).toBe(200)
    expect(await staleOrdersNote(h.store)).toBe(
      'the newest order is from 2025-12-31, 336 days before the clock (2026-12-02): the server scores as of its clock, so profiles, P(alive) and lapsed rules count those days as time without purchases. Import current orders, or look at the data as of its end with `loyals analyze --as-of 2025-12-31`',
    )
    expect((await post('recent', '2026-11-01T10:00:00Z')).status).toBe(200)
    expect(await staleOrdersNote(h.store)).toBeNull()
  })
})
