import { describe, expect, it, test } from 'vitest'
import {
  apportion,
  fromMillionths,
  millionths,
  roundDecimalHalfAway,
  roundHalfAway,
} from './round.ts'

describe('apportion', () => {
  test('parts that each round up by half a cent add up to the total again', () => {
    // a referral tree: 360.11 and 96.91 at half weight are 180.055 and 48.455; both round up
    const parts = [857.79, 180.055, 105.84, 72.78, 56.37, 48.455, 32.45, 7.86, 263.01]
    const total = parts.reduce((a, b) => a + b, 0)
    expect(roundHalfAway(total, 2)).toBe(1624.61)
    const plain = parts.map((p) => roundHalfAway(p, 2))
    expect(Math.round(plain.reduce((a, b) => a + b, 0) * 100)).toBe(162462)
    const shown = apportion(parts, total, 2)
    expect(Math.round(shown.reduce((a, b) => a + b, 0) * 100)).toBe(162461)
    // one of the two halves gives its cent back; every part within a cent of its exact value
    expect(shown.filter((s, i) => s !== plain[i])).toHaveLength(1)
    shown.forEach((s, i) => {
      expect(Math.abs(s - (parts[i] as number))).toBeLessThan(0.01 + 1e-9)
    })
  })

  test('negative parts, whole units, and parts that do not make up the total', () => {
    const neg = apportion([-0.005, -0.005, 1.0], 0.99, 2)
    expect(Math.round(neg.reduce((a, b) => a + b, 0) * 100)).toBe(99)
    expect(apportion([0.5, 0.5, 0.5], 1.5, 0)).toEqual([0, 1, 1])
    // three units apart with two parts: rounded only
    expect(apportion([1, 1], 5, 0)).toEqual([1, 1])
    expect(apportion([], 0, 2)).toEqual([])
  })
})

describe('millionths', () => {
  it('reads amounts exactly, from their decimal text, at any size the store takes', () => {
    expect(millionths(999999999999.99) - millionths(999999999999.98)).toBe(10_000n)
    expect(millionths('30.51')).toBe(30_510_000n)
    expect(millionths(-15.25)).toBe(-15_250_000n)
    expect(millionths('2.0000015')).toBe(2_000_002n)
    expect(millionths(1e-7)).toBe(0n)
    expect(fromMillionths(10_000n)).toBe('0.01')
    expect(fromMillionths(-2_500_000n)).toBe('-2.5')
    expect(fromMillionths(7_000_000n)).toBe('7')
  })
})

describe('roundDecimalHalfAway', () => {
  test('rounds the decimal a sum of minor units stands for, half away from zero', () => {
    // the double sum of 109 + 86 / 2 + 26.30 / 4 is 158.57499999999998: roundHalfAway says .57
    const sum = 109 + 86 * 0.5 + 26.3 * 0.25
    expect(roundHalfAway(sum, 2)).toBe(158.57)
    expect(roundDecimalHalfAway(sum, 2)).toBe(158.58)
    expect(roundDecimalHalfAway(1.005, 2)).toBe(1.01)
    expect(roundDecimalHalfAway(-1.005, 2)).toBe(-1.01)
    expect(roundDecimalHalfAway(136.1 - 50.1, 2)).toBe(86)
    // what is not a half stays where roundHalfAway puts it, in every unit
    expect(roundDecimalHalfAway(2.344999, 2)).toBe(2.34)
    expect(roundDecimalHalfAway(5.0015, 3)).toBe(5.002)
    expect(roundDecimalHalfAway(1234.5, 0)).toBe(1235)
    expect(roundDecimalHalfAway(987654321.125, 2)).toBe(987654321.13)
  })
})
