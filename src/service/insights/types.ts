// The shape of insights.json (and of the `insights` block of summary.json): plain JSON values, so
// the report renderer can depend on it without depending on the analysis code.

export interface CohortInfo {
  /** SQL expression ranking customers, and in words. */
  readonly valueExpression: string
  readonly customers: number
  /** Customers with at least minHistoryDays of history. */
  readonly eligible: number
  readonly top: number
  readonly topShare: number
  readonly minHistoryDays: number
  /** Smallest value in the top cohort. */
  readonly threshold: number | null
  /** Share of the eligible customers' value held by the top cohort. */
  readonly topValueShare: number | null
}

export interface ItemsetRow {
  readonly items: readonly string[]
  readonly customers: number
  readonly support: number
  readonly topCustomers: number
  readonly rate: number
  readonly lift: number
  readonly lower: number
  readonly upper: number
  readonly pValue: number
  readonly qValue: number
  /**
   * Whether it beats its parts: the largest one-sided Fisher p against a subset one item smaller
   * (a single item: its own p) and its BH q over every tested itemset, which `productive` is.
   */
  readonly productiveP: number
  readonly productiveQ: number
  readonly productive: boolean
}

export interface PathRow {
  /** A category of the first order. */
  readonly first: string
  /** A category of the second order. */
  readonly second: string
  readonly customers: number
  readonly topCustomers: number
  readonly rate: number
  readonly lift: number
  readonly lower: number
  readonly upper: number
  /** One-sided Fisher p: the path's customers against the other repeat buyers. */
  readonly pValue: number
  /** Benjamini-Hochberg over every path tested. */
  readonly qValue: number
}

export interface PathToBest {
  readonly baskets: number
  /**
   * Distinct items the first orders hold (categories, products, value quarters, discount, channel,
   * campaign): 0 for a bare transaction log, whose baskets have nothing to compare.
   */
  readonly items: number
  readonly baseRate: number
  readonly minCount: number
  /** Productive itemsets first, by the lower Wilson bound; at most 25. */
  readonly itemsets: readonly ItemsetRow[]
  /** Itemsets tested (all, for the q-values). */
  readonly tested: number
  /**
   * Paths above the repeat buyers' top rate, by the lower Wilson bound; at most 15. Lift is over
   * `pathBase.rate`, not over `baseRate`.
   */
  readonly paths: readonly PathRow[]
  /** The eligible customers with a second purchase and a category in both orders: paths' base. */
  readonly pathBase: {
    readonly customers: number
    readonly topCustomers: number
    readonly rate: number
  }
  /** Paths with at least minCount customers (for the q-values). */
  readonly pathsTested: number
}

export interface RisingStarReason {
  readonly feature: string
  readonly text: string
  /** Contribution to the log-odds. */
  readonly contribution: number
}

export interface RisingStar {
  readonly customerId: string
  readonly value: number
  readonly propensity: number
  readonly reasons: readonly RisingStarReason[]
}

export interface RisingStars {
  /** Each model input: its name, its coefficient, and what it is in words (the reasons' words). */
  readonly features: readonly {
    readonly name: string
    readonly coefficient: number
    readonly words: string
  }[]
  readonly lambda: number
  readonly train: { readonly customers: number; readonly positives: number }
  readonly validation: {
    readonly customers: number
    readonly positives: number
    readonly auc: number
    readonly k: number
    readonly precisionAtK: number
    readonly liftAtK: number
    readonly calibration: readonly {
      readonly n: number
      readonly meanPredicted: number
      readonly observedRate: number
      readonly lower: number
      readonly upper: number
    }[]
  }
  readonly candidates: number
  /** Candidates scoring at least the validation top-k threshold. */
  readonly highPropensity: number
  readonly threshold: number
  /** The first `listSize` (25) of the rising stars; rising_stars.csv holds up to 1,000. */
  readonly list: readonly RisingStar[]
}

export interface LapsedCustomer {
  readonly customerId: string
  readonly value: number
  readonly revenue: number
  readonly lastPurchase: string
  readonly daysSinceLast: number
  readonly usualGap: number | null
  readonly pAlive: number | null
  /** Value tier (when the analysis assigned tiers). */
  readonly tier: string | null
  readonly valueAtStake: number
  /** Purchase days a year (purchase days × 365.25 / max(tenure days, 365)). */
  readonly purchasesAtStake: number
  readonly reason: 'gap' | 'p_alive' | 'both'
}

export interface LapsedBest {
  readonly months: number
  readonly gapFactor: number
  readonly pAliveThreshold: number | null
  readonly customers: number
  /** Revenue a year of the lapsed (revenue × 365.25 / max(tenure days, 365), summed). */
  readonly valueAtStake: number
  /** Purchase days a year of the lapsed, summed: what is at stake when orders carry no amounts. */
  readonly purchasesAtStake: number
  /** The orders carry amounts (false: a transaction log, every amount 0; value at stake is 0). */
  readonly priced: boolean
  /** The first 2 × `listSize` (50), most value at stake first; lapsed_best.csv holds them all. */
  readonly list: readonly LapsedCustomer[]
}

export interface OverIndexLevel {
  readonly attribute: string
  readonly level: string
  readonly customers: number
  readonly topCustomers: number
  readonly shareAll: number
  readonly shareTop: number
  readonly index: number
  readonly indexLower: number
  readonly indexUpper: number
  readonly pValue: number
  readonly pHolm: number
  readonly qValue: number
}

export interface CategoryQuality {
  readonly category: string
  readonly orders: number
  readonly returnRate: number | null
  readonly firstCustomers: number
  readonly repeatRate: number | null
  readonly repeatLower: number | null
  readonly repeatUpper: number | null
  readonly toxic: boolean | null
}

export interface OverIndexSummary {
  /** Levels with Holm-adjusted p < 0.05, highest index first. */
  readonly significant: readonly OverIndexLevel[]
  readonly levels: readonly OverIndexLevel[]
  /**
   * The attributes some eligible customer has; their values held by fewer than `minCount`
   * customers are not among `levels` (none may be, on small data).
   */
  readonly attributesCompared: readonly string[]
  /**
   * The attributes imported but held only by customers with less than `minHistoryDays` of
   * history (not eligible for the top cohort yet): not compared until some have that history.
   */
  readonly attributesTooRecent: readonly string[]
  /** The history a customer needs to be ranked for the top cohort (--min-history-days). */
  readonly minHistoryDays: number
  /** The fewest customers a value must have to be compared. */
  readonly minCount: number
  readonly categories: readonly CategoryQuality[]
  readonly overallReturnRate: number | null
  readonly overallRepeatRate: number | null
}

export interface RateWithInterval {
  readonly estimate: number
  readonly lower: number
  readonly upper: number
}

export interface GroupKpi {
  /** 'all': every analysed customer together (group 'all customers'). */
  readonly kind: 'all' | 'segment' | 'tier'
  readonly group: string
  readonly n: number
  readonly value: number
  /** null for a group of one (no spread to measure). */
  readonly lower: number | null
  readonly upper: number | null
}

export interface CohortsKpis {
  readonly retention: {
    readonly cohorts: readonly string[]
    readonly periods: number
    readonly sizes: readonly number[]
    /** cohorts × periods, row-major; null where not observed. */
    readonly customers: readonly (number | null)[]
    readonly revenue: readonly (number | null)[]
    /** Per month, weighted over the cohorts observed in it; null where none is. */
    readonly averageCustomers: readonly (number | null)[]
    readonly averageRevenue: readonly (number | null)[]
    /**
     * Cohorts whose first month had no revenue (free first orders): their revenue cells are null
     * though observed, and they are left out of averageRevenue.
     */
    readonly noRevenueBase: readonly string[]
  }
  readonly repeatRate: RateWithInterval & { readonly customers: number; readonly repeaters: number }
  readonly retentionRate: readonly {
    readonly month: string
    readonly start: number
    readonly end: number
    /** in E, not in S: first purchase in the month */
    readonly acquired: number
    /** in E, not in S, bought before the month (lapsed and came back) */
    readonly reactivated: number
    /** (E − acquired − reactivated) / S = |E ∩ S| / S; null when S = 0 */
    readonly rate: number | null
  }[]
  readonly secondPurchase: {
    readonly customers: number
    readonly events: number
    readonly medianDays: number | null
    /** 25, 50, 75 %; null when not reached. */
    readonly quartileDays: readonly (number | null)[]
    /** Customers still waiting when the curve reached each quartile; null when never reached. */
    readonly quartileAtRisk: readonly (number | null)[]
    /** Fewer still waiting than this: the report says the quartile is those few customers' time. */
    readonly minAtRisk: number
    /** share null: no customer was followed that long (the as-of date is too close) */
    readonly within: readonly { readonly days: number; readonly share: number | null }[]
  }
  readonly stickiness: readonly {
    readonly attribute: string
    readonly level: string
    readonly customers: number
    readonly sticky: number
    readonly rate: number
    readonly lower: number
    readonly upper: number
  }[]
  /**
   * Attributes of `stickiness` that no customer observed long enough has (no channel in the
   * data): left out of it rather than shown as one "(none)" row of everyone.
   */
  readonly stickinessMissing?: readonly string[]
  readonly nps: readonly GroupKpi[] | null
  readonly ces: readonly GroupKpi[] | null
  readonly ticketResolution: readonly GroupKpi[] | null
  readonly returnRate: readonly GroupKpi[] | null
}

export interface SurveyGroup {
  readonly kind: 'segment' | 'tier'
  readonly group: string
  readonly sampled: number
  /** Customers of the group left out: they answered a survey in the last surveyRestDays. */
  readonly resting: number
}

export interface InsightsSummary {
  readonly schemaVersion: 1
  readonly asOf: string
  readonly cohort: CohortInfo
  readonly pathToBest: PathToBest | null
  readonly risingStars: RisingStars | null
  readonly lapsedBest: LapsedBest
  readonly overIndex: OverIndexSummary
  readonly icp: readonly string[]
  readonly kpis: CohortsKpis
  readonly surveys: {
    readonly size: number
    readonly seed: number
    /** Days a respondent rests before being drawn again (0: nobody rests). */
    readonly restDays: number
    readonly groups: readonly SurveyGroup[]
  }
  /** What was skipped or approximated, in words. */
  readonly notes: readonly string[]
  /**
   * Seconds per analysis (measured) in insights.json; left out of summary.json, whose content
   * depends on the data only (runs are compared for equality).
   */
  readonly timings?: Readonly<Record<string, number>>
}
