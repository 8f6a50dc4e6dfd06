// docs/api.md's role matrix must be the route table's: one row per route, the same permission,
// and "yes" exactly for the roles that hold it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROUTES } from '../../src/api/app.ts'
import { ROLE_PERMISSIONS } from '../../src/api/auth.ts'
import { ROLES } from '../../src/service/ops/keys.ts'
import { ROOT } from '../helpers/cli.ts'

describe('docs/api.md', () => {
  const text = readFileSync(join(ROOT, 'docs/api.md'), 'utf8')
  const rows = text
    .split('\n')
    .filter((l) => /^\| (GET|POST|DELETE) \|/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )

  it('documents every route once, with its permission and role matrix', () => {
    expect(rows).toHaveLength(ROUTES.length)
    for (const r of ROUTES) {
      const path = `\`${r.openapiPath ?? r.path}\``
      const row = rows.find((x) => x[0] === r.method.toUpperCase() && x[1] === path)
      expect(row, `${r.method} ${path}`).toBeDefined()
      expect(row![2]).toBe(r.permission)
      expect(row!.slice(3)).toEqual(
        ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(r.permission) ? 'yes' : '403')),
      )
    }
  })
})
