// Blank lines of a text file. DuckDB's CSV and JSON-lines readers skip them silently, so a row's
// position in what they return is not its line in the file once one appears; the importer shifts
// its line numbers by what this finds. A byte scan, streamed (gzip inflated on the way), run only
// by the validating path, which is the one that names lines, and only when the quick test on the
// import's SHA-256 read (`blankHint`) could not rule blank lines out. That read (`lineScan`; made
// for scratch stores too, without the digest) also counts a quoted CSV's lines, which tells
// whether a value spans lines. Also the line-ending scan and copy for files that mix CRLF and LF,
// which DuckDB's CSV sniffer cannot read.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { createGunzip } from 'node:zlib'
import type { Engine } from '../../data/engine.ts'
import { ImportError, LoyalsError } from '../../errors.ts'
import { interruptibleTempDir } from '../interrupt.ts'
import { SEP_LEAD, startsWithBom } from './formats.ts'
import {
  duplicateKey,
  duplicateKeyReason,
  nonObjectReason,
  notAnObject,
} from './json-non-object.ts'
import { emptyRowSql, SPACES_ONLY_LINE } from './validate.ts'

/** A run of blank lines and where it sits. */
export interface BlankRun {
  /** File line (1-based) of the first blank line of the run. */
  readonly line: number
  /** How many blank lines in a row. */
  readonly count: number
  /** Data records (rows after a CSV header) that end before the run; -1: before the header. */
  readonly recordsBefore: number
}

const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const SPACE = 0x20
const TAB = 0x09

/**
 * The file's bytes as a stream, inflated when `gzip`; `input` is the file stream itself. A gzip
 * file cut short or damaged past its head fails there with zlib's bare words ("unexpected end of
 * file"): an ImportError naming the file instead.
 */
function openText(file: string, gzip: boolean) {
  const input = createReadStream(file)
  if (!gzip) return { input, stream: input as AsyncIterable<Buffer> }
  const inflated = input.pipe(createGunzip()) as AsyncIterable<Buffer>
  async function* stream(): AsyncGenerator<Buffer> {
    try {
      yield* inflated
    } catch (e) {
      if (e instanceof LoyalsError) throw e
      throw new ImportError(
        `${file}: the gzip data is cut short or damaged (${e instanceof Error ? e.message : String(e)}); nothing was imported`,
      )
    }
  }
  return { input, stream: stream() }
}

/**
 * Hex SHA-256 of a file's text ('' when `hash` is false: a scratch store compares no digest) and,
 * in the same read, what `lineScan` says of its lines (`lines` false: NO_LINES, a Parquet file
 * has none; a plain file is then not read at all). A gzip file is inflated to its end; the read
 * rejects with openText's ImportError naming the file when the data is cut short or damaged.
 * DuckDB's readers stop at a
 * cut without a word, the value they were in read half (1234.56 stored as 123). The digest is the
 * text's, not the compressed bytes': a gzip copy of a file imported before is the same file (its
 * bytes differ with the compression level and the name and time in its header), so it keeps the
 * later versions of the orders it holds as the plain file does.
 */
export async function textSha256(
  file: string,
  gzip: boolean,
  opts: { hash?: boolean; lines?: boolean } = {},
): Promise<{ sha: string; lines: LineHint }> {
  const h = opts.hash === false ? null : createHash('sha256')
  const scan = opts.lines === false ? null : lineScan()
  // (a gzip file is read all the same: the read is what finds it cut short)
  if (!h && !scan && !gzip) return { sha: '', lines: NO_LINES }
  for await (const chunk of textChunks(file, gzip)) {
    h?.update(chunk)
    scan?.push(chunk)
  }
  const lines = scan ? await scan.finish(file, gzip) : NO_LINES
  return { sha: h ? h.digest('hex') : '', lines }
}

/** A file's text in chunks: inflated when `gzip` (openText), else `plainChunks`. */
function textChunks(file: string, gzip: boolean): AsyncIterable<Buffer> {
  return gzip ? openText(file, true).stream : plainChunks(file)
}

/**
 * A plain file's bytes in 4 MiB reads into one buffer, reused: a stream's fresh buffer per chunk
 * touches new memory each time, ~115,000 page faults for a 448 MB file (over a second of CPU on
 * this VM beside the engine's read). Each chunk is valid until the next is asked for.
 */
async function* plainChunks(file: string): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 22)
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) return
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead)
    }
  } finally {
    await fh.close()
  }
}

/** What one read of a text file's bytes says of its lines (`lineScan`). */
export interface LineHint {
  /** It may hold a blank line before more content (`blankHint`). */
  readonly blank: boolean
  /**
   * Its lines up to the last one with content, or null when it holds no quote character (" or '),
   * so that no value can hold a line break and every record is one line: then a CSV's records
   * need no count. Compared with the records a reader returned, it tells a file whose quoted
   * values hold line breaks (a record then spans lines, and a row's position is not its line).
   */
  readonly contentLines: number | null
}

/** What a file without lines (Parquet) says: no blank line, nothing to count. */
export const NO_LINES: LineHint = { blank: false, contentLines: null }

const APOSTROPHE = 0x27

/** Line feeds in d[from, to). */
function lineFeeds(d: Buffer, from = 0, to = d.length): number {
  let n = 0
  for (let i = d.indexOf(LF, from); i !== -1 && i < to; i = d.indexOf(LF, i + 1)) n++
  return n
}

/**
 * `blankHint` and the file's content lines (`LineHint`), fed the raw chunks of a read made for
 * another purpose. Line feeds are counted from the first chunk with a quote character on (a file
 * without one, the usual large export, costs two byte searches a chunk); `finish` counts those
 * before it with a second read of that part.
 */
export function lineScan(): {
  push(d: Buffer): void
  finish(file: string, gzip: boolean): Promise<LineHint>
} {
  const blank = blankHint()
  // bytes read so far; where counting began (the first chunk with a quote), null: not yet
  let offset = 0
  let countFrom: number | null = null
  let counted = 0
  // line feeds after the last byte that is no line break (trailing line breaks end no content line)
  let afterContent = 0
  return {
    push(d: Buffer): void {
      blank.push(d)
      if (countFrom === null && (d.indexOf(QUOTE) !== -1 || d.indexOf(APOSTROPHE) !== -1)) {
        countFrom = offset
      }
      offset += d.length
      if (countFrom === null) return
      counted += lineFeeds(d)
      let last = d.length - 1
      while (last >= 0 && (d[last] === LF || d[last] === CR)) last--
      afterContent = last >= 0 ? lineFeeds(d, last + 1) : afterContent + lineFeeds(d)
    },
    async finish(file: string, gzip: boolean): Promise<LineHint> {
      if (countFrom === null) return { blank: blank.found, contentLines: null }
      let before = 0
      if (countFrom > 0) {
        let seen = 0
        for await (const chunk of textChunks(file, gzip)) {
          const take = Math.min(chunk.length, countFrom - seen)
          before += lineFeeds(chunk, 0, take)
          seen += take
          if (seen >= countFrom) break
        }
      }
      return { blank: blank.found, contentLines: before + counted - afterContent + 1 }
    },
  }
}

/**
 * A quick test, fed the raw chunks of a read made for another purpose (the import's SHA-256),
 * for whether a CSV may hold a blank line before more content: a line feed followed by another or
 * by CR LF, or a line break at the very start, found with the native byte search. False means
 * there is none; true, that `blankLines` must look (a blank line inside a quoted value also sets
 * it). Blank lines at the end of the file do not count: they shift no line.
 */
export function blankHint(): { push(d: Buffer): void; readonly found: boolean } {
  const isBreak = (b: number | undefined) => b === LF || b === CR
  // whether d from `from` on holds anything but line breaks
  const content = (d: Buffer, from: number): boolean => {
    for (let i = from; i < d.length; i++) if (!isBreak(d[i])) return true
    return false
  }
  let found = false
  // a blank line was seen with only line breaks after it so far
  let trailing = false
  let first = true
  let prevLf = false
  return {
    get found() {
      return found
    },
    push(d: Buffer): void {
      if (found || d.length === 0) return
      if (trailing) {
        found = content(d, 0)
        return
      }
      let at = (first || prevLf) && isBreak(d[0]) ? 0 : -1
      if (at < 0) {
        const lf = d.indexOf('\n\n')
        const crlf = d.indexOf('\n\r\n')
        at = lf < 0 ? crlf : crlf < 0 ? lf : Math.min(lf, crlf)
      }
      if (at >= 0) {
        if (content(d, at)) found = true
        else trailing = true
      }
      // a pair split across two reads: LF at the end of one, LF or CR at the start of the next
      prevLf =
        d[d.length - 1] === LF || (d.length > 1 && d[d.length - 2] === LF && d[d.length - 1] === CR)
      first = false
    },
  }
}

/**
 * The blank lines outside quoted values, in file order, merged into runs. CSV (`csv`): a line
 * that is empty (or a lone carriage return) and not inside a quoted value, which is what the
 * reader skips (a line of spaces is a row with missing columns, not blank); the first non-blank
 * line is the header. JSON lines: a line of nothing but spaces, tabs or a carriage return.
 * Quotes are the CSV double quote; a doubled quote toggles twice and so stays inside the value.
 * Blank lines after the last record are left out (no row follows them).
 */
export async function blankLines(
  file: string,
  opts: { format: 'csv' | 'jsonl'; gzip: boolean },
): Promise<BlankRun[]> {
  const csv = opts.format === 'csv'
  const runs: BlankRun[] = []
  let line = 1
  // the current line so far: blank until a byte that makes it a record
  let blank = true
  let inQuotes = false
  let records = csv ? -1 : 0 // a CSV's first record is its header
  let pending: { line: number; count: number; recordsBefore: number } | null = null
  const endLine = (): void => {
    if (blank) {
      if (pending && pending.line + pending.count === line) pending.count++
      else {
        if (pending) runs.push(pending)
        pending = { line, count: 1, recordsBefore: Math.max(records, csv ? -1 : 0) }
      }
    } else {
      records++
      // a run is kept once a record follows it
      if (pending) {
        runs.push(pending)
        pending = null
      }
    }
    line++
    blank = true
  }
  const { stream } = openText(file, opts.gzip)
  // a byte order mark opens the first line without making it a record (Excel writes one, then
  // maybe a blank line or a sep= line left blank, then the header)
  let start = true
  for await (const chunk of stream) {
    const n = chunk.length
    let from = 0
    if (start) {
      start = false
      if (startsWithBom(chunk)) from = 3
    }
    for (let i = from; i < n; i++) {
      const b = chunk[i] as number
      if (b === LF) {
        if (inQuotes) {
          // a line feed inside a quoted value: the record goes on, on the next file line
          line++
          continue
        }
        endLine()
        continue
      }
      if (b === CR) continue
      if (csv) {
        blank = false
        if (b === QUOTE) inQuotes = !inQuotes
      } else if (b !== SPACE && b !== TAB) blank = false
    }
  }
  // a last line without a line feed is a record when it has content; trailing blanks are dropped
  if (!blank) endLine()
  // the kept runs are those a record followed; `pending` (if any) trails the last record
  return runs
}

/**
 * The first line ending in CRLF and the first ending in a bare LF, when a file has both (outside
 * quoted values); null when it keeps to one. DuckDB's CSV sniffer cannot read such a file and
 * says only that it found no dialect.
 */
export async function mixedLineEndings(
  file: string,
  gzip: boolean,
): Promise<{ crlf: number; lf: number } | null> {
  let line = 1
  let prevCr = false
  let inQuotes = false
  let crlf = 0
  let lf = 0
  const { input, stream } = openText(file, gzip)
  for await (const chunk of stream) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number
      if (b === LF) {
        if (!inQuotes) {
          if (prevCr) crlf ||= line
          else lf ||= line
          if (crlf && lf) {
            input.destroy()
            return { crlf, lf }
          }
        }
        line++
      } else if (b === QUOTE) inQuotes = !inQuotes
      prevCr = b === CR
    }
  }
  return null
}

/**
 * A copy of `file` (inflated when `gzip`) under its own name in a new temporary directory
 * (`prefix`), each chunk as `rewrite` gives it and then what `end` gives; its path and a function
 * that removes it. The copies the importer reads instead of a file (line endings, encoding).
 */
export async function rewrittenCopy(
  file: string,
  gzip: boolean,
  prefix: string,
  rewrite: (chunk: Buffer) => Buffer | string,
  end: () => Buffer | null = () => null,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const { dir, remove } = await interruptibleTempDir(prefix)
  const path = join(dir, basename(file).replace(/\.gz$/i, ''))
  const { input, stream } = openText(file, gzip)
  const out = createWriteStream(path)
  const write = (b: Buffer | string) =>
    new Promise<void>((resolve, reject) => out.write(b, (e) => (e ? reject(e) : resolve())))
  try {
    for await (const chunk of stream) await write(rewrite(chunk))
    const last = end()
    if (last !== null) await write(last)
    await new Promise<void>((resolve, reject) =>
      out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    )
  } catch (e) {
    input.destroy()
    out.destroy()
    await remove()
    throw e
  }
  return { path, remove }
}

/**
 * A copy of `file` (inflated when `gzip`) with every CR LF made LF, for a file that mixes the
 * two: line numbers stay the same (see {@link rewrittenCopy}).
 */
export function lfCopy(
  file: string,
  gzip: boolean,
): Promise<{ path: string; remove: () => Promise<void> }> {
  // a CR at the end of one chunk waits to see whether the next starts with LF
  let heldCr = false
  const rewrite = (chunk: Buffer): Buffer => {
    let start = 0
    const parts: Buffer[] = []
    if (heldCr) {
      if (chunk[0] !== LF) parts.push(Buffer.from([CR]))
      heldCr = false
    }
    let i = chunk.indexOf(CR)
    while (i >= 0) {
      if (i === chunk.length - 1) {
        parts.push(chunk.subarray(start, i))
        heldCr = true
        start = chunk.length
        break
      }
      if (chunk[i + 1] === LF) {
        parts.push(chunk.subarray(start, i))
        start = i + 1
      }
      i = chunk.indexOf(CR, i + 1)
    }
    if (start < chunk.length) parts.push(chunk.subarray(start))
    return Buffer.concat(parts)
  }
  return rewrittenCopy(file, gzip, 'loyals-lf-', rewrite, () => (heldCr ? Buffer.from([CR]) : null))
}

/**
 * A copy of `file` (inflated when `gzip`) whose first chunk `rewrite` changes: what the copies
 * below mend sits at the file's start.
 */
function headRewrittenCopy(
  file: string,
  gzip: boolean,
  prefix: string,
  rewrite: (head: Buffer) => Buffer,
): Promise<{ path: string; remove: () => Promise<void> }> {
  let first = true
  return rewrittenCopy(file, gzip, prefix, (chunk) => {
    if (!first) return chunk
    first = false
    return rewrite(chunk)
  })
}

/** A copy of `file` (inflated when `gzip`) without the UTF-8 byte order mark it starts with. */
export function withoutBom(
  file: string,
  gzip: boolean,
): Promise<{ path: string; remove: () => Promise<void> }> {
  return headRewrittenCopy(file, gzip, 'loyals-bom-', (head) =>
    startsWithBom(head) ? head.subarray(3) : head,
  )
}

/**
 * A copy of CSV `file` (inflated when `gzip`) with Excel's `sep=;` line above the header left
 * blank (formats.ts SEP_LEAD): the reader skips it as it skips any blank line above the header.
 */
export function withoutSepLine(
  file: string,
  gzip: boolean,
): Promise<{ path: string; remove: () => Promise<void> }> {
  return headRewrittenCopy(file, gzip, 'loyals-sep-', (head) => {
    // the line is the file's first line of text
    const m = SEP_LEAD.exec(head.subarray(0, 4096).toString('utf8'))
    if (!m?.[1]) return head
    const at = Buffer.byteLength(m[0].slice(0, m[0].indexOf(m[1])), 'utf8')
    return Buffer.concat([head.subarray(0, at), head.subarray(at + Buffer.byteLength(m[1]))])
  })
}

/** An inflated copy of a gzip file (a `.parquet.gz`: DuckDB reads Parquet only as it is). */
export function inflatedCopy(file: string): Promise<{ path: string; remove: () => Promise<void> }> {
  return rewrittenCopy(file, true, 'loyals-gunzip-', (chunk) => chunk)
}

/** A JSON line that does not parse as one object: its file line, text and why. */
export interface MalformedLine {
  readonly line: number
  readonly text: string
  readonly reason: string
  /**
   * The line parses but is no record to read: a value other than an object, or a key given
   * twice (`field`: the column named by the key). Its reason is said as it is, not as a syntax error.
   */
  readonly record?: { readonly field: string | null }
}

/**
 * A copy of JSON-lines `file` (inflated when `gzip`) with every line that is not one JSON object
 * (or one giving a key twice) left blank, and those lines. What --skip-bad-rows reads when
 * DuckDB's reader stops at such a line: the reader skips blank lines, whose shift the importer already accounts for,
 * so every other record keeps its own line number. Lines are split at LF (a CR before it is part
 * of the line ending).
 */
export async function withoutMalformedLines(
  file: string,
  gzip: boolean,
): Promise<{
  path: string
  remove: () => Promise<void>
  malformed: MalformedLine[]
  /** Lines that are one JSON object each. */
  good: number
}> {
  const malformed: MalformedLine[] = []
  let good = 0
  let line = 1
  // the part of a line that runs past the end of a chunk (bytes: a character may be split too)
  let held: Buffer = Buffer.alloc(0)
  const check = (bytes: Buffer): Buffer => {
    const text = bytes.toString('utf8').replace(/\r$/, '')
    if (text.trim() === '') return bytes
    let bad: Omit<MalformedLine, 'line' | 'text'> | null = null
    try {
      const v: unknown = JSON.parse(text)
      const what = notAnObject(v, text.trim())
      const twice = what === null ? duplicateKey(text) : null
      if (what !== null) bad = { reason: nonObjectReason(what), record: { field: null } }
      else if (twice !== null) bad = { reason: duplicateKeyReason(twice), record: { field: twice } }
    } catch (e) {
      // V8 quotes the line back ('Unexpected token '}', "{"a":}" is not valid JSON'): the
      // rejects file holds the line already
      const m = e instanceof Error ? e.message : String(e)
      bad = { reason: m.replace(/^(Unexpected token .+?), ".*" is not valid JSON$/s, '$1') }
    }
    if (bad === null) {
      good++
      return bytes
    }
    malformed.push({ line, text, ...bad })
    return Buffer.alloc(0)
  }
  const rewrite = (chunk: Buffer): Buffer => {
    const parts: Buffer[] = []
    let start = 0
    let i = chunk.indexOf(LF)
    while (i >= 0) {
      const bytes =
        held.length > 0 ? Buffer.concat([held, chunk.subarray(start, i)]) : chunk.subarray(start, i)
      held = Buffer.alloc(0)
      parts.push(check(bytes), Buffer.from([LF]))
      line++
      start = i + 1
      i = chunk.indexOf(LF, start)
    }
    held = Buffer.concat([held, chunk.subarray(start)])
    return Buffer.concat(parts)
  }
  const copy = await rewrittenCopy(file, gzip, 'loyals-jsonl-', rewrite, () =>
    held.length > 0 ? check(held) : null,
  )
  return { ...copy, malformed, good }
}

/**
 * Leave the CSV rows that are nothing but separators (`,,,`, Excel's rows below the data) or white
 * space out of the view `import_raw` (the validating path's rows), as the readers leave blank
 * lines out; their lines keep counting, so the other rows keep theirs. `columns` are the file's
 * (import_src's); `rejected`, whether the reader rejected lines (a line of spaces is rejected for
 * its column count, and is left out of the problems by problemsSql). Returns how many rows and
 * lines were so left out.
 */
export async function skipEmptyRows(
  engine: Engine,
  args: { columns: readonly string[]; rejected: boolean },
): Promise<number> {
  const one = async (sql: string): Promise<number> =>
    Number((await engine.query<{ n: number }>(sql))[0]?.n ?? 0)
  const spaces = args.rejected
    ? await one(`SELECT count(DISTINCT line) AS n FROM import_csv_errors WHERE ${SPACES_ONLY_LINE}`)
    : 0
  const empty = emptyRowSql(args.columns)
  const rows = await one(`SELECT count(*) AS n FROM import_src WHERE ${empty}`)
  if (rows > 0) {
    await engine.exec(`ALTER VIEW import_raw RENAME TO import_raw_all;
CREATE OR REPLACE TEMP VIEW import_raw AS SELECT * FROM import_raw_all WHERE NOT ${empty}`)
  }
  return spaces + rows
}
