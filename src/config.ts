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
  NO_COLOR: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined

export function env(): Env {
  cached ??= EnvSchema.parse(process.env)
  return cached
}
