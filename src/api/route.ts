// A route is data: method, path, permission, schemas and a handler. The app registers the table,
// the OpenAPI description is generated from it, and the auth tests iterate over it.
import type { z } from 'zod'
import type { Ingestor } from '../service/ops/ingest.ts'
import type { JobRunner } from '../service/ops/jobs.ts'
import type { OpsStore } from '../service/ops/store.ts'
import type { KeyCache, Permission, Principal } from './auth.ts'

export interface ApiDeps {
  readonly store: OpsStore
  readonly ingestor: Ingestor
  readonly jobs: JobRunner
  readonly keys: KeyCache
  readonly version: string
  /**
   * The currency the value configuration names (`currency.code`); an order in another is refused.
   * Absent or null: none was named, and orders may carry any.
   */
  readonly currency?: string | null
  /**
   * Without a named currency: the stored orders' one currency (read when the server starts, then
   * the first one an order brings to a workspace without any); an order or refund in another is
   * refused, as no offline command could read the workspace then. Code null: none yet (or several
   * stored already). Absent: not checked (a test's app).
   */
  readonly ordersCurrency?: { code: string | null }
}

export interface RouteInput<B, Q> {
  readonly body: B
  readonly query: Q
  readonly params: Record<string, string>
  readonly principal: Principal
  readonly deps: ApiDeps
}

/** What a handler returns: JSON with a status, or a raw body with a content type. */
export type RouteResult =
  | { readonly status?: 200 | 201 | 202; readonly json: unknown }
  | { readonly status?: 200; readonly text: string; readonly contentType: string }

export interface Route<B = unknown, Q = unknown> {
  readonly method: 'get' | 'post' | 'delete'
  /** Hono path, `:name` for parameters. */
  readonly path: string
  /** OpenAPI path when it differs (e.g. `/v1/audiences/{tier}.csv`). */
  readonly openapiPath?: string
  readonly permission: Permission
  readonly summary: string
  readonly tag: string
  readonly body?: z.ZodType<B>
  readonly query?: z.ZodType<Q>
  /**
   * Path parameters that are more than any text, by name: checked before the handler (400
   * naming the parameter) and described by the OpenAPI document. Others are any non-empty text.
   */
  readonly params?: Readonly<Record<string, z.ZodString>>
  /**
   * The answer on success: its status (default 200) and the schema of its JSON (responses.ts), or
   * the content type of a text answer. Described in the OpenAPI document; with
   * LOYALS_CHECK_RESPONSES set every JSON answer is checked against the schema.
   */
  readonly response:
    | {
        readonly status?: 200 | 201 | 202
        readonly schema: z.ZodType
        readonly description: string
      }
    | { readonly contentType: string; readonly description: string }
  /** Error statuses beyond 400, 401, 403, 404 and 500 that this route answers with. */
  readonly errors?: readonly (409 | 422)[]
  /** Example path for tests (parameters filled). */
  readonly example: string
  readonly handler: (input: RouteInput<B, Q>) => Promise<RouteResult>
}

/** Keep the handler's input types tied to the schemas. */
export function route<B = undefined, Q = undefined>(r: Route<B, Q>): Route {
  return r as unknown as Route
}
