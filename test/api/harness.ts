// An API instance in the test process (createApp + app.request, no socket) on a fresh store of
// either kind, with one key per role.
import type { Hono } from 'hono'
import { createApp } from '../../src/api/app.ts'
import { KeyCache } from '../../src/api/auth.ts'
import { type OpsConfigInput, parseOpsConfig } from '../../src/core/ops/config.ts'
import { parseValueConfig, type ValueConfigInput } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { Dispatcher, type Fetch } from '../../src/service/ops/dispatch.ts'
import { Ingestor } from '../../src/service/ops/ingest.ts'
import { JobRunner } from '../../src/service/ops/jobs.ts'
import { createApiKey, ROLES, type Role } from '../../src/service/ops/keys.ts'
import { OpsStore } from '../../src/service/ops/store.ts'
import type { StoreKind, TestStore } from '../engines/stores.ts'

export interface Harness {
  readonly app: Hono
  readonly engine: Engine
  readonly store: OpsStore
  readonly ingestor: Ingestor
  readonly jobs: JobRunner
  readonly dispatcher: Dispatcher
  readonly keys: Record<Role, string>
  /** Clock the store sees (ms); tests move it. */
  clock: { now: number }
  call(
    method: string,
    path: string,
    opts?: { role?: Role | null; body?: unknown; raw?: string | Uint8Array; token?: string },
    // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the tests
  ): Promise<{ status: number; json: any; text: string }>
  close(): Promise<void>
}

export async function harness(
  kind: StoreKind,
  o: {
    ops?: OpsConfigInput
    value?: ValueConfigInput
    fetch?: Fetch
    now?: number
    webhookSecret?: string
    /** How long a verified API key is trusted without asking the store (KeyCache's default). */
    keyTtlMs?: number
  } = {},
): Promise<Harness> {
  const ts: TestStore = await kind.create()
  const engine = await openWorkspace(ts.location)
  const clock = { now: o.now ?? Date.parse('2025-03-01T12:00:00Z') }
  const store = new OpsStore(engine, {
    ops: parseOpsConfig(o.ops ?? {}),
    value: parseValueConfig(o.value ?? {}),
    now: () => clock.now,
    ...(o.webhookSecret ? { webhookSecret: o.webhookSecret } : {}),
  })
  await store.loadModel()
  const ingestor = new Ingestor(store)
  const jobs = new JobRunner(store)
  const dispatcher = new Dispatcher(store, o.fetch)
  const keyCache = new KeyCache(store, o.keyTtlMs)
  const app = createApp({ store, ingestor, jobs, keys: keyCache, version: 'test' })
  const keys = {} as Record<Role, string>
  for (const r of ROLES) keys[r] = (await createApiKey(engine, r, `${r}-user`)).key
  return {
    app,
    engine,
    store,
    ingestor,
    jobs,
    dispatcher,
    keys,
    clock,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      const role = opts.role === undefined ? 'admin' : opts.role
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
      else if (role !== null) headers.authorization = `Bearer ${keys[role]}`
      const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body))
      const res = await app.request(path, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      })
      const text = await res.text()
      let json: unknown = null
      try {
        json = JSON.parse(text)
      } catch {
        json = null
      }
      return { status: res.status, json, text }
    },
    async close() {
      await dispatcher.stop()
      await jobs.idle()
      await store.serial.run(async () => {})
      await engine.close()
      await ts.cleanup()
    },
  }
}

let seq = 0
/** A Segment "Order Completed" call. */
export function orderEvent(
  customer: string,
  orderId: string,
  total: number,
  at: string,
  messageId = `m-${orderId}-${seq++}`,
) {
  return {
    type: 'track',
    messageId,
    userId: customer,
    event: 'Order Completed',
    timestamp: at,
    properties: {
      order_id: orderId,
      total,
      products: [{ product_id: 'p1', name: 'Tea', price: total, quantity: 1 }],
    },
  }
}

/**
 * A Segment "identify" call giving the customer an email (null clears it), so an email playbook
 * has an address to send to.
 */
export function identifyEvent(
  customer: string,
  email: string | null = `${customer}@example.com`,
  messageId = `id-${customer}-${seq++}`,
) {
  return { type: 'identify', messageId, userId: customer, traits: { email } }
}

/** The first column of the first row of `sql` on the harness's store, as a number. */
export async function count(h: Harness, sql: string, params: unknown[] = []): Promise<number> {
  const [r] = await h.store.use((e) => e.query({ sql, params }))
  return Number(Object.values(r ?? {})[0])
}

/** Poll a job until it has succeeded or failed (12 s at most); its last status. */
export async function waitJob(h: Harness, id: string) {
  for (let i = 0; i < 600; i++) {
    const j = await h.call('GET', `/v1/jobs/${id}`)
    if (j.json.status === 'succeeded' || j.json.status === 'failed') return j.json
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('job did not finish')
}

/** Two threshold tiers: VIP from a value of 500 (service priority 1), Regular below it. */
export const VIP_OR_REGULAR: ValueConfigInput = {
  tiers: {
    basis: 'threshold',
    levels: [
      { name: 'VIP', minValue: 500, serviceLevel: { priority: 1, responseTargetMinutes: 60 } },
      { name: 'Regular', serviceLevel: { priority: 2, responseTargetMinutes: 1440 } },
    ],
  },
}

type PlaybookInput = NonNullable<OpsConfigInput['playbooks']>[number]

/** A marketing playbook of one webhook message (template = its id) to `url`, on `channel`. */
export function messagePlaybook(
  id: string,
  trigger: PlaybookInput['trigger'],
  channel: 'email' | 'sms' = 'email',
  url = 'http://127.0.0.1:9/hook',
): PlaybookInput {
  return {
    id,
    department: 'marketing',
    trigger,
    actions: [{ type: 'webhook', url, channel, template: id }],
  }
}

/**
 * A contact budget of one message a week with quiet nights (21:00-08:00) for email: a second
 * message loses its slot, and one sent at night is held till morning.
 */
export const ONE_A_WEEK_QUIET_NIGHTS = {
  quietHours: { startHour: 21, endHour: 8, channels: ['email' as const] },
  overall: [{ days: 7, max: 1 }],
}
