// The weighted holdout figures (histories with weights) are those of validation.holdoutMetrics
// over the expanded customers, an empty frequency bucket included: no mean (null), not 0.
import { describe, expect, it } from 'vitest'
import { holdoutMetrics } from '../core/validation.ts'
import { weightedHoldoutMetrics } from './predict.ts'

describe('weightedHoldoutMetrics', () => {
  it('equals holdoutMetrics over the expanded rows, an empty bucket null', () => {
    // three rows of two histories: x 0 (weight 2) and x 1 (weight 1); predictions per history
    const rows = {
      rowHist: Int32Array.from([0, 1, 0]),
      rowX: Float64Array.from([0, 1, 0]),
      rowXStar: Float64Array.from([1, 2, 0]),
      rowW: Float64Array.from([2, 1, 1]),
    }
    const predicted = Float64Array.from([0.5, 1.5])
    const m = weightedHoldoutMetrics(
      rows as Parameters<typeof weightedHoldoutMetrics>[0],
      predicted,
    )
    const expanded = holdoutMetrics([0.5, 0.5, 1.5, 0.5], [1, 1, 2, 0], [0, 0, 1, 0])
    expect(m.totalPredicted).toBeCloseTo(expanded.totalPredicted, 12)
    expect(m.mae).toBeCloseTo(expanded.mae, 12)
    expect(m.byFrequency).toEqual(expanded.byFrequency)
    expect(m.byFrequency[2]).toEqual({
      frequency: '2',
      customers: 0,
      predicted: null,
      actual: null,
    })
  })
})
