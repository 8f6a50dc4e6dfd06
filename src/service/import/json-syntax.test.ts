import { describe, expect, test } from 'vitest'
import { JsonSyntaxScanner } from './json-syntax.ts'

const scan = (text: string, chunk = 3) => {
  const s = new JsonSyntaxScanner()
  const bytes = Buffer.from(text, 'utf8')
  // fed in small pieces: a string, an escape, a number or a key may be cut anywhere
  for (let i = 0; i < bytes.length && s.feed(bytes.subarray(i, i + chunk)); i += chunk);
  return s.end()
}

describe('JsonSyntaxScanner', () => {
  test('valid JSON lines, documents, arrays and pages have no error', () => {
    for (const text of [
      '{"a": 1}\n{"a": -2.5e3, "b": [true, false, null]}\n',
      '{\n  "a": "x\\"}\\u00e9é",\n  "b": {}\n}\n{\n}\n',
      '[\n  {"a": 1},\n  {"a": []}\n]',
      '{"orders": [{"a": 1}, {"a": 2}], "has_more": false}',
    ]) {
      expect(scan(text), text).toBeNull()
      expect(scan(text, 1), text).toBeNull()
    }
  })

  test('names the line and character of the error, and the record it is in', () => {
    const pretty = '{\n  "a": 1\n}\n{\n  "a": 2,\n  "b": 3,,\n}\n'
    expect(scan(pretty)).toMatchObject({
      line: 6,
      column: 10,
      reason: "',' where a field name in double quotes was expected (a comma too many?)",
      document: { n: 2, line: 4 },
    })
    const array = '[\n  {"a": 1},\n  {"a": 2 "b": 3}\n]'
    expect(scan(array, 1)).toMatchObject({
      line: 3,
      column: 11,
      reason: "'\"' where ',' or '}' was expected (a comma missing?)",
      element: { n: 2, line: 3 },
    })
    // the records of a page are counted across its documents, list by list
    const pages = '{"orders": [{"a": 1}]}\n{"meta": [{}], "orders": [\n {"a": 2},\n {"a": tru}]}'
    expect(scan(pages)).toMatchObject({
      line: 4,
      column: 8,
      reason: '\'tru\' is no value (a number, a "string", true, false or null)',
      list: { field: 'orders', n: 3, line: 4 },
      keys: ['meta', 'orders'],
    })
  })

  test('a string left open, a bad escape and a file cut short', () => {
    expect(scan('{"a": "x\n}')).toMatchObject({
      line: 1,
      reason: expect.stringMatching(/^a string runs past/),
    })
    expect(scan('{"a": "\\x"}')).toMatchObject({ line: 1, column: 9 })
    expect(scan('[\n{"a": 1},\n{"a": [2')).toMatchObject({
      line: 3,
      reason: 'the file ends before the record is closed (missing ]}])',
    })
  })
})
