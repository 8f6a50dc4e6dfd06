import { afterEach, describe, expect, test, vi } from 'vitest'
import { MAX_TIMER_MS, repeatEvery } from './repeat.ts'

const DAY = 86_400_000

describe('repeatEvery', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  test('a period of 30 days (past what a Node timer can wait) fires once in 30 days', () => {
    vi.useFakeTimers()
    const delays: number[] = []
    const real = globalThis.setTimeout
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0)
      return real(fn, ms)
    }) as typeof setTimeout)
    let n = 0
    const r = repeatEvery(30 * DAY, () => n++)
    vi.advanceTimersByTime(30 * DAY - 1)
    expect(n).toBe(0)
    vi.advanceTimersByTime(1)
    expect(n).toBe(1)
    vi.advanceTimersByTime(30 * DAY)
    expect(n).toBe(2)
    // no delay Node would replace by 1 ms
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS)
    r.stop()
    vi.advanceTimersByTime(90 * DAY)
    expect(n).toBe(2)
  })

  test('a short period repeats as setInterval does; a period of 0 is refused', () => {
    vi.useFakeTimers()
    let n = 0
    const r = repeatEvery(60_000, () => n++)
    vi.advanceTimersByTime(10 * 60_000)
    expect(n).toBe(10)
    r.stop()
    expect(() => repeatEvery(0, () => {})).toThrow(/above 0/)
  })
})
