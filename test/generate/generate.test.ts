// The synthetic company: determinism, referential integrity, realistic distributions, and the
// planted effects (present when planted, absent with no plants).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseGenerateFlags } from '../../src/cli/commands/generate.ts'
import { UsageError } from '../../src/errors.ts'
import { type GeneratedCompany, generateCompany } from '../../src/service/generate/company.ts'
import { LAPSED_BEST, PATH_TO_BEST, REGION_PLANT } from '../../src/service/generate/params.ts'
import { csvField, writeCompany } from '../../src/service/generate/write.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

const N = 12_000

/** Customers ranked by revenue; the top decile as a set. */
function topDecile(c: GeneratedCompany): { top: Set<string>; buyers: string[]; share: number } {
  const rev = new Map<string, number>()
  for (const o of c.orders) {
    const id = String(o.customer_id)
    rev.set(id, (rev.get(id) ?? 0) + Number(o.amount))
  }
  const ranked = [...rev.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const k = Math.floor(ranked.length / 10)
  const total = ranked.reduce((s, [, v]) => s + v, 0)
  const topRev = ranked.slice(0, k).reduce((s, [, v]) => s + v, 0)
  return {
    top: new Set(ranked.slice(0, k).map(([id]) => id)),
    buyers: ranked.map(([id]) => id),
    share: topRev / total,
  }
}

/** Index of a region among the top decile: share among top / share among all buyers. */
function regionIndex(c: GeneratedCompany): number {
  const { top, buyers } = topDecile(c)
  const inRegion = new Set(
    c.customers
      .filter((x) => x.country === REGION_PLANT.country && x.region === REGION_PLANT.region)
      .map((x) => String(x.customer_id)),
  )
  const all = buyers.filter((id) => inRegion.has(id)).length / buyers.length
  const best = [...top].filter((id) => inRegion.has(id)).length / top.size
  return best / all
}

/** P(top decile | first order holds both path categories) / P(top decile). */
function pathLift(c: GeneratedCompany): { lift: number; support: number } {
  const { top, buyers } = topDecile(c)
  const first = new Map<string, { id: string; at: string }>()
  for (const o of c.orders) {
    const cid = String(o.customer_id)
    const f = first.get(cid)
    if (!f || String(o.ordered_at) < f.at)
      first.set(cid, { id: String(o.order_id), at: String(o.ordered_at) })
  }
  const cats = new Map<string, Set<string>>()
  for (const l of c.order_lines) {
    const s = cats.get(String(l.order_id)) ?? new Set<string>()
    s.add(String(l.category))
    cats.set(String(l.order_id), s)
  }
  let support = 0
  let hits = 0
  for (const [cid, f] of first) {
    const s = cats.get(f.id)
    if (s?.has(PATH_TO_BEST.categories[0]) && s.has(PATH_TO_BEST.categories[1])) {
      support++
      if (top.has(cid)) hits++
    }
  }
  return { lift: hits / support / (top.size / buyers.length), support }
}

describe('generateCompany', () => {
  let planted: GeneratedCompany
  let plain: GeneratedCompany
  beforeAll(async () => {
    planted = await generateCompany({ customers: N, seed: 11 })
    plain = await generateCompany({ customers: N, seed: 11, plants: [] })
  })

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await generateCompany({ customers: 500, seed: 5 })
    const b = await generateCompany({ customers: 500, seed: 5 })
    const c = await generateCompany({ customers: 500, seed: 6 })
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(JSON.stringify(a.orders)).not.toBe(JSON.stringify(c.orders))
  })

  it('keeps every reference intact', () => {
    const customers = new Set(planted.customers.map((x) => x.customer_id))
    expect(customers.size).toBe(N)
    const orders = new Map(planted.orders.map((o) => [o.order_id, o]))
    expect(orders.size).toBe(planted.orders.length)
    const products = new Set(planted.products.map((p) => p.product_id))
    // Collect violations and assert once: one expect per row makes this test take seconds.
    const bad: string[] = []
    for (const o of planted.orders)
      if (!customers.has(o.customer_id)) bad.push(`order ${o.order_id}`)
    for (const l of planted.order_lines) {
      if (!orders.has(l.order_id) || !products.has(l.product_id)) bad.push(`line ${l.order_id}`)
    }
    for (const r of planted.returns) {
      const o = orders.get(r.order_id)
      if (
        o?.customer_id !== r.customer_id ||
        Number(r.amount) > Number(o.amount) + 1e-9 ||
        String(r.returned_at) <= String(o.ordered_at)
      ) {
        bad.push(`return ${r.return_id}`)
      }
    }
    for (const t of [...planted.tickets, ...planted.engagement, ...planted.surveys]) {
      if (!customers.has(t.customer_id)) bad.push(`event of ${t.customer_id}`)
    }
    expect(bad).toEqual([])
    expect(planted.returns.length).toBeGreaterThan(0)
    expect(planted.tickets.length).toBeGreaterThan(0)
  })

  it('makes order amounts the sum of their lines', () => {
    const sum = new Map<unknown, number>()
    for (const l of planted.order_lines) {
      sum.set(l.order_id, (sum.get(l.order_id) ?? 0) + Math.round(Number(l.amount) * 100))
    }
    for (const o of planted.orders)
      expect(sum.get(o.order_id)).toBe(Math.round(Number(o.amount) * 100))
  })

  it('forms referral trees without cycles, some three levels deep', () => {
    const customers = new Set(planted.customers.map((x) => x.customer_id))
    const parent = new Map<unknown, unknown>()
    for (const r of planted.referrals) {
      expect(customers.has(r.referrer_id)).toBe(true)
      expect(customers.has(r.referred_id)).toBe(true)
      expect(parent.has(r.referred_id)).toBe(false)
      parent.set(r.referred_id, r.referrer_id)
    }
    let deepest = 0
    for (const start of parent.keys()) {
      let depth = 0
      let x: unknown = start
      const seen = new Set<unknown>()
      while (parent.has(x)) {
        expect(seen.has(x)).toBe(false)
        seen.add(x)
        x = parent.get(x)
        depth++
      }
      deepest = Math.max(deepest, depth)
    }
    expect(deepest).toBeGreaterThanOrEqual(3)
  })

  it('has a realistic revenue concentration and value-linked NPS', () => {
    for (const c of [planted, plain]) {
      const { share } = topDecile(c)
      expect(share).toBeGreaterThan(0.3)
      expect(share).toBeLessThan(0.8)
    }
    const { top } = topDecile(plain)
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
    const topNps = mean(
      plain.surveys.filter((s) => top.has(String(s.customer_id))).map((s) => Number(s.nps)),
    )
    const restNps = mean(
      plain.surveys.filter((s) => !top.has(String(s.customer_id))).map((s) => Number(s.nps)),
    )
    expect(topNps - restNps).toBeGreaterThan(1)
  })

  it('serves some customers at a loss', () => {
    const rev = new Map<unknown, number>()
    const margin = new Map<unknown, number>()
    for (const o of plain.orders) {
      rev.set(o.customer_id, (rev.get(o.customer_id) ?? 0) + Number(o.amount))
      margin.set(
        o.customer_id,
        (margin.get(o.customer_id) ?? 0) + Number(o.amount) - Number(o.cost),
      )
    }
    for (const r of plain.returns)
      margin.set(r.customer_id, (margin.get(r.customer_id) ?? 0) - Number(r.amount) - 7.5)
    for (const t of plain.tickets) {
      margin.set(t.customer_id, (margin.get(t.customer_id) ?? 0) - 0.8 * Number(t.handling_minutes))
    }
    const losing = [...margin.values()].filter((m) => m < 0).length
    expect(losing / rev.size).toBeGreaterThan(0.02)
  })

  it('plants the region effect (about 3x) and has none without plants', () => {
    expect(regionIndex(planted)).toBeGreaterThan(2.2)
    const plainIndex = regionIndex(plain)
    expect(plainIndex).toBeGreaterThan(0.7)
    expect(plainIndex).toBeLessThan(1.4)
  })

  it('plants the path-to-best pair (about 3x) and has none without plants', () => {
    const p = pathLift(planted)
    expect(p.support).toBeGreaterThan(200)
    expect(p.lift).toBeGreaterThan(2.3)
    const q = pathLift(plain)
    expect(q.lift).toBeGreaterThan(0.6)
    expect(q.lift).toBeLessThan(1.5)
  })

  it('plants a lapsed-best cohort that stopped about six months before the end', () => {
    const ids = planted.truth.lapsedBestIds
    expect(ids.length).toBeGreaterThan(N * LAPSED_BEST.share * 0.3)
    expect(plain.truth.lapsedBestIds).toEqual([])
    const last = new Map<unknown, string>()
    for (const o of planted.orders) {
      const l = last.get(o.customer_id)
      if (!l || String(o.ordered_at) > l) last.set(o.customer_id, String(o.ordered_at))
    }
    const end = Date.parse('2025-12-31T23:59:59Z')
    const { top } = topDecile(planted)
    let inTop = 0
    for (const id of ids) {
      const gapDays = (end - Date.parse(last.get(id) ?? '')) / 86_400_000
      expect(gapDays).toBeGreaterThan(
        LAPSED_BEST.stopDaysBeforeEnd - 5 * LAPSED_BEST.stopJitterDays,
      )
      if (top.has(id)) inTop++
    }
    expect(inTop / ids.length).toBeGreaterThan(0.5)
  })
})

describe('csvField', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvField(null)).toBe('')
    expect(csvField(12.5)).toBe('12.5')
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a, b')).toBe('"a, b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
  })
})

describe('loyals generate', () => {
  const hashDir = (dir: string) =>
    Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [
          f,
          createHash('sha256')
            .update(readFileSync(join(dir, f)))
            .digest('hex'),
        ]),
    )

  it('writes byte-identical files for the same seed, different for another', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()]
    for (const [dir, seed] of [
      [a, '4'],
      [b, '4'],
      [c, '5'],
    ] as const) {
      const r = runCli(['generate', '--out', dir, '--customers', '1500', '--seed', seed])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
    }
    const ha = hashDir(a)
    expect(Object.keys(ha)).toEqual([
      'costs.json',
      'customers.csv',
      'engagement.csv',
      'loyals.value.json',
      'order_lines.csv',
      'orders.csv',
      'products.csv',
      'referrals.csv',
      'returns.csv',
      'surveys.csv',
      'tickets.csv',
      'truth.json',
    ])
    expect(hashDir(b)).toEqual(ha)
    expect(hashDir(c)['orders.csv']).not.toBe(ha['orders.csv'])
    const header = readFileSync(join(a, 'orders.csv'), 'utf8').split('\n')[0]
    expect(header).toBe(
      'order_id,customer_id,ordered_at,amount,currency,quantity,cost,discount,channel,campaign',
    )
  })

  it('writes gzip files with the same content as plain CSV', () => {
    const [a, b] = [tempDir(), tempDir()]
    expect(runCli(['generate', '--out', a, '--customers', '300', '--no-plant']).code).toBe(0)
    const r = runCli([
      'generate',
      '--out',
      b,
      '--customers',
      '300',
      '--no-plant',
      '--format',
      'csv.gz',
      '--json',
    ])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).options.plants).toEqual([])
    expect(gunzipSync(readFileSync(join(b, 'orders.csv.gz'))).toString('utf8')).toBe(
      readFileSync(join(a, 'orders.csv'), 'utf8'),
    )
  })

  it('rejects bad flags with a usage error naming the flag', () => {
    const base = {
      out: 'x',
      customers: '10',
      seed: '1',
      start: '2023-01-01',
      end: '2025-12-31',
      format: 'csv',
    }
    const cases: [Record<string, string>, RegExp][] = [
      [{ customers: '0' }, /--customers/],
      [{ customers: '2.5' }, /--customers/],
      [{ seed: 'x' }, /--seed/],
      [{ start: '2023-13-45' }, /--start/],
      [{ end: '2023-01-10' }, /at least 30 days/],
      [{ end: '2999-01-01' }, /future/],
      [{ plant: 'moon' }, /unknown --plant 'moon'/],
      [{ format: 'xlsx' }, /--format/],
    ]
    for (const [over, msg] of cases) {
      expect(() => parseGenerateFlags({ ...base, ...over })).toThrow(msg)
    }
    expect(parseGenerateFlags({ ...base, plant: 'region' }).opts.plants).toEqual(['region'])
    expect(parseGenerateFlags({ ...base, plant: false }).opts.plants).toEqual([])
    const r = runCli(['generate', '--out', tempDir(), '--plant', 'moon'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown --plant 'moon'/)
  })

  it('from code, refuses bad options with a UsageError naming the option (was a RangeError, or taken)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ customers: -1 }, /customers must be a whole number/],
      [{ customers: 2 ** 33 }, /customers must be a whole number from 1 to 10000000/],
      [{ start: '2024-02-30' }, /start must be a date YYYY-MM-DD/],
      [{ start: '2025-01-01', end: '2024-01-01' }, /end must be at least 30 days after start/],
      [{ seed: 1.5 }, /seed must be a whole number/],
      [{ plants: ['nope'] }, /unknown plant "nope"/],
    ]
    for (const [opts, msg] of cases) {
      const e = await generateCompany({ customers: 5, ...opts }).catch((x: unknown) => x)
      expect(e, JSON.stringify(opts)).toBeInstanceOf(UsageError)
      expect((e as Error).message).toMatch(msg)
    }
    const w = await writeCompany({ customers: 5 }, tempDir(), 'xlsx' as 'csv').catch((x) => x)
    expect(w).toBeInstanceOf(UsageError)
    expect((w as Error).message).toMatch(/format must be csv or csv.gz/)
  })

  it('says when a plant found no customer to plant in (lapsed best in a half-year window)', () => {
    const short = runCli([
      'generate',
      '--out',
      tempDir(),
      '--customers',
      '500',
      '--start',
      '2025-01-01',
      '--end',
      '2025-06-30',
    ])
    expect(short.code, short.stderr).toBe(0)
    expect(short.stderr).toMatch(/no lapsed-best customer was planted/)
    const full = runCli(['generate', '--out', tempDir(), '--customers', '2000'])
    expect(full.code, full.stderr).toBe(0)
    expect(full.stderr).not.toMatch(/no lapsed-best customer/)
  })

  it('names the files a small company leaves without rows (the import refuses a header only)', () => {
    const dir = tempDir()
    const r = runCli(['generate', '--out', dir, '--customers', '3', '--seed', '1'])
    expect(r.code).toBe(0)
    const empty = readdirSync(dir).filter(
      (f) =>
        f.endsWith('.csv') && readFileSync(join(dir, f), 'utf8').trim().split('\n').length === 1,
    )
    expect(empty.length).toBeGreaterThan(0)
    const note = /note: (.*) have no rows \(a small company\)/.exec(r.stderr)
    expect(note?.[1]?.split(', ').sort()).toEqual(empty.sort())
    const imp = runCli([
      'import',
      join(dir, empty[0]!),
      '--kind',
      'referrals',
      '--db',
      join(dir, 'w.duckdb'),
    ])
    expect(imp.code).not.toBe(0)
  })
})
