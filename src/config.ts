// The only reader of process.env. Parsed once; everything else receives values explicitly.
import { z } from 'zod'

const EnvSchema = z.object({
  LOYALS_DB: z.string().min(1).optional(),
  LOYALS_TZ: z.string().min(1).optional(),
  /** A running `loyals serve` the CLI talks to instead of opening the workspace. */
  LOYALS_SERVER: z.string().min(1).optional(),
  /** The API key the CLI sends to that server. */
  LOYALS_API_KEY: z.string().min(1).optional(),
  /** Log every DuckDB statement slower than this many ms to stderr (a profiling aid; 0 = all). */
  LOYALS_TRACE: z.coerce.number().nonnegative().optional(),
  /**
   * Check every API answer against its route's response schema (src/api/responses.ts) and fail
   * the request when it does not match: the test suite sets it, so the OpenAPI description is
   * tested by every API test.
   */
  LOYALS_CHECK_RESPONSES: z.enum(['0', '1']).optional(),
  NO_COLOR: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined

export function env(): Env {
  cached ??= EnvSchema.parse(process.env)
  return cached
}
