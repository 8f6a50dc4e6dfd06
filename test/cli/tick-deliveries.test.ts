// A local tick says what its webhook deliveries came to (sent, queued for a retry, failed for the
// last time), where it said only "0 message(s) queued" while it delivered or failed messages; a
// failed delivery's detail names the cause (ECONNREFUSED), not just "fetch failed".
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

/** A local port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

describe('loyals tick without a server: deliveries', () => {
  it('reports a delivery that failed, retried at the next ticks and then given up', async () => {
    const dir = tempDir('loyals-tick-deliveries-')
    const db = join(dir, 'w.duckdb')
    const orders = join(dir, 'orders.csv')
    writeFileSync(orders, 'order_id,customer_id,ordered_at,amount\no1,c1,2025-01-01T10:00:00Z,30\n')
    expect(runCli(['import', orders, '--db', db]).code).toBe(0)
    const ops = join(dir, 'ops.json')
    writeFileSync(
      ops,
      JSON.stringify({
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null },
        playbooks: [
          {
            id: 'miss-you',
            department: 'marketing',
            trigger: { type: 'no_order_for', days: 30 },
            actions: [
              {
                type: 'webhook',
                url: `http://127.0.0.1:${await closedPort()}/hook`,
                channel: 'in_app',
                template: 'miss-you',
              },
            ],
          },
        ],
      }),
    )
    const tick = (now: string) => {
      const r = runCli(['tick', '--db', db, '--config', ops, '--now', now, '--json'])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout).deliveries
    }
    expect(tick('2025-02-03T10:00:00Z')).toEqual({ sent: 0, failed: 0, retry: 1, held: 0 })
    // retried after 5 s, then after 10 s more: the third attempt is the last
    expect(tick('2025-02-03T10:00:06Z')).toEqual({ sent: 0, failed: 0, retry: 1, held: 0 })
    expect(tick('2025-02-03T10:00:20Z')).toEqual({ sent: 0, failed: 1, retry: 0, held: 0 })
    const text = runCli(['tick', '--db', db, '--config', ops, '--now', '2025-02-03T10:01:00Z'])
    expect(text.stdout).toContain('Messages delivered: 0 sent.')
    const engine = await openWorkspace(db)
    try {
      const [row] = await engine.query<{ status: string; attempts: number; detail: string }>(
        'SELECT status, attempts, detail FROM actions_log',
      )
      expect(row).toMatchObject({ status: 'failed', attempts: 3 })
      expect(row!.detail).toBe('fetch failed: ECONNREFUSED')
    } finally {
      await engine.close()
    }
  })
})
