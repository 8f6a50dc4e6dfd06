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
  /** A row sent with its own id: what it is called, and the columns that say what it is. */
  readonly byId?: IdRule
}

/**
 * An answer or a return sent with its own id (response_id, return_id): the id names one, so the
 * same id with other content is no retry (checkSameContent). The time is not content: a file gives
 * a day where the API gives an instant, and the same answer sent at another time is that answer.
 */
interface IdRule {
  readonly idColumn: string
  readonly what: string
  /** The id's name in the error's details. */
  readonly detail: string
  readonly content: readonly string[]
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
    byId: {
      idColumn: 'response_id',
      what: 'survey answer',
      detail: 'responseId',
      content: ['customer_id', 'nps', 'ces', 'csat', 'comment'],
    },
  },
  referral: { table: 'referrals', columns: REFERRAL_COLUMNS, same: [] },
  returned: {
    table: 'returns',
    columns: RETURN_COLUMNS,
    same: ['order_id', 'returned_at', 'amount'],
    byId: {
      idColumn: 'return_id',
      what: 'return',
      detail: 'returnId',
      content: ['customer_id', 'order_id', 'amount', 'reason'],
    },
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

/** The cells of a row of `spec`'s table by column name. */
const cellsOf =
  (spec: ValueTable, row: readonly unknown[]) =>
  (column: string): unknown =>
    row[spec.columns.indexOf(column)]

/** A cell as compared: text without the blanks around it (blank: none), numbers as numbers. */
const plain = (v: unknown): string | number | null =>
  v === null || v === undefined ? null : typeof v === 'number' ? v : String(v).trim() || null

/**
 * The content columns of `rule` where row `was` and row `sent` (cells by column name) differ:
 * numbers to a part in 10^9, as order amounts are.
 * @throws DataError naming them, when any does.
 */
function checkSameContent(
  rule: IdRule,
  id: string,
  eventId: string,
  was: (column: string) => unknown,
  sent: (column: string) => unknown,
): void {
  const differs = rule.content.filter((c) => {
    const [x, y] = [plain(was(c)), plain(sent(c))]
    return x !== null && y !== null && (typeof x === 'number' || typeof y === 'number')
      ? !(Math.abs(Number(x) - Number(y)) <= 1e-9 * Math.max(1, Math.abs(Number(x))))
      : x !== y
  })
  if (differs.length === 0) return
  // customer_id reads "customer", order_id "order"
  const fields = differs.map((c) => c.replace(/_id$/, ''))
  const said = differs
    .map(
      (c, i) =>
        `${fields[i]} ${JSON.stringify(plain(was(c)))} (sent: ${JSON.stringify(plain(sent(c)))})`,
    )
    .join(', ')
  throw new DataError(
    `event ${eventId}: ${rule.what} ${id} is stored with another ${fields.join(' and ')}: ${said}; a stored ${rule.what} is not changed by sending it again (give another ${rule.idColumn} for another ${rule.what})`,
    { eventId, [rule.detail]: id, fields },
  )
}

/**
 * The rows of `list` sent with their own id that the table holds with other content: no retry,
 * so refused (422, as an order id or a ticket id under another customer is) rather than answered
 * "stored" while the stored row stays. (`loyals import --server` forwards orders and customers
 * only: a survey or returns file is imported directly, where its row replaces.)
 * @throws DataError naming the fields that differ.
 */
async function checkStoredContent(
  tx: Engine,
  spec: ValueTable,
  rule: IdRule,
  list: readonly ValueRow[],
): Promise<void> {
  const withId = list.filter((r) => cellsOf(spec, r.row)(rule.idColumn) !== null)
  if (withId.length === 0) return
  const keys = withId.map((r) => String(r.row[0]))
  const q = valueRowsById(tx.dialect, {
    table: spec.table,
    key: spec.columns[0]!,
    columns: rule.content,
    keys,
  })
  const stored = new Map<string, Record<string, unknown>>()
  for (const r of await tx.query(q)) stored.set(String(r.k), r)
  for (const r of withId) {
    const was = stored.get(String(r.row[0]))
    if (was)
      checkSameContent(rule, String(r.row[0]), r.eventId, (c) => was[c], cellsOf(spec, r.row))
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
  const left = new Set<string>()
  const byTable = new Map<keyof typeof VALUE_TABLES, Map<string, ValueRow>>()
  for (const e of applied) {
    for (const [t, row] of valueRowsOf(e)) {
      const rows = byTable.get(t) ?? new Map<string, ValueRow>()
      byTable.set(t, rows)
      const key = String(row[0])
      const earlier = rows.get(key)
      if (earlier) {
        // an id given twice in the group: the second must be the same answer or return
        const spec: ValueTable = VALUE_TABLES[t]
        const sent = cellsOf(spec, row)
        if (spec.byId && sent(spec.byId.idColumn) !== null) {
          checkSameContent(spec.byId, key, e.eventId, cellsOf(spec, earlier.row), sent)
        }
        left.add(e.eventId)
      } else rows.set(key, { eventId: e.eventId, row })
    }
  }
  for (const [t, rows] of byTable) {
    const spec: ValueTable = VALUE_TABLES[t]
    if (spec.byId) await checkStoredContent(tx, spec, spec.byId, [...rows.values()])
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
