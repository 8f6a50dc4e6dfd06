import { describe, expect, it } from 'vitest'
import { VERSION } from './index.ts'

describe('package', () => {
  it('exposes a semver version', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
