// The only reader of process.env. Parsed once; everything else receives values explicitly.
// Checked by hand rather than with zod: loading zod took ~0.1 s of the start of the commands that
// need no other schema (`loyals fit`, which has 0.8 s for a million rows), for eight variables.
import { isTimeZone, zoneGuess } from './core/time-zones.ts'
import { UsageError } from './errors.ts'

export interface Env {
  readonly LOYALS_DB?: string
  /** Checked here, where the message can name the variable: an import's zone error named --tz. */
  readonly LOYALS_TZ?: string
  /** A running `loyals serve` the CLI talks to instead of opening the workspace. */
  readonly LOYALS_SERVER?: string
  /** The API key the CLI sends to that server. */
  readonly LOYALS_API_KEY?: string
  /** Log every DuckDB statement slower than this many ms to stderr (a profiling aid; 0 = all). */
  readonly LOYALS_TRACE?: number
  /**
   * Check every API answer against its route's response schema (src/api/responses.ts) and fail
   * the request when it does not match: the test suite sets it, so the OpenAPI description is
   * tested by every API test.
   */
  readonly LOYALS_CHECK_RESPONSES?: '0' | '1'
  /**
   * The secret webhook deliveries are signed with (the Loyals-Signature header, docs/api.md): from
   * the environment, not the configuration file, which is often kept in a repository.
   */
  readonly LOYALS_WEBHOOK_SECRET?: string
  readonly NO_COLOR?: string
}

/** Each variable read, and its check (none: any non-empty text). */
const CHECKS: Record<keyof Env, ((v: string) => boolean) | null> = {
  LOYALS_DB: null,
  LOYALS_TZ: isTimeZone,
  LOYALS_SERVER: null,
  LOYALS_API_KEY: null,
  LOYALS_TRACE: (v) => Number.isFinite(Number(v)) && Number(v) >= 0,
  LOYALS_CHECK_RESPONSES: (v) => v === '0' || v === '1',
  LOYALS_WEBHOOK_SECRET: null,
  NO_COLOR: null,
}

let cached: Env | undefined

/**
 * The LOYALS_* settings of `vars` (default: the process's). An empty variable counts as unset:
 * a CI secret that is not defined expands to '', and no offline command should fail on an API
 * key it never uses (NO_COLOR has the same rule in its standard).
 * @throws UsageError naming the first variable whose value is not valid and why.
 */
export function parseEnv(vars: NodeJS.ProcessEnv = process.env): Env {
  const set: Record<string, string | number> = {}
  for (const [name, valid] of Object.entries(CHECKS)) {
    const v = vars[name]
    if (v === undefined || v === '') continue
    if (valid && !valid(v)) {
      throw new UsageError(
        `environment variable ${name}=${JSON.stringify(v)} is not valid${name === 'LOYALS_TZ' ? zoneGuess(v) : ''}: ${HINT[name] ?? 'bad value'} (unset it or give it a valid value)`,
        { variable: name },
      )
    }
    set[name] = name === 'LOYALS_TRACE' ? Number(v) : v
  }
  return set as Env
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
