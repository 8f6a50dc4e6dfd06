// The OpenAPI document describes what the server validates: a track call's properties are tied to
// the schema checked for its event (they were "any object", the event schemas referenced
// nowhere), and date-times take the offsets the server takes (+0100, +01: RFC 3339's format
// refused them).
import { describe, expect, it } from 'vitest'
import { ROUTES } from '../../src/api/app.ts'
import { openApiDocument } from '../../src/api/openapi.ts'
import { dateTime, TRACK_PROPERTIES } from '../../src/service/ops/events.ts'

type Node = Record<string, unknown>
const doc = openApiDocument(ROUTES, 'test') as {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, Node> } }>>
  components: { schemas: Record<string, Node> }
}

/** Every object schema in `s` whose `type` is the constant "track". */
function trackSchemas(s: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(s)) for (const x of s) trackSchemas(x, out)
  else if (typeof s === 'object' && s !== null) {
    const props = (s as Node).properties as Record<string, Node> | undefined
    if (props?.type?.const === 'track') out.push(s as Node)
    for (const v of Object.values(s)) trackSchemas(v, out)
  }
  return out
}

describe('the OpenAPI request schemas', () => {
  it("tie each checked track event's properties to its schema, on single and batch calls", () => {
    for (const path of ['/v1/events', '/v1/events/batch']) {
      const body = doc.paths[path]!.post!.requestBody!.content['application/json']!.schema
      const tracks = trackSchemas(body)
      expect(tracks.length, path).toBeGreaterThan(0)
      for (const t of tracks) {
        const rules = t.allOf as { if: Node; then: Node }[]
        const events = rules.map((r) => (r.if.properties as Record<string, Node>).event!.const)
        expect(events).toEqual(Object.keys(TRACK_PROPERTIES))
        for (const r of rules) {
          const ref = ((r.then.properties as Record<string, Node>).properties as Node)
            .$ref as string
          const name = ref.replace('#/components/schemas/', '')
          expect(doc.components.schemas[name], ref).toBeDefined()
        }
      }
    }
    // Order Completed's schema says what the server refuses: a total below 0
    const oc = doc.components.schemas.OrderCompletedProperties as {
      properties: Record<string, Node>
    }
    expect(oc.properties.total).toMatchObject({ type: 'number', minimum: 0 })
  })

  it('give date-times the pattern of what the server takes', () => {
    const body = doc.paths['/v1/events']!.post!.requestBody!.content['application/json']!.schema
    const ts = (trackSchemas(body)[0]!.properties as Record<string, Node>).timestamp!
    expect(ts.format).toBeUndefined()
    const pattern = new RegExp(ts.pattern as string)
    for (const s of [
      '2025-01-01T10:00:00Z',
      '2025-01-01T10:00:00+0100',
      '2025-01-01T10:00:00+01',
      '2025-01-01T10:00:00.123+01:00',
      '2025-01-01T10:00Z',
      '2025-01-01 10:00:00Z',
      '2025-01-01T10:00:00',
      '2025-01-01',
    ]) {
      expect(pattern.test(s), s).toBe(dateTime.safeParse(s).success)
    }
  })
})
