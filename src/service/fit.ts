// `fit` use case: read a summary / BG-BB / survival table (a hand-written byte-level CSV number parser,
// so a million rows load in ~0.1 s without per-row objects) or build the summary from orders, then
// fit one model and report parameters named as in the papers.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { compressHistories } from '../core/compress.ts'
import { fitBgbb } from '../core/models/bgbb.ts'
import * as bgnbd from '../core/models/bgnbd.ts'
import { fitGammaGamma } from '../core/models/gamma-gamma.ts'
import * as mbgnbd from '../core/models/mbgnbd.ts'
import * as pareto from '../core/models/pareto-nbd.ts'
import { DEFAULT_COHORT, fitSbg, survivalToCounts } from '../core/models/sbg.ts'
import type { FitResult } from '../core/models/types.ts'
import { DataError, ImportError, UsageError } from '../errors.ts'
import { isDuckDbFile, openSource } from './source.ts'
import { buildCustomerSummary, type TimeUnit, writeCustomerSummary } from './summary.ts'

export const FIT_MODELS = ['bgnbd', 'mbgnbd', 'pareto', 'bgbb', 'gg', 'sbg'] as const
export type FitModelName = (typeof FIT_MODELS)[number]

export interface FitOptions {
  readonly model: FitModelName
  /** Calibration end for orders files and workspaces (default: the last order day). */
  readonly asOf?: string
  /** Unit of t_x and T when the summary is built from orders (default week). */
  readonly unit?: TimeUnit
  /** sBG: which survival column to fit (default: every share column). */
  readonly column?: string
  /** sBG: cohort size behind percentage shares (default 1000, as in Fader & Hardie 2007). */
  readonly cohort?: number
  /** Gamma-Gamma: leave out repeaters with zero/negative spend instead of failing. */
  readonly excludeNonPositive?: boolean
  readonly tz?: string
}

/** What `loyals fit --json` prints (plus `extra` fields spread in). */
export interface FitReport {
  readonly model: FitModelName
  readonly params: Record<string, number>
  readonly standardErrors: Record<string, number>
  readonly confidenceIntervals: Record<string, readonly [number, number]>
  readonly logLikelihood: number
  readonly customers: number
  readonly aic: number
  readonly bic: number
  readonly iterations: number
  /** Model-specific facts: distinct histories, spend correlation, warnings, sBG column, ... */
  readonly extra: Record<string, unknown>
  /** How the input was read, for the timing line. */
  readonly input: { readonly kind: string; readonly rows: number; readonly readMs: number }
}

// ---------------------------------------------------------------------------------------------
// CSV of numbers

/** Numeric columns of a CSV, as typed arrays, with the 1-based file line of every data row. */
export interface NumericTable {
  readonly file: string
  readonly header: readonly string[]
  readonly columns: Record<string, Float64Array>
  readonly rows: number
  /** line[i] = file line of data row i (header is line 1, blank lines skipped). */
  readonly line: Int32Array
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k)

/**
 * Parse the named columns of a comma-separated file as numbers (others are skipped unparsed).
 * Empty fields become NaN (callers decide); anything else that is not a number is an ImportError
 * naming file:line column. Plain decimals are built as mantissa / 10^k: correctly rounded up to 15
 * significant digits, within a few ulp for the 17 digits of a full-precision double (far below any
 * model tolerance, and 10x faster than Number() on a substring); exponents fall back to Number().
 */
export function parseNumericCsv(
  path: string,
  wanted: (header: readonly string[]) => readonly (string | null)[],
): NumericTable {
  let raw: Buffer
  try {
    raw = readFileSync(path)
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
  const file = basename(path)
  // Index the Buffer in place (a copy of a large file costs more than the whole parse).
  const len = raw.length
  const buf: Uint8Array = raw
  let pos = 0
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3
  let eol = buf.indexOf(10, pos)
  if (eol < 0) eol = len
  const headerText = raw.toString('utf8', pos, eol).replace(/\r$/, '')
  const header = headerText.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'))
  const names = wanted(header)
  const slot = new Int32Array(header.length).fill(-1)
  names.forEach((n, j) => {
    if (n === null) return
    const idx = header.indexOf(n)
    if (idx >= 0) slot[idx] = j
  })
  // rows ≈ newlines after the header
  let cap = 0
  for (let i = eol; i < len; i++) if (buf[i] === 10) cap++
  cap += 1
  const cols = names.map(() => new Float64Array(cap))
  const line = new Int32Array(cap)
  let row = 0
  let lineNo = 1
  pos = eol + 1
  const problem = (col: number, reason: string): never => {
    throw new ImportError(`${file}: not a valid number table`, [
      { file, line: lineNo, column: header[col] ?? null, reason },
    ])
  }
  while (pos < len) {
    lineNo++
    // blank line (or trailing \r\n)
    if (buf[pos] === 10 || (buf[pos] === 13 && buf[pos + 1] === 10)) {
      pos += buf[pos] === 13 ? 2 : 1
      continue
    }
    let col = 0
    for (;;) {
      const target = col < slot.length ? slot[col]! : -1
      let c = buf[pos]
      if (target < 0) {
        // skip field (quoted or not)
        if (c === 34) {
          pos++
          while (pos < len && !(buf[pos] === 34 && buf[pos + 1] !== 34))
            pos += buf[pos] === 34 ? 2 : 1
          pos++
        }
        while (pos < len && buf[pos] !== 44 && buf[pos] !== 10) pos++
      } else {
        const start = pos
        let neg = false
        if (c === 34) problem(col, 'quoted value where a number was expected')
        if (c === 45) {
          neg = true
          c = buf[++pos]
        } else if (c === 43) c = buf[++pos]
        let mant = 0
        let frac = 0
        let simple = true
        while (c !== undefined && c >= 48 && c <= 57) {
          mant = mant * 10 + (c - 48)
          c = buf[++pos]
        }
        if (c === 46) {
          c = buf[++pos]
          while (c !== undefined && c >= 48 && c <= 57) {
            mant = mant * 10 + (c - 48)
            frac++
            c = buf[++pos]
          }
        }
        if (c === 101 || c === 69) simple = false
        let v: number
        if (simple && frac <= 22 && (c === 44 || c === 10 || c === 13 || c === undefined)) {
          const noDigits =
            pos === start + (neg ? 1 : 0) || (frac === 0 && buf[pos - 1] === 46 && pos - start <= 1)
          if (pos === start)
            v = Number.NaN // empty field
          else if (noDigits)
            v = problem(col, `"${raw.toString('utf8', start, pos)}" is not a number`)
          else v = (neg ? -mant : mant) / POW10[frac]!
        } else {
          while (pos < len && buf[pos] !== 44 && buf[pos] !== 10) pos++
          const text = raw.toString('utf8', start, pos).replace(/\r$/, '').trim()
          v = text === '' ? Number.NaN : Number(text)
          if (!Number.isFinite(v) && text !== '') problem(col, `"${text}" is not a number`)
        }
        if (buf[pos] === 13) pos++
        cols[target]![row] = v
      }
      if (pos >= len || buf[pos] === 10) {
        pos++
        break
      }
      if (buf[pos] !== 44) {
        problem(
          col,
          `"${raw.toString('utf8', pos, buf.indexOf(10, pos) < 0 ? len : buf.indexOf(10, pos)).replace(/\r$/, '')}" is not a number`,
        )
      }
      pos++
      col++
    }
    if (col + 1 < header.length) {
      throw new ImportError(`${file}: not a valid number table`, [
        {
          file,
          line: lineNo,
          column: null,
          reason: `expected ${header.length} fields, found ${col + 1}`,
        },
      ])
    }
    line[row] = lineNo
    row++
  }
  const columns: Record<string, Float64Array> = {}
  names.forEach((n, j) => {
    if (n !== null && header.includes(n)) columns[n] = cols[j]!.subarray(0, row)
  })
  return { file, header, columns, rows: row, line: line.subarray(0, row) }
}

// ---------------------------------------------------------------------------------------------
// Input kinds

/** Accepted spellings of each role, ours first, then the BTYD / lifetimes names. */
const ROLE_NAMES = {
  x: ['x', 'frequency'],
  tx: ['t_x', 't.x', 'recency'],
  T: ['T', 'T.cal', 'T_cal', 'age'],
  n: ['periods', 'n', 'n.cal', 'n_cal', 'opportunities'],
  monetary: ['monetary', 'm.x', 'm_x', 'monetary_value'],
  weight: ['weight', 'weights', 'custs', 'count'],
} as const
type Role = keyof typeof ROLE_NAMES

function findRole(header: readonly string[], role: Role): string | null {
  for (const name of ROLE_NAMES[role]) if (header.includes(name)) return name
  return null
}

function firstLine(path: string): string {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
  try {
    const b = Buffer.alloc(65536)
    const n = readSync(fd, b, 0, b.length, 0)
    return (
      b
        .toString('utf8', 0, n)
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0] ?? ''
    )
  } finally {
    closeSync(fd)
  }
}

function isCsvLike(path: string): boolean {
  return !isDuckDbFile(path)
}

function missing(file: string, header: readonly string[], role: Role, why: string): ImportError {
  return new ImportError(`${file}: missing column for ${role}`, [
    {
      file,
      line: 1,
      column: null,
      reason: `no ${ROLE_NAMES[role].join(' / ')} column ${why} (found: ${header.join(', ')})`,
    },
  ])
}

/** Check a column row by row: every failure names the file line. */
function checkColumn(
  t: NumericTable,
  name: string,
  ok: (v: number, i: number) => boolean,
  reason: (v: number, i: number) => string,
): void {
  const c = t.columns[name]!
  const problems = []
  let total = 0
  for (let i = 0; i < t.rows; i++) {
    if (!ok(c[i]!, i)) {
      total++
      if (problems.length < 10) {
        problems.push({ file: t.file, line: t.line[i]!, column: name, reason: reason(c[i]!, i) })
      }
    }
  }
  if (total > 0) throw new ImportError(`${t.file}: invalid ${name} values`, problems, total)
}

interface SummaryColumns {
  readonly x: Float64Array
  readonly tx: Float64Array
  readonly T: Float64Array
  readonly monetary: Float64Array | null
  readonly weight: Float64Array | null
  readonly rows: number
}

function looksLikeOrders(header: readonly string[]): boolean {
  return findRole(header, 'x') === null
}

function readSummaryCsv(path: string, needMonetary: boolean): SummaryColumns {
  const roles: Role[] = ['x', 'tx', 'T', 'monetary', 'weight']
  const t = parseNumericCsv(path, (h) => roles.map((r) => findRole(h, r)))
  const name = (r: Role) => findRole(t.header, r)
  const need = ['x', ...(needMonetary ? [] : ['tx', 'T'])] as Role[]
  for (const r of need) if (!name(r)) throw missing(t.file, t.header, r, 'in this summary file')
  if (needMonetary && !name('monetary')) {
    throw missing(t.file, t.header, 'monetary', 'for the Gamma-Gamma spend model')
  }
  const nonNeg = (v: number) => v >= 0 && Number.isFinite(v)
  const why = (v: number) => (Number.isNaN(v) ? 'empty value' : `must be >= 0 (got ${v})`)
  checkColumn(t, name('x')!, nonNeg, why)
  const xs = t.columns[name('x')!]!
  const tx = name('tx') ? t.columns[name('tx')!]! : new Float64Array(t.rows)
  const T = name('T') ? t.columns[name('T')!]! : new Float64Array(t.rows)
  if (name('tx') && name('T')) {
    checkColumn(t, name('tx')!, nonNeg, why)
    checkColumn(t, name('T')!, nonNeg, why)
    checkColumn(
      t,
      name('tx')!,
      (v, i) => v <= T[i]! * (1 + 1e-12) && (xs[i]! > 0 || v === 0),
      (v, i) =>
        v > T[i]! ? `t_x ${v} is after T ${T[i]}` : `t_x must be 0 when x is 0 (got ${v})`,
    )
  }
  let weight: Float64Array | null = null
  if (name('weight')) {
    weight = t.columns[name('weight')!]!
    checkColumn(t, name('weight')!, nonNeg, why)
  }
  let monetary: Float64Array | null = null
  if (name('monetary')) {
    monetary = t.columns[name('monetary')!]!
    // customers without repeats may leave spend empty
    checkColumn(
      t,
      name('monetary')!,
      (v, i) => Number.isFinite(v) || (Number.isNaN(v) && xs[i] === 0),
      () => 'empty value for a customer with repeat purchases',
    )
  }
  return { x: xs, tx, T, monetary, weight, rows: t.rows }
}

async function summaryFromOrders(path: string, opts: FitOptions): Promise<SummaryColumns> {
  const { engine } = await openSource(path, opts.tz ? { tz: opts.tz } : {})
  const dir = await mkdtemp(join(tmpdir(), 'loyals-fit-'))
  try {
    await buildCustomerSummary(engine, {
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      unit: opts.unit ?? 'week',
    })
    const out = join(dir, 'summary.csv')
    await writeCustomerSummary(engine, { format: 'csv', path: out })
    return readSummaryCsv(out, false)
  } finally {
    await engine.close()
    await rm(dir, { recursive: true, force: true })
  }
}

function report(
  model: FitModelName,
  f: FitResult<Record<string, number>>,
  extra: Record<string, unknown>,
  input: FitReport['input'],
): FitReport {
  return {
    model,
    params: { ...f.params },
    standardErrors: { ...f.standardErrors },
    confidenceIntervals: { ...f.confidenceIntervals },
    logLikelihood: f.logLikelihood,
    customers: f.customers,
    aic: f.aic,
    bic: f.bic,
    iterations: f.iterations,
    extra,
    input,
  }
}

function fitBgbbFile(path: string, t0: number): FitReport {
  const roles: Role[] = ['x', 'tx', 'n', 'weight']
  const t = parseNumericCsv(path, (h) => roles.map((r) => findRole(h, r)))
  for (const r of ['x', 'tx', 'n'] as Role[]) {
    if (!findRole(t.header, r)) throw missing(t.file, t.header, r, 'for BG/BB')
  }
  const c = (r: Role) => t.columns[findRole(t.header, r)!]!
  const whole = (v: number) => Number.isInteger(v) && v >= 0
  const why = (v: number) =>
    Number.isNaN(v) ? 'empty value' : `must be a whole number >= 0 (got ${v})`
  for (const r of ['x', 'tx', 'n'] as Role[]) checkColumn(t, findRole(t.header, r)!, whole, why)
  const w = findRole(t.header, 'weight') ? c('weight') : undefined
  if (w) checkColumn(t, findRole(t.header, 'weight')!, (v) => v >= 0, why)
  const readMs = performance.now() - t0
  const h = compressHistories(c('x'), c('tx'), c('n'), w)
  const f = fitBgbb(h)
  return report('bgbb', f, { histories: h.x.length }, { kind: 'bgbb table', rows: t.rows, readMs })
}

function fitSbgFile(path: string, opts: FitOptions, t0: number): FitReport[] {
  const t = parseNumericCsv(path, (h) => h.map((x) => x))
  const periodCol = t.header.find((h) => /^(year|period|month|week|t|time|day)s?$/i.test(h)) ?? null
  let shareCols = t.header.filter((h) => h !== periodCol)
  if (opts.column) {
    if (!t.header.includes(opts.column)) {
      throw new ImportError(`${t.file}: no column ${opts.column}`, [
        {
          file: t.file,
          line: 1,
          column: opts.column,
          reason: `not in the header (${t.header.join(', ')})`,
        },
      ])
    }
    shareCols = [opts.column]
  }
  if (shareCols.length === 0) {
    throw new ImportError(`${t.file}: no survival column`, [
      {
        file: t.file,
        line: 1,
        column: null,
        reason: 'expected a period column and at least one column of shares still active',
      },
    ])
  }
  const readMs = performance.now() - t0
  return shareCols.map((col) => {
    const v = Array.from(t.columns[col]!)
    checkColumn(
      t,
      col,
      (x) => Number.isFinite(x) && x >= 0,
      (x) => (Number.isNaN(x) ? 'empty value' : `must be >= 0 (got ${x})`),
    )
    // a first value above 100 is a head count: the cohort size is in the data
    const counts = v[0]! > 100
    const cohort = counts ? v[0]! : (opts.cohort ?? DEFAULT_COHORT)
    const c = survivalToCounts(counts ? v.map((x) => x / v[0]!) : v, cohort)
    const f = fitSbg(c)
    return report(
      'sbg',
      f,
      {
        column: col,
        periods: c.lost.length,
        cohort,
        cohortAssumed: !counts && opts.cohort === undefined,
      },
      { kind: 'survival table', rows: t.rows, readMs },
    )
  })
}

/**
 * Fit one model to a file or workspace and return the report(s). sBG returns one report per survival
 * column fitted; every other model returns one.
 * @throws ImportError (file:line column: reason) for unreadable input, DataError for data a model
 *   cannot use, ConvergenceError when the optimizer fails, UsageError for bad options.
 */
export async function fitFile(path: string, opts: FitOptions): Promise<FitReport[]> {
  if (!FIT_MODELS.includes(opts.model)) {
    throw new UsageError(`--model must be one of ${FIT_MODELS.join(', ')} (got ${opts.model})`)
  }
  const t0 = performance.now()
  if (opts.model === 'bgbb') return [fitBgbbFile(path, t0)]
  if (opts.model === 'sbg') return fitSbgFile(path, opts, t0)
  let s: SummaryColumns
  let kind: string
  if (isCsvLike(path)) {
    const head = firstLine(path)
    const header = head.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'))
    if (looksLikeOrders(header)) {
      s = await summaryFromOrders(path, opts)
      kind = 'orders file'
    } else {
      s = readSummaryCsv(path, opts.model === 'gg')
      kind = 'summary file'
    }
  } else {
    s = await summaryFromOrders(path, opts)
    kind = 'workspace'
  }
  const readMs = performance.now() - t0
  const input = { kind, rows: s.rows, readMs }
  if (opts.model === 'gg') {
    if (!s.monetary)
      throw new DataError('the Gamma-Gamma model needs a monetary (mean repeat spend) column')
    const f = fitGammaGamma(
      { x: s.x, mx: s.monetary, ...(s.weight ? { weight: s.weight } : {}) },
      { excludeNonPositive: opts.excludeNonPositive ?? false },
    )
    return [
      report(
        'gg',
        f,
        { correlation: f.correlation, excluded: f.excluded, warnings: f.warnings },
        input,
      ),
    ]
  }
  const h = compressHistories(s.x, s.tx, s.T, s.weight ?? undefined)
  const fitter =
    opts.model === 'bgnbd' ? bgnbd.fit : opts.model === 'mbgnbd' ? mbgnbd.fit : pareto.fit
  const f = fitter(h) as FitResult<Record<string, number>>
  return [report(opts.model, f, { histories: h.x.length }, input)]
}
