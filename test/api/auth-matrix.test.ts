// Every route × every role (plus no key, a malformed key and a revoked key): 401 without a valid
// key, 403 outside the role, anything else inside it. Table-driven from the route table itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTES } from '../../src/api/app.ts'
import { ROLE_PERMISSIONS } from '../../src/api/auth.ts'
import { ROLES } from '../../src/service/ops/keys.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!

describe('auth matrix', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck)
  })
  afterAll(async () => {
    await h.close()
  })

  it('covers every route', () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(18)
  })

  for (const r of ROUTES) {
    const name = `${r.method.toUpperCase()} ${r.path}`
    it(`${name}: 401 without a key, with a malformed key, with an unknown key`, async () => {
      for (const opts of [
        { role: null },
        { token: 'not-a-key' },
        { token: 'lk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      ] as const) {
        const res = await h.call(r.method.toUpperCase(), r.example, opts)
        expect(res.status, JSON.stringify(opts)).toBe(401)
        expect(res.json.error.code).toBe('unauthorized')
      }
    })
    for (const role of ROLES) {
      const allowed = ROLE_PERMISSIONS[role].includes(r.permission)
      it(`${name} as ${role}: ${allowed ? 'allowed' : '403'}`, async () => {
        const res = await h.call(r.method.toUpperCase(), r.example, { role })
        if (allowed) {
          expect([401, 403]).not.toContain(res.status)
        } else {
          expect(res.status).toBe(403)
          expect(res.json.error).toMatchObject({
            code: 'forbidden',
            details: { role, permission: r.permission },
          })
        }
      })
    }
  }

  it('two keys (two Authorization headers, joined by a comma) are refused as such', async () => {
    const twice = await h.call('GET', '/v1/goals', {
      token: `${h.keys.admin}, Bearer ${h.keys.admin}`,
    })
    expect(twice.status).toBe(401)
    expect(twice.json.error.message).toBe(
      'send one API key: this request had 2 (Authorization headers are joined by commas); send Authorization: Bearer <key> once',
    )
    const none = await h.call('GET', '/v1/goals', { role: null })
    expect(none.status).toBe(401)
    expect(none.json.error.message).toBe('send an API key: Authorization: Bearer <key>')
  })

  it('a revoked key is refused at once', async () => {
    const created = await h.call('POST', '/v1/keys', { body: { role: 'read-only', name: 'temp' } })
    expect(created.status).toBe(201)
    const ok = await h.call('GET', '/v1/goals', { token: created.json.key })
    expect(ok.status).toBe(200)
    const del = await h.call('DELETE', `/v1/keys/${created.json.keyId}`)
    expect(del.status).toBe(200)
    const after = await h.call('GET', '/v1/goals', { token: created.json.key })
    expect(after.status).toBe(401)
    const list = await h.call('GET', '/v1/keys')
    // the secret is base64url and may itself hold '_': it is what follows lk_<id>_
    const secret = String(created.json.key).slice(`lk_${created.json.keyId}_`.length)
    expect(secret).toHaveLength(43)
    expect(JSON.stringify(list.json)).not.toContain(secret)
  })

  it('/openapi.json and /health need no key; the document lists every route with its roles', async () => {
    const doc = await h.call('GET', '/openapi.json', { role: null })
    expect(doc.status).toBe(200)
    expect(doc.json.openapi).toBe('3.1.0')
    for (const r of ROUTES) {
      const op = doc.json.paths[r.openapiPath ?? r.path]?.[r.method]
      expect(op, `${r.method} ${r.path}`).toBeDefined()
      expect(op['x-roles']).toEqual(ROLES.filter((x) => ROLE_PERMISSIONS[x].includes(r.permission)))
    }
    const health = await h.call('GET', '/health', { role: null })
    expect(health.json).toMatchObject({ status: 'ok', store: 'duckdb' })
  })
})
