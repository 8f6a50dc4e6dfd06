// A JSON lines file whose records are not all objects (a line `42`, `[]` or `"oops"` among
// them) is described by DuckDB as one column `json` of type JSON: read as records, it would say
// "missing required columns ... (found: json)". This scan names the line instead. Also the
// record checks of a line that parses (an object, no key given twice), which make such lines bad
// rows of their own (blank-lines.ts withoutMalformedLines).
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'

/** The first line of a JSON lines file that holds a value other than an object, or null. */
export interface NonObjectLine {
  readonly line: number
  /** What the line holds instead, in words: "a number (42)", "a list", "text ("oops")". */
  readonly what: string
}

const MAX_SHOWN = 40

function describe(v: unknown, text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text
  if (Array.isArray(v)) return `a list (${shown})`
  if (v === null) return 'null'
  if (typeof v === 'number') return `a number (${shown})`
  if (typeof v === 'string') return `text (${shown})`
  if (typeof v === 'boolean') return `${v}`
  return shown
}

/** The reason a record that is not an object is refused, `what` from {@link describeValue}. */
export const nonObjectReason = (what: string): string =>
  `the record is ${what}, not an object: every line of a JSON lines file is one object of fields ({"customer_id": ..., ...})`

/** The reason a record giving a field twice is refused (DuckDB's reader refuses such a record). */
export const duplicateKeyReason = (field: string): string =>
  `the record gives ${field} twice: keep one`

/** Whether a problem's reason is one of a whole record's ({@link nonObjectReason}, ...). */
export const isRecordReason = (reason: string): boolean =>
  /^the record (is .*, not an object|gives .* twice: keep one)/s.test(reason)

/** A parsed JSON value that is not an object, in words; null for an object. */
export function notAnObject(v: unknown, text: string): string | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? null : describe(v, text)
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

/**
 * The first key given twice in one object of `text` (valid JSON: JSON.parse keeps the last of
 * them silently), as the flattened column it would fill (`customer.name` inside `customer`), or
 * null.
 */
export function duplicateKey(text: string): string | null {
  return duplicateKeyAt(text)?.field ?? null
}

/**
 * {@link duplicateKey} with where the second one starts (its opening quote's offset in `text`),
 * to name its line in a configuration file.
 */
export function duplicateKeyAt(text: string): { field: string; offset: number } | null {
  // one entry per open object (its keys and path) or list (null keys: its items have none)
  const open: { keys: Set<string> | null; path: string }[] = []
  let pending: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      let j = i + 1
      while (j < text.length && text.charCodeAt(j) !== 0x22)
        j += text.charCodeAt(j) === 0x5c ? 2 : 1
      let k = j + 1
      while (k < text.length && isSpace(text.charCodeAt(k))) k++
      const top = open[open.length - 1]
      if (text.charCodeAt(k) === 0x3a && top?.keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string
        const field = top.path === '' ? key : `${top.path}.${key}`
        if (top.keys.has(key)) return { field, offset: i }
        top.keys.add(key)
        pending = field
      }
      i = j
    } else if (c === 0x7b) {
      open.push({ keys: new Set(), path: pending ?? open[open.length - 1]?.path ?? '' })
      pending = null
    } else if (c === 0x5b) {
      open.push({ keys: null, path: pending ?? open[open.length - 1]?.path ?? '' })
      pending = null
    } else if (c === 0x7d || c === 0x5d) open.pop()
    else if (c === 0x2c) pending = null
  }
  return null
}

/**
 * Scan `file` (gzip-compressed when `gzip`) line by line for the first non-blank line whose JSON
 * value is not an object. Lines that do not parse are left to the reader's own messages.
 */
export async function firstNonObjectLine(
  file: string,
  gzip: boolean,
): Promise<NonObjectLine | null> {
  const raw = createReadStream(file)
  const input = gzip ? raw.pipe(createGunzip()) : raw
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  let n = 0
  try {
    for await (const l of lines) {
      n++
      const text = n === 1 ? l.replace(/^\uFEFF/, '').trim() : l.trim()
      if (text === '') continue
      let v: unknown
      try {
        v = JSON.parse(text)
      } catch {
        continue
      }
      const what = notAnObject(v, text)
      if (what !== null) return { line: n, what }
    }
    return null
  } finally {
    lines.close()
    raw.destroy()
  }
}
