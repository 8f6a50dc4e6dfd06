// The value inputs that events carry (survey answers, referrals, engagement, returns, tickets),
// written in the event's transaction into the tables `loyals import --kind ...` fills, keyed as
// the import keys them: a retried event, the same facts under a new messageId and a later import
// of the same rows add nothing (docs/api.md, "Value inputs from events"). A review that names its
// id is keyed with it, so two reviews of one instant stay two.
import { createHash } from 'node:crypto'
import type { Engine } from '../../data/engine.ts'
import { deleteTickets } from '../../data/queries/api-ingest-ticket-delete.ts'
import { ticketsById } from '../../data/queries/api-ingest-tickets.ts'
import { valueRowsById } from '../../data/queries/api-ingest-value-by-id.ts'
import { existingValueKeys } from '../../data/queries/api-ingest-value-existing.ts'
import { insertValueRows } from '../../data/queries/api-ingest-value-insert.ts'
import {
  ENGAGEMENT_COLUMNS,
  REFERRAL_COLUMNS,
  RETURN_COLUMNS,
  referralKey,
  SURVEY_COLUMNS,
  TICKET_COLUMNS,
} from '../../data/queries/value-input-columns.ts'
import { DataError } from '../../errors.ts'
import type { IngestEvent } from './events.ts'
import { sqlDay, sqlTs, tsMs } from './time.ts'

/** The text DuckDB makes of a TIMESTAMP (CAST AS VARCHAR), which the import's content keys hash. */
function importTimeText(ms: number): string {
  const iso = new Date(ms).toISOString()
  const frac = iso.slice(20, 23).replace(/0+$/, '')
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''}`
}

/** The text DuckDB makes of a DOUBLE (a whole number keeps ".0"), as above. */
function importNumberText(v: number | null | undefined): string {
  if (v === null || v === undefined) return ''
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : String(v)
}

/**
 * The key `loyals import` gives a row without an id (import-kind-rows.ts): the MD5 of its content
 * columns' text joined by '|', then '|1' (its first occurrence), so an event and an import of the
 * same row meet under one key.
 */
function importContentKey(parts: readonly string[]): string {
  return createHash('md5')
    .update(`${parts.join('|')}|1`)
    .digest('hex')
}

/** A value-input table written from events: its columns (key first) and how a row is matched. */
interface ValueTable {
  readonly table: string
  readonly columns: readonly string[]
  /** Columns of the same content (besides the key); see api-ingest-value-existing.ts. */
  readonly same: readonly string[]
  readonly alsoSame?: readonly string[]
  /** Match content only against rows a file import wrote (the API's own are matched by key). */
  readonly sameImportedOnly?: boolean
}

const VALUE_TABLES = {
  engagement: {
    table: 'engagement_events',
    columns: ENGAGEMENT_COLUMNS,
    same: ['customer_id', 'occurred_at', 'event'],
    // the API keys an engagement row by its content and, when the event names one, the review it
    // is about: its rows match by key, and two reviews of one instant are two rows
    sameImportedOnly: true,
  },
  survey: {
    table: 'survey_responses',
    columns: SURVEY_COLUMNS,
    same: ['customer_id', 'responded_at'],
    alsoSame: ['nps', 'ces', 'csat'],
  },
  referral: { table: 'referrals', columns: REFERRAL_COLUMNS, same: [] },
  returned: {
    table: 'returns',
    columns: RETURN_COLUMNS,
    same: ['order_id', 'returned_at', 'amount'],
  },
} as const satisfies Record<string, ValueTable>

/** A value-input row an event makes: its key, the row (table columns) and the event. */
interface ValueRow {
  readonly eventId: string
  readonly row: readonly unknown[]
}

/** The rows an event adds to the value-input tables (tickets apart: see writeTickets). */
function valueRowsOf(e: IngestEvent): [keyof typeof VALUE_TABLES, unknown[]][] {
  const out: [keyof typeof VALUE_TABLES, unknown[]][] = []
  const at = sqlTs(e.atMs)
  // an event's day is its UTC day, as an API order's order_date is
  const day = sqlDay(e.atMs)
  const when = importTimeText(e.atMs)
  const c = e.customerId
  if (e.engagement) {
    // with the review's id a key no import makes: an imported row of the same instant is still
    // found by its content
    const key = importContentKey(
      e.engagementId === null ? [c, when, e.engagement] : [c, when, e.engagement, e.engagementId],
    )
    out.push(['engagement', [key, c, at, day, e.engagement, 'api']])
  }
  if (e.survey) {
    const s = e.survey
    const key =
      s.responseId ??
      importContentKey([
        c,
        when,
        importNumberText(s.nps),
        importNumberText(s.ces),
        importNumberText(s.csat),
        s.comment ?? '',
      ])
    const row = [key, s.responseId ?? null, c, at, day, s.nps, s.ces, s.csat, s.comment, 'api']
    out.push(['survey', row.map((v) => v ?? null)])
  }
  if (e.referral) {
    const r = e.referral
    out.push(['referral', [referralKey(c, r.referredId), c, r.referredId, at, day, r.code, 'api']])
  }
  if (e.returned) {
    const r = e.returned
    const key = r.returnId ?? importContentKey([r.orderId, when, importNumberText(r.amount), c])
    out.push(['returned', [key, r.returnId, r.orderId, c, at, day, r.amount, r.reason, 'api']])
  }
  return out
}

/** What a survey answer or a return sent with its own id says, field by field, for comparing. */
type IdContent = ReadonlyArray<readonly [field: string, value: string | number | null]>

/** The content of an event's answer or return that has an id: [table, id, content]; else null. */
function idContentOf(e: IngestEvent): [table: string, id: string, content: IdContent] | null {
  const s = e.survey
  if (s?.responseId !== undefined) {
    return [
      'survey_responses',
      s.responseId,
      [
        ['customer', e.customerId],
        ['nps', s.nps ?? null],
        ['ces', s.ces ?? null],
        ['csat', s.csat ?? null],
        ['comment', s.comment ?? null],
      ],
    ]
  }
  const r = e.returned
  if (r?.returnId) {
    return [
      'returns',
      r.returnId,
      [
        ['customer', e.customerId],
        ['order', r.orderId],
        ['amount', r.amount],
        ['reason', r.reason],
      ],
    ]
  }
  return null
}

/** The content of a stored row of valueRowsById, in the fields of idContentOf. */
function storedContent(table: string, r: Record<string, unknown>): IdContent {
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return table === 'survey_responses'
    ? [
        ['customer', text(r.customer_id)],
        ['nps', num(r.nps)],
        ['ces', num(r.ces)],
        ['csat', num(r.csat)],
        ['comment', text(r.comment)],
      ]
    : [
        ['customer', text(r.customer_id)],
        ['order', text(r.order_id)],
        ['amount', num(r.amount)],
        ['reason', text(r.reason)],
      ]
}

/**
 * The fields where two contents differ (numbers to a part in 10^9, as order amounts are; text
 * without the blanks around it). The time is not compared: a file gives a day where the API gives
 * an instant, and the same answer sent at another time is still that answer.
 */
function contentDiffers(a: IdContent, b: IdContent): string[] {
  const out: string[] = []
  const plain = (v: string | number | null) => (typeof v === 'string' ? v.trim() || null : v)
  a.forEach(([field, x], i) => {
    const y = b[i]?.[1] ?? null
    const same =
      typeof x === 'number' && typeof y === 'number'
        ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x))
        : plain(x) === plain(y)
    if (!same) out.push(field)
  })
  return out
}

/**
 * A survey answer or a return sent with an id (response_id, return_id) that is stored, or sent
 * earlier in the group, with other content: an id names one answer, so this is no retry. From
 * the API it is refused (422, as an order id or a ticket id under another customer is) rather
 * than answered "stored" while the stored row stays. (`loyals import --server` forwards orders
 * and customers only: a survey or returns file is imported directly, where its row replaces.)
 * @throws DataError for such an event.
 */
async function checkIdClashes(tx: Engine, applied: readonly IngestEvent[]): Promise<void> {
  const sent = applied.flatMap((e) => {
    const c = idContentOf(e)
    return c ? [{ e, table: c[0], id: c[1], content: c[2] }] : []
  })
  if (sent.length === 0) return
  const clash = (eventId: string, table: string, id: string, was: IdContent, now: IdContent) => {
    const fields = contentDiffers(was, now)
    const value = (c: IdContent, f: string) => JSON.stringify(c.find(([k]) => k === f)?.[1] ?? null)
    const said = fields.map((f) => `${f} ${value(was, f)} (sent: ${value(now, f)})`).join(', ')
    const what = table === 'returns' ? 'return' : 'survey answer'
    const idName = table === 'returns' ? 'return_id' : 'response_id'
    return new DataError(
      `event ${eventId}: ${what} ${id} is stored with another ${fields.join(' and ')}: ${said}; a stored ${what} is not changed by sending it again (give another ${idName} for another ${what})`,
      { eventId, [idName === 'return_id' ? 'returnId' : 'responseId']: id, fields },
    )
  }
  for (const table of new Set(sent.map((s) => s.table))) {
    const mine = sent.filter((s) => s.table === table)
    const stored = new Map<string, IdContent>()
    const ids = [...new Set(mine.map((s) => s.id))]
    for (const r of await tx.query(valueRowsById(tx.dialect, table, ids))) {
      stored.set(String(r.k), storedContent(table, r))
    }
    const first = new Map<string, { eventId: string; content: IdContent }>()
    for (const s of mine) {
      const was = stored.get(s.id)
      if (was && contentDiffers(was, s.content).length > 0) {
        throw clash(s.e.eventId, table, s.id, was, s.content)
      }
      const earlier = first.get(s.id)
      if (!earlier) first.set(s.id, { eventId: s.e.eventId, content: s.content })
      else if (contentDiffers(earlier.content, s.content).length > 0) {
        throw clash(s.e.eventId, table, s.id, earlier.content, s.content)
      }
    }
  }
}

/**
 * Write the value-input rows of a group's new events (engagement, survey answers, referrals,
 * returns) into the tables `loyals import` fills. A row whose key or content is stored already
 * (an import of it, the same facts under a new messageId) is left out, as is a later one of the
 * group with the key of an earlier one. Returns the events whose row was left out.
 */
export async function writeValueInputs(
  tx: Engine,
  applied: readonly IngestEvent[],
): Promise<Set<string>> {
  await checkIdClashes(tx, applied)
  const left = new Set<string>()
  const byTable = new Map<keyof typeof VALUE_TABLES, Map<string, ValueRow>>()
  for (const e of applied) {
    for (const [t, row] of valueRowsOf(e)) {
      const rows = byTable.get(t) ?? new Map<string, ValueRow>()
      byTable.set(t, rows)
      const key = String(row[0])
      if (rows.has(key)) left.add(e.eventId)
      else rows.set(key, { eventId: e.eventId, row })
    }
  }
  for (const [t, rows] of byTable) {
    const spec: ValueTable = VALUE_TABLES[t]
    const pick = [...spec.same, ...(spec.alsoSame ?? [])].map((col) => spec.columns.indexOf(col))
    const list = [...rows.values()]
    const stored = new Set<string>()
    const q = existingValueKeys(tx.dialect, {
      table: spec.table,
      key: spec.columns[0]!,
      same: spec.same,
      ...(spec.alsoSame ? { alsoSame: spec.alsoSame } : {}),
      ...(spec.sameImportedOnly ? { sameImportedOnly: true } : {}),
      rows: list.map((r) => [r.row[0], ...pick.map((i) => r.row[i])]),
    })
    for (const r of await tx.query(q)) stored.add(String(r.k))
    const fresh = list.filter((r) => !stored.has(String(r.row[0])))
    for (const r of list) if (stored.has(String(r.row[0]))) left.add(r.eventId)
    if (fresh.length > 0) {
      await tx.exec(
        insertValueRows(
          tx.dialect,
          spec.table,
          spec.columns,
          fresh.map((r) => r.row),
        ),
      )
    }
  }
  return left
}

interface TicketState {
  customerId: string
  openedAtMs: number | null
  /** The stored day of openedAtMs (an import's local day); null: its UTC day. */
  openedDay: string | null
  resolvedAtMs: number | null
  channel: string | null
  handlingMinutes: number | null
  satisfaction: number | null
  source: string
}

/**
 * "Ticket Created" and "Ticket Resolved": one row per ticket id, as the tickets import keeps it.
 * The events of a ticket are merged into its stored row (what an event says replaces what was
 * there, in the order of the events' times), so a retry or a resend under a new messageId
 * writes the same row again. A ticket resolved before any open time is known opened then.
 * @throws DataError for a ticket id stored for another customer, or resolved before it opened.
 */
export async function writeTickets(tx: Engine, applied: readonly IngestEvent[]): Promise<void> {
  const events = applied.filter((e) => e.ticket).sort((a, b) => a.atMs - b.atMs)
  if (events.length === 0) return
  const ids = [...new Set(events.map((e) => e.ticket!.ticketId))]
  const state = new Map<string, TicketState>()
  for (const r of await tx.query(ticketsById(tx.dialect, ids))) {
    const id = String(r.ticket_id)
    if (state.has(id)) continue
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
    state.set(id, {
      customerId: String(r.customer_id),
      openedAtMs: tsMs(r.opened_at),
      openedDay:
        r.opened_date === null || r.opened_date === undefined ? null : String(r.opened_date),
      resolvedAtMs: tsMs(r.resolved_at),
      channel: r.channel === null || r.channel === undefined ? null : String(r.channel),
      handlingMinutes: num(r.handling_minutes),
      satisfaction: num(r.satisfaction),
      source: r.source === null || r.source === undefined ? 'api' : String(r.source),
    })
  }
  const existed = ids.filter((id) => state.has(id))
  for (const e of events) {
    const t = e.ticket!
    const s = state.get(t.ticketId)
    if (s && s.customerId !== e.customerId) {
      throw new DataError(
        `event ${e.eventId}: ticket ${t.ticketId} belongs to customer ${s.customerId}, not ${e.customerId}; a ticket id names one ticket`,
        { eventId: e.eventId, ticketId: t.ticketId },
      )
    }
    const base: TicketState = s ?? {
      customerId: e.customerId,
      openedAtMs: null,
      openedDay: null,
      resolvedAtMs: null,
      channel: null,
      handlingMinutes: null,
      satisfaction: null,
      source: 'api',
    }
    state.set(t.ticketId, {
      ...base,
      openedAtMs: t.openedAtMs ?? base.openedAtMs,
      // an imported ticket keeps its local day until an event moves its open time
      openedDay: t.openedAtMs === null || t.openedAtMs === base.openedAtMs ? base.openedDay : null,
      resolvedAtMs: t.resolvedAtMs ?? base.resolvedAtMs,
      channel: t.channel ?? base.channel,
      handlingMinutes: t.handlingMinutes ?? base.handlingMinutes,
      satisfaction: t.satisfaction ?? base.satisfaction,
    })
    const now = state.get(t.ticketId)!
    if (now.openedAtMs !== null && now.resolvedAtMs !== null && now.resolvedAtMs < now.openedAtMs) {
      throw new DataError(
        `event ${e.eventId}: ticket ${t.ticketId} would be resolved (${new Date(now.resolvedAtMs).toISOString()}) before it was opened (${new Date(now.openedAtMs).toISOString()})`,
        { eventId: e.eventId, ticketId: t.ticketId },
      )
    }
  }
  if (existed.length > 0) await tx.exec(deleteTickets(tx.dialect, existed))
  const rows = ids.map((id) => {
    const s = state.get(id)!
    const opened = s.openedAtMs ?? s.resolvedAtMs!
    return [
      id,
      s.customerId,
      sqlTs(opened),
      s.openedDay ?? sqlDay(opened),
      s.resolvedAtMs === null ? null : sqlTs(s.resolvedAtMs),
      s.channel,
      s.handlingMinutes,
      s.satisfaction,
      s.source,
    ]
  })
  await tx.exec(insertValueRows(tx.dialect, 'tickets', TICKET_COLUMNS, rows))
}
