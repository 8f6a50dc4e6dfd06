// Measures that have nothing to measure say so: a survey table with no NPS (or CES) answer gives
// no NPS table but a note, and the cohorts' average curve has no figure for a month no cohort has
// reached (unobserved, not zero retention), as docs/insights.md says.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { InsightsSummary } from '../../src/service/insights/types.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

describe('measures with nothing to measure', () => {
  it('CSAT-only surveys: NPS and CES null with notes; unreached months null in the averages', () => {
    const dir = tempDir('loyals-unobserved-')
    const db = join(dir, 'w.duckdb')
    const orders = write(
      dir,
      'orders.csv',
      [
        'customer_id,ordered_at,amount',
        'A,2023-12-05,50',
        'A,2024-02-10,40',
        'B,2023-12-20,30',
        'C,2024-03-01,20',
        'C,2024-05-02,25',
        'D,2024-04-15,60',
      ].join('\n'),
    )
    const csat = write(
      dir,
      'csat.csv',
      'response_id,customer_id,responded_at,csat\nZ1,A,2024-03-01,4\nZ2,B,2024-03-01,5\n',
    )
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    expect(runCli(['import', csat, '--kind', 'surveys', '--db', db]).code).toBe(0)
    // tickets, all opened after the as-of date: none to measure then
    const tickets = write(
      dir,
      'tickets.csv',
      'ticket_id,customer_id,opened_at,resolved_at\nT1,A,2024-07-02,2024-07-03\n',
    )
    expect(runCli(['import', tickets, '--kind', 'tickets', '--db', db]).code).toBe(0)
    const r = runCli([
      'insights',
      db,
      '--as-of',
      '2024-06-30',
      '--min-history-days',
      '30',
      '--no-predictions',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as InsightsSummary
    expect(s.kpis.nps).toBeNull()
    expect(s.kpis.ces).toBeNull()
    expect(s.notes).toContain(
      'The surveys hold no NPS answer on or before 2024-06-30: NPS by segment is skipped.',
    )
    expect(s.notes).toContain(
      'The surveys hold no CES answer on or before 2024-06-30: CES by segment is skipped.',
    )
    expect(s.kpis.ticketResolution).toBeNull()
    expect(s.notes).toContain(
      'The tickets hold none opened on or before 2024-06-30: ticket resolution is skipped.',
    )
    // the oldest cohort (2023-12) is observed in months 0-6 (to June 2024), no cohort after that
    const avg = s.kpis.retention.averageCustomers
    expect(avg.slice(0, 7).every((v) => typeof v === 'number')).toBe(true)
    expect(avg.slice(7).every((v) => v === null)).toBe(true)
    expect(s.kpis.retention.averageRevenue.slice(7).every((v) => v === null)).toBe(true)
    // month 2 of the December cohort: A bought in February, B did not
    expect(s.kpis.retention.customers[2]).toBe(0.5)
  })

  it('the month of --as-of is unobserved until its last day: no half month read as a whole', () => {
    const dir = tempDir('loyals-partial-month-')
    const db = join(dir, 'w.duckdb')
    const orders = write(
      dir,
      'orders.csv',
      [
        'customer_id,ordered_at,amount',
        'A,2024-01-05,50',
        'A,2024-02-10,40',
        'B,2024-01-20,30',
        'B,2024-02-25,35',
        'C,2024-01-08,20',
      ].join('\n'),
    )
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    const run = (asOf: string) => {
      const r = runCli([
        'insights',
        db,
        '--as-of',
        asOf,
        '--min-history-days',
        '1',
        '--no-predictions',
        '--json',
      ])
      expect(r.code, r.stderr).toBe(0)
      return (JSON.parse(r.stdout) as InsightsSummary).kpis.retention
    }
    // as of Feb 15, A's February purchase is in but B's is not: February is not yet a month
    const mid = run('2024-02-15')
    expect(mid.customers.slice(0, 2)).toEqual([1, null])
    expect(mid.averageCustomers[1]).toBeNull()
    // as of Feb 29 (its last day) February is whole: 2 of the 3 January customers bought again
    const end = run('2024-02-29')
    expect(end.customers.slice(0, 2)).toEqual([1, 2 / 3])
    expect(end.averageCustomers[1]).toBeCloseTo(2 / 3, 12)
  })

  it('answers from people without a purchase are named in a note, not dropped in silence', () => {
    const dir = tempDir('loyals-outsiders-')
    const db = join(dir, 'w.duckdb')
    const orders = write(
      dir,
      'orders.csv',
      [
        'order_id,customer_id,ordered_at,amount',
        'o1,A,2024-01-05,50',
        'o2,A,2024-02-10,40',
        'o3,B,2024-01-20,30',
        // P's only order is refunded in full: no customer of the analysis
        'o4,P,2024-01-22,35',
        'o4,P,2024-01-25,-35',
      ].join('\n'),
    )
    const surveys = write(
      dir,
      'surveys.csv',
      [
        'response_id,customer_id,responded_at,nps,ces',
        'R1,A,2024-03-01,10,',
        'R2,P,2024-03-01,2,2',
        'R3,X,2024-03-02,9,3',
        'R4,B,2024-03-03,9,',
      ].join('\n'),
    )
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    expect(runCli(['import', surveys, '--kind', 'surveys', '--db', db]).code).toBe(0)
    const args = ['insights', db, '--min-history-days', '0', '--no-predictions', '--json']
    const r = runCli([...args, '--as-of', '2024-06-30'])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as InsightsSummary
    // A's and B's promoter answers are counted; P's and X's are not and the note says so
    const all = s.kpis.nps?.find((g) => g.kind === 'all')
    expect(all).toMatchObject({ n: 2, value: 100 })
    // two answers alike are no certainty of 100: the adjusted interval (Rocks 2016) is wide,
    // not "100 100-100"; p+ = 2.75/5, p- = 0.75/5 about 100 × 0.4
    const se = 100 * Math.sqrt((0.55 + 0.15 - 0.4 ** 2) / 5)
    expect(all?.lower).toBeCloseTo(40 - 1.959963984540054 * se, 9)
    expect(all?.upper).toBe(100)
    expect(s.notes).toContain(
      '2 of the 4 NPS answers on or before 2024-06-30 are from people without a purchase kept by then (none, or all refunded), so no segment holds them: NPS of all customers and by segment leaves them out.',
    )
    // every CES answer is an outsider's: skipped, and not said to be missing
    expect(s.kpis.ces).toBeNull()
    expect(s.notes).toContain(
      "The surveys' 2 CES answers on or before 2024-06-30 are all from people without a purchase kept by then (none, or all refunded), so no segment holds them: CES of all customers and by segment is skipped.",
    )
    expect(s.notes.join(' ')).not.toContain('hold no CES answer')
    // the terminal: one customer in the top cohort holds, not hold
    const t = runCli(args.filter((x) => x !== '--json').concat('--as-of', '2024-06-30'))
    expect(t.stdout).toMatch(/Top cohort: 1 customer \(.*\) holds \d/)
  })
})
