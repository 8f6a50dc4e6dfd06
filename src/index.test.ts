import { describe, expect, it } from 'vitest'
import * as errors from './errors.ts'
import * as lib from './index.ts'

describe('package', () => {
  it('exposes a semver version', () => {
    expect(lib.VERSION).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('exports every error class a call can throw, so callers can test instanceof', () => {
    const classes = Object.entries(errors).filter(
      ([, v]) => typeof v === 'function' && v.prototype instanceof Error,
    )
    expect(classes.length).toBeGreaterThan(5)
    for (const [name, cls] of classes) {
      expect((lib as Record<string, unknown>)[name], name).toBe(cls)
    }
    expect(new lib.StoreUnreachableError('SELECT 1', 'refused')).toBeInstanceOf(lib.QueryError)
  })
})
