// JSON shapes of the answers, built from service values in one place.
import type { StaffTask } from '../../core/ops/tasks.ts'
import { minorDigits, roundHalfAway } from '../../core/round.ts'
import { HORIZON_UNITS, type Profile, type ScoringModel } from '../../service/ops/profile.ts'
import type { OpsStore } from '../../service/ops/store.ts'
import { isoOrNull, sqlDay } from '../../service/ops/time.ts'

/**
 * The purchase model that scores profiles: BG/NBD, or the NBD when the refit found no dropout
 * (its P(alive) is 1); null before any refit could fit one.
 */
export function scoringModelName(m: ScoringModel | null): 'bgnbd' | 'nbd' | null {
  return m?.bgnbd ? 'bgnbd' : m?.nbd ? 'nbd' : null
}

/** The lapsed rule's P(alive) line of the server's value configuration. */
export const lapsedLine = (store: OpsStore): number => store.value.loyalty.lapsed.pAliveBelow

/**
 * A profile as the API answers it; `model` names the purchase model that scored it, and
 * `lapsedBelow` is the lapsed rule's P(alive) line, so that a client shows a P(alive) below it
 * as below it (the reasons say "29.98 %", never "30 %" under a line of 0.3).
 */
export function profileView(
  p: Profile,
  model: 'bgnbd' | 'nbd' | null,
  lapsedBelow: number,
  currency: string | null,
) {
  return {
    customerId: p.customerId,
    email: p.email,
    name: p.name,
    signupAt: isoOrNull(p.signupAtMs),
    orders: p.ordersCount,
    // the exact sum the store keeps (to the millionth), as paid: value.history is it shown
    revenue: p.revenue,
    firstOrderAt: isoOrNull(p.firstOrderMs),
    lastOrderAt: isoOrNull(p.lastOrderMs),
    // the days the orders were placed where they were placed (an order's order_date, a file's
    // local day under --tz): the UTC day of the instant is the next one for a New York evening
    // (a profile stored before the days were kept has none till its next refit: the UTC day)
    firstOrderDay: p.firstOrderDay ?? (p.firstOrderMs === null ? null : sqlDay(p.firstOrderMs)),
    lastOrderDay: p.lastOrderDay ?? (p.lastOrderMs === null ? null : sqlDay(p.lastOrderMs)),
    currency,
    // money to the currency's minor unit, as the reasons' amounts (15.56, not 15.558783460923014)
    value: {
      total: money(p.value, currency),
      history: money(p.revenue, currency),
      predicted: money(p.predictedValue, currency),
    },
    prediction: {
      model: p.pAlive === null ? null : model,
      pAlive: p.pAlive,
      lapsedBelow,
      expectedPurchases: p.expectedPurchases,
      horizonWeeks: HORIZON_UNITS,
    },
    tier: p.tier === null ? null : { index: p.tier, name: p.tierName },
    segment: p.segment,
    loyaltyType: p.loyaltyType,
    // each reason's amount to the minor unit as well (its text rounds it so)
    reasons: p.reasons.map((r) =>
      r.amount === undefined ? r : { ...r, amount: money(r.amount, currency) },
    ),
    engagement: { referrals: p.referrals, reviews: p.reviews, nps: p.nps, ces: p.ces },
    consent: {
      unsubscribed: p.unsubscribedAtMs !== null,
      unsubscribedAt: isoOrNull(p.unsubscribedAtMs),
      marketingConsent: p.marketingConsent,
      importedMarketingConsent: p.importedConsent,
    },
    scoredAt: isoOrNull(p.scoredAtMs),
    updatedAt: isoOrNull(p.updatedAtMs),
  }
}

/** `v` to the minor unit of `currency` (cents without one); null stays null. */
function money(v: number | null, currency: string | null): number | null {
  return v === null ? null : roundHalfAway(v, minorDigits(currency)) + 0
}

export function taskView(t: StaffTask) {
  return {
    id: t.id,
    customerId: t.customerId,
    title: t.title,
    role: t.role,
    assignee: t.assignee,
    playbookId: t.playbookId,
    goalId: t.goalId,
    status: t.status,
    createdAt: isoOrNull(t.createdAtMs),
    dueAt: isoOrNull(t.dueAtMs),
    claimedBy: t.claimedBy,
    claimedAt: isoOrNull(t.claimedAtMs),
    completedAt: isoOrNull(t.completedAtMs),
    outcome: t.outcome,
    cancelledAt: isoOrNull(t.cancelledAtMs),
    cancelReason: t.cancelReason,
  }
}
