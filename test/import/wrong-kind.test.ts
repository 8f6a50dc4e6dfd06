// A file imported as the wrong kind is told the kind it looks like: `import orders.csv --kind
// returns` advised `--map returned_at=ordered_at`, which stored each order as a return; tickets
// imported as surveys were asked for a response date; orders imported as order lines were stored
// as lines of no product; `--kind order` was refused without naming `orders`.
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { parseKind } from '../../src/service/import/columns.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, importError, write } from './helpers.ts'

const FILES = {
  orders: 'order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-02,10\n',
  tickets:
    'ticket_id,customer_id,opened_at,resolved_at,channel,satisfaction\nT1,C1,2024-01-02 10:00,2024-01-02 11:00,chat,4\n',
  customers: 'customer_id,signup date,country\nC1,2024-01-01,DE\n',
} as const

describe('a file imported as another kind than it holds', () => {
  it('is told the kind it looks like, not a --map of the column it lacks', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const cases: [keyof typeof FILES, string, string][] = [
        ['orders', 'returns', 'This looks like orders (one row per order), not returns'],
        ['orders', 'referrals', 'not referrals: import it with --kind orders.'],
        ['orders', 'engagement', 'not engagement events: import it with --kind orders.'],
        ['orders', 'tickets', 'not tickets: import it with --kind orders.'],
        ['orders', 'surveys', 'not survey responses: import it with --kind orders.'],
        [
          'orders',
          'order-lines',
          'This looks like orders (one row per order: a customer and an order date, no product), not order lines: import it with --kind orders.',
        ],
        [
          'tickets',
          'surveys',
          'This looks like tickets (one row per support ticket), not survey responses: import it with --kind tickets.',
        ],
        ['tickets', 'returns', 'not returns: import it with --kind tickets.'],
        ['tickets', 'customers', 'not customers: import it with --kind tickets.'],
        [
          'customers',
          'tickets',
          'This looks like a customers file (one row per customer), not tickets: import it with --kind customers.',
        ],
      ]
      for (const [holds, kind, said] of cases) {
        const file = write(dir, `${holds}.csv`, FILES[holds])
        const e = await importError(() => importFile(engine, file, { kind }))
        expect(e.message, `${holds} as ${kind}`).toContain(said)
        expect(e.message, `${holds} as ${kind}`).not.toContain('--map')
      }
      const stored = await engine.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_lines) AS n',
      )
      expect(Number(stored[0]?.n)).toBe(0)
    } finally {
      await engine.close()
    }
  })

  it('a data row holding a column name (a channel `email`) is not taken for the header', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const cases: [string, string, string][] = [
        [
          'ticket_id,customer_id,opened_at,channel\nT1,A,2024-03-01,email\n',
          'customers',
          'This looks like tickets (one row per support ticket), not customers: import it with --kind tickets.',
        ],
        [
          'order_id,customer_id,ordered_at,amount,channel\nO1,A,2024-03-01,100,email\n',
          'customers',
          'This looks like an orders file (order id, order date and amount on each row), not customers: import it with --kind orders.',
        ],
        [
          'foo,bar,baz\n1,2024-03-01,email\n',
          'customers',
          'missing required column customer_id (found: foo, bar, baz)',
        ],
      ]
      for (const [text, kind, said] of cases) {
        const file = write(dir, 'f.csv', text)
        const e = await importError(() => importFile(engine, file, { kind }))
        expect(e.message, text).toContain(said)
        expect(e.message, text).not.toContain('not a header')
      }
    } finally {
      await engine.close()
    }
  })

  it('a kind written in the singular or otherwise is named', () => {
    for (const [given, meant] of [
      ['order', 'orders'],
      ['order_line', 'order-lines'],
      ['Survey', 'surveys'],
      ['oders', 'orders'], // a typo
      ['refferals', 'referrals'],
      ['tikets', 'tickets'],
    ]) {
      expect(() => parseKind(given)).toThrow(UsageError)
      expect(() => parseKind(given)).toThrow(
        `unknown kind '${given}' (--kind; kind in the library) (did you mean ${meant}?)`,
      )
    }
    expect(() => parseKind('invoices')).toThrow(
      /unknown kind 'invoices' \(--kind; kind in the library\): use one of/,
    )
  })
})
