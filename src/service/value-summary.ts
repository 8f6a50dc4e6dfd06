// The `value` block of summary.json: whole-customer value (profit, cost to serve, referrals,
// engagement, loyalty types, tiers). Types only, so the report can depend on them.
import type { EngagementEventType } from '../core/value/config.ts'
import type { LoyaltyRule, LoyaltyType } from '../core/value/loyalty-type.ts'

/** One customer in a referral tree, with what they add to the root's referral value. */
/** A value breakdown in money, for one customer or summed over many. */
export interface MoneyBreakdown {
  readonly revenue: number
  readonly grossMargin: number
  readonly costs: {
    readonly tickets: number
    readonly returns: number
    readonly shipping: number
    readonly fees: number
    readonly discounts: number
  }
  readonly costToServe: number
  readonly pastProfit: number
  readonly predictedProfit: number
  readonly referralValue: number
  /** pastProfit + predictedProfit + referralValue. */
  readonly totalValue: number
}

export interface ReferralTreeNodeSummary {
  readonly customerId: string
  /** 1 = referred directly by the root. */
  readonly level: number
  /** Their own value: past profit + predicted profit. */
  readonly ownValue: number
  /** ownValue × decay^(level - 1). */
  readonly contribution: number
  readonly children: readonly ReferralTreeNodeSummary[]
}

export interface TopReferrer {
  readonly customerId: string
  readonly referralValue: number
  readonly direct: number
  /** Everyone they brought within maxDepth levels. */
  readonly descendants: number
  readonly children: readonly ReferralTreeNodeSummary[]
  /** Descendants left out of `children` (the tree is cut at a node limit). */
  readonly omitted: number
}

export interface LossCustomer {
  readonly customerId: string
  readonly pastProfit: number
  readonly revenue: number
  readonly grossMargin: number
  readonly costToServe: number
  readonly orders: number
  readonly tickets: number
  readonly ticketMinutes: number
  readonly returns: number
}

export interface TierSummary {
  readonly name: string
  readonly customers: number
  readonly share: number
  /** Sum of its customers' total values (referral credit included), as customers.csv shows them. */
  readonly totalValue: number
  /**
   * Sum of its customers' own value, past + predicted profit (no referral credit): the tier's part
   * of the breakdown's companyValue.
   */
  readonly ownValue: number
  /** ownValue / the breakdown's companyValue; null when that is 0 or less. */
  readonly valueShare: number | null
  /** Minimum total value of the tier in this run; null for the last tier (everyone else). */
  readonly minValue: number | null
  /** Customers kept in this tier by the grace period. */
  readonly heldByGrace: number
  readonly serviceLevel: {
    readonly priority: number
    readonly responseTargetMinutes: number
    readonly dedicatedOwner: boolean
  }
  readonly perks: readonly string[]
  readonly outreach: 'personal' | 'automated'
}

export interface ValueSummary {
  /** Currency of the money figures (from the value configuration, else the data). */
  readonly currency: string | null
  /** Locale money is written in (the value configuration's currency.locale, default en-US). */
  readonly locale: string
  /** 'model': predicted profit from the predictions; 'none': no predictions, predicted profit 0. */
  readonly predictions: 'model' | 'none'
  /** Rows in each value input table (0 = not imported). */
  readonly inputs: {
    readonly referrals: number
    readonly engagementEvents: number
    readonly tickets: number
    readonly returns: number
    readonly surveyResponses: number
  }
  /**
   * Sums of the customers' figures. totalValue is the sum of their total values, so a referred
   * customer's profit is in it twice (in their own value and in their referrers' referral value);
   * companyValue is what the customers are worth together, each customer's money counted once.
   */
  readonly breakdown: MoneyBreakdown & {
    readonly customers: number
    /**
     * pastProfit + predictedProfit: the company's total. referralValue is credit already inside
     * the referred customers' own value, not money on top of it.
     */
    readonly companyValue: number
  }
  readonly unprofitable: {
    readonly customers: number
    /** Sum of their (negative) past profit. */
    readonly loss: number
    /** The worst first, at most 20. */
    readonly worst: readonly LossCustomer[]
  }
  /**
   * Customers the analysis has no row for (their orders up to the as-of date were refunded in
   * full: no purchase day is left) who opened tickets or made returns by then: served at a loss
   * of what those cost, but not valued, and in none of the figures above. Only when there are any.
   */
  readonly unvalued?: {
    readonly customers: number
    readonly tickets: number
    readonly ticketMinutes: number
    readonly returns: number
    /** What their tickets and returns cost at the value config's rates. */
    readonly ticketCost: number
    readonly returnCost: number
    readonly costToServe: number
    /** The costliest first, at most 20. */
    readonly worst: readonly {
      readonly customerId: string
      readonly tickets: number
      readonly ticketMinutes: number
      readonly returns: number
      readonly costToServe: number
    }[]
  }
  /** Past profit held by the top 20 % of customers by past profit; share > 1 is possible. */
  readonly profitConcentration: {
    readonly percent: number
    readonly customers: number
    readonly topProfit: number
    readonly totalProfit: number
    readonly share: number | null
  }
  readonly referrals: {
    readonly decay: number
    readonly maxDepth: number
    readonly referrers: number
    readonly referred: number
    readonly duplicates: number
    readonly selfReferrals: number
    readonly cyclesBroken: number
    /** The referral dropped to break each cycle (the first 20): the data to look at. */
    readonly cycleEdgesDropped: readonly { readonly referrer: string; readonly referred: string }[]
    readonly top: readonly TopReferrer[]
  }
  readonly engagement: {
    readonly halfLifeDays: number
    readonly customersEngaged: number
    readonly events: Readonly<Record<EngagementEventType, number>>
  }
  readonly tiers: {
    readonly basis: 'rank' | 'threshold'
    readonly grace: { readonly unit: 'days' | 'runs'; readonly length: number }
    readonly levels: readonly TierSummary[]
    /**
     * The as-of date ('YYYY-MM-DD') of the latest tier state stored by an analyze run dated after
     * this one: this run was a look at the past, which stores no state and moves no grace period
     * on; null for a scoring run (and for `loyals customer`, which never stores one).
     */
    readonly statesStoredAsOf: string | null
  }
  readonly loyalty: {
    readonly types: readonly {
      readonly type: LoyaltyType
      readonly customers: number
      readonly totalValue: number
    }[]
    readonly rules: Readonly<Partial<Record<LoyaltyRule, number>>>
    /** Repeat purchase days a customer needs to be more than a one-time buyer (the rules'). */
    readonly minRepeat: number
  }
}
