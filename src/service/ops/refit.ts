// The full refit: fit BG/NBD on every customer's history, recompute tier boundaries, RFM quintiles
// and value percentiles, and re-score every profile. It runs in chunks on the serial queue so
// ingestion keeps flowing; a profile an event changed during the refit keeps its live counters.
import { compressHistories } from '../../core/compress.ts'
import type { BgParams } from '../../core/models/bg-family.ts'
import { fit as fitBgnbd } from '../../core/models/bgnbd.ts'
import { fitNoDropout, type NbdParams, type NoDropoutFit } from '../../core/models/nbd.ts'
import type { Histories } from '../../core/models/types.ts'
import { cutsFromValues } from '../../core/rfm-cuts.ts'
import { minorDigits, roundHalfAway } from '../../core/round.ts'
import { tierBoundaries } from '../../core/value/tiers.ts'
import type { Engine } from '../../data/engine.ts'
import { deleteKeys } from '../../data/queries/api-delete-keys.ts'
import { insertRows } from '../../data/queries/api-insert-rows.ts'
import { refitAggregates } from '../../data/queries/api-refit-aggregates.ts'
import { readTierGrace } from '../../data/queries/api-tier-grace.ts'
import { ConvergenceError } from '../../errors.ts'
import {
  budgetCandidates,
  loadContacts,
  type PlanOutput,
  planCandidates,
  writePlan,
  writeProfiles,
} from './ingest.ts'
import {
  connectionCounters,
  daysSinceLast,
  emptyProfile,
  encodeBoundaries,
  histories,
  orderCounters,
  type Profile,
  recordedProfile,
  type ScoringModel,
  scoreProfile,
  tiersKey,
  utcDay,
} from './profile.ts'
import type { OpsStore } from './store.ts'
import { sqlTs, tsMs } from './time.ts'

export interface RefitResult {
  readonly customers: number
  /** 'nbd' when BG/NBD found no dropout and the no-dropout limit was fitted instead. */
  readonly model: 'bgnbd' | 'nbd' | null
  readonly params: BgParams | NbdParams | null
  readonly note: string | null
  /** Customers whose tier the refit changed (the tier_up / tier_down playbooks fire for them). */
  readonly tierMoves: number
}

function quantiles(sorted: Float64Array, qs: readonly number[]): number[] {
  const n = sorted.length
  return qs.map((q) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(q * n))]!))
}

const CHUNK = 2000

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * BG/NBD, or the simpler model it tends to when it cannot be fitted: the NBD (no dropout: b → ∞ or
 * a → 0, or a likelihood flat there), then one shared Poisson rate (r and α growing together).
 * A data problem (nobody repeated) leaves no model; the note says what failed and why.
 */
function fitPurchaseModel(h: Histories): {
  bgnbd: BgParams | null
  nbd: NbdParams | null
  note: string | null
} {
  let note: string
  try {
    const f = fitBgnbd(h)
    // a fit at one of its limits (a dropout probability shared by all) says so
    return { bgnbd: f.params, nbd: null, note: f.note ?? null }
  } catch (e) {
    note = `no BG/NBD model: ${message(e)}`
    if (!(e instanceof ConvergenceError)) return { bgnbd: null, nbd: null, note }
  }
  let nd: NoDropoutFit
  try {
    nd = fitNoDropout(h)
  } catch (e) {
    return { bgnbd: null, nbd: null, note: `${note}; NBD fallback failed too: ${message(e)}` }
  }
  return {
    bgnbd: null,
    nbd: nd.params,
    note:
      nd.model === 'nbd'
        ? `${note}; scored with the NBD model instead (no dropout: the limit of BG/NBD when nobody drops out)`
        : `${note}; the NBD could not be fitted either (${nd.nbdError}); scored with one purchase rate shared by every customer (Poisson, no dropout)`,
  }
}

/**
 * The counters of the customers of `chunk` whose profile changed since the refit started, counted
 * again from their stored orders in `tx`: the aggregates read at the start may or may not hold
 * such an event, and the profile's own counters are the ones the refit is there to rebuild.
 * `countAhead`: events dated up to this long after startMs count (OpsStore.countAheadMs).
 */
async function recount(
  tx: Engine,
  chunk: readonly Profile[],
  live: ReadonlyMap<string, Profile>,
  startMs: number,
  countAhead: number,
): Promise<Map<string, Profile>> {
  const ids = chunk
    .filter((p) => (live.get(p.customerId)?.updatedAtMs ?? Number.NEGATIVE_INFINITY) >= startMs)
    .map((p) => p.customerId)
  const out = new Map<string, Profile>()
  if (ids.length === 0) return out
  for (const r of await tx.query(
    refitAggregates(tx.dialect, ids, { connection: true, until: startMs + countAhead }),
  )) {
    const id = String(r.customer_id)
    out.set(id, { ...emptyProfile(id, startMs), ...orderCounters(r), ...connectionCounters(r) })
  }
  return out
}

/**
 * Why a refit as of `nowMs` cannot run on this store, or null. The stored profiles, tiers and
 * grace periods are as of the last refit; a refit dated before it would start from that later
 * state (a tier held by a grace period only the later refit began, customers who had not ordered
 * yet kept as they were then), so two refits as of one time would not store the same profiles.
 * Needs `store.loadModel()` first.
 */
export function refitBeforeLast(store: OpsStore, nowMs: number): string | null {
  const last = store.model?.fittedAtMs
  if (last === undefined || nowMs >= last) return null
  return (
    `the profiles are scored as of ${new Date(last).toISOString()} (the last refit), after ` +
    `${new Date(nowMs).toISOString()}: a refit cannot go back in time on them (their tiers and ` +
    'grace periods are from later); give a time at or after the last refit, or refit a copy of ' +
    'the workspace saved before it'
  )
}

/**
 * Refit and re-score every customer with orders. `progress(share, message)` is called as it goes.
 * @throws QueryError from the store.
 */
export async function refit(
  store: OpsStore,
  progress: (share: number, message: string) => Promise<void> = async () => {},
): Promise<RefitResult> {
  const startMs = store.now()
  await progress(0.02, 'reading order aggregates')
  // one large aggregate over every order: worth all of DuckDB's threads
  const rows = await store.use(
    (e) =>
      e.query(
        refitAggregates(e.dialect, undefined, {
          connection: true,
          until: startMs + store.countAheadMs,
        }),
      ),
    { parallel: true },
  )
  const n = rows.length
  const amounts = rows.some((r) => Number(r.priced ?? 0) > 0)
  // the customers row and signs of connection as the reads show a customer without orders,
  // with the order counters
  const base: Profile[] = rows.map((r) => ({
    ...recordedProfile(String(r.customer_id), r, startMs),
    ...orderCounters(r),
  }))
  await progress(0.2, `fitting BG/NBD on ${n} customers`)
  const x = new Float64Array(n)
  const tx = new Float64Array(n)
  const T = new Float64Array(n)
  let m = 0
  for (const p of base) {
    const h = histories(p, startMs)
    if (!h) continue
    x[m] = h.x
    tx[m] = h.tx
    T[m] = h.T
    m++
  }
  const hist = compressHistories(x.subarray(0, m), tx.subarray(0, m), T.subarray(0, m))
  const { bgnbd: params, nbd, note } = fitPurchaseModel(hist)
  // Values first with the new model (no tiers yet), then boundaries from their distribution.
  const prelim: ScoringModel = {
    bgnbd: params,
    nbd,
    boundaries: [],
    valuePercentiles: [],
    rfmCuts: null,
    fittedAtMs: startMs,
    customers: n,
    tiers: tiersKey(store.value.tiers),
    amounts,
  }
  const values = new Float64Array(n)
  const recency = new Float64Array(n)
  const freq = new Float64Array(n)
  const money = new Float64Array(n)
  // ranked as shown, to the minor unit, as profiles are tiered (scoreProfile) and analyze ranks
  const digits = minorDigits(store.value.currency.code)
  base.forEach((p, i) => {
    const s = scoreProfile(p, prelim, store.value, startMs)
    values[i] = s.value === null ? 0 : roundHalfAway(s.value, digits)
    recency[i] = daysSinceLast(p, startMs)
    freq[i] = p.purchaseDays
    money[i] = p.revenue
  })
  const b = tierBoundaries(values, store.value.tiers)
  const sorted = (a: Float64Array) => Float64Array.from(a).sort()
  const model: ScoringModel = {
    bgnbd: params,
    nbd,
    boundaries: encodeBoundaries(b),
    valuePercentiles: quantiles(
      sorted(values),
      Array.from({ length: 99 }, (_, i) => (i + 1) / 100),
    ),
    // the analysis' rank rule on its measures (docs/rfm.md): equal values share a score
    rfmCuts: {
      r: cutsFromValues(recency, 'less'),
      f: cutsFromValues(freq, 'more'),
      m: cutsFromValues(money, 'more'),
    },
    fittedAtMs: startMs,
    customers: n,
    tiers: tiersKey(store.value.tiers),
    amounts,
  }
  let tierMoves = 0
  for (let i = 0; i < n; i += CHUNK) {
    const chunk = base.slice(i, i + CHUNK)
    await store.use(async (e) => {
      const written = await e.transaction(async (tx) => {
        const live = await store.getProfiles(
          chunk.map((p) => p.customerId),
          tx,
        )
        const now = store.now()
        const ids = chunk.map((p) => p.customerId)
        const graceRows = new Map(
          (await tx.query(readTierGrace(tx.dialect, ids))).map((r) => [String(r.customer_id), r]),
        )
        const keep: unknown[][] = []
        const recounted = await recount(tx, chunk, live, startMs, store.countAheadMs)
        const out = chunk.map((p) => {
          const cur = live.get(p.customerId)
          const counters = recounted.get(p.customerId) ?? p
          const merged: Profile = {
            ...(cur ?? p),
            // an identify call's email, name and signup time win; an imported customers file
            // fills the gaps
            email: cur?.email ?? p.email,
            name: cur?.name ?? p.name,
            signupAtMs: cur?.signupAtMs ?? p.signupAtMs,
            // the file's consent as it is now (a later file's replaces it); the customer's own
            // word through the API (marketingConsent) still wins over it
            importedConsent: p.importedConsent,
            ordersCount: counters.ordersCount,
            purchaseDays: counters.purchaseDays,
            revenue: counters.revenue,
            firstOrderMs: counters.firstOrderMs,
            lastOrderMs: counters.lastOrderMs,
            firstOrderDay: counters.firstOrderDay,
            lastOrderDay: counters.lastOrderDay,
            // imported referrals, reviews and survey answers count as the events' do
            referrals: counters.referrals,
            reviews: counters.reviews,
            nps: counters.nps,
            ces: counters.ces,
            tier: null,
            updatedAtMs: cur?.updatedAtMs ?? now,
          }
          // the boundaries are values as of startMs: scored at any later instant, the customer
          // at a cut would fall a hair below their own value and one tier short (docs/value.md:
          // the cut is the value of the last customer in). Only an order newer than startMs,
          // which the aggregates did not see, is scored at now.
          const at = counters.lastOrderMs !== null && counters.lastOrderMs > startMs ? now : startMs
          const scored = scoreProfile(merged, model, store.value, at)
          const was = cur?.tier ?? null
          if (was === null || scored.tier === null || scored.tier <= was) return scored
          // below the tier they held: kept in it for the grace period (docs/value.md), counted
          // from the first refit that found them below it
          const g = graceRows.get(p.customerId)
          const same = g !== undefined && Number(g.tier) === was
          const grace = store.value.tiers.grace
          const sinceMs = same ? (tsMs(g.below_since) ?? now) : now
          const runs = (same ? Number(g.runs_below) : 0) + 1
          // calendar days (UTC) since that refit, as analyze counts days between as-of dates: a
          // refit later the same day is day 0 (30 left of 30), one just past midnight 30 days on
          // is day 31 (24-hour periods from the refit's instant kept it up to a day longer)
          const left =
            grace.unit === 'days'
              ? grace.length - (utcDay(now) - utcDay(sinceMs))
              : grace.length - runs
          // (a length of 0 is no grace: in days, day 0 would keep them until midnight)
          if (left < 0 || grace.length === 0) return scored
          keep.push([p.customerId, was, sqlTs(sinceMs), runs])
          return scoreProfile({ ...merged, tier: was }, model, store.value, at, {
            graceLeft: left,
            graceUnit: grace.unit,
          })
        })
        await writeProfiles(tx, out)
        await tx.exec(deleteKeys(tx.dialect, 'profile_tier_grace', ids))
        if (keep.length > 0) {
          await tx.exec(
            insertRows(tx.dialect, {
              table: 'profile_tier_grace',
              columns: ['customer_id', 'tier', 'below_since', 'runs_below'],
              rows: keep,
            }),
          )
        }
        // a demotion happens only here (live scores only promote): the tier_down playbooks, and
        // tier_up for a boundary that moved, fire for the customers whose tier the refit changed
        const moved = out.filter((p) => {
          const was = live.get(p.customerId)?.tier
          return was !== null && was !== undefined && p.tier !== null && p.tier !== was
        })
        tierMoves += moved.length
        if (moved.length > 0) {
          const plan: PlanOutput = { actions: [], tasks: [], queued: 0 }
          const ids = moved.map((p) => p.customerId)
          const { fired, logs } = await loadContacts(store, tx, ids, now)
          for (const p of moved) {
            const event = { type: 'profile_change' as const, atMs: now }
            const planned = planCandidates(
              store,
              event,
              null,
              live.get(p.customerId)!,
              p,
              now,
              fired,
            )
            budgetCandidates(store, planned, p, now, logs.get(p.customerId) ?? [], plan)
          }
          await writePlan(tx, plan)
        }
        return out
      })
      // after the commit (a failed transaction leaves nothing unsaved in the cache), still inside
      // the serial queue (no event can slip in between)
      for (const p of written) store.profiles.set(p.customerId, p)
    })
    await progress(
      0.3 + (0.65 * Math.min(n, i + CHUNK)) / Math.max(1, n),
      `scored ${Math.min(n, i + CHUNK)} of ${n}`,
    )
  }
  await store.use((e) =>
    e.exec(
      insertRows(e.dialect, {
        table: 'model_params',
        columns: ['name', 'params', 'fitted_at'],
        // when the refit ran, by the wall clock the imports are stamped with (refitDue compares
        // them): a tick replayed with --now a day back would otherwise find every import newer
        // and refit on every run (the model's own as-of is fittedAtMs, inside it)
        rows: [['current', JSON.stringify(model), sqlTs(Math.max(startMs, Date.now()))]],
        conflict: { keys: ['name'], update: ['params', 'fitted_at'] },
      }),
    ),
  )
  store.model = model
  // customers without orders are scored with the model: read again under the new one
  store.records.clear()
  return {
    customers: n,
    model: params ? 'bgnbd' : nbd ? 'nbd' : null,
    params: params ?? nbd,
    note,
    tierMoves,
  }
}
