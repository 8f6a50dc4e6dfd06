// A customers file's consent column (Shopify's "Accepts Email Marketing") reaches the service:
// a refit copies it onto the profile, a customer whose file says "no" gets no recognition or
// marketing message (`no_consent`, naming the file), the customer's own word through the API
// wins over the file, and a later file's answer replaces an earlier one at the next refit.
// It was read by no import, so a merchant's non-consenting customers were messaged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpsConfigInput } from '../../src/core/ops/config.ts'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { importError, write } from '../import/helpers.ts'
import { type Harness, harness, waitJob } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const OPS: OpsConfigInput = {
  playbooks: [
    {
      id: 'thanks-review',
      department: 'recognition',
      trigger: { type: 'review_posted' },
      actions: [{ type: 'webhook', url: 'http://hooks/t', channel: 'sms', template: 't' }],
    },
  ],
  holdout: { defaultShare: 0 },
}

// the direct import (a file into the workspace) is the embedded store's; through a PostgreSQL
// server a customers file's consent arrives as POST /v1/customers `marketing_consent`
describe.each(STORES.filter((s) => s.name === 'duckdb'))(
  'consent from a customers file on $name',
  (kind) => {
    let h: Harness
    const dir = tempDir('loyals-consent-file-')
    beforeAll(async () => {
      h = await harness(kind, {
        ops: OPS,
        now: NOW,
        fetch: async () => ({ ok: true, status: 200 }),
      })
    })
    afterAll(() => h?.close())

    let seq = 0
    const review = (customer: string) =>
      h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: `rev-${customer}-${seq++}`,
          userId: customer,
          event: 'Product Reviewed',
          timestamp: new Date(h.clock.now).toISOString(),
          properties: {},
        },
      })
    const refit = async () => {
      const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
      expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    }
    const statuses = async (customer: string) =>
      (
        (await h.call('GET', `/v1/actions?customer=${customer}`)).json.actions as {
          status: string
          reason: string | null
          detail: string | null
        }[]
      ).map((a) => [a.status, a.reason])

    it('holds recognition back for a "no", not for a "yes" or a blank, and the API wins', async () => {
      const orders = write(
        dir,
        'orders.csv',
        'customer_id,ordered_at,amount\nY,2025-01-05,10\nN,2025-01-05,10\nB,2025-01-05,10\nA,2025-01-05,10\n',
      )
      await importFile(h.engine, orders, { kind: 'orders', now: new Date(NOW) })
      const customers = write(
        dir,
        'customers.csv',
        'Customer ID,Email,Accepts Email Marketing\nY,y@x.com,yes\nN,n@x.com,no\nB,b@x.com,\nA,a@x.com,no\n',
      )
      await importFile(h.engine, customers, { kind: 'customers', now: new Date(NOW) })
      await refit()
      const consent = (await h.call('GET', '/v1/customers/N')).json.consent
      expect(consent).toEqual({
        unsubscribed: false,
        unsubscribedAt: null,
        marketingConsent: null,
        importedMarketingConsent: false,
      })
      // A said yes through the API since the file
      const yes = await h.call('POST', '/v1/customers', {
        body: { customer_id: 'A', marketing_consent: true },
      })
      expect(yes.status).toBe(200)
      for (const c of ['Y', 'N', 'B', 'A']) expect((await review(c)).status).toBe(200)
      expect(await statuses('Y')).toEqual([['queued', null]])
      expect(await statuses('B')).toEqual([['queued', null]])
      expect(await statuses('A')).toEqual([['queued', null]])
      expect(await statuses('N')).toEqual([['suppressed', 'no_consent']])
      const log = (await h.call('GET', '/v1/actions?customer=N')).json.actions
      expect(log[0].detail).toBe(
        'the imported customers file says the customer does not accept marketing (recognition and marketing messages)',
      )
    })

    it("a later file's answer replaces the earlier one at the next refit", async () => {
      const again = write(dir, 'customers2.csv', 'customer_id,accepts_marketing\nN,yes\nY,no\n')
      await importFile(h.engine, again, { kind: 'customers', now: new Date(NOW) })
      await refit()
      expect((await h.call('GET', '/v1/customers/N')).json.consent.importedMarketingConsent).toBe(
        true,
      )
      h.clock.now = NOW + 86_400_000
      expect((await review('N')).status).toBe(200)
      expect((await review('Y')).status).toBe(200)
      // newest first
      expect((await statuses('N'))[0]).toEqual(['queued', null])
      expect((await statuses('Y'))[0]).toEqual(['suppressed', 'no_consent'])
    })

    it('refuses a consent it cannot read as yes or no, naming the line', async () => {
      const bad = write(dir, 'bad.csv', 'customer_id,Accepts Email Marketing\nQ,maybe\n')
      const e = await importError(() => importFile(h.engine, bad, { kind: 'customers' }))
      expect(e.problems.map(formatProblem)).toEqual([
        `${bad}:2 Accepts Email Marketing: cannot read 'maybe' as yes or no`,
      ])
    })
  },
)
