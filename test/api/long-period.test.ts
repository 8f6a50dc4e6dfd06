// --refit-every 30d / --tick-every 30d: longer than a Node timer can wait (2^31 - 1 ms, about
// 24.8 days), which Node replaces by 1 ms. The server must wait the month, not refit nonstop.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { startServer } from '../../src/api/server.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { tempDir } from '../helpers/cli.ts'

const DAY = 86_400_000

describe('a refit and tick period of 30 days', () => {
  const dir = tempDir('loyals-long-period-')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('runs no refit within a second, and the server stays responsive', async () => {
    const db = join(dir, 'w.duckdb')
    const server = await startServer({
      db,
      port: 0,
      host: '127.0.0.1',
      refitEveryMs: 30 * DAY,
      tickEveryMs: 30 * DAY,
      version: 'test',
    })
    try {
      await new Promise((r) => setTimeout(r, 1500))
      const health = await fetch(`${server.url}/health`)
      expect(health.status).toBe(200)
    } finally {
      await server.close()
    }
    const engine = await openWorkspace(db)
    try {
      const [jobs] = await engine.query<{ n: number }>(
        "SELECT count(*) AS n FROM jobs WHERE kind = 'refit'",
      )
      // an empty workspace has nothing due at start: no refit at all
      expect(Number(jobs?.n)).toBe(0)
    } finally {
      await engine.close()
    }
  })
})
