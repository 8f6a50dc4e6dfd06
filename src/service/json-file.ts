// Configuration files the user writes by hand (value, operations, RFM rules): a read or syntax
// error names the file and, for the syntax, the line and column, as an editor shows them; V8
// says only "at position 38". A leading byte-order mark (Notepad, PowerShell 5) is not part of the
// JSON and is dropped, as data files drop it.
import { readFile } from 'node:fs/promises'
import { DataError, type LoyalsError, UsageError } from '../errors.ts'

/**
 * Parse `text` as JSON.
 * @throws UsageError `path:line:column: the <what> is not valid JSON: <reason>`
 * @example parseJsonText('{"a": 1,\n}', 'v.json', 'value configuration') // throws v.json:2:1: ...
 */
export function parseJsonText(withBom: string, path: string, what: string): unknown {
  const text = withBom.replace(/^\uFEFF/, '')
  try {
    return JSON.parse(text)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const at = /at position (\d+)/.exec(message)
    // "Unexpected end of JSON input" has no position: the end is where it stopped; V8 gives none
    // for an unexpected token either (it quotes the text instead, which is dropped here)
    const pos = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : null
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, ".*" is not valid JSON$/s, '')
    if (pos === null) {
      throw new UsageError(`${path}: the ${what} is not valid JSON: ${reason}`, { path })
    }
    const before = text.slice(0, pos)
    const line = before.split('\n').length
    const column = pos - before.lastIndexOf('\n')
    throw new UsageError(`${path}:${line}:${column}: the ${what} is not valid JSON: ${reason}`, {
      path,
      line,
      column,
    })
  }
}

/**
 * A file that cannot be read: a missing file or a directory said plainly, exiting 1 as a missing
 * data file does; anything else with the system's reason.
 */
function unreadable(path: string, what: string, e: unknown): LoyalsError {
  const cannot = `cannot read the ${what} ${path}`
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new DataError(`${cannot}: no such file`, { path })
  if (code === 'EISDIR') return new DataError(`${cannot}: it is a directory, not a file`, { path })
  return new UsageError(`${cannot}: ${e instanceof Error ? e.message : e}`, { path })
}

/**
 * Read and parse a JSON file.
 * @throws DataError for a missing file or a directory; UsageError naming the file when it cannot
 * be read otherwise, or where its JSON breaks.
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw unreadable(path, what, e)
  }
  return parseJsonText(text, path, what)
}

/**
 * A configuration file given by path, or {} (every default) when none is.
 * @throws UsageError as {@link readJsonFile}.
 */
export function readConfigFile(path: string | undefined, what: string): Promise<unknown> {
  return path === undefined ? Promise.resolve({}) : readJsonFile(path, what)
}
