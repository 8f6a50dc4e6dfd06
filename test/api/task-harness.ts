// The ops configuration of the task suites: one staff task (role `am`) per first order, counting
// toward the goal `call-new` (7 days), so each new customer's order opens one task.
import type { OpsConfigInput } from '../../src/core/ops/config.ts'

export const CALL_FIRST: OpsConfigInput = {
  holdout: { defaultShare: 0 },
  playbooks: [
    {
      id: 'call-first',
      department: 'service',
      trigger: { type: 'first_order' },
      actions: [{ type: 'task', role: 'am', title: 'Call to welcome', goal: 'call-new' }],
    },
  ],
  goals: [{ id: 'call-new', title: 'Call every new customer', team: 'am', withinDays: 7 }],
}
