// Incoming events: the Segment spec's identify and track calls (plus direct orders and customers),
// validated with zod and normalized to one shape the ingest path applies. The schemas are exported
// so the HTTP layer validates with them and documents them in the OpenAPI description.
import { z } from 'zod'
import { calendarDayProblem, isCalendarDay } from '../../core/calendar.ts'
import { isCurrencyCode } from '../../core/currency-codes.ts'
import { isEmailId, normalizeCustomerId, trimSpaces } from '../../core/customer-id.ts'
import { isTimeZone, zoneGuess } from '../../core/time-zones.ts'
import type { EngagementEventType } from '../../core/value/config.ts'
import { CUSTOMER_ATTRIBUTES } from '../../data/queries/api-customer-records.ts'
import { MAX_MONEY } from '../../data/queries/customer-summary.ts'
import { MAX_TICKET_MINUTES } from '../../data/queries/value-input-columns.ts'
import { PSEUDONYM } from './pseudonym.ts'

/**
 * An id as a string, or as a JSON number only while it is a safe integer: a larger one has already
 * lost digits when the body was parsed (98765432109876543210 reads as 98765432109876540000), so two
 * different orders would meet as one.
 */
const unsafeId = (input: unknown) =>
  `a number id must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}` +
  ` (got ${String(input)}${Number.isInteger(input) ? ', as JSON parsers read it: larger numbers lose digits' : ''}); send ids as strings`
export const idOf = (required: string) =>
  z
    .union([z.string(), z.int({ error: (i) => unsafeId(i.input) })], {
      error: (i) =>
        i.input === undefined
          ? required
          : typeof i.input === 'number'
            ? unsafeId(i.input)
            : 'must be a string (or a whole number)',
    })
    // " C1 " is C1, as the importer trims ids; nothing but spaces is no id at all
    .transform((v) => trimSpaces(String(v)))
    .pipe(
      z
        .string()
        .min(1, 'must not be empty (or only spaces)')
        // counted as a customer id is stored (NFC): 200 decomposed "é" are 200 characters, not 400
        .refine((v) => v.normalize('NFC').length <= 256, 'must be at most 256 characters'),
    )
    // for the OpenAPI document: what is taken, as the input it is sent as
    .meta({
      anyOf: [
        { type: 'string', pattern: '\\S', maxLength: 256 },
        { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      ],
    })
const id = idOf('required')
/** A customer's id, spelled as the importer stores it (an email in lower case: core/customer-id.ts). */
const customerIdOf = (required: string) =>
  idOf(required)
    .transform(normalizeCustomerId)
    // a URL's path takes "." and ".." (also as %2E) as steps, so GET and DELETE
    // /v1/customers/{id} could never reach such a customer: not even to erase them
    .refine(
      (v) => v !== '.' && v !== '..',
      'a customer id of "." or ".." cannot be named in a URL path (GET and DELETE /v1/customers/{id} would never reach the customer): give the customer another id',
    )
    // the shape erasure gives a customer: data sent under it (a client syncing ids from
    // GET /v1/customers) would be an erased customer's again, and DELETE answers "already erased"
    .refine(
      (v) => !PSEUDONYM.test(v),
      'a customer id of the form erased_<32 hex digits> names an erased customer, who takes no new data: give the customer another id',
    )
const customerId = customerIdOf('required')
/**
 * An ISO 4217 code as Intl knows it, in any case ("eur"): "xx1" or "DOLLARS" stored as an order's
 * currency made the workspace one no offline command would read, and no configuration could name.
 */
const currencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code (EUR, USD, JPY ...)')
/** Times outside these years are a client's mistake (an epoch of 0, 9999-12-31 for "never"). */
const EARLIEST_MS = Date.UTC(1900, 0, 1)
const LATEST_MS = Date.UTC(2200, 0, 1)
/** A UTC offset after the seconds in ISO 8601's basic (+0100) or hours-only (+01) form. */
const SHORT_OFFSET = /(T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(\d{2})?$/
const DATE_TIME =
  'must be an ISO 8601 date-time with an offset (2025-03-01T12:00:00Z, +01:00 or +0100)'
// Both offset forms are ISO 8601; the extended one (+01:00) is what zod and Date.parse read, and
// what is stored.
export const dateTime = z
  // a field left out is 'required', as any other (a format told for a missing field misleads)
  .string({ error: (iss) => (iss.input === undefined ? 'required' : DATE_TIME) })
  // 2027-02-30T00:00:00Z has the shape: say what is wrong with it, as `loyals tick --now` does
  .superRefine((s, ctx) => {
    const day = /^\d{4}-\d{2}-\d{2}/.exec(s)?.[0]
    if (day !== undefined && !isCalendarDay(day)) {
      ctx.addIssue({ code: 'custom', message: calendarDayProblem(day), abort: true })
    }
  })
  .transform((s) => s.replace(SHORT_OFFSET, (_, t, h, m) => `${t}${h}:${m ?? '00'}`))
  .pipe(z.iso.datetime({ offset: true, error: DATE_TIME }))
  .refine((s) => {
    // NaN passes: the format check has said what is wrong with it
    const t = Date.parse(s)
    return !(t < EARLIEST_MS || t >= LATEST_MS)
  }, 'must be a date-time from 1900 to 2199')
  // what is accepted, for the OpenAPI document: RFC 3339's date-time is stricter (no +0100)
  .meta({
    type: 'string',
    pattern:
      '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?(Z|[+-]([01]\\d|2[0-3])(:?[0-5]\\d)?)$',
    description:
      'an ISO 8601 date-time with seconds and an offset (Z, +01:00, +0100 or +01), from 1900 to 2199 in UTC, on a day the calendar has',
  })
// Money below 10^12 in size (MAX_MONEY): the store sums amounts as DECIMAL(18,6), and one amount
// beyond it would make every summary of the workspace overflow. Taken to the millionth, as the
// store keeps it and as an import reads it: 2.0000015 was stored as 2.000002, and sending that
// again was refused as "stored with another amount: 2.0000015".
const money = z
  .number()
  .finite()
  .refine((v) => Math.abs(v) < MAX_MONEY, 'must be less than 1,000,000,000,000 in size')
  .overwrite((v) => Math.round(v * 1e6) / 1e6)
  .meta({ exclusiveMinimum: -MAX_MONEY, exclusiveMaximum: MAX_MONEY })

/** A sales channel or campaign: blank is none. */
const tag = z
  .string()
  .max(200)
  .transform((s) => s.trim() || undefined)
  .optional()

const common = {
  /** Segment's unique id of the message: the idempotency key. */
  messageId: z
    .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    // kept as sent (a stored key is matched as it was stored), but spaces alone name no message
    .refine((s) => s.trim() !== '', 'must not be only spaces'),
  userId: customerIdOf(
    'userId is required: profiles are kept by your user id, so a call with only an anonymousId cannot be stored',
  ),
  anonymousId: z.string().max(256).optional(),
  timestamp: dateTime.optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  integrations: z.record(z.string(), z.unknown()).optional(),
  sentAt: z.string().optional(),
  receivedAt: z.string().optional(),
  originalTimestamp: z.string().optional(),
  version: z.number().optional(),
  channel: z.string().optional(),
}

// the quiet hours are computed in the customer's zone: an unknown one ("Mars/Base") would
// silently judge them on UTC, and an abbreviation (BST) on the one zone ICU reads it as
export { isTimeZone }

const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, {
    error: (i) =>
      `must be an IANA time zone such as Europe/Berlin or America/New_York (got ${JSON.stringify(i.input)})${typeof i.input === 'string' ? zoneGuess(i.input) : ''}`,
  })

/**
 * An email as a customers file stores it: trimmed, blank is none, and an address in lower case
 * ("  Ann@X.com " went to the webhooks as sent, where the same address in a file is stored
 * trimmed and folded: the profile then changed at every import and every event). Text that is no
 * address is kept as written, as the file keeps it.
 */
const emailText = z
  .string()
  .max(320)
  .transform((v) => {
    const t = v.trim()
    if (t === '') return null
    return isEmailId(t) ? normalizeCustomerId(t) : t
  })

/**
 * The trait names a consent is read from, the first the call gives of each (a call that gives
 * two of one with different values is refused: which one meant it?). `unsubscribed` and its
 * aliases: the customer opted out of email (null clears the opt-out); `marketingConsent` and
 * its aliases (Shopify's `acceptsMarketing`): consent to marketing messages (null: never said).
 */
export const CONSENT_TRAITS = {
  unsubscribed: ['unsubscribed', 'emailOptOut', 'email_opt_out'],
  marketingConsent: ['marketingConsent', 'marketing_consent', 'acceptsMarketing'],
} as const
const ALL_CONSENT_TRAITS: readonly string[] = [
  ...CONSENT_TRAITS.unsubscribed,
  ...CONSENT_TRAITS.marketingConsent,
]
/** A consent: JSON true, false or null, nothing that could be misread ("no", 0, "false"). */
const consentFlag = z
  .boolean({
    error: (i) => `must be true, false or null (got ${JSON.stringify(i.input) ?? 'nothing'})`,
  })
  .nullable()
  .optional()

const Traits = z
  .object({
    // null clears the stored value, as an empty cell of a customers file does
    email: emailText.nullable().optional(),
    name: z.string().max(500).nullable().optional(),
    firstName: z.string().max(250).optional(),
    lastName: z.string().max(250).optional(),
    createdAt: dateTime.nullable().optional(),
    timezone: timeZone.optional(),
    // what a customers file says of a customer (loyals import --kind customers; a file imported
    // while a server holds the workspace is sent as identify calls with these, null where its
    // cell is empty)
    country: z.string().max(200).nullable().optional(),
    region: z.string().max(200).nullable().optional(),
    city: z.string().max(200).nullable().optional(),
    industry: z.string().max(200).nullable().optional(),
    channel: z.string().max(200).nullable().optional(),
    campaign: z.string().max(200).nullable().optional(),
    switching_cost: z.boolean().nullable().optional(),
    ...Object.fromEntries(
      ALL_CONSENT_TRAITS.map((n) => [
        n,
        consentFlag.describe(
          (CONSENT_TRAITS.unsubscribed as readonly string[]).includes(n)
            ? 'true: opted out of email (recognition and marketing emails are held back); false or null: opted in again'
            : 'consent to marketing: false holds back recognition and marketing messages on every channel; null: never said',
        ),
      ]),
    ),
  })
  .catchall(z.unknown())
  .superRefine((t, ctx) => {
    for (const names of Object.values(CONSENT_TRAITS)) {
      const given = names.filter((n) => t[n] !== undefined)
      for (const n of given.slice(1)) {
        if (t[n] === t[given[0]!]) continue
        ctx.addIssue({
          code: 'custom',
          path: [n],
          message: `contradicts ${given[0]} (${JSON.stringify(t[given[0]!])}): give one of ${names.join(', ')}`,
        })
      }
    }
  })

export const IdentifySchema = z.object({
  type: z.literal('identify'),
  ...common,
  traits: Traits.default({}),
})

const Product = z
  .object({
    product_id: id.optional(),
    // a blank sku names no product (the product id, or none, is used)
    sku: z
      .string()
      .transform((s) => s.trim() || undefined)
      .optional(),
    name: z.string().optional(),
    category: z.string().optional(),
    // a line of an order is goods sold: a return or refund is an event of its own
    price: money.min(0, 'must not be negative (send a refund as Order Refunded)').optional(),
    quantity: z
      .number()
      .finite()
      .min(0, 'must not be negative (send a refund as Order Refunded)')
      .optional(),
  })
  .catchall(z.unknown())
  // price × quantity is the line's amount, summed like any other
  .refine((x) => Math.abs((x.price ?? 0) * (x.quantity ?? 1)) < MAX_MONEY, {
    path: ['quantity'],
    message: 'price × quantity must be less than 1,000,000,000,000',
  })

/**
 * The order's day where it was placed (`loyals import --tz` works it out from the file's local
 * times); without it, the timestamp's UTC day. Time zones reach 14 hours from UTC: within a day.
 */
const orderDate = z.iso.date().optional()

/** "Order Completed" properties (Segment e-commerce spec v2). */
export const OrderCompletedProps = z
  .object({
    order_id: id,
    total: money.min(0).optional(),
    revenue: money.min(0).optional(),
    currency: currencyCode.optional(),
    discount: money.optional(),
    // what an orders file's optional columns carry, stored as `loyals import` stores them
    quantity: z.number().finite().min(0, 'must not be negative').optional(),
    cost: money.optional(),
    margin: money.optional(),
    channel: tag,
    campaign: tag,
    order_date: orderDate,
    products: z.array(Product).max(1000).optional(),
  })
  .catchall(z.unknown())
  .refine((p) => p.total !== undefined || p.revenue !== undefined, {
    message: 'give total or revenue',
    path: ['total'],
  })
  // the refinements in JSON Schema terms, for the OpenAPI document (its client refuses them too)
  .meta({ anyOf: [{ required: ['total'] }, { required: ['revenue'] }] })

export const OrderRefundedProps = z
  .object({
    // none: a refund row of a file without order ids, keyed by its refund_id alone
    order_id: id.optional(),
    total: money.positive().optional(),
    revenue: money.positive().optional(),
    currency: currencyCode.optional(),
    // the refund's own id within its order: the same refund sent again (another messageId, or
    // `loyals import` forwarding a file whose refunds are stored already) counts once
    refund_id: id.optional(),
    order_date: orderDate,
    // what a refund row of an orders file carries, stored as `loyals import` stores it: a cost
    // of its own (a refund of 10 at cost 8 takes 18 off the margin), its channel and campaign
    discount: money.optional(),
    quantity: z.number().finite().optional(),
    cost: money.optional(),
    margin: money.optional(),
    channel: tag,
    campaign: tag,
  })
  .catchall(z.unknown())
  .refine((p) => p.total !== undefined || p.revenue !== undefined, {
    message: 'give total or revenue (the refunded amount)',
    path: ['total'],
  })
  .refine((p) => p.order_id !== undefined || p.refund_id !== undefined, {
    message:
      'give the order_id of the refunded order (or, for a refund of no order, its refund_id)',
    path: ['order_id'],
  })
  .meta({
    allOf: [
      { anyOf: [{ required: ['total'] }, { required: ['revenue'] }] },
      { anyOf: [{ required: ['order_id'] }, { required: ['refund_id'] }] },
    ],
  })

const whole = (lo: number, hi: number, what: string) =>
  z
    .number({ error: `${what} must be a whole number from ${lo} to ${hi}` })
    .int({ error: `${what} must be a whole number from ${lo} to ${hi}` })
    .min(lo, { error: `${what} must be a whole number from ${lo} to ${hi}` })
    .max(hi, { error: `${what} must be a whole number from ${lo} to ${hi}` })
/** A score that may be a fraction (CSAT, a ticket's satisfaction), with a message saying its range. */
const score = (lo: number, hi: number, what: string) => {
  const error = `${what} must be a number from ${lo} to ${hi}`
  return z.number({ error }).finite({ error }).min(lo, { error }).max(hi, { error })
}
const text = (max: number) => z.string().max(max)

/** A question left unanswered, as forms send it: null is "not given", as a missing key is. */
const unanswered = <T extends z.ZodType>(t: T) =>
  t.nullish().transform((v: z.output<T> | null | undefined) => (v === null ? undefined : v))

/**
 * "Survey Responded": one answer of the surveys import kind (at least one of the four; a comment
 * of blanks says nothing).
 */
export const SurveyProps = z
  .object({
    response_id: id.optional(),
    nps: unanswered(whole(0, 10, 'NPS')),
    ces: unanswered(whole(1, 7, 'CES')),
    csat: unanswered(score(1, 5, 'CSAT')),
    comment: unanswered(text(10_000)).transform((c) =>
      c === undefined || c.trim() === '' ? undefined : c,
    ),
  })
  .catchall(z.unknown())
  .refine(
    (p) =>
      p.nps !== undefined || p.ces !== undefined || p.csat !== undefined || p.comment !== undefined,
    // said of the properties: no one field of the four is the missing one
    { message: 'no answer: give nps, ces, csat or comment' },
  )
  .meta({
    anyOf: [
      { required: ['nps'] },
      { required: ['ces'] },
      { required: ['csat'] },
      { required: ['comment'] },
    ],
  })

/** "Referral Completed", sent for the referrer (userId): whom they brought. */
export const ReferralProps = z
  .object({
    referred_id: customerId.optional(),
    /** The name an earlier version of these docs' examples used. */
    referred_user_id: customerId.optional(),
    code: text(256).optional(),
  })
  .catchall(z.unknown())
  .refine((p) => p.referred_id !== undefined || p.referred_user_id !== undefined, {
    message: "required: the referred customer's id (a referral is a pair of customers)",
    path: ['referred_id'],
  })
  .meta({ anyOf: [{ required: ['referred_id'] }, { required: ['referred_user_id'] }] })

/** "Ticket Created" and "Ticket Resolved": the tickets import kind's fields. */
export const TicketProps = z
  .object({
    ticket_id: id,
    channel: text(100).optional(),
    opened_at: dateTime.optional(),
    resolved_at: dateTime.optional(),
    // the bound a tickets file has: more than a week on one ticket is seconds sent as minutes
    handling_minutes: z
      .number()
      .finite()
      .min(0)
      .max(MAX_TICKET_MINUTES, {
        error: `more than a week of work (${MAX_TICKET_MINUTES.toLocaleString('en-US')} minutes) on one ticket: are they seconds? Send minutes`,
      })
      .optional(),
    satisfaction: score(1, 5, 'satisfaction').optional(),
  })
  .catchall(z.unknown())

/** "Order Returned": goods sent back (the money back is an "Order Refunded"). */
export const ReturnProps = z
  .object({
    order_id: id,
    return_id: id.optional(),
    amount: money.min(0).optional(),
    total: money.min(0).optional(),
    reason: text(1000).optional(),
  })
  .catchall(z.unknown())
  .refine((p) => p.amount !== undefined || p.total !== undefined, {
    message: 'give amount (or total): the value of the goods returned',
    path: ['amount'],
  })
  .meta({ anyOf: [{ required: ['amount'] }, { required: ['total'] }] })

/**
 * "Order Cancelled" (Segment e-commerce spec v2): the order is taken back whole, whatever is left
 * of it after its refunds, as a refund of the rest (docs/api.md). Its other properties (total,
 * products) are the order's as sent before and are not read: what is left is the store's.
 */
export const OrderCancelledProps = z
  .object({
    order_id: id,
    reason: text(1000).optional(),
  })
  .catchall(z.unknown())

/** The refund id a cancellation is stored under, within its order (`<order id>:cancelled`). */
export const CANCELLED_REFUND_ID = 'cancelled'

/**
 * Segment track events that are engagement (the value layer's types, docs/value.md): the names
 * of Segment's e-commerce and email specs, and "Page Viewed" for a site visit (Segment's `page`
 * call is not taken).
 */
export const ENGAGEMENT_EVENTS: Readonly<Record<string, EngagementEventType>> = {
  'Email Opened': 'email_open',
  'Email Link Clicked': 'email_click',
  'Page Viewed': 'site_visit',
  'Product Reviewed': 'review',
  'Product Shared': 'social_share',
  'Coupon Applied': 'promo_redemption',
}

/** The track events whose properties are checked, with their schema (also for the OpenAPI). */
export const TRACK_PROPERTIES: Readonly<Record<string, z.ZodType>> = {
  'Order Completed': OrderCompletedProps,
  'Order Refunded': OrderRefundedProps,
  'Order Cancelled': OrderCancelledProps,
  'Order Returned': ReturnProps,
  'Survey Responded': SurveyProps,
  'Referral Completed': ReferralProps,
  'Ticket Created': TicketProps,
  'Ticket Resolved': TicketProps,
}

/**
 * The names the server acts on, by their lower-case, trimmed spelling: "order completed" or
 * "Order Completed " was stored as an event of no meaning, the order lost without a word.
 */
const KNOWN_EVENTS = new Map(
  [...Object.keys(TRACK_PROPERTIES), ...Object.keys(ENGAGEMENT_EVENTS)].map((n) => [
    eventNameKey(n),
    n,
  ]),
)

/** An event name as the server tells names apart: trimmed, spaces collapsed, in any case. */
export function eventNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase()
}

/** A track call's event name, trimmed, and spelled as the spec does when it is one we act on. */
const eventName = z
  .string()
  .max(200)
  .transform((s) => KNOWN_EVENTS.get(eventNameKey(s)) ?? s.trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(1, 'must not be empty (or only spaces)'))

export const TrackSchema = z
  .object({
    type: z.literal('track'),
    ...common,
    event: eventName,
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((t, ctx) => {
    const schema = Object.hasOwn(TRACK_PROPERTIES, t.event) ? TRACK_PROPERTIES[t.event] : undefined
    if (!schema) return
    const r = schema.safeParse(t.properties)
    if (!r.success) {
      for (const i of r.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['properties', ...i.path], message: i.message })
      }
      return
    }
    const day = t.properties.order_date
    if (typeof day === 'string' && t.timestamp) {
      // the days the instant has somewhere: from UTC-12 to UTC+14 (not the date as written,
      // which is already one zone's day: 23:30-04:00 is 03:30 UTC the next day)
      const at = Date.parse(t.timestamp)
      const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
      const first = dayOf(at - 12 * 3_600_000)
      const last = dayOf(at + 14 * 3_600_000)
      if (day < first || day > last) {
        ctx.addIssue({
          code: 'custom',
          path: ['properties', 'order_date'],
          message: `must be the timestamp's day in some time zone (${first === last ? first : `${first} to ${last}`})`,
        })
      }
    }
  })

/**
 * One Segment call: identify or track. A call of another type is named with what to send instead
 * (an empty body read "Invalid discriminator value").
 */
export const EventSchema = z.discriminatedUnion('type', [IdentifySchema, TrackSchema], {
  error: (i) => {
    // not an object at all: the default message ("expected object, received array")
    if (i.code !== 'invalid_union') return undefined
    const type = (i.input as { type?: unknown } | undefined)?.type
    if (type === undefined) return "is required: 'identify' or 'track'"
    const page = type === 'page' || type === 'screen'
    return `must be 'identify' or 'track', got ${JSON.stringify(type)}${page ? ": send a site visit as a track call of the event 'Page Viewed'" : ''}`
  },
})
export type SegmentEvent = z.output<typeof EventSchema>

export const MAX_BATCH = 1000
/** POST /v1/events/batch: Segment's batch envelope. */
export const BatchSchema = z.object({ batch: z.array(EventSchema).min(1).max(MAX_BATCH) })

/** POST /v1/imports/{id}/batches: one batch of a file `loyals import` forwards (staged-import.ts). */
export const StagedBatchSchema = z.object({
  /** The batch's place in the file: the commit applies the batches in this order. */
  seq: z.int().min(0).max(1_000_000),
  batch: z.array(EventSchema).min(1).max(MAX_BATCH),
})

const IMPORT_ID_RULE = 'must be 1 to 64 letters, digits, - or _ (a UUID is one)'
/**
 * A forwarded import's id, chosen by the client: 1 to 64 of A-Z, a-z, 0-9, `-` and `_`
 * (`loyals import` picks a UUID; any such id will do).
 */
export const ImportIdSchema = z
  .string()
  .min(1, IMPORT_ID_RULE)
  .max(64, IMPORT_ID_RULE)
  .regex(/^[A-Za-z0-9_-]+$/, IMPORT_ID_RULE)

/** POST /v1/orders: one order without the Segment envelope (idempotent by order_id). */
// strict: Loyals' own shapes, so a misspelt field ("ammount") is a 400, not silently dropped
export const DirectOrderSchema = z
  .object({
    order_id: id,
    customer_id: customerId,
    ordered_at: dateTime,
    amount: money.min(0),
    currency: currencyCode.optional(),
    discount: money.optional(),
    products: z.array(Product).max(1000).optional(),
  })
  .strict()

/** POST /v1/customers: one customer's traits (idempotent per content). */
export const DirectCustomerSchema = z
  .object({
    customer_id: customerId,
    // null clears the stored value, as the identify traits do
    email: emailText.nullable().optional(),
    name: z.string().max(500).nullable().optional(),
    signup_at: dateTime.nullable().optional(),
    timezone: timeZone.optional(),
    /** The customer opted out of email (false: opted in again). */
    unsubscribed: z
      .boolean({
        error: (i) => `must be true or false (got ${JSON.stringify(i.input) ?? 'nothing'})`,
      })
      .optional(),
    /** Consent to marketing messages (null: never said); worded as the identify trait's. */
    marketing_consent: consentFlag,
  })
  .strict()

type CustomerAttribute = (typeof CUSTOMER_ATTRIBUTES)[number]

/** An orders row's optional columns, as an orders file has them (null: none). */
export interface OrderColumns {
  readonly discount: number | null
  readonly quantity: number | null
  readonly cost: number | null
  /**
   * Given, or the amount less the cost when only the cost is (as an import stores it; a refund's
   * amount is negative: minus its total less the cost).
   */
  readonly margin: number | null
  readonly channel: string | null
  readonly campaign: string | null
}

/** An event reduced to what the store applies. Times are epoch ms. */
export interface IngestEvent {
  readonly eventId: string
  readonly kind: 'identify' | 'track'
  readonly name: string | null
  readonly customerId: string
  readonly atMs: number
  readonly order:
    | (OrderColumns & {
        readonly orderId: string
        readonly amount: number
        readonly currency: string | null
        /** The order's day where it was placed (YYYY-MM-DD); null: the UTC day of atMs. */
        readonly day: string | null
        readonly products: readonly {
          productId: string | null
          name: string | null
          category: string | null
          quantity: number | null
          amount: number | null
        }[]
      })
    | null
  readonly refund: {
    /** null: a refund of no order (a file row without an order id), keyed by its refund id. */
    readonly orderId: string | null
    readonly amount: number
    readonly currency: string | null
    /** The key of its `orders` row when the refund names its id (`<order id>:<refund id>`). */
    readonly key: string | null
    /** As the order's. */
    readonly day: string | null
    /**
     * An "Order Cancelled": the refund is what is left of the order when it is applied (`amount`
     * is 0 until then).
     */
    readonly rest?: boolean
    /** The refund row's own columns, as an orders file's refund row has them. */
    readonly columns?: OrderColumns
  } | null
  readonly traits: {
    /** null: the call clears the stored value (an empty cell of a customers file). */
    readonly email?: string | null
    readonly name?: string | null
    readonly signupAtMs?: number | null
    readonly timeZone?: string
    /** Opted out of email (true) or in again (false); the opt-out's time is the event's. */
    readonly unsubscribed?: boolean
    /** Consent to marketing messages; null: never said (cleared). */
    readonly marketingConsent?: boolean | null
    /** Customer attributes the call carries (customers' columns: country ... switching_cost). */
    readonly attributes?: Readonly<Partial<Record<CustomerAttribute, string | boolean | null>>>
  } | null
  readonly survey: {
    readonly nps?: number
    readonly ces?: number
    readonly csat?: number
    readonly comment?: string
    readonly responseId?: string
  } | null
  /** The engagement type of an engagement event (ENGAGEMENT_EVENTS). */
  readonly engagement: EngagementEventType | null
  /**
   * What the engagement row is about, when the event names it: a review's `review_id`, else its
   * `product_id`. Two reviews of one instant are two rows; the same review sent again is one.
   */
  readonly engagementId: string | null
  /** "Referral Completed": the customer the sender (the referrer) brought. */
  readonly referral: { readonly referredId: string; readonly code: string | null } | null
  /** "Ticket Created" / "Ticket Resolved": what the event says of the ticket (null: not said). */
  readonly ticket: {
    readonly ticketId: string
    readonly openedAtMs: number | null
    readonly resolvedAtMs: number | null
    readonly channel: string | null
    readonly handlingMinutes: number | null
    readonly satisfaction: number | null
  } | null
  /** "Order Returned". */
  readonly returned: {
    readonly orderId: string
    readonly returnId: string | null
    readonly amount: number
    readonly reason: string | null
  } | null
  /** The event as received, for the events table. */
  readonly payload: string
}

/** A review's own id (`review_id`, else `product_id`: Segment's "Product Reviewed"), if any. */
function reviewIdOf(properties: Readonly<Record<string, unknown>>): string | null {
  for (const name of ['review_id', 'product_id']) {
    const v = properties[name]
    if (typeof v === 'string' && v.trim() !== '') return v
    if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  }
  return null
}

/** Turn a validated Segment call into an IngestEvent (receipt time when it carries none). */
export function normalizeEvent(e: SegmentEvent, nowMs: number): IngestEvent {
  const atMs = e.timestamp ? Date.parse(e.timestamp) : nowMs
  const base = {
    eventId: e.messageId,
    customerId: e.userId,
    atMs,
    payload: JSON.stringify(e),
    order: null,
    refund: null,
    traits: null,
    survey: null,
    engagement: null,
    engagementId: null,
    referral: null,
    ticket: null,
    returned: null,
  }
  if (e.type === 'identify') {
    const t = e.traits
    // a name sent as null clears it (as an empty cell of a customers file does); `??` would
    // have read that null as "not sent" and kept the stored name
    const name =
      t.name !== undefined
        ? t.name
        : [t.firstName, t.lastName].filter((x) => x !== undefined).join(' ') || undefined
    const [unsubscribed, marketingConsent] = [
      CONSENT_TRAITS.unsubscribed,
      CONSENT_TRAITS.marketingConsent,
    ].map((names) =>
      names.map((n) => t[n] as boolean | null | undefined).find((v) => v !== undefined),
    )
    const attributes = Object.fromEntries(
      CUSTOMER_ATTRIBUTES.flatMap((a) => (t[a] !== undefined ? [[a, t[a]]] : [])),
    )
    return {
      ...base,
      kind: 'identify',
      name: null,
      traits: {
        ...(t.email !== undefined ? { email: t.email } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(t.createdAt !== undefined
          ? { signupAtMs: t.createdAt === null ? null : Date.parse(t.createdAt) }
          : {}),
        ...(t.timezone !== undefined ? { timeZone: t.timezone } : {}),
        // null clears the opt-out: not opted out
        ...(unsubscribed !== undefined ? { unsubscribed: unsubscribed === true } : {}),
        ...(marketingConsent !== undefined ? { marketingConsent } : {}),
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
      },
    }
  }
  const ev = {
    ...base,
    kind: 'track' as const,
    name: e.event,
    engagement: Object.hasOwn(ENGAGEMENT_EVENTS, e.event) ? ENGAGEMENT_EVENTS[e.event]! : null,
    engagementId: e.event === 'Product Reviewed' ? reviewIdOf(e.properties) : null,
  }
  if (e.event === 'Order Completed') {
    const p = OrderCompletedProps.parse(e.properties)
    return {
      ...ev,
      order: {
        orderId: p.order_id,
        amount: p.total ?? p.revenue ?? 0,
        currency: p.currency ?? null,
        discount: p.discount ?? null,
        quantity: p.quantity ?? null,
        cost: p.cost ?? null,
        margin: p.margin ?? (p.cost === undefined ? null : (p.total ?? p.revenue ?? 0) - p.cost),
        channel: p.channel ?? null,
        campaign: p.campaign ?? null,
        day: p.order_date ?? null,
        products: (p.products ?? []).map((x) => ({
          productId: x.product_id ?? x.sku ?? null,
          name: x.name ?? null,
          category: x.category ?? null,
          quantity: x.quantity ?? null,
          amount: x.price === undefined ? null : x.price * (x.quantity ?? 1),
        })),
      },
    }
  }
  if (e.event === 'Order Refunded') {
    const p = OrderRefundedProps.parse(e.properties)
    return {
      ...ev,
      refund: {
        orderId: p.order_id ?? null,
        amount: p.total ?? p.revenue ?? 0,
        currency: p.currency ?? null,
        key:
          p.refund_id === undefined
            ? null
            : p.order_id === undefined
              ? p.refund_id
              : `${p.order_id}:${p.refund_id}`,
        day: p.order_date ?? null,
        columns: {
          discount: p.discount ?? null,
          quantity: p.quantity ?? null,
          cost: p.cost ?? null,
          margin: p.margin ?? (p.cost === undefined ? null : -(p.total ?? p.revenue ?? 0) - p.cost),
          channel: p.channel ?? null,
          campaign: p.campaign ?? null,
        },
      },
    }
  }
  if (e.event === 'Order Cancelled') {
    const p = OrderCancelledProps.parse(e.properties)
    return {
      ...ev,
      refund: {
        orderId: p.order_id,
        amount: 0,
        currency: null,
        key: `${p.order_id}:${CANCELLED_REFUND_ID}`,
        day: null,
        rest: true,
      },
    }
  }
  if (e.event === 'Survey Responded') {
    const p = SurveyProps.parse(e.properties)
    return {
      ...ev,
      survey: {
        ...(p.nps !== undefined ? { nps: p.nps } : {}),
        ...(p.ces !== undefined ? { ces: p.ces } : {}),
        ...(p.csat !== undefined ? { csat: p.csat } : {}),
        ...(p.comment !== undefined ? { comment: p.comment } : {}),
        ...(p.response_id !== undefined ? { responseId: p.response_id } : {}),
      },
    }
  }
  if (e.event === 'Referral Completed') {
    const p = ReferralProps.parse(e.properties)
    const referredId = p.referred_id ?? p.referred_user_id ?? ''
    return { ...ev, referral: { referredId, code: p.code ?? null } }
  }
  if (e.event === 'Ticket Created' || e.event === 'Ticket Resolved') {
    const p = TicketProps.parse(e.properties)
    const at = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso))
    const created = e.event === 'Ticket Created'
    return {
      ...ev,
      ticket: {
        ticketId: p.ticket_id,
        // the event's own time is when the ticket was opened, or resolved
        openedAtMs: at(p.opened_at) ?? (created ? atMs : null),
        resolvedAtMs: at(p.resolved_at) ?? (created ? null : atMs),
        channel: p.channel ?? null,
        handlingMinutes: p.handling_minutes ?? null,
        satisfaction: p.satisfaction ?? null,
      },
    }
  }
  if (e.event === 'Order Returned') {
    const p = ReturnProps.parse(e.properties)
    return {
      ...ev,
      returned: {
        orderId: p.order_id,
        returnId: p.return_id ?? null,
        amount: p.amount ?? p.total ?? 0,
        reason: p.reason ?? null,
      },
    }
  }
  return ev
}

/** A direct order as the equivalent "Order Completed" call (messageId `order:<order_id>`). */
export function orderAsEvent(o: z.output<typeof DirectOrderSchema>): SegmentEvent {
  return {
    type: 'track',
    messageId: `order:${o.order_id}`,
    userId: o.customer_id,
    timestamp: o.ordered_at,
    event: 'Order Completed',
    properties: {
      order_id: o.order_id,
      total: o.amount,
      ...(o.currency ? { currency: o.currency } : {}),
      ...(o.discount !== undefined ? { discount: o.discount } : {}),
      ...(o.products ? { products: o.products } : {}),
    },
  }
}

/**
 * Whether a profile holds every trait a direct customer sends (email, name, sign-up, zone,
 * consent).
 */
export function holdsTraits(
  p: {
    email: string | null
    name: string | null
    signupAtMs: number | null
    timeZone: string | null
    unsubscribedAtMs: number | null
    marketingConsent: boolean | null
  },
  c: z.output<typeof DirectCustomerSchema>,
): boolean {
  return (
    (c.email === undefined || c.email === p.email) &&
    (c.unsubscribed === undefined || c.unsubscribed === (p.unsubscribedAtMs !== null)) &&
    (c.marketing_consent === undefined || c.marketing_consent === p.marketingConsent) &&
    (c.name === undefined || c.name === p.name) &&
    (c.signup_at === undefined ||
      (c.signup_at === null ? null : Date.parse(c.signup_at)) === p.signupAtMs) &&
    (c.timezone === undefined || c.timezone === p.timeZone)
  )
}

/**
 * A direct customer as the equivalent identify call. The messageId comes from the traits'
 * content, so a retry is a duplicate; `revision` (the stored profile's update time, given when
 * the profile holds other traits) makes a return to earlier traits (A, B, then A again) a change
 * of its own rather than a duplicate of the first A.
 */
export function customerAsEvent(
  c: z.output<typeof DirectCustomerSchema>,
  contentHash: (s: string) => string,
  revision?: number,
): SegmentEvent {
  const traits = {
    ...(c.email !== undefined ? { email: c.email } : {}),
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.signup_at !== undefined ? { createdAt: c.signup_at } : {}),
    ...(c.timezone !== undefined ? { timezone: c.timezone } : {}),
    ...(c.unsubscribed !== undefined ? { unsubscribed: c.unsubscribed } : {}),
    ...(c.marketing_consent !== undefined ? { marketingConsent: c.marketing_consent } : {}),
  }
  return {
    type: 'identify',
    messageId: `customer:${c.customer_id}:${contentHash(JSON.stringify(traits))}${revision === undefined ? '' : `:${revision}`}`,
    userId: c.customer_id,
    traits,
  }
}
