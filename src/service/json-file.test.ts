import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.ts'
import { parseJsonText, readJsonFile } from './json-file.ts'

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
    // V8 gives no position for an unexpected token: the file and the token, not a wrong line
    expect(thrown(() => parseJsonText('{"a": x}', 'c.json', 'x')).message).toBe(
      "c.json: the x is not valid JSON: Unexpected token 'x'",
    )
    expect(parseJsonText('{"a": [1]}', 'c.json', 'x')).toEqual({ a: [1] })
  })

  it('say a file that cannot be read, by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyals-json-'))
    await expect(readJsonFile(join(dir, 'none.json'), 'value configuration')).rejects.toThrow(
      /^cannot read the value configuration .*none\.json: ENOENT/,
    )
    writeFileSync(join(dir, 'ok.json'), '{"tiers": {}}')
    expect(await readJsonFile(join(dir, 'ok.json'), 'x')).toEqual({ tiers: {} })
  })
})
