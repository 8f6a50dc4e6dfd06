// The one translation of errors to HTTP: `{error: {code, message, details}}` with a status per
// error class. Store errors never leak their SQL to the client.
import type { z } from 'zod'
import {
  DataError,
  ImportError,
  LoyalsError,
  QueryError,
  StoreUnreachableError,
  UsageError,
} from '../errors.ts'

/** A request that fails validation: HTTP 400 `invalid_request` with one detail per problem. */
export class RequestError extends LoyalsError {
  constructor(message: string, details: readonly { path: string; reason: string }[]) {
    super('invalid_request', message, { issues: details })
  }
}

/** A body over the size limit: HTTP 413 `payload_too_large`. */
export class PayloadTooLargeError extends LoyalsError {
  constructor(limit: number) {
    super('payload_too_large', `the body is over ${limit} bytes`, { limit })
  }
}

/**
 * A body not sent as JSON (`Content-Type` other than application/json or a `+json` type, or
 * none): HTTP 415 `unsupported_media_type`. A client that labels JSON as text or a form may send
 * other bodies the same way; it is told rather than guessed at.
 */
export class UnsupportedMediaTypeError extends LoyalsError {
  constructor(contentType: string | null, why?: string) {
    super(
      'unsupported_media_type',
      why ??
        `the body must be JSON sent with Content-Type: application/json (it came ${contentType === null ? 'without a Content-Type' : `as ${contentType}`})`,
      { contentType },
    )
  }
}

/** 401 / 403, raised by the auth middleware. */
export class AuthError extends LoyalsError {
  readonly status: 401 | 403
  constructor(status: 401 | 403, message: string, details: Record<string, unknown> = {}) {
    super(status === 401 ? 'unauthorized' : 'forbidden', message, details)
    this.status = status
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[')
}

/**
 * zod issues as `{path, reason}` ('' for the whole body). A field or query parameter the schema
 * does not know is named by its own path, one detail each (zod names them all in one message).
 */
export function zodDetails(
  error: z.ZodError,
  prefix = '',
  unknownKey = 'unknown field',
): { path: string; reason: string }[] {
  const at = (path: readonly PropertyKey[]) => {
    const p = pathText(path)
    return prefix && p ? `${prefix}.${p}` : prefix || p
  }
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: at([...i.path, k]), reason: unknownKey }))
      : [{ path: at(i.path), reason: i.message }],
  )
}

/**
 * zod's messages for a request, where its own read as a validator's: a field left out ("Invalid
 * input: expected number, received undefined") is 'required'; a query number that is no number
 * (?limit=abc, coerced to NaN) is 'not a number'. Others keep zod's.
 */
export const requestIssue = (iss: { code?: string; input?: unknown }): string | undefined => {
  if (iss.code !== 'invalid_type') return undefined
  if (iss.input === undefined) return 'required'
  if (typeof iss.input === 'number' && Number.isNaN(iss.input)) return 'not a number'
  return undefined
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly error: { code: string; message: string; details: unknown }
}

export const errorBody = (code: string, message: string, details: unknown): ErrorBody => ({
  error: { code, message, details },
})

export interface HttpError {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503
  readonly body: ErrorBody
}

/** Map any thrown value to a status and body. */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof RequestError) {
    return { status: 400, body: errorBody(e.code, e.message, e.details.issues) }
  }
  if (e instanceof AuthError)
    return { status: e.status, body: errorBody(e.code, e.message, e.details) }
  if (e instanceof PayloadTooLargeError) {
    return { status: 413, body: errorBody(e.code, e.message, e.details) }
  }
  if (e instanceof UnsupportedMediaTypeError) {
    return { status: 415, body: errorBody(e.code, e.message, e.details) }
  }
  // before QueryError, which it is: the request may be sent again once the store is back
  if (e instanceof StoreUnreachableError) {
    return {
      status: 503,
      body: errorBody(
        'store_unavailable',
        `${e.message}; nothing of this request was stored: send it again when the store answers (GET /health says when)`,
        {},
      ),
    }
  }
  if (e instanceof QueryError) {
    return {
      status: 500,
      body: errorBody('store_error', 'the store failed to answer; see the server log', {}),
    }
  }
  if (e instanceof LoyalsError) {
    if (e.code === 'not_found')
      return { status: 404, body: errorBody(e.code, e.message, e.details) }
    if (
      e.code === 'task_state_error' ||
      e.code === 'key_state_error' ||
      e.code === 'batch_conflict' ||
      e.code === 'batches_missing' ||
      e.code === 'batches_changed' ||
      e.code === 'import_committed' ||
      e.code === 'import_voided'
    )
      return { status: 409, body: errorBody(e.code, e.message, e.details) }
    if (e instanceof UsageError) {
      const issues = Array.isArray(e.details.issues)
        ? e.details.issues
        : [{ path: '', reason: e.message }]
      return { status: 400, body: errorBody('invalid_request', e.message, issues) }
    }
    if (e instanceof DataError || e instanceof ImportError) {
      return { status: 422, body: errorBody(e.code, e.message, e.details) }
    }
    return { status: 500, body: errorBody(e.code, e.message, e.details) }
  }
  return { status: 500, body: errorBody('internal', 'internal error; see the server log', {}) }
}
