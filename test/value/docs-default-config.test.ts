// docs/value.md prints "the full default file": copied as it stands, it must configure what `{}`
// does, currency included (a code in a file wins over the orders' own currency).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import { ROOT } from '../helpers/cli.ts'

describe('docs/value.md', () => {
  test('the full default file is what {} gives, and names no currency', () => {
    const doc = readFileSync(join(ROOT, 'docs/value.md'), 'utf8')
    const block = /The full default file[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1]
    if (!block) throw new Error('docs/value.md has no default file block')
    const json = JSON.parse(block) as { currency?: { code?: string } }
    expect(parseValueConfig(json)).toEqual(parseValueConfig({}))
    expect(json.currency?.code).toBeUndefined()
  })
})
