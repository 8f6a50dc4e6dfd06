import { describe, expect, test } from 'vitest'
import { lookUpTyped, normalizeCustomerId } from './customer-id.ts'

describe('normalizeCustomerId', () => {
  test('spells an id as the importer stores it', () => {
    expect(normalizeCustomerId(' Ann@X.com ')).toBe('ann@x.com')
    expect(normalizeCustomerId('13085.0')).toBe('13085')
    expect(normalizeCustomerId('C-13085.0')).toBe('C-13085.0')
    expect(normalizeCustomerId('Ju\u0308rgen')).toBe('J\u00fcrgen')
    expect(normalizeCustomerId('J\u00fcrgen@Example.DE')).toBe('j\u00fcrgen@example.de')
    // not an email: the case is the id's own, an @ in it or not
    expect(normalizeCustomerId('AbC')).toBe('AbC')
    expect(normalizeCustomerId('Store@1')).toBe('Store@1')
    expect(normalizeCustomerId('@SUM(A1)')).toBe('@SUM(A1)')
    expect(normalizeCustomerId('Ann Lee@X.com')).toBe('Ann Lee@X.com')
    // Excel's text formula keeping leading zeros is the text inside it
    expect(normalizeCustomerId('="007"')).toBe('007')
    expect(normalizeCustomerId('="Ann@X.com"')).toBe('ann@x.com')
    expect(normalizeCustomerId('="a"b"')).toBe('="a"b"')
  })
})

describe('lookUpTyped', () => {
  const table = new Map([
    ['ann@x.com', 'Ann'],
    ['Old@Spelling.com', 'kept as stored before ids were normalized'],
  ])
  const look = async (id: string) => table.get(id) ?? null
  const found = (a: string | null) => a !== null

  test('finds an id as given before its normalized spelling', async () => {
    expect(await lookUpTyped('Old@Spelling.com', look, found)).toEqual({
      id: 'Old@Spelling.com',
      answer: 'kept as stored before ids were normalized',
    })
  })

  test('falls back to the spelling the importer stores', async () => {
    expect(await lookUpTyped(' Ann@X.com ', look, found)).toEqual({
      id: 'ann@x.com',
      answer: 'Ann',
    })
  })

  test('with neither found, answers for the id as given and looks once when the spellings agree', async () => {
    const seen: string[] = []
    const spy = async (id: string) => {
      seen.push(id)
      return look(id)
    }
    expect(await lookUpTyped('Nobody@X.com', spy, found)).toEqual({
      id: 'Nobody@X.com',
      answer: null,
    })
    expect(await lookUpTyped('c1', spy, found)).toEqual({ id: 'c1', answer: null })
    expect(seen).toEqual(['Nobody@X.com', 'nobody@x.com', 'c1'])
  })
})
