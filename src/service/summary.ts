// Per-customer summary use case: build the table in the engine, then read it back in pages or
// let the engine write it out (COPY) so a million customers never become JS objects.

import { once } from 'node:events'
import { accessSync, constants, createReadStream, existsSync, statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import { latestDay } from '../core/calendar.ts'
import type { Dialect, Engine, Row } from '../data/engine.ts'
import {
  customerSummary,
  naturalCustomerOrder,
  sqlDate,
  sqlIdent,
  type TimeUnit,
  UNIT_DAYS,
} from '../data/queries/customer-summary.ts'
import { firstOrderDay } from '../data/queries/first-order-day.ts'
import { orderCurrencies } from '../data/queries/order-currencies.ts'
import { summaryFacts } from '../data/queries/summary-facts.ts'
import { summaryLastDays } from '../data/queries/summary-last-days.ts'
import { checkOutputTable } from '../data/workspace.ts'
import { DataError, UsageError } from '../errors.ts'
import { formatCount } from '../report/format.ts'
import { csvField } from './generate/write.ts'
import { interruptibleTempDir } from './interrupt.ts'

export type { TimeUnit }
export { UNIT_DAYS }

export const DEFAULT_SUMMARY_TABLE = 'customer_summary'

/** Column order of every summary export; the first five are what model fitting reads. */
export const SUMMARY_COLUMNS = [
  'customer_id',
  'x',
  't_x',
  'T',
  'monetary',
  'first_purchase',
  'last_purchase',
  'purchase_days',
  'repeat_purchase_days',
  'orders',
  'revenue',
  'margin',
  'aov',
  'days_since_last',
  'tenure_days',
  'x_star',
  'holdout_revenue',
] as const

/** One customer's summary row as read back by `customerSummaryRows`. */
export interface CustomerSummaryRow {
  readonly customer_id: string
  /** Repeat purchase days up to asOf. */
  readonly x: number
  /** First to last purchase day, in units. */
  readonly t_x: number
  /** First purchase day to asOf, in units. */
  readonly T: number
  /** Mean net spend of the repeat purchase days; 0 when x = 0. */
  readonly monetary: number
  readonly first_purchase: string
  readonly last_purchase: string
  readonly purchase_days: number
  readonly repeat_purchase_days: number
  readonly orders: number
  /** Net of refunds, up to asOf. */
  readonly revenue: number
  /** NULL when no order of this customer has a known margin. */
  readonly margin: number | null
  readonly aov: number
  readonly days_since_last: number
  readonly tenure_days: number
  /** Repeat purchase days after asOf (the holdout). */
  readonly x_star: number
  readonly holdout_revenue: number
}

export interface CustomerSummaryInfo {
  readonly table: string
  readonly asOf: string
  readonly unit: TimeUnit
  readonly customers: number
  /** Facts about the order rows, from the scan made before the summary. */
  readonly orders: OrderFacts
}

export interface OrderFacts {
  /** The last day with a non-refund order (YYYY-MM-DD), after asOf when there is a holdout. */
  readonly lastOrder: string | null
  /** The last day of any row, refunds included (YYYY-MM-DD): the default as-of date. */
  readonly lastDay: string | null
  /** Non-refund rows dated after asOf (the holdout). */
  readonly ordersAfter: number
  /** Their amount (customers whose first purchase is later included). */
  readonly amountAfter: number
  /** Rows with a negative amount. */
  readonly refunds: number
  /** Of them, those dated after asOf: not yet known then, so not netted into revenue. */
  readonly refundsAfter: number
  /**
   * Of the refund rows, the marks of cancelled orders of 0 (a refund of 0 in money that only says
   * the order was no purchase), and those of them dated after asOf: left out of refund counts.
   */
  readonly refundMarks: number
  readonly refundMarksAfter: number
  /** Distinct currencies, and the least one (NULL when no row names one). */
  readonly currencies: number
  readonly currency: string | null
  /** Rows with a discount other than 0. */
  readonly discounts: number
  /**
   * Rows with an amount other than 0. None: the orders carry no spend (a transaction log of
   * customer and date, imported without an amount), so nothing in money can be measured.
   */
  readonly priced: number
  /** Rows with an amount of 0 (free orders: no payment, so no fixed payment fee). */
  readonly free: number
}

/**
 * Days a default as-of date (the last day of the data) may trail the last order because of
 * refunds dated after it before the gap is a warning rather than a note: refunds follow their
 * orders by days, an export that stops selling but keeps refunding for a month is worth a look.
 */
const REFUND_TRAIL_DAYS = 30

/**
 * What an as-of date after the last order does, or null when it is not after it: the gap reads as
 * customers not buying. The default is past the last order only when refunds are dated after it
 * (a short gap is how refunds trail). `counted` names the figures that count the gap, in the
 * caller's words (analyze: recency, the R scores, P(alive) and the forecasts; summary: T and
 * days since last). Said by analyze, summary and fit alike: the last two once said nothing.
 */
export function asOfGapNote(
  f: Pick<OrderFacts, 'lastOrder' | 'lastDay'>,
  asOf: { day: string; given: boolean },
  counted: string,
): { level: 'info' | 'warning'; message: string } | null {
  if (f.lastOrder === null || !(f.lastOrder < asOf.day)) return null
  const gap = Math.round((Date.parse(asOf.day) - Date.parse(f.lastOrder)) / 86_400_000)
  const days = formatCount(gap, 'day')
  // refunds dated after the last order: an as-of on the last order day would leave them out, so
  // the advice says so (a given as-of on the data's last day is the default, said as such)
  const trailing = f.lastDay !== null && f.lastDay > f.lastOrder
  const atEnd = asOf.day === f.lastDay
  const which = !asOf.given
    ? `The as-of date defaults to the last day of the data, ${asOf.day}, a refund's day ${days} after the last order (${f.lastOrder})`
    : atEnd
      ? `The as-of date ${asOf.day}, the last day of the data, is a refund's day ${days} after the last order (${f.lastOrder})`
      : `The as-of date ${asOf.day} is ${days} after the last order in the data (${f.lastOrder}${trailing ? `; refunds are dated up to ${f.lastDay}` : ''})`
  return {
    level: (asOf.given && !atEnd) || gap > REFUND_TRAIL_DAYS ? 'warning' : 'info',
    message: `${which}: ${counted} count ${gap === 1 ? 'that day' : 'those days'} as time without purchases. If the data simply ends on ${f.lastOrder}, pass --as-of ${f.lastOrder}${trailing ? ' (refunds dated after it are then not netted)' : ''}.`,
  }
}

/** Whether `note` is one {@link asOfGapNote} made (a customer's profile repeats it alone). */
export const isAsOfGapNote = (note: { readonly message: string }): boolean =>
  note.message.startsWith('The as-of date ')

/**
 * Check an as-of day: a YYYY-MM-DD date on the calendar, not after tomorrow.
 * @throws UsageError naming the date and why.
 */
export function checkAsOf(asOf: string, now: Date = new Date()): void {
  sqlDate(asOf)
  // tomorrow where the day is furthest along (UTC+14): the default, the last order's local day,
  // can be that far ahead (an order at 01:00 in Kiritimati while UTC is the day before), and a
  // day later than UTC's tomorrow given as --as-of was refused
  const latest = latestDay(now)
  if (asOf > latest) {
    throw new UsageError(
      `--as-of ${asOf} is in the future: recency, tenure and T would count days that have not happened yet (use a date up to ${latest}, tomorrow where the day is furthest along, UTC+14)`,
      { asOf },
    )
  }
}

/**
 * Build the per-customer summary table (CREATE OR REPLACE TEMP TABLE) from `orders`.
 * Conventions are those of the CDNOW literature (Fader, Hardie & Lee 2005): days are
 * transactions, x counts repeat days, T runs from the first purchase to asOf; see docs/summary.md.
 *
 * @example
 *   const s = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
 *   // s = { table: 'customer_summary', asOf: '1997-09-30', unit: 'week', customers: 2357,
 *   //       orders: { lastOrder: '1998-06-30', ordersAfter: 1959, refunds: 0, refundsAfter: 0, refundMarks: 0, refundMarksAfter: 0, currencies: 0,
 *   //       currency: null, discounts: 0 } }
 * @throws UsageError for a malformed date, unit or table name, or an asOf before the first order;
 *   DataError when there are no orders or no purchase day on or before asOf (all refunded).
 */
export async function buildCustomerSummary(
  engine: Engine,
  opts: { asOf?: string; unit: TimeUnit; table?: string; source?: string },
): Promise<CustomerSummaryInfo> {
  if (typeof opts !== 'object' || opts === null) {
    throw new UsageError(
      "buildCustomerSummary(engine, opts) needs its options: { unit: 'day' | 'week' | 'month', asOf?, table?, source? }",
    )
  }
  const table = sqlIdent(opts.table ?? DEFAULT_SUMMARY_TABLE)
  checkOutputTable(table, 'buildCustomerSummary: table')
  if (!(opts.unit in UNIT_DAYS)) {
    throw new UsageError(`invalid unit ${JSON.stringify(opts.unit)}: expected day, week or month`)
  }
  // One scan says what the summary statement can leave out (refund linking, margin sums, the
  // holdout split); most order files have no refunds, margins or orders after the as-of day.
  if (opts.asOf !== undefined) checkAsOf(opts.asOf)
  const [facts] = await engine.query<{
    last_order: string | null
    last_day: string | null
    refunds: number
    refunds_after: number
    marks: number
    marks_after: number
    last_mark: string | null
    margins: number
    orders_after: number
    amount_after: number
    currencies: number
    currency: string | null
    discounts: number
    priced: number
    free: number
  }>(
    summaryFacts(engine.dialect, {
      ...(opts.source ? { source: opts.source } : {}),
      ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}),
    }),
  )
  // cancelled orders of 0 are no purchase and carry no money: their days are left out of both
  // (when every order is one, the days stay, for the errors below to say so)
  if (
    facts &&
    facts.last_mark != null &&
    facts.last_order != null &&
    facts.last_mark >= facts.last_order
  ) {
    const [kept] = await engine.query<{ last_order: string | null; last_day: string | null }>(
      summaryLastDays(engine.dialect, opts.source ? { source: opts.source } : {}),
    )
    if (kept?.last_order != null) Object.assign(facts, kept)
  }
  // the default is the last day of any row: a refund after the last purchase is part of the data
  // (as-of the last purchase day it would be left out of revenue as not yet known)
  const asOf = opts.asOf ?? (facts?.last_order != null ? (facts.last_day ?? undefined) : undefined)
  if (asOf === undefined) {
    // rows, but every one a refund: no purchase to summarize (not an empty workspace)
    throw new DataError(
      facts?.last_day != null
        ? 'there are no purchases: every order row is a refund (a negative amount)'
        : 'there are no orders in the workspace: import some first',
    )
  }
  sqlDate(asOf)
  if (Number(facts?.currencies ?? 0) > 1) await refuseMixedCurrencies(engine, opts.source)
  await engine.exec(
    customerSummary(engine.dialect, {
      table,
      asOf,
      unit: opts.unit,
      source: opts.source,
      noRefunds: Number(facts?.refunds ?? 0) === 0,
      noMargin: Number(facts?.margins ?? 0) === 0,
      noHoldout: facts?.last_day == null || facts.last_day <= asOf,
    }),
  )
  const [count] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)
  const customers = count?.n ?? 0
  if (customers === 0) {
    // with every order by then refunded in full a later as-of adds no purchase day: say why
    const later = facts?.last_order != null && facts.last_order > asOf
    if (later && opts.asOf !== undefined) {
      // an as-of before the data is the user's date, as one in the future is: said with the
      // first order day, as a usage error
      const [first] = await engine.query<{ first_order: string | null }>(
        firstOrderDay(engine.dialect, opts.source ? { source: opts.source } : {}),
      )
      if (first?.first_order != null && first.first_order > asOf) {
        throw new UsageError(
          `the as-of date ${asOf} is before the first order (${first.first_order}; the last is ${facts?.last_order}): nobody had purchased yet. Choose a day from ${first.first_order} on`,
          { asOf, firstOrder: first.first_order },
        )
      }
    }
    throw new DataError(
      facts?.last_day == null
        ? 'there are no orders in the workspace: import some first'
        : later
          ? `nobody purchased on or before ${asOf}: choose a later as-of date (--as-of; asOf in the library)`
          : `nobody has a purchase day on or before ${asOf}: every order is refunded in full (a day whose refunds cancel its orders is no purchase), so there is no customer to summarize`,
      { asOf },
    )
  }
  const orders: OrderFacts = {
    lastOrder: facts?.last_order ?? null,
    lastDay: facts?.last_day ?? null,
    ordersAfter: Number(facts?.orders_after ?? 0),
    amountAfter: Number(facts?.amount_after ?? 0),
    refunds: Number(facts?.refunds ?? 0),
    refundsAfter: Number(facts?.refunds_after ?? 0),
    refundMarks: Number(facts?.marks ?? 0),
    refundMarksAfter: Number(facts?.marks_after ?? 0),
    currencies: Number(facts?.currencies ?? 0),
    currency: facts?.currency ?? null,
    discounts: Number(facts?.discounts ?? 0),
    priced: Number(facts?.priced ?? 0),
    free: Number(facts?.free ?? 0),
  }
  return { table, asOf, unit: opts.unit, customers, orders }
}

/**
 * Orders in several currencies (a currency column naming more than one): every figure after this
 * adds amounts per customer and across customers, which is wrong without conversion, and a
 * customer who pays in yen would rank first on the number alone.
 */
async function refuseMixedCurrencies(engine: Engine, source: string | undefined): Promise<never> {
  const rows = await engine.query<{ currency: string; n: number; first: string | null }>(
    orderCurrencies(engine.dialect, { ...(source ? { source } : {}), first: true }),
  )
  const each = rows.map(
    (r) =>
      `${r.currency} on ${Number(r.n).toLocaleString('en-US')} row${Number(r.n) === 1 ? '' : 's'}${r.first ? `, first ${r.first}` : ''}`,
  )
  throw new DataError(
    `the orders are in ${rows.length} currencies (${each.join(rows.some((r) => r.first) ? '; ' : ', ')}): adding their amounts without conversion would be wrong. Convert the amounts to one currency before importing, or import each currency's orders into a workspace of its own (--db).`,
    { currencies: rows.map((r) => r.currency) },
  )
}

function selectSummary(table: string, dialect: Dialect): string {
  return `SELECT ${SUMMARY_COLUMNS.map((c) => (c === 'T' ? '"T"' : c)).join(', ')}
FROM ${sqlIdent(table)} ORDER BY ${naturalCustomerOrder(dialect)}`
}

/**
 * Read summary rows back in natural customer order (numeric ids numerically). Pages with
 * `limit`/`offset`; meant for tests, the API and small outputs, not for a million rows at once.
 */
export async function customerSummaryRows(
  engine: Engine,
  opts: { table?: string; limit?: number; offset?: number } = {},
): Promise<CustomerSummaryRow[]> {
  const table = opts.table ?? DEFAULT_SUMMARY_TABLE
  let sql = selectSummary(table, engine.dialect)
  if (opts.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.trunc(opts.limit))}`
  if (opts.offset !== undefined) sql += ` OFFSET ${Math.max(0, Math.trunc(opts.offset))}`
  const rows = await engine.query<Row>(sql)
  return rows as unknown as CustomerSummaryRow[]
}

export type SummaryFormat = 'csv' | 'json'

/**
 * How `path` asks to be packed (DuckDB's COPY reads it from the name: .gz, .zst), after a check
 * that its format extension, if any, is `format`'s: a summary.parquet or a .json of CSV text
 * would not read as what it is named.
 * @throws UsageError naming the file and the way out.
 */
function outPacking(path: string, format: SummaryFormat): 'gzip' | 'zstd' | null {
  const name = basename(path).toLowerCase()
  const packed = name.endsWith('.gz') ? 'gzip' : name.endsWith('.zst') ? 'zstd' : null
  const ext = extname(packed ? name.slice(0, name.lastIndexOf('.')) : name)
  if (['.parquet', '.csv', '.json', '.jsonl', '.tsv'].includes(ext) && ext !== `.${format}`) {
    throw new UsageError(
      `cannot write ${path}: the summary is written as ${format.toUpperCase()} (--format csv or json); name the file .${format}${format === 'csv' && ext === '.json' ? ' or pass --format json' : ''}`,
      { path },
    )
  }
  return packed
}

/**
 * Let the engine write the whole summary to `path` (a file, or '/dev/stdout') in natural
 * customer order: CSV with a header, or one JSON array. Doubles keep full precision.
 * @throws UsageError when the path's directory is missing or the path is a directory.
 */
export async function writeCustomerSummary(
  engine: Engine,
  opts: { table?: string; format: SummaryFormat; path: string },
): Promise<void> {
  const table = opts.table ?? DEFAULT_SUMMARY_TABLE
  // said in the user's terms before the engine says it in its own ("IO Error: Cannot open file")
  const dir = dirname(opts.path)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`cannot write ${opts.path}: there is no directory ${dir}`, {
      path: opts.path,
    })
  }
  if (existsSync(opts.path) && statSync(opts.path).isDirectory()) {
    throw new UsageError(`cannot write ${opts.path}: it is a directory; name a file`, {
      path: opts.path,
    })
  }
  const packed = outPacking(opts.path, opts.format)
  try {
    accessSync(existsSync(opts.path) ? opts.path : dir, constants.W_OK)
  } catch {
    throw new UsageError(`cannot write ${opts.path}: permission denied`, { path: opts.path })
  }
  if (engine.dialect !== 'duckdb') {
    // no COPY to a local file from a PostgreSQL server (see streamCustomerSummary); packed here
    // as DuckDB's COPY packs it by the name
    if (packed === 'zstd') {
      throw new UsageError(
        `cannot write ${opts.path}: zstd files are written from a DuckDB workspace only; name it .gz`,
        { path: opts.path },
      )
    }
    const text = summaryText(await customerSummaryRows(engine, opts), opts.format)
    await writeFile(opts.path, packed === 'gzip' ? gzipSync(text) : text)
    return
  }
  const target = `'${opts.path.replaceAll("'", "''")}'`
  const options =
    opts.format === 'json'
      ? "FORMAT json, ARRAY true, DATEFORMAT '%Y-%m-%d'"
      : "FORMAT csv, HEADER true, DATEFORMAT '%Y-%m-%d'"
  await engine.exec(`COPY (${selectSummary(table, engine.dialect)}) TO ${target} (${options})`)
}

/**
 * Write the whole summary to a stream (e.g. process.stdout) without materialising rows in JS:
 * the engine COPYs it to a private temporary file, which is then piped to `sink` and removed.
 * (COPY straight to /dev/stdout fails when stdout is a socket, as with child processes.)
 * A closed pipe on the reader's side (EPIPE, e.g. `| head`) ends the write quietly.
 */
export async function streamCustomerSummary(
  engine: Engine,
  opts: { table?: string; format: SummaryFormat },
  sink: NodeJS.WritableStream,
): Promise<void> {
  if (engine.dialect !== 'duckdb') {
    // no COPY to a local file from a PostgreSQL server: the rows come over the connection and
    // are written here, in the layout DuckDB's writer gives them
    try {
      const text = summaryText(await customerSummaryRows(engine, opts), opts.format)
      await pipeline(Readable.from([text]), sink, { end: false })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e
    }
    return
  }
  // removed on Ctrl-C or a kill too: the file holds every customer's row
  const { dir, remove } = await interruptibleTempDir('loyals-summary-')
  try {
    const file = join(dir, `summary.${opts.format}`)
    await writeCustomerSummary(engine, { ...opts, path: file })
    const source = createReadStream(file)
    await once(source, 'open')
    // removed once open (the open file stays readable): a reader that closes the pipe ends the
    // process at once (main.ts), before any finally, and the customers' rows stayed in /tmp
    await remove()
    await pipeline(source, sink, { end: false })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e
  } finally {
    await remove()
  }
}

/** The summary's DOUBLE columns (the others are text, dates and whole numbers). */
const DOUBLE_COLUMNS = new Set([
  't_x',
  'T',
  'monetary',
  'revenue',
  'margin',
  'aov',
  'holdout_revenue',
])

/**
 * A DOUBLE as DuckDB writes it in CSV and JSON: a whole value with `.0` (0.0, 75.0, -0.0) and an
 * exponent without `+` (1e21, 1.7976931348623157e308), else as JavaScript writes it.
 */
function duckDouble(v: number): string {
  if (Object.is(v, -0)) return '-0.0'
  const text = String(v).replace('e+', 'e')
  return Number.isInteger(v) && !text.includes('e') ? `${text}.0` : text
}

/**
 * The summary rows as `loyals summary` prints them, byte for byte as DuckDB's COPY writes them:
 * CSV with a header (RFC 4180 quoting), or a JSON array of one record a line, each after a tab.
 */
function summaryText(rows: readonly CustomerSummaryRow[], format: SummaryFormat): string {
  const value = (v: unknown, name: string): string | null =>
    v === null || v === undefined
      ? null
      : DOUBLE_COLUMNS.has(name) && typeof v === 'number'
        ? duckDouble(v)
        : typeof v === 'number'
          ? String(v)
          : null
  if (format === 'json') {
    const records = rows.map((r) => {
      const fields = Object.entries(r as unknown as Record<string, unknown>).map(
        ([k, v]) => `${JSON.stringify(k)}:${value(v, k) ?? JSON.stringify(v ?? null)}`,
      )
      return `{${fields.join(',')}}`
    })
    // COPY ... (FORMAT json, ARRAY true): an empty summary is "[", a tab, "]"
    return `[\n\t${records.join(',\n\t')}\n]\n`
  }
  if (rows.length === 0) return ''
  const cell = (v: unknown, name: string): string =>
    v === null || v === undefined ? '' : csvField(value(v, name) ?? String(v))
  const lines = rows.map((r) =>
    SUMMARY_COLUMNS.map((n) => cell((r as unknown as Record<string, unknown>)[n], n)).join(','),
  )
  return `${SUMMARY_COLUMNS.join(',')}\n${lines.join('\n')}\n`
}
