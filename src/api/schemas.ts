// Request schemas of the routes that are not events (those live in service/ops/events.ts).
import { z } from 'zod'
import { trimSpaces } from '../core/customer-id.ts'
import { dateTime, idOf } from '../service/ops/events.ts'
import { ROLES } from '../service/ops/keys.ts'

const limit = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def)

/**
 * A paging cursor as the API gave it: base64url of its scope and the last key, so about 4/3 of an
 * id's length; an imported id may be long (an import sets no limit), and its page's cursor must
 * come back in (400 characters refused the cursor after an id of 504).
 */
const cursor = () => z.string().min(1).max(8192).optional()

export const CustomersQuery = z
  .object({
    tier: z.string().min(1).optional(),
    segment: z.string().min(1).optional(),
    limit: limit(100, 1000),
    cursor: cursor(),
  })
  .strict()

/**
 * A customer id in a queue or a query: trimmed, as the importer and the events trim ids (" C1 " is
 * C1); nothing but spaces is no id (400). Ids in paths are trimmed for every route (app.ts).
 */
export const CustomerIdText = z
  .string()
  .transform(trimSpaces)
  .pipe(
    z
      .string()
      .min(1, 'must not be empty (or only spaces)')
      .max(256, 'must be at most 256 characters'),
  )
  // for the OpenAPI document: the input as sent (the pipe's checks are on the trimmed text)
  .meta({ type: 'string', pattern: '\\S', maxLength: 256 })

export const RankBody = z
  .object({
    /** Evaluation time (default: now). */
    now: dateTime.optional(),
    queue: z
      .array(
        z
          .object({
            // a string, or a whole number as the events take it (a help desk's numeric ids)
            customerId: idOf('required'),
            waitingSince: dateTime,
            channel: z.string().min(1).max(64).optional(),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict()

/** A name or id in a query: trimmed, and not empty or only spaces. */
const name = () =>
  z
    .string()
    .transform(trimSpaces)
    .pipe(z.string().min(1, 'must not be empty (or only spaces)'))
    .meta({ type: 'string', pattern: '\\S' })

export const ActionsQuery = z
  .object({
    playbook: name().optional(),
    customer: CustomerIdText.optional(),
    status: z
      .enum(['queued', 'sent', 'failed', 'deferred', 'suppressed', 'task_created'])
      .optional(),
    limit: limit(100, 1000),
    cursor: cursor(),
  })
  .strict()

export const TasksQuery = z
  .object({
    status: z.enum(['open', 'claimed', 'completed', 'cancelled']).optional(),
    role: name().optional(),
    assignee: name().optional(),
    goal: name().optional(),
    customer: CustomerIdText.optional(),
    limit: limit(100, 1000),
    cursor: cursor(),
  })
  .strict()

/**
 * Who moves a task, as named by the client: trimmed (" bob " is bob, who may then release it),
 * and a blank one is refused rather than made a claimer nobody can name.
 */
const By = z.string().trim().min(1, 'is blank: name who moves the task').max(200)

/** `by` is optional, so the whole body may be left out. */
export const ClaimBody = z.object({ by: By.optional() }).strict().optional()
export const CompleteBody = z
  .object({
    // trimmed first: "  " is blank, not "too small" after two characters were sent
    outcome: z.string().trim().min(1, 'is blank: say what came of the task').max(2000),
    by: By.optional(),
  })
  .strict()

/** `by` (default the key's name) must be the claimer; the whole body may be left out. */
export const ReleaseBody = ClaimBody
export const CancelBody = z
  .object({ reason: z.string().trim().min(1, 'is blank: say why the task is cancelled').max(500) })
  .strict()

export const EffectQuery = z
  .object({ windowDays: z.coerce.number().int().min(1).max(3650).default(30) })
  .strict()

export const KeyBody = z
  .object({
    role: z.enum(ROLES),
    name: z
      .string()
      .trim()
      .min(1, 'is blank: name who or what uses the key')
      .max(200)
      .default('api'),
  })
  .strict()

export const Empty = z.object({}).strict()
