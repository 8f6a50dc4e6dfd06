// Events in: Segment identify/track one at a time or in batches, and direct orders/customers.
import { createHash } from 'node:crypto'
import {
  BatchSchema,
  customerAsEvent,
  DirectCustomerSchema,
  DirectOrderSchema,
  EventSchema,
  holdsTraits,
  normalizeEvent,
  orderAsEvent,
  type SegmentEvent,
} from '../../service/ops/events.ts'
import { checkDirectCustomer, checkDirectOrder, checkEvents } from '../event-checks.ts'
import { BatchAnswer, IngestAnswer } from '../responses.ts'
import type { ApiDeps } from '../route.ts'
import { route } from '../route.ts'

async function one(deps: ApiDeps, e: SegmentEvent) {
  const [r] = await deps.ingestor.submit([normalizeEvent(e, deps.store.now())])
  return { json: r }
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16)

export const eventRoutes = [
  route({
    method: 'post',
    path: '/v1/events',
    permission: 'ingest',
    tag: 'events',
    summary:
      'One Segment identify or track call; idempotent by messageId. Answered after the commit.',
    body: EventSchema,
    response: { schema: IngestAnswer, description: 'Stored, or a duplicate of what was stored' },
    errors: [422],
    example: '/v1/events',
    handler: ({ body, deps }) => {
      checkEvents([body], { nowMs: deps.store.now(), currency: deps.currency })
      return one(deps, body)
    },
  }),
  route({
    method: 'post',
    path: '/v1/events/batch',
    permission: 'ingest',
    tag: 'events',
    summary: 'Up to 1,000 calls in one transaction (all or none); each idempotent by messageId.',
    body: BatchSchema,
    response: { schema: BatchAnswer, description: 'Every call stored or found stored' },
    errors: [422],
    example: '/v1/events/batch',
    handler: async ({ body, deps }) => {
      const now = deps.store.now()
      checkEvents(body.batch, { nowMs: now, currency: deps.currency }, (i) => `batch[${i}]`)
      const results = await deps.ingestor.submit(body.batch.map((e) => normalizeEvent(e, now)))
      const stored = results.filter((r) => r.status === 'stored').length
      return { json: { stored, duplicates: results.length - stored, results } }
    },
  }),
  route({
    method: 'post',
    path: '/v1/orders',
    permission: 'ingest',
    tag: 'events',
    summary: 'One order without the Segment envelope (idempotent by order_id).',
    body: DirectOrderSchema,
    response: { schema: IngestAnswer, description: 'Stored, or a duplicate of what was stored' },
    errors: [422],
    example: '/v1/orders',
    handler: ({ body, deps }) => {
      checkDirectOrder(body, { nowMs: deps.store.now(), currency: deps.currency })
      return one(deps, orderAsEvent(body))
    },
  }),
  route({
    method: 'post',
    path: '/v1/customers',
    permission: 'ingest',
    tag: 'events',
    summary: "One customer's traits (email, name, sign-up, time zone).",
    body: DirectCustomerSchema,
    response: { schema: IngestAnswer, description: 'Stored, or a duplicate of what was stored' },
    errors: [422],
    example: '/v1/customers',
    handler: async ({ body, deps }) => {
      checkDirectCustomer(body, { nowMs: deps.store.now() })
      const p = await deps.store.getProfile(body.customer_id)
      return one(
        deps,
        customerAsEvent(body, sha, p && !holdsTraits(p, body) ? p.updatedAtMs : undefined),
      )
    },
  }),
]
