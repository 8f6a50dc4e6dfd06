// The answers' schemas (src/api/responses.ts): the OpenAPI document describes every route's
// success answer by them, and the suite runs with LOYALS_CHECK_RESPONSES, so an answer that
// drifts from its schema fails the request (and the test that made it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ROUTES } from '../../src/api/app.ts'
import type { Route } from '../../src/api/route.ts'
import { env } from '../../src/config.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!

describe('response schemas', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck)
  })
  afterAll(async () => {
    await h.close()
  })

  it('the test suite checks every answer against its schema', () => {
    expect(env().LOYALS_CHECK_RESPONSES).toBe('1')
  })

  it('the OpenAPI document gives every route its success status, schema and error statuses', async () => {
    const doc = (await h.call('GET', '/openapi.json', { role: null })).json
    for (const r of ROUTES) {
      const name = `${r.method} ${r.path}`
      const op = doc.paths[r.openapiPath ?? r.path][r.method]
      const res = r.response
      if ('schema' in res) {
        const ok = op.responses[String(res.status ?? 200)]
        expect(ok?.description, name).toBe(res.description)
        const schema = ok.content['application/json'].schema
        // the document's properties are the schema's own keys
        const shape = (res.schema as z.ZodObject).shape
        expect(Object.keys(schema.properties ?? {}).sort(), name).toEqual(Object.keys(shape).sort())
        expect(schema.additionalProperties, name).toBe(false)
      } else {
        expect(op.responses['200'].content['text/csv'], name).toBeDefined()
      }
      for (const status of [...(r.errors ?? []), ...(r.body ? [413, 415] : []), 400, 401, 500]) {
        expect(op.responses[String(status)]?.content, `${name} ${status}`).toBeDefined()
      }
    }
    const claim = doc.paths['/v1/tasks/{id}/claim'].post.responses
    expect(Object.keys(claim)).toContain('409')
    // a batch under a seq already held with other content is a 409 batch_conflict
    expect(Object.keys(doc.paths['/v1/imports/{id}/batches'].post.responses)).toContain('409')
    expect(doc.paths['/v1/keys'].post.responses['201']).toBeDefined()
    expect(doc.paths['/v1/jobs/refit'].post.responses['202']).toBeDefined()
  })

  it('every GET route answers an empty store within its schema (or with an error)', async () => {
    for (const r of ROUTES.filter((x) => x.method === 'get')) {
      const res = await h.call('GET', r.example)
      expect(res.status, `${r.path}: ${res.text}`).not.toBe(500)
    }
    expect((await h.call('GET', '/v1/service/level/c1')).status).toBe(200)
    expect((await h.call('GET', '/v1/goals')).status).toBe(200)
    expect((await h.call('POST', '/v1/jobs/tick', { body: {} })).status).toBe(200)
    expect(
      (await h.call('POST', '/v1/keys', { body: { role: 'analyst', name: 'x' } })).status,
    ).toBe(201)
  })

  it('an answer that drifts from its schema fails the request with a 500', async () => {
    const r = ROUTES.find((x) => x.path === '/v1/service/level/:customerId') as Route
    const mutable = r as { response: Route['response'] }
    const kept = r.response
    // the schema without one field the handler answers with
    mutable.response = {
      schema: z.strictObject({ customerId: z.string(), known: z.boolean() }),
      description: 'narrowed',
    }
    try {
      const res = await h.call('GET', '/v1/service/level/c1')
      expect(res.status).toBe(500)
      expect(res.json.error.code).toBe('internal')
    } finally {
      mutable.response = kept
    }
    // a declared status the handler does not answer with fails too
    mutable.response = { ...kept, status: 201 } as Route['response']
    try {
      expect((await h.call('GET', '/v1/service/level/c1')).status).toBe(500)
    } finally {
      mutable.response = kept
    }
    expect((await h.call('GET', '/v1/service/level/c1')).status).toBe(200)
  })
})
