// k of the rising-stars validation (precision and lift at k): top share × n rounded, a half up.
// 0.29 × 50 is 14.499999999999998 in binary and was rounded to 14 (QA: --top-share 0.29).
import { describe, expect, it } from 'vitest'
import { validationK } from '../../src/service/insights/rising-stars.ts'

describe('validationK', () => {
  it('rounds a half up as decimals write the product', () => {
    expect(0.29 * 50).toBeLessThan(14.5)
    expect(validationK(0.29, 50)).toBe(15)
    expect(validationK(0.35, 90)).toBe(32) // 31.5
    expect(validationK(0.1, 49)).toBe(5) // 4.9
    expect(validationK(0.1, 44)).toBe(4) // 4.4
  })
  it('is at least 1 and at most n', () => {
    expect(validationK(0.01, 10)).toBe(1)
    expect(validationK(0.999, 3)).toBe(3)
  })
})
