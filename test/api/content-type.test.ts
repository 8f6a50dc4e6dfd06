// A body is JSON only when the request says so: one sent as text/plain, as a form (curl -d without
// a header) or without a content type is refused with 415, before anything is stored; a route
// whose body may be left out takes a request without one whatever its headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness } from './harness.ts'

describe.each(STORES)('the Content-Type of a body on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(() => h?.close())

  const post = async (path: string, type: string | null, body?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${h.keys.admin}` }
    if (type !== null) headers['content-type'] = type
    // bytes: a string body would get text/plain from the Request itself
    const bytes = body === undefined ? {} : { body: new TextEncoder().encode(body) }
    const res = await h.app.request(path, { method: 'POST', headers, ...bytes })
    const json = (await res.json()) as { error: { code: string; message: string } }
    return { status: res.status, json }
  }
  const event = (messageId: string) =>
    JSON.stringify({ type: 'identify', messageId, userId: 'ct1', traits: { name: 'Cy' } })

  it('refuses a JSON body not sent as application/json with 415, and stores nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      const res = await post('/v1/events', type, event(`ct-${type}`))
      expect(res.status, String(type)).toBe(415)
      expect(res.json.error).toMatchObject({
        code: 'unsupported_media_type',
        details: { contentType: type },
      })
      expect(res.json.error.message).toMatch(/Content-Type: application\/json/)
    }
    expect(await count(h, 'SELECT count(*) FROM events')).toBe(0)
    for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
      expect((await post('/v1/events', type, event(`ok-${type}`))).status, type).toBe(200)
    }
    // no body at all (claim's may be left out): nothing to describe
    expect((await post('/v1/tasks/task_x/claim', null)).status).toBe(404)
  })
})
