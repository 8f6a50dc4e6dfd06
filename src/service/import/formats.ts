// Input format detection from the first bytes (magic numbers) with the extension as a tie-breaker,
// and early rejection of files that are not text (images, UTF-16, invalid UTF-8) so the user gets
// one clear sentence instead of a parser error from deep inside DuckDB.
import { closeSync, openSync, readSync, type Stats, statSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { structFields } from '../../data/queries/import-stage.ts'
import { ImportError } from '../../errors.ts'

export type Format = 'csv' | 'parquet' | 'jsonl'

export interface DetectedFormat {
  readonly format: Format
  readonly gzip: boolean
  /** A JSON array of records rather than JSON lines (read from a JSON lines copy). */
  readonly array?: true
  /** JSON lines behind a UTF-8 byte order mark, which DuckDB's JSON reader refuses. */
  readonly bom?: true
  /**
   * A CSV's lines above its header, empty or Excel's `sep=;` (the reader is told to skip them).
   */
  readonly blankLead?: number
  /** The CSV opens with Excel's `sep=;` line (SEP_LEAD). */
  readonly sepLine?: true
}

const SNIFF_BYTES = 64 * 1024

/** Bad rows a refused file names (the total is said beside them): the import's and fit's. */
export const PROBLEMS_SHOWN = 20

/**
 * A CSV's lines above its header: blank ones, and Excel's `sep=;` line (group 1), which names the
 * separator the reader finds on its own. The import reads such a file from a copy with that line
 * left blank (withoutSepLine), so the header is the first line of text and every line keeps its
 * number.
 */
export const SEP_LEAD = /^\uFEFF?(?:\r?\n)*("?sep=[^\r\n"]{1,2}"?[ \t]*)?(?:\r?\n)*/i

/** The first `n` bytes of a file (fewer when it is shorter). */
export function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(n)
    const got = readSync(fd, buf, 0, n, 0)
    return buf.subarray(0, got)
  } finally {
    closeSync(fd)
  }
}

/** A problem with the whole file: the message says it all, no per-row list. */
function problem(file: string, reason: string): ImportError {
  return new ImportError(`${file}: ${reason}`)
}

/**
 * Why `file` (its `st`) cannot be read, when it is not a regular file; said alike by the import
 * and by `fit` (whose command line does the reading: `verb`). A pipe (/dev/stdin, <(...)) reads
 * once and has no size, and both read a file more than once.
 */
export function notAFile(file: string, st: Stats, verb = 'import'): ImportError | null {
  if (st.isDirectory()) return problem(file, 'is a directory, not a file')
  if (st.isFile()) return null
  return problem(
    file,
    `is a pipe or device, not a file: standard input and pipes are not read; save the data to a file and ${verb} that`,
  )
}

/** A file of 0 bytes: said alike by the import and by `fit`'s own tables. */
export const emptyFile = (file: string): ImportError => problem(file, 'the file is empty (0 bytes)')

/** A file of nothing but blank lines (or a byte-order mark): said alike by the import and `fit`. */
export const onlyBlanks = (file: string): ImportError =>
  problem(file, 'the file is empty (only blanks)')

/**
 * A file with no rows under its header (a JSON or Parquet file with no records has no header):
 * said alike by the import and by `fit`'s own tables.
 */
export const noDataRows = (file: string, csv = true): ImportError =>
  problem(file, csv ? 'no data rows (only a header)' : 'no data rows')

const BINARY_MAGIC: readonly [string, readonly number[]][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  [
    'a ZIP archive (an Excel .xlsx workbook? save the sheet as CSV UTF-8 and import that)',
    [0x50, 0x4b, 0x03, 0x04],
  ],
  ['an executable', [0x7f, 0x45, 0x4c, 0x46]],
]

function startsWith(buf: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((b, i) => buf[at + i] === b)
}

/** Whether `buf` starts with the UTF-8 byte order mark (EF BB BF). */
export const startsWithBom = (buf: Uint8Array): boolean => startsWith(buf, [0xef, 0xbb, 0xbf])

/** What to say about a line that is not UTF-8: most such files are Latin-1 (Excel's CSV). */
export const NOT_UTF8 =
  'not valid UTF-8: if the file was saved as Latin-1 or Windows-1252 (Excel\'s plain "CSV"), pass --encoding latin-1; else save it as UTF-8'

/**
 * UTF-16 text without a byte order mark: ASCII letters with a NUL byte beside every one, at the even
 * (big-endian) or odd (little-endian) positions of most of the sample's first 512 pairs.
 */
function utf16WithoutBom(head: Buffer): boolean {
  const pairs = Math.min(512, Math.floor(head.length / 2))
  if (pairs < 4) return false
  let le = 0
  let be = 0
  for (let i = 0; i < pairs; i++) {
    const a = head[2 * i]!
    const b = head[2 * i + 1]!
    if (b === 0 && a >= 0x09 && a < 0x80) le++
    if (a === 0 && b >= 0x09 && b < 0x80) be++
  }
  return Math.max(le, be) >= 0.9 * pairs
}

/**
 * Check a text sample: reject UTF-16 and other binary content, and invalid UTF-8 unless the file
 * is read as Latin-1 (every byte is a Latin-1 character).
 */
function checkText(file: string, head: Buffer, truncated: boolean, latin1: boolean): void {
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw problem(file, 'the file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8) and retry')
  }
  for (const [what, magic] of BINARY_MAGIC) {
    if (startsWith(head, magic)) throw problem(file, `not a data file: it looks like ${what}`)
  }
  if (head.includes(0)) {
    if (utf16WithoutBom(head)) {
      throw problem(file, 'the file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8) and retry')
    }
    throw problem(file, 'binary content (NUL bytes): not a CSV, JSON lines or Parquet file')
  }
  if (latin1) return
  // A multi-byte character may be cut at the end of the sample; only decode whole lines.
  let sample = head
  if (truncated) {
    const nl = head.lastIndexOf(0x0a)
    sample = nl > 0 ? head.subarray(0, nl) : head.subarray(0, Math.max(0, head.length - 4))
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample)
  } catch {
    const line = firstBadLine(sample)
    throw new ImportError(`${file}: line ${line} is ${NOT_UTF8}`, [
      { file, line, column: null, reason: NOT_UTF8 },
    ])
  }
}

function firstBadLine(buf: Buffer): number {
  const dec = new TextDecoder('utf-8', { fatal: true })
  let line = 1
  let start = 0
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0x0a) {
      try {
        dec.decode(buf.subarray(start, i))
      } catch {
        return line
      }
      line++
      start = i + 1
    }
  }
  return line
}

/**
 * Detect the format of `file` and reject unreadable input early.
 * Parquet: `PAR1` magic; gzip: 1f 8b (content sniffed after inflating the head); a JSON array:
 * `[{` or `[]` first; JSON lines: first non-blank byte `{`, or a .jsonl/.ndjson/.json extension;
 * anything else textual is CSV.
 * @throws ImportError for a missing, empty, binary or non-UTF-8 file.
 */
export function detectFormat(file: string, opts: { latin1?: boolean } = {}): DetectedFormat {
  let size: number
  try {
    const st = statSync(file)
    const bad = notAFile(file, st)
    if (bad) throw bad
    size = st.size
  } catch (e) {
    if (e instanceof ImportError) throw e
    throw problem(file, 'file not found')
  }
  if (size === 0) throw emptyFile(file)
  let head: Buffer
  try {
    head = readHead(file, SNIFF_BYTES)
  } catch (e) {
    // the file is there but this user may not read it (a bug's exit 70 and Node's EACCES text)
    const code = (e as NodeJS.ErrnoException).code
    throw problem(
      file,
      code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read: permission denied (the file is not readable by this user; its owner can grant it, or copy the file somewhere this user can read)'
        : `cannot be read (${e instanceof Error ? e.message : String(e)})`,
    )
  }
  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return { format: 'parquet', gzip: false }
  const lower = file.toLowerCase()
  let gzip = false
  let text = head
  let truncated = size > head.length
  if (startsWith(head, [0x1f, 0x8b])) {
    gzip = true
    try {
      // The head of a gzip stream inflates on its own; finishFlush avoids "unexpected end".
      text = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).subarray(0, SNIFF_BYTES)
      truncated = truncated || text.length >= SNIFF_BYTES
    } catch {
      throw problem(file, 'the gzip data is corrupt')
    }
    if (text.length === 0) {
      // the stream may hold nothing (a gzipped empty file), or be cut off before its first byte
      if (!truncated) {
        try {
          gunzipSync(head)
        } catch {
          throw problem(file, 'the gzip data is cut short or damaged (unexpected end of file)')
        }
      }
      throw problem(file, 'the file is empty (0 bytes after gunzip)')
    }
  }
  // a gzipped Parquet file: read from an inflated copy (DuckDB reads Parquet from files only)
  if (startsWith(head, [0x1f, 0x8b]) && startsWith(text, [0x50, 0x41, 0x52, 0x31])) {
    return { format: 'parquet', gzip: true }
  }
  const base = lower.replace(/\.gz$/, '')
  // named Parquet but without its PAR1 mark: read as text it would be "a header and no rows"
  if (base.endsWith('.parquet')) {
    throw problem(
      file,
      'is named .parquet but is not a Parquet file (it does not begin with PAR1); rename it to what it holds (.csv, .jsonl) or export it again',
    )
  }
  checkText(file, text, truncated, opts.latin1 === true)
  const firstChar = text.toString('utf8').trimStart()[0]
  // one JSON document holding an array of records ("[{" or "[]"; a CSV header may start with a
  // bracketed name, "[CustomerID],[OrderDate]")
  if (/^\[\s*[{\]]/.test(text.toString('utf8').trimStart())) {
    return { format: 'jsonl', gzip, array: true }
  }
  if (/\.(jsonl|ndjson|json)$/.test(base) || firstChar === '{') {
    const bom = startsWithBom(text)
    return { format: 'jsonl', gzip, ...(bom ? { bom: true as const } : {}) }
  }
  if (text.toString('utf8').trim() === '') throw onlyBlanks(file)
  const lead = SEP_LEAD.exec(text.toString('utf8'))
  const blankLead = (lead?.[0] ?? '').split('\n').length - 1
  return {
    format: 'csv',
    gzip,
    ...(blankLead > 0 ? { blankLead } : {}),
    ...(lead?.[1] ? { sepLine: true as const } : {}),
  }
}

/** A type of DuckDB's that holds many values (a list, an object, a map): never one field's value. */
const NESTED_TYPE = /\[\]$|^STRUCT\(|^MAP\(|^UNION\(/s

/**
 * The columns of a JSON lines or Parquet source, as flattenObjects spreads them, whose values are
 * lists or objects (`items: [{...}]`, `meta.a: {...}`). `described` is the source's DESCRIBE
 * before the spread. Such a column is no scalar field: a name that reads like one ("items", a
 * quantity's synonym) must not make every row's list a bad number.
 */
export function nestedColumns(
  described: readonly { column_name: string; column_type: string }[],
): Set<string> {
  const names = new Set(described.map((d) => d.column_name))
  const out = new Set<string>()
  for (const d of described) {
    const fields = structFields(d.column_type)
    // flattenObjects spreads an object whose fields clash with no column, one level
    if (
      fields &&
      fields.length > 0 &&
      fields.every((f) => !names.has(`${d.column_name}.${f.name}`))
    ) {
      for (const f of fields) if (NESTED_TYPE.test(f.type)) out.add(`${d.column_name}.${f.name}`)
    } else if (NESTED_TYPE.test(d.column_type)) out.add(d.column_name)
  }
  return out
}

/**
 * The columns recognition may give to a field: all but the nested ones, unless a --map names
 * one (then its values are read and refused as any other bad value).
 */
export function scalarColumns(
  columns: readonly string[],
  nested: ReadonlySet<string>,
  map: Readonly<Record<string, string>> | undefined,
): string[] {
  if (nested.size === 0) return [...columns]
  const mapped = new Set(Object.values(map ?? {}))
  return columns.filter((c) => !nested.has(c) || mapped.has(c))
}
