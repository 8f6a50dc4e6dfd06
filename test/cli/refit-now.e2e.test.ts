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
      // the job's record says when it ran, not the time it scored as of
      const job = JSON.parse(r.stdout)
      for (const at of [job.createdAt, job.finishedAt]) {
        expect(Math.abs(Date.parse(at) - Date.now())).toBeLessThan(10 * 60_000)
      }
    }
    const first = await profiles(a)
    expect(first).toHaveLength(40)
    expect(await profiles(b)).toEqual(first)
    // a year later, the same customers look less alive
    expect(runCli(['refit', '--db', b, '--now', '2026-01-15T12:00:00Z']).code).toBe(0)
    const later = await profiles(b)
    const alive = (ps: Record<string, unknown>[]) => ps.reduce((s, p) => s + Number(p.p_alive), 0)
    expect(alive(later)).toBeLessThan(alive(first))
    // and back to the first time: refused, the profiles stay as of the later refit (their tiers
    // and grace periods are from then, so the run would not store what a refit then stored)
    const back = runCli(['refit', '--db', b, '--now', now])
    expect(back.code).toBe(2)
    expect(back.stderr).toContain(
      'refit --now: the profiles are scored as of 2026-01-15T12:00:00.000Z (the last refit), after 2025-01-15T12:00:00.000Z: a refit cannot go back in time on them',
    )
    expect(await profiles(b)).toEqual(later)
    // a tick replayed then, after an import, refits as of the last refit's time (not back)
    const more = join(dir, 'more.csv')
    writeFileSync(more, 'order_id,customer_id,ordered_at,amount\nz1,C1,2024-12-01T10:00:00Z,10\n')
    expect(runCli(['import', more, '--db', b]).code).toBe(0)
    expect(runCli(['refit', '--db', a, '--now', '2026-01-15T12:00:00Z']).code).toBe(0)
    expect(runCli(['import', more, '--db', a]).code).toBe(0)
    const tick = runCli(['tick', '--db', b, '--now', now])
    expect(tick.code, tick.stderr).toBe(0)
    expect(tick.stdout).toContain(
      "Refitted first (files were imported since the last refit): 40 customers scored as of the last refit's time, 2026-01-15T12:00:00.000Z (a refit does not go back before it)",
    )
    expect(runCli(['refit', '--db', a, '--now', '2026-01-15T12:00:00Z']).code).toBe(0)
    expect(await profiles(b)).toEqual(await profiles(a))
    expect(await profiles(b)).not.toEqual(later)
  })

  it('fires the tier playbooks for the customers it moves with --config, and says so without', async () => {
    const dir = tempDir()
    // steady buyers and one-off big spenders: a year on, the one-off spenders fall
    const rows: string[] = []
    for (let c = 0; c < 30; c++) {
      const k = c % 2 === 0 ? 6 : 1
      for (let j = 0; j < k; j++) {
        const month = String(1 + j * 2).padStart(2, '0')
        rows.push(
          `o${c}-${j},C${c},2024-${month}-${String(1 + (c % 27)).padStart(2, '0')}T10:00:00Z,${c % 2 === 0 ? 40 : 400 + c}`,
        )
      }
    }
    const file = join(dir, 'orders.csv')
    writeFileSync(file, `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\n`)
    const value = join(dir, 'value.json')
    writeFileSync(value, JSON.stringify({ tiers: { grace: { length: 0, unit: 'days' } } }))
    const ops = join(dir, 'ops.json')
    writeFileSync(
      ops,
      JSON.stringify({
        holdout: { defaultShare: 0 },
        playbooks: [
          {
            id: 'moved',
            department: 'service',
            trigger: { type: 'tier_down' },
            actions: [{ type: 'task', role: 'am', title: 'Tier fell' }],
          },
          {
            id: 'raised',
            department: 'service',
            trigger: { type: 'tier_up' },
            actions: [{ type: 'task', role: 'am', title: 'Tier rose' }],
          },
        ],
      }),
    )
    const a = join(dir, 'a.duckdb')
    expect(runCli(['import', file, '--db', a]).code).toBe(0)
    const first = runCli([
      'refit',
      '--db',
      a,
      '--value-config',
      value,
      '--now',
      '2024-12-31T00:00:00Z',
    ])
    expect(first.code, first.stderr).toBe(0)
    const b = join(dir, 'b.duckdb')
    copyFileSync(a, b)
    const tiers = async (db: string) => {
      const engine = await openWorkspace(db)
      try {
        return new Map(
          (
            await engine.query<{ customer_id: string; tier: number }>(
              'SELECT customer_id, tier FROM customer_profile',
            )
          ).map((r) => [r.customer_id, Number(r.tier)]),
        )
      } finally {
        await engine.close()
      }
    }
    const before = await tiers(a)
    const later = ['--value-config', value, '--now', '2026-06-30T00:00:00Z', '--json']
    const withOps = runCli(['refit', '--db', a, ...later, '--config', ops])
    expect(withOps.code, withOps.stderr).toBe(0)
    const after = await tiers(a)
    const moved = [...after].filter(([id, t]) => before.get(id) !== t).length
    expect(moved).toBeGreaterThan(0)
    expect(JSON.parse(withOps.stdout).result.tierMoves).toBe(moved)
    expect(withOps.stderr).toBe('')
    const engine = await openWorkspace(a)
    try {
      const [n] = await engine.query<{ n: number }>(
        "SELECT count(*) AS n FROM actions_log WHERE playbook_id IN ('moved', 'raised')",
      )
      expect(Number(n!.n)).toBe(moved)
      // a grace of length 0 holds nobody (in days, day 0 kept those who fell until midnight)
      const [held] = await engine.query<{ n: number }>(
        'SELECT count(*) AS n FROM profile_tier_grace',
      )
      expect(Number(held!.n)).toBe(0)
    } finally {
      await engine.close()
    }
    // without --config the moves are stored all the same, and no playbook can fire for them later
    const without = runCli(['refit', '--db', b, ...later])
    expect(without.code, without.stderr).toBe(0)
    expect(without.stderr).toMatch(
      new RegExp(
        `^note: ${moved} customers? changed tier, and no tier_up or tier_down playbook ran for (it|them): without a server, give the operations file with --config`,
      ),
    )
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

  it('refuses a --now in the future, which would have blocked every refit until then', () => {
    const dir = tempDir()
    const db = join(dir, 'x.duckdb')
    const file = join(dir, 'orders.csv')
    writeFileSync(file, 'customer_id,ordered_at,amount\nC1,2024-01-05,10\nC1,2024-02-05,12\n')
    expect(runCli(['import', file, '--db', db]).code).toBe(0)
    const r = runCli(['refit', '--db', db, '--now', '2099-01-01T00:00:00Z'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^error: invalid --now "2099-01-01T00:00:00Z": it is in the future \(the clock says 20\d\d-/,
    )
    const later = runCli(['refit', '--db', db])
    expect(later.code, later.stderr).toBe(0)
  })
})
