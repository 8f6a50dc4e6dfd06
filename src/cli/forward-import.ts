// `loyals import` while a server holds the workspace: the file is imported as usual, but into a
// throw-away in-memory DuckDB (same column mapping, validation and rejects), and its orders and
// customers are sent to the server as Segment calls in batches of 1,000, staged under one import
// id; a last request stores them all in ONE transaction (staged-import.ts), so a failure or a
// kill midway leaves the store as it was. Message ids are the ones POST /v1/orders and
// /v1/customers use (`order:<order id>`), so importing the same file twice, or an order the
// server already has, stores nothing new; an order the file gives another amount or time replaces
// the stored one, as a direct import of a corrected export does.
import { createHash, randomUUID } from 'node:crypto'
import type { Engine } from '../data/engine.ts'
import { CUSTOMER_ATTRIBUTES } from '../data/queries/api-customer-records.ts'
import { PLACE_FIELDS } from '../data/queries/import-order-places.ts'
import { isZeroRefundMark } from '../data/queries/import-order-rows.ts'
import { LoyalsError, UsageError } from '../errors.ts'
import { tsMs } from '../service/ops/time.ts'
import type { RemoteServer } from './remote.ts'

export interface ForwardResult {
  readonly server: string
  /**
   * Calls sent, and how many of them the server stored, or stored over the order it held (a
   * corrected export); the rest it had already.
   */
  readonly sent: number
  readonly stored: number
  readonly replaced: number
  readonly duplicates: number
  /**
   * Cancelled or unpaid orders of 0 the file holds, sent as "Order Cancelled": one the server
   * holds as paid is taken back whole, as a direct import stores the cancellation over it.
   */
  readonly cancelled: number
}

const BATCH = 1000
const iso = (v: unknown): string | undefined => {
  const ms = tsMs(v)
  return ms === null ? undefined : new Date(ms).toISOString()
}
const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T

interface Upload {
  readonly path: string
  seq: number
  sent: number
  /** The commit was sent: a lost connection leaves it unknown whether it stored the file. */
  committing: boolean
}

/** `file:line` of a row of the in-memory import (its source and source_line), '' without one. */
const lineOf = (r: Record<string, unknown>): string =>
  r.source_line === null || r.source_line === undefined
    ? ''
    : `${String(r.source ?? '')}:${Number(r.source_line)}`

/**
 * Send one batch; the rows' `file:line`, in the batch's order, name the rows a refusal points at:
 * the server says `batch[558].properties.currency`, which names nothing in the user's file.
 */
async function send(remote: RemoteServer, batch: unknown[], up: Upload, where: string[] = []) {
  if (batch.length === 0) return
  try {
    await remote.request('POST', `${up.path}/batches`, { seq: up.seq, batch })
  } catch (e) {
    if (e instanceof LoyalsError) namedLines(e, where)
    throw e
  }
  up.seq++
  up.sent += batch.length
}

/** The calls' fields that name a file's field otherwise (the rest are named alike). */
const FILE_FIELDS: Readonly<Record<string, string>> = {
  total: 'amount',
  createdAt: 'signup_at',
  marketingConsent: 'marketing_consent',
  order_date: 'ordered_at',
  products: 'order lines',
}

/**
 * A refusal's `batch[i].<field>` (in the 400's issue lines, remote.ts, or a 422's message) as
 * `<file>:<line> <field>`, as a direct import says them.
 */
function namedLines(e: LoyalsError, where: readonly string[]): void {
  e.message = e.message.replace(
    /batch\[(\d+)\]\.?([\w.[\]]*)/g,
    (all, i: string, field: string) => {
      const at = where[Number(i)]
      // the file's field, not the call's (`properties.total` is the amount)
      const name = field.replace(/^(properties|traits)\./, '')
      return at ? `${at} ${FILE_FIELDS[name] ?? (name || '(the row)')}` : all
    },
  )
}

/**
 * A refusal at the commit names the event it refused (`event order:A1: ...`): the `file:line`
 * of the row it came from is put before it.
 */
async function namedEvent(mem: Engine, e: LoyalsError): Promise<void> {
  const details = e.details.details as { eventId?: unknown } | null
  const id = typeof details?.eventId === 'string' ? details.eventId : null
  const m = id === null ? null : /^(order|refund|customer):(.*)$/.exec(id)
  if (!m) return
  const [, kind, rest = ''] = m
  const q =
    kind === 'order'
      ? {
          sql: 'SELECT source, source_line FROM orders WHERE coalesce(order_id, order_key) = $1 AND amount >= 0',
          params: [rest],
        }
      : kind === 'refund'
        ? { sql: 'SELECT source, source_line FROM orders WHERE order_key = $1', params: [rest] }
        : {
            sql: 'SELECT source, source_line FROM customers WHERE customer_id = $1',
            params: [rest.slice(0, rest.lastIndexOf(':'))],
          }
  const [row] = await mem.query({ sql: `${q.sql} LIMIT 1`, params: q.params })
  const at = row ? lineOf(row) : ''
  if (at) e.message = `${at}: ${e.message}`
}

/**
 * Send the customers and orders of an in-memory import to the server: identify calls first (so
 * signup dates, emails and the customers file's attributes are known), then "Order Completed" (with the order's lines as products)
 * and "Order Refunded" for negative rows, in order-key order.
 * Stored all at once by the last request, or not at all.
 * @throws UsageError / LoyalsError from {@link RemoteServer.request}: nothing is stored then (what
 *   was staged is dropped, or expires), and a re-run imports the file afresh.
 */
export async function forwardImport(
  mem: Engine,
  remote: RemoteServer,
  /** The fields a customers file has (ImportResult.columns): an empty cell of them is sent as null. */
  cleared: readonly string[] = [],
): Promise<ForwardResult> {
  const acc: Upload = { path: `/v1/imports/${randomUUID()}`, seq: 0, sent: 0, committing: false }
  try {
    const fields = new Set(cleared)
    // a customer's place is one unit: a file with any part of it clears the parts it has no
    // column for (README), as a direct import stores it
    if (PLACE_FIELDS.some((f) => fields.has(f))) for (const f of PLACE_FIELDS) fields.add(f)
    return await upload(mem, remote, fields, acc)
  } catch (e) {
    // the server answered with a refusal: the commit had not stored anything (it is the one
    // transaction), and the user must know that none of the file went in, not half of it
    if (e instanceof LoyalsError && typeof e.details.status === 'number') {
      await namedEvent(mem, e).catch(() => {})
      e.message += '; nothing of the file was stored'
    } else if (e instanceof UsageError && e.details.unreachable === true) {
      // the server went away: before the commit nothing is stored; during it, all or nothing
      e.message += acc.committing
        ? '; it stopped answering during the commit, which is one transaction: the file was stored whole or not at all (import it again: what is stored is recognized, nothing is doubled)'
        : '; nothing of the file was stored (it is stored by the last request, which was not sent)'
    }
    throw e
  }
}

async function upload(
  mem: Engine,
  remote: RemoteServer,
  cleared: ReadonlySet<string>,
  acc: Upload,
): Promise<ForwardResult> {
  let after = ''
  for (;;) {
    const rows = await mem.query({
      sql: `SELECT customer_id, email, name, CAST(signup_at AS VARCHAR) AS signup_at,
  ${CUSTOMER_ATTRIBUTES.join(', ')}, marketing_consent, source, source_line
FROM customers WHERE customer_id > $1 ORDER BY customer_id LIMIT ${BATCH}`,
      params: [after],
    })
    if (rows.length === 0) break
    after = String(rows[rows.length - 1]!.customer_id)
    await send(
      remote,
      rows.map((r) => {
        // every field the file gave, an empty one as null: the server stores the row a direct
        // import would (an empty cell clears the stored value)
        const field = (col: string, v: unknown, trait = col): [string, unknown][] =>
          v !== null && v !== undefined ? [[trait, v]] : cleared.has(col) ? [[trait, null]] : []
        const traits = Object.fromEntries([
          ...field('email', r.email),
          ...field('name', r.name),
          ...field('signup_at', iso(r.signup_at), 'createdAt'),
          ...CUSTOMER_ATTRIBUTES.flatMap((a) => field(a, r[a])),
          // the file's consent column: the server keeps it as the customer's consent. An empty
          // cell is "not said" and sent as nothing: as null it would clear a "no" the customer
          // gave the API, and messages they refused would go out again
          ...(r.marketing_consent === null || r.marketing_consent === undefined
            ? []
            : [['marketingConsent', r.marketing_consent] as [string, unknown]]),
        ])
        const hash = createHash('sha256').update(JSON.stringify(traits)).digest('hex').slice(0, 16)
        return {
          type: 'identify',
          messageId: `customer:${r.customer_id}:${hash}`,
          userId: String(r.customer_id),
          traits,
        }
      }),
      acc,
      rows.map(lineOf),
    )
  }
  // an order of 0 the file says was cancelled is stored with a refund of 1e-9 (import-order-rows
  // ZERO_REFUND), no money the API takes (the refund was a 400 that refused the whole file): it
  // goes as an "Order Cancelled" instead, which takes back an order the server holds as paid and
  // stores nothing for one it does not hold, so the server stores no purchase either
  const voided = new Set(
    (
      await mem.query(
        `SELECT order_id FROM orders WHERE ${isZeroRefundMark('amount')} AND order_id IS NOT NULL`,
      )
    ).map((r) => String(r.order_id)),
  )
  const isCancelled = (r: Record<string, unknown>): boolean =>
    Number(r.amount) === 0 && r.order_id !== null && voided.has(String(r.order_id))
  const unsent = (r: Record<string, unknown>): boolean => Boolean(r.mark)
  after = ''
  for (;;) {
    const page = await mem.query({
      sql: `SELECT order_key, order_id, customer_id, CAST(ordered_at AS VARCHAR) AS ordered_at,
  CAST(order_date AS VARCHAR) AS order_date, amount, ${isZeroRefundMark('amount')} AS mark, currency, discount, quantity, cost, margin, channel, campaign,
  source, source_line
FROM orders WHERE order_key > $1 ORDER BY order_key LIMIT ${BATCH}`,
      params: [after],
    })
    if (page.length === 0) break
    after = String(page[page.length - 1]!.order_key)
    const rows = page.filter((r) => !unsent(r))
    if (rows.length === 0) continue
    const ids = rows.filter((r) => r.order_id !== null).map((r) => String(r.order_id))
    const lines = new Map<string, Record<string, unknown>[]>()
    if (ids.length > 0) {
      const marks = ids.map((_, i) => `$${i + 1}`).join(', ')
      for (const l of await mem.query({
        sql: `SELECT order_id, product_id, product_name, category, quantity, amount FROM order_lines
WHERE order_id IN (${marks}) ORDER BY line_key`,
        params: ids,
      })) {
        const list = lines.get(String(l.order_id)) ?? []
        const qty = l.quantity === null ? null : Number(l.quantity)
        list.push(
          defined({
            product_id: l.product_id ?? undefined,
            name: l.product_name ?? undefined,
            category: l.category ?? undefined,
            quantity: qty ?? undefined,
            price: l.amount === null ? undefined : Number(l.amount) / (qty && qty > 0 ? qty : 1),
          }),
        )
        lines.set(String(l.order_id), list)
      }
    }
    await send(
      remote,
      rows.map((r) => {
        const orderId = String(r.order_id ?? r.order_key)
        const amount = Number(r.amount)
        const currency =
          typeof r.currency === 'string' && r.currency.length === 3 ? r.currency : null
        const base = { type: 'track', userId: String(r.customer_id), timestamp: iso(r.ordered_at) }
        // the day --tz made of the file's local time, as a direct import stores it
        const day = r.order_date === null ? null : String(r.order_date)
        if (isCancelled(r)) {
          return {
            ...base,
            messageId: `cancel:${orderId}`,
            event: 'Order Cancelled',
            properties: { order_id: orderId },
          }
        }
        if (amount < 0) {
          // the refund's key within its order (`#1002:refunded`, `A7:refund:<hash>:1`), or the
          // whole key of a row without an order id: the server stores it under the key a direct
          // import gives it (and a refund of no stored order as it stores one), so the same file
          // imported both ways refunds once
          const key = String(r.order_key)
          const own = r.order_id !== null && key.startsWith(`${orderId}:`)
          return {
            ...base,
            messageId: `refund:${key}`,
            event: 'Order Refunded',
            properties: defined({
              order_id: r.order_id === null ? null : orderId,
              total: -amount,
              currency,
              refund_id: own ? key.slice(orderId.length + 1) : r.order_id === null ? key : null,
              order_date: day,
              // the refund row's own columns, as the direct import stored them
              ...columnsOf(r),
            }),
          }
        }
        const products = lines.get(orderId)
        return {
          ...base,
          messageId: `order:${orderId}`,
          event: 'Order Completed',
          properties: defined({
            order_id: orderId,
            total: amount,
            currency,
            ...columnsOf(r),
            order_date: day,
            products: products && products.length > 0 ? products.slice(0, 1000) : null,
          }),
        }
      }),
      acc,
      rows.map(lineOf),
    )
  }
  const cancelled = voided.size
  if (acc.sent === 0) {
    return { server: remote.url, sent: 0, stored: 0, replaced: 0, duplicates: 0, cancelled }
  }
  acc.committing = true
  const r = await remote.request<{ stored: number; replaced: number }>('POST', `${acc.path}/commit`)
  return {
    server: remote.url,
    sent: acc.sent,
    stored: r.stored,
    replaced: r.replaced,
    duplicates: acc.sent - r.stored - r.replaced,
    cancelled,
  }
}

/** An orders row's optional columns as an order's or a refund's properties (null: not sent). */
function columnsOf(r: Record<string, unknown>) {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
  return {
    discount: num(r.discount),
    quantity: num(r.quantity),
    cost: num(r.cost),
    margin: num(r.margin),
    channel: r.channel,
    campaign: r.campaign,
  }
}
