import { describe, expect, it } from 'vitest'
import { wordList } from './words.ts'

describe('wordList', () => {
  it('joins words as a sentence does', () => {
    expect(wordList([])).toBe('')
    expect(wordList(['Gold'])).toBe('Gold')
    expect(wordList(['Platinum', 'Silver'])).toBe('Platinum and Silver')
    expect(wordList(['Platinum', 'Gold', 'Silver'])).toBe('Platinum, Gold and Silver')
  })
})
