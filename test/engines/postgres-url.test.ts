// A --db postgres:// URL is read once, by openPostgres: an unencoded password, a malformed
// percent-escape or an impossible port is a usage error (exit 2) that says what to fix and never
// prints the password, not "Invalid URL" / "URI malformed" as an internal bug (exit 70). A
// percent-encoded database name is decoded, as the user name is.
import postgres from 'postgres'
import { describe, expect, inject, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli } from '../helpers/cli.ts'

const HINT =
  'percent-encode special characters in the user name, password and database name (@ as %40, : as %3A, / as %2F, # as %23, ? as %3F, % as %25)'

describe('a --db postgres:// URL', () => {
  it.each([
    [
      'postgres://u:p@ss:w/rd#1%@127.0.0.1:5432/db',
      `the PostgreSQL URL cannot be read as a URL: ${HINT}`,
    ],
    [
      'postgres://u%zz:secret@127.0.0.1:5432/db',
      `the PostgreSQL URL's user name holds a % not followed by two hex digits: ${HINT}`,
    ],
    [
      'postgres://u:se%zzcret@127.0.0.1:5432/db',
      `the PostgreSQL URL's password holds a % not followed by two hex digits: ${HINT}`,
    ],
    [
      'postgres://u:secret@127.0.0.1:5432/odd%zzdb',
      `the PostgreSQL URL's database name holds a % not followed by two hex digits: ${HINT}`,
    ],
    [
      'postgres://u:secret@127.0.0.1:99999/db',
      "the PostgreSQL URL's port 99999 is out of range (1 to 65535)",
    ],
    [
      'postgres://u:secret@127.0.0.1:5432/db#1',
      `the PostgreSQL URL holds a # (read as the start of a fragment, which cuts it short): ${HINT}`,
    ],
  ])('%s is a usage error', (url, message) => {
    const r = runCli(['summary', '--db', url])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toBe(`error: ${message}\n`)
    expect(r.stderr).not.toMatch(/secret|p@ss|rd#1/)
  })

  it('has its percent-encoded database name decoded', async () => {
    const base = inject('pgUrl')
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    const name = `odd db ${process.pid}`
    await admin.unsafe(`CREATE DATABASE "${name}"`)
    try {
      const u = new URL(base)
      u.pathname = `/${encodeURIComponent(name)}`
      expect(u.pathname).toContain('%20')
      const engine = await openWorkspace(u.toString())
      try {
        const [row] = await engine.query<{ db: string }>('SELECT current_database() AS db')
        expect(row?.db).toBe(name)
      } finally {
        await engine.close()
      }
    } finally {
      await admin.unsafe(`DROP DATABASE "${name}"`)
      await admin.end({ timeout: 5 })
    }
  })
})

describe('a note about a postgres:// workspace', () => {
  it('does not print the password of the URL it quotes', async () => {
    // QA: `summary --db postgres://u:pw@.../ws --tz Europe/Berlin` noted the URL with its password
    const base = inject('pgUrl')
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    const schema = `note_pw_${process.pid}`
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
    try {
      const u = new URL(base)
      // the test server trusts local logins: the password is never checked, only quoted
      u.password = 'hunter2secret'
      u.searchParams.set('search_path', schema)
      const engine = await openWorkspace(u.toString())
      await engine.close()
      const r = runCli(['summary', '--db', u.toString(), '--tz', 'Europe/Berlin'])
      expect(r.stderr).toContain('is a workspace: its orders were read as they were imported')
      expect(r.stderr).toContain(':***@')
      expect(r.stderr).not.toContain('hunter2secret')
    } finally {
      await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`)
      await admin.end({ timeout: 5 })
    }
  })
})

describe('a postgres:// URL whose schema holds no workspace', () => {
  it('is no workspace to fit, and fit creates nothing in it', async () => {
    const base = inject('pgUrl')
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    const schema = `fit_empty_${process.pid}`
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
    try {
      const u = new URL(base)
      u.searchParams.set('search_path', schema)
      const r = runCli(['fit', '--model', 'bgnbd', '--db', u.toString()])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(/^error: no workspace at .* \(no Loyals tables in its schema\)/)
      const tables = await admin.unsafe(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = '${schema}'`,
      )
      expect(tables[0]?.n).toBe(0)
    } finally {
      await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`)
      await admin.end({ timeout: 5 })
    }
  })

  it('says what to fix when no schema of its search_path exists, or the user may not create in it', async () => {
    const base = inject('pgUrl')
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    const schema = `no_create_${process.pid}`
    const role = `loyals_nc_${process.pid}`
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
    await admin.unsafe(`CREATE ROLE ${role} LOGIN`)
    await admin.unsafe(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`)
    try {
      const missing = new URL(base)
      missing.searchParams.set('search_path', `nosuch_${process.pid}`)
      await expect(openWorkspace(missing.toString())).rejects.toThrow(
        /^no schema of the PostgreSQL URL's search_path \(nosuch_\d+\) exists in its database.*CREATE SCHEMA/,
      )
      const guest = new URL(base)
      guest.username = role
      guest.searchParams.set('search_path', schema)
      await expect(openWorkspace(guest.toString())).rejects.toThrow(
        new RegExp(
          `^schema ${schema} holds no Loyals workspace and the URL's user may not create one in it`,
        ),
      )
    } finally {
      await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`)
      await admin.unsafe(`DROP ROLE ${role}`)
      await admin.end({ timeout: 5 })
    }
  })

  it("is refused when its schema holds another application's tables, as a DuckDB file is", async () => {
    const base = inject('pgUrl')
    const admin = postgres(base, { max: 1, onnotice: () => {} })
    const schema = `other_app_${process.pid}`
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
    await admin.unsafe(`CREATE TABLE ${schema}.invoices (id int)`)
    try {
      const u = new URL(base)
      u.searchParams.set('search_path', schema)
      const count = async () =>
        (
          await admin.unsafe(
            `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = '${schema}'`,
          )
        )[0]?.n
      const r = runCli(['keys', 'create', '--role', 'admin', '--db', u.toString()])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain(
        `is a PostgreSQL database whose schema ${schema} is not a Loyals workspace (it holds other tables: invoices); nothing was changed in it`,
      )
      expect(await count()).toBe(1)
      // a table named as one of Loyals' is the application's too: refused by name, not a
      // "column customer_id does not exist" from deep inside
      await admin.unsafe(`CREATE TABLE ${schema}.orders (id int, note text)`)
      const named = runCli(['keys', 'create', '--role', 'admin', '--db', u.toString()])
      expect(named.code, named.stderr).toBe(2)
      expect(named.stderr).toContain("it holds tables named as a workspace's (orders)")
      expect(await count()).toBe(2)
    } finally {
      await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`)
      await admin.end({ timeout: 5 })
    }
  })

  it('a database or user the server does not know is a usage error saying what to fix', () => {
    const base = new URL(inject('pgUrl'))
    const db = new URL(base)
    db.pathname = `/nosuch_${process.pid}`
    const r = runCli(['summary', '--db', db.toString()])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: PostgreSQL at .* refused the login: database "nosuch_${process.pid}" does not exist: create the database \\(createdb NAME\\), or fix the database name in the URL\n$`,
      ),
    )
    const user = new URL(base)
    user.username = `nouser_${process.pid}`
    const u = runCli(['keys', 'list', '--db', user.toString()])
    expect(u.code, u.stderr).toBe(2)
    expect(u.stderr).toContain(
      `role "nouser_${process.pid}" does not exist: fix the URL's user name`,
    )
  })
})
