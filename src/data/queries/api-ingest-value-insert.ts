// Rows of the value-input tables (engagement_events, survey_responses, referrals, returns,
// tickets) written by the event path: one JSON parameter unnested by the engine, as in
// api-insert-rows.ts. These tables have no primary key (see create-schema.ts), so the caller
// leaves out the rows whose key or content is stored already (api-ingest-value-existing.ts).
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'

export type ValueColType = 'VARCHAR' | 'TIMESTAMP' | 'DATE' | 'DOUBLE' | 'INTEGER'

const V = 'VARCHAR'
const TS = 'TIMESTAMP'
const DAY = 'DATE'
const D = 'DOUBLE'

/** Column types of the value-input tables, as in create-schema.ts. */
export const VALUE_TABLE_TYPES: Readonly<Record<string, Readonly<Record<string, ValueColType>>>> = {
  engagement_events: {
    event_key: V,
    customer_id: V,
    occurred_at: TS,
    occurred_date: DAY,
    event: V,
    source: V,
  },
  survey_responses: {
    response_key: V,
    response_id: V,
    customer_id: V,
    responded_at: TS,
    responded_date: DAY,
    nps: 'INTEGER',
    ces: 'INTEGER',
    csat: D,
    comment: V,
    source: V,
  },
  referrals: {
    referral_key: V,
    referrer_id: V,
    referred_id: V,
    referred_at: TS,
    referred_date: DAY,
    code: V,
    source: V,
  },
  returns: {
    return_key: V,
    return_id: V,
    order_id: V,
    customer_id: V,
    returned_at: TS,
    returned_date: DAY,
    amount: D,
    reason: V,
    source: V,
  },
  tickets: {
    ticket_id: V,
    customer_id: V,
    opened_at: TS,
    opened_date: DAY,
    resolved_at: TS,
    channel: V,
    handling_minutes: D,
    satisfaction: D,
    source: V,
  },
}

const PG_TYPE: Record<ValueColType, string> = {
  VARCHAR: 'text',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  DOUBLE: 'double precision',
  INTEGER: 'integer',
}

/** The types of `columns` of `table`. @throws UsageError for an unknown table or column. */
export function columnTypes(table: string, columns: readonly string[]): ValueColType[] {
  const types = VALUE_TABLE_TYPES[table]
  if (!types) throw new UsageError(`value rows: unknown table ${JSON.stringify(table)}`)
  return columns.map((c) => {
    const t = types[c]
    if (!t) throw new UsageError(`value rows: unknown column ${table}.${c}`)
    return t
  })
}

/**
 * A relation `alias` of the rows in JSON parameter `$param` (objects keyed by the column names;
 * times as 'YYYY-MM-DD HH:MM:SS.sss' text).
 */
export function jsonRelation(
  dialect: Dialect,
  columns: readonly string[],
  types: readonly ValueColType[],
  alias: string,
  param = 1,
): string {
  if (dialect === 'duckdb') {
    const struct = JSON.stringify([Object.fromEntries(columns.map((c, i) => [c, types[i]]))])
    return `(SELECT unnest(from_json($${param}, '${struct}'), recursive := true)) AS ${alias}`
  }
  const defs = columns.map((c, i) => `${c} ${PG_TYPE[types[i]!]}`).join(', ')
  return `json_to_recordset(CAST($${param} AS text)::json) AS ${alias}(${defs})`
}

/** The rows as a JSON parameter: one object per row, keyed by column. */
export function rowsParam(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  return JSON.stringify(
    rows.map((r) => {
      if (r.length !== columns.length) throw new UsageError('row width differs from columns')
      return Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))
    }),
  )
}

/** INSERT INTO table (columns) SELECT columns FROM <the rows>. */
export function insertValueRows(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Query {
  if (rows.length === 0) throw new UsageError('insertValueRows needs at least one row')
  const types = columnTypes(table, columns)
  const list = columns.join(', ')
  return {
    sql: `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${jsonRelation(dialect, columns, types, 'r')}`,
    params: [rowsParam(columns, rows)],
  }
}
