// `loyals fit` end to end on the fixture files: the published estimates come out of --json.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sig } from '../../src/cli/commands/fit.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

const fx = (p: string) => join('test/fixtures', p)
const rel = (a: number, b: number) => Math.abs(a / b - 1)

interface Json {
  model: string
  params: Record<string, number>
  standardErrors: Record<string, number>
  logLikelihood: number
  customers: number
  [k: string]: unknown
}
function fitJson(args: string[]): Json {
  const r = runCli(['fit', ...args, '--json'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Json
}

describe('loyals fit reproduces the published estimates', () => {
  it('BG/BB on donations.csv (Fader, Hardie & Shang 2010)', () => {
    const j = fitJson([fx('donations/donations.csv'), '--model', 'bgbb'])
    expect(Object.keys(j).slice(0, 5)).toEqual([
      'model',
      'params',
      'standardErrors',
      'logLikelihood',
      'customers',
    ])
    expect(j.model).toBe('bgbb')
    expect(j.customers).toBe(11104)
    const pub = { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 }
    for (const [k, v] of Object.entries(pub)) expect(rel(j.params[k]!, v)).toBeLessThan(1e-3)
    expect(Math.abs(j.logLikelihood - -33225.58)).toBeLessThan(0.01)
    expect(Object.keys(j.standardErrors)).toEqual(['alpha', 'beta', 'gamma', 'delta'])
  })

  it('Gamma-Gamma on the CDNOW summary with BTYD column names (m.x)', () => {
    const j = fitJson([fx('cdnow/cdnow_calibration_summary.csv'), '--model', 'gg'])
    expect(j.customers).toBe(946)
    const pub = { p: 6.2488, q: 3.7446, gamma: 15.4477 }
    for (const [k, v] of Object.entries(pub)) expect(rel(j.params[k]!, v)).toBeLessThan(1e-3)
    expect(Math.abs(j.logLikelihood - -4055.92)).toBeLessThan(0.01)
    expect(typeof j.correlation).toBe('number')
  })

  it('BG/NBD on the CDNOW summary (x, t.x, T.cal)', () => {
    const j = fitJson([fx('cdnow/cdnow_calibration_summary.csv'), '--model', 'bgnbd'])
    const pub = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
    for (const [k, v] of Object.entries(pub)) expect(rel(j.params[k]!, v)).toBeLessThan(1e-3)
    expect(Math.abs(j.logLikelihood - -9582.43)).toBeLessThan(0.01)
    expect(j.customers).toBe(2357)
  })

  it('the NBD on the CDNOW summary (Fader, Hardie & Lee 2005: r 0.385, alpha 12.072)', () => {
    const j = fitJson([fx('cdnow/cdnow_calibration_summary.csv'), '--model', 'nbd'])
    expect(j.model).toBe('nbd')
    expect(rel(j.params.r!, 0.385)).toBeLessThan(2e-3)
    expect(rel(j.params.alpha!, 12.072)).toBeLessThan(1e-3)
    expect(Math.abs(j.logLikelihood - -9763.66)).toBeLessThan(0.01)
  })

  it('a dropout model at its no-dropout limit says how to fit the NBD it names', async () => {
    // 400 customers simulated with little dropout: Pareto/NBD runs to its no-dropout limit
    const { bgnbd } = await import('../../src/index.ts')
    const sim = bgnbd.simulate({ r: 0.5, alpha: 5, a: 0.05, b: 50 }, 400, 52, 1)
    const rows = ['x,t_x,T', ...Array.from(sim.x, (x, i) => `${x},${sim.tx[i]},${sim.T[i]}`)]
    const file = join(tempDir('loyals-fit-nodrop-'), 'summary.csv')
    writeFileSync(file, `${rows.join('\n')}\n`)
    const r = runCli(['fit', file, '--model', 'pareto'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'the NBD (no dropout) is the model for these data (fit it with --model nbd)',
    )
    const nbd = fitJson([file, '--model', 'nbd'])
    expect(Number.isFinite(nbd.logLikelihood)).toBe(true)
  })

  it('the NBD whose rates do not differ reports its Poisson limit: one shared rate with its error', async () => {
    // purchases as even as a clock (less spread than Poisson): BG/NBD sends the user to the NBD,
    // whose r and alpha then grow together; the fit is the limit analyze uses, not an error
    const rows = Array.from({ length: 60 }, (_, i) => [4 + (i % 3), 9, 10 + (i % 2)] as const)
    const file = join(tempDir('loyals-fit-poisson-'), 'summary.csv')
    writeFileSync(file, `x,t_x,T\n${rows.map((r) => r.join(',')).join('\n')}\n`)
    expect(runCli(['fit', file, '--model', 'bgnbd']).stderr).toContain('--model nbd')
    const j = fitJson([file, '--model', 'nbd'])
    const sx = rows.reduce((a, r) => a + r[0], 0)
    const sT = rows.reduce((a, r) => a + r[2], 0)
    const lambda = sx / sT
    expect(j.model).toBe('nbd')
    expect(j.limit).toBe('poisson')
    expect(Object.keys(j.params)).toEqual(['lambda'])
    expect(j.params.lambda).toBeCloseTo(lambda, 12)
    expect(j.standardErrors.lambda).toBeCloseTo(Math.sqrt(lambda / sT), 12)
    const ll = rows.reduce((a, [x, , T]) => a + x * Math.log(lambda) - lambda * T, 0)
    expect(j.logLikelihood).toBeCloseTo(ll, 8)
    expect(j.aic).toBeCloseTo(2 - 2 * ll, 8)
    // the limit is the NBD's supremum: no (r, alpha) does better
    const { nbd, compressHistories } = await import('../../src/index.ts')
    const col = (k: number) => Float64Array.from(rows, (r) => r[k]!)
    const h = compressHistories(col(0), col(1), col(2))
    for (const r of [1, 100, 1e4])
      expect(nbd.logLikelihood({ r, alpha: r / lambda }, h)).toBeLessThan(ll)
  })

  it('BG/BB at its no-dropout limit does not send the user to the NBD, which cannot read its file', () => {
    // everyone transacted at every opportunity: BG/BB's limit, said without "--model nbd" (the
    // NBD of continuous time reads no file of frequency, recency and opportunities)
    const file = join(tempDir('loyals-fit-bgbb-all-'), 'bb.csv')
    writeFileSync(file, 'frequency,recency,periods,weights\n6,6,6,100\n3,3,3,20\n')
    const r = runCli(['fit', file, '--model', 'bgbb'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('every customer transacted at every opportunity')
    expect(r.stderr).not.toContain('--model nbd')
  })

  it('sBG on each cohort of the retention table (Fader & Hardie 2007)', () => {
    const file = fx('retention/fader_hardie_2007_survival.csv')
    const reg = fitJson([file, '--model', 'sbg', '--column', 'regular_pct_alive'])
    expect(Math.abs(reg.params.alpha! - 0.704)).toBeLessThan(5e-4)
    expect(Math.abs(reg.params.beta! - 1.182)).toBeLessThan(5e-4)
    expect(reg.cohort).toBe(1000)
    const r = runCli(['fit', file, '--model', 'sbg', '--json'])
    expect(r.code).toBe(0)
    const both = JSON.parse(r.stdout) as Json[]
    expect(both.map((b) => b.column)).toEqual(['regular_pct_alive', 'highend_pct_alive'])
    expect(Math.abs(both[1]!.params.alpha! - 0.668)).toBeLessThan(5e-4)
    expect(Math.abs(both[1]!.params.beta! - 3.806)).toBeLessThan(5e-4)
  })

  it('BG/NBD and Gamma-Gamma straight from the CDNOW orders file at --as-of 1997-09-30', () => {
    const orders = 'data/cdnow/cdnow_sample_orders.csv'
    const j = fitJson([orders, '--model', 'bgnbd', '--as-of', '1997-09-30'])
    expect(Math.abs(j.logLikelihood - -9582.43)).toBeLessThan(0.01)
    expect(j.customers).toBe(2357)
    const g = fitJson([orders, '--model', 'gg', '--as-of', '1997-09-30'])
    expect(g.customers).toBe(946)
    expect(Math.abs(g.logLikelihood - -4055.92)).toBeLessThan(0.01)
  })

  it('prints a readable table without --json', () => {
    const r = runCli(['fit', fx('donations/donations.csv'), '--model', 'bgbb'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^BG\/BB: 11,104 customers/)
    expect(r.stdout).toMatch(/alpha\s+1\.203/)
    expect(r.stdout).toMatch(/log-likelihood -33225\.58/)
  })
})

describe('loyals fit on bad input', () => {
  const dir = tempDir('loyals-fit-')
  const write = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }
  it('names file:line column for a non-numeric value', () => {
    const p = write('bad.csv', 'customer_id,x,t_x,T\na,1,2,3\nb,2,x7,9\n')
    const r = runCli(['fit', p, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/bad\.csv:3 t_x: "x7" is not a number/)
  })
  it('names every bad value of a summary in one run, each once', () => {
    const p = write('s3.csv', 'x,t_x,T\n-1,0,3\n1.5,2,10\nNaN,1,2\n1,,3\n2,5,4\n')
    const r = runCli(['fit', p, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n').slice(1)).toEqual([
      // fit names the file as given to it, by its base name
      `  s3.csv:2 x: must be a whole number >= 0 (got -1)`,
      `  s3.csv:3 x: must be a whole number >= 0 (got 1.5)`,
      `  s3.csv:4 x: "NaN" is not a number`,
      `  s3.csv:5 t_x: empty value`,
      `  s3.csv:6 t_x: t_x 5 is after T 4`,
    ])
  })
  it('names a row of repeat purchases in no time (x > 0, T = 0), not a run-off of alpha', () => {
    const p = write('t0.csv', 'x,t_x,T\n2,0,0\n1,3,8\n0,0,0\n')
    const r = runCli(['fit', p, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n').slice(1)).toEqual([
      '  t0.csv:2 T: T must be above 0 for a customer with repeat purchases (x 2 in no time)',
    ])
  })
  it('names a row of repeat purchases with t_x = 0 (the last repeat at the first purchase)', () => {
    const p = write('tx0.csv', 'x,t_x,T\n3,0,30\n1,3,8\n0,0,20\n')
    const r = runCli(['fit', p, '--model', 'pareto'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n').slice(1)).toEqual([
      '  tx0.csv:2 t_x: t_x must be above 0 when x is 3 (the last repeat purchase comes after the first)',
    ])
  })
  it('reads a number in quotes; refuses hexadecimal, Infinity and a column named twice', () => {
    const base = readFileSync(fx('cdnow/cdnow_calibration_summary.csv'), 'utf8').trim().split('\n')
    const plain = fitJson([write('plain.csv', `${base.join('\n')}\n`), '--model', 'bgnbd'])
    // the same file with every field quoted, as some spreadsheets save it
    const q = base
      .map((l) =>
        l
          .split(',')
          .map((v) => `"${v}"`)
          .join(','),
      )
      .join('\n')
    const quoted = fitJson([write('quoted.csv', `${q}\n`), '--model', 'bgnbd'])
    expect(quoted.logLikelihood).toBe(plain.logLikelihood)
    const hex = runCli([
      'fit',
      write('hex.csv', 'x,t_x,T\n0x10,20,30\n1,2,3\n'),
      '--model',
      'bgnbd',
    ])
    expect(hex.code).toBe(1)
    expect(hex.stderr).toMatch(/hex\.csv:2 x: "0x10" is not a number/)
    const inf = runCli(['fit', write('inf.csv', 'x,t_x,T\n1,2,Infinity\n'), '--model', 'bgnbd'])
    expect(inf.stderr).toMatch(/inf\.csv:2 T: "Infinity" is not a number/)
    const twice = runCli(['fit', write('twice.csv', 'x,t_x,T,x\n1,2,3,5\n'), '--model', 'bgnbd'])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(
      /twice\.csv: the column x appears twice in the header; rename or remove one/,
    )
  })
  it('--as-of and --unit with a summary or a BG/BB table: a usage error, not an unchanged fit', () => {
    const p = write('asof.csv', 'x,t_x,T\n1,2,3\n0,0,5\n2,4,6\n')
    const a = runCli(['fit', p, '--model', 'bgnbd', '--as-of', '1997-06-30'])
    expect(a.code).toBe(2)
    expect(a.stderr).toMatch(
      /--as-of applies when the model is fitted to orders .*a summary file is already summarized/,
    )
    const u = runCli(['fit', p, '--model', 'gg', '--unit', 'day', '--as-of', '1997-06-30'])
    expect(u.stderr).toMatch(/--as-of and --unit apply when/)
    const b = runCli(['fit', fx('donations/donations.csv'), '--model', 'bgbb', '--unit', 'month'])
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/--unit applies when .*a BG\/BB table is already summarized/)
  })
  it('a count past 2^53 - 1 is named as such, not fitted into a flat likelihood', () => {
    const p = write('huge.csv', 'x,t_x,T,weight\n3,20,39,1\n1e300,38,39,1\n1,5,30,1e20\n0,0,30,1\n')
    for (const model of ['bgnbd', 'pareto']) {
      const r = runCli(['fit', p, '--model', model])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(
        'huge.csv:3 x: must be a count of at most 9007199254740991, the largest whole number held exactly (got 1e+300)',
      )
      expect(r.stderr).toContain('huge.csv:4 weight: must be a count of at most 9007199254740991')
    }
    const bb = write('hugebb.csv', 'frequency,recency,periods,weights\n2,3,6,1e300\n1,1,6,3\n')
    const r = runCli(['fit', bb, '--model', 'bgbb'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('hugebb.csv:2 weights: must be a count of at most')
  })

  it('names file:line column for a negative x', () => {
    const p = write('neg.csv', 'x,t_x,T\n1,2,3\n-1,0,9\n')
    const r = runCli(['fit', p, '--model', 'pareto'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/neg\.csv:3 x: must be a whole number >= 0 \(got -1\)/)
  })
  it('reads a summary file of several batches whole, and names a bad line in a late batch', () => {
    // the CDNOW calibration summary 30 times over: 70,710 rows, more than one batch (65,536) of
    // the streamed read; the same rows once each with weight 30 must fit to the same optimum
    const [head, ...body] = readFileSync(fx('cdnow/cdnow_calibration_summary.csv'), 'utf8')
      .trim()
      .split('\n')
    const rows = Array.from({ length: 30 }, () => body).flat()
    const big = write('big.csv', `${head}\n${rows.join('\n')}\n`)
    const weighted = write(
      'weighted.csv',
      `${head},weight\n${body.map((r) => `${r},30`).join('\n')}\n`,
    )
    const a = fitJson([big, '--model', 'bgnbd'])
    const b = fitJson([weighted, '--model', 'bgnbd'])
    expect(a.customers).toBe(70_710)
    expect(b.customers).toBe(70_710)
    expect(a.histories).toBe(b.histories)
    expect(Math.abs(a.logLikelihood - b.logLikelihood)).toBeLessThan(1e-6)
    for (const k of ['r', 'alpha', 'a', 'b'])
      expect(rel(a.params[k]!, b.params[k]!)).toBeLessThan(1e-6)
    // t_x after T on file line 69,002 (data row 69,001), in the second batch
    rows[69_000] = '99999,2,60,41,0,10'
    const bad = write('late.csv', `${head}\n${rows.join('\n')}\n`)
    const r = runCli(['fit', bad, '--model', 'pareto'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/late\.csv:69002 t\.x: t_x 60 is after T 41/)
  })
  it("lifetimes' calibration columns are read; a summary without its x column is told so", () => {
    const cdnow = readFileSync(fx('cdnow/cdnow_calibration_summary.csv'), 'utf8')
    const [head, ...rest] = cdnow.split('\n')
    const renamed = head!
      .split(',')
      .map(
        (c) =>
          ({
            x: 'frequency_cal',
            't.x': 'recency_cal',
            'T.cal': 'T_cal',
            'm.x': 'monetary_value_cal',
          })[c] ?? c,
      )
      .join(',')
    const want = fitJson([fx('cdnow/cdnow_calibration_summary.csv'), '--model', 'bgnbd'])
    const got = fitJson([write('lifetimes.csv', [renamed, ...rest].join('\n')), '--model', 'bgnbd'])
    expect(renamed).toContain('frequency_cal,recency_cal,T_cal')
    expect(got.customers).toBe(2357)
    expect(got.logLikelihood).toBe(want.logLikelihood)
    const r = runCli(['fit', write('nox.csv', 't_x,T\n10,30\n'), '--model', 'bgnbd'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'nox.csv: no x (frequency) column in this summary file, beside t_x and T: fit reads x,t_x,T[,monetary][,weight]',
    )
  })
  it('a weight column written Weight or WEIGHTS is read as the weights, as weight is', () => {
    const rows = '0,0,30,50\n1,5,30,10\n2,20,30,5\n3,28,30,3\n1,25,30,8\n4,12,30,2\n'
    const want = fitJson([write('wl.csv', `x,t_x,T,weight\n${rows}`), '--model', 'bgnbd'])
    expect(want.customers).toBe(78)
    for (const name of ['Weight', 'WEIGHTS', 'Count']) {
      const got = fitJson([write(`w-${name}.csv`, `x,t_x,T,${name}\n${rows}`), '--model', 'bgnbd'])
      expect(got.customers, name).toBe(78)
      expect(got.logLikelihood, name).toBe(want.logLikelihood)
    }
    // a BG/BB table too
    const donations = readFileSync(fx('donations/donations.csv'), 'utf8')
    const bb = write('bbw.csv', donations.replace('weights', 'Weights'))
    const bbWant = fitJson([fx('donations/donations.csv'), '--model', 'bgbb'])
    const bbGot = fitJson([bb, '--model', 'bgbb'])
    expect(bbGot.customers).toBe(11_104)
    expect(bbGot.logLikelihood).toBe(bbWant.logLikelihood)
  })
  it('a weight of 0, a header alone and an empty file: the file named, exit 1', () => {
    const w = write('w0.csv', 'x,t_x,T,weight\n1,2,5,1\n2,3,5,0\n')
    const r = runCli(['fit', w, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('w0.csv:3 weight: must be a whole number > 0 (got 0)')
    const h = runCli(['fit', write('h.csv', 'x,t_x,T\n'), '--model', 'bgnbd', '--json'])
    expect(h.code).toBe(1)
    expect(h.stderr).toContain('h.csv: no data rows (only a header)')
    const e = runCli(['fit', write('e.csv', ''), '--model', 'sbg'])
    expect(e.code).toBe(1)
    expect(e.stderr).toContain('e.csv: the file is empty (0 bytes)')
  })
  it('says which column is missing', () => {
    const p = write('nocol.csv', 'x,t_x\n1,2\n')
    const r = runCli(['fit', p, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/missing column for T/)
    expect(r.stderr).toMatch(/found: x, t_x/)
  })
  it('gg without a spend column, and zero spend among repeaters', () => {
    const p = write('nospend.csv', 'x,t_x,T\n1,2,3\n')
    expect(runCli(['fit', p, '--model', 'gg']).stderr).toMatch(/monetary/)
    const q = write('zero.csv', 'x,t_x,T,monetary\n1,2,3,0\n2,2,3,10\n3,3,4,12\n')
    const r = runCli(['fit', q, '--model', 'gg'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /1 customer with repeat purchases has a zero, negative or missing mean spend/,
    )
    // nobody with a positive spend: excluding them would leave nothing, so that is not suggested
    const z = write('allzero.csv', 'x,t_x,T,monetary\n1,2,3,0\n2,2,3,0\n0,0,4,0\n')
    const a = runCli(['fit', z, '--model', 'gg'])
    expect(a.code).toBe(1)
    expect(a.stderr).toContain(
      'no customer with repeat purchases has a positive mean spend (all 2 have zero',
    )
    expect(a.stderr).not.toContain('--exclude-nonpositive')
  })
  it('lists 20 summary rows and counts the rest, with no hint of an option fit lacks', () => {
    // 25 repeaters without spend: the message lists 20, as the import does; --rejects is an option
    // of `loyals import`
    const rows = ['x,t_x,T,monetary']
    for (let i = 0; i < 25; i++) rows.push('1,2,3,0')
    const r = runCli(['fit', write('many-zero.csv', rows.join('\n')), '--model', 'gg'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\.\.\. and 5 more problems\n/)
    expect(r.stderr).not.toContain('--rejects')
  })
  it('BG/BB names the file line of a history the model cannot have', () => {
    // rows 2 and 4 are the same history: the model sees them as one, the message still names line 5
    const p = write('bb.csv', 'frequency,recency,n,weight\n1,2,6,10\n0,0,6,5\n1,2,6,1\n7,2,6,1\n')
    const r = runCli(['fit', p, '--model', 'bgbb'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `bb.csv:5 recency: BG/BB needs frequency <= recency <= periods, and recency 0 exactly when frequency is 0 (got frequency 7, recency 2, periods 6)`,
    )
  })
  it('BG/BB and sBG given a workspace, orders or a customer summary say what they read', () => {
    const ws = join(dir, 'ws.duckdb')
    const orders = join('data', 'cdnow', 'cdnow_sample_orders.csv')
    expect(runCli(['import', orders, '--db', ws]).code).toBe(0)
    for (const [args, what] of [
      [['--db', ws, '--model', 'bgbb'], 'is a workspace'],
      [[ws, '--model', 'sbg'], 'is a workspace'],
      [[orders, '--model', 'bgbb'], 'is an orders file'],
      [[fx('cdnow/cdnow_calibration_summary.csv'), '--model', 'sbg'], 'is a per-customer summary'],
    ] as const) {
      const r = runCli(['fit', ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`^error: --model (bgbb|sbg) fits .*; .* ${what}\n$`))
    }
  })
  it('sBG refuses a survival table whose periods skip or go back (each row is read as the next period)', () => {
    const gap = write('gap.csv', 'year,alive\n0,100\n1,63.1\n3,40.2\n4,34.6\n')
    const r = runCli(['fit', gap, '--model', 'sbg'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'gap.csv:4 year: periods must go up by one from row to row (1 then 3): the model needs the share of every period',
    )
  })
  it('a summary separated by semicolons or tabs, or with upper-case columns, says what to change', () => {
    for (const [name, body, msg] of [
      ['semi.csv', 'x;t_x;T\n2;30.4;38.9\n', "separated by ';'"],
      ['tab.tsv', 'x\tt_x\tT\n2\t30.4\t38.9\n', 'separated by tabs'],
      ['upper.csv', 'X,T_X,T\n2,30.4,38.9\n', 'named x, t_x and T'],
    ] as const) {
      const r = runCli(['fit', write(name, body), '--model', 'bgnbd'])
      expect(r.code, name).toBe(2)
      expect(r.stderr).toContain(msg)
      expect(r.stderr).not.toContain('loyals fit FILE')
    }
  })
  it('flags for reading orders, given with a summary or BG/BB table, are said to change nothing', () => {
    const sum = fx('cdnow/cdnow_calibration_summary.csv')
    const r = runCli(['fit', sum, '--model', 'bgnbd', '--tz', 'Europe/Berlin', '--skip-bad-rows'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(
      'is a summary file, not an orders file, so --tz, --skip-bad-rows change nothing here',
    )
    const bb = runCli(['fit', fx('donations/donations.csv'), '--model', 'bgbb', '--decimal-comma'])
    expect(bb.stderr).toContain(
      'is a BG/BB table (frequency, recency, periods), not an orders file',
    )
    // $LOYALS_TZ is no flag given: nothing to say
    const quiet = runCli(['fit', sum, '--model', 'bgnbd'], { env: { LOYALS_TZ: 'Europe/Berlin' } })
    expect(quiet.stderr).not.toContain('note:')
  })
  it("a summary below blank lines or Excel's sep= line is read, and its lines keep their numbers", () => {
    const body = readFileSync(fx('cdnow/cdnow_calibration_summary.csv'), 'utf8')
    const plain = fitJson([fx('cdnow/cdnow_calibration_summary.csv'), '--model', 'bgnbd'])
    for (const [name, lead] of [
      ['blank.csv', '\n\n'],
      ['sep.csv', 'sep=,\r\n'],
      ['both.csv', '\nsep=,\n'],
    ] as const) {
      const j = fitJson([write(name, lead + body), '--model', 'bgnbd'])
      expect(j.params, name).toEqual(plain.params)
    }
    // the bad row is named at the line an editor shows: two lines above the header, then row 1
    const bad = write('bad.csv', '\nsep=,\nx,t_x,T\n2,30.4,38.9\n1,abc,3\n')
    const r = runCli(['fit', bad, '--model', 'bgnbd'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/bad\.csv:5 t_x: /)
    // a sep=; line names the separator: the advice is about it, not about orders
    const semi = write('semi-sep.csv', 'sep=;\nx;t_x;T\n2;30.4;38.9\n')
    const s = runCli(['fit', semi, '--model', 'bgnbd'])
    expect(s.code).toBe(2)
    expect(s.stderr).toContain("separated by ';'")
  })
  it('a BG/BB table given to another model names --model bgbb', () => {
    for (const model of ['bgnbd', 'pareto', 'gg']) {
      const r = runCli(['fit', fx('donations/donations.csv'), '--model', model])
      expect(r.code, model).toBe(2)
      expect(r.stderr).toContain(
        "a table of frequency, recency and periods is BG/BB's (transactions at discrete opportunities): fit it with --model bgbb",
      )
    }
  })
  it('rejects an unknown model as a usage error', () => {
    const r = runCli(['fit', fx('donations/donations.csv'), '--model', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--model must be one of/)
  })
  it('a fit that cannot converge says why, with the optimizer diagnostics, and exits 1', () => {
    // 50 customers who never came back and one who did: no sign of anyone dropping out
    const rows = Array.from({ length: 50 }, (_, i) => `0,0,${20 + (i % 7)}`)
    const p = write('flat.csv', `x,t_x,T\n${rows.join('\n')}\n1,5,30\n`)
    const r = runCli(['fit', p, '--model', 'pareto', '--json'])
    expect(r.code).toBe(1)
    // --json: the error as JSON on stdout too, for the script reading it
    const out = JSON.parse(r.stdout) as {
      error: { code: string; message: string; exitCode: number }
    }
    expect(out.error).toMatchObject({ code: 'convergence_error', exitCode: 1 })
    expect(out.error.message).toMatch(/^parameter \w+ ran off to (infinity|zero)/)
    expect(r.stderr).toMatch(/^error: parameter \w+ ran off to (infinity|zero)/)
    expect(r.stderr).toMatch(
      /diagnostics: \d+ iterations, \d+ start values tried, gradient norm [\d.e+-]+ where it stopped, mean negative log-likelihood [\d.]+/,
    )
  })
})

describe('loyals fit and summary on transaction logs that need reading options', () => {
  const apparel = fx('apparel/apparelTrans.csv')
  const grocery = fx('grocery/groceryElog.csv')

  it('summary and fit take --map for an orders file, as import does', () => {
    const s = runCli(['summary', apparel, '--map', 'customer_id=Id', '--as-of', '2005-10-09'])
    expect({ code: s.code, stderr: s.stderr }).toEqual({ code: 0, stderr: '' })
    const rows = s.stdout.trim().split('\n')
    expect(rows.length).toBe(601)
    expect(rows[0]).toMatch(/^customer_id,x,t_x,T,monetary,/)
    // customer 1: 2005-01-02, 2005-09-06 (and later): x = 1, t_x = 247 days, T = 280 days
    expect(rows.find((r) => r.startsWith('1,'))).toMatch(/^1,1,35\.28571428571428\d*,40\.0,84\.39,/)
    const g = fitJson([grocery, '--model', 'bgnbd', '--as-of', '2006-12-31'])
    expect(g.customers).toBe(1525)
    expect(Number.isFinite(g.logLikelihood)).toBe(true)
  })

  it('fit reads a bare Id as the customer of an orders file and says so on stderr', () => {
    const mapped = fitJson([
      apparel,
      '--map',
      'customer_id=Id',
      '--model',
      'bgnbd',
      '--as-of',
      '2005-10-09',
    ])
    const r = runCli(['fit', apparel, '--model', 'bgnbd', '--as-of', '2005-10-09', '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(
      'no column is named for the customer, so Id was read as the customer id (--map customer_id=COLUMN names another).',
    )
    const guessed = JSON.parse(r.stdout)
    expect(guessed.customers).toBe(600)
    expect(guessed.logLikelihood).toBe(mapped.logLikelihood)
    expect(guessed.params).toEqual(mapped.params)
    // the text output counts the customers the orders were summarized into, not rows read
    const t = runCli(['fit', apparel, '--model', 'bgnbd', '--as-of', '2005-10-09'])
    expect(t.stdout).toMatch(/^summarized the orders file into 600 customers in \d+ ms$/m)
  })

  it('analyze says on the terminal which models could not be fitted, and why', () => {
    const out = tempDir('loyals-apparel-')
    const r = runCli([
      'analyze',
      apparel,
      '--map',
      'customer_id=Id',
      '--as-of',
      '2005-10-10',
      '--no-value',
      '--no-insights',
      '--out',
      out,
    ])
    expect(r.code).toBe(0)
    // BG/NBD's a and b and Pareto/NBD's s and beta run off together here: each is fitted at
    // that limit, a dropout shared by all, and said so
    expect(r.stdout).toMatch(/^Note: BG\/NBD: a and b ran off together: .* same probability 0\.14/m)
    expect(r.stdout).toMatch(
      /^Note: Pareto\/NBD: s and beta ran off together: customers do not differ in dropout rate, .* same rate 0\.008\d+ per period/m,
    )
    // by RMSE: Pareto/NBD, with the lowest MAE but 36 % too few purchases, is behind
    expect(r.stdout).toMatch(
      /BG\/NBD and MBG\/NBD predict the holdout equally well .* further behind: root mean squared error [\d.]+ for Pareto\/NBD/,
    )
  })

  it('a Pareto/NBD fit whose dropout does not vary between customers is fitted at that limit and says so, with the common rate', () => {
    // apparel at week 40: s and beta of Pareto/NBD grow together (one dropout rate for all)
    const args = [apparel, '--map', 'customer_id=Id', '--model', 'pareto', '--as-of', '2005-10-10']
    const r = runCli(['fit', ...args])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^note: s and beta ran off together: customers do not differ in dropout rate, so every customer drops out at the same rate 0\.008\d+ per period \(95 % interval 0\.00\d+ to 0\.0\d+;/m,
    )
    // the limit's s and beta have no standard errors; r and alpha do
    const j = fitJson(args)
    expect(j.standardErrors.s).toBeNull()
    expect(j.standardErrors.r).toBeGreaterThan(0)
  })
})

describe('the fit table', () => {
  it("shows '–' where a figure is not finite, as the JSON gives null", () => {
    expect([sig(Number.NaN), sig(Number.POSITIVE_INFINITY), sig(1e5), sig(0.5), sig(0)]).toEqual([
      '–',
      '–',
      '1.0000e+5',
      '0.500000',
      '0.00000',
    ])
  })
})
