// `loyals customer ID` shows what the customer told the company beside their NPS: the latest CES
// and CSAT answers, the satisfaction of their rated tickets and the latest survey comment, as known
// at the as-of date (null in --json when there is none), through the built CLI.
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const ORDERS = `order_id,customer_id,ordered_at,amount
1,A,2024-01-01,100
2,A,2024-03-10,50
3,B,2024-02-01,80
`
// A's ticket T4 and the answer of 2024-04-01 come after the as-of date: not known yet
const TICKETS = `ticket_id,customer_id,opened_at,handling_minutes,satisfaction
T1,A,2024-01-05,10,4
T2,A,2024-02-05,10,5
T3,A,2024-02-06,10,
T4,A,2024-04-02,10,1
`
const SURVEYS = `customer,date,nps,ces,csat,comment
A,2024-02-01,8,5,4,"Good
service"
A,2024-03-01,,6,,"Late
\x1b[31mdelivery"
A,2024-04-01,2,1,1,after the as-of date
`

describe('loyals customer: CES, CSAT, ticket satisfaction and the latest comment', () => {
  let db: string
  const args = (id: string, ...more: string[]) => [
    'customer',
    id,
    '--db',
    db,
    '--no-predictions',
    '--as-of',
    '2024-03-15',
    ...more,
  ]
  beforeAll(() => {
    const dir = tempDir('loyals-value-feedback-')
    db = join(dir, 'w.duckdb')
    for (const [kind, content] of [
      ['orders', ORDERS],
      ['tickets', TICKETS],
      ['surveys', SURVEYS],
    ] as const) {
      const r = runCli(['import', write(dir, `${kind}.csv`, content), '--kind', kind, '--db', db])
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    }
  })

  test('--json: typed figures as of the date, the latest of each answer', () => {
    const r = runCli(args('A', '--json'))
    // the as-of is 5 days after the last order: said once, as analyze says it
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /^warning: The as-of date 2024-03-15 is 5 days after the last order[^\n]*\n$/,
    )
    expect(JSON.parse(r.stdout).service).toEqual({
      tickets: 3,
      ticketMinutes: 30,
      returns: 0,
      nps: 8,
      ces: 6,
      csat: 4,
      ticketSatisfaction: 4.5,
      ticketsRated: 2,
      comment: { text: 'Late\n\x1b[31mdelivery', date: '2024-03-01' },
      engagementScore: null,
      engagementPercentile: null,
    })
    const b = JSON.parse(runCli(args('B', '--json')).stdout).service
    expect(b).toMatchObject({
      nps: null,
      ces: null,
      csat: null,
      ticketSatisfaction: null,
      ticketsRated: 0,
      comment: null,
    })
  })

  test('the terminal says them, the comment on one line with its control characters escaped', () => {
    const r = runCli(args('A'))
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'ticket satisfaction 4.5 of 5 (2 rated tickets), latest NPS answer 8, latest CES 6 of 7, latest CSAT 4 of 5.',
    )
    expect(r.stdout).toContain('Latest comment (2024-03-01): "Late \\x1b[31mdelivery"')
    expect(r.stdout).not.toContain('\x1b')
    expect(runCli(args('B')).stdout).not.toMatch(/CES|CSAT|satisfaction|comment/)
  })
})
