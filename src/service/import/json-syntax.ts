// Where a JSON file stops being JSON. DuckDB names a pretty-printed document's or an array's
// syntax error by its own record count or byte offset (or the line after its one-line read), so
// when its read fails the file is scanned here, one byte at a time and streamed, up to the first
// error: its line and character, and the record it sits in and the line that record opens on.
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'

/** A record of the file: its number (1 = the first) and the line it opens on. */
export interface JsonRecordAt {
  readonly n: number
  readonly line: number
}

/** The first syntax error of a JSON file, and where it sits among the file's values. */
export interface JsonSyntaxError {
  readonly line: number
  /** 1-based character of the line. */
  readonly column: number
  readonly reason: string
  /** The top-level document (JSON value) the error is in, or follows. */
  readonly document: JsonRecordAt
  /** Inside a top-level array: the object of the array the error is in. */
  readonly element?: JsonRecordAt
  /** Inside a list of objects under a field of a top-level object: that field, and the object. */
  readonly list?: JsonRecordAt & { readonly field: string }
  /** The fields of the top-level object the error is in, up to the error. */
  readonly keys: readonly string[]
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NEWLINE = 0x0a
const ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)))
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/
const LITERALS = new Set(['true', 'false', 'null'])
const HEX = /^[0-9a-fA-F]$/

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === NEWLINE || b === 0x0d
// the bytes of a number or of true/false/null (and of a misspelled one, said whole)
const isWord = (b: number) =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d
const isWordOrNumber = (b: number) => isWord(b) || b === 0x2b || b === 0x2e

/** What the scanner waits for next. */
type Expect = 'value' | 'key' | 'colon' | 'next'

interface Frame {
  readonly array: boolean
  /** No value or field yet: the container may close. */
  empty: boolean
}

/**
 * A byte-at-a-time JSON syntax checker over a sequence of JSON values (JSON lines, documents one
 * after another, or one array or page of records). `feed` returns false once it found an error,
 * and `end` checks that the last value was closed.
 */
export class JsonSyntaxScanner {
  error: JsonSyntaxError | null = null
  #line = 1
  #column = 0
  // the last byte that is not white space: a file cut short is said there
  #lastLine = 1
  #lastColumn = 0
  #expect: Expect = 'value'
  readonly #stack: Frame[] = []
  #inString = false
  #escape = 0
  #key: number[] | null = null
  #word = ''
  #wordColumn = 0
  #document: JsonRecordAt = { n: 0, line: 1 }
  #element: JsonRecordAt | undefined
  #keys: string[] = []
  // the list under a top-level field: the field, and the objects read in each field's lists
  #field = ''
  #list: (JsonRecordAt & { field: string }) | undefined
  readonly #listed = new Map<string, number>()

  feed(chunk: Uint8Array): boolean {
    for (let i = 0; i < chunk.length && !this.error; i++) this.#byte(chunk[i]!)
    return this.error === null
  }

  /** The end of the file: a value still open is an error. */
  end(): JsonSyntaxError | null {
    if (this.error) return this.error
    if (this.#word !== '') this.#endWord()
    if (this.error) return this.error
    this.#line = this.#lastLine
    this.#column = this.#lastColumn + 1
    if (this.#inString) this.#fail("the file ends inside a string (its closing '\"' is missing)")
    else if (this.#stack.length > 0) {
      const open = this.#stack.map((f) => (f.array ? ']' : '}')).reverse()
      this.#fail(`the file ends before the record is closed (missing ${open.join('')})`)
    }
    return this.error
  }

  #byte(b: number): undefined {
    // a character of the line: every byte but a UTF-8 continuation byte
    if ((b & 0xc0) !== 0x80) this.#column++
    if (!isSpace(b)) {
      this.#lastLine = this.#line
      this.#lastColumn = this.#column
    }
    if (this.#inString) return this.#stringByte(b)
    if (this.#word !== '') {
      if (isWordOrNumber(b)) {
        this.#word += String.fromCharCode(b)
        return
      }
      this.#endWord()
      if (this.error) return
    }
    if (b === NEWLINE) {
      this.#line++
      this.#column = 0
      return
    }
    if (isSpace(b)) return
    const top = this.#stack.at(-1)
    if (b === 0x7b || b === 0x5b) {
      if (this.#expect !== 'value') return this.#unexpected(b)
      this.#opens()
      this.#stack.push({ array: b === 0x5b, empty: true })
      this.#expect = b === 0x5b ? 'value' : 'key'
    } else if (b === 0x7d || b === 0x5d) {
      const closes =
        top !== undefined &&
        top.array === (b === 0x5d) &&
        (this.#expect === 'next' || (top.empty && this.#expect === (top.array ? 'value' : 'key')))
      if (!closes) return this.#unexpected(b)
      this.#stack.pop()
      this.#valueDone()
    } else if (b === 0x2c) {
      if (this.#expect !== 'next' || !top) return this.#unexpected(b)
      top.empty = false
      this.#expect = top.array ? 'value' : 'key'
    } else if (b === 0x3a) {
      if (this.#expect !== 'colon') return this.#unexpected(b)
      this.#expect = 'value'
    } else if (b === QUOTE) {
      if (this.#expect !== 'value' && this.#expect !== 'key') return this.#unexpected(b)
      if (this.#expect === 'value') this.#opens()
      this.#inString = true
      this.#key = this.#expect === 'key' && this.#stack.length === 1 ? [] : null
    } else if (isWord(b) && this.#expect === 'value') {
      this.#opens()
      this.#word = String.fromCharCode(b)
      this.#wordColumn = this.#column
    } else this.#unexpected(b)
  }

  #stringByte(b: number): undefined {
    if (this.#escape !== 0) {
      // after a backslash one of "\/bfnrtu (-1); after \u, four hex digits (4 to 1 left)
      const ok = this.#escape < 0 ? ESCAPES.has(b) : HEX.test(String.fromCharCode(b))
      if (!ok) {
        return this.#fail('a backslash in a string starts no valid escape (\\n, \\", \\u00e9 ...)')
      }
      this.#escape = this.#escape < 0 ? (b === 0x75 ? 4 : 0) : this.#escape - 1
      this.#key?.push(b)
      return
    }
    if (b === NEWLINE) {
      return this.#fail("a string runs past the end of its line (its closing '\"' is missing)")
    }
    if (b < 0x20) return this.#fail('a control character (tab?) inside a string')
    if (b === BACKSLASH) this.#escape = -1
    else if (b === QUOTE) {
      this.#inString = false
      if (this.#expect === 'key') {
        if (this.#key) {
          this.#field = Buffer.from(this.#key).toString('utf8')
          this.#keys.push(this.#field)
        }
        this.#key = null
        this.#expect = 'colon'
      } else this.#valueDone()
      return
    }
    this.#key?.push(b)
  }

  #endWord(): void {
    const w = this.#word
    this.#word = ''
    if (!NUMBER.test(w) && !LITERALS.has(w)) {
      this.#column = this.#wordColumn
      this.#fail(`'${w}' is no value (a number, a "string", true, false or null)`)
      return
    }
    this.#valueDone()
  }

  /** A value opens: the record it starts, by where it sits. */
  #opens(): void {
    const depth = this.#stack.length
    if (depth === 0) {
      this.#document = { n: this.#document.n + 1, line: this.#line }
      this.#element = undefined
      this.#list = undefined
      this.#keys = []
      return
    }
    const [outer, inner] = this.#stack
    if (depth === 1 && outer?.array) {
      this.#element = { n: (this.#element?.n ?? 0) + 1, line: this.#line }
    } else if (depth === 2 && outer && !outer.array && inner?.array) {
      const n = (this.#listed.get(this.#field) ?? 0) + 1
      this.#listed.set(this.#field, n)
      this.#list = { field: this.#field, n, line: this.#line }
    }
  }

  #valueDone(): void {
    const top = this.#stack.at(-1)
    if (top) top.empty = false
    this.#expect = top ? 'next' : 'value'
  }

  #unexpected(b: number): undefined {
    const found = b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : 'a non-ASCII character'
    const top = this.#stack.at(-1)
    const wanted =
      this.#expect === 'key'
        ? top?.empty
          ? "a field name in double quotes or '}'"
          : 'a field name in double quotes'
        : this.#expect === 'colon'
          ? "':' after the field name"
          : this.#expect === 'next'
            ? `',' or '${top?.array ? ']' : '}'}'`
            : top?.array && top.empty
              ? "a value or ']'"
              : 'a value'
    // the two slips that make most such errors: a comma left out, and one too many
    const hint =
      this.#expect === 'next' && (b === QUOTE || isWord(b))
        ? ' (a comma missing?)'
        : (this.#expect === 'key' || this.#expect === 'value') && !top?.empty && b !== QUOTE
          ? ' (a comma too many?)'
          : ''
    this.#fail(`${found} where ${wanted} was expected${hint}`)
  }

  #fail(reason: string): undefined {
    const inList = this.#stack.length >= 2 && !this.#stack[0]?.array
    this.error = {
      line: this.#line,
      column: Math.max(1, this.#column),
      reason,
      document: this.#document,
      ...(this.#element && this.#stack[0]?.array ? { element: this.#element } : {}),
      ...(this.#list && inList ? { list: this.#list } : {}),
      keys: this.#keys,
    }
  }
}

/**
 * The first syntax error of `file` (gzip-compressed or not), or null when it is JSON throughout.
 * Reads no further than the error.
 */
export async function findJsonSyntaxError(
  file: string,
  gzip: boolean,
): Promise<JsonSyntaxError | null> {
  const scanner = new JsonSyntaxScanner()
  const raw = createReadStream(file)
  const stream = gzip ? raw.pipe(createGunzip()) : raw
  try {
    for await (const chunk of stream) if (!scanner.feed(chunk as Buffer)) break
  } finally {
    raw.destroy()
  }
  return scanner.end()
}
