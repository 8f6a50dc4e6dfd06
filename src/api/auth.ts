// API keys with roles. Each route names one permission; a role is a set of permissions. The matrix
// is data (ROLE_PERMISSIONS) so docs/api.md and the tests read the same table.

import { StoreUnreachableError } from '../errors.ts'
import type { Role } from '../service/ops/keys.ts'
import { verifyApiKey } from '../service/ops/keys.ts'
import type { OpsStore } from '../service/ops/store.ts'
import { AuthError } from './errors.ts'

export const PERMISSIONS = [
  'read',
  'rank',
  'ingest',
  'tasks',
  'export',
  'refit',
  'erase',
  'keys',
] as const
export type Permission = (typeof PERMISSIONS)[number]

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  analyst: ['read', 'rank', 'export', 'refit'],
  service: ['read', 'rank', 'ingest', 'tasks'],
  'read-only': ['read'],
}

/** The roles that hold `permission`, in the order of ROLE_PERMISSIONS. */
export const rolesWith = (permission: Permission): Role[] =>
  (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((r) => ROLE_PERMISSIONS[r].includes(permission))

export interface Principal {
  readonly keyId: string
  readonly name: string
  readonly role: Role
}

/** Verified keys for a minute, so a lookup costs no store round trip. */
export class KeyCache {
  readonly #store: OpsStore
  readonly #ttlMs: number
  readonly #map = new Map<string, { p: Principal | null; until: number }>()

  constructor(store: OpsStore, ttlMs = 60_000) {
    this.#store = store
    this.#ttlMs = ttlMs
  }

  async verify(token: string): Promise<Principal | null> {
    const now = Date.now()
    const hit = this.#map.get(token)
    if (hit && hit.until > now) return hit.p
    let p: Principal | null
    try {
      p = await this.#store.use((e) => verifyApiKey(e, token))
    } catch (e) {
      // the store away: a key this server verified before still opens the reads it answers from
      // memory (docs/api.md), else they answered 503 whenever the key's minute had passed. Nobody
      // can revoke a key meanwhile (a revocation needs the store, and clears this cache)
      if (e instanceof StoreUnreachableError && hit) return hit.p
      throw e
    }
    if (this.#map.size > 10_000) this.#map.clear()
    this.#map.set(token, { p, until: now + this.#ttlMs })
    return p
  }

  /** Forget every verified key (after a revocation). */
  clear(): void {
    this.#map.clear()
  }
}

/**
 * The caller of a request, or an AuthError: 401 without a valid `Authorization: Bearer` key,
 * 403 when the key's role lacks `permission`.
 */
export async function authorize(
  keys: KeyCache,
  header: string | undefined,
  permission: Permission,
): Promise<Principal> {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!m) {
    // two Authorization headers arrive joined by a comma: "send an API key" sent the caller
    // looking for a key they had sent
    const keysSent = header?.split(',').filter((part) => /^\s*Bearer\s+\S+\s*$/i.test(part))
    if (keysSent && keysSent.length > 1) {
      throw new AuthError(
        401,
        `send one API key: this request had ${keysSent.length} (Authorization headers are joined by commas); send Authorization: Bearer <key> once`,
      )
    }
    throw new AuthError(401, 'send an API key: Authorization: Bearer <key>')
  }
  const p = await keys.verify(m[1]!)
  if (!p) throw new AuthError(401, 'the API key is not valid or was revoked')
  if (!ROLE_PERMISSIONS[p.role].includes(permission)) {
    // the permission is a noun ("keys", "erase"): "the read-only role may not keys" read as a typo
    throw new AuthError(
      403,
      `the ${p.role} role lacks the "${permission}" permission, which this request needs (roles with it: ${rolesWith(permission).join(', ')})`,
      { role: p.role, permission },
    )
  }
  return p
}
