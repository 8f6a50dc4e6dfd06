// Profiles out: one customer, lists by tier or segment with keyset paging, hashed-email audiences,
// and erasure.
import { hashEmail } from '../../core/ops/audiences.ts'
import { audienceEmails } from '../../data/queries/api-audience-emails.ts'
import { customersList } from '../../data/queries/api-customers-list.ts'
import { eraseCustomerData } from '../../service/ops/erase.ts'
import { rowProfile } from '../../service/ops/store.ts'
import { NotFoundError } from '../../service/ops/tasks.ts'
import { decodeCursor, encodeCursor } from '../cursor.ts'
import { ErasureAnswer, ProfileAnswer, ProfilesAnswer } from '../responses.ts'
import { route } from '../route.ts'
import { CustomersQuery, Empty } from '../schemas.ts'
import { lapsedLine, profileView, scoringModelName } from './views.ts'

export const customerRoutes = [
  route({
    method: 'get',
    path: '/v1/customers/:id',
    openapiPath: '/v1/customers/{id}',
    permission: 'read',
    tag: 'profiles',
    summary: "A customer's value, prediction, tier, segment, loyalty type and reasons.",
    response: { schema: ProfileAnswer, description: 'The profile' },
    example: '/v1/customers/c1',
    handler: async ({ params, deps }) => {
      const p = await deps.store.profileAsTyped(params.id!)
      if (!p) throw new NotFoundError('customer', params.id!)
      return {
        json: profileView(
          p,
          scoringModelName(deps.store.model),
          lapsedLine(deps.store),
          deps.store.value.currency.code,
        ),
      }
    },
  }),
  route({
    method: 'get',
    path: '/v1/customers',
    permission: 'read',
    tag: 'profiles',
    summary:
      'Every known customer (those without orders too), or those of a tier and/or segment, in customer id order; `nextCursor` pages on.',
    query: CustomersQuery,
    response: { schema: ProfilesAnswer, description: 'A page of profiles' },
    example: '/v1/customers?limit=2',
    handler: async ({ query, deps }) => {
      // a misspelt tier ("gold" for Gold) would read as an empty tier
      if (query.tier !== undefined && !deps.store.tierNames.includes(query.tier)) {
        throw new NotFoundError('tier', query.tier)
      }
      const rows = await deps.store.use((e) =>
        e.query(
          customersList(e.dialect, {
            ...(query.tier !== undefined ? { tierName: query.tier } : {}),
            ...(query.segment !== undefined ? { segment: query.segment } : {}),
            ...(query.cursor !== undefined
              ? { after: decodeCursor('customers', query.cursor) }
              : {}),
            limit: query.limit,
          }),
        ),
      )
      const model = scoringModelName(deps.store.model)
      const more = rows.length > query.limit
      // a customer without orders has no profile row: shown as the lookup shows them
      const page = rows.slice(0, query.limit).map((r) =>
        r.customer_id === null || r.customer_id === undefined
          ? deps.store.recordProfile(String(r.listed_id), {
              email: r.record_email,
              name: r.record_name,
              signup_at: r.record_signup_at,
              imported_consent: r.record_consent,
              referrals: r.record_referrals,
              reviews: r.record_reviews,
              nps: r.record_nps,
              ces: r.record_ces,
            })
          : rowProfile(r),
      )
      const last = page.at(-1)
      return {
        json: {
          customers: page.map((x) =>
            profileView(x, model, lapsedLine(deps.store), deps.store.value.currency.code),
          ),
          nextCursor: more && last ? encodeCursor('customers', last.customerId) : null,
        },
      }
    },
  }),
  route({
    method: 'get',
    path: '/v1/audiences/:file',
    openapiPath: '/v1/audiences/{tier}.csv',
    permission: 'export',
    tag: 'profiles',
    summary:
      "A tier's audience as CSV of SHA-256 hashed emails (trimmed, lowercased), for ad platforms.",
    response: {
      contentType: 'text/csv; charset=utf-8',
      description: 'One email_sha256 column, a hash per line',
    },
    example: '/v1/audiences/Gold.csv',
    handler: async ({ params, deps }) => {
      const file = params.file ?? ''
      if (!file.endsWith('.csv')) throw new NotFoundError('audience', file)
      const tier = file.slice(0, -4)
      if (!deps.store.tierNames.includes(tier)) throw new NotFoundError('tier', tier)
      const rows = await deps.store.use((e) => e.query(audienceEmails(e.dialect, tier)), {
        parallel: true,
      })
      const hashes = new Set<string>()
      for (const r of rows) {
        const h = hashEmail(r.email === null ? null : String(r.email))
        if (h) hashes.add(h)
      }
      return {
        text: `email_sha256\n${[...hashes].map((h) => `${h}\n`).join('')}`,
        contentType: 'text/csv; charset=utf-8',
      }
    },
  }),
  route({
    method: 'delete',
    path: '/v1/customers/:id',
    openapiPath: '/v1/customers/{id}',
    permission: 'erase',
    tag: 'privacy',
    summary:
      'Erase a customer: personal data removed; orders kept under a salted-hash pseudonym so aggregates stay (an id erased before: 200 with `alreadyErased`).',
    body: Empty.optional(),
    response: { schema: ErasureAnswer, description: 'Erased (or erased before)' },
    example: '/v1/customers/c1',
    handler: async ({ params, deps }) => {
      const r = await eraseCustomerData(deps.store, params.id!)
      return {
        json: {
          erased: true,
          pseudonym: r.pseudonym,
          erasedAt: r.erasedAt,
          alreadyErased: r.alreadyErased,
        },
      }
    },
  }),
]
