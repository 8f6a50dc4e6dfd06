import { describe, expect, it } from 'vitest'
import { QueryError } from '../errors.ts'
import { badTextPath, storeErrorLine } from './app.ts'

describe('badTextPath', () => {
  it('names the first NUL or half surrogate pair, array indices in brackets', () => {
    expect(badTextPath({ a: [{ b: 'ok' }, { b: 'x\u0000' }] })).toEqual({
      path: 'a[1].b',
      reason: 'contains a NUL character (\\u0000)',
    })
    expect(badTextPath({ name: 'x\ud800y' })?.reason).toMatch(/half of a UTF-16 surrogate pair/)
    // a whole pair is one character (an emoji)
    expect(badTextPath({ name: 'smile \ud83d\ude00' })).toBeNull()
  })
})

describe('storeErrorLine', () => {
  it('leaves out the data a store error quotes back', () => {
    const e = new QueryError(
      'INSERT INTO customer_profile SELECT * FROM from_json($1)',
      new Error(
        'Invalid Input Error: Malformed JSON: no low surrogate. Input: "[{"email":"erin@example.org"}]"',
      ),
    )
    const line = storeErrorLine(e)
    expect(line).not.toContain('erin@example.org')
    expect(line).toContain('Malformed JSON: no low surrogate. Input: (data left out)')
    expect(line).toContain('[statement: INSERT INTO customer_profile')
  })
})
