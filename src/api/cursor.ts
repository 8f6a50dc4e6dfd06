// Keyset paging cursors: the listing they page and the sort key of a page's last row, opaque to
// clients (base64url JSON), and checked on the way back so that a made-up or truncated cursor, or
// one of another listing (whose key would start this one anywhere), is a 400, not a wrong page.
import { RequestError } from './errors.ts'

/** The listings that page by cursor: a cursor names its own, and the others refuse it. */
export const CURSOR_SCOPES = ['customers', 'actions', 'tasks'] as const
export type CursorScope = (typeof CURSOR_SCOPES)[number]

const encode = (parts: readonly string[]): string =>
  Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url')

/**
 * The `n` key parts of a cursor of `scope`.
 * @throws RequestError (400) when it is no cursor of ours, or one of another listing
 */
function decode(scope: CursorScope, c: string, n: number): string[] {
  const text = Buffer.from(c, 'base64url').toString('utf8')
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw invalid()
  }
  // no id we store holds a NUL (the API refuses one), and PostgreSQL cannot take one as text: a
  // made-up cursor with one was a 500 there
  if (
    !Array.isArray(v) ||
    !v.every((x) => typeof x === 'string' && !x.includes('\u0000')) ||
    encode(v) !== c
  ) {
    throw invalid()
  }
  const [of, ...key] = v as string[]
  if (of !== scope && (CURSOR_SCOPES as readonly string[]).includes(of ?? '')) {
    throw invalid(
      `a cursor of GET /v1/${of}, not of GET /v1/${scope}: pass a cursor back to the listing that gave it`,
    )
  }
  if (of !== scope || key.length !== n) throw invalid()
  return key
}

/** The cursor of a page of `scope` that ends at the row with sort key `key`. */
export const encodeCursor = (scope: CursorScope, key: string): string => encode([scope, key])

/** The sort key a cursor of `scope` carries. @throws RequestError (400) as {@link decode} */
export function decodeCursor(scope: CursorScope, c: string): string {
  const [key] = decode(scope, c, 1)
  if (key === '') throw invalid()
  return key!
}

/** A cursor of `scope` over a (time, id) sort key: the row's time (ISO 8601) and its id. */
export const encodeTimeCursor = (scope: CursorScope, at: string, id: string): string =>
  encode([scope, at, id])

/** The (time, id) a cursor of `encodeTimeCursor` carries. @throws RequestError (400) */
export function decodeTimeCursor(scope: CursorScope, c: string): { at: string; id: string } {
  const [at, id] = decode(scope, c, 2) as [string, string]
  if (!inStoreRange(Date.parse(at))) throw invalid()
  return { at, id }
}

/**
 * A time the stores hold (years 1 to 9999): JavaScript reads dates up to the year 275760, which
 * the store cannot compare with (a made-up cursor was a 500 "store_error").
 */
const inStoreRange = (ms: number): boolean =>
  ms >= Date.parse('0001-01-01T00:00:00Z') && ms <= Date.parse('9999-12-31T23:59:59.999Z')

const invalid = (reason = 'not a cursor from a previous page'): RequestError =>
  new RequestError('invalid cursor', [{ path: 'cursor', reason }])
