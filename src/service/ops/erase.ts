// Erasure on request: personal data goes, anonymous aggregates stay. The customer's id becomes a
// pseudonym, HMAC-SHA-256 under a per-workspace secret (meta 'erase_salt'), so orders still count
// in revenue totals and models, but nobody can recover the id from the pseudonym. A marker under
// the pseudonym (meta 'erased:<pseudonym>') lets a second request for the same id be recognised as
// done without keeping the id, even when no row is left under the pseudonym.
import { randomBytes } from 'node:crypto'
import { isEmailId, lookUpTyped, normalizeCustomerId } from '../../core/customer-id.ts'
import { type Engine, WHOLE_ON_CRASH } from '../../data/engine.ts'
import { customerRecord } from '../../data/queries/api-customer-record.ts'
import { eraseCustomer } from '../../data/queries/api-erase-customer.ts'
import { eraseMentions } from '../../data/queries/api-erase-mentions.ts'
import { identifyPayloads } from '../../data/queries/api-identify-payloads.ts'
import { insertRows } from '../../data/queries/api-insert-rows.ts'
import { refitAggregates } from '../../data/queries/api-refit-aggregates.ts'
import { rekeyRows } from '../../data/queries/api-rekey.ts'
import { taskIdFor, writeProfiles } from './ingest.ts'
import { connectionCounters, orderCounters, type Profile, scoreProfile } from './profile.ts'
import { erasureMarkerKey, PSEUDONYM, pseudonymFor } from './pseudonym.ts'
import { voidStagedImports } from './staged-import.ts'
import type { OpsStore } from './store.ts'
import { NotFoundError } from './tasks.ts'
import { sqlTs } from './time.ts'

/** What an erasure answers, like a key revocation: a repeat is no error and changes nothing. */
export interface ErasureResult {
  readonly pseudonym: string
  /** The id (or pseudonym) had been erased before: nothing was changed now. */
  readonly alreadyErased: boolean
  /** ISO 8601; null for an erasure made before the time was recorded. */
  readonly erasedAt: string | null
}

/**
 * The renames of the customer's audit-log keys and of the ids of the tasks made from them (a hash
 * of the action's key, taskIdFor): the id in a key becomes the pseudonym. A key the pseudonym
 * holds already (the id came back after an erasure and the same action fired again) is numbered
 * `~2`, `~3` ..., so each life keeps its rows.
 */
/** The id's segment of an action key, with a life's tag if it has one (`:c1:`, `:c1@L3f9a…:`). */
function lifeSegment(customerId: string): RegExp {
  const id = encodeURIComponent(customerId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`:${id}(@L[0-9a-f]+)?:`, 'g')
}

async function actionRenames(tx: Engine, customerId: string, pseudonym: string) {
  const rows = await tx.query({
    sql: 'SELECT action_key, customer_id, kind FROM actions_log WHERE customer_id IN ($1, $2)',
    params: [customerId, pseudonym],
  })
  const taken = new Set(
    rows.filter((r) => r.customer_id === pseudonym).map((r) => String(r.action_key)),
  )
  const actions: [string, string][] = []
  const tasks: [string, string][] = []
  for (const r of rows) {
    if (r.customer_id !== customerId) continue
    const from = String(r.action_key)
    // a life after an erasure carries its tag beside the id (OpsStore.lifeOf): kept with the
    // pseudonym, so the lives' keys stay apart
    const named = from.replace(
      lifeSegment(customerId),
      (_, life?: string) => `:${pseudonym}${life ?? ''}:`,
    )
    let to = named
    for (let n = 2; taken.has(to); n++) to = `${named}~${n}`
    taken.add(to)
    actions.push([from, to])
    if (r.kind === 'task') tasks.push([taskIdFor(from), taskIdFor(to)])
  }
  return { actions, tasks }
}

/**
 * Erase a customer. Returns the pseudonym their anonymous rows now carry; an id erased before (and
 * not known again since) or a pseudonym answers `alreadyErased: true` and changes nothing.
 * @throws NotFoundError when the workspace does not know the customer and never erased them: no
 *   profile, no customers row, no orders and no imported value inputs (engagement, tickets,
 *   surveys, referrals, returns).
 */
export async function eraseCustomerData(store: OpsStore, typedId: string): Promise<ErasureResult> {
  // the id as stored, found in the transaction: its cache entries go after
  let customerId = typedId
  const out = await store.use((e) =>
    e.transaction(async (tx) => {
      let secret = await store.eraseSecret(tx)
      store.erasing()
      if (secret === null) {
        secret = randomBytes(32).toString('hex')
        await tx.exec(
          insertRows(tx.dialect, {
            table: 'meta',
            columns: ['key', 'value'],
            rows: [['erase_salt', secret]],
          }),
        )
      }
      const erasedBefore = async (pseudonym: string) => {
        const [m] = await tx.query({
          sql: 'SELECT value FROM meta WHERE key = $1',
          params: [erasureMarkerKey(pseudonym)],
        })
        if (m) return { pseudonym, anon: null, alreadyErased: true, erasedAt: String(m.value) }
        // erased before the marker existed: the rows kept under the pseudonym show it
        const anon = (await store.getProfiles([pseudonym], tx)).get(pseudonym) ?? null
        if (anon || (await store.readRecord(tx, pseudonym))) {
          return { pseudonym, anon, alreadyErased: true, erasedAt: null }
        }
        return null
      }
      // erasing a pseudonym again (a privacy tool's retry) changes nothing: it is one already
      if (PSEUDONYM.test(typedId)) {
        const done = await erasedBefore(typedId)
        if (!done) throw new NotFoundError('customer', typedId)
        return done
      }
      const pseudonymOf = (id: string) => pseudonymFor(secret, id)
      // a customer imported without orders (a customers file, value inputs) has no profile yet
      // but personal data all the same
      const lookUp = async (id: string) => {
        const p = (await store.getProfiles([id], tx)).get(id)
        return { p, known: p !== undefined || (await store.readRecord(tx, id)) !== null }
      }
      // typed as the user knows it (Ann@X.com), stored as the importer spells it (ann@x.com)
      const typed = await lookUpTyped(typedId, lookUp, (f) => f.known)
      customerId = typed.id
      const found = typed.answer
      const profile = found.p
      const pseudonym = pseudonymOf(customerId)
      if (!found.known) {
        // an id nothing names any more: erased before (200, as revoking a revoked key), or never
        // known (404), under either spelling
        const stored = normalizeCustomerId(typedId)
        const done =
          (await erasedBefore(pseudonymOf(stored))) ??
          (stored !== typedId ? await erasedBefore(pseudonym) : null)
        if (!done) throw new NotFoundError('customer', typedId)
        return { ...done, anon: null }
      }
      const now = store.now()
      const erasedAt = new Date(now).toISOString()
      const renames = await actionRenames(tx, customerId, pseudonym)
      // the id came back after an erasure: the first life's profile, kept under the pseudonym
      const before = (await store.getProfiles([pseudonym], tx)).get(pseudonym) ?? null
      // the id and the emails (the profile's from identify calls, the customers row's from a
      // file) as other customers' events may name them: a referral's referred id, a note
      const [record] = await tx.query(customerRecord(tx.dialect, customerId))
      const named = new Set([customerId, profile?.email, record?.email])
      // ... and the emails they had before a change, which only their identify calls still hold
      for (const r of await tx.query(identifyPayloads(tx.dialect, customerId))) {
        const email = formerEmail(r.payload)
        if (email) named.add(email)
      }
      const mentions = [...named].flatMap((t) =>
        typeof t === 'string' && t !== '' ? [{ text: t, anywhere: isEmailId(t) }] : [],
      )
      for (const q of eraseCustomer(tx.dialect, customerId, pseudonym, sqlTs(now), secret)) {
        await tx.exec(q)
      }
      if (renames.actions.length > 0) {
        await tx.exec(rekeyRows(tx.dialect, 'actions_log', renames.actions))
      }
      if (renames.tasks.length > 0) await tx.exec(rekeyRows(tx.dialect, 'tasks', renames.tasks))
      for (const q of eraseMentions(tx.dialect, mentions, pseudonym)) await tx.exec(q)
      // a file sent through the server and held for its commit names the customer: committed
      // after this, it would bring them back under their id. It is voided whole (a commit stores
      // a file or nothing), and its commit says why (staged-import.ts)
      await voidStagedImports(tx, mentions, erasedAt)
      await tx.exec(
        insertRows(tx.dialect, {
          table: 'meta',
          columns: ['key', 'value'],
          rows: [[erasureMarkerKey(pseudonym), erasedAt]],
          // the id came back after an erasure and is erased again: the latest time
          conflict: { keys: ['key'], update: ['value'] },
        }),
      )
      // without a profile there are no counters to keep: the refit scores what stays (orders not
      // scored yet) under the pseudonym
      if (!profile) return { pseudonym, anon: null, alreadyErased: false, erasedAt }
      const kept = before ? await bothLives(store, tx, before, profile, pseudonym, now) : profile
      // the counters, survey answers and scores (tier, value, prediction, segment) stay under
      // the pseudonym, as the rows they come from do; nothing that identifies the person does
      const anon: Profile = {
        ...kept,
        customerId: pseudonym,
        email: null,
        name: null,
        timeZone: null,
        signupAtMs: null,
        updatedAtMs: now,
      }
      await writeProfiles(tx, [anon])
      return { pseudonym, anon, alreadyErased: false, erasedAt }
    }, WHOLE_ON_CRASH),
  )
  // a repeat changed nothing: the caches stay as they are (the pseudonym's profile among them)
  if (!out.alreadyErased) {
    store.profiles.set(customerId, null)
    store.records.set(customerId, null)
    // the pseudonym's rows are new: a lookup before the erasure may have cached "nobody"
    store.records.delete(out.pseudonym)
    if (out.anon) store.profiles.set(out.pseudonym, out.anon)
  }
  return { pseudonym: out.pseudonym, alreadyErased: out.alreadyErased, erasedAt: out.erasedAt }
}

/**
 * One profile for both lives of an id erased twice, whose rows now all carry the pseudonym: the
 * counters counted again from them as a refit counts them (the two lives may share a purchase
 * day), the better of the two tiers (a demotion waits for the refit, as ever), scored as of now.
 * Without orders under the pseudonym the two lives' counters are added up.
 */
async function bothLives(
  store: OpsStore,
  tx: Engine,
  before: Profile,
  after: Profile,
  pseudonym: string,
  nowMs: number,
): Promise<Profile> {
  const [r] = await tx.query(refitAggregates(tx.dialect, [pseudonym], { connection: true }))
  const tiers = [before, after].filter((p) => p.tier !== null)
  const best = tiers.sort((a, b) => (a.tier ?? 0) - (b.tier ?? 0))[0] ?? after
  const merged: Profile = r
    ? { ...after, ...orderCounters(r), ...connectionCounters(r) }
    : {
        ...after,
        referrals: before.referrals + after.referrals,
        reviews: before.reviews + after.reviews,
        nps: after.nps ?? before.nps,
        ces: after.ces ?? before.ces,
      }
  const p = { ...merged, tier: best.tier, tierName: best.tierName }
  return scoreProfile(p, store.model, store.value, nowMs)
}

/** The email of a stored identify call (its payload is the parsed event as JSON), or null. */
function formerEmail(payload: unknown): string | null {
  try {
    const e = JSON.parse(String(payload)) as { traits?: { email?: unknown } }
    const email = e.traits?.email
    return typeof email === 'string' && isEmailId(email.trim()) ? email.trim() : null
  } catch {
    return null
  }
}
