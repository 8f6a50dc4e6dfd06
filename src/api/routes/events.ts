// Events in: Segment identify/track one at a time or in batches, and direct orders/customers.
import { createHash } from 'node:crypto'
import {
  BatchSchema,
  customerAsEvent,
  DirectCustomerSchema,
  DirectOrderSchema,
  EventSchema,
  holdsTraits,
  ImportIdSchema,
  normalizeEvent,
  orderAsEvent,
  type SegmentEvent,
  StagedBatchSchema,
} from '../../service/ops/events.ts'
import { commitStaged, stageBatch } from '../../service/ops/staged-import.ts'
import {
  checkDirectCustomer,
  checkDirectOrder,
  checkEvents,
  eventContext,
  noteCurrency,
} from '../event-checks.ts'
import { BatchAnswer, CommitAnswer, IngestAnswer, StagedAnswer } from '../responses.ts'
import type { ApiDeps } from '../route.ts'
import { route } from '../route.ts'
import { Empty } from '../schemas.ts'

async function one(deps: ApiDeps, e: SegmentEvent) {
  const [r] = await deps.ingestor.submit([normalizeEvent(e, deps.store.now())])
  noteCurrency(deps, [e])
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
      checkEvents([body], eventContext(deps))
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
      const ctx = eventContext(deps)
      checkEvents(body.batch, ctx, (i) => `batch[${i}]`)
      const results = await deps.ingestor.submit(
        body.batch.map((e) => normalizeEvent(e, ctx.nowMs)),
      )
      noteCurrency(deps, body.batch)
      const stored = results.filter((r) => r.status === 'stored').length
      return { json: { stored, duplicates: results.length - stored, results } }
    },
  }),
  route({
    method: 'post',
    path: '/v1/imports/:id/batches',
    openapiPath: '/v1/imports/{id}/batches',
    permission: 'ingest',
    tag: 'events',
    summary:
      'One batch of a file import (`loyals import` through the server): validated and held, not stored, until the commit.',
    body: StagedBatchSchema,
    response: { schema: StagedAnswer, description: 'The batch is held under the import id' },
    // 409 batch_conflict: another batch under a seq already held
    errors: [409, 422],
    params: { id: ImportIdSchema },
    example: '/v1/imports/3f2a9c1e-0000-4000-8000-000000000001/batches',
    handler: async ({ params, body, deps }) => {
      const id = params.id!
      checkEvents(body.batch, eventContext(deps), (i) => `batch[${i}]`)
      await stageBatch(deps.store, id, body.seq, body.batch)
      return { json: { staged: body.batch.length } }
    },
  }),
  route({
    method: 'post',
    path: '/v1/imports/:id/commit',
    openapiPath: '/v1/imports/{id}/commit',
    permission: 'ingest',
    tag: 'events',
    summary:
      "Store a file import's batches in ONE transaction (all or none); each call idempotent by messageId. 404 when no batch is held under the id (never sent, committed, or expired).",
    // no body, or {}: the batches are what it stores (a body of anything else was taken)
    body: Empty.optional(),
    response: { schema: CommitAnswer, description: 'Every call stored or found stored' },
    // 409 batches_missing: the held seqs have a gap (a batch never held); batches_changed: a
    // batch arrived while it was committed
    errors: [409, 422],
    params: { id: ImportIdSchema },
    example: '/v1/imports/3f2a9c1e-0000-4000-8000-000000000001/commit',
    handler: async ({ params, deps }) => {
      let calls: readonly SegmentEvent[] = []
      const json = await commitStaged(deps.store, deps.ingestor, params.id!, (all) => {
        // each batch was checked alone when held: the file's currencies are checked together
        checkEvents(all, eventContext(deps), (i) => `events[${i}]`)
        calls = all
      })
      noteCurrency(deps, calls)
      // orders sent to a store no refit has scored on any customer (no model yet, or one fitted
      // before any order: a customers file imported first): their customers had no tier or
      // segment, or ones of an empty model, until someone refitted by hand. Refitted in the
      // background, as a server started on an imported workspace does (docs/api.md)
      const ordersSent = calls.some((c) => c.type === 'track' && c.event === 'Order Completed')
      if (ordersSent && (deps.store.model?.customers ?? 0) === 0) {
        void deps.jobs.startRefit().catch(() => {})
      }
      return { json }
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
      checkDirectOrder(body, eventContext(deps))
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
      // the profile holds these traits already: a retry (whose first call had a revision in its
      // id, see customerAsEvent) or no change; either way nothing to apply or store
      if (p && holdsTraits(p, body)) {
        // the id the first call was stored under (with its revision), when an event set them
        const base = customerAsEvent(body, sha).messageId
        const eventId = (await deps.store.identifyEventId(base)) ?? base
        return { json: { eventId, status: 'duplicate' } }
      }
      return one(deps, customerAsEvent(body, sha, p ? p.updatedAtMs : undefined))
    },
  }),
]
