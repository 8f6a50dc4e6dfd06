import { describe, expect, test } from 'vitest'
import { type RecordLayout, RecordLineScanner } from './json-record-lines.ts'

const starts = (text: string, layout: RecordLayout, chunk = 3): number[] => {
  const s = new RecordLineScanner(layout)
  const bytes = Buffer.from(text, 'utf8')
  // fed in small pieces: a string, an escape or a key may be cut anywhere
  for (let i = 0; i < bytes.length; i += chunk) s.feed(bytes.subarray(i, i + chunk))
  return s.starts
}

describe('RecordLineScanner', () => {
  test('finds the line each record of a pretty-printed array opens on', () => {
    const text = `[\n  {\n    "id": "a{[",\n    "n": {"x": [1, {"y": 2}]}\n  },\n  {"id": "b\\"}\\n"},\n\n  {\n "id": "c"}\n]\n`
    expect(starts(text, { kind: 'array' })).toEqual([2, 6, 8])
    expect(starts(text, { kind: 'array' }, 1)).toEqual([2, 6, 8])
  })

  test('counts documents, each over several lines', () => {
    expect(starts('{\n"a": 1\n}\n{"a": {"b": 2}}\n\n{\n}', { kind: 'documents' })).toEqual([
      1, 4, 6,
    ])
  })

  test('counts the records of the named list only, in every document', () => {
    const text =
      '{"meta": [{"x": 1}],\n "orders": [\n  {"id": 1, "lines": [{"sku": "s"}]},\n  {"id": 2}\n ],\n "ordersX": [{"id": 9}]}\n' +
      '{"orders":\n [{"id": 3}]}\n'
    expect(starts(text, { kind: 'list', field: 'orders' })).toEqual([3, 4, 8])
  })
})
