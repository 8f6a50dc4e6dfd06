import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { auc, calibrationTable, liftAtK, precisionAtK, recallAtK, topK } from './ranking.ts'

/** O(n₊n₋) pair count: the definition of AUC, to check the sorted merge. */
function aucByPairs(scores: Float64Array, labels: Uint8Array): number {
  let s = 0
  let pairs = 0
  for (let i = 0; i < scores.length; i++) {
    if (!labels[i]) continue
    for (let j = 0; j < scores.length; j++) {
      if (labels[j]) continue
      pairs++
      s += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0
    }
  }
  return s / pairs
}

describe('auc', () => {
  it('hand example: 3 of 4 pairs ordered', () => {
    // positives 0.35, 0.8; negatives 0.1, 0.4 -> (0.35>0.1) + (0.8>0.1) + (0.8>0.4) = 3 of 4
    expect(auc(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1))).toBe(0.75)
  })
  it('hand example with ties: a tied pair counts one half', () => {
    // pos {0.5, 0.9}, neg {0.5, 0.2}: 0.5 vs 0.5 tie (½), 0.5>0.2, 0.9>0.5, 0.9>0.2 -> 3.5/4
    expect(auc(Float64Array.of(0.5, 0.9, 0.5, 0.2), Uint8Array.of(1, 1, 0, 0))).toBe(0.875)
    expect(auc(Float64Array.of(1, 1, 1, 1), Uint8Array.of(1, 0, 1, 0))).toBe(0.5)
  })
  it('equals the pairwise definition on heavily tied random data', () => {
    const rng = createRng(9)
    const n = 700
    const s = Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * 20))
    const y = Uint8Array.from(s, (v) => (rng.uniform() < 0.1 + v / 30 ? 1 : 0))
    expect(auc(s, y)).toBeCloseTo(aucByPairs(s, y), 12)
  })
  it('rejects a single class', () => {
    expect(() => auc(Float64Array.of(1, 2), Uint8Array.of(1, 1))).toThrow(
      /both positives and negatives/,
    )
  })
})

describe('top-k metrics', () => {
  const s = Float64Array.of(0.9, 0.8, 0.7, 0.7, 0.3, 0.1)
  const y = Uint8Array.of(1, 0, 1, 0, 1, 0)
  it('hand example without ties at the cut', () => {
    expect(precisionAtK(s, y, 2)).toBe(0.5)
    expect(recallAtK(s, y, 2)).toBeCloseTo(1 / 3, 15)
    expect(liftAtK(s, y, 2)).toBe(1)
    expect(precisionAtK(s, y, 1)).toBe(1)
    expect(liftAtK(s, y, 1)).toBe(2)
  })
  it('ties at the cut share the slot pro rata', () => {
    // top 3: 0.9 (pos), 0.8 (neg), then one of two 0.7s (one pos one neg) -> 1.5 expected positives
    const r = topK(s, y, 3)
    expect(r.positives).toBe(1.5)
    expect(r.precision).toBe(0.5)
    expect(r.threshold).toBe(0.7)
  })
  it('rejects k out of range', () => {
    expect(() => topK(s, y, 0)).toThrow(/k must be/)
    expect(() => topK(s, y, 7)).toThrow(/k must be/)
  })
})

describe('calibrationTable', () => {
  it('is calibrated on data drawn from the scores themselves', () => {
    const rng = createRng(4)
    const n = 50_000
    const s = Float64Array.from({ length: n }, () => rng.uniform())
    const y = Uint8Array.from(s, (p) => (rng.uniform() < p ? 1 : 0))
    const t = calibrationTable(s, y)
    expect(t.length).toBe(10)
    for (const b of t) {
      expect(b.n).toBe(5000)
      expect(Math.abs(b.observedRate - b.meanPredicted)).toBeLessThan(0.03)
      expect(b.lower).toBeLessThan(b.observedRate)
    }
    expect(t[0]!.maxScore).toBeLessThan(t[1]!.minScore)
  })
  it('detects miscalibration', () => {
    const s = Float64Array.from({ length: 1000 }, (_, i) => i / 1000)
    const y = new Uint8Array(1000).fill(1, 0, 100) // the lowest scores are the positives
    const t = calibrationTable(s, y, 5)
    expect(t[0]!.observedRate).toBe(0.5)
    expect(t[4]!.observedRate).toBe(0)
  })
})
