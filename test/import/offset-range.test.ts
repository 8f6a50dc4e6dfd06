// A UTC offset no clock keeps (+99:99, -23:59, +25) is a bad row naming it: the engine's cast took
// any two digits and moved such an order by up to four days with no word. Real offsets at the
// ends of the range (-12:00, +14:00) and with minutes (+05:45 Nepal, -0330 Newfoundland) are read.
import { describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { ImportError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01')
const REASON = 'is none a clock keeps (offsets run from -12:00 to +14:00, with minutes below 60)'

describe('UTC offsets', () => {
  test('out of range is a bad row; at the ends of the range and with minutes it is read', async () => {
    const dir = tempDir('loyals-offsets-')
    const engine = await openWorkspace(':memory:')
    try {
      const bad = write(
        dir,
        'bad.csv',
        'customer_id,order_id,ordered_at,amount\n' +
          'c1,o1,2024-01-05 10:00:00 +99:99,10\n' +
          'c1,o2,2024-01-05T10:00:00+14:30,10\n' +
          'c1,o3,2024-01-05T10:00:00-23:59,10\n' +
          'c1,o4,2024-01-05T10:00+25,10\n' +
          'c1,o5,2024-01-05T10:00:00+0560,10\n',
      )
      const e = (await importFile(engine, bad, { kind: 'orders', now: NOW }).catch(
        (x) => x,
      )) as ImportError
      expect(e).toBeInstanceOf(ImportError)
      expect(e.problems.map((p) => [p.line, p.reason])).toEqual(
        [
          ['+99:99', '2024-01-05 10:00:00 +99:99'],
          ['+14:30', '2024-01-05T10:00:00+14:30'],
          ['-23:59', '2024-01-05T10:00:00-23:59'],
          ['+25', '2024-01-05T10:00+25'],
          ['+0560', '2024-01-05T10:00:00+0560'],
        ].map(([o, v], i) => [
          i + 2,
          `cannot read '${v}' as a date: the UTC offset ${o} ${REASON}`,
        ]),
      )
      const good = write(
        dir,
        'good.csv',
        'customer_id,order_id,ordered_at,amount\n' +
          'c1,g1,2024-01-05T10:00:00+14:00,10\n' +
          'c1,g2,2024-01-05T10:00:00-12:00,10\n' +
          'c1,g3,2024-01-05T10:00:00+05:45,10\n' +
          'c1,g4,2024-01-05 10:00 -0330,10\n' +
          'c1,g5,2024-01-05,10\n',
      )
      await importFile(engine, good, { kind: 'orders', now: NOW })
      const rows = await engine.query<{ order_id: string; at: string }>(
        "SELECT order_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at FROM orders ORDER BY order_id",
      )
      expect(rows).toEqual([
        { order_id: 'g1', at: '2024-01-04 20:00' },
        { order_id: 'g2', at: '2024-01-05 22:00' },
        { order_id: 'g3', at: '2024-01-05 04:15' },
        { order_id: 'g4', at: '2024-01-05 13:30' },
        { order_id: 'g5', at: '2024-01-05 00:00' },
      ])
    } finally {
      await engine.close()
    }
  })
})
