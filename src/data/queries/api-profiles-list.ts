// Profiles by tier and/or segment, keyset-paged on customer_id (stable under inserts, no OFFSET).
import type { Dialect, Query } from '../engine.ts'

export interface ProfilesListArgs {
  readonly tierName?: string
  readonly segment?: string
  /** Return customers after this id. */
  readonly after?: string
  readonly limit: number
}

export function profilesList(_dialect: Dialect, a: ProfilesListArgs): Query {
  const where: string[] = []
  const params: unknown[] = []
  if (a.tierName !== undefined) {
    params.push(a.tierName)
    where.push(`tier_name = $${params.length}`)
  }
  if (a.segment !== undefined) {
    params.push(a.segment)
    where.push(`segment = $${params.length}`)
  }
  if (a.after !== undefined) {
    params.push(a.after)
    where.push(`customer_id > $${params.length}`)
  }
  const limit = Math.max(1, Math.min(1000, Math.floor(a.limit))) + 1
  return {
    sql: `SELECT * FROM customer_profile ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY customer_id LIMIT ${limit}`,
    params,
  }
}
