// A date column whose header names its zone (Stripe's `Created (UTC)`) is read in that zone, not
// in --tz: `2024-01-20 04:40:00` under `Created (UTC)` with --tz America/Los_Angeles was read as
// 04:40 in Los Angeles (an order of 20 January) instead of 04:40 UTC (19 January there).
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { headerNamesUtc } from '../../src/service/import/validate.ts'
import { importNotes } from '../../src/service/source.ts'
import { freshWorkspace, write } from './helpers.ts'

const now = new Date('2024-08-01T00:00:00Z')

describe('a header that names UTC', () => {
  // a bad row sends the file down the validating path
  it.each([
    ['the fast path', false],
    ['the validating path', true],
  ] as const)('wins over --tz for times without an offset, in %s', async (_path, bad) => {
    const { engine, dir } = await freshWorkspace()
    try {
      const lines = [
        'id,Customer ID,Created (UTC),Amount,Currency',
        'O1,cus_1,2024-01-20 04:40:00,10.00,usd',
        'O2,cus_2,2024-01-10 12:00:00+01:00,20.00,usd',
        ...(bad ? ['O3,cus_3,x,1,usd'] : []),
      ]
      const file = write(dir, 'stripe.csv', lines.join('\n'))
      const r = await importFile(engine, file, {
        kind: 'orders',
        now,
        tz: 'America/Los_Angeles',
        ...(bad ? { skipBadRows: true } : {}),
      })
      expect(r.rowsStored).toBe(2)
      expect(r.utcColumns).toEqual(['Created (UTC)'])
      expect(importNotes(r).join('\n')).toContain(
        'Created (UTC) names UTC as its zone, so its times without an offset were read as UTC, not in the --tz zone',
      )
      const at = await engine.query<{ t: string; d: string }>(
        'SELECT CAST(ordered_at AS VARCHAR) AS t, CAST(order_date AS VARCHAR) AS d FROM orders ORDER BY order_id',
      )
      // 04:40 UTC is 20:40 on the 19th in Los Angeles; an offset is the instant it says
      expect(at).toEqual([
        { t: '2024-01-20 04:40:00', d: '2024-01-19' },
        { t: '2024-01-10 11:00:00', d: '2024-01-10' },
      ])
    } finally {
      await engine.close()
    }
  })

  it('in a date shape too; a header without a zone stays in --tz, and UTC itself needs no note', async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const shaped = write(
        dir,
        'shaped.csv',
        'customer_id,Order Date (GMT),amount\nA,20/01/2024 04:40,1\nB,13/01/2024 10:00,2\n',
      )
      const r = await importFile(engine, shaped, { kind: 'orders', now, tz: 'America/New_York' })
      expect(r.dateShape?.format).toBe('%d/%m/%Y %H:%M')
      expect(r.utcColumns).toEqual(['Order Date (GMT)'])
      const plain = write(dir, 'plain.csv', 'customer_id,Order Date,amount\nC,2024-01-20 04:40,1\n')
      const p = await importFile(engine, plain, { kind: 'orders', now, tz: 'America/New_York' })
      expect(p.utcColumns).toBeUndefined()
      const utc = write(dir, 'utc.csv', 'customer_id,created_utc,amount\nD,2024-01-20 04:40,1\n')
      expect((await importFile(engine, utc, { kind: 'orders', now, tz: 'UTC' })).utcColumns).toBe(
        undefined,
      )
      const days = await engine.query<{ c: string; d: string }>(
        'SELECT customer_id AS c, CAST(order_date AS VARCHAR) AS d FROM orders ORDER BY c',
      )
      expect(days).toEqual([
        { c: 'A', d: '2024-01-19' },
        { c: 'B', d: '2024-01-13' },
        { c: 'C', d: '2024-01-20' },
        { c: 'D', d: '2024-01-20' },
      ])
    } finally {
      await engine.close()
    }
  })

  // a date names a calendar day: read as midnight UTC it fell on the day before west of UTC (the
  // holdout boundary moved with it)
  it.each([
    ['ISO dates', 'Order Date (UTC)', ['2024-06-01', '2024-07-01'], {}],
    ['ISO dates beside a bad row', 'Order Date (UTC)', ['2024-06-01', '2024-07-01', 'x'], {}],
    [
      'a --date-format of days',
      'created_utc',
      ['01/06/2024', '01/07/2024'],
      { dateFormat: '%d/%m/%Y' },
    ],
    ['a date shape of days', 'Date GMT', ['25/06/2024', '01/07/2024'], {}],
  ] as const)(
    'keeps the day of a date without a time of day: %s',
    async (_what, header, values, extra) => {
      const { engine, dir } = await freshWorkspace()
      try {
        const rows = values.map((v, i) => `A${i},${v},${i + 1}`)
        const file = write(dir, 'days.csv', [`customer_id,${header},amount`, ...rows].join('\n'))
        await importFile(engine, file, {
          kind: 'orders',
          now,
          tz: 'America/New_York',
          ...((values as readonly string[]).includes('x') ? { skipBadRows: true } : {}),
          ...extra,
        })
        const days = await engine.query<{ d: string }>(
          'SELECT CAST(order_date AS VARCHAR) AS d FROM orders ORDER BY customer_id',
        )
        const want = values
          .filter((v) => v !== 'x')
          .map((v) => (v.includes('/') ? `${v.slice(6)}-${v.slice(3, 5)}-${v.slice(0, 2)}` : v))
        expect(days.map((r) => r.d)).toEqual(want)
      } finally {
        await engine.close()
      }
    },
  )

  it('is UTC or GMT as a word or a suffix, not an offset from it', () => {
    for (const h of [
      'Created (UTC)',
      'Order Date GMT',
      'created_utc',
      'CreatedUTC',
      'Date (utc)',
    ]) {
      expect(headerNamesUtc(h), h).toBe(true)
    }
    for (const h of ['Created', 'Date (UTC+2)', 'GMT-5 time', 'Utcdate', 'outcome date']) {
      expect(headerNamesUtc(h), h).toBe(false)
    }
  })
})
