import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseOpsConfig } from '../core/ops/config.ts'
import { parseValueConfig } from '../core/value/config.ts'
import { DataError, UsageError } from '../errors.ts'
import { loadJsonConfig, parseJsonText, readJsonFile } from './json-file.ts'
import { loadRfmRules } from './rfm.ts'

const thrown = (f: () => unknown): UsageError => {
  try {
    f()
  } catch (e) {
    if (e instanceof UsageError) return e
    throw e
  }
  throw new Error('no error')
}

describe('JSON configuration files', () => {
  it('name the line and column where the syntax breaks', () => {
    const trailing = '{\n  "costs": {\n    "perReturn": 10,\n  }\n}'
    expect(thrown(() => parseJsonText(trailing, 'c.json', 'value configuration')).message).toBe(
      'c.json:4:3: the value configuration is not valid JSON: Expected double-quoted property name',
    )
    expect(thrown(() => parseJsonText('{"a": 1', 'c.json', 'RFM rules file')).message).toBe(
      "c.json:1:8: the RFM rules file is not valid JSON: Expected ',' or '}' after property value",
    )
    expect(thrown(() => parseJsonText('{"a":\n', 'c.json', 'x')).message).toBe(
      'c.json:2:1: the x is not valid JSON: Unexpected end of JSON input',
    )
    // V8 gives no position for an unexpected token: found where the text stops being JSON
    expect(thrown(() => parseJsonText('{"a": x}', 'c.json', 'x')).message).toBe(
      "c.json:1:7: the x is not valid JSON: Unexpected token 'x'",
    )
    // and its quote of the text, cut with "..." in a long file, is left out
    const nan = `{\n  "costs": {\n    "perTicketMinute": 1,\n    "perReturn": NaN\n  }\n}\n`
    expect(thrown(() => parseJsonText(nan, 'c.json', 'value configuration')).message).toBe(
      "c.json:4:18: the value configuration is not valid JSON: Unexpected token 'N'",
    )
    expect(thrown(() => parseJsonText('// rates\n{"a": 1}', 'c.json', 'x')).message).toBe(
      "c.json:1:1: the x is not valid JSON: Unexpected token '/'",
    )
    expect(parseJsonText('{"a": [1]}', 'c.json', 'x')).toEqual({ a: [1] })
  })

  it('refuse a key given twice in one object, at the second (JSON.parse keeps the last)', () => {
    const twice = '{\n  "costs": { "perTicketMinute": 1 },\n  "costs": { "perTicketMinute": 2 }\n}'
    expect(thrown(() => parseJsonText(twice, 'v.json', 'value configuration')).message).toBe(
      'v.json:3:3: the value configuration gives the key costs twice in one object (JSON keeps only the last): give it once',
    )
    const inner = '{"tiers": {"levels": [{"name": "A", "name": "B"}]}}'
    expect(thrown(() => parseJsonText(inner, 'v.json', 'x')).message).toMatch(
      /^v\.json:1:37: the x gives the key tiers\.levels\.name twice/,
    )
    // the same key in two objects is no repeat
    expect(parseJsonText('[{"a": 1}, {"a": 2}]', 'v.json', 'x')).toEqual([{ a: 1 }, { a: 2 }])
  })

  it('drop a leading byte-order mark (Notepad, PowerShell 5), counting columns without it', () => {
    expect(parseJsonText('\uFEFF{"a": 1}', 'c.json', 'x')).toEqual({ a: 1 })
    expect(thrown(() => parseJsonText('\uFEFF{"a" 1}', 'c.json', 'x')).message).toBe(
      "c.json:1:6: the x is not valid JSON: Expected ':' after property name",
    )
  })

  it('say a file that cannot be read, by name, and a missing one as a missing data file is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyals-json-'))
    const none = readJsonFile(join(dir, 'none.json'), 'value configuration')
    await expect(none).rejects.toThrow(
      /^cannot read the value configuration .*none\.json: no such file$/,
    )
    await expect(none).rejects.toBeInstanceOf(DataError)
    mkdirSync(join(dir, 'sub'))
    const sub = readJsonFile(join(dir, 'sub'), 'RFM rules file')
    await expect(sub).rejects.toThrow(
      /^cannot read the RFM rules file .*sub: it is a directory, not a file$/,
    )
    await expect(sub).rejects.toBeInstanceOf(DataError)
    writeFileSync(join(dir, 'bom.json'), '\uFEFF{"tiers": {}}')
    expect(await readJsonFile(join(dir, 'bom.json'), 'x')).toEqual({ tiers: {} })
    writeFileSync(join(dir, 'ok.json'), '{"tiers": {}}')
    expect(await readJsonFile(join(dir, 'ok.json'), 'x')).toEqual({ tiers: {} })
  })
})

describe("a configuration's schema problems", () => {
  const dir = mkdtempSync(join(tmpdir(), 'loyals-json-config-'))
  const failure = async (p: Promise<unknown>): Promise<UsageError> => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    )
    if (!(e instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(e)}`)
    return e
  }

  it('are each said at their line, a key the schema does not know at its own', async () => {
    const rules = join(dir, 'rules.json')
    // a BOM before it: the lines are the editor's
    writeFileSync(
      rules,
      '\uFEFF{\n  "rules": [\n    { "name": "A",\n      "r": [4, 5],\n      "F": [1, 2] },\n    { "name": "B", "r": [1, 9] }\n  ]\n}\n',
    )
    const e = await failure(loadRfmRules(rules))
    expect(e.message).toBe(
      `invalid RFM rules in ${rules}:\n  ${rules}:5 rules[0]: Unrecognized key: "F"\n  ${rules}:6 rules[1].r[1]: Too big: expected number to be <=5`,
    )
    const issues = (e.details?.issues ?? []) as { line: number }[]
    expect(issues.map((i) => i.line)).toEqual([5, 6])
    const value = join(dir, 'value.json')
    writeFileSync(value, '{\n  "referrals": {\n    "maxDepth": 2,\n    "decay": 1.5\n  }\n}\n')
    expect((await failure(loadJsonConfig(value, 'v', parseValueConfig, 'bad'))).message).toBe(
      `bad:\n  ${value}:4 referrals.decay: Too big: expected number to be <=1`,
    )
    const ops = join(dir, 'ops.json')
    writeFileSync(
      ops,
      '{\n  "contactBudget": {\n    "overall": [\n      { "days": 0, "max": 3 }\n    ]\n  }\n}\n',
    )
    expect((await failure(loadJsonConfig(ops, 'o', parseOpsConfig, 'bad'))).message).toBe(
      `bad:\n  ${ops}:4 contactBudget.overall[0].days: Too small: expected number to be >0`,
    )
  })
})
