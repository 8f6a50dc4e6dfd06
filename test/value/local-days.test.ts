// The value inputs count by the day they happened where the import says (--tz), as orders do:
// a ticket, return, referral, event or answer at 21:00 New York time on the as-of day (02:00 UTC
// the next day) is known at the as-of date, as an order at the same moment is.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'
import { parseCsv } from '../summary/load-orders.ts'

const ORDERS = `order_id,customer_id,ordered_at,amount
1,A,2024-03-01 10:00:00,100
2,A,2024-03-10 21:00:00,100
3,B,2024-03-01 10:00:00,100
4,B,2024-03-05 10:00:00,100
`
// A's rows at 21:00 New York time on the as-of day, B's at 18:00 (23:00 UTC, the same UTC day)
const INPUTS = {
  tickets:
    'ticket_id,customer_id,opened_at,resolved_at,channel,handling_minutes,satisfaction\n' +
    'T1,A,2024-03-10 21:00:00,2024-03-10 21:30:00,email,30,4\n' +
    'T2,B,2024-03-10 18:00:00,2024-03-10 18:30:00,email,30,4\n',
  engagement:
    'customer_id,occurred_at,event\nA,2024-03-10 21:00:00,email_open\nB,2024-03-10 18:00:00,email_open\n',
  returns:
    'return_id,order_id,customer_id,returned_at,amount,reason\n' +
    'R1,2,A,2024-03-10 21:00:00,40,damaged\nR2,4,B,2024-03-10 18:00:00,40,damaged\n',
  referrals:
    'referrer_id,referred_id,referred_at,code\nA,Z1,2024-03-10 21:00:00,X\nB,Z2,2024-03-10 18:00:00,Y\n',
  surveys: 'customer_id,responded_at,nps\nA,2024-03-10 21:00:00,9\nB,2024-03-10 18:00:00,9\n',
} as const

const FACTS = ['tickets', 'returns', 'nps', 'referrals_direct', 'engagement_score'] as const

describe('value inputs by their local day (--tz)', () => {
  let dir: string
  let db: string
  const tz = ['--tz', 'America/New_York']
  const importKind = (kind: string, file: string, ...more: string[]): string => {
    const r = runCli(['import', file, '--kind', kind, '--db', db, ...more])
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    return r.stdout.split('\n')[0] ?? ''
  }
  const facts = (): Record<string, Record<string, string>> => {
    const out = join(dir, 'out')
    const r = runCli(['analyze', db, '--as-of', '2024-03-10', '--unit', 'day', '--out', out])
    expect(r.code).toBe(0)
    const rows = parseCsv(readFileSync(join(out, 'customers.csv'), 'utf8'))
    return Object.fromEntries(
      rows.map((c) => [c.customer_id, Object.fromEntries(FACTS.map((f) => [f, c[f] ?? '']))]),
    )
  }
  const counted = { tickets: '1', returns: '1', nps: '9', referrals_direct: '1' }

  beforeAll(() => {
    dir = tempDir('loyals-local-days-')
    db = join(dir, 'w.duckdb')
    const r = runCli(['import', write(dir, 'orders.csv', ORDERS), '--db', db, ...tz])
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    for (const [kind, text] of Object.entries(INPUTS)) {
      importKind(kind, write(dir, `${kind}.csv`, text), ...tz)
    }
  })

  test('a row at 21:00 New York time on the as-of day counts, as the order at that moment does', () => {
    const f = facts()
    expect(f.A).toMatchObject(counted)
    expect(f.B).toMatchObject(counted)
    expect(Number(f.A?.engagement_score)).toBeCloseTo(1, 12)
    expect(Number(f.B?.engagement_score)).toBeCloseTo(1, 12)
    // the same files read the same way again change nothing
    for (const kind of Object.keys(INPUTS)) {
      expect(importKind(kind, join(dir, `${kind}.csv`), ...tz)).toMatch(
        /\(0 new, 0 updated, 2 unchanged\)/,
      )
    }
  })

  test('a referrals file without dates keeps the stored referral dates and days', () => {
    const file = write(dir, 'undated.csv', 'referrer_id,referred_id\nA,Z1\n')
    expect(importKind('referrals', file)).toMatch(/\(0 new, 0 updated, 1 unchanged\)/)
  })

  test('a file read in another time zone again moves its rows to their day there', () => {
    // 02:00 UTC on the 11th: the 11th in UTC, the evening of the 10th in New York
    const file = write(
      dir,
      'late.csv',
      'ticket_id,customer_id,opened_at\nT3,B,2024-03-11T02:00:00Z\n',
    )
    expect(importKind('tickets', file)).toMatch(/1 ticket \(1 new/)
    expect(facts().B?.tickets).toBe('1')
    expect(importKind('tickets', file, ...tz)).toMatch(/1 ticket \(0 new, 1 updated, 0 unchanged\)/)
    expect(facts().B?.tickets).toBe('2')
  })
})
