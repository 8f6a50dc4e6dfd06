// Staff tasks as immutable values moved through a small state machine (open → claimed → completed,
// or cancelled); every function returns a new task or throws TaskStateError, so the store only
// persists what a legal transition produced. Team goals are measured from the tasks alone.
import { LoyalsError, UsageError } from '../../errors.ts'
import type { TeamGoal } from './config.ts'

const DAY = 86_400_000
const HOUR = 3_600_000

export const TASK_STATUSES = ['open', 'claimed', 'completed', 'cancelled'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

export interface StaffTask {
  readonly id: string
  readonly customerId: string
  readonly title: string
  /** Any member of this role may claim it; null when assigned to one person. */
  readonly role: string | null
  /** The one person who may claim it; null for a role task. */
  readonly assignee: string | null
  readonly playbookId: string | null
  /** Team goal this task counts towards. */
  readonly goalId: string | null
  readonly status: TaskStatus
  readonly createdAtMs: number
  readonly dueAtMs: number
  readonly claimedBy: string | null
  readonly claimedAtMs: number | null
  readonly completedAtMs: number | null
  readonly outcome: string | null
  readonly cancelledAtMs: number | null
  readonly cancelReason: string | null
}

/** An illegal task transition (HTTP 409): claim a completed task, complete an open one, ... */
export class TaskStateError extends LoyalsError {
  constructor(message: string, taskId: string, status: TaskStatus, action: string) {
    super('task_state_error', message, { taskId, status, action })
  }
}

export interface NewTask {
  readonly id: string
  readonly customerId: string
  readonly title: string
  readonly role?: string | null
  readonly assignee?: string | null
  readonly playbookId?: string | null
  readonly goalId?: string | null
  readonly dueInDays: number
}

/**
 * A new open task due dueInDays after nowMs.
 * @example createTask({ id: 't1', customerId: 'c1', title: 'Call', role: 'am', dueInDays: 7 }, now)
 * @throws UsageError without exactly one of role or assignee, or with a negative due time.
 */
export function createTask(t: NewTask, nowMs: number): StaffTask {
  const role = t.role ?? null
  const assignee = t.assignee ?? null
  if ((role === null) === (assignee === null)) {
    throw new UsageError('a task needs exactly one of role or assignee', { id: t.id })
  }
  if (!(t.dueInDays >= 0) || !Number.isFinite(nowMs)) {
    throw new UsageError('dueInDays must be >= 0 and nowMs finite', {
      id: t.id,
      dueInDays: t.dueInDays,
      nowMs,
    })
  }
  return {
    id: t.id,
    customerId: t.customerId,
    title: t.title,
    role,
    assignee,
    playbookId: t.playbookId ?? null,
    goalId: t.goalId ?? null,
    status: 'open',
    createdAtMs: nowMs,
    dueAtMs: nowMs + t.dueInDays * DAY,
    claimedBy: null,
    claimedAtMs: null,
    completedAtMs: null,
    outcome: null,
    cancelledAtMs: null,
    cancelReason: null,
  }
}

function illegal(task: StaffTask, action: string, why: string): TaskStateError {
  return new TaskStateError(
    `cannot ${action} task ${task.id}: ${why}`,
    task.id,
    task.status,
    action,
  )
}

/**
 * open → claimed by `by`. A task assigned to a person can only be claimed by them.
 * @throws TaskStateError unless open (a claimed task's error names the claimer), or when `by` is
 *   not the assignee.
 */
export function claimTask(task: StaffTask, by: string, nowMs: number): StaffTask {
  // a claimed task names its claimer, as complete's error does: whom to ask, or that it is yours
  if (task.status === 'claimed') {
    throw illegal(task, 'claim', `it is claimed by ${task.claimedBy}`)
  }
  if (task.status !== 'open') throw illegal(task, 'claim', `it is ${task.status}`)
  if (task.assignee !== null && task.assignee !== by) {
    throw illegal(task, 'claim', `it is assigned to ${task.assignee}`)
  }
  return { ...task, status: 'claimed', claimedBy: by, claimedAtMs: nowMs }
}

/**
 * claimed → open again, by the person who claimed it.
 * @throws TaskStateError unless claimed by `by`.
 */
export function releaseTask(task: StaffTask, by: string): StaffTask {
  if (task.status !== 'claimed') throw illegal(task, 'release', `it is ${task.status}`)
  if (task.claimedBy !== by) throw illegal(task, 'release', `it is claimed by ${task.claimedBy}`)
  return { ...task, status: 'open', claimedBy: null, claimedAtMs: null }
}

/**
 * claimed → completed with an outcome ("reached, ordered again", "no answer", ...), by the person
 * who claimed it.
 * @throws TaskStateError unless claimed by `by`; UsageError for an empty outcome.
 */
export function completeTask(
  task: StaffTask,
  by: string,
  outcome: string,
  nowMs: number,
): StaffTask {
  if (task.status !== 'claimed') throw illegal(task, 'complete', `it is ${task.status}`)
  if (task.claimedBy !== by) throw illegal(task, 'complete', `it is claimed by ${task.claimedBy}`)
  if (outcome.trim() === '')
    throw new UsageError('a completed task needs an outcome', { id: task.id })
  return { ...task, status: 'completed', completedAtMs: nowMs, outcome: outcome.trim() }
}

/**
 * open or claimed → cancelled (customer erased, playbook withdrawn, duplicate).
 * @throws TaskStateError when already completed or cancelled.
 */
export function cancelTask(task: StaffTask, reason: string, nowMs: number): StaffTask {
  if (task.status === 'completed' || task.status === 'cancelled') {
    throw illegal(task, 'cancel', `it is ${task.status}`)
  }
  return { ...task, status: 'cancelled', cancelledAtMs: nowMs, cancelReason: reason }
}

/** Open or claimed past its own due date. */
export function isTaskOverdue(task: StaffTask, nowMs: number): boolean {
  return (task.status === 'open' || task.status === 'claimed') && nowMs > task.dueAtMs
}

export interface GoalProgress {
  readonly goalId: string
  readonly title: string
  /** Tasks for the goal created at or before now, not cancelled. */
  readonly eligible: number
  readonly cancelled: number
  readonly completed: number
  readonly completedOnTime: number
  /** Open or claimed and still within the goal's window: not yet a success or a miss. */
  readonly pending: number
  /** Open or claimed past the goal's window, most overdue first. */
  readonly overdueOpen: readonly { readonly id: string; readonly overdueHours: number }[]
  /** completedOnTime / (eligible − pending); null when nothing is decided yet. */
  readonly onTimeRate: number | null
  readonly targetRate: number
  readonly targetMet: boolean | null
  /** Hours from creation to completion, over completed tasks (linear interpolation, R type 7). */
  readonly medianHoursToAction: number | null
  readonly p90HoursToAction: number | null
}

/** Quantile by linear interpolation between order statistics (R type 7, numpy's default). */
function quantileSorted(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null
  const h = (xs.length - 1) * q
  const lo = Math.floor(h)
  const a = xs[lo]!
  const b = xs[Math.min(lo + 1, xs.length - 1)]!
  return a + (h - lo) * (b - a)
}

/**
 * Progress on a team goal such as "call every new top-tier customer within 7 days": tasks whose
 * goalId is the goal's id count; a task is on time when completed within withinDays of creation.
 * @example goalProgress(tasks, { id: 'call-top', withinDays: 7, targetRate: 0.9, ... }, now)
 *   // { eligible: 10, completedOnTime: 8, pending: 1, onTimeRate: 8 / 9, ... }
 */
export function goalProgress(
  tasks: readonly StaffTask[],
  goal: TeamGoal,
  nowMs: number,
): GoalProgress {
  const window = goal.withinDays * DAY
  let eligible = 0
  let cancelled = 0
  let completed = 0
  let onTime = 0
  let pending = 0
  const overdue: { id: string; overdueHours: number }[] = []
  const hours: number[] = []
  for (const t of tasks) {
    if (t.goalId !== goal.id || t.createdAtMs > nowMs) continue
    if (t.status === 'cancelled') {
      cancelled++
      continue
    }
    eligible++
    const deadline = t.createdAtMs + window
    if (t.status === 'completed' && t.completedAtMs !== null) {
      completed++
      if (t.completedAtMs <= deadline) onTime++
      hours.push((t.completedAtMs - t.createdAtMs) / HOUR)
    } else if (nowMs <= deadline) {
      pending++
    } else {
      overdue.push({ id: t.id, overdueHours: (nowMs - deadline) / HOUR })
    }
  }
  hours.sort((a, b) => a - b)
  overdue.sort((a, b) => b.overdueHours - a.overdueHours || (a.id < b.id ? -1 : 1))
  const decided = eligible - pending
  const rate = decided === 0 ? null : onTime / decided
  return {
    goalId: goal.id,
    title: goal.title,
    eligible,
    cancelled,
    completed,
    completedOnTime: onTime,
    pending,
    overdueOpen: overdue,
    onTimeRate: rate,
    targetRate: goal.targetRate,
    targetMet: rate === null ? null : rate >= goal.targetRate,
    medianHoursToAction: quantileSorted(hours, 0.5),
    p90HoursToAction: quantileSorted(hours, 0.9),
  }
}
