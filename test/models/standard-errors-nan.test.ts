// FitResult.standardErrors is typed number, and at the shared-dropout limit a and b have none: the
// type's doc says so (NaN, null in JSON), where only the note did.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { ROOT } from '../helpers/cli.ts'

describe('standard errors a fit does not have', () => {
  it('are NaN at the shared-dropout limit, with their intervals, and null in JSON', () => {
    const f = bgnbd.fit(compressHistories([1, 2, 0, 3], [1, 2, 0, 3], [5, 6, 7, 8]))
    expect(f.note).toMatch(/a and b ran off together/)
    expect([f.standardErrors.a, f.standardErrors.b]).toEqual([Number.NaN, Number.NaN])
    expect(f.confidenceIntervals.a).toEqual([Number.NaN, Number.NaN])
    expect(Number.isFinite(f.standardErrors.r) && Number.isFinite(f.standardErrors.alpha)).toBe(
      true,
    )
    const json = JSON.parse(JSON.stringify(f))
    expect([json.standardErrors.a, json.confidenceIntervals.b]).toEqual([null, [null, null]])
  })

  it('the FitResult type says so where a library user reads it', () => {
    const types = readFileSync(join(ROOT, 'src/core/models/types.ts'), 'utf8')
    const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*readonly standardErrors/.exec(types)?.[1] ?? ''
    expect(doc).toMatch(/NaN \(null in JSON\)/)
    expect(types).toMatch(/shared-dropout[\s\S]*Number\.isFinite/)
  })
})
