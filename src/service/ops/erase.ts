// Erasure on request: personal data goes, anonymous aggregates stay. The customer's id becomes a
// pseudonym, HMAC-SHA-256 under a per-workspace secret (meta 'erase_salt'), so orders still count
// in revenue totals and models, but nobody can recover the id from the pseudonym.
import { createHmac, randomBytes } from 'node:crypto'
import { eraseCustomer } from '../../data/queries/api-erase-customer.ts'
import { insertRows } from '../../data/queries/api-insert-rows.ts'
import { writeProfiles } from './ingest.ts'
import { emptyProfile, type Profile } from './profile.ts'
import type { OpsStore } from './store.ts'
import { NotFoundError } from './tasks.ts'
import { sqlTs } from './time.ts'

/** The ids erasure gives (`erased_` and 32 hex digits). */
const PSEUDONYM = /^erased_[0-9a-f]{32}$/

/**
 * Erase a customer. Returns the pseudonym their anonymous rows now carry.
 * @throws NotFoundError when the workspace does not know the customer: no profile, no customers
 *   row, no orders and no imported value inputs (engagement, tickets, surveys, referrals, returns).
 */
export async function eraseCustomerData(
  store: OpsStore,
  customerId: string,
): Promise<{ pseudonym: string }> {
  const out = await store.use((e) =>
    e.transaction(async (tx) => {
      const [salt] = await tx.query({ sql: "SELECT value FROM meta WHERE key = 'erase_salt'" })
      let secret = salt ? String(salt.value) : null
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
      // erasing a pseudonym again (a privacy tool's retry) changes nothing: it is one already
      if (PSEUDONYM.test(customerId)) {
        const anon = (await store.getProfiles([customerId], tx)).get(customerId) ?? null
        if (!anon && !(await store.readRecord(tx, customerId))) {
          throw new NotFoundError('customer', customerId)
        }
        return { pseudonym: customerId, anon }
      }
      const pseudonym = `erased_${createHmac('sha256', secret).update(customerId).digest('hex').slice(0, 32)}`
      const profile = (await store.getProfiles([customerId], tx)).get(customerId)
      // a customer imported without orders (a customers file, value inputs) has no profile yet
      // but personal data all the same
      if (!profile && !(await store.readRecord(tx, customerId))) {
        throw new NotFoundError('customer', customerId)
      }
      const now = store.now()
      for (const q of eraseCustomer(tx.dialect, customerId, pseudonym, sqlTs(now))) await tx.exec(q)
      // without a profile there are no counters to keep: the refit scores what stays (orders not
      // scored yet) under the pseudonym
      if (!profile) return { pseudonym, anon: null }
      // the counters stay under the pseudonym; nothing that identifies the person does
      const anon: Profile = {
        ...emptyProfile(pseudonym, now),
        ordersCount: profile.ordersCount,
        purchaseDays: profile.purchaseDays,
        revenue: profile.revenue,
        firstOrderMs: profile.firstOrderMs,
        lastOrderMs: profile.lastOrderMs,
        referrals: profile.referrals,
        reviews: profile.reviews,
      }
      await writeProfiles(tx, [anon])
      return { pseudonym, anon }
    }),
  )
  store.profiles.set(customerId, null)
  store.records.set(customerId, null)
  // the pseudonym's rows are new: a lookup before the erasure may have cached "nobody"
  store.records.delete(out.pseudonym)
  if (out.anon) store.profiles.set(out.pseudonym, out.anon)
  return { pseudonym: out.pseudonym }
}
