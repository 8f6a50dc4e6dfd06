// A customer id `.` or `..` imported from a file, but the API could never reach or erase that
// customer (a URL path takes those as steps): in every kind that names a customer it is a bad row.
import { describe, expect, it } from 'vitest'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const reason = (id: string): string =>
  `a customer id of '${id}' cannot be named in a URL path (the API's GET and DELETE /v1/customers/{id} would never reach the customer, not even to erase them): give the customer another id`

// each kind: its header, then a row with a customer id of X in the column named last
const KINDS: readonly [string, string, string, string][] = [
  ['orders', 'order_id,customer_id,ordered_at,amount', 'O1,X,2024-01-02,10', 'customer_id'],
  ['customers', 'customer_id,country', 'X,DE', 'customer_id'],
  [
    'returns',
    'return_id,order_id,customer_id,returned_at,amount',
    'R1,O1,X,2024-01-10,4',
    'customer_id',
  ],
  [
    'tickets',
    'ticket_id,customer_id,opened_at,resolved_at,channel,handling_minutes,satisfaction',
    'T1,X,2024-01-01,,email,,',
    'customer_id',
  ],
  ['surveys', 'customer_id,responded_at,nps', 'X,2024-01-05,9', 'customer_id'],
  ['engagement', 'customer_id,occurred_at,event', 'X,2024-01-05,email_open', 'customer_id'],
  ['referrals', 'referrer,referred,date', 'X,B,2024-01-05', 'referrer'],
  ['referrals', 'referrer,referred,date', 'A,X,2024-01-05', 'referred'],
]

describe('a customer id of . or ..', () => {
  it('is a bad row in every kind that names a customer', async () => {
    for (const [kind, header, row, column] of KINDS) {
      for (const id of ['.', '..']) {
        const { engine, dir } = await freshWorkspace()
        try {
          const f = write(dir, `${kind}.csv`, `${header}\n${row.replace('X', id)}\n`)
          const e = await importError(() => importFile(engine, f, { kind, now: NOW }))
          expect(e.problems.map(formatProblem), `${kind} ${column} ${id}`).toEqual([
            `${f}:2 ${column}: ${reason(id)}`,
          ])
        } finally {
          await engine.close()
        }
      }
    }
  })

  it('is an id like any other when more than dots', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const f = write(
        dir,
        'o.csv',
        'order_id,customer_id,ordered_at,amount\nO1,...,2024-01-02,10\nO2,.a,2024-01-02,10\n',
      )
      expect(await importFile(engine, f, { kind: 'orders', now: NOW })).toMatchObject({
        inserted: 2,
      })
    } finally {
      await engine.close()
    }
  })
})
