// Where each record of a JSON file starts. A JSON array, a list under a field, or pretty-printed
// documents are imported from a copy with one record a line, so a problem is first found by record
// number; this scan maps the numbers back to the lines a user's editor shows.
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'

/** How the records sit in the file. */
export type RecordLayout =
  | { readonly kind: 'array' }
  | { readonly kind: 'documents' }
  | { readonly kind: 'list'; readonly field: string }

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NEWLINE = 0x0a

/**
 * A byte-at-a-time JSON structure scanner: counts lines and notes the line on which each record
 * (an object in the layout's place) opens. It checks nothing; the file has been read as JSON.
 */
export class RecordLineScanner {
  /** 1-based line of each record's opening brace, in record order. */
  readonly starts: number[] = []
  line = 1
  #depth = 0
  #inString = false
  #escape = false
  // the list shape: the last key at depth 1 and whether the wanted list is open
  #key: number[] | null = null
  #keyText = ''
  #listOpen = false
  readonly #field: Buffer | null

  constructor(readonly layout: RecordLayout) {
    this.#field = layout.kind === 'list' ? Buffer.from(layout.field, 'utf8') : null
  }

  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!
      if (b === NEWLINE) this.line++
      if (this.#inString) {
        if (this.#escape) this.#escape = false
        else if (b === BACKSLASH) this.#escape = true
        else if (b === QUOTE) {
          this.#inString = false
          if (this.#key) this.#keyText = Buffer.from(this.#key).toString('utf8')
          this.#key = null
          continue
        }
        this.#key?.push(b)
        continue
      }
      if (b === QUOTE) {
        this.#inString = true
        // only a list layout needs the keys of the top-level object
        this.#key = this.#field && this.#depth === 1 ? [] : null
      } else if (b === 0x7b || b === 0x5b) {
        const brace = b === 0x7b
        if (brace && this.#isRecordStart()) this.starts.push(this.line)
        if (!brace && this.#field && this.#depth === 1) {
          this.#listOpen = this.#keyText === this.#field.toString('utf8')
        }
        this.#depth++
      } else if (b === 0x7d || b === 0x5d) {
        this.#depth--
        if (this.#depth === 1 && b === 0x5d) this.#listOpen = false
      }
    }
  }

  #isRecordStart(): boolean {
    switch (this.layout.kind) {
      case 'array':
        return this.#depth === 1
      case 'documents':
        return this.#depth === 0
      case 'list':
        return this.#listOpen && this.#depth === 2
    }
  }
}

/** The scanner run over a file (gzip-compressed or not); `line` is then the file's line count. */
export async function scanRecordLines(
  file: string,
  gzip: boolean,
  layout: RecordLayout,
): Promise<RecordLineScanner> {
  const scanner = new RecordLineScanner(layout)
  const raw = createReadStream(file)
  const stream = gzip ? raw.pipe(createGunzip()) : raw
  for await (const chunk of stream) scanner.feed(chunk as Buffer)
  return scanner
}
