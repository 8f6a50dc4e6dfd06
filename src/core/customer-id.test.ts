import { describe, expect, test } from 'vitest'
import { normalizeCustomerId } from './customer-id.ts'

describe('normalizeCustomerId', () => {
  test('spells an id as the importer stores it', () => {
    expect(normalizeCustomerId(' Ann@X.com ')).toBe('ann@x.com')
    expect(normalizeCustomerId('13085.0')).toBe('13085')
    expect(normalizeCustomerId('C-13085.0')).toBe('C-13085.0')
    expect(normalizeCustomerId('Ju\u0308rgen')).toBe('J\u00fcrgen')
    expect(normalizeCustomerId('J\u00fcrgen@Example.DE')).toBe('j\u00fcrgen@example.de')
    // not an email: the case is the id's own
    expect(normalizeCustomerId('AbC')).toBe('AbC')
  })
})
