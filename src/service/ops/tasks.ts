// Staff tasks in the store, moved only through the core state machine (core/ops/tasks.ts); the
// UPDATE checks the status it started from, so two staff claiming at once cannot both win.
import type { TeamGoal } from '../../core/ops/config.ts'
import {
  cancelTask,
  claimTask,
  completeTask,
  type GoalProgress,
  goalProgress,
  releaseTask,
  type StaffTask,
  TaskStateError,
} from '../../core/ops/tasks.ts'
import type { Engine, Row } from '../../data/engine.ts'
import { taskSave } from '../../data/queries/api-task-save.ts'
import { type TasksListArgs, tasksList } from '../../data/queries/api-tasks-list.ts'
import { taskWithdraw } from '../../data/queries/task-withdraw.ts'
import { LoyalsError } from '../../errors.ts'
import type { OpsStore } from './store.ts'
import { sqlTs, tsMs } from './time.ts'

/** A requested record does not exist (HTTP 404). */
export class NotFoundError extends LoyalsError {
  constructor(what: string, id: string) {
    super('not_found', `no ${what} "${id}"`, { [what]: id })
  }
}

const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

export function rowTask(r: Row): StaffTask {
  return {
    id: String(r.task_id),
    customerId: String(r.customer_id),
    title: String(r.title),
    role: s(r.role),
    assignee: s(r.assignee),
    playbookId: s(r.playbook_id),
    goalId: s(r.goal_id),
    status: String(r.status) as StaffTask['status'],
    createdAtMs: tsMs(r.created_at) ?? 0,
    dueAtMs: tsMs(r.due_at) ?? 0,
    claimedBy: s(r.claimed_by),
    claimedAtMs: tsMs(r.claimed_at),
    completedAtMs: tsMs(r.completed_at),
    outcome: s(r.outcome),
    cancelledAtMs: tsMs(r.cancelled_at),
    cancelReason: s(r.cancel_reason),
  }
}

export async function listTasks(store: OpsStore, a: TasksListArgs): Promise<StaffTask[]> {
  const rows = await store.use((e) => e.query(tasksList(e.dialect, a)))
  return rows.map(rowTask)
}

const ts = (ms: number | null): string | null => (ms === null ? null : sqlTs(ms))

async function transition(
  store: OpsStore,
  taskId: string,
  move: (t: StaffTask, now: number) => StaffTask,
): Promise<StaffTask> {
  return store.use(async (e) => {
    const [row] = await e.query(tasksList(e.dialect, { taskId, limit: 1 }))
    if (!row) throw new NotFoundError('task', taskId)
    const before = rowTask(row)
    const after = move(before, store.now())
    const saved = await e.query(
      taskSave(e.dialect, {
        taskId,
        status: after.status,
        claimedBy: after.claimedBy,
        claimedAtTs: ts(after.claimedAtMs),
        completedAtTs: ts(after.completedAtMs),
        outcome: after.outcome,
        cancelledAtTs: ts(after.cancelledAtMs),
        cancelReason: after.cancelReason,
        expectStatus: before.status,
      }),
    )
    if (saved.length === 0) {
      throw new TaskStateError(`task ${taskId} changed meanwhile`, taskId, before.status, 'save')
    }
    return after
  })
}

/** open → claimed by `by`. @throws NotFoundError, TaskStateError (HTTP 409). */
export function claim(store: OpsStore, taskId: string, by: string): Promise<StaffTask> {
  return transition(store, taskId, (t, now) => claimTask(t, by, now))
}

/** claimed → open, by its claimer. @throws NotFoundError, TaskStateError (HTTP 409). */
export function release(store: OpsStore, taskId: string, by: string): Promise<StaffTask> {
  return transition(store, taskId, (t) => releaseTask(t, by))
}

/**
 * open or claimed → cancelled with a reason (a duplicate, the customer asked not to be called);
 * a cancelled task counts toward no goal's rate. @throws NotFoundError, TaskStateError (HTTP 409).
 */
export function cancel(store: OpsStore, taskId: string, reason: string): Promise<StaffTask> {
  return transition(store, taskId, (t, now) => cancelTask(t, reason, now))
}

/** claimed → completed with an outcome. */
export function complete(
  store: OpsStore,
  taskId: string,
  by: string,
  outcome: string,
): Promise<StaffTask> {
  return transition(store, taskId, (t, now) => completeTask(t, by, outcome, now))
}

/**
 * The time triggers whose occasion an order ends, as a held action of them is checked again at
 * release (dispatch.ts, `no_longer_applies`): a lapse or a due date is over once the customer buys.
 */
const ENDED_BY_ORDER = new Set(['best_at_risk', 'no_order_for', 'next_purchase_due'])

/** The cancel reason of a task an order withdrew. */
export const NO_LONGER_APPLIES = 'no_longer_applies'

/**
 * Withdraw the open and claimed tasks that an order made moot: a task of a `best_at_risk`,
 * `no_order_for` or `next_purchase_due` playbook whose customer has an order placed after the task
 * was opened is cancelled with reason `no_longer_applies` (so it counts toward no goal, neither
 * done nor missed). Called in the transaction of an event group, after its orders are stored; an
 * order imported late that was placed before the task was opened withdraws nothing.
 * @example await withdrawEndedTasks(store, tx, ['C000002'], now) // ['task_…']
 * @returns the ids of the tasks withdrawn.
 * @throws QueryError from the store.
 */
export async function withdrawEndedTasks(
  store: OpsStore,
  tx: Engine,
  customerIds: readonly string[],
  nowMs: number,
): Promise<string[]> {
  const playbookIds = store.ops.playbooks
    .filter((p) => ENDED_BY_ORDER.has(p.trigger.type))
    .map((p) => p.id)
  if (playbookIds.length === 0 || customerIds.length === 0) return []
  const out: string[] = []
  // a bounded parameter list per statement (PostgreSQL takes at most 65,535)
  for (let i = 0; i < customerIds.length; i += 1000) {
    const rows = await tx.query(
      taskWithdraw(tx.dialect, {
        customerIds: customerIds.slice(i, i + 1000),
        playbookIds,
        atTs: sqlTs(nowMs),
        reason: NO_LONGER_APPLIES,
      }),
    )
    out.push(...rows.map((r) => String(r.task_id)))
  }
  return out
}

/** Every configured goal's completion rate and time to action, from the goal's tasks. */
export async function goalsProgress(store: OpsStore): Promise<GoalProgress[]> {
  const out: GoalProgress[] = []
  const now = store.now()
  for (const g of store.ops.goals as TeamGoal[]) {
    const tasks = await listTasks(store, { goalId: g.id, limit: 100_000 })
    out.push(goalProgress(tasks, g, now))
  }
  return out
}
