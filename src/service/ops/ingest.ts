// Event ingestion with group commit: events submitted while a transaction runs wait for the next
// one, and each transaction stores a whole group with a handful of multi-row statements. An event
// is acknowledged only after its transaction commits, and its effects (order, profile, playbook
// actions, tasks) commit with it, so a crash loses no acknowledged event and a retry (same
// messageId, caught by the events primary key) is stored once.
import { createHash } from 'node:crypto'
import type { Channel, Department } from '../../core/ops/config.ts'
import {
  applyContactBudget,
  type BudgetDecision,
  type ContactLogEntry,
  detailNamingTakers,
} from '../../core/ops/contact-budget.ts'
import { evaluateTriggers, type OpsEvent, type PlannedAction } from '../../core/ops/playbooks.ts'
import { fromMillionths, millionths } from '../../core/round.ts'
import { type Engine, type Row, WHOLE_ON_CRASH } from '../../data/engine.ts'
import { contactLog } from '../../data/queries/api-contact-log.ts'
import { customerRecords } from '../../data/queries/api-customer-record.ts'
import { apiCustomerRecords, CUSTOMER_ATTRIBUTES } from '../../data/queries/api-customer-records.ts'
import { deleteKeys } from '../../data/queries/api-delete-keys.ts'
import { existingEvents } from '../../data/queries/api-existing-events.ts'
import { importedOrders } from '../../data/queries/api-imported-orders.ts'
import { storedOrders } from '../../data/queries/api-ingest-stored-orders.ts'
import { insertRows, rowsPerStatement } from '../../data/queries/api-insert-rows.ts'
import { purchaseDays } from '../../data/queries/api-purchase-days.ts'
import { refitAggregates } from '../../data/queries/api-refit-aggregates.ts'
import { refundOrders } from '../../data/queries/api-refund-orders.ts'
import { storedRefunds } from '../../data/queries/api-stored-refunds.ts'
import { surveyTimes } from '../../data/queries/api-survey-times.ts'
import { updateKeyedRows } from '../../data/queries/api-update-keyed-rows.ts'
import { LINE_COLUMNS } from '../../data/queries/import-line-rows.ts'
import { ORDER_COLUMNS } from '../../data/queries/import-order-rows.ts'
import { DataError } from '../../errors.ts'
import { eventNameKey, type IngestEvent } from './events.ts'
import {
  addOrder,
  DAY_MS,
  emptyProfile,
  opsProfile,
  orderCounters,
  type Profile,
  recordedProfile,
  scoreProfile,
  surelyNewDay,
} from './profile.ts'
import { erasedKey, PSEUDONYM } from './pseudonym.ts'
import { heldBack } from './reach.ts'
import { mayLieIn, type OpsStore, PROFILE_COLUMNS, profileRow } from './store.ts'
import { withdrawEndedTasks } from './tasks.ts'
import { sqlDay, sqlTs, tsMs } from './time.ts'
import { writeTickets, writeValueInputs } from './value-inputs.ts'

export interface IngestResult {
  readonly eventId: string
  /**
   * stored: new; duplicate: this messageId was stored before, or the order it carries was
   * imported with the same content (nothing applied again); replaced: a file import's version of
   * a stored order (see correctOrders).
   */
  readonly status: 'stored' | 'duplicate' | 'replaced'
}

interface Submission {
  readonly events: readonly IngestEvent[]
  resolve(r: IngestResult[]): void
  reject(e: unknown): void
}

/** Insert rows in as many statements as the parameter limit needs; returns RETURNING rows. */
export async function insertAll(
  tx: Engine,
  a: Omit<Parameters<typeof insertRows>[1], 'rows'> & { rows: readonly (readonly unknown[])[] },
): Promise<Row[]> {
  const out: Row[] = []
  const per = rowsPerStatement(a.columns.length)
  for (let i = 0; i < a.rows.length; i += per) {
    const q = insertRows(tx.dialect, { ...a, rows: a.rows.slice(i, i + per) })
    if (a.returning) out.push(...(await tx.query(q)))
    else await tx.exec(q)
  }
  return out
}

/** Replace the profiles' rows: an update of the stored ones, an insert of the new ones. */
export async function writeProfiles(tx: Engine, profiles: readonly Profile[]): Promise<void> {
  if (profiles.length === 0) return
  const stored = new Set<unknown>()
  const per = rowsPerStatement(PROFILE_COLUMNS.length)
  for (let i = 0; i < profiles.length; i += per) {
    const q = updateKeyedRows(tx.dialect, {
      table: 'customer_profile',
      key: 'customer_id',
      columns: PROFILE_COLUMNS,
      rows: profiles.slice(i, i + per).map(profileRow),
    })
    for (const r of await tx.query<{ key: string }>(q)) stored.add(r.key)
  }
  const fresh = profiles.filter((p) => !stored.has(p.customerId))
  if (fresh.length === 0) return
  await insertAll(tx, {
    table: 'customer_profile',
    columns: PROFILE_COLUMNS,
    rows: fresh.map(profileRow),
  })
}

const EVENT_COLUMNS = [
  'event_id',
  'kind',
  'name',
  'customer_id',
  'occurred_at',
  'received_at',
  'payload',
] as const

export const ACTION_COLUMNS = [
  'action_key',
  'playbook_id',
  'customer_id',
  'event_id',
  'trigger_type',
  'department',
  'kind',
  'channel',
  'status',
  'reason',
  'detail',
  'control',
  'attempts',
  'created_at',
  'scheduled_at',
  'sent_at',
  'payload',
] as const

export const TASK_COLUMNS = [
  'task_id',
  'customer_id',
  'title',
  'role',
  'assignee',
  'playbook_id',
  'goal_id',
  'status',
  'created_at',
  'due_at',
] as const

/** A task's id from its action's idempotency key: the same action always makes the same task. */
export function taskIdFor(actionKey: string): string {
  return `task_${createHash('sha256').update(actionKey).digest('hex').slice(0, 24)}`
}

/** Action statuses that count as a contact against the budget. */
export const COUNTED = new Set(['queued', 'sent', 'deferred', 'task_created'])

/** What one group's playbook evaluation adds: action rows, task rows, how many to dispatch. */
export interface PlanOutput {
  readonly actions: unknown[][]
  readonly tasks: unknown[][]
  queued: number
}

/** Store a plan's audit-log and task rows (a replayed key is kept once: conflict does nothing). */
export async function writePlan(tx: Engine, plan: PlanOutput): Promise<void> {
  if (plan.actions.length > 0) {
    await insertAll(tx, {
      table: 'actions_log',
      columns: ACTION_COLUMNS,
      rows: plan.actions,
      conflict: 'nothing',
    })
  }
  if (plan.tasks.length > 0) {
    await insertAll(tx, {
      table: 'tasks',
      columns: TASK_COLUMNS,
      rows: plan.tasks,
      conflict: 'nothing',
    })
  }
}

/** A planned action and the event that fired it (null: a tick or a refit). */
export interface Candidate {
  readonly action: PlannedAction
  readonly eventId: string | null
}

/**
 * The action keys fired already (the audit log's), and the life tag of each customer who came
 * back after an erasure (OpsStore.lifeOf): their keys carry it.
 */
export class FiredKeys extends Set<string> {
  lives: ReadonlyMap<string, string> = new Map()
}

/**
 * What the playbooks plan on one event for a customer: triggers, with the holdout draw. Their keys
 * join `fired`, so a later event of the same group does not plan them again. A customer who came
 * back after an erasure gets keys with their life's tag beside the id: the first life's (renamed
 * in the audit log, but already sent as webhooks' Idempotency-Key and known as task ids) are not
 * used again, so a receiver dropping redeliveries does not drop the new life's messages.
 */
export function planCandidates(
  store: OpsStore,
  event: OpsEvent,
  eventId: string | null,
  before: Profile | null,
  after: Profile,
  nowMs: number,
  fired: FiredKeys,
  milestones?: 'only' | 'skip',
): Candidate[] {
  // an erased customer is nobody to contact: their pseudonym's counters stay for the totals, but
  // no anniversary, win-back or tier message is planned for it (a tick after the erasure made one)
  if (PSEUDONYM.test(after.customerId)) return []
  const life = fired.lives.get(after.customerId)
  const planned = evaluateTriggers(
    event,
    before ? opsProfile(before) : null,
    life ? { ...opsProfile(after), life } : opsProfile(after),
    nowMs,
    store.ops,
    { tierNames: store.tierNames, firedKeys: fired, ...(milestones ? { milestones } : {}) },
  )
  for (const a of planned) fired.add(a.idempotencyKey)
  return planned.map((action) => ({ action, eventId }))
}

/**
 * One customer's candidates through the contact budget in one pass, so they compete in priority
 * order whichever event fired them, then rows for the audit log (every action, with the
 * suppression or deferral reason) and the task table. What counts is added to `log`. A message
 * the customer refused (`unsubscribed`, `no_consent`) or an email to a customer without an email
 * address (`no_email`; reach.ts) is suppressed before the budget, so it takes no slot from a
 * message that can go out; a holdout one stays `holdout` (the control draw depends on neither).
 */
export function budgetCandidates(
  store: OpsStore,
  candidates: readonly Candidate[],
  to: Pick<Profile, 'timeZone' | 'email' | 'unsubscribedAtMs' | 'marketingConsent'>,
  nowMs: number,
  log: ContactLogEntry[],
  out: PlanOutput,
): void {
  if (candidates.length === 0) return
  const held = candidates.map(({ action: a }) => (a.control ? null : heldBack(a, to)))
  const budgeted = applyContactBudget(
    candidates.filter((_, i) => held[i] === null).map((c) => c.action),
    log,
    nowMs,
    store.ops.contactBudget,
    to.timeZone,
  )
  let next = 0
  const decisions = candidates.map(
    ({ action: a }, i): Omit<BudgetDecision, 'reason'> & { reason: string | null } => {
      const h = held[i]
      return h
        ? {
            idempotencyKey: a.idempotencyKey,
            outcome: 'suppressed',
            untilMs: null,
            blockedBy: [],
            ...h,
          }
        : budgeted[next++]!
    },
  )
  const playbookOf = new Map(candidates.map((c) => [c.action.idempotencyKey, c.action.playbookId]))
  candidates.forEach(({ action: a, eventId }, i) => {
    const d = decisions[i]!
    const detail = detailNamingTakers(d, playbookOf)
    let status: string
    if (d.outcome === 'suppressed') status = 'suppressed'
    else if (d.outcome === 'deferred') status = 'deferred'
    else status = a.kind === 'task' ? 'task_created' : 'queued'
    const at = d.outcome === 'deferred' && d.untilMs !== null ? d.untilMs : a.scheduledAtMs
    if (COUNTED.has(status)) {
      log.push({
        atMs: at,
        channel: a.channel,
        department: a.department,
        kind: a.kind,
        deferred: status === 'deferred',
        priority: a.priority,
      })
    }
    if (status === 'queued') out.queued++
    const act = a.action
    out.actions.push([
      a.idempotencyKey,
      a.playbookId,
      a.customerId,
      eventId,
      a.trigger,
      a.department,
      a.kind,
      a.channel,
      status,
      d.reason,
      detail,
      a.control,
      0,
      sqlTs(nowMs),
      sqlTs(at),
      null,
      JSON.stringify({
        template: a.template,
        variables: a.variables,
        reason: a.reason,
        ...(act.type === 'webhook' ? { url: act.url } : {}),
        ...(act.type === 'task'
          ? {
              title: act.title,
              role: act.role ?? null,
              assignee: act.assignee ?? null,
              goal: act.goal ?? null,
              dueInDays: act.dueInDays,
            }
          : {}),
      }),
    ])
    if (status === 'task_created' && act.type === 'task') {
      out.tasks.push([
        taskIdFor(a.idempotencyKey),
        a.customerId,
        act.title,
        act.role ?? null,
        act.assignee ?? null,
        a.playbookId,
        act.goal ?? null,
        'open',
        sqlTs(nowMs),
        sqlTs(a.dueAtMs ?? nowMs + act.dueInDays * DAY_MS),
      ])
    }
  })
}

/** Longest contact-budget window in days (how far back the log must reach). */
export function budgetDays(store: OpsStore): number {
  let d = 1
  const b = store.ops.contactBudget
  for (const c of b.overall) d = Math.max(d, c.days)
  for (const list of Object.values(b.channels)) for (const c of list ?? []) d = Math.max(d, c.days)
  return d
}

/** An audit-log row (api-contact-log.ts) as a contact of the budget, made or planned. */
export function contactOf(store: OpsStore, r: Row): ContactLogEntry {
  return {
    atMs: tsMs(r.scheduled_at) ?? 0,
    channel: (r.channel as Channel | null) ?? null,
    department: r.department as Department,
    kind: r.kind === 'task' ? 'task' : 'webhook',
    deferred: r.status === 'deferred',
    priority: store.ops.playbooks.find((p) => p.id === r.playbook_id)?.priority ?? 5,
  }
}

/** The customers of `ids` in a life after an erasure, with its tag (OpsStore.lifeOf). */
async function lifeTags(
  store: OpsStore,
  tx: Engine,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const tags = new Map<string, string>()
  for (const id of ids) {
    const life = await store.lifeOf(tx, id)
    if (life !== '') tags.set(id, life)
  }
  return tags
}

/** Fired keys and recent contacts of the customers, from the audit log. */
export async function loadContacts(
  store: OpsStore,
  tx: Engine,
  ids: readonly string[],
  nowMs: number,
): Promise<{ fired: FiredKeys; logs: Map<string, ContactLogEntry[]> }> {
  const fired = new FiredKeys()
  const logs = new Map<string, ContactLogEntry[]>()
  if (store.ops.playbooks.length === 0) return { fired, logs }
  fired.lives = await lifeTags(store, tx, ids)
  const since = sqlTs(nowMs - budgetDays(store) * DAY_MS)
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.query(contactLog(tx.dialect, ids.slice(i, i + 500), since))
    for (const r of rows) {
      fired.add(String(r.action_key))
      if (!r.recent || !COUNTED.has(String(r.status))) continue
      const id = String(r.customer_id)
      const list = logs.get(id) ?? []
      list.push(contactOf(store, r))
      logs.set(id, list)
    }
  }
  return { fired, logs }
}

/**
 * Whether an event's value input counts: not when its row was stored already (the same review,
 * answer or referral under a new messageId: `repeats`, from writeValueInputs), nor a customer
 * referring themselves (the value step leaves those out too).
 */
function counts(e: IngestEvent, repeats: ReadonlySet<string>): boolean {
  if (repeats.has(e.eventId)) return false
  return !(e.referral && e.referral.referredId === e.customerId)
}

function opsEventOf(
  e: IngestEvent,
  isNewCustomer: boolean,
  repeats: ReadonlySet<string>,
): OpsEvent | null {
  if (e.order) return { type: 'order', id: e.eventId, atMs: e.atMs }
  if (e.kind === 'identify') {
    return isNewCustomer || typeof e.traits?.signupAtMs === 'number'
      ? { type: 'signup', id: e.eventId, atMs: e.traits?.signupAtMs ?? e.atMs }
      : null
  }
  if (e.referral) {
    return counts(e, repeats) ? { type: 'referral', id: e.eventId, atMs: e.atMs } : null
  }
  if (e.name === 'Product Reviewed') {
    return counts(e, repeats) ? { type: 'review', id: e.eventId, atMs: e.atMs } : null
  }
  if (e.survey) {
    // a retried answer is stored once and fires nothing again (its key is the event id anyway)
    const { nps, ces, csat } = e.survey
    return {
      type: 'profile_change',
      id: e.eventId,
      atMs: e.atMs,
      ...(repeats.has(e.eventId)
        ? {}
        : {
            survey: {
              ...(nps !== undefined ? { nps } : {}),
              ...(ces !== undefined ? { ces } : {}),
              ...(csat !== undefined ? { csat } : {}),
            },
          }),
    }
  }
  if (e.refund) return { type: 'profile_change', id: e.eventId, atMs: e.atMs }
  return null
}

/** An order id sent for a second customer: one order id names one order. */
function orderClash(eventId: string, orderId: string, owner: string, customer: string): DataError {
  // an erased owner is not named: the message would link the id sent to its pseudonym
  const whose = PSEUDONYM.test(owner) ? 'an erased customer' : `customer ${owner}`
  return new DataError(
    `event ${eventId}: order ${orderId} belongs to ${whose}, not ${customer}; an order id names one order`,
    { eventId, orderId },
  )
}

/**
 * The imported orders the group's order events name. Orders from events carry a marker row in
 * `events`; imported ones only their `orders` row, looked up here in one query for the ids that
 * can be among them (see api-imported-order-range.ts: usually none once the ids move past the
 * imported ones, and a scan of `orders` per group would cost ~0.3 s at 3M orders).
 */
async function findImported(
  store: OpsStore,
  tx: Engine,
  events: readonly IngestEvent[],
): Promise<Map<string, OrderContent>> {
  const out = new Map<string, OrderContent>()
  const orderIds = [...new Set(events.flatMap((e) => (e.order ? [e.order.orderId] : [])))]
  if (orderIds.length === 0) return out
  const range = await store.importedOrders(tx)
  const ids = orderIds.filter((id) => mayLieIn(id, range.idLo, range.idHi))
  const keys = orderIds.filter((id) => mayLieIn(id, range.keyLo, range.keyHi))
  // a key an erasure re-keyed (erasedKey): the old key sent again is the erased customer's order
  const secret = range.keyLo === null ? null : await store.eraseSecret(tx)
  const erased = new Map<string, string>()
  if (secret !== null) {
    for (const id of orderIds) {
      const k = erasedKey(secret, id)
      if (mayLieIn(k, range.keyLo, range.keyHi)) erased.set(k, id)
    }
  }
  keys.push(...erased.keys())
  if (ids.length === 0 && keys.length === 0) return out
  for (const r of await tx.query(importedOrders(tx.dialect, { ids, keys }))) {
    const id = erased.get(String(r.order_id)) ?? String(r.order_id)
    // an id stored for two customers (only a hand-edited store has that) stays one customer's
    if (!out.has(id)) {
      out.set(id, {
        owner: String(r.customer_id),
        amount: Number(r.paid),
        atMs: tsMs(r.ordered_at),
      })
    }
  }
  return out
}

/**
 * The stored refunds that the group's refunds with an id name, by key. One stored under another
 * customer, or with another amount, is refused: a refund id names one refund, as an order id names
 * one order, and the first content stays.
 */
async function findStoredRefunds(tx: Engine, events: readonly IngestEvent[]): Promise<Set<string>> {
  const named = events.filter((e) => e.refund?.key)
  if (named.length === 0) return new Set()
  const keys = [...new Set(named.map((e) => e.refund!.key!))]
  const stored = new Map<string, { owner: string; amount: number; orderId: string | null }>()
  for (const r of await tx.query(storedRefunds(tx.dialect, keys))) {
    stored.set(String(r.order_key), {
      owner: String(r.customer_id),
      amount: -Number(r.amount),
      orderId: r.order_id === null ? null : String(r.order_id),
    })
  }
  for (const e of named) {
    const s = stored.get(e.refund!.key!)
    if (!s) continue
    const amount = e.refund!.amount
    // the key joins order and refund ids with ':', which either may hold (order "a" refund "b:c"
    // is order "a:b" refund "c"): a refund of another order under the key is another refund,
    // refused rather than answered "duplicate" and dropped
    if (s.orderId !== e.refund!.orderId) {
      throw new DataError(
        `event ${e.eventId}: refund ${e.refund!.key} is stored already as a refund of ${s.orderId === null ? 'no order' : `order ${s.orderId}`}, not of ${e.refund!.orderId === null ? 'no order' : `order ${e.refund!.orderId}`}; the key joins the order and refund ids with ':', so give this refund another refund_id`,
        { eventId: e.eventId, orderId: e.refund!.orderId },
      )
    }
    if (e.refund!.rest && s.owner !== e.customerId) {
      throw new DataError(
        `event ${e.eventId}: Order Cancelled names order ${e.refund!.orderId}, which customer ${e.customerId} has not placed`,
        { eventId: e.eventId, orderId: e.refund!.orderId },
      )
    }
    // a cancellation stored already is the same cancellation, whatever was left of the order then
    const otherAmount = !e.refund!.rest && Math.abs(s.amount - amount) > 1e-9 * Math.max(1, amount)
    // a refund of an erased customer's order (an old file sent again): said as such, as their
    // order is; "send another refund_id" could not make it take
    if (PSEUDONYM.test(s.owner) && s.owner !== e.customerId) {
      throw new DataError(
        `event ${e.eventId}: refund ${e.refund!.key}${e.refund!.orderId === null ? '' : ` of order ${e.refund!.orderId}`} belongs to an erased customer, not ${e.customerId}: remove the erased customer's rows and send the rest again`,
        { eventId: e.eventId, orderId: e.refund!.orderId },
      )
    }
    if (s.owner !== e.customerId || otherAmount) {
      const whose = PSEUDONYM.test(s.owner) ? 'an erased customer' : `customer ${s.owner}`
      throw new DataError(
        `event ${e.eventId}: refund ${e.refund!.key} is stored as a refund of ${s.amount} for ${whose}; a refund id names one refund (send another refund_id for another refund)`,
        { eventId: e.eventId, orderId: e.refund!.orderId },
      )
    }
  }
  return new Set(stored.keys())
}

/** When a customer's stored NPS and CES answers were given (epoch ms; -Infinity: none yet). */
interface SurveyTimes {
  npsAt: number
  cesAt: number
}

/**
 * Apply one event to a profile's counters and traits (not the scores). A survey answer replaces
 * the profile's only when it is no older than the one it holds (`answered`, updated here).
 */
function applyEvent(
  p: Profile,
  e: IngestEvent,
  applyOrder: boolean,
  answered: SurveyTimes,
  repeats: ReadonlySet<string>,
  bought: Set<string>,
): Profile {
  let q = p
  if (e.order && applyOrder) {
    const day = orderDay(e)
    // a profile that counts no day yet counts none of the stored orders (not refitted since an
    // import stored them): its first order is its first day
    q = addOrder(q, e.order.amount, e.atMs, q.purchaseDays === 0 || !bought.has(day), day)
    bought.add(day)
  }
  if (e.refund && applyOrder) q = addOrder(q, -Math.abs(e.refund.amount), e.atMs, false)
  if (e.traits) {
    const t = e.traits
    q = {
      ...q,
      // a null clears the value (an empty cell of a customers file), undefined keeps it
      email: t.email === undefined ? q.email : t.email,
      name: t.name === undefined ? q.name : t.name,
      signupAtMs: t.signupAtMs === undefined ? q.signupAtMs : t.signupAtMs,
      timeZone: t.timeZone ?? q.timeZone,
      // an opt-out keeps the time it was first given (identify calls repeat every trait)
      unsubscribedAtMs:
        t.unsubscribed === undefined
          ? q.unsubscribedAtMs
          : t.unsubscribed
            ? (q.unsubscribedAtMs ?? e.atMs)
            : null,
      marketingConsent: t.marketingConsent === undefined ? q.marketingConsent : t.marketingConsent,
    }
  }
  if (e.referral && counts(e, repeats)) q = { ...q, referrals: q.referrals + 1 }
  if (e.name === 'Product Reviewed' && counts(e, repeats)) q = { ...q, reviews: q.reviews + 1 }
  // an answer already stored (its response id, or the same answer under a new messageId) keeps
  // the stored one: the profile says what the table holds
  if (e.survey && counts(e, repeats)) {
    const { nps, ces } = e.survey
    if (nps !== undefined && e.atMs >= answered.npsAt) {
      q = { ...q, nps }
      answered.npsAt = e.atMs
    }
    if (ces !== undefined && e.atMs >= answered.cesAt) {
      q = { ...q, ces }
      answered.cesAt = e.atMs
    }
  }
  return q
}

/** The day an order event's order is stored on: the day it was placed, or its UTC day. */
function orderDay(e: IngestEvent): string {
  return e.order?.day ?? e.refund?.day ?? sqlDay(e.atMs)
}

/**
 * The days each customer with an order among `events` bought on, from their stored orders: read
 * only for those with an order that may fall on one (a scan of `orders`, ~0.3 s at 3M orders,
 * would otherwise come with every group). The others' sets start empty.
 */
async function boughtDays(
  tx: Engine,
  events: readonly IngestEvent[],
  profileOf: (customerId: string) => Profile | undefined,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>()
  const ids = [
    ...new Set(
      events.flatMap((e) =>
        e.order && !surelyNewDay(profileOf(e.customerId), e.atMs) ? [e.customerId] : [],
      ),
    ),
  ]
  if (ids.length === 0) return out
  for (const r of await tx.query(purchaseDays(tx.dialect, ids))) {
    const id = String(r.customer_id)
    const days = out.get(id) ?? new Set<string>()
    days.add(String(r.order_date))
    out.set(id, days)
  }
  return out
}

/** What a stored (or earlier in the group) order says: whose, how much (paid), when. */
interface OrderContent {
  readonly owner: string
  readonly amount: number
  readonly atMs: number | null
  /** The event that sent it earlier in the group; absent for a stored order. */
  readonly eventId?: string
}

/** Where an order event is not the stored order `o` of its id: amount, instant (to the ms). */
function differences(e: IngestEvent, o: OrderContent) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  const a = e.order?.amount ?? Number.NaN
  const differs: { field: string; stored: unknown; sent: unknown }[] = []
  if (!(Math.abs(a - o.amount) <= 1e-9 * Math.max(1, Math.abs(a)))) {
    differs.push({ field: 'amount', stored: o.amount, sent: a })
  }
  if (o.atMs === null || Math.floor(o.atMs) !== Math.floor(e.atMs)) {
    differs.push({ field: 'time', stored: iso(o.atMs), sent: iso(e.atMs) })
  }
  return differs
}

/**
 * A resend of a stored order must be that order: an id names one order, and the first content
 * stays, so a resend saying otherwise is refused (422, like an id under another customer) rather
 * than answered "stored" while nothing changes.
 */
function checkResend(e: IngestEvent, o: OrderContent, earlier?: string): void {
  const order = e.order
  if (!order) return
  // under a messageId stored before too: a client that sent the order for the wrong customer is
  // not told "duplicate" while nothing of it is stored
  if (o.owner !== e.customerId) throw orderClash(e.eventId, order.orderId, o.owner, e.customerId)
  const differs = differences(e, o)
  if (differs.length === 0) return
  const fields = differs.map((d) => d.field).join(' and ')
  // an order first sent earlier in the same call is not stored (the call stores nothing): say
  // which event gave it its content, not "is stored"
  const said = differs
    .map((d) => `${d.field} ${d.stored} (${earlier ? 'here' : 'sent'}: ${d.sent})`)
    .join(', ')
  throw new DataError(
    earlier
      ? `event ${e.eventId}: order ${order.orderId} was sent earlier among these events, by event ${earlier}, with another ${fields}: ${said}; an order id names one order (send an "Order Refunded" for money paid back, or a new order id for another order)`
      : `event ${e.eventId}: order ${order.orderId} is stored with another ${fields}: ${said}; a stored order is not changed by sending it again (send an "Order Refunded" for money paid back, or a new order id for another order)`,
    { eventId: e.eventId, orderId: order.orderId, differs, ...(earlier ? { earlier } : {}) },
  )
}

/**
 * Two payloads of one messageId are one message: the same call, whatever times the sending library
 * stamped on each try (`sentAt`, `receivedAt`).
 */
function sameMessage(a: string, b: string): boolean {
  if (a === b) return true
  const bare = (p: string) => {
    const { sentAt: _s, receivedAt: _r, ...rest } = JSON.parse(p) as Record<string, unknown>
    return JSON.stringify(rest)
  }
  return bare(a) === bare(b)
}

/**
 * Events whose messageId is stored already must be retries of the stored message: a stored event
 * of another kind or name under that id (an identify call given `order:<id>`, the id
 * `POST /v1/orders` gives its order), or an order or refund never stored before (`isNew`: its
 * marker was new) under a used id, is another message, refused (422) rather than answered
 * "duplicate" while nothing of it is stored. The customer is not compared: an erased customer's
 * events carry a pseudonym, and a retry of one stays a duplicate.
 */
async function checkRetries(
  tx: Engine,
  retried: readonly IngestEvent[],
  isNew: (e: IngestEvent) => boolean,
): Promise<void> {
  const stored = new Map(
    (
      await tx.query(
        existingEvents(
          tx.dialect,
          retried.map((e) => e.eventId),
        ),
      )
    ).map((r) => [String(r.event_id), r]),
  )
  for (const e of retried) {
    const s = stored.get(e.eventId)
    if (!s) continue
    const what = (kind: unknown, name: unknown) => (name ? `"${String(name)}"` : String(kind))
    // names compared as the schema reads them now: an event stored before names were read in
    // any case and spacing ("order completed") is the same message sent again
    const spelled = (n: unknown) => (n === null || n === undefined ? null : eventNameKey(String(n)))
    const other = String(s.kind) !== e.kind || spelled(s.name) !== spelled(e.name)
    if (!other && !isNew(e)) continue
    const news = e.order ? `order ${e.order.orderId}` : e.refund ? 'refund' : 'event'
    // the same name spelled otherwise: stored by a version that read names as written, which took
    // it for an event of no meaning; answered "duplicate", its order would never be stored
    const respelled = !other && s.name !== e.name
    throw new DataError(
      other
        ? `event ${e.eventId}: this messageId is stored already for another message (${what(s.kind, s.name)}, not ${what(e.kind, e.name)}); a messageId names one message: give this one its own`
        : respelled
          ? `event ${e.eventId}: this messageId is stored already as ${what(s.kind, s.name)}, which an earlier version did not read as ${what(e.kind, e.name)}: the ${news} it carries is not stored; send it again under a new messageId`
          : `event ${e.eventId}: this messageId is stored already for another message, and the ${news} it carries is not stored; a messageId names one message: give this one its own`,
      { eventId: e.eventId, stored: { kind: String(s.kind), name: s.name ?? null } },
    )
  }
}

/**
 * Store a group of events in one transaction and apply their effects. Returns one result per
 * event, in order. Exported for tests and the CLI; the server goes through {@link Ingestor}.
 * @throws QueryError when a statement fails (nothing of the group is stored then).
 */
export async function ingestGroup(
  store: OpsStore,
  events: readonly IngestEvent[],
  calls?: ReadonlyMap<IngestEvent, number>,
): Promise<{ results: IngestResult[]; queued: number; profiles: Map<string, Profile> }> {
  return ingestInOne(store, events, events.length, async () => {}, false, calls)
}

/**
 * Store events in ONE transaction, applied in groups of `group` (each group's statements stay
 * within the engines' parameter limits); `within` runs last in the same transaction. The profiles
 * the groups change are carried from one group to the next, and cached after the commit only.
 * `file`: the events are a file `loyals import` forwards, stored as a direct import stores it (a
 * stored order sent with another amount or time is replaced: {@link correctOrders}).
 * @throws QueryError / DataError when a statement or an event fails: nothing is stored then.
 */
export async function ingestInOne(
  store: OpsStore,
  events: readonly IngestEvent[],
  group: number,
  within: (tx: Engine) => Promise<void>,
  file = false,
  calls?: ReadonlyMap<IngestEvent, number>,
): Promise<{ results: IngestResult[]; queued: number; profiles: Map<string, Profile> }> {
  const nowMs = store.now()
  const first = new Map<string, number>()
  events.forEach((e, i) => {
    const k = first.get(e.eventId)
    if (k === undefined) first.set(e.eventId, i)
    // one messageId twice in a batch is a retry only with the same content: the second of two
    // messages was answered "duplicate" and dropped
    else if (!file && !sameMessage(events[k]!.payload, e.payload)) {
      throw new DataError(
        `event ${e.eventId}: this messageId is given twice in the batch with other content (events ${k} and ${i}); a messageId names one message (give each message its own)`,
        { eventId: e.eventId, events: [k, i] },
      )
    }
  })
  const unique = [...first.values()].map((i) => events[i]!)
  const touched = new Map<string, Profile>()
  let queued = 0
  const replaced = new Set<string>()
  const firstOrders = earliestOrders(unique)
  const stored = await store.engine.transaction(
    async (tx) => {
      const all = new Set<string>()
      const size = Math.max(1, group)
      for (let i = 0; i < unique.length; i += size) {
        const some = unique.slice(i, i + size)
        const r = await applyGroup(store, tx, some, touched, nowMs, file, firstOrders, calls)
        for (const id of r.fresh) all.add(id)
        for (const id of r.replaced) replaced.add(id)
        queued += r.queued
      }
      await within(tx)
      return all
    },
    file ? WHOLE_ON_CRASH : {},
  )
  // committed: the cache may now show it
  for (const [id, p] of touched) store.profiles.set(id, p)
  const results = events.map((e, i): IngestResult => {
    const once = first.get(e.eventId) === i
    return {
      eventId: e.eventId,
      status:
        once && replaced.has(e.eventId)
          ? 'replaced'
          : once && stored.has(e.eventId)
            ? 'stored'
            : 'duplicate',
    }
  })
  return { results, queued, profiles: touched }
}

/** The time of each customer's earliest order among `events` (a file's rows, a batch). */
function earliestOrders(events: readonly IngestEvent[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of events) {
    if (!e.order) continue
    out.set(e.customerId, Math.min(out.get(e.customerId) ?? e.atMs, e.atMs))
  }
  return out
}

/**
 * One group of {@link ingestInOne}'s events, in its transaction `tx`. `firstOrders`: the earliest
 * order of each customer among all the events, which the playbooks see as their first order.
 */
async function applyGroup(
  store: OpsStore,
  tx: Engine,
  unique: readonly IngestEvent[],
  touched: Map<string, Profile>,
  nowMs: number,
  file: boolean,
  firstOrders: ReadonlyMap<string, number>,
  calls?: ReadonlyMap<IngestEvent, number>,
): Promise<{ fresh: Set<string>; replaced: Set<string>; queued: number }> {
  // An order `loyals import` stored is applied already: sent again by its customer with the
  // same content (a re-run of the import through the server, a client replaying history) the
  // event is a duplicate and nothing of it is stored; with other content the event is kept but
  // the order still counts once; under another customer's id it is a clash (below).
  const imported = await findImported(store, tx, unique)
  // a refund that names its id and is stored already (by `loyals import`, or sent before)
  const refunds = await findStoredRefunds(tx, unique)
  // a file's version of a stored order of the same customer, by order id (correctOrders)
  const corrected = new Map<string, IngestEvent>()
  const isCopy = (e: IngestEvent): boolean => {
    if (e.refund?.key && refunds.has(e.refund.key)) return true
    const o = e.order ? imported.get(e.order.orderId) : undefined
    if (o === undefined || o.owner !== e.customerId) return false
    if (differences(e, o).length === 0) return true
    if (file) corrected.set(e.order!.orderId, e)
    return false
  }
  // The same order under a new messageId (a client that regenerates ids) is applied once too:
  // a marker row per order id goes into the events table in the same statement. An imported
  // order gets none: its orders row is its record. So does a refund with its own id.
  const markerOf = (e: IngestEvent): string | null =>
    e.order
      ? `marker:order:${e.order.orderId}`
      : e.refund
        ? `marker:refund:${e.refund.key ?? e.eventId}`
        : null
  const markers = [
    ...new Set(
      unique.flatMap((e) => {
        const m = markerOf(e)
        const stored =
          (e.order && imported.has(e.order.orderId)) || (e.refund?.key && refunds.has(e.refund.key))
        return m === null || stored ? [] : [m]
      }),
    ),
  ]
  const copies = new Set(unique.filter(isCopy).map((e) => e.eventId))
  const eventRows = [
    ...unique
      .filter((e) => !copies.has(e.eventId))
      .map((e) => [
        e.eventId,
        e.kind,
        e.name,
        e.customerId,
        sqlTs(e.atMs),
        sqlTs(nowMs),
        e.payload,
      ]),
    ...markers.map((m) => [m, 'marker', null, null, sqlTs(nowMs), sqlTs(nowMs), null]),
  ]
  let inserted: Set<string>
  if (tx.dialect === 'duckdb') {
    // DuckDB's INSERT ... ON CONFLICT DO NOTHING RETURNING costs about three plain inserts; the
    // writer is serialized (one connection, one queue), so a primary-key lookup first is as
    // safe, and the key still refuses a duplicate (failing the group) should one slip by.
    const seen = new Set(
      (
        await tx.query(
          existingEvents(
            tx.dialect,
            eventRows.map((r) => r[0] as string),
          ),
        )
      ).map((r) => String(r.event_id)),
    )
    const rows = eventRows.filter((r) => !seen.has(r[0] as string))
    if (rows.length > 0) await insertAll(tx, { table: 'events', columns: EVENT_COLUMNS, rows })
    inserted = new Set(rows.map((r) => r[0] as string))
  } else {
    inserted = new Set(
      (
        await insertAll(tx, {
          table: 'events',
          columns: EVENT_COLUMNS,
          rows: eventRows,
          conflict: 'nothing',
          returning: ['event_id'],
        })
      ).map((r) => String(r.event_id)),
    )
  }
  const fresh = new Set(unique.filter((e) => inserted.has(e.eventId)).map((e) => e.eventId))
  const newMarkers = new Set(markers.filter((m) => inserted.has(m)))
  const retried = unique.filter((e) => !fresh.has(e.eventId) && !copies.has(e.eventId))
  if (retried.length > 0) {
    await checkRetries(tx, retried, (e) => {
      const m = markerOf(e)
      return m !== null && newMarkers.has(m)
    })
  }
  // an API order id seen before (its marker was stored already): the order sent again, under
  // the same messageId or a new one, must be the stored one (checkResend)
  const resent = unique.filter(
    (e) => e.order && !imported.has(e.order.orderId) && !newMarkers.has(markerOf(e)!),
  )
  if (resent.length > 0) {
    const ids = [...new Set(resent.map((e) => e.order!.orderId))]
    const stored = new Map<string, OrderContent>()
    for (const r of await tx.query(storedOrders(tx.dialect, ids))) {
      const id = String(r.order_id)
      if (!stored.has(id)) {
        stored.set(id, {
          owner: String(r.customer_id),
          amount: Number(r.amount),
          atMs: tsMs(r.ordered_at),
        })
      }
    }
    for (const e of resent) {
      const o = stored.get(e.order!.orderId)
      if (!o) continue
      // a file is no retry: its order under another customer, or with another amount (a corrected
      // export, stored over the old version), is not dropped as "already there"
      if (file && o.owner !== e.customerId) {
        throw orderClash(e.eventId, e.order!.orderId, o.owner, e.customerId)
      }
      if (file && differences(e, o).length > 0) corrected.set(e.order!.orderId, e)
      else checkResend(e, o)
    }
  }
  const replaced = new Set([...corrected.values()].map((e) => e.eventId))
  const applied = unique.filter((e) => fresh.has(e.eventId))
  if (applied.length === 0) {
    await correctOrders(store, tx, [...corrected.values()], touched, nowMs)
    return { fresh, replaced, queued: 0 }
  }
  const ids = [...new Set(applied.map((e) => e.customerId))]
  const known = await store.getProfiles(ids, tx)
  // a customer without a profile starts from their stored rows (a customers file's email and
  // consent, imported reviews and answers), as the refit would have made them: read before this
  // group's own value inputs are stored, which its events then count once
  const unprofiled = ids.filter((id) => !touched.has(id) && !known.has(id))
  const records = new Map<string, Profile>()
  if (unprofiled.length > 0) {
    for (const r of await tx.query(customerRecords(tx.dialect, unprofiled))) {
      const id = String(r.customer_id)
      records.set(id, recordedProfile(id, r, nowMs))
    }
  }
  // the value inputs `loyals import` also fills (engagement, surveys, referrals, returns,
  // tickets): a referral already stored is no new referral for the profile or the playbooks
  const repeats = await writeValueInputs(tx, applied)
  await writeTickets(tx, applied)
  // the order each id of the group stands for, from its first event (checkResend)
  const groupOrders = new Map<string, OrderContent>()
  const answered = new Map<string, SurveyTimes>()
  const surveyed = [...new Set(applied.filter((e) => e.survey).map((e) => e.customerId))]
  if (surveyed.length > 0) {
    const q = surveyTimes(
      tx.dialect,
      surveyed,
      applied.map((e) => e.eventId),
    )
    for (const r of await tx.query(q)) {
      answered.set(String(r.customer_id), {
        npsAt: tsMs(r.nps_at) ?? Number.NEGATIVE_INFINITY,
        cesAt: tsMs(r.ces_at) ?? Number.NEGATIVE_INFINITY,
      })
    }
  }
  const { fired, logs } = await loadContacts(store, tx, ids, nowMs)
  const bought = await boughtDays(tx, applied, (id) => touched.get(id) ?? known.get(id))
  const changed = new Set<string>()
  const orders: unknown[][] = []
  const lines: unknown[][] = []
  const identified = new Set<string>()
  // the customer columns this group's identify calls give (null: cleared), the latest call's
  // winning
  const attributes = new Map<string, Record<string, string | boolean | null>>()
  const plan: PlanOutput = { actions: [], tasks: [], queued: 0 }
  // what each refunded order was paid and has had refunded (stored rows, then this group's)
  // who each order id of the group belongs to: the stored owner of an id seen before (its marker
  // was there), then the group's own first use; an id under another customer is no retry but a
  // clash of ids, which must not pass as "stored"
  const owners = new Map<string, string>()
  for (const [id, o] of imported) owners.set(id, o.owner)
  const seenOrders = [
    ...new Set(
      applied.flatMap((e) =>
        e.order &&
        !imported.has(e.order.orderId) &&
        !newMarkers.has(`marker:order:${e.order.orderId}`)
          ? [e.order.orderId]
          : [],
      ),
    ),
  ]
  if (seenOrders.length > 0) {
    for (const r of await tx.query(refundOrders(tx.dialect, seenOrders))) {
      owners.set(String(r.order_id), String(r.customer_id))
    }
  }
  const refundIds = [
    ...new Set(applied.flatMap((e) => (e.refund?.orderId ? [e.refund.orderId] : []))),
  ]
  // in millionths, as the store sums money: in doubles an order of 999999999999.99 less a refund
  // of 999999999999.98 left 0.010009765625, and a further refund of 0.010001 passed
  const ledger = new Map<string, { paid: bigint; refunded: bigint }>()
  const ledgerKey = (customer: string, orderId: string) => `${customer}\u0000${orderId}`
  if (refundIds.length > 0) {
    for (const r of await tx.query(refundOrders(tx.dialect, refundIds))) {
      const paid = millionths(r.paid)
      ledger.set(ledgerKey(String(r.customer_id), String(r.order_id)), {
        paid,
        refunded: millionths(r.refunded),
      })
      // who placed it (a refund row alone pays nothing): a file's cancellation of another's
      // order is a clash of ids, as an order sent for another customer is
      if (paid > 0n && !owners.has(String(r.order_id))) {
        owners.set(String(r.order_id), String(r.customer_id))
      }
    }
    // a file's corrected order is paid what the file says: its refunds count against that, as a
    // direct import's do (the order row is replaced after the loop, in correctOrders)
    for (const [orderId, e] of corrected) {
      const l = ledger.get(ledgerKey(e.customerId, orderId))
      if (l) l.paid = millionths(e.order!.amount)
    }
  }
  // per customer and call (a request, or a batch, group commit put in this group): the profile
  // before the call's events and after them, and its last event that could cross a milestone.
  // Milestones are evaluated once per call (only the highest it crosses fires), so which fire
  // does not depend on how concurrent calls were grouped
  const milestoneFrom = new Map<
    string,
    { customerId: string; before: Profile | null; after: Profile; event: OpsEvent; id: string }
  >()
  // per customer: the actions the group's events planned, budgeted together after the loop
  const candidates = new Map<string, Candidate[]>()
  for (const given of applied) {
    // an Order Cancelled becomes a refund of what is left of its order (below)
    let e = given
    const prev = touched.get(e.customerId) ?? known.get(e.customerId) ?? null
    const base = prev ?? records.get(e.customerId) ?? emptyProfile(e.customerId, nowMs)
    const m = markerOf(e)
    let applyOrder = m !== null && newMarkers.delete(m)
    if (e.order) {
      const owner = owners.get(e.order.orderId)
      if (owner !== undefined && owner !== e.customerId) {
        throw orderClash(e.eventId, e.order.orderId, owner, e.customerId)
      }
      owners.set(e.order.orderId, e.customerId)
    }
    if (e.order) {
      const first = groupOrders.get(e.order.orderId)
      if (first) checkResend(e, first, first.eventId)
      else if (applyOrder) {
        groupOrders.set(e.order.orderId, {
          owner: e.customerId,
          amount: e.order.amount,
          atMs: e.atMs,
          eventId: e.eventId,
        })
      }
    }
    if (applyOrder && e.order) {
      const k = ledgerKey(e.customerId, e.order.orderId)
      const l = ledger.get(k) ?? { paid: 0n, refunded: 0n }
      ledger.set(k, { ...l, paid: l.paid + millionths(e.order.amount) })
    }
    if (applyOrder && e.refund) {
      // a refund pays back part of an order of this customer: not of an order nobody placed,
      // and not more than is left of it (a retry under a new messageId would refund twice). A
      // file's refund row of no stored order is stored as a direct import stores it (README).
      const { orderId, rest } = e.refund
      const l = orderId === null ? undefined : ledger.get(ledgerKey(e.customerId, orderId))
      // a file's cancelled order the server never held: nothing to take back (the file's own
      // row of 0 was no purchase either)
      const owner = orderId === null ? undefined : owners.get(orderId)
      if (!l && rest && file && owner !== undefined && owner !== e.customerId) {
        throw orderClash(e.eventId, orderId ?? '', owner, e.customerId)
      }
      if (!l && rest && file) applyOrder = false
      else if (!l && !file) {
        throw new DataError(
          `event ${e.eventId}: ${rest ? 'Order Cancelled' : 'Order Refunded'} names ${orderId === null ? 'no order' : `order ${orderId}, which customer ${e.customerId} has not placed`}`,
          { eventId: e.eventId, orderId },
        )
      }
      if (rest && l) {
        // refunded whole already: nothing is left to take back, and no row is stored (a row of
        // 0 would read as a free order, a purchase)
        const left = l.paid - l.refunded
        if (left <= 0n) applyOrder = false
        else e = { ...e, refund: { ...e.refund, amount: Number(fromMillionths(left)) } }
      }
      const back = millionths(Math.abs(e.refund!.amount))
      if (l && back > l.paid - l.refunded) {
        const left = fromMillionths(l.paid - l.refunded)
        throw new DataError(
          `event ${e.eventId}: a refund of ${Math.abs(e.refund!.amount)} is more than the ${left} left of order ${orderId}`,
          { eventId: e.eventId, orderId, left: Number(left) },
        )
      }
      if (l) l.refunded += back
    }
    const times = answered.get(e.customerId) ?? {
      npsAt: Number.NEGATIVE_INFINITY,
      cesAt: Number.NEGATIVE_INFINITY,
    }
    answered.set(e.customerId, times)
    const days = bought.get(e.customerId) ?? new Set<string>()
    bought.set(e.customerId, days)
    let next = applyEvent(base, e, applyOrder, times, repeats, days)
    next = { ...scoreProfile(next, store.model, store.value, nowMs), updatedAtMs: nowMs }
    touched.set(e.customerId, next)
    changed.add(e.customerId)
    if (e.traits) {
      identified.add(e.customerId)
      const { email, name, signupAtMs } = e.traits
      const given = {
        ...e.traits.attributes,
        ...(email !== undefined ? { email } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(signupAtMs !== undefined
          ? { signup_at: signupAtMs === null ? null : sqlTs(signupAtMs) }
          : {}),
      }
      attributes.set(e.customerId, { ...attributes.get(e.customerId), ...given })
    }
    if (applyOrder && (e.order || e.refund)) {
      const o = e.order
      // a refund row's own columns (a file's refund at a cost of its own), as an import stores them
      const c = e.refund?.columns
      const amount = o ? o.amount : -Math.abs(e.refund?.amount ?? 0)
      const orderId = o ? o.orderId : (e.refund?.orderId ?? null)
      orders.push([
        o ? orderId : (e.refund?.key ?? `refund:${e.eventId}`),
        orderId,
        e.customerId,
        sqlTs(e.atMs),
        orderDay(e),
        amount,
        o ? o.currency : (e.refund?.currency ?? null),
        (o ?? c)?.quantity ?? null,
        (o ?? c)?.cost ?? null,
        (o ?? c)?.margin ?? null,
        (o ?? c)?.discount ?? null,
        (o ?? c)?.channel ?? null,
        (o ?? c)?.campaign ?? null,
        'api',
        // an event has no line of a file
        null,
      ])
      if (o) lines.push(...lineRows(o))
    }
    const oe = opsEventOf(e, prev === null, repeats)
    if (oe && store.ops.playbooks.length > 0) {
      const list = candidates.get(e.customerId) ?? []
      // the events are one history, applied in whatever order they came (a file in order-id
      // order): a customer's first order is the earliest of them, and a welcome for a newer one
      // would greet a customer of months as new (or past the stale limit, not at all)
      const earliest = Math.min(
        next.firstOrderMs ?? Number.POSITIVE_INFINITY,
        firstOrders.get(e.customerId) ?? Number.POSITIVE_INFINITY,
      )
      const seen = Number.isFinite(earliest) ? { ...next, firstOrderMs: earliest } : next
      list.push(...planCandidates(store, oe, e.eventId, prev, seen, nowMs, fired, 'skip'))
      candidates.set(e.customerId, list)
      const key = `${e.customerId}\u0000${calls?.get(given) ?? 0}`
      const from = milestoneFrom.get(key)
      milestoneFrom.set(key, {
        customerId: e.customerId,
        before: from ? from.before : prev,
        after: next,
        event: oe,
        id: e.eventId,
      })
    }
  }
  // each customer's actions of the whole group, the milestones of each call among them, in one
  // budget pass
  const milestones = new Map<string, Candidate[]>()
  for (const m of milestoneFrom.values()) {
    const list = milestones.get(m.customerId) ?? []
    list.push(...planCandidates(store, m.event, m.id, m.before, m.after, nowMs, fired, 'only'))
    milestones.set(m.customerId, list)
  }
  for (const [customerId, reached] of milestones) {
    const after = touched.get(customerId)
    if (!after) continue
    const all = [...(candidates.get(customerId) ?? []), ...reached]
    const log = logs.get(customerId) ?? []
    logs.set(customerId, log)
    budgetCandidates(store, all, after, nowMs, log, plan)
  }
  if (orders.length > 0) {
    await insertAll(tx, {
      table: 'orders',
      // the columns a file import stores, in its order (the rows above follow it)
      columns: ORDER_COLUMNS,
      rows: orders,
    })
  }
  await insertLines(tx, lines)
  if (identified.size > 0) {
    const list = [...identified]
    // the row is rewritten whole: what the calls do not say keeps its stored value (a customers
    // file's country stays when a call says only the email), as a file without a column does,
    // and what they say is null is cleared, as an empty cell of a file is
    const stored = new Map(
      (await tx.query(apiCustomerRecords(tx.dialect, list))).map((r) => [String(r.customer_id), r]),
    )
    await tx.exec(deleteKeys(tx.dialect, 'customers', list))
    await insertAll(tx, {
      table: 'customers',
      columns: ['customer_id', 'email', 'name', 'signup_at', ...CUSTOMER_ATTRIBUTES, 'source'],
      rows: list.map((id) => {
        const p = touched.get(id)!
        const s = stored.get(id)
        const given = attributes.get(id) ?? {}
        const signupMs = p.signupAtMs ?? tsMs(s?.signup_at)
        const said = (col: string, kept: unknown) => (col in given ? given[col] : (kept ?? null))
        return [
          id,
          said('email', p.email ?? s?.email),
          said('name', p.name ?? s?.name),
          said('signup_at', signupMs === null ? null : sqlTs(signupMs)),
          ...CUSTOMER_ATTRIBUTES.map((a) => said(a, s?.[a])),
          'api',
        ]
      }),
    })
  }
  // this group's profiles: an earlier group's were written with it
  await writeProfiles(
    tx,
    [...changed].map((id) => touched.get(id)!),
  )
  await writePlan(tx, plan)
  // after the group's new orders: the counters are counted from every stored order
  await correctOrders(store, tx, [...corrected.values()], touched, nowMs)
  await withdrawEndedTasks(store, tx, [...changed], nowMs)
  return { fresh, replaced, queued: plan.queued }
}

type OrderOf = NonNullable<IngestEvent['order']>

/** The order_lines rows of an order event's products (keys `<order id>:<n>`). */
function lineRows(o: OrderOf): unknown[][] {
  return (o.products ?? []).map((l, k) => [
    `${o.orderId}:${k}`,
    o.orderId,
    l.productId,
    l.name,
    l.category,
    l.quantity,
    l.amount,
    'api',
  ])
}

async function insertLines(tx: Engine, rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return
  await insertAll(tx, {
    table: 'order_lines',
    // an event's line has no line of a file
    columns: LINE_COLUMNS.filter((c) => c !== 'source_line'),
    rows,
  })
}

/**
 * A forwarded file's version of stored orders (`events`: their customer's, another amount or
 * time), stored as a direct import stores a corrected export: the order row takes the file's
 * time, day, amount, cost and margin (and its currency, discount, quantity, channel and campaign
 * where the file gives them), the file's lines replace the stored ones when it has some, and
 * the customers' counters are counted again from their stored orders, as a refit counts them.
 */
async function correctOrders(
  store: OpsStore,
  tx: Engine,
  events: readonly IngestEvent[],
  touched: Map<string, Profile>,
  nowMs: number,
): Promise<void> {
  if (events.length === 0) return
  const orders = events.map((e) => e.order!)
  await tx.exec(
    updateKeyedRows(tx.dialect, {
      table: 'orders',
      key: 'order_key',
      columns: [
        'order_key',
        'ordered_at',
        'order_date',
        'amount',
        'cost',
        'margin',
        'currency',
        'discount',
        'quantity',
        'channel',
        'campaign',
      ],
      keep: ['currency', 'discount', 'quantity', 'channel', 'campaign'],
      rows: events.map((e) => {
        const o = e.order!
        return [
          o.orderId,
          sqlTs(e.atMs),
          o.day ?? sqlDay(e.atMs),
          o.amount,
          o.cost,
          o.margin,
          o.currency,
          o.discount,
          o.quantity,
          o.channel,
          o.campaign,
        ]
      }),
    }),
  )
  const lined = orders.filter((o) => (o.products ?? []).length > 0)
  if (lined.length > 0) {
    await tx.exec(
      deleteKeys(
        tx.dialect,
        'order_lines',
        lined.map((o) => o.orderId),
      ),
    )
    await insertLines(tx, lined.flatMap(lineRows))
  }
  const ids = [...new Set(events.map((e) => e.customerId))]
  const known = await store.getProfiles(ids, tx)
  const profiles: Profile[] = []
  for (const r of await tx.query(refitAggregates(tx.dialect, ids))) {
    const id = String(r.customer_id)
    const p = touched.get(id) ?? known.get(id) ?? emptyProfile(id, nowMs)
    const next = { ...p, ...orderCounters(r) }
    profiles.push({ ...scoreProfile(next, store.model, store.value, nowMs), updatedAtMs: nowMs })
  }
  for (const p of profiles) touched.set(p.customerId, p)
  await writeProfiles(tx, profiles)
}

/** Group commit in front of {@link ingestGroup}, on the store's serial queue. */
export class Ingestor {
  readonly #store: OpsStore
  #pending: Submission[] = []
  #scheduled = false
  /** Called after a commit that queued webhook actions. */
  onQueued: (() => void) | null = null
  /** Events per transaction at most. */
  maxGroup = 5000

  constructor(store: OpsStore) {
    this.#store = store
  }

  /** Store `events` (one submission, all or nothing); resolves after the commit. */
  submit(events: readonly IngestEvent[]): Promise<IngestResult[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ events, resolve, reject })
      this.#schedule()
    })
  }

  /**
   * Store `events` in ONE transaction of their own (a forwarded file: {@link commitStaged}), in
   * groups of {@link maxGroup}, with `within` last in it; resolves after the commit.
   */
  async submitWhole(
    events: readonly IngestEvent[],
    within: (tx: Engine) => Promise<void>,
  ): Promise<IngestResult[]> {
    const { results, queued } = await this.#store.use(() =>
      ingestInOne(this.#store, events, this.maxGroup, within, true),
    )
    if (queued > 0) this.onQueued?.()
    return results
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    void this.#store.use(() => this.#flush())
  }

  async #flush(): Promise<void> {
    this.#scheduled = false
    const group: Submission[] = []
    let n = 0
    while (
      this.#pending.length > 0 &&
      (n === 0 || n + this.#pending[0]!.events.length <= this.maxGroup)
    ) {
      const s = this.#pending.shift()!
      group.push(s)
      n += s.events.length
    }
    if (this.#pending.length > 0) this.#schedule()
    if (group.length === 0) return
    try {
      const all = group.flatMap((s) => s.events)
      // each event's submission: milestones are evaluated per call, not per group
      const calls = new Map<IngestEvent, number>()
      group.forEach((s, k) => {
        for (const e of s.events) calls.set(e, k)
      })
      const { results, queued } = await ingestGroup(this.#store, all, calls)
      let k = 0
      for (const s of group) {
        s.resolve(results.slice(k, k + s.events.length))
        k += s.events.length
      }
      if (queued > 0) this.onQueued?.()
    } catch (e) {
      if (group.length === 1) {
        group[0]!.reject(e)
        return
      }
      // one bad submission must not fail the others: retry each alone
      for (const s of group) {
        try {
          const { results, queued } = await ingestGroup(this.#store, s.events)
          s.resolve(results)
          if (queued > 0) this.onQueued?.()
        } catch (err) {
          s.reject(err)
        }
      }
    }
  }
}
