// Delivery of playbook actions after their event committed: webhooks are POSTed (with an
// Idempotency-Key header, so a receiver can drop a redelivery after a crash between send and
// record), deferred actions go out when their time comes, deferred tasks are created then.
// Failures are retried 3 times with backoff, then marked failed in the audit log.

import type { Row } from '../../data/engine.ts'
import { actionStatus } from '../../data/queries/api-action-status.ts'
import { actionsDue } from '../../data/queries/api-actions-due.ts'
import { insertRows } from '../../data/queries/api-insert-rows.ts'
import { TASK_COLUMNS, taskIdFor } from './ingest.ts'
import { DAY_MS } from './profile.ts'
import type { OpsStore } from './store.ts'
import { sqlTs } from './time.ts'

export const MAX_ATTEMPTS = 3

export type Fetch = (url: string, init: RequestInit) => Promise<{ ok: boolean; status: number }>

interface Payload {
  template?: string | null
  variables?: Record<string, unknown>
  reason?: string
  url?: string
  title?: string
  role?: string | null
  assignee?: string | null
  goal?: string | null
  dueInDays?: number
}

async function deliver(store: OpsStore, r: Row, fetchImpl: Fetch): Promise<void> {
  const key = String(r.action_key)
  const payload = (r.payload ? JSON.parse(String(r.payload)) : {}) as Payload
  const attempts = Number(r.attempts) + 1
  const now = store.now()
  if (r.kind === 'task') {
    await store.use((e) =>
      e.transaction(async (tx) => {
        await tx.exec(
          insertRows(tx.dialect, {
            table: 'tasks',
            columns: TASK_COLUMNS,
            rows: [
              [
                taskIdFor(key),
                String(r.customer_id),
                payload.title ?? 'task',
                payload.role ?? null,
                payload.assignee ?? null,
                String(r.playbook_id),
                payload.goal ?? null,
                'open',
                sqlTs(now),
                sqlTs(now + (payload.dueInDays ?? 7) * DAY_MS),
              ],
            ],
            conflict: 'nothing',
          }),
        )
        await tx.exec({
          ...actionStatus(tx.dialect, {
            actionKey: key,
            status: 'sent',
            detail: 'task created',
            attempts,
            scheduledAtTs: sqlTs(now),
            sentAtTs: sqlTs(now),
          }),
        })
      }),
    )
    return
  }
  const profile = await store.getProfile(String(r.customer_id))
  let ok = false
  let detail: string
  try {
    const res = await fetchImpl(payload.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        actionKey: key,
        playbookId: r.playbook_id,
        customerId: r.customer_id,
        email: profile?.email ?? null,
        name: profile?.name ?? null,
        channel: r.channel,
        template: payload.template ?? null,
        variables: payload.variables ?? {},
        reason: payload.reason ?? null,
      }),
      signal: AbortSignal.timeout(5000),
    })
    ok = res.ok
    detail = `HTTP ${res.status}`
  } catch (e) {
    detail = e instanceof Error ? e.message : String(e)
  }
  const status = ok ? 'sent' : attempts >= MAX_ATTEMPTS ? 'failed' : 'queued'
  const retryAt = now + 5000 * 2 ** (attempts - 1)
  await store.use((e) =>
    e.exec(
      actionStatus(e.dialect, {
        actionKey: key,
        status,
        detail,
        attempts,
        scheduledAtTs: sqlTs(status === 'queued' ? retryAt : now),
        sentAtTs: ok ? sqlTs(now) : null,
      }),
    ),
  )
}

/** Send every due action once; returns how many were attempted. */
export async function dispatchDue(store: OpsStore, fetchImpl: Fetch = fetch): Promise<number> {
  const rows = await store.use((e) => e.query(actionsDue(e.dialect, sqlTs(store.now()), 200)))
  for (const r of rows) await deliver(store, r, fetchImpl)
  return rows.length
}

/** Runs dispatchDue when kicked and every `everyMs`; one pass at a time. */
export class Dispatcher {
  readonly #store: OpsStore
  readonly #fetch: Fetch
  #timer: NodeJS.Timeout | null = null
  #busy: Promise<void> | null = null
  #again = false

  constructor(store: OpsStore, fetchImpl: Fetch = fetch) {
    this.#store = store
    this.#fetch = fetchImpl
  }

  start(everyMs = 1000): void {
    this.#timer = setInterval(() => this.kick(), everyMs)
    this.#timer.unref()
  }

  kick(): void {
    if (this.#busy) {
      this.#again = true
      return
    }
    this.#busy = (async () => {
      do {
        this.#again = false
        try {
          while ((await dispatchDue(this.#store, this.#fetch)) > 0) {}
        } catch {
          // retried on the next tick; the audit log keeps the action queued
        }
      } while (this.#again)
      this.#busy = null
    })()
  }

  /** Wait until no pass is running. */
  async idle(): Promise<void> {
    while (this.#busy) await this.#busy
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    await this.idle()
  }
}
