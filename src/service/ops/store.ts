// The server's handle on its workspace: the one engine behind a serial queue, the configurations,
// the current scoring model and a write-through cache of profiles. The server is the only process
// using the workspace (see src/data/workspace.ts), so the cache is never stale. DuckDB runs its
// statements on one thread here unless a task asks for all (see `use`).
import { createHmac } from 'node:crypto'

import { lookUpTyped, normalizeCustomerId } from '../../core/customer-id.ts'
import type { OpsConfig } from '../../core/ops/config.ts'
import { resolveServicePolicy, type ServicePolicy } from '../../core/ops/service-rank.ts'
import type { ValueConfig } from '../../core/value/config.ts'
import type { Engine, Row } from '../../data/engine.ts'
import { customerRecord } from '../../data/queries/api-customer-record.ts'
import { identifyEventsFrom } from '../../data/queries/api-identify-event.ts'
import { importedOrderRange } from '../../data/queries/api-imported-order-range.ts'
import { modelParams } from '../../data/queries/api-model-params.ts'
import { profilesById } from '../../data/queries/api-profiles-by-id.ts'
import { engineThreads, setThreads } from '../../data/queries/engine-threads.ts'
import { ERASURE_MARKER, erasureMarkers } from '../../data/queries/erasure-markers.ts'
import { metaValue } from '../../data/queries/meta-value.ts'
import { Serial } from '../../data/serial.ts'
import {
  inTiersOf,
  modelOfOtherTiers,
  type Profile,
  type RecordRow,
  recordedProfile,
  type ScoringModel,
  scoreProfile,
} from './profile.ts'
import { pseudonymFor } from './pseudonym.ts'
import { dayText, sqlTs, tsMs } from './time.ts'

export const PROFILE_COLUMNS = [
  'customer_id',
  'email',
  'name',
  'time_zone',
  'signup_at',
  'orders_count',
  'purchase_days',
  'revenue',
  'first_order_at',
  'last_order_at',
  'referrals',
  'reviews',
  'nps',
  'ces',
  'p_alive',
  'expected_purchases',
  'predicted_value',
  'value',
  'tier',
  'tier_name',
  'segment',
  'loyalty_type',
  'reasons',
  'scored_at',
  'updated_at',
  'unsubscribed_at',
  'marketing_consent',
  'imported_consent',
  'first_order_day',
  'last_order_day',
] as const

const ts = (ms: number | null): string | null => (ms === null ? null : sqlTs(ms))
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : Boolean(v))

/** A profile as the values of PROFILE_COLUMNS, in order. */
export function profileRow(p: Profile): unknown[] {
  return [
    p.customerId,
    p.email,
    p.name,
    p.timeZone,
    ts(p.signupAtMs),
    p.ordersCount,
    p.purchaseDays,
    p.revenue,
    ts(p.firstOrderMs),
    ts(p.lastOrderMs),
    p.referrals,
    p.reviews,
    p.nps,
    p.ces,
    p.pAlive,
    p.expectedPurchases,
    p.predictedValue,
    p.value,
    p.tier,
    p.tierName,
    p.segment,
    p.loyaltyType,
    JSON.stringify(p.reasons),
    ts(p.scoredAtMs),
    ts(p.updatedAtMs),
    ts(p.unsubscribedAtMs),
    p.marketingConsent,
    p.importedConsent,
    p.firstOrderDay,
    p.lastOrderDay,
  ]
}

/** A customer_profile row as a Profile. */
export function rowProfile(r: Row): Profile {
  return {
    customerId: String(r.customer_id),
    email: str(r.email),
    name: str(r.name),
    timeZone: str(r.time_zone),
    signupAtMs: tsMs(r.signup_at),
    ordersCount: Number(r.orders_count ?? 0),
    purchaseDays: Number(r.purchase_days ?? 0),
    revenue: Number(r.revenue ?? 0),
    firstOrderMs: tsMs(r.first_order_at),
    lastOrderMs: tsMs(r.last_order_at),
    referrals: Number(r.referrals ?? 0),
    reviews: Number(r.reviews ?? 0),
    nps: num(r.nps),
    ces: num(r.ces),
    pAlive: num(r.p_alive),
    expectedPurchases: num(r.expected_purchases),
    predictedValue: num(r.predicted_value),
    value: num(r.value),
    tier: num(r.tier),
    tierName: str(r.tier_name),
    segment: str(r.segment),
    loyaltyType: str(r.loyalty_type),
    reasons: r.reasons ? (JSON.parse(String(r.reasons)) as Profile['reasons']) : [],
    scoredAtMs: tsMs(r.scored_at),
    updatedAtMs: tsMs(r.updated_at) ?? 0,
    unsubscribedAtMs: tsMs(r.unsubscribed_at),
    marketingConsent: bool(r.marketing_consent),
    importedConsent: bool(r.imported_consent),
    firstOrderDay: dayText(r.first_order_day),
    lastOrderDay: dayText(r.last_order_day),
  }
}

/** Bounded map with least-recently-used eviction. */
export class LruCache<V> {
  readonly #max: number
  readonly #map = new Map<string, V>()
  constructor(max: number) {
    this.#max = max
  }
  get(key: string): V | undefined {
    const v = this.#map.get(key)
    if (v !== undefined) {
      this.#map.delete(key)
      this.#map.set(key, v)
    }
    return v
  }
  has(key: string): boolean {
    return this.#map.has(key)
  }
  set(key: string, v: V): void {
    this.#map.delete(key)
    this.#map.set(key, v)
    if (this.#map.size > this.#max) {
      const first = this.#map.keys().next()
      if (!first.done) this.#map.delete(first.value)
    }
  }
  delete(key: string): void {
    this.#map.delete(key)
  }
  clear(): void {
    this.#map.clear()
  }
}

/**
 * The order ids (and keys of id-less orders) `loyals import` stored, as byte-order bounds; null
 * for none. Only printable-ASCII bounds are used (JS compares UTF-16 units, the stores bytes).
 */
export interface ImportedOrderRange {
  readonly idLo: string | null
  readonly idHi: string | null
  readonly keyLo: string | null
  readonly keyHi: string | null
}

const ASCII = /^[ -~]*$/

/** Could `v` lie in [lo, hi]? Yes when the bounds or `v` are not plain ASCII (no cheap answer). */
export function mayLieIn(v: string, lo: string | null, hi: string | null): boolean {
  if (lo === null || hi === null) return false
  if (!ASCII.test(v) || !ASCII.test(lo) || !ASCII.test(hi)) return true
  return v >= lo && v <= hi
}

interface MissBatch {
  readonly ids: Set<string>
  done: Promise<Map<string, Profile>> | null
}

/** A day of slack past the server's clock for the times of events, as the import allows: time
 * zones ahead of UTC. */
export const FUTURE_SLACK_MS = 86_400_000

export interface OpsStoreOptions {
  readonly ops: OpsConfig
  readonly value: ValueConfig
  readonly now?: () => number
  /**
   * Events dated up to this long after a refit's time count in it (default FUTURE_SLACK_MS: the
   * API takes events dated up to a day ahead of its clock and counts them in the profile at once,
   * so a refit that left them out undid a refund until its time came); 0 for a refit as of a
   * time given (`--now`), which counts what had happened by then.
   */
  readonly countAheadMs?: number
  /** Profiles kept in memory (default 200,000). */
  readonly cacheSize?: number
  /** Signs every webhook delivery (Loyals-Signature) when given (LOYALS_WEBHOOK_SECRET). */
  readonly webhookSecret?: string | null
}

export class OpsStore {
  readonly engine: Engine
  readonly serial = new Serial()
  readonly ops: OpsConfig
  /** Priced in the stored orders' currency when it names none (adoptCurrency). */
  value: ValueConfig
  readonly policy: ServicePolicy
  readonly now: () => number
  /** See OpsStoreOptions.countAheadMs. */
  readonly countAheadMs: number
  readonly webhookSecret: string | null
  /** customer id -> profile, or null for "no such customer" (both verified against the store). */
  readonly profiles: LruCache<Profile | null>
  model: ScoringModel | null = null
  /**
   * Customers known without a profile (see api-customer-record.ts): an unscored profile from their
   * customers row, or null for nobody. A profile, once written, is read first.
   */
  readonly records = new LruCache<Profile | null>(10_000)
  /** Read once (see api-imported-order-range.ts); undefined until then. */
  #importedOrders: ImportedOrderRange | undefined
  /** The erasure secret (meta 'erase_salt', erase.ts): null before the first erasure. */
  #eraseSecret: string | null | undefined
  /** Erased pseudonyms -> the latest erasure's time (meta 'erased:*'); read once, undefined till then. */
  #erasures: Map<string, string> | undefined
  /** customer id -> their life's tag ({@link lifeOf}), or '' for a first life. */
  readonly #lives = new LruCache<string>(200_000)

  constructor(engine: Engine, o: OpsStoreOptions) {
    this.engine = engine
    this.ops = o.ops
    this.value = o.value
    this.now = o.now ?? Date.now
    this.countAheadMs = o.countAheadMs ?? FUTURE_SLACK_MS
    this.webhookSecret = o.webhookSecret ?? null
    this.policy = resolveServicePolicy(o.value.tiers, o.ops.serviceRank)
    this.profiles = new LruCache(o.cacheSize ?? 200_000)
  }

  /**
   * The first currency orders bring to a store that had none: the value configuration, which named
   * none, prices in it from now on (profiles, reasons and refits), as it would after a restart
   * (priced-config.ts). A currency the configuration names is kept.
   */
  adoptCurrency(code: string): void {
    if (this.value.currency.code !== null) return
    this.value = { ...this.value, currency: { ...this.value.currency, code } }
  }

  /** DuckDB's thread count as opened (null until first read), and the one now set. */
  #allThreads: number | null = null
  #threads: number | null = null

  /**
   * Run `fn` with the engine when every earlier use of it has finished. On DuckDB the server's
   * small statements (a group of events, a profile by id) run on one thread: spread over a
   * thread pool they cost about twice the CPU and wall time on a busy 2-core machine (measured:
   * a 32-event group, 57 -> 31 ms CPU). `parallel` gives a task DuckDB's full pool (scans and
   * aggregates over all orders); the setting changes only when the kind of task does.
   */
  use<T>(fn: (engine: Engine) => Promise<T>, o: { readonly parallel?: boolean } = {}): Promise<T> {
    return this.serial.run(async () => {
      // a speed setting: a failure to change it must not fail the task
      await this.#setThreads(o.parallel === true).catch(() => {})
      return fn(this.engine)
    })
  }

  async #setThreads(parallel: boolean): Promise<void> {
    if (this.engine.dialect !== 'duckdb') return
    if (this.#allThreads === null) {
      const [r] = await this.engine.query<{ threads: number }>(engineThreads())
      this.#allThreads = Math.max(1, Number(r?.threads ?? 1))
      this.#threads = this.#allThreads
    }
    const want = parallel ? this.#allThreads : 1
    if (want === this.#threads) return
    await this.engine.exec(setThreads(want))
    this.#threads = want
  }

  get tierNames(): string[] {
    return this.value.tiers.levels.map((l) => l.name)
  }

  /**
   * Were the stored model and profiles scored with other tiers than this configuration's (the
   * server restarted with a tier removed or renamed)? Then a refit is due; until it has run the
   * profiles read keep their tiers by name (see {@link inTiersOf}).
   */
  get tiersChanged(): boolean {
    return modelOfOtherTiers(this.model, this.value)
  }

  /** Load the stored scoring model (call once at start). */
  async loadModel(): Promise<void> {
    const rows = await this.use((e) => e.query(modelParams(e.dialect, 'current')))
    const r = rows[0]
    this.model = r ? (JSON.parse(String(r.params)) as ScoringModel) : null
  }

  /** Cache misses waiting for the next read of the store (see #loadCommitted). */
  #batch: MissBatch | null = null

  /**
   * Profiles for `ids`, from the cache or the store; absent customers are left out. Inside a
   * transaction pass its engine: the rows read are not cached (they may still roll back).
   */
  async getProfiles(ids: readonly string[], engine?: Engine): Promise<Map<string, Profile>> {
    const out = new Map<string, Profile>()
    const missing: string[] = []
    for (const id of new Set(ids)) {
      const c = this.profiles.get(id)
      if (c === undefined) missing.push(id)
      else if (c !== null) out.set(id, c)
    }
    if (missing.length === 0) return out
    const found = engine ? await this.#read(engine, missing) : await this.#loadCommitted(missing)
    for (const id of missing) {
      const p = found.get(id)
      if (p) out.set(id, p)
    }
    return out
  }

  async #read(e: Engine, ids: readonly string[]): Promise<Map<string, Profile>> {
    const out = new Map<string, Profile>()
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of await e.query(profilesById(e.dialect, ids.slice(i, i + 500)))) {
        // a profile scored with other tiers holds their indexes (a 400 in service ranking)
        const p = inTiersOf(rowProfile(r), this.model, this.value)
        out.set(p.customerId, p)
      }
    }
    return out
  }

  /**
   * Read cache misses in batches: every miss that arrives while the queue is busy joins one query
   * (like the ingest's group commit), so a cold cache under 1,000 lookups/s costs a few queries
   * a second, not one each. The read runs on the serial queue, so no write interleaves between it
   * and caching what it found (and "no such customer" as null).
   */
  #loadCommitted(ids: readonly string[]): Promise<Map<string, Profile>> {
    let b = this.#batch
    if (!b) {
      const batch: MissBatch = { ids: new Set<string>(), done: null }
      batch.done = this.use(async (e) => {
        if (this.#batch === batch) this.#batch = null
        const list = [...batch.ids]
        const found = await this.#read(e, list)
        for (const id of list) this.profiles.set(id, found.get(id) ?? null)
        return found
      })
      // the queue's other tasks must not wait on a failed read; the callers see the error
      batch.done.catch(() => {})
      this.#batch = batch
      b = batch
    }
    for (const id of ids) b.ids.add(id)
    return b.done!
  }

  /**
   * One profile, or null when the customer is unknown. A customer the workspace knows only from
   * imported rows (a customers file, value inputs) gets an unscored-history profile of their
   * customers row: they are known, just without orders.
   */
  async getProfile(id: string): Promise<Profile | null> {
    const p = (await this.getProfiles([id])).get(id)
    if (p) return p
    const cached = this.records.get(id)
    if (cached !== undefined) return cached
    // a customer whose orders the refit has not scored yet reads as unknown until it has (not as
    // a customer of no orders); erasure still finds them (readRecord)
    const r = await this.use((e) => this.readRecord(e, id, { unscored: false }))
    this.records.set(id, r)
    return r
  }

  /**
   * {@link getProfile} for an id as a user typed it: as given, else as the importer spells it
   * (` Ann@X.com ` finds `ann@x.com`).
   */
  async profileAsTyped(id: string): Promise<Profile | null> {
    return (
      await lookUpTyped(
        id,
        (i) => this.getProfile(i),
        (p) => p !== null,
      )
    ).answer
  }

  /**
   * The id a customer is stored under, for an id as a user typed it (a filter of tasks or
   * actions): as given when a profile has it (an id stored before the importer normalized ids),
   * else as the importer spells it (" VIP@Example.com " is vip@example.com).
   */
  async storedId(typed: string): Promise<string> {
    const normal = normalizeCustomerId(typed)
    if (normal === typed) return typed
    return (await this.getProfile(typed)) ? typed : normal
  }

  /**
   * The id of the stored identify event whose id is `base` or `base:<revision>` (the latest), or
   * null: what a retried direct customer answers as its eventId.
   */
  async identifyEventId(base: string): Promise<string | null> {
    const rows = await this.use((e) => e.query(identifyEventsFrom(e.dialect, base)))
    // `base:<revision>` only: customer `q:<hash>`'s events begin with customer q's base too
    const ours = rows
      .map((r) => String(r.event_id))
      .find((id) => id === base || /^\d+$/.test(id.slice(base.length + 1)))
    return ours ?? null
  }

  /** {@link getProfiles} for ids as users typed them, keyed by the id as typed. */
  async profilesAsTyped(typed: readonly string[]): Promise<Map<string, Profile>> {
    const all = await this.getProfiles(typed.flatMap((id) => [id, normalizeCustomerId(id)]))
    const out = new Map<string, Profile>()
    for (const id of typed) {
      const p = all.get(id) ?? all.get(normalizeCustomerId(id))
      if (p) out.set(id, p)
    }
    return out
  }

  /**
   * {@link getProfile}'s fallback: the customer from their imported rows, or null. `unscored:
   * false`: null too for a customer with orders but no profile yet (the refit will score them).
   */
  async readRecord(
    e: Engine,
    id: string,
    opts: { readonly unscored?: boolean } = {},
  ): Promise<Profile | null> {
    const [r] = await e.query(customerRecord(e.dialect, id))
    if (!r?.known) return null
    if (opts.unscored === false && r.has_orders) return null
    return this.recordProfile(id, r)
  }

  /**
   * The profile of a customer known without one (no orders yet), from their stored rows
   * (recordedProfile), scored as of the first read since the last refit and kept: the lookup and
   * the list both show it, the same each time (the list scored it afresh at each call, so its
   * scoredAt and updatedAt moved with every page read and disagreed with the lookup's).
   */
  recordProfile(id: string, r: RecordRow): Profile {
    const kept = this.records.get(id)
    if (kept) return kept
    const now = this.now()
    const p = scoreProfile(recordedProfile(id, r, now), this.model, this.value, now)
    this.records.set(id, p)
    return p
  }

  /** The imported orders' id range, read on first use (imports do not run beside the server). */
  async importedOrders(e: Engine): Promise<ImportedOrderRange> {
    if (this.#importedOrders === undefined) {
      const [r] = await e.query(importedOrderRange(e.dialect))
      this.#importedOrders = {
        idLo: str(r?.id_lo),
        idHi: str(r?.id_hi),
        keyLo: str(r?.key_lo),
        keyHi: str(r?.key_hi),
      }
    }
    return this.#importedOrders
  }

  /** The workspace's erasure secret, read on first use; null while nobody was erased. */
  async eraseSecret(e: Engine): Promise<string | null> {
    if (this.#eraseSecret === undefined) {
      const [r] = await e.query(metaValue(e.dialect, 'erase_salt'))
      this.#eraseSecret = str(r?.value)
    }
    return this.#eraseSecret
  }

  /**
   * An erasure is writing (erase.ts): it may make the secret and re-key imported orders, so both
   * are read again at their next use (a rolled-back erasure costs a read).
   */
  erasing(): void {
    this.#importedOrders = undefined
    this.#eraseSecret = undefined
    this.#erasures = undefined
    this.#lives.clear()
  }

  /**
   * The tag of the life a customer is in: '' for the first, and for a customer back under their
   * id after an erasure an opaque tag of that erasure (HMAC of the pseudonym and its time, so a
   * webhook receiver learns neither), which their playbook keys carry (playbooks.ts): the first
   * life's keys went out as Idempotency-Key and task ids. Nothing is computed per customer while
   * nobody was ever erased; the markers are read once, and again after an erasure.
   */
  async lifeOf(e: Engine, customerId: string): Promise<string> {
    const known = this.#lives.get(customerId)
    if (known !== undefined) return known
    const secret = await this.eraseSecret(e)
    if (secret === null) return ''
    if (this.#erasures === undefined) {
      const rows = await e.query(erasureMarkers(e.dialect))
      this.#erasures = new Map(
        rows.map((r) => [String(r.key).slice(ERASURE_MARKER.length), String(r.value)]),
      )
    }
    if (this.#erasures.size === 0) return ''
    const pseudonym = pseudonymFor(secret, customerId)
    const at = this.#erasures.get(pseudonym)
    const tag =
      at === undefined
        ? ''
        : `L${createHmac('sha256', secret).update(`${pseudonym}@${at}`).digest('hex').slice(0, 12)}`
    this.#lives.set(customerId, tag)
    return tag
  }
}
