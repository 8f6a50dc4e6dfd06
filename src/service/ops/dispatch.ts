// Delivery of playbook actions after their event committed. A deferred action (quiet hours, a later
// onboarding step) goes through the contact budget again when it becomes due, against the contacts
// made meanwhile: it is then queued (or its staff task created), deferred again, or suppressed with
// the reason; an onboarding step over a cap is deferred instead, and the later steps of its
// sequence wait for it (the customer was told how many steps there are). Before that, an action
// whose playbook was disabled or removed meanwhile, whose occasion ended (a "we miss you" to a
// customer who has ordered since), a message the customer has refused since (an unsubscribe, a
// marketing consent withdrawn), or an email whose customer's address was cleared, is
// suppressed: what held when it was planned may not hold now. A queued message is checked again
// when it is sent (or retried): one the customer has refused since, or an email whose address was
// cleared, is suppressed then instead of sent.
// Webhooks are POSTed with an Idempotency-Key header, so a receiver can drop a redelivery after a
// crash between send and record; failures are retried 3 times with backoff, then marked failed in
// the audit log.

import { createHmac } from 'node:crypto'
import type { Channel, Department } from '../../core/ops/config.ts'
import {
  applyContactBudget,
  type BudgetCandidate,
  byBudgetPriority,
  type ContactLogEntry,
  detailNamingTakers,
} from '../../core/ops/contact-budget.ts'
import { evaluateTriggers, lifeOfKey, sequenceOf } from '../../core/ops/playbooks.ts'
import type { Engine, Row } from '../../data/engine.ts'
import { actionHoldQueued } from '../../data/queries/api-action-hold-queued.ts'
import { actionQueued } from '../../data/queries/api-action-queued.ts'
import { actionRelease } from '../../data/queries/api-action-release.ts'
import { actionStatus } from '../../data/queries/api-action-status.ts'
import { actionsDeferredDue } from '../../data/queries/api-actions-deferred-due.ts'
import { actionsDue } from '../../data/queries/api-actions-due.ts'
import { contactLog } from '../../data/queries/api-contact-log.ts'
import { budgetDays, COUNTED, contactOf, insertAll, TASK_COLUMNS, taskIdFor } from './ingest.ts'
import { DAY_MS, opsProfile, type Profile } from './profile.ts'
import { heldBack } from './reach.ts'
import type { OpsStore } from './store.ts'
import { sqlTs, tsMs } from './time.ts'

export const MAX_ATTEMPTS = 3

export type Fetch = (
  url: string,
  init: RequestInit,
) => Promise<{
  ok: boolean
  status: number
  headers?: { get(name: string): string | null }
  body?: { cancel(): Promise<void> } | null
}>

interface Payload {
  template?: string | null
  variables?: Record<string, unknown>
  reason?: string
  url?: string
  title?: string
  role?: string | null
  assignee?: string | null
  goal?: string | null
  dueInDays?: number
}

const parsePayload = (r: Row): Payload =>
  (r.payload ? JSON.parse(String(r.payload)) : {}) as Payload

/** What one release pass decided, by outcome. */
export interface ReleaseCounts {
  /** Messages queued to send and staff tasks created. */
  readonly queued: number
  readonly tasks: number
  /** Deferred again (quiet hours again). */
  readonly deferred: number
  /** Dropped, with the reason in the audit log (a cap filled meanwhile). */
  readonly suppressed: number
}

/** An onboarding step still deferred to a later time: the later steps of its sequence wait. */
interface HeldStep {
  readonly step: number
  readonly atMs: number
}

/**
 * The contact log of `ids` as of `nowMs`, without the deferred actions that are due: those are
 * being decided (in this pass or the next), and a held action must not count against itself.
 * With it, the onboarding steps deferred beyond `nowMs`, by sequence.
 */
async function contactsFor(
  store: OpsStore,
  tx: Engine,
  ids: readonly string[],
  nowMs: number,
): Promise<{ logs: Map<string, ContactLogEntry[]>; held: Map<string, HeldStep[]> }> {
  const logs = new Map<string, ContactLogEntry[]>()
  const held = new Map<string, HeldStep[]>()
  const since = sqlTs(nowMs - budgetDays(store) * DAY_MS)
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.query(contactLog(tx.dialect, ids.slice(i, i + 500), since))
    for (const r of rows) {
      const status = String(r.status)
      if (status === 'deferred') {
        const seq = sequenceOf(String(r.action_key))
        const atMs = tsMs(r.scheduled_at) ?? 0
        if (seq && atMs > nowMs) {
          held.set(seq.id, [...(held.get(seq.id) ?? []), { step: seq.step, atMs }])
        }
      }
      if (!r.recent || !COUNTED.has(status)) continue
      const contact = contactOf(store, r)
      if (status === 'deferred' && contact.atMs <= nowMs) continue
      const id = String(r.customer_id)
      const list = logs.get(id) ?? []
      list.push(contact)
      logs.set(id, list)
    }
  }
  return { logs, held }
}

/** Time triggers whose occasion a later order (or a new score) ends: checked again at release. */
const RECHECKED = new Set(['next_purchase_due', 'best_at_risk', 'no_order_for'])

/**
 * Why a deferred action due now is no longer wanted, or null when it still is: its playbook is
 * disabled or gone from the configuration (`playbook_disabled`), the customer refused it since it
 * was held (`unsubscribed`, `no_consent`: consent.ts), it is an email and the customer has no
 * email address now (`no_email`: cleared since it was held), or its time trigger, evaluated
 * now on the customer's current profile, no longer fires for the occasion its key names
 * (`no_longer_applies`: an order since, a next due date moved, no longer a best customer at risk).
 * @throws UsageError when the playbook names an unknown tier (as the tick does).
 */
function stale(
  store: OpsStore,
  r: Row,
  profile: Profile | undefined,
  nowMs: number,
): { reason: string; why: string } | null {
  const p = store.ops.playbooks.find((x) => x.id === r.playbook_id)
  if (!p) return { reason: 'playbook_disabled', why: 'its playbook is no longer configured' }
  if (!p.enabled) return { reason: 'playbook_disabled', why: 'its playbook is disabled' }
  const held = heldBack(
    { kind: r.kind, channel: r.channel, department: r.department },
    profile ?? { email: null, unsubscribedAtMs: null, marketingConsent: null },
  )
  if (held) return { reason: held.reason, why: held.detail }
  if (!RECHECKED.has(String(r.trigger_type))) return null
  const key = String(r.action_key)
  // in the life its key names: a customer back after an erasure has keys of their own
  const life = lifeOfKey(key)
  const still =
    profile !== undefined &&
    evaluateTriggers(
      { type: 'tick', id: null, atMs: nowMs },
      null,
      life ? { ...opsProfile(profile), life } : opsProfile(profile),
      nowMs,
      { playbooks: [p], holdout: store.ops.holdout },
      { tierNames: store.tierNames },
    ).some((a) => a.idempotencyKey === key)
  return still
    ? null
    : {
        reason: 'no_longer_applies',
        why: `${p.trigger.type} no longer holds on the current profile`,
      }
}

/**
 * Decide every deferred action due at `nowMs` (up to `limit`) again: one no longer wanted (see
 * {@link stale}) → `suppressed` with that reason; the others with the contact budget
 * (core/ops/contact-budget.ts), per customer and in priority order, against the contacts logged
 * meanwhile: allowed → `queued` (a message, sent by the dispatcher) or `task_created` (the task
 * is created now); quiet hours again → `deferred` until they end; a cap filled meanwhile →
 * `suppressed` with the cap's reason and a detail saying it was at release time.
 * @returns the counts; 0 everywhere when nothing was due.
 * @throws QueryError from the store (nothing of the pass is kept then); UsageError as
 *   {@link stale}.
 */
export async function releaseDeferred(
  store: OpsStore,
  nowMs: number,
  limit = 200,
): Promise<ReleaseCounts> {
  const counts = { queued: 0, tasks: 0, deferred: 0, suppressed: 0 }
  await store.use((e) =>
    e.transaction(async (tx) => {
      const rows = await tx.query(actionsDeferredDue(tx.dialect, sqlTs(nowMs), limit))
      if (rows.length === 0) return
      const byCustomer = new Map<string, Row[]>()
      for (const r of rows) {
        const id = String(r.customer_id)
        byCustomer.set(id, [...(byCustomer.get(id) ?? []), r])
      }
      const ids = [...byCustomer.keys()]
      const profiles = await store.getProfiles(ids, tx)
      const { logs, held } = await contactsFor(store, tx, ids, nowMs)
      const priority = new Map(store.ops.playbooks.map((p) => [p.id, p.priority]))
      const tasks: unknown[][] = []
      const at = new Date(nowMs).toISOString()
      const decide = async (
        r: Row,
        status: 'queued' | 'task_created' | 'deferred' | 'suppressed',
        reason: string | null,
        detail: string,
        when: number,
      ): Promise<boolean> => {
        const changed = await tx.query(
          actionRelease(tx.dialect, {
            actionKey: String(r.action_key),
            status,
            reason,
            detail,
            scheduledAtTs: sqlTs(when),
          }),
        )
        return changed.length > 0
      }
      for (const [id, due] of byCustomer) {
        const list: Row[] = []
        for (const r of due) {
          const gone = stale(store, r, profiles.get(id), nowMs)
          if (gone === null) list.push(r)
          else if (
            await decide(r, 'suppressed', gone.reason, `at release ${at}: ${gone.why}`, nowMs)
          ) {
            counts.suppressed++
          }
        }
        if (list.length === 0) continue
        const candidates: BudgetCandidate[] = list.map((r) => {
          const key = String(r.action_key)
          const sequence = r.trigger_type === 'onboarding' ? sequenceOf(key) : null
          // an earlier step of its sequence held past now (over a cap): this one waits for it
          let waitMs = nowMs
          for (const s of (sequence && held.get(sequence.id)) || []) {
            if (s.step < sequence!.step) waitMs = Math.max(waitMs, s.atMs)
          }
          return {
            idempotencyKey: key,
            kind: r.kind === 'task' ? 'task' : 'webhook',
            channel: (r.channel as Channel | null) ?? null,
            department: r.department as Department,
            priority: priority.get(String(r.playbook_id)) ?? 5,
            scheduledAtMs: Math.max(waitMs, Math.min(nowMs, tsMs(r.scheduled_at) ?? nowMs)),
            control: Boolean(r.control),
            ...(sequence ? { sequence } : {}),
          }
        })
        const decisions = applyContactBudget(
          candidates,
          logs.get(id) ?? [],
          nowMs,
          store.ops.contactBudget,
          profiles.get(id)?.timeZone ?? null,
        )
        // a slot lost at release names the playbooks that took it, as at event time (ingest.ts)
        const playbookOf = new Map(list.map((r) => [String(r.action_key), String(r.playbook_id)]))
        for (const [k, r] of list.entries()) {
          const d = decisions[k]!
          const key = String(r.action_key)
          const isTask = r.kind === 'task'
          let status: 'queued' | 'task_created' | 'deferred' | 'suppressed'
          let when = nowMs
          let detail: string
          if (d.outcome === 'allowed') {
            status = isTask ? 'task_created' : 'queued'
            detail = `released ${at}: ${d.detail}`
          } else if (d.outcome === 'deferred') {
            status = 'deferred'
            when = d.untilMs ?? nowMs
            // a sequence step held again names what took the slot too, as at event time
            detail = detailNamingTakers(d, playbookOf)
          } else {
            status = 'suppressed'
            detail = `at release ${at}: ${detailNamingTakers(d, playbookOf)}`
          }
          if (!(await decide(r, status, d.reason, detail, when))) continue
          if (status === 'task_created') {
            const payload = parsePayload(r)
            counts.tasks++
            tasks.push([
              taskIdFor(key),
              id,
              payload.title ?? 'task',
              payload.role ?? null,
              payload.assignee ?? null,
              String(r.playbook_id),
              payload.goal ?? null,
              'open',
              sqlTs(nowMs),
              sqlTs(nowMs + (payload.dueInDays ?? 7) * DAY_MS),
            ])
          } else if (status === 'queued') counts.queued++
          else if (status === 'deferred') counts.deferred++
          else counts.suppressed++
        }
      }
      if (tasks.length > 0) {
        await insertAll(tx, {
          table: 'tasks',
          columns: TASK_COLUMNS,
          rows: tasks,
          conflict: 'nothing',
        })
      }
    }),
  )
  return counts
}

/** What the webhook deliveries of dispatch passes came to (a local tick reports it). */
export interface DeliveryTally {
  sent: number
  /** Failed for the last time (MAX_ATTEMPTS): not tried again. */
  failed: number
  /** Failed, to be tried again later. */
  retry: number
  /** Not sent: the customer unsubscribed or has no address since it was queued. */
  held: number
}

/**
 * The Loyals-Signature header of a delivery: `t=<unix seconds>,v1=<hex>`, the hex an HMAC-SHA256
 * under the secret of `<t>.<body>` (the body as sent), so that a receiver can tell our deliveries
 * from anyone's and refuse an old one replayed (t, the real time of the attempt, not a tick's clock).
 * @example webhookSignature('0123456789abcdef', '{}', 1700000000000) // 't=1700000000,v1=...'
 */
export function webhookSignature(secret: string, body: string, atMs: number): string {
  const t = Math.floor(atMs / 1000)
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  return `t=${t},v1=${mac}`
}

/** How long one delivery attempt may take before it is cut off and counted as failed. */
export const DELIVERY_TIMEOUT_MS = 5000

/** The wait before the first retry, doubled for each later one (5 s, then 10 s). */
const RETRY_BASE_MS = 5000

/** A failed fetch in words, with its cause ("fetch failed: ECONNREFUSED"): the message alone says little. */
function fetchProblem(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const cause = (e as { cause?: unknown }).cause
  const why =
    cause && typeof cause === 'object'
      ? String((cause as { code?: unknown }).code ?? (cause as { message?: unknown }).message ?? '')
      : ''
  return why && !e.message.includes(why) ? `${e.message}: ${why}` : e.message
}

async function deliver(
  store: OpsStore,
  due: Row,
  fetchImpl: Fetch,
  stop?: AbortSignal,
): Promise<keyof DeliveryTally | null> {
  const key = String(due.action_key)
  // the row as it is at its turn, not as the pass read it: deliveries before it may have taken
  // seconds each (a slow receiver), and an erasure meanwhile suppressed it (a message sent after
  // the customer was erased, with their id, while the audit log said it was not sent)
  const now = store.now()
  const [r] = await store.use((e) => e.query(actionQueued(e.dialect, key, sqlTs(now))))
  if (r === undefined) return null
  const payload = parsePayload(r)
  const attempts = Number(r.attempts) + 1
  const profile = await store.getProfile(String(r.customer_id))
  // a message waits in the queue for a retry, or until a server runs the dispatcher: the
  // customer may have unsubscribed or lost their address since it was queued
  const held = heldBack(
    { kind: r.kind, channel: r.channel, department: r.department },
    profile ?? { email: null, unsubscribedAtMs: null, marketingConsent: null },
  )
  if (held) {
    const at = new Date(now).toISOString()
    await store.use((e) =>
      e.exec(
        actionHoldQueued(e.dialect, {
          actionKey: key,
          reason: held.reason,
          detail: `at send ${at}: ${held.detail}`,
        }),
      ),
    )
    return 'held'
  }
  let ok = false
  let detail: string
  // the attempt's own timer, not AbortSignal.timeout inside AbortSignal.any: on Node 20 that
  // timeout can be garbage-collected before it fires (nodejs/node#57736), and a receiver that never
  // answered then held the one-at-a-time dispatcher, and every customer's messages, for minutes
  const attempt = new AbortController()
  const timer = setTimeout(
    () =>
      attempt.abort(
        new DOMException(
          `The operation was aborted due to timeout (${DELIVERY_TIMEOUT_MS / 1000} s)`,
          'TimeoutError',
        ),
      ),
    DELIVERY_TIMEOUT_MS,
  )
  const onStop = () => attempt.abort(stop?.reason)
  if (stop?.aborted) onStop()
  else stop?.addEventListener('abort', onStop, { once: true })
  try {
    const body = JSON.stringify({
      actionKey: key,
      playbookId: r.playbook_id,
      customerId: r.customer_id,
      email: profile?.email ?? null,
      name: profile?.name ?? null,
      channel: r.channel,
      template: payload.template ?? null,
      variables: payload.variables ?? {},
      reason: payload.reason ?? null,
    })
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': key,
    }
    if (store.webhookSecret !== null) {
      headers['loyals-signature'] = webhookSignature(store.webhookSecret, body, Date.now())
    }
    const res = await fetchImpl(payload.url ?? '', {
      method: 'POST',
      headers,
      body,
      signal: attempt.signal,
      // a redirect is no delivery: followed, a 301/302 turned the POST into a GET without the
      // payload, recorded "sent", and a 307 sent the customer's details on to another host
      redirect: 'manual',
    })
    ok = res.ok
    const to = res.headers?.get('location')
    detail =
      res.status >= 300 && res.status < 400
        ? `HTTP ${res.status}: a redirect${to ? ` to ${to}` : ''}, not followed (give the webhook's final URL)`
        : `HTTP ${res.status}`
    // the answer is not read: left unread, a receiver streaming one kept its connection (and the
    // socket here) until garbage collection
    await res.body?.cancel().catch(() => {})
  } catch (e) {
    // cut off by the server stopping: no attempt to count, the action stays queued and goes out
    // after a restart (its Idempotency-Key makes a second delivery harmless)
    if (stop?.aborted) return null
    detail = fetchProblem(e)
  } finally {
    clearTimeout(timer)
    stop?.removeEventListener('abort', onStop)
  }
  const status = ok ? 'sent' : attempts >= MAX_ATTEMPTS ? 'failed' : 'queued'
  // the next try counts from the end of this one: from its start, an attempt cut off at its 5 s
  // timeout was due again the moment it failed
  const retryAt = store.now() + RETRY_BASE_MS * 2 ** (attempts - 1)
  await store.use((e) =>
    e.exec(
      actionStatus(e.dialect, {
        actionKey: key,
        status,
        detail,
        attempts,
        scheduledAtTs: sqlTs(status === 'queued' ? retryAt : now),
        sentAtTs: ok ? sqlTs(now) : null,
      }),
    ),
  )
  return status === 'queued' ? 'retry' : status
}

/**
 * One dispatch pass: release the deferred actions that are due (budget re-checked), then send
 * every queued webhook that is due once. Returns how many actions it handled (0: nothing due).
 * `stop` (the server stopping) ends the pass at once: what it has not sent stays queued.
 */
export async function dispatchDue(
  store: OpsStore,
  fetchImpl: Fetch = fetch,
  stop?: AbortSignal,
  tally?: DeliveryTally,
): Promise<number> {
  const released = await releaseDeferred(store, store.now())
  const handled = released.queued + released.tasks + released.deferred + released.suppressed
  const rows = await store.use((e) => e.query(actionsDue(e.dialect, sqlTs(store.now()), 200)))
  // due at one moment (a first order's welcome and its onboarding step 1): in the budget's order,
  // not their keys' (which sent "onboarding:..." before "welcome:...")
  const priority = new Map(store.ops.playbooks.map((p) => [p.id, p.priority]))
  const ranked = (r: Row) => ({
    department: r.department as Department,
    priority: priority.get(String(r.playbook_id)),
  })
  rows.sort(
    (a, b) =>
      (tsMs(a.scheduled_at) ?? 0) - (tsMs(b.scheduled_at) ?? 0) ||
      byBudgetPriority(ranked(a), ranked(b)) ||
      (String(a.action_key) < String(b.action_key) ? -1 : 1),
  )
  for (const r of rows) {
    if (stop?.aborted) return 0
    const outcome = await deliver(store, r, fetchImpl, stop)
    if (tally && outcome) tally[outcome]++
  }
  return handled + rows.length
}

/** Runs dispatchDue when kicked and every `everyMs`; one pass at a time. */
export class Dispatcher {
  readonly #store: OpsStore
  readonly #fetch: Fetch
  #timer: NodeJS.Timeout | null = null
  #busy: Promise<void> | null = null
  #again = false
  // stop() aborts it: a receiver that never answers held the server's exit for minutes (every
  // queued message, each attempt to its 5 s timeout, the retries as they came due)
  readonly #stopping = new AbortController()

  constructor(store: OpsStore, fetchImpl: Fetch = fetch) {
    this.#store = store
    this.#fetch = fetchImpl
  }

  start(everyMs = 1000): void {
    this.#timer = setInterval(() => this.kick(), everyMs)
    this.#timer.unref()
  }

  kick(): void {
    if (this.#stopping.signal.aborted) return
    if (this.#busy) {
      this.#again = true
      return
    }
    this.#busy = (async () => {
      do {
        this.#again = false
        try {
          const stop = this.#stopping.signal
          while (!stop.aborted && (await dispatchDue(this.#store, this.#fetch, stop)) > 0) {}
        } catch {
          // retried on the next tick; the audit log keeps the action queued
        }
      } while (this.#again)
      this.#busy = null
    })()
  }

  /** Wait until no pass is running. */
  async idle(): Promise<void> {
    while (this.#busy) await this.#busy
  }

  /** Stop now: the delivery under way is cut off, and what is queued stays queued. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#stopping.abort()
    await this.idle()
  }
}
