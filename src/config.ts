// The only reader of process.env. Parsed once; everything else receives values explicitly.
import { z } from 'zod'
import { isTimeZone } from './core/time-zones.ts'
import { UsageError } from './errors.ts'

const EnvSchema = z.object({
  LOYALS_DB: z.string().min(1).optional(),
  // checked here, where the message can name the variable: an import's zone error named --tz
  LOYALS_TZ: z.string().min(1).refine(isTimeZone).optional(),
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
  /**
   * The secret webhook deliveries are signed with (the Loyals-Signature header, docs/api.md): from
   * the environment, not the configuration file, which is often kept in a repository.
   */
  LOYALS_WEBHOOK_SECRET: z.string().min(1).optional(),
  NO_COLOR: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined

/**
 * The LOYALS_* settings of `vars` (default: the process's). An empty variable counts as unset:
 * a CI secret that is not defined expands to '', and no offline command should fail on an API
 * key it never uses (NO_COLOR has the same rule in its standard).
 * @throws UsageError naming the first variable whose value is not valid and why.
 */
export function parseEnv(vars: NodeJS.ProcessEnv = process.env): Env {
  const set: Record<string, string> = {}
  for (const name of Object.keys(EnvSchema.shape)) {
    const v = vars[name]
    if (v !== undefined && v !== '') set[name] = v
  }
  const r = EnvSchema.safeParse(set)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const name = String(issue?.path[0] ?? '')
  throw new UsageError(
    `environment variable ${name}=${JSON.stringify(set[name] ?? '')} is not valid: ${HINT[name] ?? issue?.message ?? 'bad value'} (unset it or give it a valid value)`,
    { variable: name },
  )
}

/** What a valid value of each checked variable looks like, for the error. */
const HINT: Record<string, string> = {
  LOYALS_TRACE: 'expected a number of milliseconds >= 0',
  LOYALS_TZ:
    'expected an IANA time zone such as UTC, Europe/Paris or America/New_York (not an abbreviation such as BST)',
  LOYALS_CHECK_RESPONSES: "expected '0' or '1'",
}

export function env(): Env {
  cached ??= parseEnv()
  return cached
}

/**
 * LOYALS_WEBHOOK_SECRET for the commands that deliver webhooks (serve, tick), checked there only:
 * a short secret should not stop an offline analysis, and its value is never printed.
 * @throws UsageError when it is shorter than 16 characters.
 */
export function webhookSecret(): string | null {
  const s = env().LOYALS_WEBHOOK_SECRET
  if (s === undefined) return null
  if (s.length < 16) {
    throw new UsageError(
      `environment variable LOYALS_WEBHOOK_SECRET is too short (${s.length} characters): webhook signatures need at least 16, a random string such as the output of openssl rand -hex 32`,
      { variable: 'LOYALS_WEBHOOK_SECRET' },
    )
  }
  return s
}
