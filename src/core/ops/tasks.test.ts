import { describe, expect, it } from 'vitest'
import { UsageError } from '../../errors.ts'
import { parseOpsConfig } from './config.ts'
import {
  cancelTask,
  claimTask,
  completeTask,
  createTask,
  goalProgress,
  isTaskOverdue,
  releaseTask,
  type StaffTask,
  TaskStateError,
} from './tasks.ts'

const DAY = 86_400_000
const H = 3_600_000
const T0 = Date.UTC(2024, 0, 1)
const goal = parseOpsConfig({
  goals: [
    { id: 'call-top', title: 'Call every new top-tier customer within 7 days', withinDays: 7 },
  ],
}).goals[0]!

const task = (id: string, createdAtMs = T0): StaffTask =>
  createTask(
    { id, customerId: `c-${id}`, title: 'Call', role: 'am', goalId: 'call-top', dueInDays: 7 },
    createdAtMs,
  )

describe('task state machine', () => {
  it('open → claimed → completed with an outcome', () => {
    const t = task('t1')
    expect(t).toMatchObject({ status: 'open', dueAtMs: T0 + 7 * DAY, claimedBy: null })
    const c = claimTask(t, 'ana', T0 + H)
    expect(c).toMatchObject({ status: 'claimed', claimedBy: 'ana', claimedAtMs: T0 + H })
    const done = completeTask(c, 'ana', '  reached, ordered again ', T0 + 2 * H)
    expect(done).toMatchObject({
      status: 'completed',
      outcome: 'reached, ordered again',
      completedAtMs: T0 + 2 * H,
    })
    expect(t.status).toBe('open') // immutable
  })

  it('rejects illegal transitions with TaskStateError carrying the state', () => {
    const t = task('t2')
    expect(() => completeTask(t, 'ana', 'x', T0)).toThrow(TaskStateError)
    const c = claimTask(t, 'ana', T0)
    expect(() => claimTask(c, 'bo', T0)).toThrow(/cannot claim task t2: it is claimed/)
    expect(() => completeTask(c, 'bo', 'x', T0)).toThrow(/claimed by ana/)
    expect(() => releaseTask(c, 'bo')).toThrow(TaskStateError)
    expect(() => completeTask(c, 'ana', '  ', T0)).toThrow(UsageError)
    const done = completeTask(c, 'ana', 'ok', T0)
    expect(() => cancelTask(done, 'dup', T0)).toThrow(TaskStateError)
    const err = (() => {
      try {
        claimTask(done, 'ana', T0)
      } catch (e) {
        return e
      }
      return null
    })()
    expect(err).toBeInstanceOf(TaskStateError)
    expect((err as TaskStateError).details).toEqual({
      taskId: 't2',
      status: 'completed',
      action: 'claim',
    })
    expect((err as TaskStateError).code).toBe('task_state_error')
  })

  it('release, cancel, and person-assigned tasks', () => {
    const c = claimTask(task('t3'), 'ana', T0)
    expect(releaseTask(c, 'ana')).toMatchObject({ status: 'open', claimedBy: null })
    expect(cancelTask(c, 'customer erased', T0 + H)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'customer erased',
    })
    const mine = createTask(
      { id: 'p', customerId: 'c', title: 'Visit', assignee: 'maria', dueInDays: 1 },
      T0,
    )
    expect(() => claimTask(mine, 'ana', T0)).toThrow(/assigned to maria/)
    expect(claimTask(mine, 'maria', T0).status).toBe('claimed')
    expect(() => createTask({ id: 'x', customerId: 'c', title: 't', dueInDays: 1 }, T0)).toThrow(
      UsageError,
    )
    expect(() =>
      createTask(
        { id: 'x', customerId: 'c', title: 't', role: 'a', assignee: 'b', dueInDays: 1 },
        T0,
      ),
    ).toThrow(UsageError)
    expect(isTaskOverdue(mine, T0 + 2 * DAY)).toBe(true)
    expect(isTaskOverdue(mine, T0 + DAY)).toBe(false)
  })
})

describe('goalProgress', () => {
  it('counts on-time completions, pending and overdue tasks, and time to action', () => {
    const now = T0 + 10 * DAY
    const completeAfter = (id: string, hours: number): StaffTask =>
      completeTask(claimTask(task(id), 'ana', T0), 'ana', 'reached', T0 + hours * H)
    const tasks = [
      completeAfter('a', 2),
      completeAfter('b', 10),
      completeAfter('c', 30),
      completeAfter('d', 8 * 24), // late: 8 days
      task('e'), // open past the 7-day window: 3 days overdue
      claimTask(task('f', T0 + 2 * DAY), 'bo', T0 + 2 * DAY), // claimed, 1 day overdue
      task('g', T0 + 5 * DAY), // within its window: pending
      cancelTask(task('h'), 'duplicate', T0),
      createTask({ id: 'other', customerId: 'x', title: 't', role: 'am', dueInDays: 1 }, T0),
      task('future', now + DAY),
    ]
    const p = goalProgress(tasks, goal, now)
    expect(p).toMatchObject({
      eligible: 7,
      cancelled: 1,
      completed: 4,
      completedOnTime: 3,
      pending: 1,
      targetRate: 0.9,
      targetMet: false,
    })
    // 3 on time out of 6 decided (7 eligible − 1 pending).
    expect(p.onTimeRate).toBe(0.5)
    expect(p.overdueOpen).toEqual([
      { id: 'e', overdueHours: 72 },
      { id: 'f', overdueHours: 24 },
    ])
    // Hours to action 2, 10, 30, 192: median (10 + 30) / 2 = 20; p90 at h = 2.7 → 30 + 0.7 × 162.
    expect(p.medianHoursToAction).toBe(20)
    expect(p.p90HoursToAction).toBeCloseTo(30 + 0.7 * 162, 10)
  })

  it('returns nulls when nothing is decided yet', () => {
    const p = goalProgress([task('a')], goal, T0 + DAY)
    expect(p).toMatchObject({ eligible: 1, pending: 1, onTimeRate: null, targetMet: null })
    expect(p.medianHoursToAction).toBeNull()
  })
})
