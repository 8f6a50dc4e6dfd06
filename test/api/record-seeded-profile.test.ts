// A customer imported with a customers file (and value inputs) but no orders has no profile until
// the refit scores them. The first event for them made one from nothing: their email, name and
// sign-up were wiped, so the welcome of their first order was suppressed for want of an email,
// and their file's "no" to marketing was not applied. Imported reviews of such a customer were
// not shown either. Both start from the stored rows now, as the refit would make them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpsConfigInput } from '../../src/core/ops/config.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'
import { type Harness, harness, waitJob } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const OPS: OpsConfigInput = {
  playbooks: [
    {
      id: 'welcome',
      department: 'marketing',
      trigger: { type: 'first_order' },
      actions: [{ type: 'webhook', url: 'http://hooks/w', channel: 'email', template: 'w' }],
    },
  ],
  holdout: { defaultShare: 0 },
}

describe.each(STORES.filter((s) => s.name === 'duckdb'))(
  'a customer known from imported rows only, on $name',
  (kind) => {
    let h: Harness
    const dir = tempDir('loyals-record-seed-')
    beforeAll(async () => {
      h = await harness(kind, {
        ops: OPS,
        now: NOW,
        fetch: async () => ({ ok: true, status: 200 }),
      })
      const orders = write(dir, 'orders.csv', 'customer_id,ordered_at,amount\nB,2025-01-05,10\n')
      await importFile(h.engine, orders, { kind: 'orders', now: new Date(NOW) })
      const customers = write(
        dir,
        'customers.csv',
        'customer_id,email,name,signup_at,accepts_marketing\n' +
          'NEW,new@x.com,Ann New,2025-02-01,yes\nNO,no@x.com,Bo No,2025-02-02,no\n' +
          'REV,rev@x.com,Cy Rev,2025-02-03,yes\n',
      )
      await importFile(h.engine, customers, { kind: 'customers', now: new Date(NOW) })
      const engagement = write(
        dir,
        'engagement.csv',
        'customer_id,event,occurred_at\nREV,review,2025-02-10\nREV,review,2025-02-11\n',
      )
      await importFile(h.engine, engagement, { kind: 'engagement', now: new Date(NOW) })
      const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
      expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    })
    afterAll(() => h?.close())

    const order = (customer: string) =>
      h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: `o-${customer}`,
          userId: customer,
          event: 'Order Completed',
          timestamp: new Date(NOW).toISOString(),
          properties: { order_id: `O-${customer}`, total: 30 },
        },
      })
    const actions = async (customer: string) =>
      (
        (await h.call('GET', `/v1/actions?customer=${customer}`)).json.actions as {
          status: string
          reason: string | null
        }[]
      ).map((a) => [a.status, a.reason])

    it('shows imported reviews of a customer without orders', async () => {
      const r = await h.call('GET', '/v1/customers/REV')
      expect(r.status).toBe(200)
      expect(r.json.engagement.reviews).toBe(2)
      const list = await h.call('GET', '/v1/customers?limit=10')
      const rev = (
        list.json.customers as { customerId: string; engagement: { reviews: number } }[]
      ).find((c) => c.customerId === 'REV')
      expect(rev?.engagement.reviews).toBe(2)
    })

    it("keeps the file's email, name and sign-up through the first order, and welcomes them", async () => {
      expect((await order('NEW')).status).toBe(200)
      const p = (await h.call('GET', '/v1/customers/NEW')).json
      expect([p.email, p.name, p.signupAt?.slice(0, 10)]).toEqual([
        'new@x.com',
        'Ann New',
        '2025-02-01',
      ])
      expect(await actions('NEW')).toEqual([['queued', null]])
    })

    it("applies the file's no to marketing at the first order", async () => {
      expect((await order('NO')).status).toBe(200)
      expect((await h.call('GET', '/v1/customers/NO')).json.consent.importedMarketingConsent).toBe(
        false,
      )
      expect(await actions('NO')).toEqual([['suppressed', 'no_consent']])
    })

    it('counts an imported review once beside a new one', async () => {
      const r = await h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: 'rev-REV-3',
          userId: 'REV',
          event: 'Product Reviewed',
          timestamp: new Date(NOW).toISOString(),
          properties: {},
        },
      })
      expect(r.status).toBe(200)
      const p = (await h.call('GET', '/v1/customers/REV')).json
      expect([p.engagement.reviews, p.email]).toEqual([3, 'rev@x.com'])
    })
  },
)
