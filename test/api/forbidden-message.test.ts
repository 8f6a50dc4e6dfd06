// A 403 says in a sentence which permission the key's role lacks and which roles hold it: the
// permission is a noun, and "the read-only role may not keys" read as a broken message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!

describe('the 403 message', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck)
  })
  afterAll(() => h?.close())

  it('names the role, the permission and the roles that hold it', async () => {
    const keys = await h.call('GET', '/v1/keys', { role: 'read-only' })
    expect(keys.status).toBe(403)
    expect(keys.json.error).toEqual({
      code: 'forbidden',
      message:
        'the read-only role lacks the "keys" permission, which this request needs (roles with it: admin)',
      details: { role: 'read-only', permission: 'keys' },
    })
    const refit = await h.call('POST', '/v1/jobs/refit', { role: 'service' })
    expect(refit.status).toBe(403)
    expect(refit.json.error.message).toBe(
      'the service role lacks the "refit" permission, which this request needs (roles with it: admin, analyst)',
    )
  })
})
