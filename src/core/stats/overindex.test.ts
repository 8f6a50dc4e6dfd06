import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { overIndex } from './overindex.ts'
import { fisherExact } from './proportion.ts'

describe('overIndex', () => {
  it('hand example: shares, index and the 2×2 test', () => {
    // 10 customers, 4 best; region codes: north (0) x5, south (1) x4, missing x1
    const codes = Int32Array.of(0, 0, 0, 0, 1, 0, 1, 1, 1, -1)
    const best = Uint8Array.of(1, 1, 1, 0, 0, 0, 0, 0, 0, 1)
    const rows = overIndex([{ name: 'region', codes, labels: ['north', 'south'] }], best)
    const north = rows.find((r) => r.label === 'north')!
    // known region: 9 customers, 3 best (the missing one is excluded); north 5 of 9, 3 of 3 best
    expect(north.countAll).toBe(5)
    expect(north.countBest).toBe(3)
    expect(north.shareBest).toBe(1)
    expect(north.index).toBeCloseTo((100 * 1) / (5 / 9), 12)
    expect(north.pValue).toBeCloseTo(fisherExact(3, 0, 2, 4).pValue, 14)
    const south = rows.find((r) => r.label === 'south')!
    expect(south.index).toBe(0)
    expect(north.pHolm).toBeGreaterThanOrEqual(north.pValue)
  })

  it('finds a region where the best are three times as common, and nothing in a null attribute', () => {
    const rng = createRng(31)
    const n = 20_000
    const region = new Int32Array(n)
    const channel = new Int32Array(n)
    const best = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      region[i] = Math.floor(rng.uniform() * 8)
      channel[i] = Math.floor(rng.uniform() * 5)
      best[i] = rng.uniform() < (region[i] === 3 ? 0.24 : 0.08) ? 1 : 0
    }
    const rows = overIndex(
      [
        { name: 'region', codes: region, labels: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'] },
        { name: 'channel', codes: channel, labels: ['web', 'store', 'app', 'phone', 'market'] },
      ],
      best,
    )
    expect(rows.length).toBe(13)
    const r3 = rows.find((r) => r.label === 'r3')!
    expect(r3.index).toBeGreaterThan(200)
    expect(r3.indexLower).toBeGreaterThan(180)
    expect(r3.pHolm).toBeLessThan(1e-6)
    for (const r of rows.filter((x) => x.attribute === 'channel')) {
      // Holm (FWER): BH is rightly more liberal here, since every region level truly differs
      expect(r.pHolm).toBeGreaterThan(0.05)
      expect(Math.abs(r.index - 100)).toBeLessThan(15)
    }
    const chi = overIndex(
      [{ name: 'region', codes: region, labels: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'] }],
      best,
      {
        test: 'chisquare',
      },
    )
    expect(chi.find((r) => r.label === 'r3')!.pValue).toBeLessThan(1e-6)
  })

  it('rejects mismatched input', () => {
    expect(() =>
      overIndex([{ name: 'x', codes: Int32Array.of(0), labels: ['a'] }], Uint8Array.of(1, 0)),
    ).toThrow(/length/)
    expect(() =>
      overIndex([{ name: 'x', codes: Int32Array.of(0, 2), labels: ['a'] }], Uint8Array.of(1, 0)),
    ).toThrow(/label/)
  })
})
