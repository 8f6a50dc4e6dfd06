// The character encodings an import reads, by any of their usual names: one check for the CLI's
// --encoding and the library's `encoding` option (which ignored 'windows-1252' and read 'ebcdic'
// as UTF-8).
import { UsageError } from '../../errors.ts'

/**
 * UTF-8 or Latin-1 (ISO-8859-1) / Windows-1252 (its superset, read the same way), by any of their
 * usual names.
 * @example parseEncoding('Windows-1252') // 'latin-1'; parseEncoding('UTF8') // 'utf-8'
 * @throws UsageError for any other.
 */
export function parseEncoding(name: string): 'utf-8' | 'latin-1' {
  const n = String(name)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
  if (n === 'utf8') return 'utf-8'
  if (['latin1', 'iso88591', 'l1', 'windows1252', 'cp1252', 'win1252'].includes(n)) return 'latin-1'
  throw new UsageError(
    `--encoding must be utf-8 or latin-1 (ISO-8859-1, or Windows-1252), got '${name}'`,
  )
}
