import { describe, expect, it } from 'vitest'
import { parseEnv } from './config.ts'
import { UsageError } from './errors.ts'

describe('parseEnv', () => {
  it('reads the LOYALS_* variables, counts empty ones as unset and ignores the rest', () => {
    const e = parseEnv({
      LOYALS_DB: 'shop.duckdb',
      LOYALS_TRACE: '250',
      LOYALS_TZ: 'Europe/Paris',
      LOYALS_API_KEY: '',
      LOYALS_CHECK_RESPONSES: '1',
      HOME: '/root',
    })
    expect(e).toEqual({
      LOYALS_DB: 'shop.duckdb',
      LOYALS_TRACE: 250,
      LOYALS_TZ: 'Europe/Paris',
      LOYALS_CHECK_RESPONSES: '1',
    })
    expect(parseEnv({ LOYALS_TRACE: '0' }).LOYALS_TRACE).toBe(0)
  })

  it.each([
    ['LOYALS_TRACE', '-1', 'expected a number of milliseconds >= 0'],
    ['LOYALS_TRACE', 'Infinity', 'expected a number of milliseconds >= 0'],
    ['LOYALS_TRACE', '5ms', 'expected a number of milliseconds >= 0'],
    ['LOYALS_TZ', 'CEST', 'expected an IANA time zone'],
    ['LOYALS_CHECK_RESPONSES', 'yes', "expected '0' or '1'"],
  ])('%s=%s is refused, naming the variable and what it expects', (name, value, hint) => {
    let err: unknown
    try {
      parseEnv({ [name]: value })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).toContain(
      `${name}=${JSON.stringify(value)} is not valid: ${hint}`,
    )
  })
})
