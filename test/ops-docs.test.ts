// Checks that need node:* and so cannot live beside the pure core: the documented example
// configuration parses, and the pure-TS SHA-256 agrees with node:crypto.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkOpsTierNames, parseOpsConfig } from '../src/core/ops/config.ts'
import { sha256Hex } from '../src/core/ops/sha256.ts'
import { createRng } from '../src/core/random.ts'
import { DEFAULT_VALUE_CONFIG } from '../src/core/value/config.ts'

describe('docs/operations.md', () => {
  it('has a full example loyals.ops.json that parses and names known tiers', () => {
    const md = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8')
    const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!)
    expect(blocks).toHaveLength(1)
    const ops = parseOpsConfig(JSON.parse(blocks[0]!))
    expect(ops.playbooks.map((p) => p.trigger.type).sort()).toEqual(
      [
        'anniversary',
        'best_at_risk',
        'first_order',
        'milestone',
        'next_purchase_due',
        'onboarding',
        'referral_made',
        'review_posted',
        'survey_answered',
        'tier_down',
        'tier_up',
      ].sort(),
    )
    expect(Object.keys(ops).sort()).toEqual(
      ['contactBudget', 'goals', 'holdout', 'playbooks', 'serviceRank'].sort(),
    )
    expect(() =>
      checkOpsTierNames(
        ops,
        DEFAULT_VALUE_CONFIG.tiers.levels.map((l) => l.name),
      ),
    ).not.toThrow()
  })
})

describe('sha256 against node:crypto', () => {
  it('agrees on 2,000 random strings of 0-300 UTF-16 units, astral and lone surrogates included', () => {
    const rng = createRng(7)
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(rng.uniform() * 300)
      let s = ''
      for (let j = 0; j < n; j++) {
        const u = rng.uniform()
        s +=
          u < 0.6
            ? String.fromCharCode(32 + Math.floor(rng.uniform() * 95))
            : u < 0.8
              ? String.fromCharCode(0x80 + Math.floor(rng.uniform() * 0xd780))
              : u < 0.95
                ? String.fromCodePoint(0x10000 + Math.floor(rng.uniform() * 0xfffff))
                : String.fromCharCode(0xd800 + Math.floor(rng.uniform() * 0x800))
      }
      // node:crypto encodes lone surrogates as U+FFFD, as utf8Bytes does.
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'))
    }
  })
})
