// A playbook's measured effect: reach, action statuses, task outcomes, and repeat purchase of the
// treated customers against the holdout control group (core/ops/holdout measureEffect).
import { type EffectEstimate, measureEffect } from '../../core/ops/holdout.ts'
import { effectGroups } from '../../data/queries/api-effect-groups.ts'
import { effectOutcomes } from '../../data/queries/api-effect-outcomes.ts'
import { effectStatuses } from '../../data/queries/api-effect-statuses.ts'
import type { OpsStore } from './store.ts'
import { NotFoundError } from './tasks.ts'

export interface PlaybookEffect {
  readonly playbookId: string
  readonly windowDays: number
  readonly reach: { readonly customers: number; readonly treated: number; readonly control: number }
  readonly actions: readonly { status: string; reason: string | null; count: number }[]
  readonly outcomes: readonly { outcome: string; count: number }[]
  readonly effect: EffectEstimate
}

/** @throws NotFoundError for a playbook not in the configuration. */
export async function playbookEffect(
  store: OpsStore,
  playbookId: string,
  windowDays = 30,
): Promise<PlaybookEffect> {
  if (!store.ops.playbooks.some((p) => p.id === playbookId)) {
    throw new NotFoundError('playbook', playbookId)
  }
  return store.use(async (e) => {
    const groups = await e.query(effectGroups(e.dialect, playbookId, windowDays))
    const statuses = await e.query(effectStatuses(e.dialect, playbookId))
    const outcomes = await e.query(effectOutcomes(e.dialect, playbookId))
    const g = (control: boolean) => {
      const r = groups.find((x) => Boolean(x.control) === control)
      return { n: Number(r?.n ?? 0), converted: Number(r?.converted ?? 0) }
    }
    const treated = g(false)
    const control = g(true)
    return {
      playbookId,
      windowDays,
      reach: { customers: treated.n + control.n, treated: treated.n, control: control.n },
      actions: statuses.map((s) => ({
        status: String(s.status),
        reason: s.reason === null ? null : String(s.reason),
        count: Number(s.n),
      })),
      outcomes: outcomes.map((o) => ({ outcome: String(o.outcome), count: Number(o.n) })),
      effect: measureEffect(treated, control),
    }
  })
}
