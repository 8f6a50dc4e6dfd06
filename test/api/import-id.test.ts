// The import id of /v1/imports/{id}/...: the OpenAPI path parameter says what the server takes
// (1 to 64 letters, digits, - or _: a pattern and a maxLength, not just "a string"), and each id
// the server takes or refuses is one the document's schema takes or refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!

describe('the import id', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck)
  })
  afterAll(() => h?.close())

  it('is described by the document as the server checks it', async () => {
    const doc = (await h.call('GET', '/openapi.json', { role: null })).json
    const schemas = ['batches', 'commit'].map(
      (step) =>
        doc.paths[`/v1/imports/{id}/${step}`].post.parameters.find(
          (p: { name: string }) => p.name === 'id',
        ).schema,
    )
    for (const schema of schemas) {
      expect(schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 64 })
      expect(schema.pattern).toBeDefined()
    }
    const [schema] = schemas
    const described = (id: string) =>
      id.length >= schema.minLength &&
      id.length <= schema.maxLength &&
      new RegExp(schema.pattern).test(id)
    const batch = { seq: 0, batch: [orderEvent('c1', 'o1', 10, '2025-02-01T10:00:00Z')] }
    for (const id of [
      'not-a-uuid',
      'A_b-9',
      'x'.repeat(64),
      'x'.repeat(65),
      'x'.repeat(300),
      'a.b',
      'a%20b',
    ]) {
      const res = await h.call('POST', `/v1/imports/${id}/batches`, { body: batch })
      expect(res.status, id).toBe(described(decodeURIComponent(id)) ? 200 : 400)
      if (res.status === 400) {
        expect(res.json.error.details, id).toEqual([
          { path: 'id', reason: 'must be 1 to 64 letters, digits, - or _ (a UUID is one)' },
        ])
      }
    }
    expect(described('not-a-uuid')).toBe(true)
    expect(described('x'.repeat(300))).toBe(false)
  })
})
