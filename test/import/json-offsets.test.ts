// A time with an offset is that instant in every JSON shape. An array of records, a wrapper's list
// and records over several lines are read through a copy, where DuckDB's type detection turned
// "2024-03-09T23:30:00Z" into a UTC clock time without its offset, then read as a local time in
// --tz: the same orders landed on other days than as JSON lines.
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, write } from './helpers.ts'

// one offset form in the whole column (a mix was read as text, and right)
const RECORDS = [
  { customer_id: 'A', created_at: '2024-03-09T23:30:00+02:00', amount: 10 },
  { customer_id: 'B', created_at: '2024-03-09T20:29:00+02:00', amount: 5 },
  { customer_id: 'C', created_at: '2024-03-09T01:00:00+02:00', amount: 7 },
]
const WANT = {
  A: '2024-03-09T21:30:00.000Z',
  B: '2024-03-09T18:29:00.000Z',
  C: '2024-03-08T23:00:00.000Z',
}

describe('JSON times with an offset', () => {
  const shapes: [string, string][] = [
    ['lines.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n')],
    ['array.json', `[\n${RECORDS.map((r) => ` ${JSON.stringify(r)}`).join(',\n')}\n]\n`],
    ['wrapped.json', JSON.stringify({ orders: RECORDS }, null, 2)],
    ['pretty.json', RECORDS.map((r) => JSON.stringify(r, null, 2)).join('\n')],
  ]
  for (const [name, text] of shapes) {
    it(`${name}: stored as the instants they name, under --tz Asia/Tokyo`, async () => {
      const { engine, dir } = await freshWorkspace()
      try {
        await importFile(engine, write(dir, name, text), { kind: 'orders', tz: 'Asia/Tokyo' })
        const rows = await engine.query<{ customer_id: string; at: string }>(
          "SELECT customer_id, strftime(ordered_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.000Z') AS at FROM orders ORDER BY customer_id",
        )
        expect(Object.fromEntries(rows.map((r) => [r.customer_id, r.at]))).toEqual(WANT)
      } finally {
        await engine.close()
      }
    })
  }
})
