// The value configuration file (JSON): cost rates, referral decay, engagement weights, loyalty-type
// rules and value tiers. Every field has a documented default, so `{}` is a valid file; unknown keys
// are errors so a typo never silently falls back to a default. See docs/value.md.
import { z } from 'zod'
import { UsageError } from '../../errors.ts'
// a typo ("EUO") would print as a made-up currency
import { isCurrencyCode } from '../currency-codes.ts'
import { issueSteps, pathText } from '../json-path-line.ts'

/** Engagement event types; the position in this list is the type code used in typed arrays. */
export const ENGAGEMENT_EVENT_TYPES = [
  'email_open',
  'email_click',
  'site_visit',
  'review',
  'social_share',
  'promo_redemption',
] as const
export type EngagementEventType = (typeof ENGAGEMENT_EVENT_TYPES)[number]

/**
 * A money rate: below 10^12, as an amount is (MAX_MONEY): a rate of 1e306 per ticket minute
 * passed and made a customer's value infinite ("ownValue of customer 0 is not a finite number").
 */
const money = z
  .number()
  .finite()
  .min(0)
  .lt(1e12, 'must be less than 1,000,000,000,000, as amounts are')
const share01 = z.number().finite().min(0).max(1)
const percentile = z.number().finite().min(0).max(100)

/** A well-formed BCP 47 tag that Intl formats in (an unknown one silently falls back). */
function isFormattingLocale(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf(Intl.getCanonicalLocales(locale)).length > 0
  } catch {
    return false
  }
}

const CurrencySchema = z
  .object({
    /** ISO 4217 code, in any case as the orders' currency column is read ("eur" is EUR); null prints plain numbers. */
    code: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine(isCurrencyCode, 'not an ISO 4217 currency code (such as USD, EUR, GBP)')
      .nullable()
      .default('USD'),
    locale: z
      .string()
      .refine(isFormattingLocale, 'not a locale numbers can be formatted in (such as en-US, de-DE)')
      .default('en-US'),
    /** Decimals shown in reason texts (0 gives "$1,240"). */
    decimals: z.number().int().min(0).max(4).default(0),
  })
  .strict()

const CostsSchema = z
  .object({
    /** Gross margin share used when an order carries no cost or margin. */
    defaultMarginRate: share01.default(0.3),
    perTicketMinute: money.default(1),
    perReturn: money.default(10),
    /** Share of the returned goods' value that is lost (damaged, unsellable). */
    returnWriteOffRate: share01.default(0),
    shippingPerOrder: money.default(0),
    paymentFeeRate: share01.default(0.029),
    paymentFeeFixed: money.default(0.3),
    /**
     * Count discounts as a cost. Off by default: order amounts are usually what the customer paid,
     * so the discount is already missing from revenue and counting it again would double it.
     */
    discountAsCost: z.boolean().default(false),
    /** Project each customer's own past ticket and return cost per order onto expected orders. */
    projectServiceCosts: z.boolean().default(true),
  })
  .strict()

const ReferralsSchema = z
  .object({
    /** Weight of a level-L descendant is decay^(L-1): direct referrals count in full. */
    decay: share01.default(0.5),
    maxDepth: z.number().int().min(1).max(50).default(5),
  })
  .strict()

const weight = z.number().finite().min(0)
const EngagementSchema = z
  .object({
    weights: z
      .object({
        email_open: weight.default(1),
        email_click: weight.default(2),
        site_visit: weight.default(1),
        review: weight.default(5),
        social_share: weight.default(4),
        promo_redemption: weight.default(2),
      })
      .strict()
      .prefault({}),
    halfLifeDays: z.number().finite().positive().default(90),
  })
  .strict()

const LoyaltySchema = z
  .object({
    /** Repeat purchases (x) needed to count as a repeat buyer; below it: one-time buyer. */
    minRepeat: z.number().int().min(1).default(1),
    lapsed: z
      .object({
        /** Lapsed when P(alive) is below this (when a model gave P(alive)). */
        pAliveBelow: share01.default(0.3),
        /** Otherwise lapsed when days since last > max(gapMultiple x usual gap, minDaysSinceLast). */
        gapMultiple: z.number().finite().min(1).default(3),
        minDaysSinceLast: z.number().finite().min(0).default(90),
      })
      .strict()
      .prefault({}),
    lucrative: z
      .object({
        minValuePercentile: percentile.default(70),
        /** Signals of connection: a referral, a review, engagement percentile >= this, promoter. */
        engagementSignalPercentile: percentile.default(60),
        minSignals: z.number().int().min(1).max(4).default(1),
      })
      .strict()
      .prefault({}),
    lazy: z
      .object({
        /** Price-driven: share of orders with a discount or promo redemption at or above this. */
        priceDrivenShareMin: share01.default(0.5),
      })
      .strict()
      .prefault({}),
    limited: z
      .object({
        /** Disengaged: engagement percentile below this. */
        disengagedBelowPercentile: percentile.default(25),
      })
      .strict()
      .prefault({}),
    nps: z
      .object({
        promoterMin: z.number().int().min(0).max(10).default(9),
        detractorMax: z.number().int().min(0).max(10).default(6),
      })
      .strict()
      .refine((n) => n.detractorMax < n.promoterMin, {
        message: 'detractorMax must be below promoterMin (an answer cannot be both)',
      })
      .prefault({}),
  })
  .strict()

const ServiceLevelSchema = z
  .object({
    /** 1 = served first. */
    priority: z.number().int().min(1),
    responseTargetMinutes: z.number().finite().positive(),
    dedicatedOwner: z.boolean().default(false),
  })
  .strict()

const TierLevelSchema = z
  .object({
    name: z.string().min(1),
    /** basis 'rank': share of customers in this tier (0..1]; omit or null on the last tier (rest). */
    share: z.number().finite().gt(0).max(1).nullable().default(null),
    /** basis 'threshold': minimum total value; omit or null on the last tier (everyone else). */
    // within the amounts a value can reach: a minimum of 1e300 was taken and written out in full
    // (400 digits) in every customer's tier reason
    minValue: z
      .number()
      .finite()
      .gt(-1e12, 'must be more than -1,000,000,000,000, as amounts are')
      .lt(1e12, 'must be less than 1,000,000,000,000, as amounts are')
      .nullable()
      .default(null),
    serviceLevel: ServiceLevelSchema,
    perks: z.array(z.string().min(1)).default([]),
    outreach: z.enum(['personal', 'automated']).default('automated'),
  })
  .strict()

const DEFAULT_TIER_LEVELS: z.input<typeof TierLevelSchema>[] = [
  {
    name: 'Platinum',
    share: 0.02,
    serviceLevel: { priority: 1, responseTargetMinutes: 60, dedicatedOwner: true },
    perks: [
      'dedicated account manager',
      'early access',
      'invitation-only events',
      'free express shipping',
    ],
    outreach: 'personal',
  },
  {
    name: 'Gold',
    share: 0.08,
    serviceLevel: { priority: 2, responseTargetMinutes: 240, dedicatedOwner: false },
    perks: ['early access', 'events', 'free shipping'],
    outreach: 'personal',
  },
  {
    name: 'Silver',
    share: 0.2,
    serviceLevel: { priority: 3, responseTargetMinutes: 1440, dedicatedOwner: false },
    perks: ['early access'],
    outreach: 'automated',
  },
  {
    name: 'Bronze',
    serviceLevel: { priority: 4, responseTargetMinutes: 2880, dedicatedOwner: false },
    perks: [],
    outreach: 'automated',
  },
]

/**
 * The tier checks run beside the levels' own errors (a bad priority in one level does not hide a
 * share on a threshold tier), whenever the levels are there to read: every problem in one pass.
 */
const TIERS_READABLE = {
  when: (p: { value: unknown }): boolean => {
    const t = p.value as { levels?: unknown; basis?: unknown } | null
    const levels = t?.levels
    return (
      (t?.basis === 'rank' || t?.basis === 'threshold') &&
      Array.isArray(levels) &&
      levels.every((l) => typeof l === 'object' && l !== null && typeof l.name === 'string')
    )
  },
}

const TiersSchema = z
  .object({
    basis: z.enum(['rank', 'threshold']).default('rank'),
    grace: z
      .object({
        unit: z.enum(['days', 'runs']).default('days'),
        /** Held in a higher tier while below its boundary for at most this many days or runs. */
        length: z.number().finite().min(0).default(30),
      })
      .strict()
      .prefault({}),
    /** Best tier first. */
    levels: z.array(TierLevelSchema).min(1).max(100).prefault(DEFAULT_TIER_LEVELS),
  })
  .strict()
  .superRefine((t, ctx) => {
    // a run is counted whole: 1.5 runs would hold a customer for "0.5 more scoring runs"
    // (read with care: this check runs beside the grace's own errors, see TIERS_READABLE)
    const g = t.grace as { unit?: unknown; length?: unknown } | undefined
    if (g?.unit === 'runs' && typeof g.length === 'number' && !Number.isInteger(g.length)) {
      ctx.addIssue({
        code: 'custom',
        path: ['grace', 'length'],
        message: 'expected an integer (a number of scoring runs)',
      })
    }
    const names = new Set<string>()
    t.levels.forEach((l, i) => {
      if (names.has(l.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'name'],
          message: `duplicate tier name "${l.name}"`,
        })
      }
      names.add(l.name)
    })
    const last = t.levels.length - 1
    if (t.basis === 'threshold' && sameAsDefaultLevels(t.levels)) {
      // basis "threshold" without levels of its own: the default levels are cut by rank shares,
      // and a problem per default level would name keys the file does not hold
      ctx.addIssue({
        code: 'custom',
        path: ['levels'],
        message:
          'basis "threshold" needs levels of its own, each but the last with a minValue (the default levels are cut by rank shares)',
      })
      return
    }
    if (t.basis === 'rank') {
      let sum = 0
      t.levels.forEach((l, i) => {
        if (i < last && l.share === null) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'share'],
            message: 'required for every tier but the last when basis is "rank"',
          })
        }
        if (i === last && l.share !== null) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'share'],
            message: 'the last tier holds the rest: leave share out',
          })
        }
        if (i < last) sum += l.share ?? 0
        if (l.minValue !== null) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'minValue'],
            message: 'a minimum value is for basis "threshold"; rank tiers are cut by share',
          })
        }
      })
      if (sum > 1 + 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels'],
          message: `tier shares add up to ${sum}, more than 1`,
        })
      }
    } else {
      let prev = Number.POSITIVE_INFINITY
      t.levels.forEach((l, i) => {
        if (i < last) {
          if (l.minValue === null) {
            ctx.addIssue({
              code: 'custom',
              path: ['levels', i, 'minValue'],
              message: 'required for every tier but the last when basis is "threshold"',
            })
          } else if (!Number.isFinite(l.minValue)) {
            // said by the field's own check (1e400 reads as Infinity); no tier above to compare
          } else if (!(l.minValue < prev)) {
            ctx.addIssue({
              code: 'custom',
              path: ['levels', i, 'minValue'],
              message: 'must be below the minValue of the tier above',
            })
          } else {
            prev = l.minValue
          }
        } else if (l.minValue !== null) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'minValue'],
            message: 'the last tier holds everyone else: leave minValue out',
          })
        }
        if (l.share !== null) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'share'],
            message: 'a share is for basis "rank"; threshold tiers are cut by minValue',
          })
        }
      })
    }
  }, TIERS_READABLE)

/** Whether `levels` are the default tier levels (as parsed): what a file without levels gets. */
function sameAsDefaultLevels(levels: readonly unknown[]): boolean {
  defaultLevelsText ??= JSON.stringify(z.array(TierLevelSchema).parse(DEFAULT_TIER_LEVELS))
  return JSON.stringify(levels) === defaultLevelsText
}
let defaultLevelsText: string | undefined

/** The schema of the value configuration file. Parse with {@link parseValueConfig}. */
export const ValueConfigSchema = z
  .object({
    currency: CurrencySchema.prefault({}),
    costs: CostsSchema.prefault({}),
    referrals: ReferralsSchema.prefault({}),
    engagement: EngagementSchema.prefault({}),
    loyalty: LoyaltySchema.prefault({}),
    tiers: TiersSchema.prefault({}),
  })
  .strict()

export type ValueConfig = z.output<typeof ValueConfigSchema>
export type ValueConfigInput = z.input<typeof ValueConfigSchema>
export type CurrencyConfig = ValueConfig['currency']
export type CostRates = ValueConfig['costs']
export type ReferralConfig = ValueConfig['referrals']
export type EngagementConfig = ValueConfig['engagement']
export type LoyaltyRules = ValueConfig['loyalty']
export type TiersConfig = ValueConfig['tiers']
export type TierLevel = TiersConfig['levels'][number]

/**
 * Validate a parsed value configuration file and fill in every default.
 * @example parseValueConfig({ referrals: { decay: 0.4 } }).referrals // { decay: 0.4, maxDepth: 5 }
 * @throws UsageError listing every problem as `path: reason` (details.issues holds them as data).
 */
export function parseValueConfig(json: unknown): ValueConfig {
  // zod says "Invalid input: expected object, received undefined" for a key left out; no file
  // (undefined) is every default, a file holding `null` is not an object and is refused
  const r = ValueConfigSchema.safeParse(json === undefined ? {} : json, {
    error: (iss) =>
      iss.code === 'invalid_type' && iss.input === undefined ? 'required' : undefined,
  })
  if (r.success) return r.data
  const issues = r.error.issues.map((i) => ({
    path: pathText(i.path),
    reason: i.message,
    at: issueSteps(i),
  }))
  const lines = issues.map((i) => `  ${i.path}: ${i.reason}`).join('\n')
  throw new UsageError(`invalid value configuration:\n${lines}`, { issues })
}

/** Every default, as `parseValueConfig({})` returns it. */
export const DEFAULT_VALUE_CONFIG: ValueConfig = parseValueConfig({})
