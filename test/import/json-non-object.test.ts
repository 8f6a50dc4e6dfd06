// A JSON lines record that is not an object (a line `42` or `[]`) was reported as missing
// columns "(found: json)": the file's one JSON column as DuckDB reads such a file. The error
// names the line and what it holds, and nothing is stored. Such a line, and one giving a key twice,
// is a bad row as a line that does not parse is: --skip-bad-rows leaves it out, into the rejects.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem, ImportError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { duplicateKey } from '../../src/service/import/json-non-object.ts'
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
  ])('%s is a bad row named by its line; --skip-bad-rows leaves it out', async (line, what) => {
    const dir = tempDir('loyals-json-nonobject-')
    const f = write(dir, 'orders.jsonl', `${A}\n\n${line}\n${C}\n`)
    const engine = await openWorkspace(':memory:')
    const reason = `the record is ${what}, not an object: every line of a JSON lines file is one object of fields ({"customer_id": ..., ...})`
    try {
      await importFile(engine, write(dir, 'first.jsonl', `${A}\n`), { kind: 'orders', now: NOW })
      const e = await importFile(engine, f, { kind: 'orders', now: NOW }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(ImportError)
      expect((e as ImportError).problems.map(formatProblem)).toEqual([`${f}:3: ${reason}`])
      expect(await engine.query('SELECT customer_id FROM orders')).toEqual([{ customer_id: 'A' }])
      const rejects = join(dir, 'rejects.csv')
      const r = await importFile(engine, f, {
        kind: 'orders',
        now: NOW,
        skipBadRows: true,
        rejects,
      })
      expect(r.rejected).toBe(1)
      expect(await engine.query('SELECT customer_id FROM orders ORDER BY customer_id')).toEqual([
        { customer_id: 'A' },
        { customer_id: 'C' },
      ])
      const written = readFileSync(rejects, 'utf8')
      expect(written).toContain(`,3,"${reason.replaceAll('"', '""')}",`)
      // compressed alike
      const gz = join(dir, 'orders.jsonl.gz')
      writeFileSync(gz, gzipSync(`${A}\n${line}\n`))
      const z = await importFile(engine, gz, { kind: 'orders', now: NOW }).catch((x: unknown) => x)
      expect((z as ImportError).problems.map(formatProblem)).toEqual([`${gz}:2: ${reason}`])
      // a file of no record at all is refused whole, naming the first line
      const none = write(dir, 'none.jsonl', `42\n${line}\n`)
      await expect(importFile(engine, none, { kind: 'orders', now: NOW })).rejects.toThrow(
        `${none}:1: ${reason.replace(what, 'a number (42)')}. Fix or remove the line; nothing was imported.`,
      )
    } finally {
      await engine.close()
    }
  })
})

describe('a JSON lines record with a key given twice', () => {
  test('is a bad row named by its line and field, past blank lines', async () => {
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
      expect(await engine.query('SELECT count(*) AS n FROM orders')).toEqual([{ n: 0 }])
      const r = await importFile(engine, f, { kind: 'orders', now: NOW, skipBadRows: true })
      expect(r.rejected).toBe(1)
      expect(await engine.query('SELECT customer_id FROM orders ORDER BY customer_id')).toEqual([
        { customer_id: 'A' },
        { customer_id: 'C' },
      ])
      expect(readFileSync(`${f}.rejects.csv`, 'utf8')).toContain(
        ',3,amount: the record gives amount twice: keep one,',
      )
    } finally {
      await engine.close()
    }
  })

  test('inside a nested object is named by its flattened column', async () => {
    const dir = tempDir('loyals-json-dupkey-')
    const dup = '{"customer_id":"B","ordered_at":"2024-01-02","amount":6,"x":{"a":1,"a":2}}'
    const f = write(dir, 'dup.jsonl', `${A}\n${dup}\n`)
    const engine = await openWorkspace(':memory:')
    try {
      const e = await importFile(engine, f, { kind: 'orders', now: NOW }).catch((x: unknown) => x)
      expect((e as ImportError).problems.map(formatProblem)).toEqual([
        `${f}:2 x.a: the record gives x.a twice: keep one`,
      ])
    } finally {
      await engine.close()
    }
  })
})

describe('duplicateKey', () => {
  test.each([
    ['{"a":1,"b":2}', null],
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1},"c":{"b":2}}', null],
    ['{"a":{"b":1,"b":2}}', 'a.b'],
    ['{"l":[{"k":1},{"k":2}]}', null],
    ['{"l":[{"k":1,"k":2}]}', 'l.k'],
    ['{"s":"a\\"b:","s2":"\\"","t":{"s":1}}', null],
    ['{"q":"x", "q" : 1}', 'q'],
    ['{"\\u0061":1,"a":2}', 'a'],
  ])('%s -> %s', (text, want) => {
    expect(JSON.parse(text)).toBeTypeOf('object')
    expect(duplicateKey(text)).toBe(want)
  })
})
