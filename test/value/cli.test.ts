// The value features as a user runs them: `loyals import --kind referrals|tickets|surveys ...`,
// `loyals analyze --config` and `loyals customer ID`, through the built CLI in real processes.
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

// A -> B -> C referral chain; every cost rate 0 but tickets at $1 a minute, so own values are
// A 10, B 100, C 40 (amount - cost) and A's referral value is 100 + 0.5 * 40 = 120.
// B has a 30-minute ticket: B's past profit is 100 - 30 = 70 and A's referral value 70 + 20 = 90.
const ORDERS = `order_id,customer_id,ordered_at,amount,cost
1,A,2024-01-01,100,90
2,B,2024-02-01,200,100
3,C,2024-03-01,100,60
4,A,2024-03-10,50,50
`
const REFERRALS = 'referrer,referred,date,code\nA,B,2024-01-15,REF-A\nB,C,2024-02-15,REF-B\n'
const TICKETS =
  'ticket_id,customer_id,opened_at,handling_minutes,satisfaction\nT1,B,2024-02-02,30,4\n'
const SURVEYS = 'customer,date,nps\nA,2024-03-05,10\n'
// the orders name no currency: the configuration's dollars are what the money is shown in
const CONFIG = {
  currency: { code: 'USD' },
  costs: { perTicketMinute: 1, perReturn: 0, paymentFeeRate: 0, paymentFeeFixed: 0 },
}

async function count(db: string, table: string): Promise<number> {
  const e = await openWorkspace(db)
  try {
    const [r] = await e.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)
    return Number(r?.n)
  } finally {
    await e.close()
  }
}

describe('value inputs and loyals customer', () => {
  let dir: string
  let db: string
  let config: string
  beforeAll(() => {
    dir = tempDir('loyals-value-cli-')
    db = join(dir, 'w.duckdb')
    config = write(dir, 'loyals.value.json', JSON.stringify(CONFIG))
    for (const [kind, name, content] of [
      ['orders', 'orders.csv', ORDERS],
      ['referrals', 'referrals.csv', REFERRALS],
      ['tickets', 'tickets.csv', TICKETS],
      ['surveys', 'surveys.csv', SURVEYS],
    ] as const) {
      const r = runCli(['import', write(dir, name, content), '--kind', kind, '--db', db])
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    }
  })

  test('import --kind prints what it stored; --json names the kind', () => {
    const r = runCli(['import', join(dir, 'referrals.csv'), '--kind', 'referrals', '--db', db])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('2 rows read, 2 referrals (0 new, 0 updated, 2 unchanged)')
    const j = runCli([
      'import',
      join(dir, 'tickets.csv'),
      '--kind',
      'tickets',
      '--db',
      db,
      '--json',
    ])
    expect(JSON.parse(j.stdout)).toMatchObject({ kind: 'tickets', rowsStored: 1, unchanged: 1 })
  })

  test('a bad survey file: exit 1, file:line column: reason, nothing stored', async () => {
    const before = await count(db, 'survey_responses')
    const f = write(
      dir,
      'bad-surveys.csv',
      'customer,date,nps,ces\nB,2024-03-01,12,\nC,2024-03-01,,9\n',
    )
    const r = runCli(['import', f, '--kind', 'surveys', '--db', db])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${f}:2 nps: NPS must be a whole number from 0 to 10, got '12'`)
    expect(r.stderr).toContain(`${f}:3 ces: CES must be a whole number from 1 to 7, got '9'`)
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/)
    expect(await count(db, 'survey_responses')).toBe(before)
  })

  test('customer ID --json: the value breakdown, tier, reasons and referral tree', () => {
    const r = runCli([
      'customer',
      'A',
      '--db',
      db,
      '--config',
      config,
      '--json',
      '--no-predictions',
    ])
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    const p = JSON.parse(r.stdout)
    expect(p).toMatchObject({ customerId: 'A', asOf: '2024-03-10' })
    expect(p.summary).toMatchObject({ orders: 2, revenue: 150, firstPurchase: '2024-01-01' })
    expect(p.value.pastProfit).toBeCloseTo(10, 9)
    expect(p.value.referralValue).toBeCloseTo(90, 9)
    expect(p.value.totalValue).toBeCloseTo(100, 9)
    expect(p.service).toMatchObject({ tickets: 0, nps: 10 })
    expect(p.referrals).toMatchObject({ referredBy: null, direct: 1, customers: 2 })
    expect(p.referrals.tree.children[0]).toMatchObject({ customerId: 'B', contribution: 70 })
    expect(p.referrals.tree.children[0].children[0]).toMatchObject({
      customerId: 'C',
      level: 2,
      ownValue: 40,
      contribution: 20,
    })
    // referral value is said with the tier it lifts
    expect(p.reasons[0].code).toMatch(/^tier_/)
    expect(p.reasons[0].text).toContain(
      '; referred 1 customer worth $70 (and 1 more through them; referral value $90)',
    )
    expect(p.tier.serviceLevel).toHaveProperty('priority')
    expect(p.recentOrders.map((o: { date: string }) => o.date)).toEqual([
      '2024-03-10',
      '2024-01-01',
    ])
    // as of an earlier day, a later order is not known yet: not listed either
    const early = JSON.parse(
      runCli([
        'customer',
        'A',
        '--db',
        db,
        '--config',
        config,
        '--json',
        '--no-predictions',
        '--as-of',
        '2024-02-15',
      ]).stdout,
    )
    expect(early.summary).toMatchObject({ orders: 1, revenue: 100 })
    expect(early.recentOrders.map((o: { date: string }) => o.date)).toEqual(['2024-01-01'])
    const b = JSON.parse(
      runCli(['customer', 'B', '--db', db, '--config', config, '--json', '--no-predictions'])
        .stdout,
    )
    expect(b.value.costs.tickets).toBeCloseTo(30, 9)
    expect(b.referrals.referredBy).toBe('A')
  })

  test('customer ID as text names the tier, the reasons and the tree', () => {
    const r = runCli(['customer', 'A', '--db', db, '--config', config, '--no-predictions'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Customer A: \w+, /)
    expect(r.stdout).toContain('Why:')
    expect(r.stdout).toContain('= Past profit')
    // A has no tickets: a zero cost, not "-$0.00"
    expect(r.stdout).toMatch(/- support tickets +\$0\.00\n/)
    expect(r.stdout).toContain('Referred 1 person directly, 2 in all, worth $90.00:')
    expect(r.stdout).toContain('- B (level 1): $70.00')
    expect(r.stdout).toContain('- C (level 2): $20.00 of $40.00')
    expect(r.stdout).toContain('Bronze service: priority 4, response within 2 days;')
  })

  test('customer --as-of after the last order warns of the gap, as analyze does; at the last day it is quiet', () => {
    const late = runCli(['customer', 'A', '--db', db, '--as-of', '2024-06-30', '--no-predictions'])
    expect(late.code).toBe(0)
    expect(late.stderr).toBe(
      'warning: The as-of date 2024-06-30 is 112 days after the last order in the data (2024-03-10): recency, the R scores, P(alive) and the forecasts count those days as time without purchases. If the data simply ends on 2024-03-10, pass --as-of 2024-03-10.\n',
    )
    const j = runCli(['customer', 'A', '--db', db, '--as-of', '2024-06-30', '--json'])
    expect((JSON.parse(j.stdout) as { warnings: string[] }).warnings).toHaveLength(1)
    const quiet = runCli(['customer', 'A', '--db', db, '--no-predictions', '--json'])
    expect(quiet.stderr).toBe('')
    expect((JSON.parse(quiet.stdout) as { warnings: string[] }).warnings).toEqual([])
  })

  test('a customer served at a loss: negative profit and what their percentile means', () => {
    // at $10 a ticket minute B's 30-minute ticket costs 300 against a margin of 100
    const dear = write(
      dir,
      'dear.json',
      JSON.stringify({ ...CONFIG, costs: { ...CONFIG.costs, perTicketMinute: 10 } }),
    )
    const r = runCli(['customer', 'B', '--db', db, '--config', dear, '--no-predictions'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('= Past profit       -$200.00')
    // a cost is taken off under its '- ' line: shown as the positive amount taken off
    expect(r.stdout).toMatch(/- support tickets +\$300\.00\n/)
    expect(r.stdout).toContain('value percentile 0 (0 for every customer worth nothing or less)')
    // analyze keeps tier state in its workspace: a copy leaves the other tests' one as it was
    const copy = join(dir, 'dear.duckdb')
    copyFileSync(db, copy)
    const a = runCli(['analyze', '--db', copy, '--config', dear, '--out', join(dir, 'dear-out')])
    expect(a.stdout).toContain('1 customer is served at a loss (-$200.00)')
    // the share that follows is of all past profit, not of the loss it is written after
    expect(a.stdout).toMatch(
      /served at a loss \(-\$200\.00\); (the top 20% by past profit hold [\d.]+% of all past profit|total past profit is not positive)/,
    )
    expect(a.stdout).not.toContain('of it. Tiers')
  })

  test("money is written in the configuration's locale in the profile and in analyze", () => {
    const de = write(
      dir,
      'de.json',
      JSON.stringify({ ...CONFIG, currency: { code: 'EUR', locale: 'de-DE' } }),
    )
    const r = runCli(['customer', 'B', '--db', db, '--config', de, '--no-predictions'])
    expect(r.code, r.stderr).toBe(0)
    // de-DE: a comma before the cents and the sign after the number (no "€70.00" beside "70,00 €")
    expect(r.stdout).toMatch(/= Past profit +70,00\s€/)
    expect(r.stdout).not.toMatch(/€\d/)
    const out = join(dir, 'out-de')
    const a = runCli(['analyze', '--db', db, '--config', de, '--out', out, '--no-predictions'])
    expect(a.code, a.stderr).toBe(0)
    expect(a.stdout).toMatch(/Customer value [\d.]+,\d\d\s€ = past profit/)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).not.toMatch(/€\d/)
    // the orders name none: the note says the money is in the configuration's currency
    expect(html).toContain(
      'The orders name no currency; whole-customer value is shown in EUR, the value configuration&#39;s currency, and the other amounts as plain numbers.',
    )
    expect(html).not.toContain('amounts are shown as is')
  })

  test('an unknown customer id: exit 1 and one clear line', () => {
    const r = runCli(['customer', 'ZZZ', '--db', db])
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(`error: no customer 'ZZZ' in the workspace ${db}`)
    // the same id in another case is said, not taken (ids match exactly)
    const a = runCli(['customer', 'a', '--db', db])
    expect(a.code).toBe(1)
    expect(a.stderr.trim()).toBe(
      `error: no customer 'a' in the workspace ${db}; customer ids match exactly, and A differs from it only in case`,
    )
  })

  test('a referrer with no order or customer record: who they referred, and what to import', () => {
    const copy = join(dir, 'referrer-only.duckdb')
    copyFileSync(db, copy)
    const f = write(dir, 'r0.csv', 'referrer,referred,date\nR0,A,2023-12-01\n')
    expect(runCli(['import', f, '--kind', 'referrals', '--db', copy]).code).toBe(0)
    const r = runCli(['customer', 'R0', '--db', copy])
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(
      `error: no customer 'R0' in the workspace ${copy}; the referrals name 'R0' as the referrer of 1 customer (A), but there is no order or customer record: import them to see a profile`,
    )
  })

  test('tickets that match no customer at all: the note says which column was read and how to name another', () => {
    const copy = join(dir, 'zendesk.duckdb')
    copyFileSync(db, copy)
    const f = write(
      dir,
      'zd.csv',
      'Id,Requester id,Created at\n901,372736102011,2024-01-06 10:00:00\n902,372736102012,2024-01-07 10:00:00\n',
    )
    const r = runCli(['import', f, '--kind', 'tickets', '--db', copy])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'No row matched a known customer: if Requester id is not the id your orders use, name the column that is (--map customer_id=COLUMN',
    )
  })

  test('tickets imported before any order: the note says to import the orders, with counts as 1,234', () => {
    // QA: following the README's value block on a fresh directory, every kind's note blamed the
    // id column, when the workspace had no customers at all yet
    const fresh = join(dir, 'fresh.duckdb')
    const rows = Array.from({ length: 1234 }, (_, i) => `${i},c${i},2024-01-06 10:00:00`)
    const f = write(dir, 'early.csv', ['ticket_id,customer_id,opened_at', ...rows].join('\n'))
    const r = runCli(['import', f, '--kind', 'tickets', '--db', fresh])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'note: 1,234 tickets are of customers with no order or customer record',
    )
    expect(r.stdout).toContain(
      'The workspace has no orders or customers yet: import them (loyals import orders.csv), and these rows count toward them',
    )
    expect(r.stdout).not.toContain('No row matched a known customer')
  })

  test('a missing workspace or a bad configuration is a usage error (exit 2)', () => {
    const missing = runCli(['customer', 'A', '--db', join(dir, 'nope.duckdb')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no workspace at')
    const bad = write(dir, 'bad.json', '{"referrals":{"decay":2}}')
    const r = runCli(['customer', 'A', '--db', db, '--config', bad])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('referrals.decay')
  })

  test('analyze --config writes the value columns and the report section', () => {
    const out = join(dir, 'out')
    const r = runCli(['analyze', '--db', db, '--config', config, '--out', out, '--no-predictions'])
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    expect(r.stdout).toContain('Customer value $')
    const csv = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')
    const header = (csv[0] ?? '').split(',')
    for (const c of [
      'referral_value',
      'engagement_score',
      'cost_to_serve',
      'historical_profit',
      'predicted_profit',
      'total_value',
      'loyalty_type',
      'tier',
      'held_by_grace',
      'reason_1',
    ]) {
      expect(header).toContain(c)
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.value.referrals.top[0]).toMatchObject({ customerId: 'A', direct: 1 })
    expect(summary.value.inputs).toMatchObject({ referrals: 2, tickets: 1, surveyResponses: 1 })
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('id="customer-value"')
    expect(html).toContain('Customers served at a loss')
  })

  test('analyze --no-value leaves the value step out; with --config it is a usage error', () => {
    const out = join(dir, 'out-novalue')
    const r = runCli(['analyze', '--db', db, '--out', out, '--no-predictions', '--no-value'])
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    const header = (readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')[0] ?? '').split(
      ',',
    )
    expect(header).toContain('rfm_segment')
    expect(header).not.toContain('total_value')
    expect(header).not.toContain('tier')
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.value ?? null).toBeNull()
    const both = runCli(['analyze', '--db', db, '--config', config, '--no-value', '--out', out])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--no-value')
  })
})
