// `loyals refit` scores the live profiles as of its now: each customer's time span runs to it. With
// --now two refits of one workspace store the same profiles; without, every second changed the
// fit and every customer's expected purchases (a run-to-run audit).
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

async function profiles(db: string) {
  const engine = await openWorkspace(db)
  try {
    return await engine.query<Record<string, unknown>>(
      'SELECT customer_id, p_alive, expected_purchases FROM customer_profile ORDER BY customer_id',
    )
  } finally {
    await engine.close()
  }
}

describe('loyals refit --now', () => {
  it('stores the same profiles for one now, others for a later one', async () => {
    const dir = tempDir()
    // 40 customers, each with a few orders in 2024 (a model can be fitted)
    const rows: string[] = []
    for (let c = 0; c < 40; c++) {
      for (let k = 0; k <= c % 5; k++) {
        const day = String(1 + ((c * 7 + k * 45) % 28)).padStart(2, '0')
        const month = String(1 + ((c + k * 3) % 12)).padStart(2, '0')
        rows.push(`o${c}-${k},C${c},2024-${month}-${day}T10:00:00Z,${20 + c + k}`)
      }
    }
    const file = join(dir, 'orders.csv')
    writeFileSync(file, `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\n`)
    const a = join(dir, 'a.duckdb')
    expect(runCli(['import', file, '--db', a]).code).toBe(0)
    const b = join(dir, 'b.duckdb')
    copyFileSync(a, b)
    const now = '2025-01-15T12:00:00Z'
    for (const db of [a, b]) {
      const r = runCli(['refit', '--db', db, '--now', now, '--json'])
      expect(r.code, r.stderr).toBe(0)
    }
    const first = await profiles(a)
    expect(first).toHaveLength(40)
    expect(await profiles(b)).toEqual(first)
    // a year later, the same customers look less alive
    expect(runCli(['refit', '--db', b, '--now', '2026-01-15T12:00:00Z']).code).toBe(0)
    const later = await profiles(b)
    const alive = (ps: Record<string, unknown>[]) => ps.reduce((s, p) => s + Number(p.p_alive), 0)
    expect(alive(later)).toBeLessThan(alive(first))
  })

  it('counts only the orders, refunds and reviews placed by its now', async () => {
    const dir = tempDir()
    const rows = [
      'a1,A,2024-03-01T10:00:00Z,100',
      'a2,A,2024-04-01T10:00:00Z,50',
      // after the now: not known yet, nor is the refund of a2
      'a2,A,2024-07-01T10:00:00Z,-50',
      'a3,A,2024-09-01T10:00:00Z,70',
      'b1,B,2024-02-01T10:00:00Z,30',
      'b2,B,2024-05-01T10:00:00Z,40',
      // C's only order comes after it: no customer yet
      'c1,C,2024-08-01T10:00:00Z,25',
    ]
    const file = join(dir, 'orders.csv')
    writeFileSync(file, `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\n`)
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', file, '--db', db]).code).toBe(0)
    const ev = join(dir, 'engagement.csv')
    writeFileSync(
      ev,
      'customer_id,event,occurred_at\nA,review,2024-05-01T10:00:00Z\nA,review,2024-08-01T10:00:00Z\n',
    )
    const imported = runCli(['import', ev, '--kind', 'engagement', '--db', db])
    expect(imported.code, imported.stderr).toBe(0)
    const r = runCli(['refit', '--db', db, '--now', '2024-06-01T00:00:00Z'])
    expect(r.code, r.stderr).toBe(0)
    // a tick as of that moment finds nothing to refit: C is not known by then
    for (let k = 0; k < 2; k++) {
      const t = runCli(['tick', '--db', db, '--now', '2024-06-01T00:00:00Z', '--json'])
      expect(t.code, t.stderr).toBe(0)
      expect(JSON.parse(t.stdout).refitted ?? 0).toBe(0)
    }
    const engine = await openWorkspace(db)
    try {
      const got = await engine.query<Record<string, unknown>>(
        `SELECT customer_id, orders_count, purchase_days, revenue, reviews,
           strftime(last_order_at, '%Y-%m-%d') AS last FROM customer_profile ORDER BY customer_id`,
      )
      expect(
        got.map((p) => ({
          ...p,
          orders_count: Number(p.orders_count),
          purchase_days: Number(p.purchase_days),
          reviews: Number(p.reviews),
        })),
      ).toEqual([
        {
          customer_id: 'A',
          orders_count: 2,
          purchase_days: 2,
          revenue: 150,
          reviews: 1,
          last: '2024-04-01',
        },
        {
          customer_id: 'B',
          orders_count: 2,
          purchase_days: 2,
          revenue: 70,
          reviews: 0,
          last: '2024-05-01',
        },
      ])
    } finally {
      await engine.close()
    }
  })

  it('names a --now that is no date-time', () => {
    const dir = tempDir()
    const r = runCli(['refit', '--db', join(dir, 'x.duckdb'), '--now', '2025-02-30T10:00:00Z'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid --now "2025-02-30T10:00:00Z": there is no such day')
  })
})
