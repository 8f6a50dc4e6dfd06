// The ids erasure gives a customer (`erased_` and 32 hex digits of an HMAC of the id, erase.ts):
// recognised where an erased customer must not be named or must be found again; and the keys of
// the rows that were hashed from the id.
import { createHash, createHmac } from 'node:crypto'
import { ERASURE_MARKER } from '../../data/queries/erasure-markers.ts'

export const PSEUDONYM = /^erased_[0-9a-f]{32}$/

/** The pseudonym erasure gives the customer `id`: `erased_` + 32 hex digits of HMAC-SHA-256. */
export const pseudonymFor = (secret: string, id: string): string =>
  `erased_${createHmac('sha256', secret).update(id).digest('hex').slice(0, 32)}`

/** The meta key that says a pseudonym's customer was erased, and when (the latest time). */
export const erasureMarkerKey = (pseudonym: string): string => `${ERASURE_MARKER}${pseudonym}`

/**
 * The key a row hashed from an erased customer's id carries after the erasure (the SQL of
 * api-erase-customer.ts computes the same): MD5 of the workspace's erasure secret, ':' and the old
 * key. Nobody without the secret can compute it from a guessed id; the server, sent the old key
 * again (an old file imported through it), finds the row.
 */
export const erasedKey = (secret: string, key: string): string =>
  createHash('md5').update(`${secret}:${key}`).digest('hex')
