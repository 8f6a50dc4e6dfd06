// The stored columns of the value-input tables (create-schema.ts), key first, as both writers
// fill them: `loyals import --kind ...` (which adds the file line, source_line) and the events the
// server takes in (service/ops/value-inputs.ts). One list per table, so the two cannot drift. Each
// instant has its calendar day beside it (`*_date`, see create-schema.ts), as orders have order_date.
export const ENGAGEMENT_COLUMNS = [
  'event_key',
  'customer_id',
  'occurred_at',
  'occurred_date',
  'event',
  'source',
] as const

export const SURVEY_COLUMNS = [
  'response_key',
  'response_id',
  'customer_id',
  'responded_at',
  'responded_date',
  'nps',
  'ces',
  'csat',
  'comment',
  'source',
] as const

export const REFERRAL_COLUMNS = [
  'referral_key',
  'referrer_id',
  'referred_id',
  'referred_at',
  'referred_date',
  'code',
  'source',
] as const

/**
 * The key of a referral, one per (referrer, referred) pair: the two ids joined by ' > ', each with
 * its backslashes and '>' escaped by a backslash so that no two pairs share a key (`A > B` referring `C` and
 * `A` referring `B > C` would). Ids without those characters keep the plain `referrer > referred`.
 */
export const referralKey = (referrer: string, referred: string): string => {
  const esc = (id: string) => id.replaceAll('\\', '\\\\').replaceAll('>', '\\>')
  return `${esc(referrer)} > ${esc(referred)}`
}

/** {@link referralKey} in SQL, of two text expressions (portable to PostgreSQL). */
export const referralKeySql = (referrer: string, referred: string): string => {
  const esc = (e: string) => `replace(replace(${e}, '\\', '\\\\'), '>', '\\>')`
  return `${esc(referrer)} || ' > ' || ${esc(referred)}`
}

export const RETURN_COLUMNS = [
  'return_key',
  'return_id',
  'order_id',
  'customer_id',
  'returned_at',
  'returned_date',
  'amount',
  'reason',
  'source',
] as const

/**
 * The most handling minutes one ticket may cost: a week, round the clock (7 × 24 × 60). More is
 * a column in seconds or milliseconds (`1e9`), which would make the customer's cost to serve
 * absurd without a word; money has its own bound (MAX_NUMBER), which minutes never reach.
 * A file (kinds/tickets.ts) and the API's ticket events (ops/events.ts) both hold to it.
 */
export const MAX_TICKET_MINUTES = 10_080

export const TICKET_COLUMNS = [
  'ticket_id',
  'customer_id',
  'opened_at',
  'opened_date',
  'resolved_at',
  'channel',
  'handling_minutes',
  'satisfaction',
  'source',
] as const

/**
 * Each value-input table's instant and its calendar day, as orders have ordered_at and order_date:
 * the day is local to the import's --tz (UTC from the API), so an as-of date counts a ticket by the
 * same day as an order of the same moment. Nullable: a referral may be undated, and a workspace
 * made before the columns gets them by ADD COLUMN (create-schema.ts).
 */
export const VALUE_DAYS: readonly (readonly [table: string, instant: string, day: string])[] = [
  ['referrals', 'referred_at', 'referred_date'],
  ['engagement_events', 'occurred_at', 'occurred_date'],
  ['tickets', 'opened_at', 'opened_date'],
  ['returns', 'returned_at', 'returned_date'],
  ['survey_responses', 'responded_at', 'responded_date'],
]
