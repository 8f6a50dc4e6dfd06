import { describe, expect, it } from 'vitest'
import { parseOpsConfig } from './config.ts'
import { applyContactBudget, type BudgetCandidate } from './contact-budget.ts'

const DAY = 86_400_000
const NOW = Date.UTC(2024, 5, 12, 14, 0, 0)
const budget = parseOpsConfig({
  contactBudget: { overall: [{ days: 7, max: 2 }], quietHours: null },
}).contactBudget

const step = (k: number, atMs: number): BudgetCandidate => ({
  idempotencyKey: `onb:c1:onboarding-step-${k}:a0`,
  kind: 'webhook',
  channel: 'email',
  department: 'marketing',
  priority: 5,
  scheduledAtMs: atMs,
  sequence: { id: 'onb:c1:a0', step: k },
})

describe('a sequence step over a cap', () => {
  it('is deferred until the cap has room, and the later steps of its sequence wait for it', () => {
    const log = [NOW - 3 * DAY, NOW - DAY].map((atMs) => ({
      atMs,
      channel: 'email' as const,
      department: 'marketing' as const,
    }))
    // step 10 before step 2 in the input and in key order: the steps are still taken in order
    const d = applyContactBudget(
      [step(10, NOW + 5 * DAY), step(1, NOW), step(2, NOW + DAY)],
      log,
      NOW,
      budget,
    )
    expect(d[1]).toMatchObject({
      outcome: 'deferred',
      reason: 'cap_overall',
      untilMs: NOW + 4 * DAY,
    })
    expect(d[2]).toMatchObject({ outcome: 'deferred', untilMs: NOW + 4 * DAY })
    expect(d[2]!.detail).toMatch(/waits for step 1/)
    // scheduled after the held step's new time: it keeps its own
    expect(d[0]).toMatchObject({ outcome: 'deferred', reason: 'not_due', untilMs: NOW + 5 * DAY })
    // a message outside any sequence is dropped as before
    const { sequence: _, ...plain } = step(1, NOW)
    expect(applyContactBudget([plain], log, NOW, budget)[0]).toMatchObject({
      outcome: 'suppressed',
      reason: 'cap_overall',
    })
  })
})
