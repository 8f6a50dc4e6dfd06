// A JSON lines field that holds a list or an object on some lines (the column then reads as JSON)
// gave that value's JSON text as an id: a customer ["B","C"], an order {"id":5}. Lists and objects
// are no field's value (README): such a row is bad, named by line, field and what it holds;
// nothing of the file is stored, and --skip-bad-rows leaves the row out into the rejects.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { importError, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')

describe('a list or an object given as an id in JSON lines', () => {
  test('is a bad row; --skip-bad-rows stores the others', async () => {
    const dir = tempDir('loyals-json-nested-ids-')
    const f = write(
      dir,
      'orders.jsonl',
      [
        '{"order_id":"1","customer_id":"A","ordered_at":"2024-01-01","amount":10}',
        '{"order_id":"2","customer_id":["B","C"],"ordered_at":"2024-01-02","amount":20}',
        '{"order_id":{"id":5},"customer_id":"F","ordered_at":"2024-01-05","amount":8}',
        // a string that merely starts with a bracket is an id like any other
        '{"order_id":"4","customer_id":"[G]","ordered_at":"2024-01-06","amount":3}',
      ].join('\n'),
    )
    const engine = await openWorkspace(':memory:')
    try {
      const e = await importError(() => importFile(engine, f, { kind: 'orders', now: NOW }))
      expect(e.problems.map(formatProblem)).toEqual([
        `${f}:2 customer_id: a list (["B","C"]) is no customer_id: a row names one`,
        `${f}:3 order_id: an object ({"id":5}) is no order_id: a row names one`,
      ])
      expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual([{ n: 0 }])
      const rejects = join(dir, 'rejects.csv')
      const r = await importFile(engine, f, {
        kind: 'orders',
        now: NOW,
        skipBadRows: true,
        rejects,
      })
      expect(r.rejected).toBe(2)
      expect(
        await engine.query('SELECT customer_id, order_id FROM orders ORDER BY customer_id'),
      ).toEqual([
        { customer_id: 'A', order_id: '1' },
        { customer_id: '[G]', order_id: '4' },
      ])
      expect(readFileSync(rejects, 'utf8')).toContain('is no customer_id')
    } finally {
      await engine.close()
    }
  })
})
