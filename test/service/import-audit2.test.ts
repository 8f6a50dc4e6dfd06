// Audit 2 of the value input imports: each return in exactly one owner note, satisfaction words
// listed when a value cannot be read, and JSON array problems located by record.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import type { Engine } from '../../src/data/engine.ts'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, importError, write } from '../import/helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
let engine: Engine
let dir: string

beforeEach(async () => {
  ;({ engine, dir } = await freshWorkspace())
})
afterEach(async () => {
  await engine.close()
})

const load = (kind: string, file: string) => importFile(engine, file, { kind, now: NOW })

describe('returns owner notes', () => {
  test('a return of a known order naming an unknown customer is only in the other-owner note', async () => {
    await load(
      'orders',
      write(
        dir,
        'o.csv',
        'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-01,50\nO2,A,2024-01-02,40\n',
      ),
    )
    await load('customers', write(dir, 'c.csv', 'customer_id,country\nB,DE\n'))
    const r = await load(
      'returns',
      write(
        dir,
        'r.csv',
        'return_id,order_id,customer_id,returned_at,amount,reason\n' +
          'Y5,O999,,2024-02-01,10,x\nY6,O1,B,2024-02-01,10,x\nY7,O2,ZZZ,2024-02-01,10,x\n',
      ),
    )
    // O999: no such order and no customer; O1 names the known B, O2 the unknown ZZZ, both
    // against their order's customer A
    expect(r.unmatched).toEqual({ rows: 1, ownerless: 1, examples: 'O999 (line 2)' })
    expect(r.otherOwner).toEqual({ rows: 2, examples: 'O1 (line 3), O2 (line 4)' })
  })

  test('a return of a missing order naming an unknown customer is still unmatched', async () => {
    await load(
      'orders',
      write(dir, 'o.csv', 'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-01,50\n'),
    )
    const r = await load(
      'returns',
      write(
        dir,
        'r.csv',
        'order_id,customer_id,returned_at,amount\nO8,Q,2024-02-01,5\nO1,,2024-02-01,5\n',
      ),
    )
    // O8 names Q: the return counts toward Q once Q is known
    expect(r.unmatched).toEqual({ rows: 1, ownerless: 1, named: 1, examples: 'O8 (line 2)' })
    expect(r.otherOwner).toEqual({ rows: 0, examples: '' })
  })

  test('orders returned for more than they were paid are said, stored ones counted', async () => {
    await load(
      'orders',
      write(
        dir,
        'o.csv',
        'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-01,100\nO2,A,2024-01-02,40\nO2,A,2024-01-03,-10\nO3,B,2024-01-04,30\n',
      ),
    )
    // O2 paid 40 (its refund row is no payment): 25 returned now, with 20 stored before, is 45
    await load(
      'returns',
      write(dir, 'r0.csv', 'return_id,order_id,returned_at,amount\nR0,O2,2024-01-10,20\n'),
    )
    const r = await load(
      'returns',
      write(
        dir,
        'r.csv',
        'return_id,order_id,returned_at,amount\nR1,O1,2024-02-01,60\nR2,O3,2024-02-01,30\nR3,O2,2024-02-02,25\nR4,O1,2024-02-03,40.01\n',
      ),
    )
    // O1: 100.01 of 100, crossed by R4 (line 5); O3 returned in full is no excess
    expect(r.overReturned).toEqual({
      orders: 2,
      examples:
        'O2 (line 4): 45.00 returned of 40.00 paid, O1 (line 5): 100.01 returned of 100.00 paid',
    })
    expect(await engine.query('SELECT count(*) AS n FROM returns')).toEqual([{ n: 5 }])
    const clean = await load(
      'returns',
      write(dir, 'r2.csv', 'return_id,order_id,returned_at,amount\nR5,O3,2024-03-01,0\n'),
    )
    expect(clean.overReturned).toEqual({ orders: 0, examples: '' })
    expect(describeImport(r)).toContain(
      'note: 2 orders have returns worth more than they were paid (O2 (line 4): 45.00 returned of 40.00 paid, O1 (line 5): 100.01 returned of 100.00 paid)',
    )
  })
})

describe('orders after --as-of', () => {
  test('are counted in words that agree with the number', async () => {
    const body = 'order_id,customer_id,ordered_at,amount\nO1,A,2024-01-01,5\nO2,A,2024-03-01,5\n'
    const r = await importFile(engine, write(dir, 'o.csv', body), {
      kind: 'orders',
      now: NOW,
      asOf: '2024-02-01',
    })
    expect(describeImport(r)).toContain('  1 order after --as-of (kept for holdout)')
  })
})

describe('ticket satisfaction', () => {
  test('an unknown rating word is refused naming the numbers and words accepted', async () => {
    const f = write(
      dir,
      't.csv',
      'ticket_id,customer_id,opened_at,satisfaction\nT1,A,2024-01-01,Good\nT2,A,2024-01-02,Great\n',
    )
    const e = await importError(() => load('tickets', f))
    const [p] = e.problems.map(formatProblem)
    expect(e.problems).toHaveLength(1)
    expect(p).toContain(`${f}:3 satisfaction: cannot read 'Great' as a satisfaction score`)
    expect(p).toContain('a number from 1 to 5')
    for (const w of [
      'Good',
      'Bad',
      'Satisfied',
      'Dissatisfied',
      'Offered',
      'N/A',
      'read as 5',
      'read as 1',
      'no rating',
    ]) {
      expect(p).toContain(w)
    }
  })

  test('the accepted words still read as before', async () => {
    const r = await load(
      'tickets',
      write(
        dir,
        't.csv',
        'ticket_id,customer_id,opened_at,satisfaction\nT1,A,2024-01-01,Good\nT2,A,2024-01-02,bad with comment\nT3,A,2024-01-03,Offered\nT4,A,2024-01-04,4\n',
      ),
    )
    expect(r.rowsStored).toBe(4)
    expect(await engine.query('SELECT ticket_id, satisfaction FROM tickets ORDER BY 1')).toEqual([
      { ticket_id: 'T1', satisfaction: 5 },
      { ticket_id: 'T2', satisfaction: 1 },
      { ticket_id: 'T3', satisfaction: null },
      { ticket_id: 'T4', satisfaction: 4 },
    ])
  })
})

describe('JSON array locations', () => {
  test('a problem in a one-line JSON array names the record, not a file line', async () => {
    const f = write(
      dir,
      'r.json',
      '[{"referrer_id":"A","referred_id":"Q","referred_at":"2024-05-01"},{"referrer_id":"A","referred_id":null}]',
    )
    const e = await importError(() => load('referrals', f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f} record 2 referred_id: empty value: referred_id is required`,
    ])
    expect(e.problems[0]).toMatchObject({ line: 2, record: true })
  })

  test('JSON lines keep their file:line', async () => {
    const f = write(
      dir,
      'r.jsonl',
      '{"referrer_id":"A","referred_id":"Q","referred_at":"2024-05-01"}\n{"referrer_id":"A","referred_id":null}\n',
    )
    const e = await importError(() => load('referrals', f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:2 referred_id: empty value: referred_id is required`,
    ])
  })
})
