// docs/models.md's worked example says which horizon it is over, and its figures are scoreClv's
// over that horizon and over scoreClv's default: the table, labelled "12 months", held only for
// 365.25/7 weeks, while scoreClv's default of 52 weeks gives 1.4905 and $15.65.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scoreClv } from '../../src/core/clv.ts'
import { ROOT } from '../helpers/cli.ts'

const doc = readFileSync(join(ROOT, 'docs/models.md'), 'utf8').replace(/\s+/g, ' ')
const m = { model: 'bgnbd' as const, params: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 } }
const h = { x: [2], tx: [30.43], T: [38.86] }

/** A table row's discounted purchases and CLV, as printed. */
function row(label: string): [number, number] {
  const found = new RegExp(
    `\\| ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| ([\\d.]+) \\| \\$([\\d.]+) \\|`,
  ).exec(doc)
  if (!found) throw new Error(`no row ${label} in docs/models.md`)
  return [Number(found[1]), Number(found[2])]
}

describe('the worked example of docs/models.md', () => {
  it('names its horizon, 365.25/7 weeks, and its table is scoreClv over it', () => {
    expect(doc.includes('horizon: 365.25 / 7 })'), 'the example names its horizon').toBe(true)
    const steps = scoreClv(m, h, 35, { margin: 0.3, horizon: 365.25 / 7 })
    const continuous = scoreClv(m, h, 35, {
      margin: 0.3,
      horizon: 365.25 / 7,
      method: 'continuous',
    })
    expect(row('**ours, weekly steps**, each week discounted at its end')).toEqual([
      Number(steps.discountedPurchases[0]!.toFixed(4)),
      Number(steps.value[0]!.toFixed(2)),
    ])
    expect(row('continuous discounting')).toEqual([
      Number(continuous.discountedPurchases[0]!.toFixed(4)),
      Number(continuous.value[0]!.toFixed(2)),
    ])
    expect(row('no discounting: E[X(52.18)]')[0]).toBe(
      Number(steps.expectedPurchases[0]!.toFixed(4)),
    )
  })

  it("gives scoreClv's figures over its default horizon of 52 weeks", () => {
    const r = scoreClv(m, h, 35, { margin: 0.3 })
    expect(r.horizon).toBe(52)
    const dp = r.discountedPurchases[0]!.toFixed(4)
    const value = r.value[0]!.toFixed(2)
    expect([dp, value]).toEqual(['1.4905', '15.65'])
    expect(doc.includes(`weekly steps give ${dp} discounted purchases and $${value}`)).toBe(true)
  })
})
