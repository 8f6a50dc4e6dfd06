// A body the server would misread is refused as such: compressed (it read as "not valid UTF-8"),
// or in another charset (a Latin-1 "Jürgen" was "not valid UTF-8", and a Latin-1 body of plain
// letters passed unnoticed). Broken JSON says where it broke, so that a 1,000-call batch broken at
// its 800th call can be found.
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

describe('request bodies on the wire', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(STORES[0]!)
  })
  afterAll(() => h?.close())

  const post = async (body: string | Uint8Array, headers: Record<string, string>) => {
    const res = await h.app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.keys.admin}`, ...headers },
      body,
    })
    return { status: res.status, json: (await res.json()) as { error: Record<string, unknown> } }
  }
  const event = JSON.stringify(orderEvent('wire', 'w1', 10, '2025-02-01T10:00:00Z'))

  it('a gzip body is a 415 naming the encoding', async () => {
    const r = await post(gzipSync(event), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    })
    expect(r.status).toBe(415)
    expect(r.json.error.message).toContain('Content-Encoding: gzip')
  })

  it('a charset other than UTF-8 is a 415; utf-8 in any case is read', async () => {
    const latin = await post(Buffer.from(event, 'latin1'), {
      'content-type': 'application/json; charset=iso-8859-1',
    })
    expect(latin.status).toBe(415)
    expect(latin.json.error.message).toContain('must be UTF-8 JSON')
    const utf = await post(event, { 'content-type': 'application/json; charset=UTF-8' })
    expect(utf.status).toBe(200)
  })

  it('broken JSON says the line and column where it broke', async () => {
    const r = await post('{\n  "type": "track",\n  "messageId": "x" "userId": "c"\n}', {
      'content-type': 'application/json',
    })
    expect(r.status).toBe(400)
    expect(r.json.error.details).toEqual([
      { path: '', reason: 'invalid JSON at line 3, column 20 (character 41)' },
    ])
  })

  it("an object without a call's type, or of a type not taken, says what to send", async () => {
    const json = { 'content-type': 'application/json' }
    const empty = await post('{}', json)
    expect(empty.status).toBe(400)
    expect(empty.json.error.details).toEqual([
      { path: 'type', reason: "is required: 'identify' or 'track'" },
    ])
    const page = await post('{"type": "page", "messageId": "p1", "userId": "c"}', json)
    expect(page.status).toBe(400)
    expect(page.json.error.details).toEqual([
      {
        path: 'type',
        reason:
          "must be 'identify' or 'track', got \"page\": send a site visit as a track call of the event 'Page Viewed'",
      },
    ])
    // not an object at all: said as such
    const list = await post('[]', json)
    expect(list.status).toBe(400)
    expect(JSON.stringify(list.json.error.details)).toContain('expected object')
  })
})
