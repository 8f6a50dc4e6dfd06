// createApp(deps) -> Hono app: registers the route table with one pipeline per request (auth,
// validation, handler) and one error translation (errors.ts). No I/O of its own.
import { type Handler, Hono } from 'hono'
import { z } from 'zod'
import { env } from '../config.ts'
import { trimSpaces } from '../core/customer-id.ts'
import { QueryError, StoreUnreachableError } from '../errors.ts'
import { allowedMethods, knownRoutes, withHead } from './allowed-methods.ts'
import { authorize } from './auth.ts'
import {
  PayloadTooLargeError,
  RequestError,
  requestIssue,
  toHttpError,
  UnsupportedMediaTypeError,
  zodDetails,
} from './errors.ts'
import { openApiDocument } from './openapi.ts'
import type { ApiDeps, Route } from './route.ts'
import { customerRoutes } from './routes/customers.ts'
import { eventRoutes } from './routes/events.ts'
import { operationRoutes } from './routes/operations.ts'
import { serviceRoutes } from './routes/service.ts'

/** Every route of the API, in documentation order. */
export const ROUTES: readonly Route[] = [
  ...eventRoutes,
  ...customerRoutes,
  ...serviceRoutes,
  ...operationRoutes,
]

/** Bodies above this size are refused before parsing (1,000 events fit easily). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024
/** JSON nested deeper than this is refused: no event is (and deep recursion would overflow). */
export const MAX_BODY_DEPTH = 64

/** Nesting depth of a parsed JSON value, counted without recursion (stops past `limit`). */
function depthOver(value: unknown, limit: number): boolean {
  let level: unknown[] = [value]
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true
    const next: unknown[] = []
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue
      // one push per value: a spread of a 200,000-element array overflows the call stack
      for (const x of Object.values(v as object)) next.push(x)
    }
    level = next
  }
  return false
}

/** The query of a route that declares none: no parameter at all. */
const NO_QUERY = z.object({}).strict()

/** A UTF-16 surrogate without its pair: valid JSON text (`"\ud800"`), but no character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * The path (`a.b[0].c`, as validation errors name fields) and reason of the first string or key in
 * `value` that no store can hold: one with a NUL character (PostgreSQL's text cannot store it, a
 * 500 on that store) or a lone UTF-16 surrogate (DuckDB's JSON reader refuses it, a 500 there);
 * else null. Both stores refuse them up front, naming the field.
 */
export function badTextPath(value: unknown): { path: string; reason: string } | null {
  const why = (s: string): string | null =>
    s.includes('\u0000')
      ? 'contains a NUL character (\\u0000)'
      : LONE_SURROGATE.test(s)
        ? 'contains half of a UTF-16 surrogate pair (a broken character)'
        : null
  const stack: [unknown, string][] = [[value, '']]
  while (stack.length > 0) {
    const [v, path] = stack.pop()!
    if (typeof v === 'string') {
      const reason = why(v)
      if (reason) return { path, reason }
    } else if (Array.isArray(v)) {
      for (const [i, child] of v.entries()) stack.push([child, `${path}[${i}]`])
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as object)) {
        const p = path === '' ? k : `${path}.${k}`
        const reason = why(k)
        if (reason) return { path: p, reason }
        stack.push([child, p])
      }
    }
  }
  return null
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true })

/** How long /health waits for the store before it answers `busy` (the store working on a write). */
export const HEALTH_WAIT_MS = 1000

/** application/json or a `+json` type (application/vnd.api+json), parameters such as charset aside. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * 415 for a body the server would misread: compressed (Content-Encoding other than identity, read
 * as UTF-8 it was "not valid UTF-8"), or in a charset other than UTF-8 (a Latin-1 "Jürgen" was
 * refused as invalid UTF-8, and a Latin-1 body of ASCII letters only would pass unnoticed).
 */
function checkEncoding(encoding: string | undefined, type: string | undefined): void {
  const enc = encoding?.trim().toLowerCase()
  if (enc && enc !== 'identity') {
    throw new UnsupportedMediaTypeError(
      type ?? null,
      `the body must be sent uncompressed (it came with Content-Encoding: ${encoding}); send the JSON as it is`,
    )
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type ?? '')?.[1]?.toLowerCase()
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(
      type ?? null,
      `the body must be UTF-8 JSON (it came as ${type}); send it with charset=utf-8 or none`,
    )
  }
}

/** Where JSON.parse stopped, as line and column, when its message gives the position. */
function jsonErrorAt(text: string, e: unknown): string {
  const m = /at position (\d+)/.exec(e instanceof Error ? e.message : '')
  if (!m) return 'invalid JSON'
  const pos = Number(m[1])
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  const column = pos - before.lastIndexOf('\n')
  return `invalid JSON at line ${line}, column ${column} (character ${pos + 1})`
}

/**
 * The body as text. Decoded strictly: a lenient decoder turns each invalid byte into U+FFFD, so
 * `c\xff` and `c\xfe` would arrive as one customer id.
 * @throws RequestError when the bytes are not UTF-8
 */
function utf8(bytes: ArrayBuffer): string {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    throw new RequestError('the body is not valid UTF-8', [{ path: '', reason: 'invalid UTF-8' }])
  }
}

/**
 * A store error for the server log without the data it quotes: DuckDB's messages repeat the
 * input they failed on (`Input: "[{"customer_id": ..., "email": ...}]"`), personal data that an
 * erasure cannot reach once it is in a log. The statement's first words stay for the diagnosis.
 */
export function storeErrorLine(e: QueryError): string {
  const msg = e.message.split('\n')[0] ?? e.message
  const redacted = msg.replace(/\b(Input|Original Line|Line)\s*:.*$/s, '$1: (data left out)')
  const sql = String(e.details.sql ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, 120)
  return `store error: ${redacted.slice(0, 500)} [statement: ${sql}]`
}

/**
 * The answer as a client reads it (JSON text parsed back: NaN is null there) against the route's
 * response status and schema. Throws a plain Error (500): a mismatch is the server's fault.
 */
function checkAnswer(r: Route, status: number, json: unknown): void {
  const where = `${r.method.toUpperCase()} ${r.path}`
  if (!('schema' in r.response)) throw new Error(`${where} answered JSON; its route declares text`)
  const declared = r.response.status ?? 200
  if (status !== declared)
    throw new Error(`${where} answered ${status}; its route declares ${declared}`)
  const parsed = r.response.schema.safeParse(JSON.parse(JSON.stringify(json)))
  if (!parsed.success) {
    throw new Error(
      `${where}: the answer does not match its schema: ${JSON.stringify(zodDetails(parsed.error))}`,
    )
  }
}

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono()
  const doc = openApiDocument(ROUTES, deps.version)
  // answered without a key, beside the route table
  const open: Record<string, Handler> = {
    '/openapi.json': (c) => c.json(doc),
    '/health': async (c) => {
      // the store answers in turn: behind an import's commit it waited the whole commit, and a
      // liveness probe with a timeout of a few seconds restarted the server in the middle of it
      let timer: NodeJS.Timeout | undefined
      const busy = new Promise<'busy'>((resolve) => {
        timer = setTimeout(() => resolve('busy'), HEALTH_WAIT_MS)
      })
      // a store whose server cannot be reached is down, not busy: a probe must tell an outage
      // from a long commit (it answered "busy" with a 200 through a PostgreSQL outage)
      const answered = deps.store
        .use((e) => e.query('SELECT 1 AS ok'))
        .then(
          () => 'ok' as const,
          (e) => {
            if (e instanceof StoreUnreachableError) return 'unavailable' as const
            throw e
          },
        )
      // answered busy, a later failure of the query is no unhandled rejection
      answered.catch(() => {})
      try {
        const status = await Promise.race([answered, busy])
        const store = deps.store.engine.dialect
        const reason = deps.store.engine.unreachable?.() ?? null
        if (status === 'unavailable' || (status === 'busy' && reason !== null)) {
          return c.json({ status: 'unavailable', store, version: deps.version, reason }, 503)
        }
        return c.json({ status, store, version: deps.version })
      } finally {
        clearTimeout(timer)
      }
    },
  }
  const known = knownRoutes([
    ...Object.keys(open).map((path) => ({ method: 'GET', path })),
    ...ROUTES,
  ])
  // no answer is for a cache to keep: profiles, tasks and keys are personal data, and the rest
  // changes with every event (a shared proxy kept one customer's profile for the next caller)
  app.use(async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  })
  // registered first, so that it runs before any route: GET /v1/jobs/tick would reach the job route
  app.use(async (c, next) => {
    const allow = allowedMethods(known, c.req.path)
    // Hono answers HEAD with the GET route
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    if (allow.length === 0 || allow.includes(method)) return next()
    // a known path asked with another method: 405 with the methods it has
    const listed = withHead(allow)
    return c.json(
      {
        error: {
          code: 'method_not_allowed',
          message: `${c.req.method} is not allowed on ${c.req.path}; use ${listed.join(', ')}`,
          details: { allow: listed },
        },
      },
      405,
      { allow: listed.join(', ') },
    )
  })
  for (const [path, handler] of Object.entries(open)) app.get(path, handler)
  for (const r of ROUTES) {
    app.on(r.method.toUpperCase(), r.path, async (c) => {
      const principal = await authorize(deps.keys, c.req.header('authorization'), r.permission)
      let body: unknown
      if (r.body) {
        const bytes = await c.req.arrayBuffer()
        if (bytes.byteLength > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES)
        if (bytes.byteLength > 0) {
          checkEncoding(c.req.header('content-encoding'), c.req.header('content-type'))
        }
        const text = utf8(bytes)
        let raw: unknown
        if (text.trim() === '') raw = undefined
        else {
          const type = c.req.header('content-type') ?? null
          if (type === null || !JSON_TYPE.test(type)) throw new UnsupportedMediaTypeError(type)
          try {
            raw = JSON.parse(text)
          } catch (e) {
            throw new RequestError('the body is not valid JSON', [
              { path: '', reason: jsonErrorAt(text, e) },
            ])
          }
          if (depthOver(raw, MAX_BODY_DEPTH)) {
            throw new RequestError('the body is nested too deeply', [
              { path: '', reason: `more than ${MAX_BODY_DEPTH} levels of nesting` },
            ])
          }
          // both are written as \u escapes in JSON text: only such bodies are searched
          const bad = text.includes('\\u') ? badTextPath(raw) : null
          if (bad !== null) throw new RequestError('invalid request body', [bad])
        }
        let parsed = r.body.safeParse(raw, { error: requestIssue })
        // no body where an object of required fields is asked for: the fields are named (a cancel
        // without a body was told `'': required`, not that it needs a reason)
        if (!parsed.success && raw === undefined) {
          const empty = r.body.safeParse({}, { error: requestIssue })
          if (!empty.success) parsed = empty
        }
        if (!parsed.success) {
          throw new RequestError('invalid request body', zodDetails(parsed.error))
        }
        body = parsed.data
      }
      const params = { ...(c.req.param() as Record<string, string>) }
      // a path whose %-escapes are no UTF-8 reached the handler undecoded ("no customer
      // %E0%A4", a 404): the request is malformed (only a URL with a % is parsed again)
      const path = c.req.url.includes('%') ? new URL(c.req.url).pathname : ''
      const undecodable = path.split('/').find((seg) => {
        try {
          decodeURIComponent(seg)
          return false
        } catch {
          return true
        }
      })
      if (undecodable !== undefined) {
        throw new RequestError('invalid path', [
          { path: 'path', reason: `${undecodable} is no valid %-encoding of UTF-8 text` },
        ])
      }
      const badParam = badTextPath({ ...params, ...c.req.query() })
      if (badParam !== null) throw new RequestError('invalid request', [badParam])
      // every id in a path is trimmed, as the ids of events are; one of nothing but spaces is none
      const blank = Object.keys(params).filter((k) => trimSpaces(params[k] ?? '') === '')
      if (blank.length > 0) {
        throw new RequestError(
          'invalid path',
          blank.map((k) => ({ path: k, reason: 'must not be empty (or only spaces)' })),
        )
      }
      for (const k of Object.keys(params)) params[k] = trimSpaces(params[k] ?? '')
      const badPath = Object.entries(r.params ?? {}).flatMap(([name, schema]) => {
        const checked = schema.safeParse(params[name], { error: requestIssue })
        if (!checked.success) return zodDetails(checked.error, name).slice(0, 1)
        // the handler gets the value as checked (a customer id trimmed)
        params[name] = checked.data
        return []
      })
      if (badPath.length > 0) throw new RequestError('invalid path', badPath)
      // ?tier=Gold&tier=Silver would read as Gold alone: a parameter is given once
      const repeated = Object.entries(c.req.queries()).filter(([, v]) => v.length > 1)
      if (repeated.length > 0) {
        throw new RequestError(
          'invalid query',
          repeated.map(([k]) => ({ path: k, reason: 'given more than once' })),
        )
      }
      // a route that takes no query refuses one: a misspelt filter must not read as "all"
      const parsed = (r.query ?? NO_QUERY).safeParse(c.req.query(), { error: requestIssue })
      if (!parsed.success) {
        throw new RequestError(
          'invalid query',
          zodDetails(parsed.error, '', 'unknown query parameter'),
        )
      }
      const query: unknown = parsed.data
      const out = await r.handler({
        body,
        query,
        params,
        principal,
        deps,
      })
      if ('text' in out) {
        return c.body(out.text, out.status ?? 200, { 'content-type': out.contentType })
      }
      if (env().LOYALS_CHECK_RESPONSES === '1') checkAnswer(r, out.status ?? 200, out.json)
      return c.json(out.json as object, out.status ?? 200)
    })
  }
  app.notFound((c) =>
    c.json(
      {
        error: {
          code: 'not_found',
          message: `no route ${c.req.method} ${c.req.path}`,
          details: {},
        },
      },
      404,
    ),
  )
  app.onError((e, c) => {
    const h = toHttpError(e)
    if (h.status === 500) console.error(e instanceof QueryError ? storeErrorLine(e) : e)
    return c.json(h.body, h.status)
  })
  return app
}
