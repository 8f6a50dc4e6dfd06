import { describe, expect, test } from 'vitest'
import { minutes } from './customer.ts'

describe('response-time targets in words', () => {
  test('minutes, hours, then days; one day in the singular', () => {
    expect(minutes(45)).toBe('45 min')
    expect(minutes(120)).toBe('2 h')
    expect(minutes(90)).toBe('1.5 h')
    expect(minutes(1440)).toBe('1 day')
    expect(minutes(2160)).toBe('1.5 days')
    expect(minutes(2880)).toBe('2 days')
  })
})
