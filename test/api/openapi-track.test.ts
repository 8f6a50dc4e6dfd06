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
    // left out, the properties are {}, which each checked event refuses: they are required then
    const body = doc.paths['/v1/events']!.post!.requestBody!.content['application/json']!.schema
    for (const r of trackSchemas(body)[0]!.allOf as { then: Node }[]) {
      expect(r.then.required).toEqual(['properties'])
    }
    // Order Completed's schema says what the server refuses: a total below 0, neither total nor
    // revenue, an empty order id
    const oc = doc.components.schemas.OrderCompletedProperties as {
      properties: Record<string, Node>
      anyOf: Node[]
    }
    expect(oc.properties.total).toMatchObject({
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1e12,
    })
    expect(oc.anyOf).toEqual([{ required: ['total'] }, { required: ['revenue'] }])
    expect(oc.properties.order_id!.anyOf).toContainEqual({
      type: 'string',
      pattern: '\\S',
      maxLength: 256,
    })
    const refund = doc.components.schemas.OrderRefundedProperties as { allOf: Node[] }
    expect(refund.allOf).toHaveLength(2)
    const referral = doc.components.schemas.ReferralCompletedProperties as { anyOf: Node[] }
    expect(referral.anyOf).toEqual([
      { required: ['referred_id'] },
      { required: ['referred_user_id'] },
    ])
  })

  it('say that a customer id in a queue or a query is not empty or only spaces', () => {
    const rank = doc.paths['/v1/service/rank']!.post!.requestBody!.content['application/json']!
      .schema as { properties: { queue: { items: { properties: Record<string, Node> } } } }
    expect(rank.properties.queue.items.properties.customerId).toMatchObject({
      anyOf: [
        { type: 'string', pattern: '\\S', maxLength: 256 },
        { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      ],
    })
    const actions = (doc.paths['/v1/actions']!.get as unknown as { parameters: Node[] }).parameters
    expect(actions.find((p) => p.name === 'customer')?.schema).toMatchObject({
      type: 'string',
      pattern: '\\S',
    })
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
      '2025-01-01T25:00:00Z',
      '2025-13-01T10:00:00Z',
      '2025-01-01T10:00:60Z',
      '2025-01-01T10:00:00+24:00',
      '2025-01-01T10:00:00+01:60',
      '2025-01-01 10:00:00Z',
      '2025-01-01T10:00:00',
      '2025-01-01',
    ]) {
      expect(pattern.test(s), s).toBe(dateTime.safeParse(s).success)
    }
  })
})
