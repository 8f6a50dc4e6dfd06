// The JSON each route answers with on success, as zod schemas: the OpenAPI document describes
// them, and with LOYALS_CHECK_RESPONSES set (the test suite sets it) every answer is checked
// against its route's schema, so the description cannot drift from what the handlers return.
// Objects are strict: a field a handler adds and the schema lacks fails the check.
import { z } from 'zod'
import { REASON_CODES } from '../core/value/reasons.ts'
import { ROLES } from '../service/ops/keys.ts'

const iso = z.string().describe('ISO 8601 time')
const isoOrNull = iso.nullable()
const count = z.number().int().nonnegative()
const cursor = z.string().nullable().describe('pass as `cursor` for the next page; null: last page')

const Reason = z.strictObject({
  code: z.enum(REASON_CODES),
  text: z.string(),
  amount: z.number().optional().describe('money impact, signed, when the reason has one'),
})

export const ProfileAnswer = z.strictObject({
  customerId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  signupAt: isoOrNull.describe('from identify calls, else the imported customers file'),
  orders: count,
  revenue: z.number(),
  firstOrderAt: isoOrNull,
  lastOrderAt: isoOrNull,
  firstOrderDay: z
    .string()
    .nullable()
    .describe('YYYY-MM-DD: the day the first order was placed, in its local time'),
  lastOrderDay: z
    .string()
    .nullable()
    .describe('YYYY-MM-DD: the day the last order was placed, in its local time'),
  currency: z
    .string()
    .nullable()
    .describe('the ISO 4217 code of revenue and value, null when the orders name none'),
  value: z.strictObject({
    total: z.number().nullable(),
    history: z.number(),
    predicted: z.number().nullable(),
  }),
  prediction: z.strictObject({
    model: z
      .enum(['bgnbd', 'nbd'])
      .nullable()
      .describe('the purchase model that scored the customer (nbd: no dropout, P(alive) 1)'),
    pAlive: z.number().nullable(),
    lapsedBelow: z
      .number()
      .describe("the lapsed rule's line: a P(alive) below it makes the customer lapsed"),
    expectedPurchases: z.number().nullable(),
    horizonWeeks: z.number(),
  }),
  tier: z.strictObject({ index: z.number().int(), name: z.string().nullable() }).nullable(),
  segment: z.string().nullable(),
  loyaltyType: z.string().nullable(),
  reasons: z.array(Reason),
  engagement: z.strictObject({
    referrals: count,
    reviews: count,
    nps: z.number().nullable(),
    ces: z.number().nullable(),
  }),
  consent: z
    .strictObject({
      unsubscribed: z
        .boolean()
        .describe('opted out of email: recognition and marketing emails are not sent'),
      unsubscribedAt: isoOrNull.describe('when the opt-out was given (kept while it stands)'),
      marketingConsent: z
        .boolean()
        .nullable()
        .describe(
          'false: no recognition or marketing message on any channel; null: never said (sent)',
        ),
      importedMarketingConsent: z
        .boolean()
        .nullable()
        .describe(
          "the imported customers file's consent (as of the last refit): false holds recognition and marketing back while marketingConsent is null",
        ),
    })
    .describe('what the customer agreed to hear (identify traits, POST /v1/customers)'),
  scoredAt: isoOrNull,
  updatedAt: isoOrNull,
})

export const ProfilesAnswer = z.strictObject({
  customers: z.array(ProfileAnswer),
  nextCursor: cursor,
})

export const ErasureAnswer = z.strictObject({
  erased: z.literal(true),
  pseudonym: z.string(),
  erasedAt: isoOrNull,
  alreadyErased: z.boolean(),
})

export const IngestAnswer = z.strictObject({
  eventId: z.string(),
  status: z
    .enum(['stored', 'duplicate'])
    .describe('duplicate: this messageId (or the same order) was stored before; nothing applied'),
})
export const BatchAnswer = z.strictObject({
  stored: count,
  duplicates: count,
  results: z.array(IngestAnswer),
})

export const StagedAnswer = z.strictObject({
  staged: count.describe('calls in this batch, held until the commit'),
})
export const CommitAnswer = z.strictObject({
  stored: count,
  replaced: count.describe(
    'stored orders the file gives another amount or time: replaced by its version',
  ),
  duplicates: count.describe('calls stored before (this messageId, or the same order)'),
})

export const ActionsAnswer = z.strictObject({
  nextCursor: cursor,
  actions: z.array(
    z.strictObject({
      actionKey: z.string(),
      playbookId: z.string(),
      customerId: z.string(),
      eventId: z.string().nullable(),
      trigger: z.string(),
      department: z.string(),
      kind: z.string(),
      channel: z.string().nullable(),
      status: z.string(),
      reason: z.string().nullable(),
      detail: z.string().nullable(),
      control: z.boolean(),
      attempts: count,
      createdAt: isoOrNull,
      scheduledAt: isoOrNull,
      sentAt: isoOrNull,
    }),
  ),
})

const Interval = z.strictObject({ estimate: z.number(), lower: z.number(), upper: z.number() })
const GroupRate = z.strictObject({ n: count, converted: count, rate: Interval.nullable() })

export const EffectAnswer = z.strictObject({
  playbookId: z.string(),
  windowDays: z.number(),
  reach: z.strictObject({ customers: count, treated: count, control: count }),
  actions: z.array(z.strictObject({ status: z.string(), reason: z.string().nullable(), count })),
  outcomes: z.array(z.strictObject({ outcome: z.string(), count })),
  effect: z.strictObject({
    treated: GroupRate,
    control: GroupRate,
    absoluteLift: z.number().nullable(),
    relativeLift: z.number().nullable(),
    differenceInterval: z.strictObject({ lower: z.number(), upper: z.number() }).nullable(),
    z: z.number().nullable(),
    pValue: z.number().nullable(),
    confidence: z.number(),
    note: z.string().nullable(),
  }),
})

export const TaskAnswer = z.strictObject({
  id: z.string(),
  customerId: z.string(),
  title: z.string(),
  /** The team the task is for; null when the playbook gave it to one person (`assignee`). */
  role: z.string().nullable(),
  assignee: z.string().nullable(),
  playbookId: z.string().nullable(),
  goalId: z.string().nullable(),
  status: z.string(),
  createdAt: isoOrNull,
  dueAt: isoOrNull,
  claimedBy: z.string().nullable(),
  claimedAt: isoOrNull,
  completedAt: isoOrNull,
  outcome: z.string().nullable(),
  cancelledAt: isoOrNull,
  /** Why it was cancelled: the staff's reason, `customer_erased` or `no_longer_applies`. */
  cancelReason: z.string().nullable(),
})

export const TasksAnswer = z.strictObject({ tasks: z.array(TaskAnswer), nextCursor: cursor })

export const GoalsAnswer = z.strictObject({
  goals: z.array(
    z.strictObject({
      goalId: z.string(),
      title: z.string(),
      eligible: count,
      cancelled: count,
      completed: count,
      completedOnTime: count,
      pending: count,
      overdueOpen: z.array(z.strictObject({ id: z.string(), overdueHours: z.number() })),
      onTimeRate: z.number().nullable(),
      targetRate: z.number(),
      targetMet: z.boolean().nullable(),
      medianHoursToAction: z.number().nullable(),
      p90HoursToAction: z.number().nullable(),
    }),
  ),
})

export const RefitAnswer = z.strictObject({
  jobId: z.string(),
  started: z.boolean().describe('false: a refit was already running; its id is answered'),
})

export const TickAnswer = z.strictObject({
  now: iso,
  playbooks: z.array(
    z.strictObject({
      playbookId: z.string(),
      trigger: z.string(),
      candidates: count,
      actions: count,
    }),
  ),
  actions: count,
  queued: count,
  released: z.strictObject({ queued: count, tasks: count, deferred: count, suppressed: count }),
  durationMs: z.number(),
})

export const JobAnswer = z.strictObject({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  createdAt: isoOrNull,
  startedAt: isoOrNull,
  finishedAt: isoOrNull,
  result: z.unknown().describe("the job's own result (a refit: what it scored), null until done"),
})

const KeyInfo = z.strictObject({
  keyId: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: iso,
  revokedAt: isoOrNull,
})

export const KeysAnswer = z.strictObject({ keys: z.array(KeyInfo) })

export const NewKeyAnswer = KeyInfo.extend({
  key: z.string().describe('lk_<id>_<secret>: shown this once only'),
})

export const RevocationAnswer = z.strictObject({
  revoked: z.string(),
  revokedAt: iso,
  alreadyRevoked: z.boolean(),
})

const Outreach = z.enum(['personal', 'automated'])

export const RankAnswer = z.strictObject({
  now: iso,
  queue: z.array(
    z.strictObject({
      position: z.number().int().positive(),
      customerId: z.string(),
      tier: z.number().int(),
      tierName: z.string(),
      channel: z.string().nullable(),
      waitedMinutes: z.number(),
      targetMinutes: z.number(),
      deadlineMinutes: z.number(),
      score: z.number(),
      overdue: z.boolean(),
      reason: z.string(),
    }),
  ),
})

export const ServiceLevelAnswer = z.strictObject({
  customerId: z.string(),
  known: z.boolean(),
  tier: z.number().int(),
  tierName: z.string(),
  priority: z.number(),
  weight: z.number(),
  responseTargetMinutes: z.number(),
  dedicatedOwner: z.boolean(),
  outreach: Outreach,
  perks: z.array(z.string()),
  queue: z.string(),
})
