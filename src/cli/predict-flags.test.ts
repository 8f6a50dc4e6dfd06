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
