// OpenAPI 3.1 generated from the route table and its zod schemas (z.toJSONSchema), so the
// description can never drift from what the server validates.
import { z } from 'zod'
import { ENGAGEMENT_EVENTS, TRACK_PROPERTIES } from '../service/ops/events.ts'
import { type KnownRoute, knownRoutes, shadowedPaths, withHead } from './allowed-methods.ts'
import { rolesWith } from './auth.ts'
import type { Route } from './route.ts'

function schemaOf(s: z.ZodType): unknown {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' })
}

/**
 * An error answer `{error: {code, message, details}}` with `description`; `code` and `details`
 * narrowed where the answer fixes them (required then).
 */
function errorResponse(
  description: string,
  fixed?: { code: string; details: Record<string, unknown> },
): { description: string; content: unknown } {
  return {
    description,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: fixed ? { const: fixed.code } : { type: 'string' },
                message: { type: 'string' },
                details: fixed?.details ?? {},
              },
              required: fixed ? ['code', 'message', 'details'] : ['code', 'message'],
            },
          },
        },
      },
    },
  }
}

const ERROR = errorResponse('Error')

/**
 * A 405: the path is known, the method is not one of its own. The `Allow` header and
 * `details.allow` list the path's methods (app.ts answers it before any route).
 */
const METHOD_NOT_ALLOWED = {
  ...errorResponse(
    'method_not_allowed: the path takes other methods, listed by the Allow header and details.allow',
    {
      code: 'method_not_allowed',
      details: {
        type: 'object',
        properties: { allow: { type: 'array', items: { type: 'string' } } },
        required: ['allow'],
      },
    },
  ),
  headers: {
    Allow: { description: "The path's methods, e.g. `POST`", schema: { type: 'string' } },
  },
}

/** The rule for methods a path does not take, said on every path of the document. */
function methodsNote(item: Record<string, unknown>): string {
  const methods = Object.keys(item).map((m) => m.toUpperCase())
  const head = methods.includes('GET') ? ' (HEAD is answered as GET)' : ''
  return `Takes ${methods.join(', ')}${head}; any other method answers 405 method_not_allowed (#/components/responses/MethodNotAllowed), its Allow header and details.allow listing ${withHead(methods).join(', ')}.`
}

/**
 * The 405 of an operation whose path pattern matches another route's literal path that does not
 * take its method (`GET /v1/jobs/tick` for `GET /v1/jobs/{id}`), or none.
 */
function shadowed(known: readonly KnownRoute[], r: Route): Record<string, unknown> {
  const paths = shadowedPaths(known, r)
  if (paths.length === 0) return {}
  const calls = paths.map((p) => `${r.method.toUpperCase()} ${p}`).join(', ')
  return {
    '405': {
      ...METHOD_NOT_ALLOWED,
      description: `${METHOD_NOT_ALLOWED.description}: ${calls} (those paths are other routes', not parameter values of this one)`,
    },
  }
}

/** The success answer of a route: its status, and its JSON schema (as the client reads it). */
function success(r: Route): Record<string, unknown> {
  const res = r.response
  if (!('schema' in res)) {
    return {
      '200': {
        description: res.description,
        content: { [res.contentType.split(';')[0] as string]: { schema: { type: 'string' } } },
      },
    }
  }
  const schema = z.toJSONSchema(res.schema, {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  })
  return {
    [String(res.status ?? 200)]: {
      description: res.description,
      content: { 'application/json': { schema } },
    },
  }
}

/** A component name for a track event's properties: "Order Completed" -> OrderCompletedProperties. */
const propertiesName = (event: string) => `${event.replace(/[^A-Za-z0-9]/g, '')}Properties`

/**
 * What the Segment routes do with each track event: the properties schema checked for it (the
 * body schema ties them to the event by if/then, see withTrackProperties) and the engagement
 * type an event name is stored as.
 */
function trackEventsText(): string {
  const checked = Object.keys(TRACK_PROPERTIES)
    .map((e) => `"${e}" (#/components/schemas/${propertiesName(e)})`)
    .join(', ')
  const engagement = Object.entries(ENGAGEMENT_EVENTS)
    .map(([e, t]) => `"${e}" -> ${t}`)
    .join(', ')
  return ` Track events whose properties are checked: ${checked}. Engagement events (stored in engagement_events): ${engagement}. Any other track event is stored as sent.`
}

/**
 * `schema` (a request body's JSON schema) with each track call's `properties` tied to the schema
 * the server checks for its event (if `event` is "Order Completed", then `properties` is
 * OrderCompletedProperties), so that a client validating against the document refuses what the
 * server refuses. A track call is an object schema whose `type` is the constant "track".
 */
function withTrackProperties(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withTrackProperties)
  if (typeof schema !== 'object' || schema === null) return schema
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(schema)) out[k] = withTrackProperties(v)
  const props = out.properties as Record<string, { const?: unknown }> | undefined
  if (props?.type?.const === 'track' && props.properties !== undefined) {
    out.allOf = Object.entries(TRACK_PROPERTIES).map(([e, schema]) => ({
      if: { properties: { event: { const: e } }, required: ['event'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: {
        // left out, the properties are {}, which every checked event refuses
        ...(schema.safeParse({}).success ? {} : { required: ['properties'] }),
        properties: { properties: { $ref: `#/components/schemas/${propertiesName(e)}` } },
      },
    }))
  }
  return out
}

/** The OpenAPI 3.1 document for `routes`. */
export function openApiDocument(
  routes: readonly Route[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  const known = knownRoutes(routes)
  for (const r of routes) {
    const path = r.openapiPath ?? r.path
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => {
      const declared = r.params?.[m[1]!]
      return {
        name: m[1],
        in: 'path',
        required: true,
        schema: declared ? schemaOf(declared) : { type: 'string' },
      }
    })
    const query: unknown[] = []
    if (r.query) {
      const js = schemaOf(r.query) as { properties?: Record<string, unknown>; required?: string[] }
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        query.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema })
      }
    }
    const roles = rolesWith(r.permission)
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      description: `Permission \`${r.permission}\`: roles ${roles.join(', ')}.${r.path.startsWith('/v1/events') ? trackEventsText() : ''}`,
      'x-permission': r.permission,
      'x-roles': roles,
      parameters: [...params, ...query],
      security: [{ bearer: [] }],
      responses: {
        ...success(r),
        '400': ERROR,
        '401': ERROR,
        '403': ERROR,
        '404': ERROR,
        ...shadowed(known, r),
        ...(r.body ? { '413': ERROR, '415': ERROR } : {}),
        ...Object.fromEntries((r.errors ?? []).map((status) => [String(status), ERROR])),
        '500': ERROR,
        // a server store (PostgreSQL) that cannot be reached
        '503': ERROR,
      },
    }
    if (r.body) {
      op.requestBody = {
        required: !r.body.safeParse(undefined).success,
        content: { 'application/json': { schema: withTrackProperties(schemaOf(r.body)) } },
      }
    }
    paths[path] = { ...(paths[path] ?? {}), [r.method]: op }
  }
  paths['/health'] = {
    get: {
      summary: 'Liveness and store check (no key needed).',
      responses: {
        '200': {
          description:
            'The server runs and its store answers (`ok`), or is busy with a write that has not let it answer within a second (`busy`)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  status: { enum: ['ok', 'busy'] },
                  store: { enum: ['duckdb', 'postgres'] },
                  version: { type: 'string' },
                },
                required: ['status', 'store', 'version'],
              },
            },
          },
        },
        '503': {
          description:
            "The store's server cannot be reached (`unavailable`, with the `reason`): requests answer 503 `store_unavailable` until it is back",
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  status: { enum: ['unavailable'] },
                  store: { enum: ['duckdb', 'postgres'] },
                  version: { type: 'string' },
                  reason: { type: 'string' },
                },
                required: ['status', 'store', 'version', 'reason'],
              },
            },
          },
        },
        '500': ERROR,
      },
    },
  }
  paths['/openapi.json'] = {
    get: { summary: 'This document (no key needed).', responses: { '200': { description: 'OK' } } },
  }
  for (const item of Object.values(paths)) item.description = methodsNote(item)
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loyals operations API',
      version,
      description:
        "Every error is {error: {code, message, details}}. A method a path does not take answers 405 method_not_allowed (components.responses.MethodNotAllowed; each path's description lists its methods), and so does an operation's 405 where a path parameter's value would be another route's path (GET /v1/jobs/tick).",
    },
    components: {
      responses: { MethodNotAllowed: METHOD_NOT_ALLOWED },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'lk_<id>_<secret>' },
      },
      schemas: Object.fromEntries(
        Object.entries(TRACK_PROPERTIES).map(([e, schema]) => [
          propertiesName(e),
          schemaOf(schema),
        ]),
      ),
    },
    paths,
  }
}
