import { describe, expect, it } from 'vitest'
import { jsonPathLine } from './json-path-line.ts'

const RULES = `{
  "rules": [
    { "name": "A",
      "r": [4, 5],
      "F": [1, 2] },
    {
      "name": "B",
      "description": "x, \\"quoted\\" [not a list]"
    }
  ],
  "other": { "deep": { "key": true } }
}`

describe('jsonPathLine', () => {
  it.each([
    [[], 1],
    [['rules'], 2],
    [['rules', 0], 3],
    [['rules', 0, 'name'], 3],
    [['rules', 0, 'r'], 4],
    [['rules', 0, 'r', 1], 4],
    [['rules', 0, 'F'], 5],
    [['rules', 1], 6],
    [['rules', 1, 'description'], 8],
    [['other', 'deep', 'key'], 11],
    // past what the text holds: its deepest part that is there
    [['rules', 1, 'fm'], 6],
    [['rules', 7], 2],
    [['missing'], 1],
    [['other', 'deep', 'nope'], 11],
  ] as const)('%j is on line %i', (path, line) => {
    expect(jsonPathLine(RULES, path)).toBe(line)
  })

  it('counts from the first line that holds the value (a leading blank line)', () => {
    expect(jsonPathLine('\n\n{"a": 1}', [])).toBe(3)
    expect(jsonPathLine('\n\n{"a": 1}', ['b'])).toBe(3)
    expect(jsonPathLine('{"a": [\n1,\n"x]",\n{"b": 2}\n]}', ['a', 2, 'b'])).toBe(4)
  })
})
