import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.ts'
import { predictOptions } from './predict-flags.ts'

describe('--margin', () => {
  it('takes a share, and refuses a percentage typed as a number with the share it meant', () => {
    expect(predictOptions({ unit: 'week', margin: '0.3' })).toEqual({ margin: 0.3 })
    expect(() => predictOptions({ unit: 'week', margin: '30' })).toThrow(
      new UsageError(
        '--margin must be the share of spend that is profit, from 0 to 1, e.g. 0.3 (got 30; for 30 % pass 0.3)',
      ),
    )
    expect(() => predictOptions({ unit: 'week', margin: '-0.1' })).toThrow(/got -0.1\)$/)
    expect(() => predictOptions({ unit: 'week', margin: 'abc' })).toThrow(
      '--margin must be the share of spend that is profit, from 0 to 1, got "abc"',
    )
  })
})

describe('numbers of the flags', () => {
  it('are decimal: 0x10 and 0b11 are refused as 52abc is, not read as 16 and 3', () => {
    for (const horizon of ['0x10', '0b11', '0o7', '52abc', '', ' ']) {
      expect(() => predictOptions({ unit: 'week', horizon })).toThrow(
        new UsageError(`--horizon must be a positive number, got ${JSON.stringify(horizon)}`),
      )
    }
    expect(() => predictOptions({ unit: 'week', discountRate: '0x0' })).toThrow(UsageError)
    expect(predictOptions({ unit: 'week', horizon: ' 26 ', discountRate: '.05' })).toEqual({
      horizon: 26,
      annualDiscountRate: 0.05,
    })
    expect(predictOptions({ unit: 'week', horizon: '1e1' })).toEqual({ horizon: 10 })
  })
})
