// A refit gives the live profiles the signs of connection the stored value inputs hold: a
// workspace filled by `loyals import --kind referrals|engagement|surveys` (rows written here as
// the import writes them) used to serve every customer with no referral, review or NPS answer,
// so the API called lucrative loyals and detractors "lazy loyal" where `loyals customer` did not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent, waitJob } from './harness.ts'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

describe.each(STORES)('refit on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(async () => {
    await h.close()
  })

  it('reads imported referrals, reviews and the latest survey answers into the profiles', async () => {
    const now = h.clock.now
    const events = ['r1', 'r2', 'q1', 'q2'].flatMap((c, i) => [
      orderEvent(c, `${c}-a`, 100 + i, iso(now - 200 * DAY)),
      orderEvent(c, `${c}-b`, 100 + i, iso(now - 100 * DAY)),
      orderEvent(c, `${c}-c`, 100 + i, iso(now - 10 * DAY)),
    ])
    expect((await h.call('POST', '/v1/events/batch', { body: { batch: events } })).status).toBe(200)
    const ts = (days: number) =>
      `TIMESTAMP '${iso(now - days * DAY)
        .slice(0, 19)
        .replace('T', ' ')}'`
    // as the import stores them: two referrals by r1 (and one of itself, which counts nothing),
    // a review of r1's, q1's two survey answers (the later one counts), q2's CES only
    await h.engine.exec(`
INSERT INTO referrals (referral_key, referrer_id, referred_id, referred_at, source) VALUES
  ('r1 > n1', 'r1', 'n1', ${ts(50)}, 'referrals.csv'),
  ('r1 > n2', 'r1', 'n2', ${ts(40)}, 'referrals.csv'),
  ('r1 > r1', 'r1', 'r1', ${ts(40)}, 'referrals.csv');
INSERT INTO engagement_events (event_key, customer_id, occurred_at, event, source) VALUES
  ('e1', 'r1', ${ts(30)}, 'review', 'engagement.csv'),
  ('e2', 'r1', ${ts(20)}, 'email_open', 'engagement.csv');
INSERT INTO survey_responses (response_key, customer_id, responded_at, nps, ces, source) VALUES
  ('s1', 'q1', ${ts(60)}, 10, 2, 'surveys.csv'),
  ('s2', 'q1', ${ts(5)}, 3, NULL, 'surveys.csv'),
  ('s3', 'q2', ${ts(5)}, NULL, 6, 'surveys.csv');`)
    // the refit starts after the events (a profile updated since it started keeps its counters)
    h.clock.now = now + 60_000
    const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    const engagement = async (id: string) =>
      (await h.call('GET', `/v1/customers/${id}`)).json.engagement
    expect(await engagement('r1')).toEqual({ referrals: 2, reviews: 1, nps: null, ces: null })
    // the latest NPS answer is 3, the latest CES the earlier answer's (the later one gave none)
    expect(await engagement('q1')).toEqual({ referrals: 0, reviews: 0, nps: 3, ces: 2 })
    expect(await engagement('q2')).toEqual({ referrals: 0, reviews: 0, nps: null, ces: 6 })
    expect(await engagement('r2')).toEqual({ referrals: 0, reviews: 0, nps: null, ces: null })
    // the detractor rule reads the answer (docs/value.md, loyalty rules)
    const q1 = (await h.call('GET', '/v1/customers/q1')).json
    expect(q1.loyaltyType).toBe('limited_loyal')
    // an answer sent now but given 30 days ago is older than the file's NPS answer (5 days ago),
    // which it does not replace, and newer than its CES answer (60 days ago), which it does: it
    // had replaced both, and the next refit put them back
    const late = {
      type: 'track',
      messageId: 'late-survey',
      userId: 'q1',
      event: 'Survey Responded',
      timestamp: iso(now - 30 * DAY),
      properties: { nps: 9, ces: 7 },
    }
    expect((await h.call('POST', '/v1/events', { body: late })).status).toBe(200)
    expect(await engagement('q1')).toEqual({ referrals: 0, reviews: 0, nps: 3, ces: 7 })
  })
})
