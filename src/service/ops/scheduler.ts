// The scheduler's tick: time-based playbook triggers (next purchase due, anniversary, best customer
// at risk, no order for N days) have no event to fire them, so a periodic tick asks the store which
// customers have an occasion due (SQL over the profile dates, api-tick-candidates.ts), evaluates
// only those with the core triggers and stores the actions like the ingest path does. An occasion
// fires once: its action key is unique in the audit log, and the candidate query skips customers
// whose occasion already has an action, so ticks after a restart or a missed day repeat nothing.
import type { Playbook } from '../../core/ops/config.ts'
import type { OpsEvent } from '../../core/ops/playbooks.ts'
import { type TickTrigger, tickCandidates } from '../../data/queries/api-tick-candidates.ts'
import { UsageError } from '../../errors.ts'
import { type ReleaseCounts, releaseDeferred } from './dispatch.ts'
import {
  budgetCandidates,
  type Candidate,
  loadContacts,
  type PlanOutput,
  planCandidates,
  writePlan,
} from './ingest.ts'
import { DAY_MS } from './profile.ts'
import { type Repeat, repeatEvery } from './repeat.ts'
import type { OpsStore } from './store.ts'

/** Trigger types the tick evaluates (the others fire on events). */
export const TIME_TRIGGERS = [
  'next_purchase_due',
  'anniversary',
  'best_at_risk',
  'no_order_for',
] as const

/** What one tick did. */
export interface TickReport {
  /** The evaluation time (ISO 8601). */
  readonly now: string
  /** Per time-based playbook: customers the store proposed, and actions stored for them. */
  readonly playbooks: readonly {
    readonly playbookId: string
    readonly trigger: string
    readonly candidates: number
    readonly actions: number
  }[]
  /** Actions stored in all (including holdout and budget suppressions, and deferrals). */
  readonly actions: number
  /** Webhook actions queued to send now. */
  readonly queued: number
  /** Deferred actions that became due and went through the contact budget again. */
  readonly released: ReleaseCounts
  readonly durationMs: number
}

/**
 * month × 100 + day of every first-purchase date whose anniversary starts (00:00 UTC) in
 * (now − windowDays, now]; a Feb 29 first purchase is celebrated on Feb 28 in common years.
 */
export function anniversaryMonthDays(nowMs: number, windowDays: number): number[] {
  const out = new Set<number>()
  const today = Math.floor(nowMs / DAY_MS)
  for (let d = today; d >= 0 && d * DAY_MS > nowMs - windowDays * DAY_MS; d--) {
    const date = new Date(d * DAY_MS)
    const y = date.getUTCFullYear()
    const m = date.getUTCMonth() + 1
    const day = date.getUTCDate()
    out.add(m * 100 + day)
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
    if (m === 2 && day === 28 && !leap) out.add(229)
  }
  return [...out].sort((a, b) => a - b)
}

function sqlTrigger(p: Playbook, nowMs: number, tierNames: readonly string[]): TickTrigger | null {
  const t = p.trigger
  const index = (names: readonly string[]): number[] =>
    names.map((n) => {
      const i = tierNames.indexOf(n)
      if (i < 0) throw new UsageError(`playbook "${p.id}" names unknown tier "${n}"`, { tierNames })
      return i
    })
  switch (t.type) {
    case 'next_purchase_due':
      return { type: t.type, toleranceDays: t.toleranceDays }
    case 'anniversary':
      return {
        type: t.type,
        windowDays: t.windowDays,
        monthDays: anniversaryMonthDays(nowMs, t.windowDays),
      }
    case 'best_at_risk':
      return {
        type: t.type,
        tiers: t.tiers ? index(t.tiers) : [0],
        pAliveBelow: t.pAliveBelow,
        gapMultiple: t.gapMultiple,
      }
    case 'no_order_for':
      return {
        type: t.type,
        days: t.days,
        tiers: t.tiers ? index(t.tiers) : null,
        minOrders: t.minOrders,
      }
    default:
      return null
  }
}

const running = new WeakMap<OpsStore, Promise<unknown>>()

/**
 * Run one tick as of `nowMs`: for each enabled time-based playbook, page through the customers
 * the store finds due (occasions older than the playbook's `staleAfterDays`, at least one day,
 * are left alone, so a first tick over years of imported history does not nudge everyone who
 * lapsed long ago; an anniversary is bounded by its window, a best customer at risk by nothing),
 * evaluate their triggers on the stored profile, apply holdout and the contact budget, and store
 * the actions and tasks in one transaction per page. Then release the deferred actions due at
 * `nowMs` (see {@link releaseDeferred}). Ticks of one store never overlap: a tick asked for while
 * one runs starts after it.
 * @example await runTick(store, Date.parse('2025-06-01T09:00:00Z'))
 * @throws UsageError when a playbook names an unknown tier; QueryError from the store (the pages
 *   stored before stay stored; the next tick takes over where it failed).
 */
export function runTick(store: OpsStore, nowMs: number, pageSize = 500): Promise<TickReport> {
  if (!Number.isFinite(nowMs)) throw new UsageError('the tick needs a finite time', { nowMs })
  const prev = running.get(store) ?? Promise.resolve()
  const next = prev.then(
    () => tick(store, nowMs, pageSize),
    () => tick(store, nowMs, pageSize),
  )
  running.set(store, next)
  return next
}

async function tick(store: OpsStore, nowMs: number, pageSize: number): Promise<TickReport> {
  const started = Date.now()
  // A tick dated other than the clock (an admin's `now`) finds the occasions due by then, but
  // decides and sends what it plans at the clock, and releases only the held actions due at the
  // clock: a made-up time must not move a real message's time. Later, it fires them early; earlier
  // (a missed tick caught up after an outage), its messages still go out now, so the contact
  // budget and quiet hours are those of now (decided as of the past time, a fourth contact in a
  // week went out, and a marketing SMS at 23:00). `loyals tick --now` without a server sets the
  // store's clock itself: there both are the given time.
  const sendMs = store.now()
  const report: { playbookId: string; trigger: string; candidates: number; actions: number }[] = []
  let actions = 0
  let queued = 0
  const event: OpsEvent = { type: 'tick', id: null, atMs: nowMs }
  // First who each time playbook finds due; then each customer's occasions of this tick decided
  // together in one budget pass, so that the departments' order decides who gets a last free slot
  // (decided playbook by playbook, the one listed first in the configuration took it: a marketing
  // nudge suppressed an anniversary as over the cap, where docs/operations.md ranks recognition
  // above marketing).
  // (ids only: the profiles are read again per page, so a first tick over a million customers
  // holds no million profiles)
  const found = new Map<string, Playbook[]>()
  const entries = new Map<string, (typeof report)[number]>()
  for (const p of store.ops.playbooks) {
    if (!p.enabled) continue
    const trigger = sqlTrigger(p, nowMs, store.tierNames)
    if (trigger === null) continue
    const lookbackDays = Math.max(p.staleAfterDays, 1)
    const entry = { playbookId: p.id, trigger: p.trigger.type, candidates: 0, actions: 0 }
    report.push(entry)
    entries.set(p.id, entry)
    let afterId: string | null = null
    for (;;) {
      // one candidate query per 20 pages: each is a scan of the profiles, so few and large
      const rows = await store.use((e) =>
        e.query(
          tickCandidates(e.dialect, {
            playbookId: p.id,
            trigger,
            nowSec: nowMs / 1000,
            sinceSec: (nowMs - lookbackDays * DAY_MS) / 1000,
            afterId,
            limit: pageSize * 20,
          }),
        ),
      )
      if (rows.length === 0) break
      for (const r of rows) {
        const id = String(r.customer_id)
        const list = found.get(id)
        if (list) list.push(p)
        else found.set(id, [p])
      }
      afterId = String(rows[rows.length - 1]!.customer_id)
      entry.candidates += rows.length
      if (rows.length < pageSize * 20) break
    }
  }
  const ids = [...found.keys()]
  for (let k = 0; k < ids.length; k += pageSize) {
    const chunk = ids.slice(k, k + pageSize)
    const plan: PlanOutput = { actions: [], tasks: [], queued: 0 }
    await store.use((e) =>
      e.transaction(async (tx) => {
        const { fired, logs } = await loadContacts(store, tx, chunk, sendMs)
        // a profile that an event changed since is newer in the write-through cache
        const profiles = await store.getProfiles(chunk, tx)
        for (const id of chunk) {
          const profile = profiles.get(id)
          if (!profile) continue
          // Only the playbooks whose query found this customer are evaluated: another's
          // occasion may be past its lookback, which the query applies and the core does not.
          const scoped: OpsStore = Object.create(store, {
            ops: { value: { ...store.ops, playbooks: found.get(id) ?? [] } },
          })
          // before = after: only time triggers can fire, never a first order or a milestone
          const planned = planCandidates(scoped, event, null, profile, profile, nowMs, fired)
          const log = logs.get(id) ?? []
          const early = planned.map((c) => sentAt(c, sendMs))
          budgetCandidates(scoped, early, profile, sendMs, log, plan)
        }
        await writePlan(tx, plan)
      }),
    )
    for (const row of plan.actions) {
      const entry = entries.get(String(row[1]))
      if (entry) entry.actions++
    }
    actions += plan.actions.length
    queued += plan.queued
  }
  const released = await releaseDeferred(store, sendMs, 100_000)
  return {
    now: new Date(nowMs).toISOString(),
    playbooks: report,
    actions,
    queued: queued + released.queued,
    released,
    durationMs: Date.now() - started,
  }
}

/** A candidate planned as of a later time, to be sent (and a task due) counting from `atMs`. */
function sentAt(c: Candidate, atMs: number): Candidate {
  const a = c.action
  const early = a.scheduledAtMs - atMs
  if (early <= 0) return c
  const dueAtMs = a.dueAtMs === null ? null : a.dueAtMs - early
  return { ...c, action: { ...a, scheduledAtMs: atMs, dueAtMs } }
}

/** Runs {@link runTick} every `everyMs` on the store's clock; `onQueued` after queued messages. */
export class Scheduler {
  readonly #store: OpsStore
  readonly #onQueued: () => void
  #timer: Repeat | null = null
  #current: Promise<unknown> | null = null
  /** The last tick's report or error (for the log and tests). */
  last: TickReport | Error | null = null

  constructor(store: OpsStore, onQueued: () => void = () => {}) {
    this.#store = store
    this.#onQueued = onQueued
  }

  /** Tick now and then every `everyMs`. */
  start(everyMs: number): void {
    this.#run()
    this.#timer = repeatEvery(everyMs, () => this.#run())
  }

  /** One tick as of `nowMs` (default: the store's clock), serialized with the periodic ones. */
  async tick(nowMs: number = this.#store.now()): Promise<TickReport> {
    const r = await runTick(this.#store, nowMs)
    if (r.queued > 0) this.#onQueued()
    return r
  }

  #run(): void {
    if (this.#current) return
    this.#current = this.tick()
      .then(
        (r) => {
          this.last = r
        },
        (e: unknown) => {
          this.last = e instanceof Error ? e : new Error(String(e))
          console.error(`loyals serve: tick failed: ${this.last.message}`)
        },
      )
      .finally(() => {
        this.#current = null
      })
  }

  async stop(): Promise<void> {
    this.#timer?.stop()
    await this.#current
  }
}
