// Configuration files the user writes by hand (value, operations, RFM rules): a read or syntax
// error names the file and, for the syntax, the line and column, as an editor shows them; V8
// says only "at position 38". A leading byte-order mark (Notepad, PowerShell 5) is not part of the
// JSON and is dropped, as data files drop it.
import { readFile } from 'node:fs/promises'
import { type JsonPathStep, jsonPathLine } from '../core/json-path-line.ts'
import { DataError, type LoyalsError, UsageError } from '../errors.ts'
import { duplicateKeyAt } from './import/json-non-object.ts'

/**
 * Parse `text` as JSON.
 * @throws UsageError `path:line:column: the <what> is not valid JSON: <reason>`
 * @example parseJsonText('{"a": 1,\n}', 'v.json', 'value configuration') // throws v.json:2:1: ...
 */
export function parseJsonText(withBom: string, path: string, what: string): unknown {
  const text = withBom.replace(/^\uFEFF/, '')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const at = /at position (\d+)/.exec(message)
    // "Unexpected end of JSON input" has no position: the end is where it stopped; V8 gives none
    // for an unexpected token either (it quotes the text instead, which is dropped here)
    const pos = at
      ? Number(at[1])
      : /end of JSON input/.test(message)
        ? text.length
        : firstBadOffset(text)
    // V8 quotes the text around the token, cut with "..." on either side when long: not repeated
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    if (pos === null) {
      throw new UsageError(`${path}: the ${what} is not valid JSON: ${reason}`, { path })
    }
    const { line, column } = lineColumn(text, pos)
    throw new UsageError(`${path}:${line}:${column}: the ${what} is not valid JSON: ${reason}`, {
      path,
      line,
      column,
    })
  }
  // JSON.parse keeps the last of two equal keys in silence: a rate given twice would take the
  // second without a word, where a setting is meant to be said once
  const twice = duplicateKeyAt(text)
  if (twice) {
    const { line, column } = lineColumn(text, twice.offset)
    throw new UsageError(
      `${path}:${line}:${column}: the ${what} gives the key ${twice.field} twice in one object (JSON keeps only the last): give it once`,
      { path, line, column },
    )
  }
  return json
}

/** Line and column (both from 1) of character `offset` in `text`, as an editor counts them. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') }
}

/**
 * Where JSON `text` stops being valid, when the parser's message gives no position (an unexpected
 * token: `NaN`, a `//` comment): the shortest prefix that is wrong in itself, not just unfinished,
 * found by bisection (a prefix of a prefix that parses so far parses so far too). Null when every
 * prefix is only unfinished.
 */
function firstBadOffset(text: string): number | null {
  const unfinished = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n))
      return true
    } catch (e) {
      const m = e instanceof Error ? e.message : ''
      const at = /at position (\d+)/.exec(m)
      // wrong only at its end (an open string, a missing comma before the end): unfinished
      return /end of JSON input/.test(m) || (at !== null && Number(at[1]) >= n)
    }
  }
  let lo = 0
  let hi = text.length
  if (unfinished(hi)) return null
  // unfinished(lo) holds, unfinished(hi) does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (unfinished(mid)) lo = mid
    else hi = mid
  }
  return hi - 1
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
  return (await readJsonFileText(path, what)).json
}

/** {@link readJsonFile}, with the text read (to place a schema's problems at their lines). */
export async function readJsonFileText(
  path: string,
  what: string,
): Promise<{ json: unknown; text: string }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw unreadable(path, what, e)
  }
  return { json: parseJsonText(text, path, what), text }
}

/** A schema's problem as the parsers give it (details.issues): `at` is its path as steps. */
interface PlacedIssue {
  readonly path: string
  readonly reason: string
  readonly at?: readonly JsonPathStep[]
}

/**
 * Read a configuration file and validate it with `parse`; the problems `parse` finds
 * (UsageError with details.issues) are said each at its line, as an editor finds it:
 * `heading:` then `  file:line path: reason` per problem; details.issues gain `line`.
 * @throws as {@link readJsonFile}; UsageError for what `parse` refuses
 * @example await loadJsonConfig('rules.json', 'RFM rules file', parseRfmRules, 'invalid RFM rules in rules.json')
 */
export async function loadJsonConfig<T>(
  path: string,
  what: string,
  parse: (json: unknown) => T,
  heading: string,
): Promise<T> {
  const { json, text } = await readJsonFileText(path, what)
  try {
    return parse(json)
  } catch (e) {
    const issues =
      e instanceof UsageError ? (e.details?.issues as PlacedIssue[] | undefined) : undefined
    if (!(e instanceof UsageError) || !Array.isArray(issues)) throw e
    const placed = issues.map((i) => ({
      ...i,
      line: jsonPathLine(text.replace(/^\uFEFF/, ''), i.at ?? []),
    }))
    const lines = placed.map((i) => `  ${path}:${i.line} ${i.path}: ${i.reason}`).join('\n')
    throw new UsageError(`${heading}:\n${lines}`, { ...e.details, path, issues: placed })
  }
}
