// The OpenAPI document shows the 405s the server answers: on every path, the methods it takes and
// the rule for the others (with the MethodNotAllowed response), and on an operation whose path
// parameter can hit another route's path (GET /v1/jobs/tick), a 405 of its own. Checked against
// real requests, so the document and the app cannot disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTES } from '../../src/api/app.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH']

describe('405 in /openapi.json', () => {
  let h: Harness
  // biome-ignore lint/suspicious/noExplicitAny: the document is read field by field
  let doc: any
  beforeAll(async () => {
    h = await harness(duck)
    doc = (await h.call('GET', '/openapi.json', { role: null })).json
  })
  afterAll(() => h?.close())

  it('every path says which methods it takes; any other one answers 405 as described', async () => {
    expect(doc.components.responses.MethodNotAllowed.headers.Allow).toBeDefined()
    expect(doc.info.description).toContain('405')
    const examples = new Map<string, string>([
      ['/health', '/health'],
      ['/openapi.json', '/openapi.json'],
      ...ROUTES.map((r): [string, string] => [r.openapiPath ?? r.path, r.example.split('?')[0]!]),
    ])
    for (const [path, item] of Object.entries(doc.paths) as [string, object][]) {
      const takes = Object.keys(item)
        .filter((k) => k !== 'description')
        .map((m) => m.toUpperCase())
      const note = (item as { description?: string }).description
      expect(note, path).toContain('405 method_not_allowed')
      expect(note, path).toContain(`Takes ${takes.join(', ')}`)
      for (const method of METHODS.filter((m) => !takes.includes(m))) {
        const res = await h.call(method, examples.get(path)!)
        expect(res.status, `${method} ${path}`).toBe(405)
        const allow = takes.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]))
        expect(res.json.error.details.allow, `${method} ${path}`).toEqual(allow)
      }
    }
  })

  it('GET /v1/jobs/{id} lists the 405 of GET /v1/jobs/tick and GET /v1/jobs/refit', async () => {
    const op = doc.paths['/v1/jobs/{id}'].get
    expect(op.responses['405'].description).toContain('GET /v1/jobs/tick')
    expect(op.responses['405'].description).toContain('GET /v1/jobs/refit')
    expect(op.responses['405'].headers.Allow).toBeDefined()
    for (const path of ['/v1/jobs/tick', '/v1/jobs/refit']) {
      const res = await h.call('GET', path)
      expect(res.status).toBe(405)
      expect(res.json.error).toMatchObject({
        code: 'method_not_allowed',
        details: { allow: ['POST'] },
      })
    }
    // no other operation can meet a 405 for its own method
    const listing = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { responses?: object }>)
        .filter(([, op]) => op.responses && '405' in op.responses)
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    )
    expect(listing).toEqual(['GET /v1/jobs/{id}'])
  })
})
