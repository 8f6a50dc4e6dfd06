// The rising-stars model's one-hot levels come from over-index, which labels a missing value
// "(none)": the feature must match the customers without a value, not the text "(none)" (a
// column of zeros for the most common campaign level, customers with no campaign at all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import type { InsightsContext } from '../../src/service/insights/context.ts'
import { NO_VALUE } from '../../src/service/insights/over-index.ts'
import { buildFeatures } from '../../src/service/insights/rising-stars.ts'
import type { OverIndexLevel } from '../../src/service/insights/types.ts'

const level = (attribute: string, name: string, customers: number): OverIndexLevel => ({
  attribute,
  level: name,
  customers,
  topCustomers: 0,
  shareAll: 0,
  shareTop: 0,
  index: 1,
  indexLower: 1,
  indexUpper: 1,
  pValue: 1,
  pHolm: 1,
  qValue: 1,
})

describe('rising-stars one-hot levels', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  it('"(none)" is the customers without a campaign or channel', async () => {
    const ctx = { opts: { earlyDays: 90 }, columns: new Map() } as unknown as InsightsContext
    const features = buildFeatures(
      ctx,
      [
        level('acquisition campaign', NO_VALUE, 900),
        level('acquisition campaign', 'spring', 300),
        level('acquisition channel', NO_VALUE, 50),
        level('acquisition channel', 'ads', 700),
      ],
      [],
    )
    const of = (name: string) => {
      const f = features.find((x) => x.name === name)
      if (!f) throw new Error(`no feature ${name}`)
      return f.sql
    }
    const rows = await engine.query<{ none: number; spring: number; chNone: number; ads: number }>(
      `SELECT ${of(`campaign=${NO_VALUE}`)} AS none, ${of('campaign=spring')} AS spring,
         ${of(`acquired via=${NO_VALUE}`)} AS "chNone", ${of('acquired via=ads')} AS ads
       FROM (VALUES (NULL, 'ads'), ('spring', NULL)) b(campaign, channel)`,
    )
    expect(rows.map((r) => [r.none, r.spring, r.chNone, r.ads].map(Number))).toEqual([
      [1, 0, 0, 1],
      [0, 1, 1, 0],
    ])
  })
  it('the category features are the 12 categories most first orders include', () => {
    // over-index counts a first order by its largest line: Scarves is no largest line but in
    // 300 first orders, Watches the largest line of 100 but in only 110: Scarves is a feature.
    // Categories in fewer first orders than path to best's itemsets need count too (they had
    // been left out, for fewer than 12 features on small data)
    const ctx = { opts: { earlyDays: 90 }, columns: new Map() } as unknown as InsightsContext
    const others = Array.from({ length: 11 }, (_, k) => `C${String(k).padStart(2, '0')}`)
    const features = buildFeatures(
      ctx,
      [
        level('first-purchase category', 'Watches', 100),
        ...others.map((c) => level('first-purchase category', c, 150)),
      ],
      [],
      [
        { level: 'Watches', customers: 110 },
        { level: 'Scarves', customers: 300 },
        ...others.map((c, k) => ({ level: c, customers: k < 6 ? 200 : 3 })),
      ],
    )
    const cats = features
      .filter((f) => f.name.startsWith('first_order_has='))
      .map((f) => f.name.slice('first_order_has='.length))
    expect(cats).toEqual(['Scarves', ...others.slice(0, 6), 'Watches', ...others.slice(6, 10)])
    // without path to best, over-index's counts are used
    const fallback = buildFeatures(ctx, [level('first-purchase category', 'Watches', 100)], [])
    expect(
      fallback.filter((f) => f.name.startsWith('first_order_has=')).map((f) => f.name),
    ).toEqual(['first_order_has=Watches'])
  })
})
