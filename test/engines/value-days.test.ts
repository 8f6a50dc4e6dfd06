// A workspace made before the value inputs had their days (opened_date, returned_date ...) gets
// the columns when opened, on DuckDB and PostgreSQL alike, each row's filled with its UTC day (the
// only day known for it).
import { afterAll, describe, expect, it } from 'vitest'
import { VALUE_DAYS } from '../../src/data/queries/value-input-columns.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { openStore, STORES, type TestStore } from './stores.ts'

const stores: TestStore[] = []
afterAll(async () => {
  for (const s of stores) await s.cleanup()
})

// one row per table, at 23:30 UTC on 10 March; the referral undated too
const OLD_ROWS = [
  `INSERT INTO referrals (referral_key, referrer_id, referred_id, referred_at)
    VALUES ('a > b', 'a', 'b', TIMESTAMP '2024-03-10 23:30:00'), ('a > c', 'a', 'c', NULL)`,
  `INSERT INTO engagement_events (event_key, customer_id, occurred_at, event)
    VALUES ('e1', 'a', TIMESTAMP '2024-03-10 23:30:00', 'email_open')`,
  `INSERT INTO tickets (ticket_id, customer_id, opened_at)
    VALUES ('t1', 'a', TIMESTAMP '2024-03-10 23:30:00')`,
  `INSERT INTO returns (return_key, order_id, returned_at, amount)
    VALUES ('r1', 'o1', TIMESTAMP '2024-03-10 23:30:00', 5)`,
  `INSERT INTO survey_responses (response_key, customer_id, responded_at, nps)
    VALUES ('s1', 'a', TIMESTAMP '2024-03-10 23:30:00', 9)`,
]

describe.each(STORES)('value-input days on $name', (kind) => {
  it('a workspace made before the columns gets them, filled with the UTC day', async () => {
    const { engine, store } = await openStore(kind)
    stores.push(store)
    // as an earlier version left it: the tables without the day columns
    for (const [table, , day] of VALUE_DAYS) {
      await engine.exec(`ALTER TABLE ${table} DROP COLUMN ${day}`)
    }
    for (const sql of OLD_ROWS) await engine.exec(sql)
    await engine.close()
    for (let open = 0; open < 2; open++) {
      // opened twice: the second open finds every day filled and changes nothing
      const e = await openWorkspace(store.location)
      try {
        for (const [table, instant, day] of VALUE_DAYS) {
          const rows = await e.query<{ at: string | null; day: string | null }>(
            `SELECT CAST(${instant} AS VARCHAR) AS at, CAST(${day} AS VARCHAR) AS day
             FROM ${table} ORDER BY ${instant} NULLS LAST`,
          )
          const dated = [{ at: expect.stringMatching(/^2024-03-10 23:30:00/), day: '2024-03-10' }]
          expect(rows, table).toEqual(
            table === 'referrals' ? [...dated, { at: null, day: null }] : dated,
          )
        }
      } finally {
        await e.close()
      }
    }
  })
})
