// Audit 2 of the generator: impossible calendar dates and conflicting plant flags are usage
// errors, money is written with two decimals, and referrers had bought by the referral date.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { parseGenerateFlags, registerGenerate } from '../../src/cli/commands/generate.ts'
import { isCalendarDay } from '../../src/core/calendar.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { UsageError } from '../../src/errors.ts'
import { buildDemoCompany } from '../../src/service/demo-company.ts'
import { generateCompany, sideSeed } from '../../src/service/generate/company.ts'
import { moneyField, writeCompany } from '../../src/service/generate/write.ts'
import { tempDir } from '../helpers/cli.ts'

const BASE = {
  out: 'x',
  customers: '10',
  seed: '1',
  start: '2023-01-01',
  end: '2025-12-31',
  format: 'csv',
}

/** Parse `loyals generate ...` with the real command definition; the action must fail early. */
async function parseCli(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride()
  registerGenerate(program)
  try {
    await program.parseAsync(['node', 'loyals', 'generate', '--out', tempDir(), ...args])
  } catch (e) {
    return e
  }
  return undefined
}

describe('generate flags', () => {
  it('rejects impossible calendar days in --start and --end', () => {
    expect(() => parseGenerateFlags({ ...BASE, start: '2024-02-30', end: '2024-06-30' })).toThrow(
      "--start must be a date YYYY-MM-DD, got '2024-02-30'",
    )
    expect(() => parseGenerateFlags({ ...BASE, start: '2023-01-01', end: '2023-06-31' })).toThrow(
      "--end must be a date YYYY-MM-DD, got '2023-06-31'",
    )
    expect(() => parseGenerateFlags({ ...BASE, start: '2023-02-29' })).toThrow(UsageError)
    expect(parseGenerateFlags({ ...BASE, start: '2024-02-29' }).opts.start).toBe('2024-02-29')
    expect(isCalendarDay('2024-02-29')).toBe(true)
    expect(isCalendarDay('2024-04-31')).toBe(false)
    expect(isCalendarDay('2024-4-30')).toBe(false)
  })

  it('refuses seeds past 2^53 - 1 (neighbours read as one number) and an empty --plant', () => {
    expect(() => parseGenerateFlags({ ...BASE, seed: '9007199254740993' })).toThrow(
      "--seed must be a whole number from -9007199254740991 to 9007199254740991 (2^53 - 1), got '9007199254740993': larger seeds are not told apart",
    )
    expect(() => parseGenerateFlags({ ...BASE, seed: '99999999999999999999' })).toThrow(UsageError)
    expect(parseGenerateFlags({ ...BASE, seed: '9007199254740991' }).opts.seed).toBe(
      9007199254740991,
    )
    expect(() => parseGenerateFlags({ ...BASE, seed: '1.5' })).toThrow(
      "--seed must be an integer, got '1.5'",
    )
    // Number('') is 0: an empty seed ran as seed 0
    for (const seed of ['', ' ']) {
      expect(() => parseGenerateFlags({ ...BASE, seed })).toThrow(
        `--seed must be an integer, got '${seed}'`,
      )
    }
    expect(() => parseGenerateFlags({ ...BASE, plant: ' ' })).toThrow(
      '--plant is empty: name planted effects',
    )
  })

  it('rejects an impossible day in the library too', async () => {
    await expect(
      generateCompany({ customers: 5, start: '2024-02-30', end: '2024-06-30' }),
    ).rejects.toThrow(/start must be a date YYYY-MM-DD, got "2024-02-30"/)
  })

  it('refuses --plant together with --no-plant, in either order', async () => {
    for (const args of [
      ['--plant', 'region', '--no-plant'],
      ['--no-plant', '--plant', 'region'],
    ]) {
      const e = await parseCli(args)
      expect(e).toBeInstanceOf(UsageError)
      expect(String(e)).toMatch(/--plant and --no-plant cannot be used together/)
    }
    expect(() => parseGenerateFlags({ ...BASE, plant: false, plantConflict: true })).toThrow(
      UsageError,
    )
  })
})

describe('generated money', () => {
  it('formats money with exactly two decimals', () => {
    expect(moneyField(359)).toBe('359.00')
    expect(moneyField(261.1)).toBe('261.10')
    expect(moneyField(0)).toBe('0.00')
    expect(moneyField(12.34)).toBe('12.34')
    expect(moneyField(null)).toBe('')
  })

  it('writes every money column with two decimals, byte-identical for a seed', async () => {
    const [a, b] = [tempDir(), tempDir()]
    await writeCompany(
      { customers: 300, seed: 3, start: '2023-01-01', end: '2024-12-31', plants: [] },
      a,
    )
    await writeCompany(
      { customers: 300, seed: 3, start: '2023-01-01', end: '2024-12-31', plants: [] },
      b,
    )
    const money: Record<string, string[]> = {
      'orders.csv': ['amount', 'cost', 'discount'],
      'order_lines.csv': ['amount'],
      'returns.csv': ['amount'],
      'products.csv': ['list_price'],
    }
    const bad: string[] = []
    for (const [file, cols] of Object.entries(money)) {
      const text = readFileSync(join(a, file), 'utf8')
      expect(readFileSync(join(b, file), 'utf8')).toBe(text)
      const [head, ...rows] = text.trimEnd().split('\n')
      const names = (head ?? '').split(',')
      const idx = cols.map((c) => names.indexOf(c))
      expect(idx.every((k) => k >= 0)).toBe(true)
      // money columns come before any quoted free text, so a plain split finds them
      for (const row of rows) {
        const f = row.split(',')
        for (const k of idx) if (!/^\d+\.\d\d$/.test(f[k] ?? '')) bad.push(`${file}: ${row}`)
      }
      expect(rows.length).toBeGreaterThan(0)
    }
    expect(bad.slice(0, 5)).toEqual([])
  })
})

/** Each customer's first order time. */
function firstOrders(c: { orders: readonly Record<string, unknown>[] }): Map<string, string> {
  const first = new Map<string, string>()
  for (const o of c.orders) {
    const id = String(o.customer_id)
    const at = String(o.ordered_at)
    const f = first.get(id)
    if (f === undefined || at < f) first.set(id, at)
  }
  return first
}

describe('generated referrals', () => {
  it('draws referrers only from customers who had ordered by the referral date', async () => {
    const bad: string[] = []
    let referrals = 0
    for (const seed of [3, 11]) {
      const c = await generateCompany({ customers: 3000, seed, plants: [] })
      const first = firstOrders(c)
      for (const r of c.referrals) {
        referrals++
        const f = first.get(String(r.referrer_id))
        if (f === undefined || f > String(r.referred_at)) {
          bad.push(
            `seed ${seed}: ${r.referrer_id} (first order ${f}) -> ${r.referred_id} at ${r.referred_at}`,
          )
        }
      }
    }
    expect(referrals).toBeGreaterThan(300)
    expect(bad).toEqual([])
  })
})

describe('the largest seeds and small companies', () => {
  it('generates with the top seed of the accepted range (its side streams wrap, not overflow)', async () => {
    expect(sideSeed(1, 7919)).toBe(7920)
    expect(sideSeed(Number.MAX_SAFE_INTEGER, 7919)).toBe(-Number.MAX_SAFE_INTEGER + 7918)
    expect(sideSeed(Number.MAX_SAFE_INTEGER - 7918, 7919)).toBe(-Number.MAX_SAFE_INTEGER)
    expect(sideSeed(Number.MAX_SAFE_INTEGER - 7919, 7919)).toBe(Number.MAX_SAFE_INTEGER)
    for (const seed of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      const c = await generateCompany({ customers: 30, seed })
      expect(c.orders.length).toBeGreaterThan(0)
    }
  })

  it("dates every survey answer on or after the customer's first order", async () => {
    const bad: string[] = []
    let answers = 0
    for (const opts of [
      { customers: 3000, seed: 1 },
      // a short span: signups and first orders are close to the answers' window
      { customers: 1500, seed: 4, start: '2020-02-01', end: '2020-03-02' },
    ]) {
      const c = await generateCompany(opts)
      const first = firstOrders(c)
      for (const s of c.surveys) {
        answers++
        const f = first.get(String(s.customer_id))
        if (f === undefined || String(s.responded_at) < f) {
          bad.push(`${s.response_id} of ${s.customer_id} at ${s.responded_at}, first order ${f}`)
        }
      }
    }
    expect(answers).toBeGreaterThan(500)
    expect(bad).toEqual([])
  })

  it('builds the demo company of 3 customers, leaving out the files with no rows', async () => {
    const co = await buildDemoCompany({ customers: 3, seed: 1 })
    try {
      const engine = await openWorkspace(co.db)
      try {
        const [r] = await engine.query<{ n: number }>({
          sql: 'SELECT count(*)::INTEGER AS n FROM customers',
        })
        expect(r?.n).toBe(3)
      } finally {
        await engine.close()
      }
    } finally {
      rmSync(co.dir, { recursive: true, force: true })
    }
  })
})
