// `loyals tick --now` is read by the rule the server reads its `now` with: a day the calendar does
// not have was rolled over by Date.parse (2025-02-30 ticked as of March 2).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseNow } from '../../src/cli/commands/tick.ts'
import { UsageError } from '../../src/errors.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('loyals tick --now', () => {
  it('reads an ISO 8601 date-time with an offset, as the API reads now', () => {
    expect(parseNow('2025-03-01T09:00:00Z')).toBe(Date.UTC(2025, 2, 1, 9))
    expect(parseNow('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29))
    expect(parseNow('2025-03-01T09:00:00+0100')).toBe(Date.UTC(2025, 2, 1, 8))
  })

  it('refuses a day the calendar does not have, and a time without an offset', () => {
    for (const v of ['2025-02-30T00:00:00Z', '2025-04-31T10:00:00+02:00', '2023-02-29T00:00:00Z']) {
      expect(() => parseNow(v), v).toThrow(
        new UsageError(`invalid --now "${v}": there is no such day in the calendar`),
      )
    }
    // a month past 12 is no missing day of a month
    expect(() => parseNow('2025-13-01T00:00:00Z')).toThrow(
      new UsageError('invalid --now "2025-13-01T00:00:00Z": there is no month 13'),
    )
    for (const v of ['2025-03-01T09:00:00', '2025-03-01', 'yesterday']) {
      expect(() => parseNow(v), v).toThrow(/^invalid --now ".*": must be an ISO 8601 date-time/)
    }
    expect(() => parseNow('1850-01-01T00:00:00Z')).toThrow('must be a date-time from 1900 to 2199')
  })

  it('is a usage error (exit 2) before the workspace is opened', () => {
    const db = join(tempDir(), 'w.duckdb')
    const r = runCli(['tick', '--db', db, '--now', '2025-02-30T00:00:00Z', '--json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: invalid --now "2025-02-30T00:00:00Z": there is no such day in the calendar\n',
    )
    // --json: the same error as JSON on stdout
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'usage_error',
        message: 'invalid --now "2025-02-30T00:00:00Z": there is no such day in the calendar',
        exitCode: 2,
      },
    })
    expect(existsSync(db)).toBe(false)
  })
})
