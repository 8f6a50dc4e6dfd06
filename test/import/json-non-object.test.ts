// A JSON lines record that is not an object (a line `42` or `[]`) was reported as missing
// columns "(found: json)": the file's one JSON column as DuckDB reads such a file. The error
// names the line and what it holds, and nothing is stored.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem, ImportError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const A = '{"customer_id":"A","ordered_at":"2024-01-01","amount":5}'
const C = '{"customer_id":"C","ordered_at":"2024-01-02","amount":7}'

describe('a JSON lines record that is not an object', () => {
  test.each([
    ['42', 'a number (42)'],
    ['[]', 'a list ([])'],
    ['"oops"', 'text ("oops")'],
  ])('%s is named by its line, with or without --skip-bad-rows', async (line, what) => {
    const dir = tempDir('loyals-json-nonobject-')
    const f = write(dir, 'orders.jsonl', `${A}\n\n${line}\n${C}\n`)
    const engine = await openWorkspace(':memory:')
    try {
      await importFile(engine, write(dir, 'first.jsonl', `${A}\n`), { kind: 'orders', now: NOW })
      for (const skipBadRows of [false, true]) {
        const e = await importFile(engine, f, { kind: 'orders', now: NOW, skipBadRows }).catch(
          (x: unknown) => x,
        )
        expect(e).toBeInstanceOf(ImportError)
        expect((e as ImportError).problems.map(formatProblem)).toEqual([
          `${f}:3: the record is ${what}, not an object: every line of a JSON lines file is one object of fields ({"customer_id": ..., ...})`,
        ])
      }
      expect(await engine.query('SELECT customer_id FROM orders')).toEqual([{ customer_id: 'A' }])
      // compressed alike
      const gz = join(dir, 'orders.jsonl.gz')
      writeFileSync(gz, gzipSync(`${A}\n${line}\n`))
      await expect(importFile(engine, gz, { kind: 'orders', now: NOW })).rejects.toThrow(
        new RegExp(`orders\\.jsonl\\.gz:2: the record is ${what.replace(/[()[\]]/g, '\\$&')}`),
      )
    } finally {
      await engine.close()
    }
  })
})

describe('a JSON lines record with a key given twice', () => {
  test('is named by its line and field, past blank lines', async () => {
    const dir = tempDir('loyals-json-dupkey-')
    const dup = '{"customer_id":"B","ordered_at":"2024-01-02","amount":6,"amount":7}'
    const f = write(dir, 'dup.jsonl', `\n${A}\n${dup}\n${C}\n`)
    const engine = await openWorkspace(':memory:')
    try {
      const e = await importFile(engine, f, { kind: 'orders', now: NOW }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(ImportError)
      expect((e as ImportError).problems.map(formatProblem)).toEqual([
        `${f}:3 amount: the record gives amount twice: keep one`,
      ])
    } finally {
      await engine.close()
    }
  })
})
