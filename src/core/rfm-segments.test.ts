import { describe, expect, it } from 'vitest'
import {
  assignSegment,
  DEFAULT_RFM_RULES,
  fmScore,
  RfmRulesSchema,
  rfmSegmentCaseSql,
} from './rfm-segments.ts'

const NAMES = [
  'Champions',
  'Loyal',
  'Potential loyalist',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  'At risk',
  'Cannot lose them',
  'Hibernating',
  'Lost',
]

describe('default RFM segment map', () => {
  it('has the eleven named segments', () => {
    expect(DEFAULT_RFM_RULES.rules.map((r) => r.name).sort()).toEqual([...NAMES].sort())
  })

  it('partitions the R x FM grid: every cell matches, every segment owns a cell', () => {
    const seen = new Set<string>()
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const s = assignSegment(r, f, m)
          expect(s).not.toBe(DEFAULT_RFM_RULES.fallback)
          seen.add(s)
        }
      }
    }
    expect([...seen].sort()).toEqual([...NAMES].sort())
  })

  it('assigns the corners by hand', () => {
    expect(assignSegment(5, 5, 5)).toBe('Champions')
    expect(assignSegment(1, 1, 1)).toBe('Lost')
    expect(assignSegment(1, 5, 5)).toBe('Cannot lose them')
    expect(assignSegment(5, 1, 1)).toBe('New')
    expect(assignSegment(4, 1, 1)).toBe('Promising')
    expect(assignSegment(3, 1, 1)).toBe('About to sleep')
    expect(assignSegment(3, 2, 2)).toBe('Need attention')
    expect(assignSegment(2, 1, 3)).toBe('Hibernating') // fm = 2
    expect(assignSegment(2, 3, 3)).toBe('At risk')
    expect(assignSegment(3, 5, 1)).toBe('Loyal') // fm = 3
    expect(assignSegment(5, 1, 3)).toBe('Potential loyalist') // fm = 2
  })

  it('rounds the FM score half up', () => {
    expect(fmScore(1, 1)).toBe(1)
    expect(fmScore(1, 2)).toBe(2)
    expect(fmScore(4, 5)).toBe(5)
    expect(fmScore(1, 5)).toBe(3)
  })
})

describe('custom rules', () => {
  it('first matching rule wins, unmatched customers get the fallback', () => {
    const rules = RfmRulesSchema.parse({
      rules: [
        { name: 'Whales', m: [5, 5] },
        { name: 'Fresh', r: [5, 5] },
      ],
      fallback: 'Rest',
    })
    expect(assignSegment(5, 1, 5, rules)).toBe('Whales')
    expect(assignSegment(5, 1, 4, rules)).toBe('Fresh')
    expect(assignSegment(4, 1, 4, rules)).toBe('Rest')
  })

  it('rejects ranges outside 1-5 or reversed', () => {
    expect(RfmRulesSchema.safeParse({ rules: [{ name: 'x', r: [0, 5] }] }).success).toBe(false)
    expect(RfmRulesSchema.safeParse({ rules: [{ name: 'x', f: [4, 2] }] }).success).toBe(false)
    expect(RfmRulesSchema.safeParse({ rules: [] }).success).toBe(false)
    expect(RfmRulesSchema.parse({ rules: [{ name: 'x' }] }).fallback).toBe('Other')
  })

  it('a segment may span several rules, with one description', () => {
    const spans = RfmRulesSchema.safeParse({
      rules: [
        { name: 'A', r: [4, 5], description: 'recent or old' },
        { name: 'A', r: [1, 1], description: 'recent or old' },
        { name: 'B' },
      ],
    })
    expect(spans.success).toBe(true)
    const two = RfmRulesSchema.safeParse({
      rules: [
        { name: 'A', r: [4, 5], description: 'first A' },
        { name: 'A', r: [1, 3], description: 'second A' },
      ],
    })
    expect(two.success).toBe(false)
    expect(two.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'rules.1.description',
        'rules[1] is named "A" as rules[0] is, with another description: one segment has one description (give both rules the same one, or the segments two names)',
      ],
    ])
  })

  it('compiles to a CASE with quoted names', () => {
    const sql = rfmSegmentCaseSql({ rules: [{ name: "O'Brien", r: [2, 3] }], fallback: 'z' })
    expect(sql).toBe("CASE WHEN r_score BETWEEN 2 AND 3 THEN 'O''Brien' ELSE 'z' END")
  })
})
