// A JSON lines file whose records are not all objects (a line `42`, `[]` or `"oops"` among
// them) is described by DuckDB as one column `json` of type JSON: read as records, it would say
// "missing required columns ... (found: json)". This scan names the line instead.
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
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        return { line: n, what: describe(v, text) }
      }
    }
    return null
  } finally {
    lines.close()
    raw.destroy()
  }
}
