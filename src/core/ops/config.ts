// The operations configuration file `loyals.ops.json`: service ranking, playbooks, the contact
// budget, holdout groups and team goals. Every section has defaults so `{}` is valid; unknown keys
// are errors so a typo never silently falls back to a default. See docs/operations.md.
import { z } from 'zod'
import { UsageError } from '../../errors.ts'
import { issueSteps, type JsonPathStep, pathText } from '../json-path-line.ts'

export const DEPARTMENTS = ['service', 'recognition', 'marketing'] as const
/** Who sends: service before recognition before marketing when they compete for the budget. */
export type Department = (typeof DEPARTMENTS)[number]
export const CHANNELS = ['email', 'sms', 'push', 'in_app'] as const
export type Channel = (typeof CHANNELS)[number]

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use 1-64 of a-z, 0-9, "_" and "-", starting alphanumeric')
const share01 = z.number().finite().min(0).max(1)
const days = z.number().finite().min(0)
const DepartmentSchema = z.enum(DEPARTMENTS)
const ChannelSchema = z.enum(CHANNELS)

/** A service-rank channel name as compared: trimmed, in lower case ("Email " is email). */
export function channelKey(name: string): string {
  return name.trim().toLowerCase()
}

// ---- serviceRank ----------------------------------------------------------------------------

const ServiceRankSchema = z
  .object({
    /**
     * Anyone who has waited this long is overdue whatever their tier's target; null: tier targets
     * only. This is the starvation bound for tiers with long targets.
     */
    maxWaitMinutes: z.number().finite().positive().nullable().default(null),
    /** Per tier name: override the weight, the value config's response target, or the queue. */
    tiers: z
      .record(
        z.string().min(1),
        z
          .object({
            weight: z.number().finite().positive().optional(),
            responseTargetMinutes: z.number().finite().positive().optional(),
            queue: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default({}),
    /**
     * Per channel name (phone, chat, email ...): the tier's target is multiplied by this. Names
     * match a queue entry's channel in any case ("Email" is email), so two that differ only in
     * case are refused.
     */
    channels: z
      .record(
        z.string().min(1),
        z.object({ targetFactor: z.number().finite().positive() }).strict(),
      )
      .default({})
      .superRefine((channels, ctx) => {
        const seen = new Map<string, string>()
        for (const name of Object.keys(channels)) {
          const folded = channelKey(name)
          const first = seen.get(folded)
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `the channel "${name}" is "${first}" in another case (channel names match in any case)`,
            })
          } else seen.set(folded, name)
        }
      }),
  })
  .strict()

// ---- playbooks ------------------------------------------------------------------------------

const WebhookActionSchema = z
  .object({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine(
      (u) => {
        // run after a failed URL check too: "not a url" is said by that check alone
        if (!URL.canParse(u)) return true
        const p = new URL(u)
        return p.username === '' && p.password === ''
      },
      {
        // fetch refuses such a URL, so every message failed, its error (URL and password) in
        // the audit log that read-only keys see
        error:
          'must not hold a user name or password (user:pass@host): the delivery cannot send them; put a token in the path or query instead',
      },
    ),
    channel: ChannelSchema,
    template: z.string().min(1),
  })
  .strict()

const TaskActionSchema = z
  .object({
    type: z.literal('task'),
    /** Who does it: a role (any member may claim) or one named person. */
    role: z.string().min(1).optional(),
    assignee: z.string().min(1).optional(),
    title: z.string().min(1),
    dueInDays: days.default(7),
    /** The id of a team goal (section `goals`) this task counts towards. */
    goal: id.optional(),
  })
  .strict()
  .refine((t) => (t.role === undefined) !== (t.assignee === undefined), {
    message: 'give exactly one of role or assignee',
  })

const ActionSchema = z.discriminatedUnion('type', [WebhookActionSchema, TaskActionSchema])

const tierNames = z.array(z.string().min(1)).min(1).optional()

const TriggerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('first_order') }).strict(),
  z
    .object({
      type: z.literal('onboarding'),
      start: z.enum(['first_order', 'signup']).default('first_order'),
      /** Step k is sent delayDays after the start; its template overrides the action's. */
      steps: z
        .array(z.object({ delayDays: days, template: z.string().min(1).optional() }).strict())
        .min(1)
        .max(50),
    })
    .strict()
    .refine((t) => t.steps.every((s, i) => i === 0 || s.delayDays >= t.steps[i - 1]!.delayDays), {
      message: 'step delays must not decrease',
      path: ['steps'],
    }),
  z.object({ type: z.literal('next_purchase_due'), toleranceDays: days.default(7) }).strict(),
  z
    .object({ type: z.literal('anniversary'), windowDays: z.number().positive().default(7) })
    .strict(),
  z.object({ type: z.literal('tier_up'), from: tierNames, to: tierNames }).strict(),
  z.object({ type: z.literal('tier_down'), from: tierNames, to: tierNames }).strict(),
  z.object({ type: z.literal('referral_made') }).strict(),
  z.object({ type: z.literal('review_posted') }).strict(),
  z
    .object({
      type: z.literal('survey_answered'),
      /**
       * Fires when an answer meets any condition given (NPS at most: a detractor; CES at most: a
       * hard time, CES being agreement that the company made it easy, 7 = easiest; CES at least:
       * an easy time; CSAT at most: a dissatisfied customer); with none given, on every answer.
       */
      npsAtMost: z.number().int().min(0).max(10).optional(),
      cesAtMost: z.number().int().min(1).max(7).optional(),
      cesAtLeast: z.number().int().min(1).max(7).optional(),
      csatAtMost: z.number().min(1).max(5).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('best_at_risk'),
      /** Tier names watched; default: the best tier only. */
      tiers: tierNames,
      pAliveBelow: share01.default(0.5),
      /** Or no order for more than this many usual gaps (mean days between orders). */
      gapMultiple: z.number().finite().min(1).default(2),
    })
    .strict(),
  z
    .object({
      type: z.literal('no_order_for'),
      /** Fires once per lapse when the last order is this many days old. */
      days: z.number().finite().positive(),
      /** Tier names watched; default: every customer. */
      tiers: tierNames,
      /** Only customers with at least this many orders (2: lapsed repeat buyers). */
      minOrders: z.number().int().min(1).default(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('milestone'),
      orderCounts: z.array(z.number().int().min(1)).default([]),
      spendThresholds: z.array(z.number().finite().positive()).default([]),
    })
    .strict()
    .refine((t) => t.orderCounts.length + t.spendThresholds.length > 0, {
      message: 'give orderCounts or spendThresholds',
    }),
])

const PlaybookSchema = z
  .object({
    id,
    name: z.string().min(1).optional(),
    enabled: z.boolean().default(true),
    department: DepartmentSchema,
    /** 1 = most important within its department. */
    priority: z.number().int().min(1).max(9).default(5),
    trigger: TriggerSchema,
    actions: z.array(ActionSchema).min(1).max(10),
    /** Events (and first orders, tier changes, sequence starts) older than this never fire. */
    staleAfterDays: days.default(7),
  })
  .strict()

// ---- contactBudget --------------------------------------------------------------------------

const CapSchema = z
  .object({ days: z.number().finite().positive(), max: z.number().int().min(0) })
  .strict()
const caps = z.array(CapSchema).max(10)

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const ContactBudgetSchema = z
  .object({
    /** Messages on any channel, per customer, within each rolling window. */
    overall: caps.default([{ days: 7, max: 3 }]),
    /** Per channel caps, on top of the overall ones. */
    channels: z.partialRecord(ChannelSchema, caps).default({ sms: [{ days: 7, max: 1 }] }),
    quietHours: z
      .object({
        /** Local hours [startHour, endHour), wrapping midnight when start > end; equal = none. */
        startHour: z.number().int().min(0).max(23).default(21),
        endHour: z.number().int().min(0).max(23).default(8),
        channels: z.array(ChannelSchema).default(['sms', 'push']),
      })
      .strict()
      .nullable()
      .prefault({}),
    /** Used when the customer's time zone is unknown. */
    defaultTimeZone: z
      .string()
      .default('UTC')
      .refine(validTimeZone, { message: 'not an IANA time zone' }),
    /** Count staff tasks (calls, visits) against the overall caps. */
    countStaffTasks: z.boolean().default(false),
  })
  .strict()

// ---- holdout, goals -------------------------------------------------------------------------

const HoldoutSchema = z
  .object({
    /** Change the salt to draw new control groups. */
    salt: z.string().min(1).default('loyals'),
    defaultShare: share01.max(0.9).default(0.1),
    /** Per playbook id: its control share (0 = no control group). */
    playbooks: z.record(id, share01.max(0.9)).default({}),
  })
  .strict()

const GoalSchema = z
  .object({
    id,
    title: z.string().min(1),
    team: z.string().min(1).optional(),
    /** A task counts as done on time when completed within this many days of creation. */
    withinDays: z.number().finite().positive(),
    /** Target on-time completion rate. */
    targetRate: share01.default(0.9),
  })
  .strict()

/** The schema of `loyals.ops.json`. Parse with {@link parseOpsConfig}. */
export const OpsConfigSchema = z
  .object({
    serviceRank: ServiceRankSchema.prefault({}),
    playbooks: z.array(PlaybookSchema).max(500).default([]),
    contactBudget: ContactBudgetSchema.prefault({}),
    holdout: HoldoutSchema.prefault({}),
    goals: z.array(GoalSchema).max(200).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const i of crossIssues(c)) ctx.addIssue({ code: 'custom', ...i })
  })

type Raw = Record<string, unknown>
const record = (v: unknown): Raw | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : [])

/**
 * The problems between the parts of an ops configuration: duplicate playbook and goal ids, a
 * task's goal or a holdout's playbook that is not defined. Read from `c` leniently (any shape): a
 * file with problems of its own shape gets these in the same report, not after they are mended.
 */
function crossIssues(c: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = []
  const root = record(c)
  const playbookIds = new Set<string>()
  list(root?.playbooks).forEach((p, i) => {
    const id = record(p)?.id
    if (typeof id !== 'string') return
    if (playbookIds.has(id))
      out.push({ path: ['playbooks', i, 'id'], message: `duplicate "${id}"` })
    playbookIds.add(id)
  })
  const goalIds = new Set<string>()
  list(root?.goals).forEach((g, i) => {
    const id = record(g)?.id
    if (typeof id !== 'string') return
    if (goalIds.has(id)) out.push({ path: ['goals', i, 'id'], message: `duplicate "${id}"` })
    goalIds.add(id)
  })
  list(root?.playbooks).forEach((p, i) => {
    list(record(p)?.actions).forEach((a, j) => {
      const action = record(a)
      const goal = action?.goal
      if (action?.type === 'task' && typeof goal === 'string' && !goalIds.has(goal)) {
        out.push({
          path: ['playbooks', i, 'actions', j, 'goal'],
          message: `no goal "${goal}" in goals`,
        })
      }
    })
  })
  for (const k of Object.keys(record(record(root?.holdout)?.playbooks) ?? {})) {
    if (!playbookIds.has(k)) {
      out.push({ path: ['holdout', 'playbooks', k], message: `no playbook "${k}"` })
    }
  }
  return out
}

export type OpsConfig = z.output<typeof OpsConfigSchema>
export type OpsConfigInput = z.input<typeof OpsConfigSchema>
export type ServiceRankConfig = OpsConfig['serviceRank']
export type Playbook = OpsConfig['playbooks'][number]
export type PlaybookTrigger = Playbook['trigger']
export type TriggerType = PlaybookTrigger['type']
export type PlaybookAction = Playbook['actions'][number]
export type WebhookAction = Extract<PlaybookAction, { type: 'webhook' }>
export type TaskAction = Extract<PlaybookAction, { type: 'task' }>
export type ContactBudgetConfig = OpsConfig['contactBudget']
export type HoldoutConfig = OpsConfig['holdout']
export type TeamGoal = OpsConfig['goals'][number]

/** A problem of an ops configuration: its path as text, the reason, and its steps (for the line). */
interface OpsIssue {
  readonly path: string
  readonly reason: string
  readonly at: JsonPathStep[]
}

/**
 * Validate a parsed `loyals.ops.json` and fill in every default. With `tierNames` (the value
 * configuration's tiers), the tier names it mentions are checked too ({@link checkOpsTierNames}).
 * @example parseOpsConfig({}).contactBudget.overall // [{ days: 7, max: 3 }]
 * @throws UsageError listing every problem as `path: reason` (details.issues holds them as data):
 *   those of its shape, those between its parts and its unknown tiers, all in one report.
 */
export function parseOpsConfig(json: unknown, tierNames?: readonly string[]): OpsConfig {
  // no file (undefined) is every default; a file holding `null` is not an object and is refused
  const given = json === undefined ? {} : json
  const r = OpsConfigSchema.safeParse(given)
  const issues: OpsIssue[] = r.success
    ? []
    : r.error.issues.map((i) => ({ path: pathText(i.path), reason: i.message, at: issueSteps(i) }))
  if (!r.success) {
    // the schema's own cross checks run only on a file of the right shape: read them from the
    // file as it is, so one run names every problem
    const seen = new Set(issues.map((i) => `${i.path}\n${i.reason}`))
    for (const c of crossIssues(given)) {
      const path = pathText(c.path)
      if (!seen.has(`${path}\n${c.message}`)) issues.push({ path, reason: c.message, at: c.path })
    }
  }
  const tiers = tierNames === undefined ? [] : unknownTiers(r.success ? r.data : given, tierNames)
  if (issues.length === 0 && tiers.length === 0) return r.data!
  if (issues.length === 0) throw unknownTiersError(tiers, tierNames!)
  const lines = [...issues, ...tiers].map((i) => `  ${i.path}: ${i.reason}`).join('\n')
  throw new UsageError(`invalid operations configuration:\n${lines}`, {
    issues: [...issues, ...tiers],
  })
}

/**
 * Check the tier names an ops configuration mentions (serviceRank.tiers, tier_up/tier_down
 * from/to, best_at_risk tiers) against the value configuration's tier list.
 * @throws UsageError listing every unknown name with its path.
 */
export function checkOpsTierNames(ops: OpsConfig, tierNames: readonly string[]): void {
  const issues = unknownTiers(ops, tierNames)
  if (issues.length > 0) throw unknownTiersError(issues, tierNames)
}

function unknownTiersError(issues: OpsIssue[], tierNames: readonly string[]): UsageError {
  const lines = issues.map((i) => `  ${i.path}: ${i.reason}`).join('\n')
  return new UsageError(`operations configuration names unknown tiers:\n${lines}`, {
    issues,
    tiers: [...tierNames],
  })
}

/** The tier names of `ops` (read leniently: any shape) that are not in `tierNames`. */
function unknownTiers(ops: unknown, tierNames: readonly string[]): OpsIssue[] {
  const known = new Set(tierNames)
  const issues: OpsIssue[] = []
  // the list a misspelled name is to be found in, said with each one ("Platnum" of Platinum, ...)
  const listed = tierNames.length > 0 ? tierNames.join(', ') : 'none'
  const check = (at: JsonPathStep[], name: unknown): void => {
    if (typeof name === 'string' && !known.has(name)) {
      issues.push({
        // the path names the list ("playbooks[0].trigger.to"), `at` its item (for the line)
        path: pathText(at.slice(0, typeof at[at.length - 1] === 'number' ? -1 : undefined)),
        reason: `unknown tier "${name}" (the value configuration's tiers: ${listed})`,
        at,
      })
    }
  }
  const root = record(ops)
  for (const name of Object.keys(record(record(root?.serviceRank)?.tiers) ?? {})) {
    check(['serviceRank', 'tiers', name], name)
  }
  list(root?.playbooks).forEach((p, i) => {
    const t = record(record(p)?.trigger)
    const base = ['playbooks', i, 'trigger']
    const each = (key: string): void => {
      for (const [k, n] of list(t?.[key]).entries()) check([...base, key, k], n)
    }
    if (t?.type === 'tier_up' || t?.type === 'tier_down') {
      each('from')
      each('to')
    } else if (t?.type === 'best_at_risk' || t?.type === 'no_order_for') {
      each('tiers')
    }
  })
  return issues
}

/** Every default, as `parseOpsConfig({})` returns it. */
export const DEFAULT_OPS_CONFIG: OpsConfig = parseOpsConfig({})
