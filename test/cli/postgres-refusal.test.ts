// The commands that cannot read a PostgreSQL store say so in a sentence that reads for each of
// them: "insights an export of its orders" put the command's name where a verb goes.
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'

const URL = 'postgres://loyals@127.0.0.1:1/loyals'

describe('a PostgreSQL store given to a command that reads DuckDB only', () => {
  it.each(['analyze', 'insights'])('%s refuses it in words that read', (command) => {
    for (const args of [
      [command, URL],
      [command, '--db', URL],
    ]) {
      const r = runCli(args)
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toBe(
        `error: loyals ${command} reads an orders file or a DuckDB workspace, not a PostgreSQL store: run it on an export of the store's orders (loyals ${command} orders.csv)\n`,
      )
    }
  })
})

describe('a PostgreSQL store that cannot be reached', () => {
  it('is said as such with exit 2 by the commands that open it (not "query failed", exit 1)', () => {
    for (const args of [
      ['keys', 'list', '--db', URL],
      ['refit', '--db', URL],
    ]) {
      const r = runCli(args)
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(
        /^error: the store cannot be reached: PostgreSQL at postgres:\/\/loyals@127\.0\.0\.1:1\/loyals: connect ECONNREFUSED/,
      )
    }
  })
})
