// What the event schemas cannot judge alone because it depends on the server: a time later than
// its clock allows, and an order in another currency than the workspace's. Checked after the
// schema, before anything is stored; every time field is named as the client sent it.
import type { z } from 'zod'
import { DataError } from '../errors.ts'
import {
  type DirectCustomerSchema,
  type DirectOrderSchema,
  type SegmentEvent,
  TicketProps,
} from '../service/ops/events.ts'
import { FUTURE_SLACK_MS } from '../service/ops/store.ts'
import { RequestError } from './errors.ts'
import type { ApiDeps } from './route.ts'

export interface EventContext {
  /** The server's clock (ms). */
  readonly nowMs: number
  /** The workspace's configured currency; null or absent: orders may name any. */
  readonly currency?: string | null
  /** Without a configured one, the stored orders' one currency (ApiDeps.ordersCurrency). */
  readonly ordersCurrency?: string | null
  /** Without either: the first currency of the call's (batch's, import's) orders and refunds. */
  firstInCall?: { code: string; path: string }
}

type Issue = { path: string; reason: string }
type Times = readonly (readonly [path: string, iso: string | undefined])[]
type DirectOrder = z.output<typeof DirectOrderSchema>
type DirectCustomer = z.output<typeof DirectCustomerSchema>

const join = (prefix: string, path: string) => (prefix ? `${prefix}.${path}` : path)

function futureIssues(times: Times, nowMs: number, prefix: string, out: Issue[]): void {
  const latest = nowMs + FUTURE_SLACK_MS
  for (const [path, iso] of times) {
    if (iso === undefined || Date.parse(iso) <= latest) continue
    out.push({
      path: join(prefix, path),
      reason: `is in the future: ${iso} is after ${new Date(latest).toISOString()}, the server's clock plus one day (the slack for time zones ahead of UTC)`,
    })
  }
}

function sameCurrency(
  given: unknown,
  path: string,
  ctx: EventContext,
  what: 'order' | 'refund' = 'order',
): void {
  const expected = ctx.currency || ctx.ordersCurrency || ctx.firstInCall?.code
  if (!expected || typeof given !== 'string') return
  const code = given.trim().toUpperCase()
  if (code === expected) return
  const whose = ctx.currency
    ? `the workspace's currency is ${expected} (currency.code of the value configuration)`
    : ctx.ordersCurrency
      ? `the stored orders are in ${expected} (the value configuration names no currency.code)`
      : `${ctx.firstInCall?.path} is ${expected} (the workspace has no currency yet: its first order's is taken)`
  throw new DataError(
    `${path}: the ${what} is in ${code}, but ${whose}; amounts in two currencies cannot be added up, so convert the ${what} to ${expected} first`,
    { path, currency: code, expected },
  )
}

function throwIssues(issues: Issue[]): void {
  if (issues.length > 0) throw new RequestError('invalid request body', issues)
}

function segmentTimes(e: SegmentEvent): Times {
  if (e.type === 'identify') {
    return [
      ['timestamp', e.timestamp],
      ['traits.createdAt', e.traits.createdAt ?? undefined],
    ]
  }
  if (e.event === 'Ticket Created' || e.event === 'Ticket Resolved') {
    // as the schema read them (a +0100 offset made +01:00, which Date.parse reads)
    const p = TicketProps.safeParse(e.properties)
    return [
      ['timestamp', e.timestamp],
      ['properties.opened_at', p.data?.opened_at],
      ['properties.resolved_at', p.data?.resolved_at],
    ]
  }
  return [['timestamp', e.timestamp]]
}

/**
 * Segment calls (`prefix` names the one in a batch, `batch[3]`).
 * @throws RequestError (400) naming each time after the clock plus a day; DataError (422) for an
 *   "Order Completed" or "Order Refunded" whose currency is not the workspace's.
 */
export function checkEvents(
  events: readonly SegmentEvent[],
  ctx: EventContext,
  prefix: (i: number) => string = () => '',
): void {
  const issues: Issue[] = []
  for (const [i, e] of events.entries()) {
    futureIssues(segmentTimes(e), ctx.nowMs, prefix(i), issues)
  }
  throwIssues(issues)
  // the first currency of a call into a workspace without one stands for the rest of the call: a
  // batch (or an import) of two currencies was stored whole
  const checked: EventContext = { ...ctx }
  for (const [i, e] of events.entries()) {
    // a refund in another currency would be taken off the orders' money as well
    if (e.type === 'track' && (e.event === 'Order Completed' || e.event === 'Order Refunded')) {
      const path = join(prefix(i), 'properties.currency')
      const given = e.properties.currency
      sameCurrency(given, path, checked, e.event === 'Order Refunded' ? 'refund' : 'order')
      if (!checked.firstInCall && typeof given === 'string' && given.trim() !== '') {
        checked.firstInCall = { code: given.trim().toUpperCase(), path }
      }
    }
  }
}

/** The context the routes check events in: the server's clock and currencies. */
export function eventContext(deps: ApiDeps): EventContext {
  return {
    nowMs: deps.store.now(),
    currency: deps.currency ?? null,
    ordersCurrency: deps.ordersCurrency?.code ?? null,
  }
}

/**
 * After `events` were stored: the first currency an order or refund brings to a workspace whose
 * orders named none is the one the next are checked against.
 */
export function noteCurrency(deps: ApiDeps, events: readonly SegmentEvent[]): void {
  const held = deps.ordersCurrency
  if (!held || held.code !== null || deps.currency) return
  for (const e of events) {
    if (e.type !== 'track' || (e.event !== 'Order Completed' && e.event !== 'Order Refunded')) {
      continue
    }
    const c = e.properties.currency
    if (typeof c === 'string' && c.trim() !== '') {
      held.code = c.trim().toUpperCase()
      // and the profiles are priced in it, as after a restart (they showed currency null and
      // cents of yen until then)
      deps.store.adoptCurrency(held.code)
      return
    }
  }
}

/** POST /v1/orders: as checkEvents, with the body's own field names. */
export function checkDirectOrder(o: DirectOrder, ctx: EventContext): void {
  const issues: Issue[] = []
  futureIssues([['ordered_at', o.ordered_at]], ctx.nowMs, '', issues)
  throwIssues(issues)
  sameCurrency(o.currency, 'currency', ctx)
}

/** POST /v1/customers: a sign-up after the clock plus a day is refused. */
export function checkDirectCustomer(c: DirectCustomer, ctx: EventContext): void {
  const issues: Issue[] = []
  futureIssues([['signup_at', c.signup_at ?? undefined]], ctx.nowMs, '', issues)
  throwIssues(issues)
}
