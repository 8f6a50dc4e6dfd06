import { describe, expect, it } from 'vitest'
import { closestWords, daysAgo, decimalsApart, orList, shellArg, wordList } from './words.ts'

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

describe('decimalsApart', () => {
  it('keeps the unit when the figures read apart, else the cents, then as many as tell them apart', () => {
    expect(decimalsApart(110.36, 314.59, 0, 2)).toBe(0)
    expect(decimalsApart(314.53, 314.586853, 0, 2)).toBe(2)
    expect(decimalsApart(314.586, 314.586853, 0, 2)).toBe(3)
    expect(decimalsApart(1.5, 1.6, 0, 0)).toBe(1) // no minor unit: one decimal at a time
    // a figure rounded before it came can sit on the other side: nothing reads right
    expect(decimalsApart(314.59, 314.586853, 0, 2)).toBeNull()
  })

  it('asks a difference said beside the figures to agree with them', () => {
    expect(decimalsApart(12.2, 20.1, 0, 2, 7.9)).toBe(0) // 20 - 12 = 8
    expect(decimalsApart(4.4, 6.6, 0, 2, 2.2)).toBe(2) // 7 - 4 = 3, not 2
  })
})

describe('shellArg', () => {
  it('leaves a plain word as it is and quotes the rest so a shell reads one argument', () => {
    expect(shellArg('/tmp/w.duckdb')).toBe('/tmp/w.duckdb')
    expect(shellArg('/tmp/dir with spaces/ws ü.duckdb')).toBe("'/tmp/dir with spaces/ws ü.duckdb'")
    expect(shellArg("O'Brien")).toBe("'O'\\''Brien'")
    expect(shellArg('')).toBe("''")
    expect(shellArg('$HOME')).toBe("'$HOME'")
  })
})

describe('closestWords', () => {
  const zones = ['Europe/Berlin', 'Europe/Zurich', 'Europe/Paris', 'America/New_York']
  it('names the candidate a typo is nearest to', () => {
    expect(closestWords('Europe/Berln', zones)).toEqual(['Europe/Berlin'])
    expect(closestWords('europe/paris', zones)).toEqual(['Europe/Paris'])
    expect(closestWords('America/New York', zones)).toEqual(['America/New_York'])
    expect(closestWords('Eruope/Paris', zones)).toEqual(['Europe/Paris']) // two letters swapped
    expect(closestWords('weeks', ['day', 'week', 'month'])).toEqual(['week'])
  })

  it('names every candidate as near, and none when none is near', () => {
    expect(closestWords('Europe/Berln', ['Europe/Berlin', 'Europe/Bern'])).toEqual([
      'Europe/Berlin',
      'Europe/Bern',
    ])
    expect(closestWords('Mars/Olympus', zones)).toEqual([])
    expect(closestWords('yr', ['day', 'week', 'month'])).toEqual([])
  })

  it('says the guesses as a question does', () => {
    expect(orList(['a'])).toBe('a')
    expect(orList(['a', 'b', 'c'])).toBe('a, b or c')
  })
})
