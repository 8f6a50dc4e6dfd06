// Playbooks, tasks, goals, jobs and keys: the audit log of actions, the staff task workflow, team
// goal progress, each playbook's effect against its holdout, the refit job, key management.
import { z } from 'zod'
import type { StaffTask } from '../../core/ops/tasks.ts'
import { actionsList } from '../../data/queries/api-actions-list.ts'
import { playbookEffect } from '../../service/ops/effect.ts'
import { dateTime } from '../../service/ops/events.ts'
import { createApiKey, listApiKeys, revokeKeyKeepingAdmin } from '../../service/ops/keys.ts'
import { runTick } from '../../service/ops/scheduler.ts'
import type { OpsStore } from '../../service/ops/store.ts'
import {
  cancel,
  claim,
  complete,
  goalsProgress,
  listTasks,
  NotFoundError,
  release,
} from '../../service/ops/tasks.ts'
import { isoOrNull, sqlTs, tsMs } from '../../service/ops/time.ts'
import type { Principal } from '../auth.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../cursor.ts'
import { AuthError } from '../errors.ts'
import {
  ActionsAnswer,
  EffectAnswer,
  GoalsAnswer,
  JobAnswer,
  KeysAnswer,
  NewKeyAnswer,
  RefitAnswer,
  RevocationAnswer,
  TaskAnswer,
  TasksAnswer,
  TickAnswer,
} from '../responses.ts'
import { type Route, route } from '../route.ts'
import {
  ActionsQuery,
  CancelBody,
  ClaimBody,
  CompleteBody,
  EffectQuery,
  Empty,
  KeyBody,
  ReleaseBody,
  TasksQuery,
} from '../schemas.ts'
import { taskView } from './views.ts'

/** A cursor's time as the store writes its timestamps (UTC, no zone). */
const storeTime = (c: { at: string; id: string }) => ({ at: sqlTs(Date.parse(c.at)), id: c.id })

/** POST /v1/jobs/tick: evaluate as of `now` (admin keys only) instead of the server clock. */
const TickBody = z.object({ now: dateTime.optional() }).strict()

/**
 * POST /v1/tasks/{id}/<move>: one of a task's moves (claim, complete, release, cancel), each with
 * the `tasks` permission, a 409 when the task is not in a state that allows it, and the task as
 * it is after the move for an answer.
 */
function taskMove<B>(
  move: string,
  m: {
    readonly summary: string
    readonly body: z.ZodType<B>
    /** The answer's description: the task as the move leaves it. */
    readonly answer: string
    readonly run: (store: OpsStore, id: string, body: B, principal: Principal) => Promise<StaffTask>
  },
): Route {
  return route({
    method: 'post',
    path: `/v1/tasks/:id/${move}`,
    openapiPath: `/v1/tasks/{id}/${move}`,
    permission: 'tasks',
    tag: 'tasks',
    summary: m.summary,
    body: m.body,
    response: { schema: TaskAnswer, description: m.answer },
    errors: [409],
    example: `/v1/tasks/task_x/${move}`,
    handler: async ({ params, body, principal, deps }) => ({
      json: taskView(await m.run(deps.store, params.id!, body, principal)),
    }),
  })
}

export const operationRoutes = [
  route({
    method: 'get',
    path: '/v1/actions',
    permission: 'read',
    tag: 'playbooks',
    summary:
      'The audit log of playbook actions, newest first, with suppression reasons; `nextCursor` pages on.',
    query: ActionsQuery,
    response: { schema: ActionsAnswer, description: 'A page of actions' },
    example: '/v1/actions',
    handler: async ({ query, deps }) => {
      const customerId =
        query.customer === undefined ? undefined : await deps.store.storedId(query.customer)
      const rows = await deps.store.use((e) =>
        e.query(
          actionsList(e.dialect, {
            ...(query.playbook !== undefined ? { playbookId: query.playbook } : {}),
            ...(customerId !== undefined ? { customerId } : {}),
            ...(query.status !== undefined ? { status: query.status } : {}),
            ...(query.cursor !== undefined
              ? { after: storeTime(decodeTimeCursor('actions', query.cursor)) }
              : {}),
            limit: query.limit,
          }),
        ),
      )
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        json: {
          nextCursor:
            rows.length > query.limit && last
              ? encodeTimeCursor(
                  'actions',
                  isoOrNull(tsMs(last.created_at)) ?? '',
                  String(last.action_key),
                )
              : null,
          actions: page.map((r) => ({
            actionKey: r.action_key,
            playbookId: r.playbook_id,
            customerId: r.customer_id,
            eventId: r.event_id,
            trigger: r.trigger_type,
            department: r.department,
            kind: r.kind,
            channel: r.channel,
            status: r.status,
            reason: r.reason,
            detail: r.detail,
            control: Boolean(r.control),
            attempts: r.attempts,
            createdAt: isoOrNull(tsMs(r.created_at)),
            scheduledAt: isoOrNull(tsMs(r.scheduled_at)),
            sentAt: isoOrNull(tsMs(r.sent_at)),
          })),
        },
      }
    },
  }),
  route({
    method: 'get',
    path: '/v1/playbooks/:id/effect',
    openapiPath: '/v1/playbooks/{id}/effect',
    permission: 'read',
    tag: 'playbooks',
    summary:
      "A playbook's reach, action statuses, task outcomes and repeat purchase vs its holdout group.",
    query: EffectQuery,
    response: { schema: EffectAnswer, description: 'The playbook effect' },
    example: '/v1/playbooks/welcome/effect',
    handler: async ({ params, query, deps }) => ({
      json: await playbookEffect(deps.store, params.id!, query.windowDays),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/tasks',
    permission: 'read',
    tag: 'tasks',
    summary: 'Staff tasks, earliest due first; `nextCursor` pages on.',
    query: TasksQuery,
    response: { schema: TasksAnswer, description: 'A page of tasks' },
    example: '/v1/tasks',
    handler: async ({ query, deps }) => {
      const customerId =
        query.customer === undefined ? undefined : await deps.store.storedId(query.customer)
      const tasks = await listTasks(deps.store, {
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.role !== undefined ? { role: query.role } : {}),
        ...(query.assignee !== undefined ? { assignee: query.assignee } : {}),
        ...(query.goal !== undefined ? { goalId: query.goal } : {}),
        ...(customerId !== undefined ? { customerId } : {}),
        ...(query.cursor !== undefined
          ? { after: storeTime(decodeTimeCursor('tasks', query.cursor)) }
          : {}),
        // one row more than asked: whether another page follows
        limit: query.limit + 1,
      })
      const page = tasks.slice(0, query.limit)
      const last = page.at(-1)
      return {
        json: {
          tasks: page.map(taskView),
          nextCursor:
            tasks.length > query.limit && last
              ? encodeTimeCursor('tasks', new Date(last.dueAtMs).toISOString(), last.id)
              : null,
        },
      }
    },
  }),
  taskMove('claim', {
    summary:
      'Claim an open task (as `by`, default the API key name; the body may be left out). 409 when not open.',
    body: ClaimBody,
    answer: 'The task, claimed',
    run: (store, id, body, principal) => claim(store, id, body?.by ?? principal.name),
  }),
  taskMove('complete', {
    summary: 'Complete a claimed task with an outcome. 409 when not claimed by `by`.',
    body: CompleteBody,
    answer: 'The task, completed',
    run: (store, id, body, principal) =>
      complete(store, id, body.by ?? principal.name, body.outcome),
  }),
  taskMove('release', {
    summary:
      'Release a claimed task back to open, as its claimer `by` (default the API key name; the body may be left out). 409 when not claimed by `by`.',
    body: ReleaseBody,
    answer: 'The task, open again',
    run: (store, id, body, principal) => release(store, id, body?.by ?? principal.name),
  }),
  taskMove('cancel', {
    summary:
      'Cancel an open or claimed task with a reason; it then counts toward no goal. 409 when completed or cancelled.',
    body: CancelBody,
    answer: 'The task, cancelled',
    run: (store, id, body) => cancel(store, id, body.reason),
  }),
  route({
    method: 'get',
    path: '/v1/goals',
    permission: 'read',
    tag: 'tasks',
    summary: 'Each team goal: on-time completion rate against its target, time to action.',
    response: { schema: GoalsAnswer, description: 'Every goal' },
    example: '/v1/goals',
    handler: async ({ deps }) => ({ json: { goals: await goalsProgress(deps.store) } }),
  }),
  route({
    method: 'post',
    path: '/v1/jobs/refit',
    permission: 'refit',
    tag: 'jobs',
    summary: 'Start the full refit and re-score (202 with the job id; the running one if any).',
    body: Empty.optional(),
    response: { status: 202, schema: RefitAnswer, description: 'The refit job' },
    example: '/v1/jobs/refit',
    handler: async ({ deps }) => {
      const j = await deps.jobs.startRefit()
      return { status: 202, json: { jobId: j.id, started: j.started } }
    },
  }),
  route({
    method: 'post',
    path: '/v1/jobs/tick',
    permission: 'refit',
    tag: 'jobs',
    summary:
      'Run one scheduler tick now: time-based playbook triggers, then deferred actions due. `now` (admin only) finds the occasions due as of another time; a later one fires them early, sent at the clock, and moves no held action.',
    body: TickBody.optional(),
    response: { schema: TickAnswer, description: 'What the tick did' },
    example: '/v1/jobs/tick',
    handler: async ({ body, principal, deps }) => {
      if (body?.now !== undefined && principal.role !== 'admin') {
        // the role holds the route's permission (refit): what it lacks is the admin's say over
        // the clock, which no permission names
        throw new AuthError(
          403,
          `the ${principal.role} role may run a tick, but only at the clock's time: a tick with "now" needs an admin key (roles with it: admin)`,
          { role: principal.role, permission: 'refit', field: 'now', roles: ['admin'] },
        )
      }
      const report = await runTick(
        deps.store,
        body?.now !== undefined ? Date.parse(body.now) : deps.store.now(),
      )
      if (report.queued > 0) deps.ingestor.onQueued?.()
      return { json: report }
    },
  }),
  route({
    method: 'get',
    path: '/v1/jobs/:id',
    openapiPath: '/v1/jobs/{id}',
    permission: 'read',
    tag: 'jobs',
    summary: "A job's status and progress (0-1).",
    response: { schema: JobAnswer, description: 'The job' },
    example: '/v1/jobs/job_x',
    handler: async ({ params, deps }) => ({ json: await deps.jobs.get(params.id!) }),
  }),
  route({
    method: 'get',
    path: '/v1/keys',
    permission: 'keys',
    tag: 'keys',
    summary: 'API keys (never their secrets).',
    response: { schema: KeysAnswer, description: 'Every key' },
    example: '/v1/keys',
    handler: async ({ deps }) => ({ json: { keys: await deps.store.use((e) => listApiKeys(e)) } }),
  }),
  route({
    method: 'post',
    path: '/v1/keys',
    permission: 'keys',
    tag: 'keys',
    summary: 'Create a key; the answer is the only time the key is shown.',
    body: KeyBody,
    response: { status: 201, schema: NewKeyAnswer, description: 'The new key' },
    example: '/v1/keys',
    handler: async ({ body, deps }) => {
      const r = await deps.store.use((e) => createApiKey(e, body.role, body.name))
      return { status: 201, json: { key: r.key, ...r.info } }
    },
  }),
  route({
    method: 'delete',
    path: '/v1/keys/:id',
    openapiPath: '/v1/keys/{id}',
    permission: 'keys',
    tag: 'keys',
    summary:
      'Revoke a key (a revoked key again: 200 with `alreadyRevoked`). 409 for the last active admin key.',
    body: Empty.optional(),
    response: { schema: RevocationAnswer, description: 'Revoked (or revoked before)' },
    errors: [409],
    example: '/v1/keys/000000000000',
    handler: async ({ params, deps }) => {
      const r = await deps.store.use((e) => revokeKeyKeepingAdmin(e, params.id!))
      if (!r) throw new NotFoundError('key', params.id!)
      if (!r.alreadyRevoked) deps.keys.clear()
      return {
        json: { revoked: r.keyId, revokedAt: r.revokedAt, alreadyRevoked: r.alreadyRevoked },
      }
    },
  }),
]
