// A Latin-1 file as Excel on Windows writes it is really Windows-1252: the bytes 0x80-0x9F hold
// €, dashes, curly quotes and the like, where ISO-8859-1 has control codes. DuckDB's latin-1
// reader refuses those bytes ("File is not latin-1 encoded", no line), and Node's TextDecoder
// for 'windows-1252' decodes as ISO-8859-1, so the table is here: the file is copied as UTF-8
// (one byte is one character: line numbers stay) and the copy is read.
import { rewrittenCopy } from './blank-lines.ts'

/** Windows-1252 characters of the bytes 0x80-0x9F (five unassigned ones kept as C1 codes). */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]
const C1 = /[\u0080-\u009f]/g

/** Decode Windows-1252 bytes. @example decodeWindows1252(Buffer.from([0x80])) // '€' */
export function decodeWindows1252(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(C1, (c) => String.fromCharCode(HIGH[c.charCodeAt(0) - 0x80] as number))
}

/**
 * A UTF-8 copy of a Windows-1252 (or Latin-1) file, inflated when `gzip`, in a new temporary
 * directory; its path and a function that removes it.
 */
export function utf8Copy(
  file: string,
  gzip: boolean,
): Promise<{ path: string; remove: () => Promise<void> }> {
  return rewrittenCopy(file, gzip, 'loyals-utf8-', decodeWindows1252)
}
