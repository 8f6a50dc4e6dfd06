// Report exports often open with a title or notes above the header ("Orders export 2024", a blank
// line, then the columns). When the first line names none of the required columns, the lines
// below it are tried as the header, so the error can say which line is the header and what to
// remove, instead of listing a title as the only column found.
import { readHead } from './formats.ts'

/** Bytes read from the file's start: a preamble is a few lines. */
const HEAD_BYTES = 64 * 1024
/** Lines tried as the header below the first. */
const MAX_LINES = 20
const SEPARATORS = [',', ';', '\t', '|'] as const

/** The header found below the first line: its 1-based line number and text. */
export interface HeaderBelow {
  readonly line: number
  readonly text: string
}

/** A line's fields under one separator, trimmed and unquoted (headers rarely hold separators). */
const fieldsOf = (line: string, sep: string): string[] =>
  line.split(sep).map((f) => f.trim().replace(/^"(.*)"$/, '$1'))

/**
 * A field that is a value, not a column's name: a number or a date. A line holding one is a data
 * row, whatever names its other fields match (a ticket's channel `email` reads as a customer id).
 */
const VALUE = /^([-+]?\d+([.,]\d+)?|\d{4}-\d{1,2}-\d{1,2}([T ].*)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})$/

/**
 * The first line below line 1 (up to line 21) whose fields `recognises` accepts as a header
 * (with any of , ; tab |) and none of which is a number or a date, or null. Reads the first 64 KB of a plain (not compressed) file.
 * @example headerBelow('title.csv', (cols) => cols.includes('customer')) // { line: 3, text: 'customer,date,amount' }
 */
export function headerBelow(
  path: string,
  recognises: (columns: readonly string[]) => boolean,
): HeaderBelow | null {
  let head: string
  try {
    head = readHead(path, HEAD_BYTES)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
  } catch {
    return null
  }
  const lines = head.split(/\r?\n/)
  for (let i = 1; i < Math.min(lines.length - 1, MAX_LINES + 1); i++) {
    const text = (lines[i] ?? '').trim()
    if (text === '') continue
    for (const sep of SEPARATORS) {
      const cols = fieldsOf(text, sep)
      if (cols.length > 1 && !cols.some((c) => VALUE.test(c)) && recognises(cols)) {
        return { line: i + 1, text }
      }
    }
  }
  return null
}
