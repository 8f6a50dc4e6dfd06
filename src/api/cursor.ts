// Keyset paging cursors: the sort key of a page's last row, opaque to clients (base64url), and
// checked on the way back so that a made-up or truncated cursor is a 400, not a wrong page.
import { RequestError } from './errors.ts'

/** The cursor of a page that ends at the row with sort key `key`. */
export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url')

/** The sort key a cursor carries. @throws RequestError (400) when it is no cursor of ours. */
export function decodeCursor(c: string): string {
  const s = Buffer.from(c, 'base64url').toString('utf8')
  if (s === '' || encodeCursor(s) !== c) throw invalid()
  return s
}

/** A cursor over a (time, id) sort key: the row's time (ISO 8601) and its id. */
export const encodeTimeCursor = (at: string, id: string): string =>
  encodeCursor(JSON.stringify([at, id]))

/** The (time, id) a cursor of `encodeTimeCursor` carries. @throws RequestError (400) */
export function decodeTimeCursor(c: string): { at: string; id: string } {
  let v: unknown
  try {
    v = JSON.parse(decodeCursor(c))
  } catch (e) {
    if (e instanceof RequestError) throw e
    throw invalid()
  }
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    typeof v[0] !== 'string' ||
    typeof v[1] !== 'string' ||
    !inStoreRange(Date.parse(v[0]))
  ) {
    throw invalid()
  }
  return { at: v[0], id: v[1] }
}

/**
 * A time the stores hold (years 1 to 9999): JavaScript reads dates up to the year 275760, which
 * the store cannot compare with (a made-up cursor was a 500 "store_error").
 */
const inStoreRange = (ms: number): boolean =>
  ms >= Date.parse('0001-01-01T00:00:00Z') && ms <= Date.parse('9999-12-31T23:59:59.999Z')

const invalid = (): RequestError =>
  new RequestError('invalid cursor', [
    { path: 'cursor', reason: 'not a cursor from a previous page' },
  ])
