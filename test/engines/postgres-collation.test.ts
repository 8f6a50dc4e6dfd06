// The API's customer listings in DuckDB's byte order on a PostgreSQL database whose collation is
// a language's (ICU en-US): they listed "-7, +5, ..., ann@x.com, C0001" there against "+5, -7, ...,
// C0001, ..., ann@x.com" on DuckDB, so the same pages and audience files differed by store.
import postgres from 'postgres'
import { describe, expect, inject, it } from 'vitest'
import { audienceEmails } from '../../src/data/queries/api-audience-emails.ts'
import { customersList } from '../../src/data/queries/api-customers-list.ts'
import { refitAggregates } from '../../src/data/queries/api-refit-aggregates.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

const IDS = ['-7', '+5', '7', 'C0001', 'ann@x.com', 'Zoë', 'b', 'B', '_x']

describe('customer listings on a PostgreSQL database with an ICU collation', () => {
  it('are in byte order, paged alike', async () => {
    const base = inject('pgUrl')
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    const name = `icu_${process.pid}`
    await admin.unsafe(
      `CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
    )
    try {
      const u = new URL(base)
      u.pathname = `/${name}`
      const engine = await openWorkspace(u.toString())
      try {
        for (const id of IDS) {
          await engine.exec({
            sql: `INSERT INTO customer_profile (customer_id, email, orders_count, purchase_days,
              revenue, referrals, reviews, tier_name, updated_at)
              VALUES ($1, $2, 1, 1, 10, 0, 0, 'Gold', TIMESTAMP '2025-01-01 00:00:00')`,
            params: [id, `${id}@mail.test`],
          })
        }
        // the database's own order is a language's, not the bytes'
        const own = await engine.query<{ id: string }>(
          'SELECT customer_id AS id FROM customer_profile ORDER BY customer_id',
        )
        const bytes = [...IDS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        expect(own.map((r) => r.id)).not.toEqual(bytes)
        const listed = async (after?: string) =>
          (
            await engine.query<{ listed_id: string }>(
              customersList('postgres', { limit: 4, ...(after ? { after } : {}) }),
            )
          ).map((r) => r.listed_id)
        const pages: string[] = []
        let after: string | undefined
        for (;;) {
          const page = await listed(after)
          pages.push(...page.slice(0, 4))
          if (page.length <= 4) break
          after = page[3]
        }
        expect(pages).toEqual(bytes)
        const emails = await engine.query<{ customer_id: string }>(
          audienceEmails('postgres', 'Gold'),
        )
        expect(emails.map((r) => r.customer_id)).toEqual(bytes)
        // the refit's model input in that order too: in the language's order the fitted
        // parameters (and every live profile's figures) differed from DuckDB's in the last digits
        for (const [i, id] of IDS.entries()) {
          await engine.exec({
            sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
              VALUES ($1, $1, $2, TIMESTAMP '2025-01-01 10:00:00', DATE '2025-01-01', $3)`,
            params: [`o${i}`, id, 10 + i],
          })
        }
        const refit = await engine.query<{ customer_id: string }>(refitAggregates('postgres'))
        expect(refit.map((r) => r.customer_id)).toEqual(bytes)
      } finally {
        await engine.close()
      }
    } finally {
      await admin.unsafe(`DROP DATABASE "${name}" WITH (FORCE)`)
      await admin.end({ timeout: 5 })
    }
  })
})
