// Every number that shapes the synthetic company, in one place, so the docs (docs/generator.md)
// and the tests of the insight analyses can quote exactly what was planted.

/** The effects a generated company can carry on purpose; see docs/generator.md. */
export type Plant = 'path-to-best' | 'region' | 'lapsed-best'
export const PLANTS: readonly Plant[] = ['path-to-best', 'region', 'lapsed-best']

/**
 * Path to best: a customer whose FIRST order holds a product of category `categories[0]` AND one
 * of `categories[1]` gets purchase rate x `rate`, dropout rate x `dropout` (longer life) and spend
 * x `spend`. Measured effect: see docs/generator.md.
 */
export const PATH_TO_BEST = {
  categories: ['Sunglasses', 'Lenses'],
  rate: 2.5,
  dropout: 0.4,
  spend: 1.4,
} as const

/** Region: customers in (country, region) get purchase rate x `rate` and spend x `spend`. */
export const REGION_PLANT = { country: 'DE', region: 'North', rate: 3, spend: 1.45 } as const

/**
 * Lapsed best: each customer who signed up at least `minTenureDays` before the stop date joins the
 * cohort with probability `share`; they buy at least `minRate` orders a year with spend x `spend`
 * and stop buying for good `stopDaysBeforeEnd` (+- N(0, `stopJitterDays`)) days before the end.
 */
export const LAPSED_BEST = {
  share: 0.03,
  minTenureDays: 365,
  minRate: 6,
  spend: 1.3,
  stopDaysBeforeEnd: 183,
  stopJitterDays: 10,
} as const

/** Heterogeneity of the Pareto/NBD-like purchase process (rates per year). */
export const PROCESS = {
  /** Purchase rate while alive ~ Gamma(shape, scale): mean shape*scale orders a year. */
  rateShape: 0.8,
  rateScale: 2.5,
  /** Dropout rate ~ Gamma(shape, scale): lifetime ~ Exponential(dropout) years. */
  dropoutShape: 1.5,
  dropoutScale: 0.35,
  /** Per-customer spend factor ~ LogNormal(0, sigma) multiplies every price they pay. */
  spendSigma: 0.55,
  /** Lines per order: 1 + Poisson(extraLines), at most maxLines. */
  extraLines: 0.7,
  maxLines: 6,
  /** Share of signed-up customers who never order. */
  neverBuy: 0.05,
  /** First order comes Exponential(mean firstOrderDays) after signup. */
  firstOrderDays: 1.5,
  /** Hard cap on orders per customer. */
  maxOrders: 400,
  /** Acquisition intensity grows over time: signup = start + span * U^growth. */
  growth: 0.75,
} as const

/** Costly customers: returns, tickets and discounts make many of them unprofitable. */
export const SERVICE = {
  costlyShare: 0.08,
  returnProb: { normal: 0.05, costly: 0.4 },
  ticketsPerOrder: { normal: 0.08, costly: 0.9 },
  handlingMinutes: { normal: 10, costly: 24 },
  discountProb: { normal: 0.15, costly: 0.65 },
} as const

/**
 * Cost rates written to costs.json (company currency). Discounts are not a cost: `orders.amount`
 * is what the customer paid, so the discount is already missing from revenue and margin.
 */
export const COST_RATES = {
  currency: 'EUR',
  ticket_minute: 0.8,
  per_return: 7.5,
  shipping_per_order: 4.9,
  payment_fee_rate: 0.029,
  payment_fee_fixed: 0.25,
  discounts_are_cost: false,
} as const
