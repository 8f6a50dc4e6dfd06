// `fit` use case: read a summary / BG-BB / survival table (a hand-written byte-level CSV number parser,
// so a million rows load in ~0.1 s without per-row objects) or build the summary from orders, then
// fit one model and report parameters named as in the papers.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { compressHistories, HistoryCompressor } from '../core/compress.ts'
import { fitBgbb } from '../core/models/bgbb.ts'
import * as bgnbd from '../core/models/bgnbd.ts'
import { fitGammaGamma, nonPositiveSpendMessage } from '../core/models/gamma-gamma.ts'
import * as mbgnbd from '../core/models/mbgnbd.ts'
import * as nbd from '../core/models/nbd.ts'
import * as pareto from '../core/models/pareto-nbd.ts'
import {
  DEFAULT_COHORT,
  fitSbg,
  type SbgParams,
  sbgDiscountedExpectedLifetime,
  sbgExpectedLifetime,
  sbgRetentionRate,
  sbgSurvival,
  survivalToCounts,
} from '../core/models/sbg.ts'
import type { FitResult, Histories } from '../core/models/types.ts'
import { assessHistories, MIN_REPEATERS } from '../core/validation.ts'
import { isPostgresUrl, missingWorkspace, noWorkspace } from '../data/workspace.ts'
import { DataError, ImportError, type LoyalsError, type RowProblem, UsageError } from '../errors.ts'
import { FIT_ROLE_NAMES, type FitRole, SURVIVAL_PERIOD } from './fit-tables.ts'
import {
  emptyFile,
  noDataRows,
  notAFile,
  onlyBlanks,
  PROBLEMS_SHOWN,
  SEP_LEAD,
  startsWithBom,
} from './import/formats.ts'
import { interruptibleTempDir } from './interrupt.ts'
import type { ReadOptions } from './source.ts'
import type { TimeUnit } from './summary.ts'

export const FIT_MODELS = ['bgnbd', 'mbgnbd', 'pareto', 'nbd', 'bgbb', 'gg', 'sbg'] as const
export type FitModelName = (typeof FIT_MODELS)[number]

/** The models' names as the papers and the output write them. */
export const FIT_MODEL_NAMES: Record<FitModelName, string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  pareto: 'Pareto/NBD',
  nbd: 'NBD (no dropout)',
  bgbb: 'BG/BB',
  gg: 'Gamma-Gamma',
  sbg: 'shifted-beta-geometric',
}

/** What to fit, and how to read an orders file given in place of a summary (as `openSource`). */
export interface FitOptions extends ReadOptions {
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
  readonly input: {
    readonly kind: string
    readonly rows: number
    readonly readMs: number
    /** What reading an orders file decided for the user (a date shape, skipped rows, a column). */
    readonly notes?: readonly string[]
  }
}

// ---------------------------------------------------------------------------------------------
// CSV of numbers

/** Numeric columns of a CSV, as typed arrays, with the 1-based file line of every data row. */
export interface NumericTable {
  readonly file: string
  readonly header: readonly string[]
  readonly columns: Record<string, Float64Array>
  readonly rows: number
  /** line[i] = file line of data row i (blank lines and a `sep=` line above the header counted). */
  readonly line: Int32Array
  /**
   * With `collect`: the values that are not numbers (read as NaN), up to PROBLEMS_SHOWN named, how many in
   * all, and each one's `line:column` (so a later check does not call it empty).
   */
  readonly notNumbers?: NotNumbers
}

/** Values of a number table that are not numbers, gathered rather than thrown at the first. */
export interface NotNumbers {
  readonly problems: RowProblem[]
  total: number
  readonly cells: Set<string>
}

/** The key of a cell in {@link NotNumbers.cells}. */
const cellKey = (line: number, column: string): string => `${line}:${column}`

const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k)

/** Bytes read per chunk: the file streams through one small buffer instead of a whole copy. */
const CHUNK = 1 << 20
/** A plain decimal number, as the slow path accepts it (the fast path reads digits only). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

const text = (buf: Uint8Array, from: number, to: number): string =>
  Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('utf8')

/** End of the field starting at `from` (its comma or newline; before a '\r' of '\r\n'). */
function fieldEnd(buf: Uint8Array, from: number): number {
  let p = from
  while (buf[p] !== 44 && buf[p] !== 10) p++
  return p > from && buf[p - 1] === 13 && buf[p] === 10 ? p - 1 : p
}

/** Where {@link parseRows} stopped, and why. */
interface RowsState {
  /**
   * 'end': every row before `len` is read; 'field': a field the fast path does not read;
   * 'short': a row with too few fields; 'long': one with too many (its values would be read
   * shifted); 'full': the output arrays are full; 'open': a quoted
   * field runs past `len` (the row is read again once more bytes are in).
   */
  stop: 'end' | 'field' | 'short' | 'long' | 'full' | 'open'
  rows: number
  pos: number
  col: number
  /** File lines completed (the header is line 1); the line being read when stop is field/short. */
  lineNo: number
}

/**
 * The hot loop of {@link parseNumericCsv}, free of closures so V8 optimizes it early. Reads rows
 * that end before `len` (buf[len - 1] is a newline); plain decimals are parsed in place, any other
 * field stops the loop so the caller can read it with Number() or report it.
 */
function parseRows(
  buf: Uint8Array,
  len: number,
  slot: Int32Array,
  cols: readonly Float64Array[],
  line: Int32Array,
  st: RowsState,
): void {
  const nf = slot.length
  const cap = line.length
  let pos = st.pos
  let row = st.rows
  let lineNo = st.lineNo
  let col = st.col
  let rowStart = pos
  let rowLine = lineNo
  while (pos < len) {
    let c = buf[pos]!
    if (col === 0) {
      if (c === 10 || (c === 13 && buf[pos + 1] === 10)) {
        lineNo++
        pos += c === 10 ? 1 : 2
        continue
      }
      if (row === cap) {
        st.stop = 'full'
        break
      }
      rowStart = pos
      rowLine = lineNo
    }
    for (;;) {
      const target = col < nf ? slot[col]! : -1
      if (target < 0) {
        if (c === 34) {
          // a quoted field may hold commas, newlines and "" escapes
          pos++
          while (pos < len && !(buf[pos] === 34 && buf[pos + 1] !== 34)) {
            if (buf[pos] === 10) lineNo++
            pos += buf[pos] === 34 ? 2 : 1
          }
          if (pos >= len) {
            stopAt(st, 'open', row, rowStart, 0, rowLine)
            return
          }
          pos++
        }
        while (buf[pos] !== 44 && buf[pos] !== 10) pos++
      } else {
        const start = pos
        const neg = c === 45
        if (neg) c = buf[++pos]!
        const d0 = pos
        let dot = 0
        let mant = 0
        while (c >= 48 && c <= 57) {
          mant = mant * 10 + (c - 48)
          c = buf[++pos]!
        }
        let frac = 0
        if (c === 46) {
          dot = 1
          c = buf[++pos]!
          const f0 = pos
          while (c >= 48 && c <= 57) {
            mant = mant * 10 + (c - 48)
            c = buf[++pos]!
          }
          frac = pos - f0
        }
        const digits = pos - d0 - dot
        if (c === 13 && buf[pos + 1] === 10) c = buf[++pos]!
        if (!((c === 44 || c === 10) && digits > 0 && frac <= 22)) {
          stopAt(st, 'field', row, start, col, lineNo + 1)
          return
        }
        cols[target]![row] = (neg ? -mant : mant) / POW10[frac]!
      }
      c = buf[pos++]!
      if (c === 10) break
      c = buf[pos]!
      col++
      if (col >= nf) {
        stopAt(st, 'long', row, pos, col, lineNo + 1)
        return
      }
    }
    lineNo++
    if (col + 1 < nf) {
      stopAt(st, 'short', row, pos, col + 1, lineNo)
      return
    }
    line[row] = lineNo
    row++
    col = 0
  }
  if (pos >= len) st.stop = 'end'
  st.rows = row
  st.pos = pos
  st.col = 0
  st.lineNo = lineNo
}

/** Record where parseRows stopped and why. */
function stopAt(
  st: RowsState,
  stop: RowsState['stop'],
  rows: number,
  pos: number,
  col: number,
  lineNo: number,
): void {
  st.stop = stop
  st.rows = rows
  st.pos = pos
  st.col = col
  st.lineNo = lineNo
}

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n)
  b.set(a)
  return b
}

/**
 * Parse the named columns of a comma-separated file as numbers (others are skipped unparsed).
 * Empty fields become NaN (callers decide); anything else that is not a number is an ImportError
 * naming file:line column. Plain decimals are built as mantissa / 10^k: correctly rounded up to 15
 * significant digits, within a few ulp for the 17 digits of a full-precision double (far below any
 * model tolerance, and 10x faster than Number() on a substring); exponents, blanks and other rare
 * forms fall back to Number(). The file streams through a 1 MB buffer: no copy of the whole file,
 * no string per line. A file of 0 bytes is an ImportError worded as the import words it; a header
 * alone is zero rows (the caller decides).
 */
export function parseNumericCsv(
  path: string,
  wanted: (header: readonly string[]) => readonly (string | null)[],
  opts: { readonly collect?: boolean } = {},
): NumericTable {
  return withFile(path, (fd, size) =>
    parseOpenCsv(fd, size, basename(path), wanted, undefined, opts.collect === true),
  )
}

/** How {@link streamNumericCsv} hands over rows. */
export interface NumericBatches {
  /** Rows per batch: the arrays handed to `onBatch` hold this many and are reused. */
  readonly rows: number
  /** Each full batch, then the last partial one: `table.rows` rows of each column, with lines. */
  readonly onBatch: (table: NumericTable) => void
}

/**
 * {@link parseNumericCsv} in batches of rows, for a caller that folds the rows as they come (the
 * model fits compress a summary file into its distinct histories): the columns of a million rows
 * are never allocated, and first touching that much fresh memory costs more than parsing it on
 * this kind of machine (~13 µs a page). Returns the header and the number of rows read.
 */
export function streamNumericCsv(
  path: string,
  wanted: (header: readonly string[]) => readonly (string | null)[],
  batches: NumericBatches,
  opts: { readonly collect?: boolean } = {},
): {
  readonly file: string
  readonly header: readonly string[]
  readonly rows: number
  readonly notNumbers?: NotNumbers
} {
  return withFile(path, (fd, size) => {
    const t = parseOpenCsv(fd, size, basename(path), wanted, batches, opts.collect === true)
    return {
      file: t.file,
      header: t.header,
      rows: t.rows,
      ...(t.notNumbers ? { notNumbers: t.notNumbers } : {}),
    }
  })
}

/**
 * A file `fit` cannot open: a missing workspace or file said plainly (a missing file exits 1, as
 * in import, summary and analyze), else the system's reason.
 */
function unreadable(path: string, e: unknown): LoyalsError {
  if (missingWorkspace(path)) return noWorkspace(path)
  if ((e as NodeJS.ErrnoException).code === 'ENOENT')
    return new DataError(`${path}: file not found`, { path })
  return new UsageError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`)
}

function withFile<T>(path: string, read: (fd: number, size: number) => T): T {
  let fd: number
  let size: number
  let file: boolean
  try {
    fd = openSync(path, 'r')
    const st = fstatSync(fd)
    size = st.size
    file = st.isFile()
  } catch (e) {
    throw unreadable(path, e)
  }
  try {
    // a number table has a header line at least (a pipe has no size: it is read to its end)
    if (file && size === 0) throw emptyFile(basename(path))
    return read(fd, size)
  } finally {
    closeSync(fd)
  }
}

function parseOpenCsv(
  fd: number,
  size: number,
  file: string,
  wanted: (header: readonly string[]) => readonly (string | null)[],
  batches?: NumericBatches,
  collect = false,
): NumericTable {
  let raw = Buffer.allocUnsafe(Math.min(CHUNK, size + 1))
  let buf = new Uint8Array(raw.buffer, raw.byteOffset, raw.length)
  let have = 0
  let eof = false
  /** Read more bytes after the first `have`; at end of file append one '\n' so every row ends. */
  const fill = (): void => {
    if (have + 1 >= buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2)
      bigger.set(buf.subarray(0, have))
      raw = bigger
      buf = new Uint8Array(raw.buffer, raw.byteOffset, raw.length)
    }
    const n = eof ? 0 : readSync(fd, raw, have, buf.length - 1 - have, null)
    have += n
    if (n === 0 && !eof) {
      eof = true
      buf[have++] = 10
    }
  }
  fill()
  let pos = 0
  if (startsWithBom(buf)) pos = 3
  // blank lines and Excel's `sep=,` line above the header are skipped, as the import skips them;
  // they still count in the line numbers, so a bad row is named at the line an editor shows
  const lead = SEP_LEAD.exec(
    Buffer.from(buf.buffer, buf.byteOffset + pos, Math.min(have - pos, 4096)).toString('latin1'),
  )
  const headerLine = 1 + (lead?.[0].match(/\n/g)?.length ?? 0)
  pos += lead?.[0].length ?? 0
  let eol = buf.indexOf(10, pos)
  while (eol < 0 || eol >= have) {
    fill()
    eol = buf.indexOf(10, pos)
  }
  const header = text(buf, pos, eol)
    .replace(/\r$/, '')
    .split(',')
    .map((h) => h.trim().replace(/^"(.*)"$/, '$1'))
  // a blank first line of a file that is all blanks: no header to look for columns in
  if (header.join('') === '') {
    while (!eof) fill()
    if (text(buf, pos, have).trim() === '') throw onlyBlanks(file)
  }
  const names = wanted(header)
  const slot = new Int32Array(header.length).fill(-1)
  const cols: Float64Array[] = []
  const colOf = new Map<string, number>()
  names.forEach((n) => {
    if (n === null || colOf.has(n)) return
    const idx = header.indexOf(n)
    if (idx < 0) return
    // which of two columns of one name holds the data is a guess: the file must say
    if (header.lastIndexOf(n) !== idx) {
      throw new ImportError(
        `${file}: the column ${n} appears twice in the header; rename or remove one`,
        [{ file, line: headerLine, column: n, reason: 'column name appears twice' }],
      )
    }
    colOf.set(n, cols.length)
    slot[idx] = cols.length
    cols.push(new Float64Array(0))
  })
  // rows from the first chunk's mean line length; the arrays grow if the guess is short
  let nl = 0
  for (let p = buf.indexOf(10, eol + 1); p >= 0 && p < have; p = buf.indexOf(10, p + 1)) nl++
  const perRow = nl > 0 ? (have - eol) / nl : 16
  let cap = batches ? Math.max(1, batches.rows) : Math.ceil(((size - eol) / perRow) * 1.02) + 16
  for (let j = 0; j < cols.length; j++) cols[j] = new Float64Array(cap)
  let line = new Int32Array(cap)
  const st: RowsState = { stop: 'end', rows: 0, pos: eol + 1, col: 0, lineNo: headerLine }
  // rows handed to batches.onBatch so far (st.rows counts within the batch)
  let handed = 0
  const hand = (): void => {
    if (!batches || st.rows === 0) return
    const columns: Record<string, Float64Array> = {}
    for (const [n, j] of colOf) columns[n] = cols[j]!.subarray(0, st.rows)
    batches.onBatch({ file, header, columns, rows: st.rows, line: line.subarray(0, st.rows) })
    handed += st.rows
    st.rows = 0
  }
  const notNumbers: NotNumbers = { problems: [], total: 0, cells: new Set() }
  const gathered = () => (notNumbers.total > 0 ? { notNumbers } : {})
  const problem = (reason: string, column: string | null = header[st.col] ?? null): never => {
    throw new ImportError(`${file}: not a valid number table`, [
      { file, line: st.lineNo, column, reason },
    ])
  }
  const tooMany = (): never =>
    problem(
      `expected ${header.length} fields, found more (a decimal comma, or a comma inside a value?)`,
      null,
    )
  for (;;) {
    // parse only whole lines: up to the last newline in the buffer
    const len = have > 0 ? buf.lastIndexOf(10, have - 1) + 1 : 0
    if (len <= st.pos) {
      if (eof) break
      fill()
      continue
    }
    parseRows(buf, len, slot, cols, line, st)
    if (st.stop === 'end' || st.stop === 'open') {
      if (eof && st.stop === 'end') break
      if (eof) problem('a quoted field is not closed before the end of the file', null)
      // keep the unread tail, read on
      buf.copyWithin(0, st.pos, have)
      have -= st.pos
      st.pos = 0
      fill()
    } else if (st.stop === 'full' && batches) {
      hand()
    } else if (st.stop === 'full') {
      cap = Math.ceil(cap * 1.5) + 16
      for (let j = 0; j < cols.length; j++) cols[j] = grow(cols[j]!, cap)
      line = grow(line, cap)
    } else if (st.stop === 'short') {
      problem(`expected ${header.length} fields, found ${st.col}`, null)
    } else if (st.stop === 'long') {
      tooMany()
    } else {
      // a field the fast path does not read: blank, exponent, spaces, quotes, or not a number
      const end = fieldEnd(buf, st.pos)
      const t = text(buf, st.pos, end).trim()
      let v = Number.NaN
      // a number in quotes (as some spreadsheets write every field) is still that number
      const quoted = t.length >= 2 && t.charCodeAt(0) === 34 && t.charCodeAt(t.length - 1) === 34
      const n = quoted ? t.slice(1, -1).trim() : t
      // the field ended at a comma inside quotes ("10,5"), or its quote is never closed
      if (n.charCodeAt(0) === 34) {
        problem(
          `a quoted value is not closed before the next comma (${t}): a decimal comma ("10,5")? fit reads numbers written with a decimal point; or a quote left open`,
        )
      }
      if (n !== '') {
        // Number() also reads 0x10, 0b1, 0o7 and "Infinity": not numbers a summary holds
        v = DECIMAL.test(n) ? Number(n) : Number.NaN
        if (!Number.isFinite(v)) {
          // gathered, so one run names every bad value (and the checks after it every other)
          if (!collect) problem(`"${n}" is not a number`)
          const column = header[st.col] ?? null
          notNumbers.total++
          if (notNumbers.problems.length < PROBLEMS_SHOWN) {
            notNumbers.problems.push({
              file,
              line: st.lineNo,
              column,
              reason: `"${n}" is not a number`,
            })
          }
          notNumbers.cells.add(cellKey(st.lineNo, column ?? ''))
          v = Number.NaN
        }
      }
      cols[slot[st.col]!]![st.rows] = v
      // resume after the field, inside the same row
      st.pos = buf[end] === 13 ? end + 1 : end
      if (buf[st.pos] === 44) {
        if (st.col + 1 >= header.length) tooMany()
        st.pos++
        st.col++
        st.lineNo--
      } else {
        // the field ended the row: finish it here
        st.pos++
        if (st.col + 1 < header.length)
          problem(`expected ${header.length} fields, found ${st.col + 1}`, null)
        line[st.rows] = st.lineNo
        st.rows++
        st.col = 0
      }
    }
  }
  if (batches) {
    hand()
    return { file, header, columns: {}, rows: handed, line: new Int32Array(0), ...gathered() }
  }
  const row = st.rows
  const columns: Record<string, Float64Array> = {}
  for (const [n, j] of colOf) columns[n] = cols[j]!.subarray(0, row)
  return { file, header, columns, rows: row, line: line.subarray(0, row), ...gathered() }
}

// ---------------------------------------------------------------------------------------------
// Input kinds

/** Roles whose names are read in any case (Weight, MONETARY): x, t_x and T are case-sensitive. */
const ANY_CASE: ReadonlySet<FitRole> = new Set(['n', 'monetary', 'weight'])

function findRole(header: readonly string[], role: FitRole): string | null {
  for (const name of FIT_ROLE_NAMES[role]) if (header.includes(name)) return name
  // a weight column written Weight was left unread without a word: every row then counted once
  if (ANY_CASE.has(role)) {
    const names = new Set<string>(FIT_ROLE_NAMES[role].map((n) => n.toLowerCase()))
    for (const h of header) if (names.has(h.toLowerCase())) return h
  }
  return null
}

/**
 * The first line of a text file, or null for a workspace: a DuckDB database (`DUCK` at byte 8, as
 * data/workspace.ts isDuckDbFile checks it) or a PostgreSQL store (a postgres:// URL, no file to
 * read: it was said "file not found"), from one read of the file's head.
 * @throws ImportError for a directory or a pipe: the head is read at offset 0, and the file is
 *   read again after it (a pipe fails with ESPIPE, or would have lost its head).
 */
function textHead(path: string): string | null {
  if (isPostgresUrl(path)) return null
  let fd: number
  try {
    // stat before opening: a socket for standard input (a spawned process's) does not open
    const bad = notAFile(path, statSync(path), 'fit')
    if (bad) throw bad
    fd = openSync(path, 'r')
  } catch (e) {
    if (e instanceof ImportError) throw e
    throw unreadable(path, e)
  }
  try {
    const b = Buffer.alloc(65536)
    const n = readSync(fd, b, 0, b.length, 0)
    if (n >= 12 && b.toString('latin1', 8, 12) === 'DUCK') return null
    // the header, below any blank lines and Excel's `sep=` line, as the reader finds it
    return b.toString('utf8', 0, n).replace(SEP_LEAD, '').split(/\r?\n/)[0] ?? ''
  } finally {
    closeSync(fd)
  }
}

/**
 * A table fit reads must hold rows: a header alone is said as the import says it, not as a model's
 * complaint that it has nobody to fit.
 */
function needRows(t: { readonly file: string; readonly rows: number }): void {
  if (t.rows === 0) throw noDataRows(t.file)
}

/**
 * A weight counts the customers who share a row's history: a whole number, at least 1 (a row of
 * weight 0 stands for nobody, and was dropped without a word).
 */
const isWeight = (v: number): boolean => Number.isSafeInteger(v) && v > 0
const weightReason = (v: number): string => countWhy(v, `must be a whole number > 0 (got ${v})`)

/**
 * Why a count `v` is refused: empty, past 2^53 - 1 (no count in doubles: 1e300 passed as a whole
 * number, and the fit ran 600 evaluations into a flat likelihood before it said anything), else
 * `otherwise`.
 */
const countWhy = (v: number, otherwise: string): string =>
  Number.isNaN(v)
    ? 'empty value'
    : v > Number.MAX_SAFE_INTEGER && v < Infinity
      ? `must be a count of at most ${Number.MAX_SAFE_INTEGER}, the largest whole number held exactly (got ${v})`
      : otherwise

function missing(file: string, header: readonly string[], role: FitRole, why: string): ImportError {
  return new ImportError(`${file}: missing column for ${role}`, [
    {
      file,
      line: 1,
      column: null,
      reason: `no ${FIT_ROLE_NAMES[role].join(' / ')} column ${why} (found: ${header.join(', ')})`,
    },
  ])
}

/**
 * Check a column row by row: every failure names the file line. With `into`, the failures join
 * the others found so far (thrown together by the caller), and a cell already named as not a
 * number is not named again.
 */
function checkColumn(
  t: NumericTable,
  name: string,
  ok: (v: number, i: number) => boolean,
  reason: (v: number, i: number) => string,
  into?: NotNumbers,
): void {
  const c = t.columns[name]!
  const problems: RowProblem[] = []
  let total = 0
  for (let i = 0; i < t.rows; i++) {
    if (!ok(c[i]!, i) && !into?.cells.has(cellKey(t.line[i]!, name))) {
      total++
      if (problems.length < PROBLEMS_SHOWN) {
        problems.push({ file: t.file, line: t.line[i]!, column: name, reason: reason(c[i]!, i) })
      }
    }
  }
  if (into) {
    into.problems.push(...problems)
    into.total += total
  } else if (total > 0) throw new ImportError(`${t.file}: invalid ${name} values`, problems, total)
}

interface SummaryColumns {
  readonly x: Float64Array
  readonly tx: Float64Array
  readonly T: Float64Array
  readonly monetary: Float64Array | null
  readonly weight: Float64Array | null
  readonly rows: number
  /** File line of each row (the summary file's, or the temporary one built from orders). */
  readonly line: Int32Array
  /** The monetary column's name in the file, when read. */
  readonly monetaryName: string | null
}

/** The column names of a comma-separated first line, trimmed and unquoted. */
const headerOf = (head: string): string[] =>
  head.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'))

/**
 * BG/BB and sBG fit tables of their own, not customers' orders: a workspace, an orders file or a
 * per-customer summary given to them is a usage error saying what they read (else the workspace's
 * bytes were listed as its columns).
 */
function tableInput(path: string, model: 'bgbb' | 'sbg'): void {
  const wants =
    model === 'bgbb'
      ? 'a BG/BB table of frequency, recency, opportunities and weights (columns frequency,recency,periods,weights, one row per distinct history; docs/models.md, BG/BB)'
      : 'a survival table: a period column and the share still active in each period'
  const head = textHead(path)
  const header = head === null ? [] : headerOf(head)
  const summary = findRole(header, 'x') !== null
  // a survival table may count customers still active (customers_alive) and has a period column
  const orders =
    !summary &&
    (model === 'bgbb'
      ? header.some((h) => /order|date|amount|customer/i.test(h))
      : !header.some((h) => SURVIVAL_PERIOD.test(h)) &&
        header.some((h) => /order|date|amount|customer.?id/i.test(h)))
  // a BG/BB table's frequency column is also a summary's x: only sBG refuses a summary
  const what =
    head === null
      ? 'a workspace'
      : model === 'sbg' && summary
        ? 'a per-customer summary'
        : orders
          ? 'an orders file'
          : null
  if (what !== null) {
    throw new UsageError(`--model ${model} fits ${wants}; ${path} is ${what}`)
  }
}

/**
 * A summary file in a shape fit does not read: another separator, or the columns in upper case.
 * Else it was taken for orders, and the import's advice was to fit it, the command that failed.
 * @throws UsageError saying what to change
 */
function summaryShape(path: string, head: string, header: readonly string[]): void {
  const lower = header.map((h) => h.toLowerCase())
  const summaryLike = (cols: readonly string[]) =>
    cols.includes('x') && cols.some((c) => c === 't_x' || c === 't.x')
  const sep = [';', '\t', '|'].find((c) => head.includes(c))
  if (header.length === 1 && sep) {
    const cols = head.split(sep).map((h) => h.trim().toLowerCase())
    if (summaryLike(cols)) {
      const name = sep === '\t' ? 'tabs' : `'${sep}'`
      throw new UsageError(
        `${path}: the columns are separated by ${name}; fit reads a summary separated by commas (x,t_x,T[,monetary][,weight]): save it so`,
      )
    }
  }
  // t_x and T without x: a summary that lost its x, not an orders file to be told its columns
  if (findRole(header, 'x') === null && findRole(header, 'tx') && findRole(header, 'T')) {
    throw new UsageError(
      `${path}: no x (frequency) column in this summary file, beside ${findRole(header, 'tx')} and ${findRole(header, 'T')}: fit reads x,t_x,T[,monetary][,weight]`,
    )
  }
  // frequency, recency and periods without T: BG/BB's table (donations.csv), not a summary that
  // lost its T; "missing column for T" left the user to find the model that reads it
  const bgbb = findRole(header, 'n')
  if (bgbb && findRole(header, 'T') === null && findRole(header, 'x') && findRole(header, 'tx')) {
    throw new UsageError(
      `${path}: a table of ${findRole(header, 'x')}, ${findRole(header, 'tx')} and ${bgbb} is BG/BB's (transactions at discrete opportunities): fit it with --model bgbb; the other models read a summary of x, t_x and T`,
    )
  }
  if (findRole(header, 'x') === null && summaryLike(lower)) {
    throw new UsageError(
      `${path}: a summary's columns are named x, t_x and T (monetary, weight), in that case; found ${header.join(', ')}`,
    )
  }
}

function looksLikeOrders(header: readonly string[]): boolean {
  return findRole(header, 'x') === null
}

/** True when x, t_x, T (and weight) pass every check of readSummaryCsv: one fused pass. */
function summaryLooksValid(
  x: Float64Array,
  tx: Float64Array | null,
  T: Float64Array | null,
  weight: Float64Array | null,
): boolean {
  const n = x.length
  // x counts repeat purchases for the purchase models (t_x and T given): a whole number
  const maxFraction = tx && T ? 0 : 1
  for (let i = 0; i < n; i++)
    if (!(x[i]! >= 0 && x[i]! <= Number.MAX_SAFE_INTEGER && x[i]! % 1 <= maxFraction)) return false
  if (tx && T) {
    for (let i = 0; i < n; i++) {
      const a = tx[i]!
      const b = T[i]!
      if (
        !(
          a >= 0 &&
          b >= 0 &&
          b < Infinity &&
          a <= b * (1 + 1e-12) &&
          (a === 0) === (x[i] === 0) &&
          (b > 0 || x[i] === 0)
        )
      )
        return false
    }
  }
  if (weight) for (let i = 0; i < n; i++) if (!isWeight(weight[i]!)) return false
  return true
}

/** Columns a summary file is read for: the purchase models', and Gamma-Gamma's. */
const HISTORY_ROLES: readonly FitRole[] = ['x', 'tx', 'T', 'weight']
const SPEND_ROLES: readonly FitRole[] = ['x', 'monetary', 'weight']

/**
 * Read a summary file. Only the columns the model uses are parsed: x, t_x, T for the purchase
 * models; x and monetary for Gamma-Gamma; weight when present. `excludeEmptySpend`
 * (--exclude-nonpositive): a repeater's empty spend is read as missing, for the fit to leave out,
 * as it leaves out a spend of 0 or below, instead of a bad value.
 */
function readSummaryCsv(
  path: string,
  forSpend: boolean,
  excludeEmptySpend = false,
): SummaryColumns {
  const roles = forSpend ? SPEND_ROLES : HISTORY_ROLES
  const t = parseNumericCsv(path, (h) => roles.map((r) => findRole(h, r)), { collect: true })
  needRows(t)
  const name = (r: FitRole) => (roles.includes(r) ? findRole(t.header, r) : null)
  const need = (forSpend ? ['x', 'monetary'] : ['x', 'tx', 'T']) as FitRole[]
  for (const r of need) {
    if (!name(r)) {
      throw r === 'monetary'
        ? missing(t.file, t.header, 'monetary', 'for the Gamma-Gamma spend model')
        : missing(t.file, t.header, r, 'in this summary file')
    }
  }
  const xs = t.columns[name('x')!]!
  const tx = name('tx') ? t.columns[name('tx')!]! : null
  const T = name('T') ? t.columns[name('T')!]! : null
  const weight = name('weight') ? t.columns[name('weight')!]! : null
  // every problem of the file in one answer: values that are not numbers, then the checks below
  const found: NotNumbers = t.notNumbers ?? { problems: [], total: 0, cells: new Set() }
  // the row-by-row checks below name every bad line; they run only when the fast pass fails
  if (found.total > 0 || !summaryLooksValid(xs, tx, T, weight)) {
    const nonNeg = (v: number) => v >= 0 && Number.isFinite(v)
    const why = (v: number) => (Number.isNaN(v) ? 'empty value' : `must be >= 0 (got ${v})`)
    const whole = Boolean(tx && T)
    checkColumn(
      t,
      name('x')!,
      (v) => nonNeg(v) && v <= Number.MAX_SAFE_INTEGER && (!whole || v % 1 === 0),
      (v) =>
        countWhy(v, whole ? `must be a whole number >= 0 (got ${v})` : `must be >= 0 (got ${v})`),
      found,
    )
    if (tx && T) {
      checkColumn(t, name('tx')!, nonNeg, why, found)
      checkColumn(t, name('T')!, nonNeg, why, found)
      checkColumn(
        t,
        name('tx')!,
        // a value already named (not a number, empty, negative) is not judged again here
        (v, i) =>
          !(v >= 0 && xs[i]! >= 0 && T[i]! >= 0) ||
          // (T 0 with repeats is named once, by the check on T below)
          (v <= T[i]! * (1 + 1e-12) && ((v === 0) === (xs[i] === 0) || T[i] === 0)),
        (v, i) =>
          v > T[i]!
            ? `t_x ${v} is after T ${T[i]}`
            : xs[i] === 0
              ? `t_x must be 0 when x is 0 (got ${v})`
              : // the last repeat purchase comes after the first purchase; with t_x 0 the
                // likelihood grows without bound (alpha to 0) and the fit would blame all the data
                `t_x must be above 0 when x is ${xs[i]} (the last repeat purchase comes after the first)`,
        found,
      )
      // repeat purchases in no time: the likelihood grows without bound as alpha goes to 0, and
      // the fit's run-off error would blame the whole data
      checkColumn(
        t,
        name('T')!,
        (v, i) => !(v >= 0 && xs[i]! > 0) || v > 0,
        (_v, i) => `T must be above 0 for a customer with repeat purchases (x ${xs[i]} in no time)`,
        found,
      )
    }
    if (weight) checkColumn(t, name('weight')!, isWeight, weightReason, found)
  }
  let monetary: Float64Array | null = null
  if (name('monetary')) {
    monetary = t.columns[name('monetary')!]!
    // customers without repeats may leave spend empty
    checkColumn(
      t,
      name('monetary')!,
      (v, i) => Number.isFinite(v) || (Number.isNaN(v) && (xs[i] === 0 || excludeEmptySpend)),
      () => 'empty value for a customer with repeat purchases',
      found,
    )
  }
  if (found.total > 0) {
    const problems = [...found.problems]
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
      .slice(0, PROBLEMS_SHOWN)
    throw new ImportError(`${t.file}: invalid summary values`, problems, found.total)
  }
  return {
    x: xs,
    tx: tx ?? new Float64Array(t.rows),
    T: T ?? new Float64Array(t.rows),
    monetary,
    weight,
    rows: t.rows,
    line: t.line,
    monetaryName: name('monetary'),
  }
}

/** Repeaters whose mean spend Gamma-Gamma cannot take, as fitGammaGamma counts them. */
interface BadSpend {
  /** The first few of their rows. */
  readonly rows: readonly number[]
  /** Rows in all. */
  readonly total: number
  /** Customers in all (a weighted row stands for `weight` of them). */
  readonly customers: number
  /** Nobody has a positive spend (so excluding them is no advice). */
  readonly none: boolean
}

/**
 * The repeaters with zero or negative spend that make fitGammaGamma throw (null when it would not),
 * found here so the error can say where they are: the core sees arrays, not file lines or ids.
 */
function badSpend(s: SummaryColumns, exclude: boolean, shown: number): BadSpend | null {
  const { x, monetary: m, weight: w } = s
  if (!m) return null
  const rows: number[] = []
  let total = 0
  let customers = 0
  let none = true
  for (let i = 0; i < s.rows; i++) {
    const wi = w ? w[i]! : 1
    if (!(x[i]! > 0 && wi > 0)) continue
    if (m[i]! > 0) {
      none = false
      continue
    }
    total++
    customers += wi
    if (rows.length < shown) rows.push(i)
  }
  if (total === 0 || (exclude && !none)) return null
  return { rows, total, customers, none }
}

/** Lines of a summary file listed by the spend check (as checkColumn lists them). */
const SPEND_LINES = PROBLEMS_SHOWN
/** Customer ids named by the spend check of an orders file or workspace (one query each). */
const SPEND_IDS = 5

/** Gamma-Gamma on a summary file: a repeater without a positive spend, named by file line. */
function checkSpendRows(file: string, s: SummaryColumns, exclude: boolean): void {
  const b = badSpend(s, exclude, SPEND_LINES)
  if (!b) return
  const { x, monetary: m } = s
  const problems = b.rows.map((i) => ({
    file,
    line: s.line[i]!,
    column: s.monetaryName,
    reason: `mean spend must be > 0 for a customer with repeat purchases (got ${m![i]} with x = ${x[i]})`,
  }))
  throw new ImportError(
    `${file}: ${nonPositiveSpendMessage(b.customers, b.none)}`,
    problems,
    b.total,
  )
}

/** Summary rows per batch read by {@link readSummaryHistories} (2 MB of columns). */
const SUMMARY_BATCH = 65_536

/**
 * The distinct (x, t_x, T) histories of a summary file for the purchase models, compressed batch by
 * batch as the file is read (its million rows are never held). A batch that fails the fused
 * validity pass, a missing column or an empty file sends the file through readSummaryCsv instead,
 * whose row-by-row checks name every bad line (and which the fit then reports on as before).
 */
function readSummaryHistories(path: string): { histories: Histories; rows: number } {
  const c = new HistoryCompressor()
  let valid = true
  const read = streamNumericCsv(
    path,
    (h) => HISTORY_ROLES.map((r) => findRole(h, r)),
    {
      rows: SUMMARY_BATCH,
      onBatch(t) {
        if (!valid) return
        const col = (r: FitRole): Float64Array | null => {
          const name = findRole(t.header, r)
          return name === null ? null : (t.columns[name] ?? null)
        }
        const [x, tx, T, w] = [col('x'), col('tx'), col('T'), col('weight')]
        if (!x || !tx || !T || !summaryLooksValid(x, tx, T, w)) {
          valid = false
          return
        }
        c.add(x, tx, T, w ?? undefined)
      },
    },
    { collect: true },
  )
  if (valid && read.rows > 0 && !read.notNumbers) return { histories: c.result(), rows: read.rows }
  const s = readSummaryCsv(path, false)
  return { histories: compressHistories(s.x, s.tx, s.T, s.weight ?? undefined), rows: s.rows }
}

/** An orders file's (or workspace's) summary, and what reading the file decided (importNotes). */
async function summaryFromOrders(
  path: string,
  opts: FitOptions,
): Promise<{ summary: SummaryColumns; notes: readonly string[] }> {
  // loaded here, not at start-up: a summary file needs neither DuckDB nor the importer
  const { openSource, readOptions } = await import('./source.ts')
  const { asOfGapNote, buildCustomerSummary, customerSummaryRows, writeCustomerSummary } =
    await import('./summary.ts')
  const { engine, notes } = await openSource(path, readOptions(opts))
  // the summary of every customer: removed on Ctrl-C or a kill too
  const { dir, remove } = await interruptibleTempDir('loyals-fit-')
  try {
    const info = await buildCustomerSummary(engine, {
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      unit: opts.unit ?? 'week',
    })
    const gap = asOfGapNote(
      info.orders,
      { day: info.asOf, given: opts.asOf !== undefined },
      'T, and so the fitted purchase and dropout rates,',
    )
    const out = join(dir, 'summary.csv')
    await writeCustomerSummary(engine, { format: 'csv', path: out })
    const summary = readSummaryCsv(out, opts.model === 'gg')
    const b =
      opts.model === 'gg' ? badSpend(summary, opts.excludeNonPositive ?? false, SPEND_IDS) : null
    if (b) {
      // the rows are in the order the summary was written: the same query pages to each one
      const ids: string[] = []
      for (const i of b.rows) {
        const [row] = await customerSummaryRows(engine, { limit: 1, offset: i })
        if (row) ids.push(String(row.customer_id))
      }
      const more = b.total > ids.length ? ` and ${b.total - ids.length} more` : ''
      const which = ` (customer${b.total === 1 ? '' : 's'} ${ids.join(', ')}${more})`
      const { redactUrl } = await import('../data/postgres.ts')
      throw new DataError(
        // a store is named by its redacted URL: the basename of postgres://host/loyals read as
        // the program's name ("loyals: 2 customers ...")
        `${isPostgresUrl(path) ? redactUrl(path) : basename(path)}: ${nonPositiveSpendMessage(b.customers, b.none, which)}`,
        { nonPositive: b.customers, customers: ids },
      )
    }
    return { summary, notes: gap ? [...notes, gap.message] : notes }
  } finally {
    await engine.close()
    await remove()
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
    extra: f.note ? { ...extra, note: f.note } : extra,
    input,
  }
}

function fitBgbbFile(path: string, t0: number): FitReport {
  const roles: FitRole[] = ['x', 'tx', 'n', 'weight']
  const t = parseNumericCsv(path, (h) => roles.map((r) => findRole(h, r)))
  needRows(t)
  for (const r of ['x', 'tx', 'n'] as FitRole[]) {
    if (!findRole(t.header, r)) throw missing(t.file, t.header, r, 'for BG/BB')
  }
  const c = (r: FitRole) => t.columns[findRole(t.header, r)!]!
  const whole = (v: number) => Number.isSafeInteger(v) && v >= 0
  const why = (v: number) => countWhy(v, `must be a whole number >= 0 (got ${v})`)
  for (const r of ['x', 'tx', 'n'] as FitRole[]) checkColumn(t, findRole(t.header, r)!, whole, why)
  const w = findRole(t.header, 'weight') ? c('weight') : undefined
  if (w) checkColumn(t, findRole(t.header, 'weight')!, isWeight, weightReason)
  // the model's own rule, checked here so the message names the file line (the model sees the
  // compressed histories, whose rows are not the file's)
  const [x, tx, n] = [c('x'), c('tx'), c('n')]
  checkColumn(
    t,
    findRole(t.header, 'tx')!,
    (v, i) => v >= x[i]! && v <= n[i]! && (x[i] === 0) === (v === 0),
    (v, i) =>
      `BG/BB needs frequency <= recency <= periods, and recency 0 exactly when frequency is 0 (got frequency ${x[i]}, recency ${v}, periods ${n[i]})`,
  )
  const readMs = performance.now() - t0
  const h = compressHistories(x, tx, n, w)
  const f = fitBgbb(h)
  return report('bgbb', f, { histories: h.x.length }, { kind: 'bgbb table', rows: t.rows, readMs })
}

function fitSbgFile(path: string, opts: FitOptions, t0: number): FitReport[] {
  const t = parseNumericCsv(path, (h) => h.map((x) => x))
  needRows(t)
  const periodCol = t.header.find((h) => SURVIVAL_PERIOD.test(h)) ?? null
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
  if (periodCol !== null) {
    // the shares are read as one period apart: a gap or a row out of order would be fitted as if
    // it were the next period (a missing year made the churn look slower)
    const p = t.columns[periodCol]!
    checkColumn(
      t,
      periodCol,
      (x, i) => Number.isInteger(x) && (i === 0 || x === p[i - 1]! + 1),
      (x, i) =>
        !Number.isInteger(x)
          ? `a period must be a whole number (got ${x})`
          : `periods must go up by one from row to row (${p[i - 1]} then ${x}): the model needs the share of every period`,
    )
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
    // survivalToCounts' own rules, checked here so the message names the file line; its tolerance
    // is on shares of 1, hence the scale (the core reads values above 1.5 as percentages)
    const scale = counts ? v[0]! : v.some((x) => x > 1.5) ? 100 : 1
    checkColumn(
      t,
      col,
      (x, i) =>
        i === 0 ? counts || Math.abs(x / scale - 1) <= 1e-9 : x <= v[i - 1]! + 1e-12 * scale,
      (x, i) =>
        i === 0
          ? `the survival curve must start at 100 % of the cohort (got ${x}); give the share still active at the start of each period`
          : `${counts ? 'customers' : 'share'} still active (${x}) must be between 0 and the previous period's (${v[i - 1]})`,
    )
    // a head count states the cohort itself: a --cohort that differs would be silently ignored
    // (or, if used, contradict the counts), so it is refused rather than either
    if (counts && opts.cohort !== undefined && opts.cohort !== v[0]) {
      throw new UsageError(
        `--cohort ${opts.cohort} contradicts ${t.file} column ${col}: it holds head counts, and its first row (line ${t.line[0]}) says the cohort is ${v[0]} customers; leave --cohort out (it applies to shares or percentages)`,
      )
    }
    const cohort = counts ? v[0]! : (opts.cohort ?? DEFAULT_COHORT)
    const c = survivalToCounts(counts ? v.map((x) => x / v[0]!) : v, cohort)
    const f = fitSbg(c)
    // to 15 digits: 86.9 / 100 is 0.8690000000000001 in doubles, which the JSON printed
    const observed = v.map((x) => Number((x / scale).toPrecision(15)))
    return report(
      'sbg',
      f,
      {
        column: col,
        periods: c.lost.length,
        cohort,
        cohortAssumed: !counts && opts.cohort === undefined,
        curve: retentionCurve(f.params, observed),
        lifetime: expectedLifetime(f.params),
      },
      { kind: 'survival table', rows: t.rows, readMs },
    )
  })
}

/** Periods projected past the data in the sBG curve: enough to see where retention is going. */
export const SBG_PROJECTION_PERIODS = 5
/** Discount rate per period of the sBG DEL in `fit` (FH 2010's example; periods have no unit here). */
export const SBG_DISCOUNT_RATE = 0.1

/** One period of the sBG curve; `observed*` are null for projected periods (and r at period 0). */
export interface SbgCurvePoint {
  readonly period: number
  readonly observedSurvival: number | null
  readonly fittedSurvival: number
  readonly observedRetention: number | null
  readonly fittedRetention: number | null
}

/**
 * Observed and fitted S(t) and r(t) = S(t)/S(t-1) for each period of the data, then
 * {@link SBG_PROJECTION_PERIODS} more: the curve an analyst checks the fit by.
 */
function retentionCurve(p: SbgParams, observed: readonly number[]): SbgCurvePoint[] {
  const out: SbgCurvePoint[] = []
  for (let t = 0; t < observed.length + SBG_PROJECTION_PERIODS; t++) {
    const s = observed[t]
    const prev = observed[t - 1]
    out.push({
      period: t,
      observedSurvival: s ?? null,
      fittedSurvival: sbgSurvival(p, t),
      // a cohort gone to 0 has no retention rate after it
      observedRetention: s !== undefined && prev !== undefined && prev > 0 ? s / prev : null,
      fittedRetention: t === 0 ? null : sbgRetentionRate(p, t),
    })
  }
  return out
}

/** Mean lifetime in periods (null when infinite: α <= 1) and DEL at {@link SBG_DISCOUNT_RATE}. */
export interface SbgLifetime {
  readonly meanPeriods: number | null
  readonly discountRate: number
  readonly discountedPeriods: number
}

function expectedLifetime(p: SbgParams): SbgLifetime {
  const mean = sbgExpectedLifetime(p)
  return {
    meanPeriods: Number.isFinite(mean) ? mean : null,
    discountRate: SBG_DISCOUNT_RATE,
    discountedPeriods: sbgDiscountedExpectedLifetime(p, SBG_DISCOUNT_RATE),
  }
}

/**
 * --as-of and --unit shape the summary built from orders; a table that is already summarized has
 * its own calibration end and unit, and a fit that ignored them printed the same result as without.
 */
function builtOnly(opts: FitOptions, what: string): void {
  const given = [opts.asOf && '--as-of', opts.unit && '--unit'].filter(Boolean)
  if (given.length === 0) return
  throw new UsageError(
    `${given.join(' and ')} ${given.length > 1 ? 'apply' : 'applies'} when the model is fitted to orders (a file or workspace); ${what} is already summarized in its own periods: leave ${given.length > 1 ? 'them' : 'it'} out`,
  )
}

/** Options that only some models read, and which (a fit that ignored one exited 0 without it). */
const MODEL_ONLY: readonly {
  readonly given: (o: FitOptions) => boolean
  readonly flag: string
  readonly models: readonly FitModelName[]
}[] = [
  { given: (o) => o.column !== undefined, flag: '--column', models: ['sbg'] },
  { given: (o) => o.cohort !== undefined, flag: '--cohort', models: ['sbg'] },
  { given: (o) => o.excludeNonPositive === true, flag: '--exclude-nonpositive', models: ['gg'] },
]

/** @throws UsageError for an option the model does not take, naming the models that do */
function modelOnly(opts: FitOptions): void {
  for (const m of MODEL_ONLY) {
    if (m.given(opts) && !m.models.includes(opts.model)) {
      throw new UsageError(
        `${m.flag} applies to --model ${m.models.join(' or ')} only; --model ${opts.model} does not take it: leave it out`,
      )
    }
  }
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
  modelOnly(opts)
  const t0 = performance.now()
  if (opts.model === 'bgbb' || opts.model === 'sbg') {
    tableInput(path, opts.model)
    builtOnly(opts, `${opts.model === 'bgbb' ? 'a BG/BB' : 'an sBG'} table`)
  }
  if (opts.model === 'bgbb') return [fitBgbbFile(path, t0)]
  if (opts.model === 'sbg') return fitSbgFile(path, opts, t0)
  let s: SummaryColumns
  let kind: string
  let notes: readonly string[] = []
  const head = textHead(path)
  if (head !== null) {
    const header = headerOf(head)
    summaryShape(path, head, header)
    if (looksLikeOrders(header)) {
      ;({ summary: s, notes } = await summaryFromOrders(path, opts))
      kind = 'orders file'
    } else if (opts.model !== 'gg') {
      builtOnly(opts, 'a summary file')
      const { histories, rows } = readSummaryHistories(path)
      return [fitHistories(opts.model, histories, { kind: 'summary file', rows, t0, notes })]
    } else {
      builtOnly(opts, 'a summary file')
      s = readSummaryCsv(path, true, opts.excludeNonPositive === true)
      checkSpendRows(basename(path), s, opts.excludeNonPositive ?? false)
      kind = 'summary file'
    }
  } else {
    ;({ summary: s, notes } = await summaryFromOrders(path, opts))
    kind = 'workspace'
  }
  const readMs = performance.now() - t0
  const input = { kind, rows: s.rows, readMs, notes }
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
  return [fitHistories(opts.model, h, { kind, rows: s.rows, t0, notes })]
}

/** Fit BG/NBD, MBG/NBD, Pareto/NBD or the NBD to compressed histories; `t0` started the reading. */
function fitHistories(
  model: FitModelName,
  h: Histories,
  read: { kind: string; rows: number; t0: number; notes: readonly string[] },
): FitReport {
  // analyze trusts no model below MIN_REPEATERS repeat buyers; fit fits what it is asked to, and
  // says so (its estimates read as sure as any other)
  const { repeaters, customers } = assessHistories(h.x, h.weight)
  // one history fixes no spread between customers: every model's run-off then read as a finding
  // ("no sign of customers dropping out") about a population of one
  if (customers < 2) {
    throw new DataError(
      `${customers === 0 ? 'there are no customers' : 'there is one customer'} to fit: the ${FIT_MODEL_NAMES[model]} model estimates how customers differ (its parameters describe a population), which takes many customers' histories`,
    )
  }
  const few =
    repeaters > 0 && repeaters < MIN_REPEATERS
      ? `only ${repeaters.toLocaleString('en-US')} of ${customers.toLocaleString('en-US')} customers bought on more than one day: these estimates rest on few repeat buyers (analyze needs at least ${MIN_REPEATERS} to trust a model, and predicts from each customer's own purchase rate instead); their confidence intervals show how loosely they are fixed`
      : null
  const input = {
    kind: read.kind,
    rows: read.rows,
    readMs: performance.now() - read.t0,
    notes: few ? [...read.notes, few] : read.notes,
  }
  // the NBD: what the dropout models' errors name when they find no dropout (their limit), or
  // its own limit, the Poisson model, when rates do not differ (fitted once, as analyze fits it)
  if (model === 'nbd') {
    const nd = nbd.fitNoDropout(h)
    if (nd.fit === null) return poissonReport(h, input)
    return report(
      model,
      nd.fit as FitResult<Record<string, number>>,
      { histories: h.x.length },
      input,
    )
  }
  const fitter = model === 'bgnbd' ? bgnbd.fit : model === 'mbgnbd' ? mbgnbd.fit : pareto.fit
  const f = fitter(h) as FitResult<Record<string, number>>
  return report(model, f, { histories: h.x.length }, input)
}

/**
 * The NBD at its Poisson limit (r and α grow together: rates do not differ), reported as what it
 * is (nbd.poissonFit): one shared rate with its standard error, and the limit's log-likelihood on
 * the NBD's scale, so AIC and BIC compare with the other fits.
 * analyze and the dropout models' errors send a user here; an error naming the limit left them
 * with no figures at all.
 */
function poissonReport(h: Histories, input: FitReport['input']): FitReport {
  const { lambda, standardError: se, logLikelihood: ll } = nbd.poissonFit(h)
  // on the log scale, as the other fits' intervals are: never below 0
  const spread = Math.exp((1.959963984540054 * se) / lambda)
  return {
    model: 'nbd',
    params: { lambda },
    standardErrors: { lambda: se },
    confidenceIntervals: { lambda: [lambda / spread, lambda * spread] },
    logLikelihood: ll,
    customers: h.customers,
    aic: 2 - 2 * ll,
    bic: Math.log(h.customers) - 2 * ll,
    iterations: 0,
    extra: {
      histories: h.x.length,
      limit: 'poisson',
      note: `purchase rates do not differ between customers: r and alpha grow together without bound, to the NBD's Poisson limit, where every customer buys at one shared rate, lambda (repeat purchases over the time observed), as analyze uses it`,
    },
    input,
  }
}
