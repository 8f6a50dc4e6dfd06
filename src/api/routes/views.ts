// JSON shapes of the answers, built from service values in one place.
import type { StaffTask } from '../../core/ops/tasks.ts'
import { HORIZON_UNITS, type Profile } from '../../service/ops/profile.ts'
import { isoOrNull } from '../../service/ops/time.ts'

export function profileView(p: Profile) {
  return {
    customerId: p.customerId,
    email: p.email,
    name: p.name,
    orders: p.ordersCount,
    revenue: p.revenue,
    firstOrderAt: isoOrNull(p.firstOrderMs),
    lastOrderAt: isoOrNull(p.lastOrderMs),
    value: { total: p.value, history: p.revenue, predicted: p.predictedValue },
    prediction: {
      model: p.pAlive === null ? null : 'bgnbd',
      pAlive: p.pAlive,
      expectedPurchases: p.expectedPurchases,
      horizonWeeks: HORIZON_UNITS,
    },
    tier: p.tier === null ? null : { index: p.tier, name: p.tierName },
    segment: p.segment,
    loyaltyType: p.loyaltyType,
    reasons: p.reasons,
    engagement: { referrals: p.referrals, reviews: p.reviews, nps: p.nps, ces: p.ces },
    scoredAt: isoOrNull(p.scoredAtMs),
    updatedAt: isoOrNull(p.updatedAtMs),
  }
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
  }
}
