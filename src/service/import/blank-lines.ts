// Blank lines of a text file. DuckDB's CSV and JSON-lines readers skip them silently, so a row's
// position in what they return is not its line in the file once one appears; the importer shifts
// its line numbers by what this finds. A byte scan, streamed (gzip inflated on the way): a few
// hundred MB a second, run only by the validating path, which is the one that names lines.
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'

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
  const input = createReadStream(file)
  const stream = opts.gzip ? input.pipe(createGunzip()) : input
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const n = chunk.length
    for (let i = 0; i < n; i++) {
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
  const input = createReadStream(file)
  const stream = gzip ? input.pipe(createGunzip()) : input
  for await (const chunk of stream as AsyncIterable<Buffer>) {
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
