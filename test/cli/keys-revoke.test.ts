// `loyals keys revoke` of an id no key has is a missing thing (exit 1, as `customer` of nobody and
// the API's 404), not a usage error; a key revoked before is said so, as DELETE /v1/keys answers.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('loyals keys revoke on the workspace', () => {
  it('an unknown id exits 1 with no key "ID"; a second revocation says when it was revoked', () => {
    const db = join(tempDir(), 'k.duckdb')
    const created = runCli(['keys', 'create', '--role', 'analyst', '--db', db, '--json'])
    expect(created.code, created.stderr).toBe(0)
    const { keyId } = JSON.parse(created.stdout) as { keyId: string }
    const nope = runCli(['keys', 'revoke', 'nope', '--db', db])
    expect(nope.code).toBe(1)
    expect(nope.stderr).toBe('error: no key "nope"\n')
    const first = runCli(['keys', 'revoke', keyId, '--db', db])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toBe(`revoked ${keyId}\n`)
    const again = runCli(['keys', 'revoke', keyId, '--db', db])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(
      new RegExp(`^${keyId} was revoked before, at \\d{4}-\\d\\d-\\d\\dT`),
    )
  })
})
