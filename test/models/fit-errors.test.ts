// Input a model cannot use is reported where it is: the file line and column of a summary or
// survival table, the customer ids of an orders file. The core's own messages stay as they were.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import * as bgnbd from '../../src/core/models/bgnbd.ts'
import { fitGammaGamma } from '../../src/core/models/gamma-gamma.ts'
import * as mbgnbd from '../../src/core/models/mbgnbd.ts'
import * as paretoNbd from '../../src/core/models/pareto-nbd.ts'
import { survivalToCounts } from '../../src/core/models/sbg.ts'
import { DataError, formatProblem, ImportError, UsageError } from '../../src/errors.ts'
import { fitFile } from '../../src/service/fit.ts'
import { tempDir } from '../helpers/cli.ts'

const dir = tempDir('loyals-fit-errors-')
const write = (name: string, body: string): string => {
  const p = join(dir, name)
  writeFileSync(p, body)
  return p
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    if (e instanceof Error) return e
    throw e
  }
  throw new Error('expected the fit to fail')
}

async function importError(p: Promise<unknown>): Promise<ImportError> {
  const e = await rejection(p)
  if (!(e instanceof ImportError)) throw e
  return e
}

// the CDNOW calibration summary (BTYD names: m.x) has 946 repeaters with a positive mean spend
const CDNOW = readFileSync('test/fixtures/cdnow/cdnow_calibration_summary.csv', 'utf8').trimEnd()
const cdnowWith = (name: string, extra: readonly string[]): string => {
  const [head, ...rows] = CDNOW.split('\n')
  const cols = head!.split(',')
  const row = (x: number, m: number) =>
    cols.map((c) => (c === 'x' ? x : c === 'm.x' ? m : c === 't.x' ? (x > 0 ? 1 : 0) : 2)).join(',')
  const parsed = extra.map((e) => {
    const [x, m] = e.split(':').map(Number)
    return row(x!, m!)
  })
  // the bad rows go on lines 3, 4, ... (after the first customer), as a user's file would have them
  return write(name, [head, rows[0], ...parsed, ...rows.slice(1)].join('\n'))
}

describe('Gamma-Gamma on a summary file names the rows without a positive spend', () => {
  it('a negative mean spend: file:line column: reason, and the advice to exclude', async () => {
    const p = cdnowWith('neg.csv', ['1:-11.77'])
    const e = await importError(fitFile(p, { model: 'gg' }))
    expect(e.message).toBe(
      'neg.csv: 1 customer with repeat purchases has a zero, negative or missing mean spend; the Gamma-Gamma model needs positive spend (exclude them, e.g. with --exclude-nonpositive; excludeNonPositive in the library)',
    )
    expect(e.problems.map(formatProblem)).toEqual([
      'neg.csv:3 m.x: mean spend must be > 0 for a customer with repeat purchases (got -11.77 with x = 1)',
    ])
    // with the option the row is left out and the fit is the published one
    const [r] = await fitFile(p, { model: 'gg', excludeNonPositive: true })
    expect(r!.extra.excluded).toBe(1)
    expect(r!.customers).toBe(946)
  })

  it('an empty mean spend of a repeater: a bad value, left out with --exclude-nonpositive', async () => {
    const p = cdnowWith('empty.csv', ['1:NaN'])
    const text = readFileSync(p, 'utf8').replace(/NaN/, '')
    writeFileSync(p, text)
    const e = await importError(fitFile(p, { model: 'gg' }))
    expect(e.problems.map(formatProblem)).toEqual([
      'empty.csv:3 m.x: empty value for a customer with repeat purchases',
    ])
    // as docs/models.md says: a missing m_x is left out like a zero or negative one
    const [r] = await fitFile(p, { model: 'gg', excludeNonPositive: true })
    expect(r!.extra.excluded).toBe(1)
    expect(r!.customers).toBe(946)
  })

  it('many: the first twenty lines (as the import names them), the total, and weighted customers counted as the model does', async () => {
    const bad = Array.from({ length: 22 }, (_, i) => `${i + 1}:${i % 2 === 0 ? 0 : -1}`)
    const e = await importError(fitFile(cdnowWith('many.csv', bad), { model: 'gg' }))
    expect(e.message).toMatch(/^many\.csv: 22 customers with repeat purchases have a zero/)
    expect(e.problems).toHaveLength(20)
    expect(e.problems.map((q) => q.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 3))
    expect(e.details.total).toBe(22)
    expect(e.problems[1]!.reason).toContain('(got -1 with x = 2)')

    const w = write('w.csv', 'x,monetary,weight\n1,10,3\n2,0,4\n0,0,9\n2,12,1\n')
    const f = await importError(fitFile(w, { model: 'gg' }))
    // 4 customers on one line
    expect(f.message).toMatch(/^w\.csv: 4 customers with repeat purchases have/)
    expect(f.problems.map(formatProblem)).toEqual([
      'w.csv:3 monetary: mean spend must be > 0 for a customer with repeat purchases (got 0 with x = 2)',
    ])
  })

  it('nobody with a positive spend: named too, without advice to exclude them all', async () => {
    const p = write('allzero.csv', 'x,t_x,T,monetary\n1,2,3,0\n2,2,3,-5\n0,0,4,0\n')
    for (const excludeNonPositive of [false, true]) {
      const e = await importError(fitFile(p, { model: 'gg', excludeNonPositive }))
      expect(e.message).toContain(
        'allzero.csv: no customer with repeat purchases has a positive mean spend (all 2 have zero',
      )
      expect(e.message).not.toContain('--exclude-nonpositive')
      expect(e.problems.map((q) => `${q.line} ${q.column}`)).toEqual(['2 monetary', '3 monetary'])
    }
  })
})

describe('Gamma-Gamma on orders names the customers without a positive spend', () => {
  it('a customer whose orders are all free: the id, the count, the advice', async () => {
    const orders = readFileSync('data/cdnow/cdnow_sample_orders.csv', 'utf8').trimEnd()
    const zero = ['1997-02-01', '1997-03-01', '1997-05-01', '1997-07-01'].map(
      (d) => `Z_ZERO,${d},1,0.00`,
    )
    const p = write('edge.csv', `${orders}\n${zero.join('\n')}\n`)
    const e = await rejection(fitFile(p, { model: 'gg', asOf: '1997-09-30' }))
    expect(e).toBeInstanceOf(DataError)
    expect(e.message).toBe(
      'edge.csv: 1 customer with repeat purchases has a zero, negative or missing mean spend (customer Z_ZERO); the Gamma-Gamma model needs positive spend (exclude them, e.g. with --exclude-nonpositive; excludeNonPositive in the library)',
    )
    expect((e as DataError).details.customers).toEqual(['Z_ZERO'])
  }, 60_000)

  it('several: the first five ids and how many more', async () => {
    const rows = ['customer_id,ordered_at,amount']
    for (let c = 1; c <= 30; c++) {
      // customers 3, 6, ..., 21 return only free orders: 7 of them
      const free = c % 3 === 0 && c <= 21
      for (let k = 0; k < 3; k++) {
        rows.push(`${c},1997-0${1 + k * 2}-${String(c).padStart(2, '0')},${free ? 0 : 10 + c + k}`)
      }
    }
    const p = write('several.csv', `${rows.join('\n')}\n`)
    const e = await rejection(fitFile(p, { model: 'gg' }))
    expect(e).toBeInstanceOf(DataError)
    expect(e.message).toContain(
      '7 customers with repeat purchases have a zero, negative or missing mean spend (customers 3, 6, 9, 12, 15 and 2 more); ',
    )
    expect(e.message).toContain('--exclude-nonpositive')
  }, 60_000)
})

describe('a weight counts customers: a whole number > 0, named by file line', () => {
  const DONATIONS = readFileSync('test/fixtures/donations/donations.csv', 'utf8').trimEnd()

  it('a summary weight of 0 (dropped without a word), negative or fractional, for every model', async () => {
    const p = write(
      'w0.csv',
      'x,t_x,T,monetary,weight\n1,2,5,10,1\n2,3,5,12,0\n1,1,5,9,-2\n0,0,5,,1.5\n',
    )
    for (const model of ['bgnbd', 'mbgnbd', 'pareto', 'gg'] as const) {
      const e = await importError(fitFile(p, { model }))
      expect(e.problems.map(formatProblem), model).toEqual([
        'w0.csv:3 weight: must be a whole number > 0 (got 0)',
        'w0.csv:4 weight: must be a whole number > 0 (got -2)',
        'w0.csv:5 weight: must be a whole number > 0 (got 1.5)',
      ])
    }
  })

  it('CDNOW with two rows of weight 0: named, not 2,357 customers of 2,359 rows', async () => {
    const [head, ...rows] = CDNOW.split('\n')
    const body = rows.map((r, i) => `${r},${i === 5 || i === 9 ? 0 : 1}`)
    const p = write('cdnow-w0.csv', [`${head},weight`, ...body].join('\n'))
    const e = await importError(fitFile(p, { model: 'bgnbd' }))
    expect(e.problems.map(formatProblem)).toEqual([
      'cdnow-w0.csv:7 weight: must be a whole number > 0 (got 0)',
      'cdnow-w0.csv:11 weight: must be a whole number > 0 (got 0)',
    ])
  })

  it('a BG/BB weight of 0 or with a fraction (donations.csv + 0.5 fitted)', async () => {
    const [head, ...rows] = DONATIONS.split('\n')
    const half = rows.map((r) => r.replace(/\d+$/, (w) => `${Number(w) + 0.5}`))
    const e = await importError(
      fitFile(write('half.csv', [head, ...half].join('\n')), { model: 'bgbb' }),
    )
    expect(e.details.total).toBe(rows.length)
    expect(formatProblem(e.problems[0]!)).toBe(
      'half.csv:2 weights: must be a whole number > 0 (got 3464.5)',
    )
    const zero = write('bb0.csv', 'frequency,recency,periods,weights\n1,2,6,10\n0,0,6,0\n')
    const z = await importError(fitFile(zero, { model: 'bgbb' }))
    expect(z.problems.map(formatProblem)).toEqual([
      'bb0.csv:3 weights: must be a whole number > 0 (got 0)',
    ])
    // whole weights still fit to the published estimates
    const [r] = await fitFile('test/fixtures/donations/donations.csv', { model: 'bgbb' })
    expect(r!.customers).toBe(11104)
  })
})

describe('one customer is too few to fit, said as such for every model of purchases', () => {
  it('a summary of one row, and an orders file of one customer: not "no sign of dropout"', async () => {
    const one = write('one.csv', 'customer_id,x,t_x,T\nA,3,20,30\n')
    const orders = write(
      'one-orders.csv',
      'customer_id,ordered_at,amount\nA,2024-01-01,5\nA,2024-02-01,5\nA,2024-03-05,5\n',
    )
    for (const [model, name] of [
      ['bgnbd', 'BG/NBD'],
      ['mbgnbd', 'MBG/NBD'],
      ['pareto', 'Pareto/NBD'],
      ['nbd', 'NBD (no dropout)'],
    ] as const) {
      for (const file of [one, orders]) {
        const e = await rejection(
          fitFile(file, { model, ...(file === orders ? { asOf: '2024-06-30' } : {}) }),
        )
        expect(e).toBeInstanceOf(DataError)
        expect(e.message).toBe(
          `there is one customer to fit: the ${name} model estimates how customers differ (its parameters describe a population), which takes many customers' histories`,
        )
      }
    }
    // two customers are a population, however small: fitted (or refused for what they show)
    const two = write('two.csv', 'customer_id,x,t_x,T\nA,3,20,30\nB,0,0,30\n')
    const e = await rejection(fitFile(two, { model: 'bgnbd' })).catch(() => null)
    expect(e?.message ?? '').not.toMatch(/one customer/)
  })
})

describe('an empty or header-only table is said as the import says it, for every model', () => {
  const HEADERS = {
    bgnbd: 'x,t_x,T',
    mbgnbd: 'x,t_x,T',
    pareto: 'x,t_x,T',
    gg: 'x,t_x,T,monetary',
    bgbb: 'frequency,recency,periods,weights',
    sbg: 'year,pct',
  } as const

  it('a header alone (or with blank lines), not "no customers to fit" or a model error', async () => {
    for (const [model, head] of Object.entries(HEADERS) as [keyof typeof HEADERS, string][]) {
      for (const [name, body] of [
        [`h-${model}.csv`, `${head}\n`],
        [`hb-${model}.csv`, `${head}\r\n\r\n\n`],
      ] as const) {
        const e = await importError(fitFile(write(name, body), { model }))
        expect(e.message, model).toBe(`${name}: no data rows (only a header)`)
      }
    }
  })

  it('0 bytes, not a missing column or a survival curve too short', async () => {
    const p = write('e.csv', '')
    for (const model of Object.keys(HEADERS) as (keyof typeof HEADERS)[]) {
      const e = await importError(fitFile(p, { model }))
      // the purchase models read it as orders, whose import names the path as given
      expect(e.message, model).toMatch(/(^|\/)e\.csv: the file is empty \(0 bytes\)$/)
    }
  })

  it('blank lines only, or a byte-order mark alone: "only blanks", not a missing column', async () => {
    for (const [name, body] of [
      ['ws.csv', '   \n\t\n'],
      ['blank.csv', '\n\n'],
      ['bom.csv', '\ufeff'],
    ] as const) {
      const p = write(name, body)
      for (const model of Object.keys(HEADERS) as (keyof typeof HEADERS)[]) {
        const e = await importError(fitFile(p, { model }))
        expect(e.message, `${model} ${name}`).toMatch(
          new RegExp(`(^|/)${name.replace('.', '\\.')}: the file is empty \\(only blanks\\)$`),
        )
      }
    }
  })
})

describe('sBG names the file line of a survival curve the model cannot read', () => {
  it('a share that rises', async () => {
    const p = write('rise.csv', 'year,pct\n0,100\n1,60\n2,70\n')
    const e = await importError(fitFile(p, { model: 'sbg' }))
    expect(e.problems.map(formatProblem)).toEqual([
      "rise.csv:4 pct: share still active (70) must be between 0 and the previous period's (60)",
    ])
  })

  it('a head count that rises, in the second of two columns; every rising row is named', async () => {
    const p = write('counts.csv', 'year,a,b\n0,100,1000\n1,60,600\n2,40,700\n3,30,650\n4,20,660\n')
    const e = await importError(fitFile(p, { model: 'sbg' }))
    expect(e.problems.map(formatProblem)).toEqual([
      "counts.csv:4 b: customers still active (700) must be between 0 and the previous period's (600)",
      "counts.csv:6 b: customers still active (660) must be between 0 and the previous period's (650)",
    ])
  })

  it('a curve that does not start at 100 %', async () => {
    const p = write('start.csv', 'year,pct\n0,90\n1,60\n')
    const e = await importError(fitFile(p, { model: 'sbg' }))
    expect(e.problems.map(formatProblem)).toEqual([
      'start.csv:2 pct: the survival curve must start at 100 % of the cohort (got 90); give the share still active at the start of each period',
    ])
  })

  it('a flat curve, shares of 1 and ties within rounding still fit', async () => {
    const p = write('ok.csv', 'year,s\n0,1\n1,0.6\n2,0.6\n3,0.45\n')
    const [r] = await fitFile(p, { model: 'sbg' })
    expect(r!.extra.periods).toBe(3)
  })
})

describe('sBG --cohort against a table of head counts', () => {
  const HEADS = 'year,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n'

  it('a --cohort that contradicts the counts is a usage error, not silently ignored', async () => {
    const p = write('heads.csv', HEADS)
    const e = await rejection(fitFile(p, { model: 'sbg', cohort: 500 }))
    expect(e).toBeInstanceOf(UsageError)
    expect(e.message).toBe(
      '--cohort 500 contradicts heads.csv column alive: it holds head counts, and its first row (line 2) says the cohort is 1000 customers; leave --cohort out (it applies to shares or percentages)',
    )
    // the count the file states, given again, agrees with it
    const [r] = await fitFile(p, { model: 'sbg', cohort: 1000 })
    expect(r!.customers).toBe(1000)
    expect(r!.extra.cohortAssumed).toBe(false)
  })

  it('--cohort still sizes a table of percentages', async () => {
    const p = write('pct.csv', 'year,pct\n0,100\n1,63.1\n2,46.8\n3,38.2\n')
    const [r] = await fitFile(p, { model: 'sbg', cohort: 500 })
    expect(r!.customers).toBeCloseTo(500, 9)
    expect(r!.extra.cohort).toBe(500)
  })
})

describe('the core keeps its own messages for library callers', () => {
  it('survivalToCounts and fitGammaGamma', () => {
    expect(() => survivalToCounts([100, 60, 70])).toThrow(
      "period 2: share still active (70) must be between 0 and the previous period's (60)",
    )
    expect(() => fitGammaGamma({ x: [1, 2, 3], mx: [-1, 5, 6] })).toThrow(
      '1 customer with repeat purchases has a zero, negative or missing mean spend; the Gamma-Gamma model needs positive spend (exclude them, e.g. with --exclude-nonpositive; excludeNonPositive in the library)',
    )
    expect(() => fitGammaGamma({ x: [1, 2], mx: [0, -5] })).toThrow(
      'no customer with repeat purchases has a positive mean spend (all 2 have zero, negative or missing spend; orders without amounts?): the Gamma-Gamma spend model has nothing to fit',
    )
  })
})

describe("a fit's start values", () => {
  const h = compressHistories([0, 1, 2, 3, 0, 5], [0, 5, 20, 28, 0, 12], [30, 30, 30, 30, 20, 30])
  it('are named when one is not a finite number above 0, or no parameter of the model', () => {
    for (const [fitWith, model] of [
      [(s: object) => bgnbd.fit(h, { start: s }), 'bgnbd'],
      [(s: object) => mbgnbd.fit(h, { start: s }), 'mbgnbd'],
      [(s: object) => paretoNbd.fit(h, { start: s }), 'pareto'],
    ] as const) {
      expect(() => fitWith({ r: -1 }), model).toThrow(UsageError)
      expect(() => fitWith({ r: -1 }), model).toThrow(
        `${model}: start.r must be a finite number above 0 (got -1)`,
      )
      expect(() => fitWith({ alpha: Number.NaN }), model).toThrow(
        `${model}: start.alpha must be a finite number above 0 (got NaN)`,
      )
      expect(() => fitWith({ alhpa: 4 }), model).toThrow(
        `${model}: start.alhpa is no parameter of the model`,
      )
      // a good start is taken
      expect(fitWith({ r: 0.5, alpha: 10 }).params.r, model).toBeGreaterThan(0)
    }
  })
})

describe('hand-built histories', () => {
  it('whose customers are not the sum of their weights are refused (the BIC counts them)', () => {
    const h = compressHistories([0, 1, 2, 3, 0, 5], [0, 5, 20, 28, 0, 12], [30, 30, 30, 30, 20, 30])
    expect(h.customers).toBe(6)
    expect(() => bgnbd.fit({ ...h, customers: 5 })).toThrow(DataError)
    expect(() => bgnbd.fit({ ...h, customers: 5 })).toThrow(
      'histories: customers must be the sum of the weights (got customers 5, weights summing to 6)',
    )
    expect(() => paretoNbd.fit({ ...h, customers: 400 })).toThrow(/customers must be the sum/)
  })
})
