// Service priority: rank a queue of waiting customers by tier and waiting time (no one starves),
// and one customer's service level for a help-desk router.
import { rankQueue, serviceLevel } from '../../core/ops/service-rank.ts'
import { RankAnswer, ServiceLevelAnswer } from '../responses.ts'
import { route } from '../route.ts'
import { RankBody } from '../schemas.ts'

export const serviceRoutes = [
  route({
    method: 'post',
    path: '/v1/service/rank',
    permission: 'rank',
    tag: 'service',
    summary:
      'Order waiting customers: overdue first (longest waiting), then tier weight × (1 + waited / target).',
    body: RankBody,
    response: { schema: RankAnswer, description: 'The queue in the order to serve it' },
    example: '/v1/service/rank',
    handler: async ({ body, deps }) => {
      const now = body.now ? Date.parse(body.now) : deps.store.now()
      const profiles = await deps.store.profilesAsTyped(body.queue.map((q) => q.customerId))
      const ranked = rankQueue(
        body.queue.map((q) => ({
          customerId: q.customerId,
          tier: profiles.get(q.customerId)?.tier ?? null,
          waitingSinceMs: Date.parse(q.waitingSince),
          channel: q.channel ?? null,
        })),
        now,
        deps.store.policy,
      )
      return { json: { now: new Date(now).toISOString(), queue: ranked } }
    },
  }),
  route({
    method: 'get',
    path: '/v1/service/level/:customerId',
    openapiPath: '/v1/service/level/{customerId}',
    permission: 'read',
    tag: 'service',
    summary:
      "A customer's service level (priority, response target, queue); unknown customers get the last tier's.",
    response: { schema: ServiceLevelAnswer, description: "The customer's service level" },
    example: '/v1/service/level/c1',
    handler: async ({ params, deps }) => {
      const p = await deps.store.profileAsTyped(params.customerId!)
      const level = serviceLevel(deps.store.policy, p?.tier ?? null)
      // a known customer as stored (Ann@X.com is ann@x.com), as the profile gives them
      return {
        json: { customerId: p?.customerId ?? params.customerId, known: p !== null, ...level },
      }
    },
  }),
]
