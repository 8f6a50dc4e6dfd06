// The value input kinds (referrals, engagement, tickets, returns, surveys) through importFile on
// real DuckDB workspace files: stored rows, idempotent re-imports, and every bad input with its
// file:line column: reason message and an unchanged store.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { SATISFACTION_ACCEPTS } from '../../src/service/import/kinds/tickets.ts'
import { readingNotes } from '../../src/service/source.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const TABLES = [
  'referrals',
  'engagement_events',
  'tickets',
  'returns',
  'survey_responses',
  'imports',
]
let engine: Engine
let dir: string

beforeEach(async () => {
  ;({ engine, dir } = await freshWorkspace())
})
afterEach(async () => {
  await engine.close()
})

const load = (kind: string, file: string, extra: Record<string, unknown> = {}) =>
  importFile(engine, file, { kind, now: NOW, ...extra })

async function store(): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of TABLES) {
    const [r] = await engine.query<{ n: number; h: string }>(
      `SELECT count(*) AS n, CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) AS h FROM ${t} t`,
    )
    out[t] = `${r?.n}:${r?.h}`
  }
  return out
}

/** Import `good` first, then expect `bad` to fail with exactly `messages` and change nothing. */
async function rejects(kind: string, good: string, bad: string, messages: string[]) {
  await load(kind, write(dir, `good-${kind}.csv`, good))
  const before = await store()
  const f = write(dir, `bad-${kind}.csv`, bad)
  const e = await importError(() => load(kind, f))
  expect(e.problems.map(formatProblem)).toEqual(messages.map((m) => `${f}:${m}`))
  expect(e.message).toContain('nothing was imported')
  expect(await store()).toEqual(before)
}

describe('referrals', () => {
  const good = 'referrer,referred,date,code\nA,B,2024-01-05,REF-A\nB,C,2024-02-01,\n'

  test('stores one row per pair; a re-import changes nothing', async () => {
    const r = await load('referrals', write(dir, 'r.csv', good))
    expect(r).toMatchObject({ kind: 'referrals', rowsStored: 2, inserted: 2 })
    expect(r.columns).toMatchObject({ referrer_id: 'referrer', referred_id: 'referred' })
    const rows = await engine.query(
      "SELECT referrer_id, referred_id, strftime(referred_at, '%Y-%m-%d') AS d, code FROM referrals ORDER BY 1",
    )
    expect(rows).toEqual([
      { referrer_id: 'A', referred_id: 'B', d: '2024-01-05', code: 'REF-A' },
      { referrer_id: 'B', referred_id: 'C', d: '2024-02-01', code: null },
    ])
    expect(await load('referrals', write(dir, 'r.csv', good))).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 2,
    })
  })

  test('a self-referral is stored and named by the import', async () => {
    // QA: "3 referrals (3 new)" said nothing of D referring D, which only the analysis counted
    const r = await load(
      'referrals',
      write(dir, 'self.csv', 'referrer,referred,date\nA,B,2024-01-05\nD,D,2024-03-01\n'),
    )
    expect(r).toMatchObject({ inserted: 2, selfReferrals: { rows: 1, examples: 'D (line 3)' } })
    const plain = await load('referrals', write(dir, 'r.csv', good))
    expect(plain.selfReferrals).toBeUndefined()
  })

  test('bad rows: empty referrer, unreadable date, the same pair with other content', async () => {
    await rejects(
      'referrals',
      good,
      'referrer,referred,date,code\n,B,2024-01-05,\nA,D,yesterday,\nA,E,2024-01-01,X\nA,E,2024-01-02,X\n',
      [
        '2 referrer: empty value: referrer_id is required',
        "3 date: cannot read 'yesterday' as a date (expected ISO 8601 such as 2024-03-10 or 2024-03-10T14:30:00Z or a Unix time in seconds or milliseconds; or pass --date-format)",
        '5 referred: referral A > E also on line 4 with different content (date)',
      ],
    )
  })

  test('ids holding the key separator stay two pairs; an id and its stored spelling are one', async () => {
    const f = write(
      dir,
      's.csv',
      'referrer,referred,date\nA > B,C,2024-01-05\nA,B > C,2024-01-06\n',
    )
    expect(await load('referrals', f)).toMatchObject({ inserted: 2 })
    expect(await load('referrals', f)).toMatchObject({ unchanged: 2 })
    const rows = await engine.query('SELECT referrer_id, referred_id FROM referrals ORDER BY 1')
    expect(rows).toEqual([
      { referrer_id: 'A', referred_id: 'B > C' },
      { referrer_id: 'A > B', referred_id: 'C' },
    ])
    // 123.0 is stored as customer 123: the same pair as 123
    const g = write(dir, 'w.csv', 'referrer,referred,date\n123,D,2024-01-05\n123.0,D,2024-01-07\n')
    const e = await importError(() => load('referrals', g))
    expect(e.problems.map(formatProblem)).toEqual([
      `${g}:3 referred: referral 123 > D also on line 2 with different content (date)`,
    ])
  })

  test('a file without a referred column names what is missing', async () => {
    const e = await importError(() =>
      load('referrals', write(dir, 'm.csv', 'referrer,when\nA,2024-01-01\n')),
    )
    expect(e.message).toContain('missing required column referred_id')
  })
})

describe('referrals by email', () => {
  test("a referral program's export names both sides by email", async () => {
    const f = write(
      dir,
      'rc.csv',
      'Referrer Email,Referral Email,Referral Date,Referral Code\na@x.com,b@x.com,2024-01-20,ANN10\n',
    )
    expect(await load('referrals', f)).toMatchObject({ inserted: 1 })
    expect(await engine.query('SELECT referrer_id, referred_id, code FROM referrals')).toEqual([
      { referrer_id: 'a@x.com', referred_id: 'b@x.com', code: 'ANN10' },
    ])
  })
})
describe('engagement', () => {
  test('event names are folded to the six types; identical events stay two events', async () => {
    const f = write(
      dir,
      'e.csv',
      'customer_id,occurred_at,event\nc1,2024-01-01T10:00:00Z,Email Open\nc1,2024-01-01T10:00:00Z,email-open\nc2,2024-01-02,REVIEW\n',
    )
    expect(await load('engagement', f)).toMatchObject({ rowsStored: 3, inserted: 3 })
    const rows = await engine.query(
      'SELECT event, count(*) AS n FROM engagement_events GROUP BY event ORDER BY event',
    )
    expect(rows).toEqual([
      { event: 'email_open', n: 2 },
      { event: 'review', n: 1 },
    ])
    expect(await load('engagement', f)).toMatchObject({ inserted: 0, unchanged: 3 })
    // the same events spelled as another tool names them are the stored ones, not new events
    const again = write(
      dir,
      'e2.csv',
      'customer_id,occurred_at,event\nc1,2024-01-01T10:00:00Z,email_open\nc1,2024-01-01T10:00:00Z,Opened Email\nc2,2024-01-02,review\n',
    )
    expect(await load('engagement', again)).toMatchObject({ inserted: 0, unchanged: 3 })
    expect(await engine.query('SELECT count(*) AS n FROM engagement_events')).toEqual([{ n: 3 }])
  })

  test("an email tool's export (Mailchimp, Klaviyo): its names for the events are the six types", async () => {
    const f = write(
      dir,
      'mailchimp.csv',
      [
        'Email Address,Action,Timestamp,Campaign Title',
        'a@x.com,open,2024-01-06 10:00:00,Jan',
        'b@x.com,click,2024-01-06 11:00:00,Jan',
        'a@x.com,Opened Email,2024-01-07 10:00:00,',
        'a@x.com,Clicked Email,2024-01-07 10:01:00,',
        'b@x.com,Active on Site,2024-01-08 09:00:00,',
        'b@x.com,Coupon Redeemed,2024-01-09 09:00:00,',
      ].join('\n'),
    )
    expect(await load('engagement', f)).toMatchObject({ rowsStored: 6 })
    const rows = await engine.query(
      'SELECT customer_id, event, count(*) AS n FROM engagement_events GROUP BY ALL ORDER BY ALL',
    )
    expect(rows).toEqual([
      { customer_id: 'a@x.com', event: 'email_click', n: 1 },
      { customer_id: 'a@x.com', event: 'email_open', n: 2 },
      { customer_id: 'b@x.com', event: 'email_click', n: 1 },
      { customer_id: 'b@x.com', event: 'promo_redemption', n: 1 },
      { customer_id: 'b@x.com', event: 'site_visit', n: 1 },
    ])
  })

  test('bad rows: unknown event, future time, empty customer', async () => {
    await rejects(
      'engagement',
      'customer,time,type\nc1,2024-01-01,site_visit\n',
      'customer,time,type\nc1,2024-01-01,purchase\nc1,2031-01-01,review\n,2024-01-01,review\n',
      [
        "2 type: unknown event 'purchase': use one of email_open, email_click, site_visit, review, social_share, promo_redemption",
        '3 time: date is in the future: 2031-01-01',
        '4 customer: empty value: customer_id is required',
      ],
    )
  })
})

describe('tickets', () => {
  const good =
    'ticket_id,customer_id,opened_at,resolved_at,channel,handling_minutes,satisfaction\nT1,c1,2024-01-01T09:00:00Z,2024-01-01T10:00:00Z,email,30,4\nT2,c1,2024-02-01,,phone,,\n'

  test('stores tickets keyed by id; an open ticket has no resolution', async () => {
    expect(await load('tickets', write(dir, 't.csv', good))).toMatchObject({ inserted: 2 })
    const rows = await engine.query(
      'SELECT ticket_id, channel, handling_minutes, satisfaction, resolved_at IS NULL AS open FROM tickets ORDER BY 1',
    )
    expect(rows).toEqual([
      { ticket_id: 'T1', channel: 'email', handling_minutes: 30, satisfaction: 4, open: false },
      { ticket_id: 'T2', channel: 'phone', handling_minutes: null, satisfaction: null, open: true },
    ])
    // a corrected ticket replaces the stored one
    const fixed = good.replace(',30,4', ',45,4')
    expect(await load('tickets', write(dir, 't2.csv', fixed))).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 1,
    })
  })

  test('bad rows: negative minutes, satisfaction off the 1-5 scale, resolved before opened, repeated id', async () => {
    await rejects(
      'tickets',
      good,
      [
        'ticket_id,customer_id,opened_at,resolved_at,channel,handling_minutes,satisfaction',
        'T3,c1,2024-01-01,,email,-5,',
        'T4,c1,2024-01-01,,email,10,6',
        'T5,c1,2024-01-05,2024-01-04,email,10,3',
        'T6,c1,2024-01-01,,email,ten,3',
        'T7,c1,2024-01-01,,email,1,3',
        'T7,c1,2024-01-01,,chat,1,3',
      ].join('\n'),
      [
        "2 handling_minutes: handling minutes cannot be negative, got '-5'",
        "3 satisfaction: satisfaction must be from 1 to 5, got '6'",
        '4 resolved_at: resolved before it was opened',
        "5 handling_minutes: cannot read 'ten' as a number of minutes",
        '7 ticket_id: ticket T7 also on line 6 with different content (channel)',
      ],
    )
  })

  test('a file without resolved_at keeps the stored one: an opening after it is a bad row', async () => {
    const reason =
      'opened_at: 2024-01-05 is after the stored resolved_at 2024-01-01 10:00:00 of ticket T1 (the file has no resolved_at column: the stored one is kept)'
    // T2 is open (nothing stored to pass), T8 new
    const later =
      'ticket_id,customer_id,opened_at\nT1,c1,2024-01-05\nT2,c1,2024-03-01\nT8,c1,2024-01-01\n'
    await rejects('tickets', good, later, [`2 ${reason}`])
    // with --skip-bad-rows the row is left out, written to the rejects with its reason
    const f = write(dir, 'later.csv', later)
    const out = join(dir, 'later.rejects.csv')
    const r = await load('tickets', f, { skipBadRows: true, rejects: out })
    expect(r).toMatchObject({ rejected: 1, inserted: 1, updated: 1 })
    expect(readFileSync(out, 'utf8')).toContain(`T1,c1,2024-01-05,2,${reason}`)
    // an opening still before the stored resolution merges with it
    const earlier = write(
      dir,
      'earlier.csv',
      'ticket_id,customer_id,opened_at\nT1,c1,2024-01-01T09:30:00Z\n',
    )
    expect(await load('tickets', earlier)).toMatchObject({ updated: 1 })
    expect(
      await engine.query(
        "SELECT strftime(opened_at, '%H:%M') AS opened, strftime(resolved_at, '%H:%M') AS resolved FROM tickets WHERE ticket_id = 'T1'",
      ),
    ).toEqual([{ opened: '09:30', resolved: '10:00' }])
  })
})

describe('returns', () => {
  const good =
    'return_id,order_id,customer_id,returned_at,amount,reason\nR1,O1,c1,2024-01-10,40.5,damaged\n,O2,,2024-01-11,10,\n'

  test('stores returns; the customer may be left out; rows without an id get content keys', async () => {
    expect(await load('returns', write(dir, 'r.csv', good))).toMatchObject({ inserted: 2 })
    const rows = await engine.query(
      'SELECT return_id, order_id, customer_id, amount, length(return_key) AS k FROM returns ORDER BY order_id',
    )
    expect(rows).toEqual([
      { return_id: 'R1', order_id: 'O1', customer_id: 'c1', amount: 40.5, k: 2 },
      { return_id: null, order_id: 'O2', customer_id: null, amount: 10, k: 32 },
    ])
    expect(await load('returns', write(dir, 'r.csv', good))).toMatchObject({ inserted: 0 })
  })

  test('the rejects file of a file with a reason column names its problem reject_reason (it was reason_1)', async () => {
    const f = write(
      dir,
      'rr.csv',
      'return_id,order_id,customer_id,returned_at,amount,reason\nR1,O1,c1,2024-01-10,40.5,damaged\nR2,O2,c2,2024-01-11,-3,too small\n',
    )
    const out = join(dir, 'rr.rejects.csv')
    await importError(() => load('returns', f, { rejects: out }))
    const [header, row] = readFileSync(out, 'utf8').trim().split('\n')
    expect(header).toBe(
      'return_id,order_id,customer_id,returned_at,amount,reason,reject_line,reject_reason',
    )
    expect(row).toMatch(
      /^R2,O2,c2,2024-01-11,-3,too small,3,"amount: a returned amount cannot be negative, got '-3'"$/,
    )
  })

  test("a returns app's export: the order's name, the customer's email and the total refund are recognised", async () => {
    const f = write(
      dir,
      'loop.csv',
      'Return ID,Order Name,Customer Email,Created At,Total Refund,Return Reason\nR1,#1001,a@x.com,2024-01-10,20.00,Too small\n',
    )
    expect(await load('returns', f)).toMatchObject({ inserted: 1 })
    expect(
      await engine.query('SELECT return_id, order_id, customer_id, amount, reason FROM returns'),
    ).toEqual([
      {
        return_id: 'R1',
        order_id: '#1001',
        customer_id: 'a@x.com',
        amount: 20,
        reason: 'Too small',
      },
    ])
  })

  test('returns nobody can own are stored and named: no such order and no customer', async () => {
    await load(
      'orders',
      write(dir, 'o.csv', 'order_id,customer_id,ordered_at,amount\nO1,c1,2024-01-01,50\n'),
    )
    await load('customers', write(dir, 'c.csv', 'customer_id,country\nc5,DE\n'))
    const r = await load(
      'returns',
      write(
        dir,
        'r.csv',
        'order_id,customer_id,returned_at,amount\nO1,,2024-01-05,20\nO9,,2024-01-06,30\n' +
          'O8,c5,2024-01-06,5\nO7,c6,2024-01-07,5\n',
      ),
    )
    // O1 belongs to c1 through its order; O9, O8 and O7 are of orders not in the workspace: O8
    // counts toward the known customer c5, O9 has no owner, O7's customer is unknown
    expect(r.unmatched).toEqual({
      rows: 3,
      ownerless: 2,
      named: 1,
      examples: 'O9 (line 3), O8 (line 4), O7 (line 5)',
    })
    expect(await engine.query('SELECT count(*) AS n FROM returns')).toEqual([{ n: 4 }])
    // once the order is imported, its return has an owner
    await load(
      'orders',
      write(dir, 'o2.csv', 'order_id,customer_id,ordered_at,amount\nO9,c2,2024-01-02,40\n'),
    )
    const again = await load('returns', write(dir, 'r.csv', readFileSync(join(dir, 'r.csv'))))
    expect(again.unmatched).toEqual({
      rows: 2,
      ownerless: 1,
      named: 1,
      examples: 'O8 (line 4), O7 (line 5)',
    })
    // the kinds keyed by customer say the same for customers the workspace does not know
    const t = await load(
      'tickets',
      write(dir, 't.csv', 'ticket_id,customer_id,opened_at\nT1,c1,2024-01-01\nT2,zz,2024-01-02\n'),
    )
    expect(t.unmatched).toEqual({ rows: 1, ownerless: 1, examples: 'zz (line 3)' })
    // orders are not checked this way
    expect(
      (await load('orders', write(dir, 'o.csv', 'customer_id,ordered_at,amount\nq,2024-01-01,1\n')))
        .unmatched,
    ).toBeNull()
  })

  test("a return naming another customer than its order's is stored and said", async () => {
    await load(
      'orders',
      write(
        dir,
        'o.csv',
        'order_id,customer_id,ordered_at,amount\nO1,c1,2024-01-01,50\nO2,c2,2024-01-02,9\n',
      ),
    )
    const r = await load(
      'returns',
      write(
        dir,
        'r.csv',
        'order_id,customer_id,returned_at,amount\nO1,c1,2024-01-05,20\nO2,c1,2024-01-06,5\nO1,,2024-01-07,1\n',
      ),
    )
    expect(r.otherOwner).toEqual({ rows: 1, examples: 'O2 (line 3)' })
    expect(r.unmatched).toEqual({ rows: 0, ownerless: 0, examples: '' })
    // the other kinds have no such check
    const t = await load(
      'tickets',
      write(dir, 't.csv', 'ticket_id,customer_id,opened_at\nT1,c1,2024-01-01\n'),
    )
    expect(t.otherOwner).toBeNull()
  })

  test('bad rows: negative amount, unreadable amount, no order', async () => {
    await rejects(
      'returns',
      good,
      'order,date,refund\nO3,2024-01-10,-4\nO4,2024-01-10,lots\n,2024-01-10,5\n',
      [
        "2 refund: a returned amount cannot be negative, got '-4'",
        "3 refund: cannot read 'lots' as an amount",
        '4 order: empty value: order_id is required',
      ],
    )
  })
  test('a help desk export (Zendesk): the requester (by email, not the help desk id) is the customer, Good and Bad ratings are 5 and 1', async () => {
    // Requester id is Zendesk's own user id, which no shop's orders carry
    const zendesk = [
      'Summation column,Id,Requester,Requester id,Requester email,Status,Via,Created at,Solved at,Satisfaction Score',
      '1,101,Ann,372736102011,ann@x.com,solved,Email,2024-01-06 10:00:00,2024-01-07 09:00:00,Good',
      '1,102,Bob,372736102012,bob@x.com,solved,Web,2024-02-06 10:00:00,2024-02-07 09:00:00,Bad with comment',
      '1,103,Bob,372736102012,bob@x.com,open,Web,2024-02-08 10:00:00,,Offered',
    ].join('\n')
    expect(await load('tickets', write(dir, 'zd.csv', zendesk))).toMatchObject({ inserted: 3 })
    const rows = await engine.query(
      'SELECT ticket_id, customer_id, channel, satisfaction FROM tickets ORDER BY 1',
    )
    expect(rows).toEqual([
      { ticket_id: '101', customer_id: 'ann@x.com', channel: 'Email', satisfaction: 5 },
      { ticket_id: '102', customer_id: 'bob@x.com', channel: 'Web', satisfaction: 1 },
      { ticket_id: '103', customer_id: 'bob@x.com', channel: 'Web', satisfaction: null },
    ])
    // a rating in other words is still a bad row, named
    const f = write(
      dir,
      'zd2.csv',
      `${zendesk.split('\n')[0]}\n1,104,Bob,372736102012,b,open,Web,2024-02-09,,Superb`,
    )
    const e = await importError(() => load('tickets', f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:2 Satisfaction Score: cannot read 'Superb' as ${SATISFACTION_ACCEPTS}`,
    ])
  })
})

test("Zendesk's Requester external id, empty for requesters without one: their email is the customer", async () => {
  const zendesk = [
    'Id,Requester,Requester id,Requester external id,Requester email,Via,Created at,Satisfaction Score',
    '101,Ann,900001,C-17,ann@x.com,Mail,2024-02-01 10:00,Good',
    // the email as Zendesk keeps it, in the requester's case: stored as every email id is
    '102,Bob,900002,,Bob@X.com,Web form,2024-02-03 10:00,Bad',
    '103,Cy,900003,,,Web form,2024-02-04 10:00,Bad',
  ].join('\n')
  const e = await importError(() => load('tickets', write(dir, 'zd3.csv', zendesk)))
  expect(e.problems.map(formatProblem)).toEqual([
    `${join(dir, 'zd3.csv')}:4 Requester external id: empty value: customer_id is required`,
  ])
  const ok = zendesk.split('\n').slice(0, 3).join('\n')
  expect(await load('tickets', write(dir, 'zd4.csv', ok))).toMatchObject({ inserted: 2 })
  const rows = await engine.query('SELECT ticket_id, customer_id FROM tickets ORDER BY 1')
  expect(rows).toEqual([
    { ticket_id: '101', customer_id: 'C-17' },
    { ticket_id: '102', customer_id: 'bob@x.com' },
  ])
})

test("SurveyMonkey's second header row (Response, Open-Ended Response) is no response", async () => {
  const sm = [
    'Respondent ID,Collector ID,Start Date,End Date,Email Address,How likely is it that you would recommend us to a friend or colleague?,What could we do better?',
    ',,,,,Response,Open-Ended Response',
    '1140001,4001,2024-01-15 10:00:00,2024-01-15 10:02:00,alice@example.com,10,Nothing',
    '1140002,4001,2024-01-16 11:00:00,2024-01-16 11:05:00,bob@example.com,3,Slow',
  ].join('\n')
  expect(await load('surveys', write(dir, 'sm.csv', sm))).toMatchObject({ inserted: 2 })
  const rows = await engine.query(
    'SELECT response_id, nps, comment FROM survey_responses ORDER BY 1',
  )
  expect(rows).toEqual([
    { response_id: '1140001', nps: 10, comment: 'Nothing' },
    { response_id: '1140002', nps: 3, comment: 'Slow' },
  ])
  // the same words on a later line, or beside a respondent, are still a bad answer
  const late = `${sm}\n1140003,4001,2024-01-17 11:00:00,2024-01-17 11:05:00,cy@example.com,Response,x`
  const e = await importError(() => load('surveys', write(dir, 'sm2.csv', late)))
  expect(e.problems.map(formatProblem)).toEqual([
    `${join(dir, 'sm2.csv')}:5 How likely is it that you would recommend us to a friend or colleague?: cannot read 'Response' as an NPS answer`,
  ])
})

describe('surveys', () => {
  const good =
    'response_id,customer_id,responded_at,nps,ces,csat,comment\nS1,c1,2024-03-01,9,6,5,"Great, fast"\nS2,c2,2024-03-02,,,,just text\n'

  test('an id-less answer beside a stored one of the same customer and time is named: a correction or a second response', async () => {
    const first = write(dir, 'n1.csv', 'customer_id,responded_at,nps\nB,2024-03-20,3\n')
    expect(await load('surveys', first)).toMatchObject({ inserted: 1 })
    const second = write(
      dir,
      'n2.csv',
      'customer_id,responded_at,nps,comment\nB,2024-03-20,9,great\nA,2024-03-21,5,\n',
    )
    const r = await load('surveys', second)
    expect(r).toMatchObject({ inserted: 2 })
    expect(r.sameTimeResponses).toEqual({
      n: 1,
      first: [
        {
          line: 2,
          customerId: 'B',
          at: '2024-03-20 00:00:00',
          answers: 'nps 9, a comment',
          stored: 'nps 3',
        },
      ],
    })
    // the same file again: nothing new, nothing named
    const again = await load('surveys', second)
    expect(again).toMatchObject({ inserted: 0, unchanged: 2 })
    expect(again.sameTimeResponses).toBeUndefined()
  })

  test('stores answers; NPS and CES are whole numbers', async () => {
    expect(await load('surveys', write(dir, 's.csv', good))).toMatchObject({ inserted: 2 })
    const rows = await engine.query(
      'SELECT response_id, nps, ces, csat, comment FROM survey_responses ORDER BY 1',
    )
    expect(rows).toEqual([
      { response_id: 'S1', nps: 9, ces: 6, csat: 5, comment: 'Great, fast' },
      { response_id: 'S2', nps: null, ces: null, csat: null, comment: 'just text' },
    ])
  })

  test('bad rows: NPS and CES off their scales or not whole, CSAT above 5, no answer at all', async () => {
    await rejects(
      'surveys',
      good,
      [
        'customer,date,nps,ces,csat,comment',
        'c1,2024-03-01,11,,,',
        'c1,2024-03-01,7.5,,,',
        'c1,2024-03-01,-1,,,',
        'c1,2024-03-01,,0,,',
        'c1,2024-03-01,,8,,',
        'c1,2024-03-01,,,6,',
        'c1,2024-03-01,,,,',
        'c1,2024-03-01,ten,,,',
      ].join('\n'),
      [
        "2 nps: NPS must be a whole number from 0 to 10, got '11'",
        "3 nps: NPS must be a whole number from 0 to 10, got '7.5'",
        "4 nps: NPS must be a whole number from 0 to 10, got '-1'",
        "5 ces: CES must be a whole number from 1 to 7, got '0'",
        "6 ces: CES must be a whole number from 1 to 7, got '8'",
        "7 csat: CSAT must be from 1 to 5, got '6'",
        '8: no answer: nps, ces, csat and comment are all empty',
        "9 nps: cannot read 'ten' as an NPS answer",
      ],
    )
  })

  test('a form export names its answers by the question: the NPS question and a free-text one are read, and said', async () => {
    const f = write(
      dir,
      'typeform.csv',
      'Submitted At,Customer ID,How likely are you to recommend us to a friend or colleague?,What could we do better?\n2024-03-03 10:00:00,c2,6,faster delivery\n',
    )
    const r = await load('surveys', f)
    expect(r.questionColumns).toEqual({
      nps: 'How likely are you to recommend us to a friend or colleague?',
      comment: 'What could we do better?',
    })
    expect(readingNotes(r).join('\n')).toContain(
      'read the questions "How likely are you to recommend us to a friend or colleague?" as the NPS answer (0-10), "What could we do better?" as the comment',
    )
    const rows = await engine.query('SELECT customer_id, nps, comment FROM survey_responses')
    expect(rows).toEqual([{ customer_id: 'c2', nps: 6, comment: 'faster delivery' }])
  })

  test('an effort question (high = hard) is refused as CES, which reads 7 as easiest; "made it easy" is read', async () => {
    const effort = write(
      dir,
      'effort.csv',
      'Submitted At,Customer ID,How much effort did you personally have to put forth to handle your request?\n2024-03-03 10:00:00,c2,6\n',
    )
    const e = await importError(() => load('surveys', effort))
    expect(e.message).toContain(
      'asks how much effort it took (high = hard), but a CES answer here is agreement that the company made it easy (1-7, 7 = easiest)',
    )
    expect(await engine.query('SELECT count(*) AS n FROM survey_responses')).toEqual([{ n: 0 }])
    const easy = write(
      dir,
      'easy.csv',
      'Submitted At,Customer ID,The company made it easy for me to handle my issue\n2024-03-03 10:00:00,c2,6\n',
    )
    expect(await load('surveys', easy)).toMatchObject({ inserted: 1 })
    expect(await engine.query('SELECT ces FROM survey_responses')).toEqual([{ ces: 6 }])
  })

  test("SurveyMonkey's export: the respondent id, the end date, the email, the NPS question and the open-ended answer", async () => {
    const f = write(
      dir,
      'surveymonkey.csv',
      'Respondent ID,Start Date,End Date,Email Address,"How likely is it that you would recommend this company to a friend or colleague?",Open-Ended Response\n114,2024-01-05 10:00:00,2024-01-05 10:03:00,a@x.com,9,Great service\n',
    )
    const r = await load('surveys', f)
    expect(r.columns).toMatchObject({
      response_id: 'Respondent ID',
      responded_at: 'End Date',
      customer_id: 'Email Address',
      comment: 'Open-Ended Response',
    })
    expect(
      await engine.query(
        "SELECT response_id, customer_id, strftime(responded_at, '%H:%M') AS t, nps, comment FROM survey_responses",
      ),
    ).toEqual([
      { response_id: '114', customer_id: 'a@x.com', t: '10:03', nps: 9, comment: 'Great service' },
    ])
  })

  test('a bare Score column (Delighted) could be any scale: the import asks which, and reads it once told', async () => {
    const f = write(
      dir,
      'delighted.csv',
      'Response ID,Email,Score,Comment,Created At\n9001,c1,9,Great,2024-03-02 10:00:00\n',
    )
    await expect(load('surveys', f)).rejects.toThrow(
      `${f}: the column Score may hold NPS (0-10), CES (1-7) or CSAT (1-5) answers; say which, e.g. --map nps=Score`,
    )
    expect(await store()).toMatchObject({ survey_responses: '0:0' })
    await load('surveys', f, { map: { nps: 'Score' } })
    expect(await engine.query('SELECT nps, comment FROM survey_responses')).toEqual([
      { nps: 9, comment: 'Great' },
    ])
  })

  test('--skip-bad-rows imports the good answers and writes the bad ones to the rejects file', async () => {
    const f = write(
      dir,
      'mixed.csv',
      'customer,date,nps\nc1,2024-03-01,10\nc2,2024-03-01,12\nc3,2024-03-02,0\n',
    )
    const r = await load('surveys', f, { skipBadRows: true })
    expect(r).toMatchObject({ rowsRead: 3, rowsStored: 2, rejected: 1 })
    const rows = await engine.query('SELECT customer_id, nps FROM survey_responses ORDER BY 1')
    expect(rows).toEqual([
      { customer_id: 'c1', nps: 10 },
      { customer_id: 'c3', nps: 0 },
    ])
    expect(r.rejectsFile && existsSync(r.rejectsFile)).toBe(true)
    const rejected = readFileSync(r.rejectsFile as string, 'utf8')
    expect(rejected).toContain(
      `c2,2024-03-01,12,3,"nps: NPS must be a whole number from 0 to 10, got '12'"`,
    )
  })
})

describe('a file without an optional column', () => {
  // the whole file, then the same rows from a file without one optional column: what the file
  // does carry is equal, so nothing changes, and what it leaves out keeps its stored value
  const cases: readonly {
    kind: string
    table: string
    key: string
    left: string
    full: string
    without: string
  }[] = [
    {
      kind: 'returns',
      table: 'returns',
      key: 'return_id',
      left: 'customer_id',
      full: 'return_id,order_id,customer_id,returned_at,amount,reason\nR1,O1,C1,2024-01-05,10,x\nR2,O2,C2,2024-01-06,5,y\n',
      without:
        'return_id,order_id,returned_at,amount,reason\nR1,O1,2024-01-05,10,x\nR2,O2,2024-01-06,5,y\n',
    },
    {
      kind: 'tickets',
      table: 'tickets',
      key: 'ticket_id',
      left: 'channel',
      full: 'ticket_id,customer_id,opened_at,channel,handling_minutes\nT1,C1,2024-01-01,email,30\nT2,C2,2024-01-02,phone,5\n',
      without:
        'ticket_id,customer_id,opened_at,handling_minutes\nT1,C1,2024-01-01,30\nT2,C2,2024-01-02,5\n',
    },
    {
      kind: 'surveys',
      table: 'survey_responses',
      key: 'response_id',
      left: 'comment',
      full: 'response_id,customer_id,responded_at,nps,comment\nS1,C1,2024-03-01,9,great\nS2,C2,2024-03-02,3,slow\n',
      without: 'response_id,customer_id,responded_at,nps\nS1,C1,2024-03-01,9\nS2,C2,2024-03-02,3\n',
    },
    {
      kind: 'referrals',
      table: 'referrals',
      key: 'referred_id',
      left: 'code',
      full: 'referrer,referred,date,code\nA,B,2024-01-05,REF-A\nB,C,2024-02-01,REF-B\n',
      without: 'referrer,referred,date\nA,B,2024-01-05\nB,C,2024-02-01\n',
    },
  ]
  for (const c of cases) {
    test(`${c.kind}: a file without ${c.left} keeps the stored ${c.left}, and is unchanged`, async () => {
      await load(c.kind, write(dir, 'full.csv', c.full))
      const before = await store()
      const r = await load(c.kind, write(dir, 'without.csv', c.without))
      expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
      expect(await store()).toEqual({ ...before, imports: expect.any(String) })
      const kept = await engine.query(
        `SELECT count(*) AS n FROM ${c.table} WHERE ${c.left} IS NULL`,
      )
      expect(kept, `${c.key} rows with no ${c.left}`).toEqual([{ n: 0 }])
    })
  }

  test('a changed row keeps the stored value of the column its file leaves out', async () => {
    const f = cases[0]!
    await load('returns', write(dir, 'full.csv', f.full))
    const r = await load(
      'returns',
      write(
        dir,
        'fixed.csv',
        'return_id,order_id,returned_at,amount,reason\nR1,O1,2024-01-05,12,x\nR3,O3,2024-01-07,1,z\n',
      ),
    )
    expect(r).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 })
    expect(
      await engine.query('SELECT return_id, customer_id, amount FROM returns ORDER BY 1'),
    ).toEqual([
      { return_id: 'R1', customer_id: 'C1', amount: 12 },
      { return_id: 'R2', customer_id: 'C2', amount: 5 },
      // a new row has nothing stored to keep
      { return_id: 'R3', customer_id: null, amount: 1 },
    ])
  })
})

test('an unknown kind lists every kind', async () => {
  await expect(load('complaints', write(dir, 'x.csv', 'a\n1\n'))).rejects.toThrow(
    /use one of orders, order-lines, customers, referrals, engagement, tickets, returns, surveys/,
  )
})
