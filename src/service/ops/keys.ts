// API keys: `lk_<id>_<secret>`. Only a per-key random salt and SHA-256(salt || secret) are stored;
// the key is shown once at creation. Verification compares hashes in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Engine } from '../../data/engine.ts'
import { insertRows } from '../../data/queries/api-insert-rows.ts'
import { apiKeyById } from '../../data/queries/api-key-by-id.ts'
import { apiKeyRevoke } from '../../data/queries/api-key-revoke.ts'
import { apiKeysList } from '../../data/queries/api-keys-list.ts'
import { LoyalsError, UsageError } from '../../errors.ts'
import { sqlTs, tsMs } from './time.ts'

export const ROLES = ['admin', 'analyst', 'service', 'read-only'] as const
export type Role = (typeof ROLES)[number]

export interface KeyInfo {
  readonly keyId: string
  readonly name: string
  readonly role: Role
  readonly createdAt: string
  readonly revokedAt: string | null
}

const KEY_RE = /^lk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(secret).digest('hex')
}

/**
 * Create a key with a role. Returns the full key (shown once) and its public info.
 * @throws UsageError for an unknown role.
 */
export async function createApiKey(
  engine: Engine,
  role: string,
  name: string,
  nowMs = Date.now(),
): Promise<{ key: string; info: KeyInfo }> {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`unknown role "${role}": use one of ${ROLES.join(', ')}`, { role })
  }
  // `keys list` tells keys apart by their names: a blank one names nobody
  if (name.trim() === '') {
    throw new UsageError('the key name is blank: name who or what uses the key (--name)', {
      issues: [{ path: 'name', reason: 'is blank: name who or what uses the key' }],
    })
  }
  const keyId = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12)
  const secret = randomBytes(32).toString('base64url')
  const salt = randomBytes(16).toString('hex')
  await engine.exec(
    insertRows(engine.dialect, {
      table: 'api_keys',
      columns: ['key_id', 'name', 'role', 'salt', 'hash', 'created_at'],
      rows: [[keyId, name, role, salt, hashSecret(salt, secret), sqlTs(nowMs)]],
    }),
  )
  return {
    key: `lk_${keyId}_${secret}`,
    info: {
      keyId,
      name,
      role: role as Role,
      createdAt: new Date(nowMs).toISOString(),
      revokedAt: null,
    },
  }
}

/** The key's id and role when `token` is a valid, unrevoked key; null otherwise. */
export async function verifyApiKey(
  engine: Engine,
  token: string,
): Promise<{ keyId: string; name: string; role: Role } | null> {
  const m = KEY_RE.exec(token)
  if (!m) return null
  const [, keyId, secret] = m as unknown as [string, string, string]
  const [row] = await engine.query(apiKeyById(engine.dialect, keyId))
  if (!row || row.revoked_at !== null) return null
  const want = Buffer.from(String(row.hash), 'hex')
  const got = Buffer.from(hashSecret(String(row.salt), secret), 'hex')
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null
  return { keyId, name: String(row.name), role: String(row.role) as Role }
}

export async function listApiKeys(engine: Engine): Promise<KeyInfo[]> {
  const rows = await engine.query(apiKeysList(engine.dialect))
  return rows.map((r) => ({
    keyId: String(r.key_id),
    name: String(r.name),
    role: String(r.role) as Role,
    createdAt: new Date(tsMs(r.created_at) ?? 0).toISOString(),
    revokedAt: r.revoked_at === null ? null : new Date(tsMs(r.revoked_at) ?? 0).toISOString(),
  }))
}

/** Revoke a key; false when there is no such active key. */
export async function revokeApiKey(
  engine: Engine,
  keyId: string,
  nowMs = Date.now(),
): Promise<boolean> {
  const rows = await engine.query(apiKeyRevoke(engine.dialect, keyId, sqlTs(nowMs)))
  return rows.length > 0
}

/** A revocation that would leave no active admin key: HTTP 409 `key_state_error`. */
export class KeyStateError extends LoyalsError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('key_state_error', message, details)
  }
}

export interface Revocation {
  readonly keyId: string
  /** When it was revoked: now, or earlier for a key already revoked. */
  readonly revokedAt: string
  readonly alreadyRevoked: boolean
}

/**
 * Revoke a key through the API. Revoking a revoked key changes nothing (DELETE is idempotent) and
 * answers when it was revoked. The last active admin key is kept: without it nobody could manage
 * keys through the API any more (only `loyals keys create` on the stopped server's workspace), so
 * `loyals keys revoke` without a server keeps it too.
 * The caller runs it as one use of the store, so no other revocation comes between the count and
 * the update.
 * @returns null when no key has that id.
 * @throws KeyStateError when it is the last active admin key.
 */
export async function revokeKeyKeepingAdmin(
  engine: Engine,
  keyId: string,
  nowMs = Date.now(),
  /** How the user creates another admin key where they are (the API's words by default). */
  createAdmin = 'POST /v1/keys with role admin',
): Promise<Revocation | null> {
  const keys = await listApiKeys(engine)
  const key = keys.find((k) => k.keyId === keyId)
  if (!key) return null
  if (key.revokedAt !== null) return { keyId, revokedAt: key.revokedAt, alreadyRevoked: true }
  const admins = keys.filter((k) => k.role === 'admin' && k.revokedAt === null)
  if (key.role === 'admin' && admins.length === 1) {
    throw new KeyStateError(
      `key ${keyId} is the last active admin key: revoking it would leave nobody able to manage keys; create another admin key first (${createAdmin}), then revoke this one`,
      { keyId },
    )
  }
  await revokeApiKey(engine, keyId, nowMs)
  return { keyId, revokedAt: new Date(nowMs).toISOString(), alreadyRevoked: false }
}
