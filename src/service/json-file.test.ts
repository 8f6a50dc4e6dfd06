import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataError, UsageError } from '../errors.ts'
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
