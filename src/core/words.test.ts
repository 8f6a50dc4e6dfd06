import { describe, expect, it } from 'vitest'
import { daysAgo, wordList } from './words.ts'

describe('wordList', () => {
  it('joins words as a sentence does', () => {
    expect(wordList([])).toBe('')
    expect(wordList(['Gold'])).toBe('Gold')
    expect(wordList(['Platinum', 'Silver'])).toBe('Platinum and Silver')
    expect(wordList(['Platinum', 'Gold', 'Silver'])).toBe('Platinum, Gold and Silver')
  })
})

describe('daysAgo', () => {
  it('says today under half a day, then whole days with the singular for one', () => {
    expect(daysAgo(0)).toBe('today')
    expect(daysAgo(0.4)).toBe('today')
    expect(daysAgo(1)).toBe('1 day ago')
    expect(daysAgo(2)).toBe('2 days ago')
    expect(daysAgo(1234)).toBe('1,234 days ago')
  })
})
