// `loyals keys revoke` of an id no key has is a missing thing (exit 1, as `customer` of nobody and
// the API's 404), not a usage error; a key revoked before is said so, as DELETE /v1/keys answers.
import { existsSync } from 'node:fs'
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
    ) // --json, as create and list have it
    const json = runCli(['keys', 'revoke', keyId, '--db', db, '--json'])
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual({
      keyId,
      revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      alreadyRevoked: true,
    })
  })
})

describe('loyals keys revoke of the last active admin key, without a server', () => {
  it('is refused as the API refuses it (exit 1, nothing revoked); with a second admin it is revoked', () => {
    // QA: revoked offline, the next `serve` turned every admin request away (keys, erasures)
    const db = join(tempDir(), 'k.duckdb')
    const admin = () => {
      const r = runCli(['keys', 'create', '--role', 'admin', '--db', db, '--json'])
      expect(r.code, r.stderr).toBe(0)
      return (JSON.parse(r.stdout) as { keyId: string }).keyId
    }
    const first = admin()
    const refused = runCli(['keys', 'revoke', first, '--db', db])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      `error: key ${first} is the last active admin key: revoking it would leave nobody able to manage keys; create another admin key first (\`loyals keys create --role admin\`), then revoke this one\n`,
    )
    const list = runCli(['keys', 'list', '--db', db, '--json'])
    expect(JSON.parse(list.stdout)).toMatchObject([{ keyId: first, revokedAt: null }])
    admin()
    const revoked = runCli(['keys', 'revoke', first, '--db', db])
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(revoked.stdout).toBe(`revoked ${first}\n`)
  })
})

describe('loyals keys create --name', () => {
  it('refuses a blank name before a workspace is made', () => {
    const db = join(tempDir(), 'k.duckdb')
    const r = runCli(['keys', 'create', '--role', 'analyst', '--name', '  ', '--db', db])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: --name is blank: name who or what uses the key\n')
    expect(existsSync(db)).toBe(false)
  })

  it('refuses an unknown role in the same words with or without a server, before either', () => {
    const db = join(tempDir(), 'k.duckdb')
    for (const extra of [[], ['--server', 'http://127.0.0.1:9', '--api-key', 'k']]) {
      const r = runCli(['keys', 'create', '--role', 'bogus', '--db', db, ...extra])
      expect(r.code).toBe(2)
      expect(r.stderr).toBe(
        'error: unknown role "bogus": use one of admin, analyst, service, read-only\n',
      )
    }
    expect(existsSync(db)).toBe(false)
  })
})
