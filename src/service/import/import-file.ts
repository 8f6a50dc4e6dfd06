// The import use case: detect -> stage in DuckDB -> recognise columns -> validate in SQL -> write

// in ONE transaction. Staging and validation only touch TEMP tables, so a rejected import changes
// nothing; the transaction makes a crash mid-write leave the store as it was.
import { randomUUID } from 'node:crypto'
import { accessSync, existsSync, constants as fsConstants, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { constants, gunzipSync } from 'node:zlib'
import { minorDigits } from '../../core/round.ts'
import { zoneGuess, zoneNameProblem } from '../../core/time-zones.ts'
import { type Engine, WHOLE_ON_CRASH } from '../../data/engine.ts'
import { importChangedOrders, importChanges } from '../../data/queries/import-changes.ts'
import {
  fileAmounts,
  importCurrencyMarks,
  markMayBe,
  typedAmounts,
} from '../../data/queries/import-currency-marks.ts'
import { importCurrencyMix } from '../../data/queries/import-currency-mix.ts'
import { CUSTOMER_COLUMNS, importCustomerRows } from '../../data/queries/import-customer-rows.ts'
import { importErasedRows } from '../../data/queries/import-erased-rows.ts'
import { importKindRows } from '../../data/queries/import-kind-rows.ts'
import { importLineOrders } from '../../data/queries/import-line-orders.ts'
import {
  countReplacedLines,
  deleteReplacedLines,
  importItemLineRows,
  importLineRows,
  importLinesWithoutOrder,
  LINE_COLUMNS,
} from '../../data/queries/import-line-rows.ts'
import { importLineSiblings } from '../../data/queries/import-line-siblings.ts'
import {
  addOrderPlaces,
  countOrderPlaces,
  fillOrderPlaces,
  importOrderPlaces,
  moveOrderPlaces,
  ordersPlaced,
  PLACE_FIELDS,
} from '../../data/queries/import-order-places.ts'
import {
  goodRows,
  importOrderRows,
  isZeroRefundMark,
  localDay,
  NET_AMOUNT,
  netAmount,
  ORDER_COLUMNS,
} from '../../data/queries/import-order-rows.ts'
import { importOrphanRefunds } from '../../data/queries/import-orphan-refunds.ts'
import { importPointThousands } from '../../data/queries/import-point-thousands.ts'
import { importRecord } from '../../data/queries/import-record.ts'
import {
  importMovedOrders,
  movedRefundCount,
  moveRefunds,
} from '../../data/queries/import-refund-owners.ts'
import { importRefundRekey } from '../../data/queries/import-refund-rekey.ts'
import {
  coveredStoredCount,
  deleteCoveredRefunds,
  importRefundedRest,
} from '../../data/queries/import-refunded-rest.ts'
import {
  importRefundsSuspect,
  importTouchesRefunded,
} from '../../data/queries/import-refunds-suspect.ts'
import { importRejects } from '../../data/queries/import-rejects.ts'
import { importRepeatedRows } from '../../data/queries/import-repeated-rows.ts'
import { importReturnOwners } from '../../data/queries/import-return-owners.ts'
import { importReturnsBeforeOrder } from '../../data/queries/import-returns-before-order.ts'
import { importReturnsOverPaid } from '../../data/queries/import-returns-over-paid.ts'
import { importSameFile, LEFT_OUT_REFUND } from '../../data/queries/import-same-file.ts'
import { importSameTimeOrders } from '../../data/queries/import-same-time-orders.ts'
import { importSameTimeResponses } from '../../data/queries/import-same-time-responses.ts'
import { importSelfReferrals } from '../../data/queries/import-self-referrals.ts'
import {
  flattenObjects,
  ident,
  importBlankLines,
  importMalformedLines,
  importMultilineCheck,
  importRawView,
  importStage,
  jsonTextSource,
  lit,
  pathLit,
  type QuotedCsv,
  sourceOf,
  structFields,
} from '../../data/queries/import-stage.ts'
import { importStatusWords } from '../../data/queries/import-status-words.ts'
import { hasOwnerCheck, importUnmatched } from '../../data/queries/import-unmatched.ts'
import { importUpsert } from '../../data/queries/import-upsert.ts'
import {
  deleteWithdrawnRefunds,
  importWithdrawnRefunds,
  WITHDRAWN_SHOWN,
  withdrawnRefunds,
} from '../../data/queries/import-withdrawn-refunds.ts'
import { metaValue } from '../../data/queries/meta-value.ts'
import { orderCurrencies } from '../../data/queries/order-currencies.ts'
import { referencedOrderCurrencies } from '../../data/queries/referenced-order-currencies.ts'
import {
  formatProblem,
  ImportError,
  LoyalsError,
  type RowProblem,
  UsageError,
} from '../../errors.ts'
import { requireEmbedded } from '../embedded-only.ts'
import { interruptibleTempDir } from '../interrupt.ts'
import { sameFile } from '../same-file.ts'
import { checkAsOf } from '../summary.ts'
import {
  blankLines,
  inflatedCopy,
  type LineHint,
  lfCopy,
  type MalformedLine,
  mixedLineEndings,
  skipEmptyRows,
  textSha256,
  withoutBom,
  withoutMalformedLines,
  withoutSepLine,
} from './blank-lines.ts'
import {
  type ColumnMapping,
  clipText,
  type ImportKind,
  type Layout,
  laterCopies,
  namedAs,
  parseKind,
  resolveColumns,
} from './columns.ts'
import { quoteRunsOn, splitCsvLine } from './csv-quotes.ts'
import { type DateReading, sampledDateShape, unreadDateShape } from './date-shapes.ts'
import { parseEncoding } from './encoding.ts'
import {
  doubleColumns,
  fastSource,
  hasOrdersTable,
  hasStoreTable,
  timestampColumns,
  tryFastStage,
  typedViewSql,
} from './fast-path.ts'
import {
  detectFormat,
  type Format,
  nestedColumns,
  noDataRows,
  PROBLEMS_SHOWN,
  readHead,
  scalarColumns,
} from './formats.ts'
import {
  duplicateKeyReason,
  firstNonObjectLine,
  isRecordReason,
  nonObjectReason,
} from './json-non-object.ts'
import { type RecordLayout, scanRecordLines } from './json-record-lines.ts'
import { findJsonSyntaxError, type JsonRecordAt, type JsonSyntaxError } from './json-syntax.ts'
import { extraKind } from './kinds/index.ts'
import { headerBelow } from './preamble.ts'
import { uncarriedColumns } from './uncarried.ts'
import {
  absent,
  decimalCommaCheckSql,
  decimalCommaSql,
  headerNamesUtc,
  moneyFields,
  PAID_STATUS,
  type ParseOptions,
  problemsSql,
  type TypedSpec,
  typedSpec,
  typedTableSql,
  UNPAID_STATUS,
  WOO_UNPAID_STATUS,
  writtenName,
} from './validate.ts'
import { utf8Copy } from './windows-1252.ts'

/** Where a running import is; `onStage` is awaited, so a test can fail or stall it there. */
export type ImportStage =
  | 'staged'
  | 'validated'
  | 'orders-written'
  | 'lines-written'
  | 'customers-written'
  | 'rows-written'

export interface ImportOptions {
  // any string is checked at run time (a CLI's --kind); `string & {}` keeps the kinds offered
  readonly kind: ImportKind | (string & {})
  /** Target field -> file column, overriding recognition. */
  readonly map?: Readonly<Record<string, string>>
  /** strptime format for dates, e.g. `%d/%m/%Y`. Default: ISO 8601. */
  readonly dateFormat?: string
  /** IANA time zone of times without an offset, and of `order_date`. Default UTC. */
  readonly tz?: string
  /**
   * Numbers are written with a decimal comma and '.' between thousands (1.234,50), as in most of
   * Europe. Default: decimal point.
   */
  readonly decimalComma?: boolean
  /**
   * The file's character encoding: UTF-8 (default) or Latin-1 (ISO-8859-1, what Excel on Windows
   * writes as plain "CSV"; CSV files only), by any usual name ('Windows-1252', 'cp1252', 'UTF8').
   */
  readonly encoding?: string
  /** Import the good rows and write the bad ones to `rejects`. */
  readonly skipBadRows?: boolean
  /**
   * Rejects CSV path (default `<file>.rejects.csv`). With skipBadRows the skipped rows go there;
   * without it, an import refused for bad rows writes all of them there (nothing is stored).
   */
  readonly rejects?: string
  /**
   * The workspace file `engine` is a copy of, when the import writes a copy that then replaces it
   * (service/workspace-copy.ts, as `loyals import` does): a rejects file must not be that workspace.
   */
  readonly workspace?: string
  /** Reported only: orders after this date are stored (they are a model's holdout). */
  readonly asOf?: string
  /** "Now" for the future-date check (tests). */
  readonly now?: Date
  readonly onStage?: (stage: ImportStage) => void | Promise<void>
  /**
   * The store is a throwaway in-memory workspace (`analyze FILE`): a first import of plain orders
   * (every row has its own order id, no refunds) keeps the validated rows where they are and makes
   * `orders` a view over them, instead of copying ten million rows into the table. The file's
   * SHA-256 and the orders' summary (`customers`, `firstDate`, `lastDate`, `afterAsOf`) are not
   * computed: the caller reads the store itself.
   */
  readonly scratch?: boolean
  /**
   * Internal: the bytes to read when they are not `file` itself (a copy with one kind of line
   * ending, see `lfCopy`); messages and the stored source still name `file`.
   */
  readonly readFrom?: string
  /**
   * Internal: the JSON lines left blank in the copy read (`readFrom`) because they do not parse
   * (withoutMalformedLines); each is a rejected row.
   */
  readonly malformed?: readonly MalformedLine[]
  /**
   * Internal: the CSV is read again with lines up to 64 MB (a field of long text went past the
   * reader's 2 MB; reading every file so would double the reader's memory).
   */
  readonly longLines?: boolean
  /**
   * Internal: the date shape read from the file (inferDateShape) when its dates are not ISO 8601
   * and no --date-format was given.
   */
  readonly dateShape?: DateReading
  /** Internal: the file's SHA-256 read, begun by the call that imports it again in a date shape. */
  readonly digest?: Promise<{ sha: string; lines: LineHint }>
  /** Internal: the file's numbers were found written with a decimal comma (ImportResult). */
  readonly decimalCommaFound?: boolean
}

export interface ImportResult {
  readonly importId: string
  readonly file: string
  readonly kind: ImportKind
  readonly format: Format
  readonly gzip: boolean
  readonly layout: Layout
  /** Hex SHA-256 of the file; '' for a scratch import. */
  readonly sha256: string
  /** Field -> file column used. */
  readonly columns: Readonly<Record<string, string>>
  readonly rowsRead: number
  /** Rows of the main table (orders, order lines or customers) this file maps to. */
  readonly rowsStored: number
  readonly inserted: number
  readonly updated: number
  /**
   * The same file (content and kind) was imported before and this import added rows from it: it
   * read the file otherwise (another --map, --date-format, --tz ...), so those rows sit beside the
   * ones stored then. The earlier import's file name and time (UTC); null otherwise.
   */
  readonly readAgain: { readonly file: string; readonly importedAt: string } | null
  /**
   * The same file, read the same way, was imported before, and `keptLater` of its rows have
   * since been changed by later files: they keep the later version (nothing was written); an
   * order-lines file also says how many lines later files added to its orders (`addedLater`, kept).
   */
  readonly importedBefore?: {
    readonly file: string
    readonly importedAt: string
    readonly keptLater: number
    readonly addedLater?: number
  }
  /**
   * Stored orders this file replaced (its version of the order id wins), the first few in file
   * order with what changed ('customer C1 -> C9; amount 20 -> 25'); `updated` counts them all.
   */
  readonly changedOrders?: readonly { readonly orderId: string; readonly what: string }[]
  /**
   * New survey responses without a response id that have the customer and time of a stored one
   * without one but other answers (a later export's corrected answer, or a second response at
   * that time): stored beside it. `n` counts them; `first` names the first few in file order.
   */
  readonly sameTimeResponses?: {
    readonly n: number
    readonly first: readonly {
      readonly line: number
      readonly customerId: string
      readonly at: string
      readonly answers: string
      readonly stored: string
    }[]
  }
  /**
   * Rows repeating an earlier row of the file exactly (the same key and content): each stored
   * once. `n` counts them; `first` names the first few in file order with the line they repeat;
   * `noun` names the key ('order', 'ticket', ...).
   */
  readonly repeatedRows?: {
    readonly n: number
    readonly noun: string
    readonly first: readonly {
      readonly line: number
      readonly sameAs: number
      readonly key: string
    }[]
  }
  /**
   * New orders without an order id that have the customer and time of a stored order without one
   * but another amount (a later export's corrected amount, or a second order at that time): stored
   * beside it. `n` counts them; `first` names the first few in file order.
   */
  readonly sameTimeOrders?: {
    readonly n: number
    readonly first: readonly {
      readonly line: number
      readonly customerId: string
      readonly at: string
      readonly amount: number
      readonly stored: number
    }[]
  }
  /**
   * Stored order lines this file replaced: the lines a file carries for an order are that order's
   * lines, so stored lines of those orders that the file lacks were removed.
   */
  readonly linesReplaced?: { readonly lines: number; readonly orders: number }
  /** Order lines (kind order-lines) whose order is not in the workspace: stored, linked later. */
  readonly linesWithoutOrder?: {
    readonly rows: number
    readonly orders: number
    readonly examples: string
  }
  readonly unchanged: number
  readonly rejected: number
  /**
   * Of the rejected rows, good lines left out whole with a bad line of their order (line items, a
   * Shopify export, order lines with --skip-bad-rows): the order and its stored lines stay as
   * they were.
   */
  readonly leftOut?: number
  readonly rejectsFile: string | null
  /** No bad row this time: the rejects file an earlier import wrote there was emptied. */
  readonly rejectsEmptied?: string
  /** Order lines written alongside orders (Shopify exports). */
  readonly lines: number
  /** Distinct customers of the stored rows (orders, customers); 0 for a scratch import. */
  readonly customers: number
  /**
   * Of the stored order rows, the refunds (amount < 0, the marks below aside); 0 for a scratch
   * import.
   */
  readonly refunds: number
  /**
   * Of the stored order rows, the marks of cancelled (or failed, unpaid) orders of 0: a row each
   * that says its order was no purchase, with no money refunded (ZERO_REFUND of
   * import-order-rows.ts); 0 for a scratch import.
   */
  readonly refundMarks: number
  /**
   * Stored refunds that went with their order to another customer: the file gives an order
   * already stored for one customer to another (see import-refund-owners.ts).
   */
  readonly refundsMoved: number
  /**
   * Stored refunds that an earlier file made of an order's refunded amount or status, withdrawn
   * as this file's version of the order refunds nothing (see import-withdrawn-refunds.ts): how
   * many, the first few as "O1 (30 refunded)", and how many more.
   */
  readonly refundsWithdrawn: {
    readonly n: number
    readonly examples: string
    readonly more: number
  }
  /** First and last order day (refund rows left out); null for a scratch import or no order. */
  readonly firstDate: string | null
  readonly lastDate: string | null
  /** Orders dated after `asOf` (stored; summaries ignore them). */
  readonly afterAsOf: number | null
  /**
   * Tickets, engagement and surveys: stored rows whose customer the workspace does not know (no
   * order, no customer record); referrals: those naming such a customer (referrer or referred);
   * returns: stored returns of orders not in the workspace. Up to
   * three of them as 'id (line N)'; `ownerless`: how many count toward nobody until that customer
   * or order is imported (all but the returns that name a known customer). Null for other kinds.
   */
  readonly unmatched: {
    readonly rows: number
    readonly ownerless: number
    /**
     * Returns: of the ownerless, those naming a customer the workspace does not know (yet), which
     * count toward that customer once it is known; absent when none.
     */
    readonly named?: number
    readonly examples: string
    /** The workspace holds no order and no customer record at all (yet). */
    readonly noCustomers?: boolean
  } | null
  /**
   * Returns that name another customer than the one whose order they return (counted toward the
   * customer they name), with up to three of them as 'order (line N)'. Null for the other kinds.
   */
  readonly otherOwner: { readonly rows: number; readonly examples: string } | null
  /**
   * Referrals: rows naming one customer as both referrer and referred, with up to three of them
   * as 'id (line N)'. Stored, and left out of referral value (docs/value.md). Absent when none.
   */
  readonly selfReferrals?: { readonly rows: number; readonly examples: string }
  /**
   * Rows whose status is neither a word of an order never paid or paid back (validate.ts
   * UNPAID_STATUS: stored refunded) nor one of a paid order (PAID_STATUS): they count as
   * purchases. `kinds` distinct such values, the most frequent (up to 4) in `values`.
   */
  readonly unknownStatuses?: {
    readonly rows: number
    readonly kinds: number
    readonly values: readonly { readonly status: string; readonly rows: number }[]
  }
  /**
   * Returns only: orders this file returns whose returns (stored ones too) add up to more than the
   * order was paid, with up to 3 examples; absent for other kinds.
   */
  readonly overReturned?: { readonly orders: number; readonly examples: string }
  /**
   * Orders with a currency column only: the currencies it names (null: the column empty), each
   * with its rows and first line, most rows first; absent when it names one and is never empty.
   */
  readonly currencies?: readonly {
    readonly currency: string | null
    readonly rows: number
    readonly line: number
  }[]
  /**
   * Orders only: the currencies of all the stored orders with their rows, most rows first, when
   * this file (in one currency, or none) left them in several; absent otherwise.
   */
  readonly storeCurrencies?: readonly { readonly currency: string; readonly rows: number }[]
  /**
   * Returns only: returns of this file dated before the day of the order they return, with up to
   * 3 examples; absent when there are none and for other kinds.
   */
  readonly returnedEarly?: { readonly returns: number; readonly examples: string }
  /**
   * Orders only: orders this file refunds, or brings again beside stored refunds, whose refunds
   * (stored ones too) add up to more than the order was paid, and orders refunded before the day
   * they were placed, with up to 3 examples each; absent for other kinds and for files that neither
   * refund an order id nor bring an order refunded in the store.
   */
  readonly suspectRefunds?: {
    readonly over: { readonly orders: number; readonly examples: string }
    readonly early: { readonly orders: number; readonly examples: string }
  }
  /** Orders read as a transaction log without spend: no amount column, every amount 0. */
  readonly noAmount: boolean
  /** The file mixed CRLF and LF line endings and was read from a copy with LF only. */
  readonly mixedLineEndings: boolean
  /**
   * The file is one JSON array of records, read from a JSON lines copy: the line of a problem is
   * the record's number (1 = the first).
   */
  readonly jsonArray: boolean
  /** The records were the list under this one field of the JSON ({"orders": [...]}); else null. */
  readonly jsonWrapper: string | null
  /** The records were JSON documents of their own, each over several lines (pretty-printed). */
  readonly jsonDocuments?: boolean
  /**
   * --encoding latin-1 on a file whose start is valid UTF-8 with accented letters: read so, ë
   * became Ã«.
   */
  readonly utf8ReadAsLatin1?: boolean
  /** No column was named for the customer: this bare "Id" column was read as the customer id. */
  readonly guessedCustomer: string | null
  /**
   * The file's columns that no field reads, in file order: extra columns are no error, but a
   * customers file's Gender went unread in silence. CSV and Parquet files of the plain layout only
   * (Shopify and line-item exports read columns of their own; JSON's are nested).
   */
  readonly unusedColumns: readonly string[]
  /**
   * The amount was read from `read`, the first of several columns named like one (the others
   * unread: "Revenue gross" read, "Revenue net" left); null when one column or --map named it.
   */
  readonly otherAmounts: { readonly read: string; readonly others: readonly string[] } | null
  /**
   * The customer was read from `read`, the first of several columns that name one (the others
   * unread: WooCommerce's Billing Email read, Customer User ID left); absent otherwise.
   */
  readonly otherCustomers?: { readonly read: string; readonly others: readonly string[] }
  /** Amounts were read in the currency's smallest unit (Stripe API objects: 1999 is 19.99). */
  readonly minorUnits?: boolean
  /** The statuses were read as WooCommerce's (ColumnMapping.wooStatuses: pending is not paid). */
  readonly wooStatuses?: boolean
  /**
   * Number columns whose every value with a point has exactly three digits after it (2.000,
   * 12.500), in a sample of the file: read as decimals, they may be thousands (--decimal-comma).
   */
  readonly pointThousands: readonly string[]
  /**
   * Number columns with no point whose every value with a comma is a whole number grouped by
   * commas (1,234), in a sample of the file: read as thousands, they may be decimal commas.
   */
  readonly commaThousands?: readonly string[]
  /**
   * CSV rows of nothing but separators or spaces (`,,,`, `;;`, Excel's rows below the data),
   * skipped like blank lines and not counted in rowsRead.
   */
  readonly emptyRows: number
  /**
   * Fields read from a header the file has more than once (the reader names the later ones
   * `Date_1`, `Date_2` ...): the first was read; `others` are the reader's names of the rest.
   */
  readonly repeatedHeaders: readonly {
    readonly field: string
    readonly header: string
    readonly others: readonly string[]
  }[]
  /**
   * The orders say where they went (country, region, city): customers whose place this import
   * added or filled from their latest order (null when the file has no place column).
   */
  readonly placesFilled: number | null
  /** Survey answers read from columns named by their question (field -> header); else null. */
  readonly questionColumns: Readonly<Record<string, string>> | null
  /**
   * Without --decimal-comma, the numbers that did not read were all written with a decimal comma
   * and none with a point: the file was read with --decimal-comma. The number columns it read.
   */
  readonly decimalCommaFound: readonly string[] | null
  /**
   * Date columns whose header names UTC or GMT (`Created (UTC)`) in an import whose --tz is
   * another zone: their times without an offset were read as UTC, not --tz; absent otherwise.
   */
  readonly utcColumns?: readonly string[]
  /**
   * Orders without a currency column or currency marks whose amount column's header names an ISO
   * code (`Umsatz (EUR)`): the code was stored as the orders' currency; absent otherwise.
   */
  readonly amountCurrency?: { readonly column: string; readonly currency: string }
  /**
   * Dates were not ISO 8601 and no --date-format was given: the one common shape that reads every
   * date of the file, used for it. Null otherwise.
   */
  readonly dateShape: {
    readonly label: string
    /** The format that reads `example`, one of the file's dates. */
    readonly format: string
    readonly example: string
    /** The file's date columns it read. */
    readonly columns: readonly string[]
  } | null
}

/** The file's columns read as fields of this type (a note or a message names them). */
const headersOf = (spec: TypedSpec, type: 'date' | 'number'): string[] =>
  spec.fields.flatMap((f) => (f.type === type && f.header ? [f.header] : []))

/**
 * When some dates of the validated rows are not ISO 8601: the one common shape that reads every
 * date of the file (the caller imports again with it), or an ImportError when several do and they
 * disagree (03/04/2024). Null when none does: the rows' own problems say what is wrong.
 */
async function unreadDates(
  engine: Engine,
  file: string,
  spec: TypedSpec,
  now: Date,
  tz: string,
): Promise<DateReading | null> {
  const r = await unreadDateShape(engine, { table: 'import_typed', spec, now, tz })
  if (r === null || r.kind === 'none') return null
  if (r.kind === 'one') return r.reading
  const columns = headersOf(spec, 'date')
  if (r.kind === 'mixed') {
    const [a, b] = r.readings
    throw new ImportError(
      `${file}: the dates in ${columns.join(', ')} mix two readings: '${a.example}' reads only as ${a.shape.label} (--date-format '${a.format}'), '${b.example}' only as ${b.shape.label} (--date-format '${b.format}'). ` +
        'Pass the --date-format most of the file is written in: the dates it cannot read are then bad rows.',
    )
  }
  const readings = r.readings.map((s) => `${s.shape.label} (--date-format '${s.format}')`)
  throw new ImportError(
    `${file}: the dates in ${columns.join(', ')} read both ways, e.g. '${r.example}': as ${readings.join(' or as ')}. ` +
      'Pass the --date-format that is right for this file.',
  )
}

/**
 * With a decimal comma, every number field read from the file reads through `decimalCommaSql`
 * (the fast path then reads those columns as text: the reader's own number parse is a point's).
 */
function commaSpec(spec: TypedSpec, opts: ImportOptions, csv: boolean): TypedSpec {
  if (!opts.decimalComma) return spec
  return {
    ...spec,
    fields: spec.fields.map((f) =>
      f.type === 'number' && f.header !== null
        ? { ...f, raw: decimalCommaSql(f.raw, csv), shown: f.raw }
        : f,
    ),
  }
}

/** Whether the rows read a refunded amount from the file (only Shopify exports have one). */
function hasRefunded(spec: TypedSpec): boolean {
  return spec.fields.some((f) => f.field === 'refunded' && !absent(f))
}

/** Whether the rows say from their status which orders were never paid (validate.ts unpaidField). */
function hasUnpaid(spec: TypedSpec): boolean {
  return spec.fields.some((f) => f.field === 'unpaid')
}

/** Whether the file has a margin or a cost column (else every order's margin is unknown). */
function hasCosts(spec: TypedSpec): boolean {
  return spec.fields.some((f) => (f.field === 'margin' || f.field === 'cost') && !absent(f))
}

/**
 * `e` with its JSON line moved past the blank lines before it: DuckDB's JSON reader numbers the
 * non-blank lines. (Its CSV errors count every line already.)
 */
async function blankAware(
  e: ImportError,
  file: string,
  format: Format,
  gzip: boolean,
): Promise<ImportError> {
  const p = e.problems[0]
  if (format !== 'jsonl' || !p || p.line === null || e.problems.length !== 1) return e
  const line = p.line
  const runs = await blankLines(file, { format: 'jsonl', gzip })
  // record k (1-based) follows every run with fewer than k records before it
  const shift = runs.filter((r) => r.recordsBefore < line).reduce((a, r) => a + r.count, 0)
  if (shift === 0) return e
  return new ImportError(e.message, [{ ...p, line: line + shift }])
}

/** Turn a DuckDB reader failure into one sentence about the file. */
function readError(file: string, format: Format, e: unknown): ImportError {
  const msg = e instanceof LoyalsError && e.cause instanceof Error ? e.cause.message : String(e)
  const lines = msg.split('\n').map((s) => s.trim())
  const csvLine = /CSV Error on Line: (\d+)/.exec(msg)
  if (csvLine) {
    const reason =
      lines.find((l, i) => i > 0 && l !== '' && !l.startsWith('Original Line')) ?? 'unreadable row'
    const line = Number(csvLine[1])
    return new ImportError(`cannot read ${file}`, [{ file, line, column: null, reason }])
  }
  const json = /Malformed JSON.*? in line (\d+): (.*)/.exec(msg)
  if (json) {
    // DuckDB 1.5 numbers the line after the bad one (the first line is reported as 2)
    const line = Number(json[1]) - 1
    // DuckDB's hint names its own option, not one of the import's
    const said = json[2]?.replace(/\s*Try auto-detecting the JSON format\.?/, '').trim()
    const reason = `malformed JSON: ${said}`
    return new ImportError(`cannot read ${file}`, [{ file, line, column: null, reason }])
  }
  // a record with one key twice (legal JSON, which DuckDB's reader refuses): its record number
  // (blankAware makes it the file's line) and the key, as a problem of that field
  const dup =
    /JSON transform error in file .*?, in line (\d+): .* has duplicate key "([^"]*)"/.exec(msg)
  if (dup) {
    const column = dup[2] ?? null
    const reason = duplicateKeyReason(column ?? 'a key')
    return new ImportError(`cannot read ${file}`, [{ file, line: Number(dup[1]), column, reason }])
  }
  const first = (lines[0] ?? msg).replace(/^[\w ]+Error: /, '')
  const reason =
    format === 'parquet'
      ? `not a readable Parquet file (${first})`
      : /sniff|dialect/i.test(msg)
        ? 'cannot make out the CSV layout (delimiter/quotes); is this a CSV file?'
        : `cannot read the file (${first})`
  return new ImportError(`${file}: ${reason}`)
}

/**
 * resolveColumns, and when the first line names none of the required columns, a plain CSV's
 * lines below it are tried as the header: the error then says which line it is (preamble.ts).
 */
function resolveOrPreamble(
  file: string,
  columns: readonly string[],
  kind: ImportKind,
  map: Readonly<Record<string, string>> | undefined,
  plainCsv: boolean,
): ColumnMapping {
  try {
    return resolveColumns(file, columns, kind, map, plainCsv)
  } catch (e) {
    // a header of another kind's file is a header: its error says which kind; a --map naming a
    // column the first line lacks may name one of the header below it (a title line above it)
    const missing =
      (e instanceof ImportError && !e.message.includes('This looks like ')) ||
      (e instanceof UsageError && map !== undefined && e.message.includes(': no column '))
    if (!missing || !plainCsv) throw e
    const below = headerBelow(file, (cols) => tryResolveColumns(file, cols, kind, map) !== null)
    if (below === null) throw e
    const above = below.line - 1
    // Excel writes `sep=;` above the header of a CSV it saves for itself
    const hint = /^sep=.?$/i.test(columns[0] ?? '') && above === 1
    throw new ImportError(
      `${file}: line 1 is ${hint ? "Excel's separator hint, not a header" : `not a header (${JSON.stringify(clipText(columns.join(','), 80))})`}; line ${below.line} ` +
        `looks like it (${JSON.stringify(below.text)}): remove the ${above === 1 ? 'line' : `${above} lines`} ` +
        'above it and import again',
    )
  }
}

/** The column mapping, or null when it fails (the validating path then reports why, in order). */
function tryResolveColumns(
  file: string,
  columns: readonly string[],
  kind: ImportKind,
  map: Readonly<Record<string, string>> | undefined,
): ColumnMapping | null {
  try {
    return resolveColumns(file, columns, kind, map)
  } catch {
    return null
  }
}

/**
 * An old file imported again after an erasure (DELETE /v1/customers/{id}): the erased customer's
 * rows are refused, as the server refuses them, rather than bringing the customer back.
 * @throws ImportError naming up to 20 of the rows (importErasedRows)
 */
async function refuseErased(
  engine: Engine,
  file: string,
  main: { readonly table: string; readonly key: string },
): Promise<void> {
  const [secret] = await engine.query(metaValue(engine.dialect, 'erase_salt'))
  // the secret is made by the first erasure: a workspace without it has nobody erased, and its
  // imports (10M orders imported again) skip the join against the stored rows
  if (!secret) return
  const rows = await engine.query(
    importErasedRows(engine.dialect, {
      writeSet: 'import_write',
      table: main.table,
      key: main.key,
      secret: String(secret.value),
    }),
  )
  if (rows.length === 0) return
  throw new ImportError(
    `${file}: rows of an erased customer; nothing was imported. An erasure is not undone by importing an old file: remove the customer's rows and import it again.`,
    rows.map((r) => ({
      file,
      line: Number(r.line),
      column: 'customer_id',
      reason: 'the row of a customer erased since it was imported',
    })),
  )
}

async function count(engine: Engine, sql: string): Promise<number> {
  const rows = await engine.query<{ n: number }>(sql)
  return Number(rows[0]?.n ?? 0)
}

async function checkTimeZone(engine: Engine, tz: string): Promise<void> {
  const abbreviation = zoneNameProblem(tz)
  if (abbreviation) throw new UsageError(`unknown time zone '${tz}': ${abbreviation}`)
  try {
    await engine.query({ sql: "SELECT timezone($1, TIMESTAMP '2000-01-01') AS t", params: [tz] })
  } catch (e) {
    // the engine's own refusal (closed) is no fault of the zone's
    if (e instanceof UsageError) throw e
    throw new UsageError(
      `unknown time zone '${tz}'${zoneGuess(tz)}: use an IANA name such as UTC or Europe/Paris`,
    )
  }
}

async function checkDateFormat(engine: Engine, format: string): Promise<void> {
  // 'dd/mm/yyyy' parses as a strptime format (all literal text) that matches no date at all
  if (!/%[a-zA-Z]/.test(format)) {
    throw new UsageError(
      `--date-format '${format}' has no strptime specifiers (%d, %m, %Y ...): ` +
        `use specifiers such as %d/%m/%Y for 31/12/2024 or %Y-%m-%d %H:%M`,
    )
  }
  try {
    await engine.query({ sql: 'SELECT try_strptime($1, $2) AS t', params: ['2000-01-01', format] })
  } catch (e) {
    const why = /Failed to parse format specifier[^:]*: ([^\n]*)/.exec(String(e))?.[1]
    throw new UsageError(
      `--date-format '${format}' is not a strptime format${why ? ` (${why.trim()})` : ''}: ` +
        'use specifiers such as %d/%m/%Y or %Y-%m-%d %H:%M',
    )
  }
}

const TEMP_OBJECTS = [
  'VIEW import_raw',
  'VIEW import_raw_all',
  'TABLE import_src',
  'TABLE import_rej_slots',
  'TABLE import_raw_lines',
  'TABLE import_blank_lines',
  'TABLE import_blank_steps',
  'TABLE import_typed',
  'TABLE import_line_orders',
  'VIEW import_typed',
  'TABLE import_fast',
  'TABLE import_problems',
  'TABLE import_rows',
  'VIEW import_rows',
  'TABLE import_line_rows',
  'TABLE import_customer_rows',
  'TABLE import_order_places',
  'TABLE import_kind_rows',
  'TABLE import_write',
  'VIEW import_write',
  'TABLE import_line_write',
  'VIEW import_line_write',
  'TABLE import_dupkeys',
  'TABLE import_csv_errors',
  'TABLE import_csv_scans',
]

async function dropTemp(engine: Engine): Promise<void> {
  for (const o of TEMP_OBJECTS) {
    try {
      const [what, name] = o.split(' ')
      await engine.exec(`DROP ${what} IF EXISTS ${name}`)
    } catch {
      // a leftover of the other type (view vs table) is harmless here
    }
  }
}

/**
 * Import one file of orders, order lines or customers into the workspace behind `engine`.
 *
 * Formats: CSV (delimiter sniffed), Parquet, JSON lines, and gzip forms. Columns are recognised by
 * synonyms, `opts.map`, or as a Shopify orders/customers export. All rows are validated in SQL; by
 * default any bad row aborts the import with nothing changed. The write is one transaction, and
 * keys make a repeated import of the same file a no-op.
 *
 * @example
 * const r = await importFile(engine, 'orders.csv', { kind: 'orders', tz: 'Europe/Paris' })
 * // r.inserted === number of new orders
 * @throws ImportError with up to 20 `{file, line, column, reason}` problems (total in details);
 *   UsageError for an unknown kind, time zone or --map field.
 */
/**
 * UsageError for an option of the wrong type from JavaScript: `tz: 5` failed as a TypeError in
 * the zone lookup, and a `map` given as the CLI's text ('customer_id=x') was walked character by
 * character ("unknown field '0'").
 */
function checkOptionTypes(opts: ImportOptions): void {
  for (const name of ['tz', 'dateFormat', 'encoding', 'rejects'] as const) {
    const v: unknown = opts[name]
    if (v !== undefined && typeof v !== 'string') {
      throw new UsageError(`${name} must be a string (got ${v === null ? 'null' : typeof v})`)
    }
  }
  const map: unknown = opts.map
  if (map !== undefined && (typeof map !== 'object' || map === null || Array.isArray(map))) {
    throw new UsageError(
      `map must be an object of field -> file column, e.g. { customer_id: 'Email' } (got ${map === null ? 'null' : Array.isArray(map) ? 'an array' : typeof map}${typeof map === 'string' ? ": the CLI's --map text is parsed into that object by the CLI" : ''})`,
    )
  }
  if (map !== undefined) {
    for (const [field, column] of Object.entries(map as Record<string, unknown>)) {
      if (typeof column !== 'string') {
        throw new UsageError(`map.${field} must be a column name (got ${typeof column})`)
      }
    }
  }
}

export async function importFile(
  engine: Engine,
  file: string,
  opts: ImportOptions,
): Promise<ImportResult> {
  requireEmbedded(engine, 'importFile')
  // a JavaScript caller may leave the options out: say what is missing, not a TypeError
  if (typeof opts !== 'object' || opts === null) {
    throw new UsageError(
      "importFile(engine, file, opts) needs its options, at least the kind: { kind: 'orders' }",
    )
  }
  checkOptionTypes(opts)
  if (opts.encoding !== undefined) opts = { ...opts, encoding: parseEncoding(opts.encoding) }
  if (opts.skipBadRows || opts.rejects !== undefined) {
    const store =
      opts.workspace ??
      (engine.location === ':memory:' || engine.location === '' ? null : engine.location)
    checkRejectsPath(file, opts.rejects ?? `${file}.rejects.csv`, store, {
      named: opts.rejects !== undefined,
      scratch: opts.scratch === true,
    })
  }
  try {
    return await importFileOnce(engine, file, opts)
  } catch (e) {
    if (!opts.longLines && lineTooLong(e)) {
      return await importFile(engine, file, { ...opts, longLines: true })
    }
    // a JSON line the reader cannot parse, or one that is no record (not an object, a key given
    // twice): read again without that line (and every other such line), which become bad rows
    // like a CSV's unsplittable lines: rejects with --skip-bad-rows, else listed with the file's
    // other bad rows (the reader's error names the first alone)
    const badRecord = recordRefused(e)
    if (opts.malformed || !(badRecord || malformedJson(e))) throw e
    const { gzip } = detectFormat(file, {})
    const copy = await withoutMalformedLines(opts.readFrom ?? file, opts.readFrom ? false : gzip)
    // the reader failed on something else than a line that does not parse, or the file is no JSON
    // lines with a few bad ones but one document over many lines (a pretty-printed page, broken):
    // its own error says where; a file of no good record is said by the error naming the first
    // (lines that each parse are JSON lines: only a file without any record is refused whole)
    // (a document's lines do not parse; one that parses but is no record, `42`, is a JSON line:
    // counted as the document's, half such lines made a file of JSON lines one broken document)
    const syntax = copy.malformed.filter((m) => m.record === undefined).length
    const whole = badRecord ? copy.good === 0 : copy.good <= syntax
    if (copy.malformed.length === 0 || whole) {
      await copy.remove()
      if (copy.malformed.length === 0 || badRecord) throw e
      // the reader names the line after its one-line read of the document: a scan says where
      const found = await findJsonSyntaxError(opts.readFrom ?? file, opts.readFrom ? false : gzip)
      if (!found) throw e
      // a page's record ({"orders": [...]}) unless the fields around the list make a record
      const kind = parseKind(opts.kind)
      const around = found.keys.filter((k) => k !== found.list?.field)
      const isRecord = tryResolveColumns(file, around, kind, opts.map) !== null
      const record = found.element ?? (found.list && !isRecord ? found.list : found.document)
      throw jsonSyntaxProblem(file, found, record)
    }
    return await importCopy(engine, file, { ...opts, malformed: copy.malformed }, copy, {})
  }
}

/**
 * Empties `path` when it holds rows (an earlier import's rejects) and returns it; else null.
 * checkRejectsPath already found it writable.
 */
function emptyStaleRejects(path: string): string | null {
  if (!existsSync(path) || statSync(path).size === 0) return null
  writeFileSync(path, '')
  return path
}

/**
 * The rejects file can be written: its directory exists and takes new files, it is no directory
 * itself, and it is neither the file being imported nor the workspace `store` (or its log), which
 * the bad rows would overwrite: a refused import would lose every stored order.
 * Checked before anything is read: DuckDB would say it only after the import, in its own words.
 * @throws UsageError naming --rejects and what is wrong
 */
function checkRejectsPath(
  file: string,
  rejects: string,
  store: string | null,
  way: { named: boolean; scratch: boolean },
): void {
  // the default rejects file is named as such: `analyze --skip-bad-rows` takes no --rejects
  const label = way.named ? `--rejects ${rejects}` : `the rejects file ${rejects}`
  const dir = dirname(resolve(rejects))
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`${label}: the directory ${dir} does not exist; nothing was imported`)
  }
  const exists = existsSync(rejects)
  if (exists && statSync(rejects).isDirectory()) {
    const example = join(rejects, `${basename(file)}.rejects.csv`)
    throw new UsageError(
      `${label} is a directory: name a file for the bad rows (${example}, say); nothing was imported`,
    )
  }
  const same = sameFile
  if (same(file, rejects)) {
    throw new UsageError(
      `${label} is the file being imported: the bad rows would overwrite it; name another file`,
    )
  }
  if (store !== null && (same(store, rejects) || same(`${store}.wal`, rejects))) {
    throw new UsageError(
      `${label} is the workspace ${store}${same(store, rejects) ? '' : "'s log"}: the bad rows would overwrite it and every stored row with it; name another file. Nothing was imported`,
    )
  }
  try {
    accessSync(exists ? rejects : dir, fsConstants.W_OK)
  } catch {
    const what = exists ? 'the file cannot be written' : `the directory ${dir} takes no new files`
    const wayOut = way.named
      ? ''
      : way.scratch
        ? `; copy ${file} into a directory you can write and read it there`
        : '; name another place with --rejects FILE'
    throw new UsageError(`${label}: ${what} (permission denied); nothing was imported${wayOut}`)
  }
}

/**
 * A JSON lines file with a record that is not an object reads as one JSON column `json`: the
 * missing columns it then reported ("found: json") named neither the line nor the reason. The
 * error naming the first such line, or null. importFile then reads a copy without every such
 * line (withoutMalformedLines), each a bad row, unless no line holds a record.
 */
async function nonObjectError(
  file: string,
  readPath: string,
  gzip: boolean,
  described: readonly Described[],
): Promise<ImportError | null> {
  const [only] = described
  // (JSON when the values differ in type; a file of numbers alone is described as numbers)
  if (described.length !== 1 || only?.column_name !== 'json') return null
  const bad = await firstNonObjectLine(readPath, gzip)
  if (bad === null) return null
  const problem = {
    file,
    line: bad.line,
    column: null,
    reason: nonObjectReason(bad.what),
  }
  return new ImportError(
    `${formatProblem(problem)}. Fix or remove the line; nothing was imported.`,
    [problem],
  )
}

/** A column as DuckDB's DESCRIBE gives it. */
type Described = { readonly column_name: string; readonly column_type: string }

/**
 * A JSON document whose one field is an empty list ({"orders": []}), or whose one empty list sits
 * beside a page's header fields (Stripe's {"object": "list", "data": [], "has_more": false}), is
 * a page with nothing on it: it holds no data rows. `isPage` tells a page's header from a record
 * of its own (an order with no line items, {..., "items": []}; rows of customers' empty tags).
 * @throws ImportError saying so (else the header's fields were listed as the columns found)
 */
async function refuseEmptyList(
  file: string,
  d: readonly Described[],
  isPage: (others: readonly Described[]) => Promise<boolean>,
): Promise<void> {
  const empty = d.filter((c) => /^(JSON|NULL)\[\]$/.test(c.column_type))
  const list = empty.length === 1 ? empty[0] : undefined
  if (list && (d.length === 1 || (await isPage(d.filter((c) => c !== list))))) {
    throw new ImportError(`${file}: no data rows (the list "${list.column_name}" is empty)`)
  }
}

/**
 * The file's first 64 KB hold letters beyond ASCII and are valid UTF-8 (whole lines): text that
 * Latin-1 would read as two characters per letter.
 */
function readsAsUtf8(file: string): boolean {
  const head = readHead(file, 64 * 1024)
  const end = head.lastIndexOf(10)
  const lines = end >= 0 ? head.subarray(0, end + 1) : head
  if (!lines.some((b) => b >= 0x80)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(lines)
    return true
  } catch {
    return false
  }
}

/** Whether `e` is the CSV reader's refusal of a line longer than its 2 MB default. */
function lineTooLong(e: unknown): boolean {
  return (
    e instanceof ImportError &&
    e.problems.some((p) => p.reason.startsWith('Maximum line size of 2000000 bytes exceeded'))
  )
}

/**
 * Whether `e` is the reader's refusal of a JSON line (readError's "malformed JSON"), not yet said
 * at its own line by a scan of the file (jsonSyntaxProblem).
 */
function malformedJson(e: unknown): boolean {
  return (
    e instanceof ImportError &&
    !scanned.has(e) &&
    e.problems.some((p) => p.reason.startsWith('malformed JSON'))
  )
}

/**
 * Whether `e` refuses a JSON line that parses but is no record (json-non-object.ts): a value other
 * than an object, or a key given twice.
 */
function recordRefused(e: unknown): boolean {
  return e instanceof ImportError && e.problems.some((p) => isRecordReason(p.reason))
}

async function importFileOnce(
  engine: Engine,
  file: string,
  opts: ImportOptions,
): Promise<ImportResult> {
  const kind = parseKind(opts.kind)
  const tz = opts.tz ?? 'UTC'
  await checkTimeZone(engine, tz)
  if (opts.dateFormat !== undefined) await checkDateFormat(engine, opts.dateFormat)
  if (opts.asOf !== undefined) {
    // it only counts orders after the date: given with another kind, it did nothing and said so
    // nowhere, as if it had been applied
    if (kind !== 'orders') {
      throw new UsageError(
        `--as-of counts the orders after a date: it does not apply to --kind ${kind} (${file} was not imported)`,
        { asOf: opts.asOf },
      )
    }
    checkAsOf(opts.asOf, opts.now)
  }
  const latin1 = opts.encoding === 'latin-1'
  const { format, gzip, array, bom, blankLead, sepLine } = detectFormat(file, { latin1 })
  if (latin1 && format !== 'csv') {
    throw new UsageError(`--encoding latin-1 applies to CSV files; ${file} is ${format}`)
  }
  // Windows-1252 (what Excel writes as "CSV" on Windows, a superset of Latin-1's characters) is
  // read from a UTF-8 copy under the file's own name
  if (latin1 && !opts.readFrom) {
    // a UTF-8 byte order mark says what the file is: read as Windows-1252 its header would start
    // with "ï»¿" and the advice would be to --map that
    if (!gzip && readHead(file, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) {
      throw new UsageError(
        `${file} starts with a UTF-8 byte order mark: it is UTF-8, not Windows-1252; leave out --encoding`,
      )
    }
    const mark = !gzip && readsAsUtf8(file) ? { utf8ReadAsLatin1: true } : {}
    return importCopy(engine, file, opts, await utf8Copy(file, gzip), mark)
  }
  if (format === 'parquet' && gzip && !opts.readFrom) {
    return importCopy(engine, file, opts, await inflatedCopy(file), {})
  }
  // JSON lines behind a byte order mark (PowerShell, .NET) are read from a copy without it
  if (bom && !opts.readFrom) return importCopy(engine, file, opts, await withoutBom(file, gzip), {})
  // Excel's "sep=;" line above the header: read from a copy with it blank (lines keep their numbers)
  if (sepLine && !opts.readFrom) {
    return importCopy(engine, file, opts, await withoutSepLine(file, gzip), {})
  }
  // a JSON array is read from a copy as JSON lines, one record a line (problems name the record)
  if (array && !opts.readFrom) {
    const copy = await jsonLinesCopy(engine, file, gzip, null)
    return importCopy(engine, file, opts, copy, { jsonArray: true })
  }
  // what is read: the file, or its copy with one kind of line ending (plain, not gzip)
  const readPath = opts.readFrom ?? file
  const readGzip = opts.readFrom ? false : gzip
  // A scratch store is thrown away after one read: nothing will ever compare its file's digest.
  // gzip data is inflated to its end beside the read (the digest of its text waits for it): a
  // file cut short is refused, not read up to the cut
  // The same read tells whether the file may hold blank lines or values spanning lines, which
  // move rows off the lines the fast read numbers them by (scratch stores too: their notes name
  // lines). A Parquet file has no lines: a scratch store reads nothing for it.
  const sha =
    opts.digest ?? textSha256(file, gzip, { hash: !opts.scratch, lines: format !== 'parquet' })
  sha.catch(() => undefined)
  const parse: ParseOptions = {
    tz,
    now: opts.now ?? new Date(),
    ...(opts.dateFormat ? { dateFormat: opts.dateFormat } : {}),
    ...(opts.dateShape ? { dateShape: opts.dateShape } : {}),
  }
  await dropTemp(engine)
  try {
    // the sniffer's dialect, read once: whether to give the quote (quotedDialect) and whether the
    // file is read without quoting (the unclosed-quote check of problemsSql)
    const sniffed =
      format === 'csv' ? await sniffCsv(engine, readPath, readGzip, blankLead ?? 0) : null
    const quoted = sniffed ? quotedDialect(sniffed, readPath, readGzip) : null
    let source = sourceOf(
      readPath,
      format,
      readGzip,
      blankLead ?? 0,
      opts.longLines === true,
      quoted,
    )
    const describeTyped = (src: string) => engine.query<Described>(`DESCRIBE SELECT * FROM ${src}`)
    // Most files are clean: read them once into typed columns. Only a file with a problem pays
    // for the validating path, which stages every value as text and names each bad row. The fast
    // read's columns come from its own reader: describing a CSV with a rejects table costs ~0.2 s.
    let fastColumns: string[] | null = null
    let wrapper: string | null = null
    // list and object columns: recognised by no synonym (formats.ts)
    let nested: ReadonlySet<string> = new Set()
    // JSON whose only field is a list of records ({"orders": [...]}, an API's page); with
    // `paged`, also a document whose one list of records sits beside scalar fields (Stripe's
    // {"object": "list", "data": [...], "has_more": false}): only where the fields themselves are
    // no records of this kind (an order's own list of line items is not a page)
    // fields as they would be read (objects spread): a record of this kind when they resolve
    const fields = (cols: readonly Described[]) =>
      scalarColumns(flattenObjects('', cols).columns, nestedColumns(cols), opts.map)
    const isHeader = (cols: readonly Described[]) =>
      !tryResolveColumns(file, fields(cols), kind, opts.map)
    // a page: one document, whose fields beside its list are no record of this kind
    const onePage = (src: string) => async (others: readonly Described[]) =>
      isHeader(others) &&
      (
        await engine.query<{ one: boolean }>(
          `SELECT count(*) = 1 AS one FROM (SELECT 1 FROM ${src} LIMIT 2)`,
        )
      )[0]?.one === true
    const listOfRecords = (d: Described[], paged = false) => {
      const lists = d.filter((c) => /^STRUCT\(.*\)\[\]$/s.test(c.column_type))
      if (lists.length !== 1) return null
      if (d.length === 1) return lists[0]!.column_name
      // the fields beside the list are one order with its own line items when they resolve, and
      // a page's header when only the list's records do
      const others = d.filter((c) => c !== lists[0])
      const items = (structFields(lists[0]!.column_type.slice(0, -2)) ?? []).map((f) => ({
        column_name: f.name,
        column_type: f.type,
      }))
      return paged && isHeader(others) && tryResolveColumns(file, fields(items), kind, opts.map)
        ? lists[0]!.column_name
        : null
    }
    let nonObject: ImportError | null = null
    try {
      let described = await describeTyped(fastSource(source))
      if (format === 'jsonl') {
        nonObject = await nonObjectError(file, readPath, readGzip, described)
        if (nonObject) throw nonObject
      }
      if (format === 'jsonl') await refuseEmptyList(file, described, onePage(fastSource(source)))
      if (format === 'jsonl') wrapper = listOfRecords(described, true)
      if (format === 'jsonl' && wrapper === null) {
        ;({ source, described } = jsonTextSource(readPath, readGzip, described))
      }
      if (format === 'csv') fastColumns = described.map((d) => d.column_name)
      else {
        // objects spread into `column.field` columns, JSON-typed values as text
        nested = nestedColumns(described)
        const flat = flattenObjects(source, described)
        source = flat.source
        fastColumns = flat.columns
      }
    } catch (e) {
      if (e === nonObject) throw e
      // one JSON document over many lines ({"orders": [\n ...]}, or one pretty-printed record) is
      // not JSON lines
      if (format === 'jsonl' && !opts.readFrom) {
        const whole = unstructured(readPath, readGzip)
        const d = await describeTyped(whole).catch(() => null)
        wrapper = d ? listOfRecords(d, true) : null
        if (d) await refuseEmptyList(file, d, onePage(whole))
        // documents that are records themselves, each over many lines
        if (
          wrapper === null &&
          d &&
          tryResolveColumns(
            file,
            d.map((c) => c.column_name),
            kind,
            opts.map,
          )
        ) {
          const copy = await jsonLinesCopy(engine, file, gzip, { documents: true })
          return await importCopy(engine, file, opts, copy, {
            jsonArray: true,
            jsonDocuments: true,
          })
        }
        // one document, not of records of this kind: the missing columns said as for any file
        if (wrapper === null && d)
          resolveColumns(
            file,
            d.map((c) => c.column_name),
            kind,
            opts.map,
            false,
          )
      }
      // else the validating path describes the file again and says what is wrong with it
    }
    if (wrapper !== null && !opts.readFrom) {
      const copy = await jsonLinesCopy(engine, file, gzip, { list: wrapper })
      return await importCopy(engine, file, opts, copy, { jsonArray: true, jsonWrapper: wrapper })
    }
    const fastMapping =
      fastColumns &&
      tryResolveColumns(file, scalarColumns(fastColumns, nested, opts.map), kind, opts.map)
    const fastSpec = fastMapping
      ? commaSpec(typedSpec(kind, fastMapping), opts, format === 'csv')
      : null
    // Orders that are all plain (an id seen once, no refund) need no numbering window: counted in
    // the fast path's own scan.
    // a refunded amount on an order's own row becomes a refund row (importOrderRows): not plain
    // so does an unpaid order of 0, refunded by a row of its own
    const notPlainBy = (net: string, s: TypedSpec | null): string =>
      `order_id IS NULL OR ${net} < 0 OR coalesce(refunded > 0, false)${s && hasUnpaid(s) ? ` OR coalesce(unpaid = 'yes' AND amount = 0, false)` : ''}`
    // without a refunded column a plain comparison, which the fast path decides from the table's
    // statistics (no negative amount: no row read)
    const fastNotPlain = notPlainBy(
      netAmount(fastSpec ? hasRefunded(fastSpec) : undefined),
      fastSpec,
    )
    // the store's rows of this kind, which the file's rows merge with
    const storedKind = extraKind(kind)
    const stored = storedKind ? { table: storedKind.table, key: storedKind.key } : undefined
    // the file line of the first record: Excel's "sep=" line (blank in the copy read) and the
    // header above it
    const firstLine = format === 'csv' ? (sepLine ? 3 : 2) : 1
    let fast = fastSpec
      ? await tryFastStage(engine, {
          source: fastSource(source),
          ...(format === 'csv'
            ? {
                typedSource: fastSource(source, doubleColumns(fastSpec)),
                datedSource: fastSource(
                  source,
                  doubleColumns(fastSpec),
                  timestampColumns(fastSpec, parse),
                ),
                // rows of nothing but separators are skipped, as the validating path skips them
                columns: fastColumns ?? [],
              }
            : {}),
          spec: fastSpec,
          parse,
          firstLine,
          ...(kind === 'orders' ? { tally: fastNotPlain } : {}),
          ...(stored ? { stored } : {}),
        })
      : null
    // the one currency the amounts' marks name ("$10.50"), in a file without a currency column
    let markedCurrency: string | null = null
    // the marks of a lines or returns file, checked against their orders once the rows are staged
    let linesMark: CurrencyMark | null = null
    const checkMarks = async (mark: CurrencyMark | null): Promise<void> => {
      // an orders file's rows are stored in it; lines and returns are in their orders' currency
      if (kind === 'orders') markedCurrency = mark?.currency ?? null
      else linesMark = mark
    }
    // Formatted amounts may carry currency marks, which the fast read dropped: their text is read
    // again (such files only) to refuse marks of two currencies, as the validating path does
    // (Parquet and JSON amounts may be text too, "$10.00" beside "€20.00": their read is not typed
    // ahead, so they are checked whenever they come; nor is a decimal comma's, "1.234,50 €")
    const untyped =
      fast?.formattedNumbers === true || format !== 'csv' || opts.decimalComma === true
    if (fast && untyped && MARKED_KINDS.has(kind) && fastSpec) {
      await checkMarks(
        await refuseMixedCurrencies(engine, file, fastSpec, (header) =>
          fileAmounts(fastSource(source), header, format === 'csv' ? 2 : 1),
        ),
      )
    }
    // The fast read failed, maybe on dates that are not ISO 8601: when the first rows show their
    // shape, read the file again in it rather than stage every row as text to report them all
    if (!fast && fastSpec && !parse.dateFormat && !parse.dateShape) {
      const shape = await sampledDateShape(engine, {
        source: fastSource(source),
        spec: fastSpec,
        parse,
      })
      if (shape) return await importFile(engine, file, { ...opts, dateShape: shape, digest: sha })
    }
    // The fast read numbers rows, not lines: a file that may hold blank lines (which the readers
    // skip), a CSV whose records do not each take one line (a quoted value holding a line break:
    // its content lines are not the header's, an Excel "sep=" line's and its records'), and one
    // whose malformed lines were left blank take the validating path, which stores each row's
    // own line (a Parquet file's read has NO_LINES)
    if (fast) {
      const { blank, contentLines } = (await sha).lines
      const records = firstLine - 1 + fast.rows + (fast.empty ?? 0)
      const spanning = format === 'csv' && contentLines !== null && contentLines !== records
      if (blank || spanning || opts.malformed) fast = null
    }
    let csvRejected = 0
    let rowsRead = fast?.rows ?? 0
    let emptyRows = fast?.empty ?? 0
    let columns = fastColumns ?? []
    if (!fast) {
      await dropTemp(engine)
      let floats = new Set<string>()
      try {
        const described = await describeTyped(source)
        columns = described.map((d) => d.column_name)
        floats = new Set(
          described.filter((d) => /^(FLOAT|DOUBLE)$/.test(d.column_type)).map((d) => d.column_name),
        )
      } catch (e) {
        // DuckDB's sniffer cannot read a file that mixes CRLF and LF: read a copy with LF only
        // (the same lines), under the file's own name
        if (format === 'csv' && !opts.readFrom && (await mixedLineEndings(file, gzip))) {
          const copy = await lfCopy(file, gzip)
          return await importCopy(engine, file, opts, copy, { mixedLineEndings: true })
        }
        throw await blankAware(readError(file, format, e), readPath, format, readGzip)
      }
      try {
        await engine.exec(importStage(engine.dialect, { source, format, columns, floats }))
      } catch (e) {
        throw await blankAware(readError(file, format, e), readPath, format, readGzip)
      }
      csvRejected =
        format === 'csv'
          ? await count(engine, 'SELECT count(DISTINCT line) AS n FROM import_csv_errors')
          : 0
      // JSON lines that do not parse are rejected the way a CSV reader's lines are
      if (opts.malformed && opts.malformed.length > 0) {
        for (const q of importMalformedLines(engine.dialect, opts.malformed)) await engine.exec(q)
        csvRejected = opts.malformed.length
      }
      const multiline =
        format === 'csv' &&
        (await count(engine, importMultilineCheck(engine.dialect, columns).sql)) > 0
      // the readers skip blank lines: the line numbers of the rows after one shift by it (a CSV
      // whose SHA-256 read found no sign of one is not scanned again; JSON lines always are,
      // their blank lines may hold spaces)
      const blanks =
        format === 'jsonl' || (format === 'csv' && (sepLine === true || (await sha).lines.blank))
          ? await blankLines(readPath, { format, gzip: readGzip })
          : []
      if (blanks.length > 0) {
        for (const q of importBlankLines(engine.dialect, blanks)) await engine.exec(q)
      }
      await engine.exec(
        importRawView(engine.dialect, {
          format,
          rejectedLines: csvRejected,
          ...(multiline ? { multiline: { columns } } : {}),
          ...(blanks.length > 0 ? { blanks: true } : {}),
        }),
      )
      if (format === 'csv') {
        emptyRows = await skipEmptyRows(engine, { columns, rejected: csvRejected > 0 })
      }
      const staged = await count(engine, 'SELECT count(*) AS n FROM import_src')
      rowsRead = staged + csvRejected - emptyRows
    }
    if (rowsRead === 0) throw noDataRows(file, format === 'csv')
    await opts.onStage?.('staged')

    // the orders' currency where no column names it: the amounts' marks', else the one the amount
    // column's header names (Umsatz (EUR))
    const fileCurrency = (): { currency?: string } => {
      const c = markedCurrency ?? mapping.amountCurrency
      return c ? { currency: c } : {}
    }
    const mapping =
      fast && fastMapping
        ? fastMapping
        : resolveOrPreamble(
            file,
            scalarColumns(columns, nested, opts.map),
            kind,
            opts.map,
            format === 'csv' && !gzip,
          )
    // read as a log without spend only because its amount column holds lists or objects (JSON's
    // [5], a Parquet INTEGER[]): every order was stored as 0, with exit 0
    const nestedAmount = mapping.noAmount
      ? [...nested].find((c) => namedAs('orders', 'amount', c))
      : undefined
    if (nestedAmount !== undefined) {
      throw new ImportError(
        `${file}: the column ${nestedAmount} holds lists or objects, not amounts (one number per order); nothing was imported. Write each order's amount as a number, or name the column that holds it with --map amount=COLUMN`,
      )
    }
    const spec = commaSpec(typedSpec(kind, mapping), opts, format === 'csv')
    let badLines = 0
    // of the bad lines, good ones left out with a bad line of their order (importLineSiblings)
    let leftOut = 0
    if (!fast) {
      const prevTz = (
        await engine.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")
      )[0]?.tz
      await engine.exec(`SET TimeZone = '${tz.replaceAll("'", "''")}'`)
      try {
        await engine.exec(typedTableSql(spec, parse))
      } finally {
        await engine.exec(`SET TimeZone = '${(prevTz ?? 'UTC').replaceAll("'", "''")}'`)
      }
      if (!parse.dateFormat && !parse.dateShape) {
        const shape = await unreadDates(engine, file, spec, parse.now, parse.tz)
        if (shape) return await importFile(engine, file, { ...opts, dateShape: shape, digest: sha })
      }
      if (MARKED_KINDS.has(kind)) {
        await checkMarks(
          await refuseMixedCurrencies(engine, file, spec, (_h, field) =>
            typedAmounts(writtenName(spec, field)),
          ),
        )
      }
      // the sniffer failed on what the reader reported already (bytes that are not UTF-8): the
      // check then applies, as it did before it looked at the quoting
      const unquotedCsv = format === 'csv' && quoted === null && sniffed?.quote !== '"'
      await engine.exec(
        problemsSql(
          spec,
          { ...parse, unquotedCsv },
          csvRejected > 0,
          (spec.refundsNameTheirCustomer === true || spec.inTheirOrdersCurrency === true) &&
            (await hasOrdersTable(engine)),
          stored && spec.inOrder && (await hasStoreTable(engine, stored.table))
            ? stored
            : undefined,
        ),
      )
      // a file whose lines are an order's lines (line items, a Shopify export, order lines)
      // replaces the order and its stored lines: one with a bad line is left out whole instead
      const shopify = kind === 'orders' && mapping.layout === 'shopify-orders'
      const problemLines = () =>
        count(engine, 'SELECT count(DISTINCT line) AS n FROM import_problems')
      badLines = await problemLines()
      // the good rows left out with a bad row of their order; the refunds of an order whose own
      // row is rejected go with it too: kept, they took back revenue the store never had (an order
      // of 50 rejected, its refund of -50 stored)
      const name = mapping.columns.order_id ?? null
      const withTheirOrder =
        badLines === 0 || !opts.skipBadRows
          ? null
          : mapping.layout === 'line-items' || shopify || kind === 'order-lines'
            ? importLineSiblings(engine.dialect, {
                header: name,
                ...(shopify ? { rawOrder: `nullif(trim(${ident(name ?? 'Name')}), '')` } : {}),
              })
            : kind === 'orders' && mapping.layout === 'plain' && name !== null
              ? importOrphanRefunds(engine.dialect, {
                  header: mapping.columns.amount ?? null,
                  stored: await hasOrdersTable(engine),
                })
              : null
      if (withTheirOrder) {
        await engine.exec(withTheirOrder)
        const bad = badLines
        badLines = await problemLines()
        leftOut = badLines - bad
      }
      // some bad value a number with a decimal comma (12,50), and none written with a point:
      // read the file so, as the one way its numbers read, and say so
      if (badLines > 0 && !opts.decimalComma) {
        const [c] = await engine.query<{ comma: number; point: number }>(decimalCommaCheckSql(spec))
        if (Number(c?.comma) > 0 && Number(c?.point) === 0) {
          return await importFile(engine, file, {
            ...opts,
            decimalComma: true,
            decimalCommaFound: true,
            digest: sha,
          })
        }
      }
      // --skip-bad-rows with no good row left would import nothing and say it succeeded
      const none = opts.skipBadRows && badLines >= rowsRead
      const withOrder = leftOut > 0 ? ` or left out with a bad line of its order (${leftOut})` : ''
      if (badLines > 0 && (!opts.skipBadRows || none)) {
        const total = await count(engine, 'SELECT count(*) AS n FROM import_problems')
        const rows = await engine.query<{ line: number; col: string | null; reason: string }>(
          `SELECT line, col, reason FROM import_problems ORDER BY line, col NULLS FIRST LIMIT ${PROBLEMS_SHOWN}`,
        )
        const problems: RowProblem[] = rows.map((r) => ({
          file,
          line: Number(r.line),
          column: r.col,
          reason: r.reason,
        }))
        // --rejects alone: the refused import still writes every bad row there, so that a file
        // with more problems than a screen shows can be fixed in one pass; so does
        // --skip-bad-rows with no good row, which asked for the rejects in a file
        const out = opts.rejects ?? (none ? `${file}.rejects.csv` : undefined)
        if (out !== undefined) {
          await engine.exec(
            importRejects(engine.dialect, { out, csvRejects: csvRejected > 0, columns }),
          )
        }
        const where = out !== undefined ? ` Every bad row is in ${out}.` : ''
        throw new ImportError(
          none
            ? `${file}: every row is bad (${badLines - leftOut})${withOrder}; nothing was imported. Fix ${badLines - leftOut === 1 ? 'it' : 'them'} and import again.${where}`
            : `${file}: ${badLines} bad row${badLines === 1 ? '' : 's'}; nothing was imported.${where} ` +
                `Fix ${badLines === 1 ? 'it' : 'them'}, or pass --skip-bad-rows (skipBadRows in the library) to import the good rows and write the rejects to a file.`,
          problems,
          total,
        )
      }
    }
    await opts.onStage?.('validated')

    // written once the good rows are committed (below): an import killed before that leaves no
    // rejects file saying rows were skipped from it, nor replaces an earlier import's
    const rejectsFile: string | null = badLines > 0 ? (opts.rejects ?? `${file}.rejects.csv`) : null

    const extra = extraKind(kind)
    const main = extra
      ? { staged: 'import_kind_rows', table: extra.table, key: extra.key, columns: extra.columns }
      : kind === 'orders'
        ? { staged: 'import_rows', table: 'orders', key: 'order_key', columns: ORDER_COLUMNS }
        : kind === 'order-lines'
          ? {
              staged: 'import_line_rows',
              table: 'order_lines',
              key: 'line_key',
              columns: LINE_COLUMNS,
            }
          : {
              staged: 'import_customer_rows',
              table: 'customers',
              key: 'customer_id',
              columns: CUSTOMER_COLUMNS,
            }
    const repeatedRows = spec.uniqueBy
      ? await repeatedRowsOf(engine, spec.uniqueBy, badLines > 0)
      : undefined
    let ordersAsView = false
    // every order row plain (an id seen once, no refund): a scratch import then has no refund to check
    let ordersPlain = false
    // the file says what was refunded of each order (a refunded amount or status column)
    let statesRefunds = false
    // the own-row refunds were netted of the orders' refund rows (import-refunded-rest.ts)
    let refundedRest = false
    // stored own-row refunds the file's refund rows cover in full: they leave the store
    let coveredStored = 0
    // order lines come with the orders of a Shopify export and of a file of line items with ids
    const hasLines =
      kind === 'orders' &&
      (mapping.layout === 'shopify-orders' ||
        (mapping.layout === 'line-items' && mapping.columns.order_id !== undefined))
    if (kind === 'orders') {
      const lineItems = mapping.layout === 'line-items'
      const unpaidLines = lineItems && spec.fields.some((f) => f.field === 'unpaid')
      // (a status column alone, as a transaction log's, says which orders are cancelled: a later
      // export saying one was completed after all withdraws its mark)
      statesRefunds = hasRefunded(spec) || unpaidLines || hasUnpaid(spec)
      if (lineItems) {
        await engine.exec(
          importLineOrders(engine.dialect, {
            hasProblems: badLines > 0,
            unpaid: unpaidLines,
            lineTotal: mapping.lineTotal === true,
          }),
        )
      }
      // Orders that are all plain (an id seen once, no refund) need no numbering window; a first
      // import of them into an empty store reads them once, straight into `orders`, via a view.
      const plain =
        mapping.layout !== 'shopify-orders' &&
        !lineItems &&
        (fast
          ? fast.tally + (await count(engine, 'SELECT count(*) AS n FROM import_dupkeys'))
          : await count(
              engine,
              `SELECT count(*) FILTER (WHERE ${notPlainBy(NET_AMOUNT, spec)})
                 + (SELECT count(*) FROM import_dupkeys) AS n FROM import_typed`,
            )) === 0
      const emptyOrders =
        (await count(engine, 'SELECT count(*) AS n FROM (SELECT 1 FROM orders LIMIT 1)')) === 0
      const asView = plain && emptyOrders
      ordersAsView = asView
      ordersPlain = plain
      await engine.exec(
        importOrderRows(engine.dialect, {
          tz,
          source: file,
          hasProblems: badLines > 0,
          plain,
          asView,
          refunded: statesRefunds,
          unpaid: !lineItems && hasUnpaid(spec),
          ...(lineItems ? { rows: 'SELECT * FROM import_line_orders' } : {}),
          ...fileCurrency(),
        }),
      )
      // plain rows hold no refund; into an empty store there is nothing to find
      if (!plain && !emptyOrders) await engine.exec(importRefundRekey(engine.dialect))
      // an order's refunded amount or status counts its refund rows as part of it, those of the
      // file and those stored (and a stored one, the refund rows a later file brings)
      refundedRest = !plain
      if (refundedRest) {
        await engine.exec(importRefundedRest(engine.dialect))
        if (!emptyOrders)
          coveredStored = await count(engine, coveredStoredCount(engine.dialect).sql)
      }
      const c = mapping.columns
      if (hasLines) {
        // a line-items file names quantity and price as orders do; Shopify's are the line's own
        const qty = lineItems ? c.quantity : c.line_quantity
        const price = lineItems ? c.unit_price : c.line_price
        await engine.exec(
          importItemLineRows(engine.dialect, {
            source: file,
            name: c.order_id ?? 'Name',
            ...(c.line_sku ? { sku: c.line_sku } : {}),
            ...(c.line_name ? { title: c.line_name } : {}),
            ...(qty ? { qty } : {}),
            ...(price ? { price } : {}),
            lineTotal: lineItems && mapping.lineTotal === true,
            hasProblems: badLines > 0,
            ...(opts.decimalComma ? { readNumber: (v: string) => decimalCommaSql(v, false) } : {}),
          }),
        )
      }
    } else if (kind === 'order-lines') {
      await engine.exec(
        importLineRows(engine.dialect, {
          source: file,
          hasProblems: badLines > 0,
          unitPrice: mapping.columns.unit_price !== undefined,
        }),
      )
    } else if (extra) {
      await engine.exec(
        importKindRows(engine.dialect, {
          ...extra.rows((instant) => localDay(tz, instant)),
          source: file,
          hasProblems: badLines > 0,
        }),
      )
    } else {
      await engine.exec(
        importCustomerRows(engine.dialect, { source: file, hasProblems: badLines > 0 }),
      )
    }
    if (linesMark) await refuseForeignMarks(engine, file, kind, linesMark, main.staged)
    const rowsStored = await count(engine, `SELECT count(*) AS n FROM ${main.staged}`)
    const empty: Record<string, boolean> = {}
    const writeSet = async (m: typeof main, into: string, keep: readonly string[] = []) => {
      const tableEmpty =
        (await count(engine, `SELECT count(*) AS n FROM (SELECT 1 FROM ${m.table} LIMIT 1)`)) === 0
      empty[m.table] = tableEmpty
      await engine.exec(importChanges(engine.dialect, { ...m, into, tableEmpty, keep }))
    }
    await writeSet(
      main,
      'import_write',
      uncarriedColumns(spec, main.columns, fileCurrency().currency ? ['currency'] : []),
    )
    if (!empty[main.table] && main.columns.includes('customer_id')) {
      await refuseErased(engine, file, main)
    }
    if (hasLines) {
      await writeSet(
        {
          staged: 'import_line_rows',
          table: 'order_lines',
          key: 'line_key',
          columns: LINE_COLUMNS,
        },
        'import_line_write',
      )
    }
    // Into an empty table every staged row is new: no need to read the write set once more.
    let changes = empty[main.table]
      ? { inserted: rowsStored, updated: 0 }
      : ((
          await engine.query<{ inserted: number; updated: number }>(
            'SELECT count(*) FILTER (WHERE __new) AS inserted, count(*) FILTER (WHERE NOT __new) AS updated FROM import_write',
          )
        )[0] ?? { inserted: 0, updated: 0 })
    // refunds an earlier file made of orders this file's version refunds nothing of
    let withdrawn = { n: 0, examples: '', more: 0 }
    // those and the stored own-row refunds that the file's refund rows now cover: all leave
    let refundsLeaving = 0
    if (statesRefunds && empty.orders !== true) {
      await engine.exec(importWithdrawnRefunds(engine.dialect, { covered: refundedRest }))
      const [w] = await engine.query<{ n: number; rows: number; examples: string | null }>(
        withdrawnRefunds(engine.dialect).sql,
      )
      const n = Number(w?.n ?? 0)
      refundsLeaving = Number(w?.rows ?? 0)
      withdrawn = { n, examples: w?.examples ?? '', more: Math.max(0, n - WITHDRAWN_SHOWN) }
    }
    const digest = (await sha).sha
    // The same file imported again, read the same way (nothing new), changes nothing: the rows it
    // would change are rows a later file corrected, and "a later file's version wins" would give
    // the old export the last word (a March export imported again after May's undid May's fixes).
    const reading = JSON.stringify({
      columns: mapping.columns,
      tz,
      dateFormat: parse.dateFormat ?? parse.dateShape?.format ?? null,
      decimalComma: opts.decimalComma === true,
      encoding: opts.encoding ?? null,
    })
    // Lines are replaced per order: rows of the file that a later file dropped come back as new,
    // and lines a later file added would be removed, so any change at all counts, not updates only.
    const linesKind = kind === 'order-lines' || hasLines
    // (a table left empty since holds no later version to keep: its rows are stored again)
    const [earlier] =
      digest !== '' && empty[main.table] !== true
        ? await engine.query<{ file: string; at: string; rejected: number }>(
            importSameFile(engine.dialect, { sha256: digest, kind, reading }),
          )
        : []
    const dropped =
      earlier && linesKind && empty.order_lines !== true
        ? await count(
            engine,
            `SELECT n FROM (${countReplacedLines(engine.dialect, { hasProblems: badLines > 0 }).sql}) c`,
          )
        : 0
    // ... except the refunds the earlier import of the file left out with their bad order (it had
    // bad rows, --skip-bad-rows) whose order another file has stored since: new rows, stored now as
    // when that file came first (README: "unless the order is stored already"); without this the
    // refund was lost, and the import counted it among the rows left as a later file had them
    const filledIn =
      earlier && Number(earlier.rejected) > 0 && kind === 'orders'
        ? await count(engine, `SELECT count(*) AS n FROM import_write WHERE ${LEFT_OUT_REFUND}`)
        : 0
    // the file's own rows only: lines are keyed by their content, so a line a later file changed
    // is one of the file's rows not stored (inserted) and a stored line the file lacks (dropped);
    // the dropped lines beyond those are lines a later file added to the file's orders
    const keptLater = earlier
      ? Number(changes.updated) +
        Number(changes.inserted) -
        filledIn +
        refundsLeaving +
        coveredStored
      : 0
    const addedLater = earlier ? Math.max(0, dropped - Number(changes.inserted)) : 0
    if (earlier) {
      withdrawn = { n: 0, examples: '', more: 0 }
      refundsLeaving = 0
      coveredStored = 0
      await engine.exec(
        `DELETE FROM import_write${filledIn > 0 ? ` WHERE NOT (${LEFT_OUT_REFUND})` : ''}${hasLines ? '; DELETE FROM import_line_write' : ''}`,
      )
      changes = { inserted: filledIn, updated: 0 }
    }
    // a later file's version of an order replaces the stored one (a corrected export): said, with
    // what changed, while the store still holds the old versions
    const changedOrders =
      kind === 'orders' && Number(changes.updated) > 0
        ? (
            await engine.query<{ order_id: string; what: string }>(
              importChangedOrders(engine.dialect).sql,
            )
          ).map((r) => ({ orderId: String(r.order_id), what: r.what }))
        : []
    // an id-less order whose amount a later export changed is stored beside the first: named
    const sameTime =
      kind === 'orders' && empty[main.table] === false && Number(changes.inserted) > 0
        ? await sameTimeOrders(engine)
        : undefined
    // so is an id-less survey answer a later export corrected
    const sameTimeAnswers =
      kind === 'surveys' && empty[main.table] === false && Number(changes.inserted) > 0
        ? await sameTimeResponses(engine)
        : undefined
    const lines = hasLines ? await count(engine, 'SELECT count(*) AS n FROM import_line_rows') : 0
    // the lines a file carries for an order are that order's lines: stored ones it lacks go
    const linesReplaced =
      linesKind && empty.order_lines !== true
        ? earlier
          ? { lines: 0, orders: 0 }
          : (
              await engine.query<{ n: number; orders: number }>(
                countReplacedLines(engine.dialect, { hasProblems: badLines > 0 }).sql,
              )
            ).map((r) => ({ lines: Number(r.n), orders: Number(r.orders) }))[0]
        : undefined
    const stats =
      kind === 'orders' && !opts.scratch
        ? (
            await engine.query<{
              customers: number
              first: string | null
              last: string | null
              after: number | null
              refunds: number
              marks: number
            }>(
              `SELECT count(DISTINCT customer_id) AS customers,
                count(*) FILTER (WHERE amount < 0 AND NOT ${isZeroRefundMark('amount')}) AS refunds,
                count(*) FILTER (WHERE ${isZeroRefundMark('amount')}) AS marks,
                CAST(min(order_date) FILTER (WHERE amount >= 0) AS VARCHAR) AS first,
                CAST(max(order_date) FILTER (WHERE amount >= 0) AS VARCHAR) AS last,
                ${opts.asOf ? `count(*) FILTER (WHERE amount >= 0 AND order_date > DATE '${opts.asOf}')` : 'NULL'} AS after
               FROM import_rows`,
            )
          )[0]
        : kind === 'customers'
          ? { customers: rowsStored, first: null, last: null, after: null, refunds: 0, marks: 0 }
          : { customers: 0, first: null, last: null, after: null, refunds: 0, marks: 0 }

    // Scratch store, plain orders read by the fast path into an empty table: no copy (see scratch).
    const keepTyped =
      opts.scratch === true &&
      engine.dialect === 'duckdb' &&
      fast !== null &&
      kind === 'orders' &&
      mapping.layout === 'plain' &&
      badLines === 0 &&
      empty.orders === true &&
      ordersAsView
    const importId = randomUUID()
    // (the refunds filled in above are the same reading's: no other reading to speak of)
    const [before] =
      digest !== '' && Number(changes.inserted) > filledIn
        ? await engine.query<{ file: string; at: string }>(
            importSameFile(engine.dialect, { sha256: digest, kind }),
          )
        : []
    // Stored rows carry their line (source_line), so the write need not keep the file's order; an
    // order-preserving insert of millions of rows is written to disk twice (at insert, and again
    // when its batches are merged at checkpoint).
    const unordered = engine.dialect === 'duckdb'
    // an orders file that says where orders went fills the customers' places (import-order-places)
    const places = kind === 'orders' ? PLACE_FIELDS.filter((f) => mapping.columns[f]) : []
    let placesFilled = 0
    let refundsMoved = 0
    if (unordered) await engine.exec('SET preserve_insertion_order = false')
    try {
      await engine.transaction(async (tx) => {
        if (linesReplaced && linesReplaced.lines > 0) {
          await tx.exec(deleteReplacedLines(tx.dialect, { hasProblems: badLines > 0 }))
        }
        if (keepTyped) {
          await tx.exec('ALTER TABLE import_fast RENAME TO scratch_orders; DROP TABLE orders')
          await tx.exec(
            typedViewSql(spec, {
              table: 'scratch_orders',
              view: 'scratch_typed',
              firstLine,
            }),
          )
          await tx.exec(
            importOrderRows(tx.dialect, {
              tz,
              source: file,
              hasProblems: false,
              scratchFrom: 'scratch_typed',
              refunded: hasRefunded(spec),
              costs: hasCosts(spec),
              ...fileCurrency(),
            }),
          )
        } else {
          if (refundsLeaving > 0) await tx.exec(deleteWithdrawnRefunds(tx.dialect))
          if (coveredStored > 0) await tx.exec(deleteCoveredRefunds(tx.dialect))
          const moving = kind === 'orders' && empty[main.table] !== true
          if (moving) await tx.exec(importMovedOrders(tx.dialect))
          await tx.exec(
            importUpsert(tx.dialect, {
              ...main,
              writeSet: 'import_write',
              tableEmpty: empty[main.table] === true,
            }),
          )
          if (moving) {
            refundsMoved = await count(tx, movedRefundCount(tx.dialect).sql)
            if (refundsMoved > 0) await tx.exec(moveRefunds(tx.dialect))
          }
        }
        if (places.length > 0) {
          const rows = keepTyped ? 'SELECT * FROM scratch_typed' : goodRows(badLines > 0)
          await tx.exec(importOrderPlaces(tx.dialect, { rows, fields: places }))
          const placesMove = (await count(tx, ordersPlaced(tx.dialect).sql)) > 0
          const [n] = await tx.query<{ added: number; filled: number; moved: number }>(
            countOrderPlaces(tx.dialect, { moving: placesMove }),
          )
          const added = Number(n?.added ?? 0)
          const filled = Number(n?.filled ?? 0)
          const moved = Number(n?.moved ?? 0)
          // moved first: a customer filled or added here has this file's place already
          if (moved > 0) await tx.exec(moveOrderPlaces(tx.dialect, { source: file }))
          if (filled > 0) await tx.exec(fillOrderPlaces(tx.dialect))
          if (added > 0) await tx.exec(addOrderPlaces(tx.dialect, { source: file }))
          placesFilled = added + filled + moved
        }
        await opts.onStage?.(
          extra
            ? 'rows-written'
            : kind === 'orders'
              ? 'orders-written'
              : kind === 'order-lines'
                ? 'lines-written'
                : 'customers-written',
        )
        if (hasLines) {
          await tx.exec(
            importUpsert(tx.dialect, {
              writeSet: 'import_line_write',
              tableEmpty: empty.order_lines === true,
              table: 'order_lines',
              key: 'line_key',
              columns: LINE_COLUMNS,
            }),
          )
          await opts.onStage?.('lines-written')
        }
        await tx.exec(
          importRecord(tx.dialect, {
            importId,
            kind,
            file,
            sha256: digest,
            rowsIn: rowsRead,
            rowsStored,
            rowsRejected: badLines,
            reading,
          }),
        )
      }, WHOLE_ON_CRASH)
    } finally {
      if (unordered) await engine.exec('RESET preserve_insertion_order')
    }
    if (rejectsFile !== null) {
      await engine.exec(
        importRejects(engine.dialect, { out: rejectsFile, csvRejects: csvRejected > 0, columns }),
      )
    }
    // the rejects file of an earlier import of this file would still list rows since fixed
    const rejectsEmptied =
      badLines === 0 && (opts.skipBadRows || opts.rejects !== undefined)
        ? emptyStaleRejects(opts.rejects ?? `${file}.rejects.csv`)
        : null
    const linesWithoutOrder =
      kind === 'order-lines'
        ? (
            await engine.query<{ n: number; orders: number; examples: string | null }>(
              importLinesWithoutOrder(engine.dialect).sql,
            )
          ).map((r) => ({
            rows: Number(r.n),
            orders: Number(r.orders),
            examples: r.examples ?? '',
          }))[0]
        : undefined
    const selfReferrals =
      kind === 'referrals'
        ? (
            await engine.query<{ n: number; examples: string | null }>(
              importSelfReferrals(engine.dialect, { rows: 'import_kind_rows' }).sql,
            )
          )[0]
        : undefined
    // an order's status that says neither "never paid / paid back" nor a known word of a paid
    // order ("Returned", "Fraud") counts as a purchase: the import names such words
    const statusHeader = mapping.columns.status
    const unknownStatuses =
      (kind === 'orders' || kind === 'order-lines') && statusHeader
        ? await engine.query<{ status: string; n: number; rows: number; kinds: number }>(
            importStatusWords(engine.dialect, {
              source,
              status: statusHeader,
              unpaid: mapping.wooStatuses ? WOO_UNPAID_STATUS : UNPAID_STATUS,
              paid: PAID_STATUS,
              limit: 4,
            }).sql,
          )
        : []
    const unmatched = hasOwnerCheck(kind)
      ? (
          await engine.query<{
            n: number
            ownerless: number
            named: number
            examples: string | null
            any_known: number
          }>(importUnmatched(engine.dialect, { kind, rows: 'import_kind_rows' }).sql)
        )[0]
      : undefined
    // amounts whose every point stands before exactly three digits (2.000, 12.500) read as
    // decimals, but may be thousands written the German way: said, on a sample of the file's text
    // (the staging source reads every column as text, and passes over malformed lines)
    const { point: pointThousands, comma: commaThousands } =
      format === 'csv' && kind === 'orders' && !opts.decimalComma
        ? await thousandsHeaders(
            engine,
            source,
            headersOf(spec, 'number'),
            spec.fields.find((f) => f.field === 'currency')?.header ?? null,
            fileCurrency().currency ?? null,
          )
        : { point: [], comma: [] }
    const overReturned =
      kind === 'returns'
        ? await engine.query<{
            order_id: string
            line: number
            returned: number
            paid: number
            n: number
          }>(importReturnsOverPaid(engine.dialect, { rows: 'import_kind_rows' }).sql)
        : undefined
    // a currency column naming several currencies, or none on some rows: the file imports, but
    // summary and analyze refuse (or take the blank rows as the one currency named)
    const mix =
      kind === 'orders' && !opts.scratch && currencyColumn(spec)
        ? (
            await engine.query<{ currency: string | null; n: number; line: number }>(
              importCurrencyMix(engine.dialect).sql,
            )
          ).map((c) => ({ currency: c.currency, rows: Number(c.n), line: Number(c.line) }))
        : []
    // this file in one currency beside stored orders in another (the file's own mix is said above)
    const inStore =
      kind === 'orders' && !opts.scratch && mix.filter((c) => c.currency !== null).length < 2
        ? (
            await engine.query<{ currency: string; n: number }>(orderCurrencies(engine.dialect))
          ).map((c) => ({ currency: c.currency, rows: Number(c.n) }))
        : []
    const returnedEarly =
      kind === 'returns'
        ? await engine.query<{ order_id: string; line: number; days_before: number; n: number }>(
            importReturnsBeforeOrder(engine.dialect, { rows: 'import_kind_rows' }).sql,
          )
        : undefined
    // a scratch store (analyze FILE) counts no refunds (no statistics scan): unless every row was
    // plain it looks, so that analyze FILE warns of them as loyals import does
    // (and an import of orders without refunds looks when it brings orders refunded in the store)
    const suspect =
      kind === 'orders' &&
      (opts.scratch
        ? !ordersPlain
        : Number(stats?.refunds ?? 0) > 0 ||
          (await count(engine, importTouchesRefunded(engine.dialect).sql)) > 0)
        ? await engine.query<{
            problem: 'over' | 'early'
            order_id: string
            line: number
            refunded: number
            paid: number
            days_before: number
            n: number
          }>(importRefundsSuspect(engine.dialect).sql)
        : undefined
    const suspectOf = (problem: 'over' | 'early') => {
      const rows = (suspect ?? []).filter((r) => r.problem === problem)
      return {
        orders: Number(rows[0]?.n ?? 0),
        examples: rows
          .map((o) =>
            problem === 'over'
              ? `${o.order_id} (line ${o.line}): ${Number(o.refunded).toFixed(2)} refunded of ${Number(o.paid).toFixed(2)} paid`
              : `${o.order_id} (line ${o.line}): refunded ${o.days_before} day${Number(o.days_before) === 1 ? '' : 's'} before it was placed`,
          )
          .join(', '),
      }
    }
    const otherOwner =
      kind === 'returns'
        ? (
            await engine.query<{ n: number; examples: string | null }>(
              importReturnOwners(engine.dialect, { rows: 'import_kind_rows' }).sql,
            )
          )[0]
        : undefined
    // a header naming UTC wins over --tz for its times without an offset (fieldParse): said
    const utcColumns =
      tz === 'UTC'
        ? []
        : spec.fields.flatMap((f) =>
            f.type === 'date' && f.header !== null && headerNamesUtc(f.header) ? [f.header] : [],
          )
    // JSON records without nested fields read like a CSV's rows: the same notes of unread columns
    // (nested ones flatten to customer.id, customer.email ...: every field the shop's API has)
    const flatRecords = format !== 'jsonl' || !columns.some((c) => c.includes('.'))
    return {
      importId,
      file,
      kind,
      format,
      gzip,
      layout: mapping.layout,
      sha256: digest,
      columns: mapping.columns,
      rowsRead,
      rowsStored,
      inserted: Number(changes.inserted),
      updated: Number(changes.updated),
      readAgain: before ? { file: before.file, importedAt: String(before.at).slice(0, 19) } : null,
      ...(earlier && keptLater + addedLater > 0
        ? {
            importedBefore: {
              file: earlier.file,
              importedAt: String(earlier.at).slice(0, 19),
              keptLater,
              ...(addedLater > 0 ? { addedLater } : {}),
            },
          }
        : {}),
      changedOrders,
      ...(sameTime ? { sameTimeOrders: sameTime } : {}),
      ...(repeatedRows ? { repeatedRows } : {}),
      ...(sameTimeAnswers ? { sameTimeResponses: sameTimeAnswers } : {}),
      ...(linesReplaced ? { linesReplaced } : {}),
      ...(linesWithoutOrder ? { linesWithoutOrder } : {}),
      unchanged: rowsStored - Number(changes.inserted) - Number(changes.updated),
      rejected: badLines,
      ...(leftOut > 0 ? { leftOut } : {}),
      rejectsFile,
      ...(rejectsEmptied ? { rejectsEmptied } : {}),
      lines,
      customers: Number(stats?.customers ?? 0),
      refunds: Number(stats?.refunds ?? 0),
      refundMarks: Number(stats?.marks ?? 0),
      refundsMoved,
      refundsWithdrawn: withdrawn,
      firstDate: stats?.first ?? null,
      lastDate: stats?.last ?? null,
      afterAsOf: stats?.after === null || stats?.after === undefined ? null : Number(stats.after),
      unmatched: unmatched
        ? {
            rows: Number(unmatched.n),
            ownerless: Number(unmatched.ownerless),
            // returns only, and only when some are: the other kinds' notes have no use for it
            ...(Number(unmatched.named) > 0 ? { named: Number(unmatched.named) } : {}),
            examples: unmatched.examples ?? '',
            ...(Number(unmatched.any_known) === 0 ? { noCustomers: true } : {}),
          }
        : null,
      otherOwner: otherOwner
        ? { rows: Number(otherOwner.n), examples: otherOwner.examples ?? '' }
        : null,
      ...(unknownStatuses.length > 0
        ? {
            unknownStatuses: {
              rows: Number(unknownStatuses[0]!.rows),
              kinds: Number(unknownStatuses[0]!.kinds),
              values: unknownStatuses.map((u) => ({ status: u.status, rows: Number(u.n) })),
            },
          }
        : {}),
      ...(selfReferrals && Number(selfReferrals.n) > 0
        ? {
            selfReferrals: {
              rows: Number(selfReferrals.n),
              examples: selfReferrals.examples ?? '',
            },
          }
        : {}),
      ...(overReturned
        ? {
            overReturned: {
              orders: Number(overReturned[0]?.n ?? 0),
              examples: overReturned
                .map(
                  (o) =>
                    `${o.order_id} (line ${o.line}): ${Number(o.returned).toFixed(2)} returned of ${Number(o.paid).toFixed(2)} paid`,
                )
                .join(', '),
            },
          }
        : {}),
      ...(mix.length > 1 ? { currencies: mix } : {}),
      ...(inStore.length > 1 ? { storeCurrencies: inStore } : {}),
      ...(returnedEarly && returnedEarly.length > 0
        ? {
            returnedEarly: {
              returns: Number(returnedEarly[0]?.n ?? 0),
              examples: returnedEarly
                .map(
                  (r) =>
                    `${r.order_id} (line ${r.line}): ${r.days_before} day${Number(r.days_before) === 1 ? '' : 's'} before it was placed`,
                )
                .join(', '),
            },
          }
        : {}),
      ...(suspect
        ? { suspectRefunds: { over: suspectOf('over'), early: suspectOf('early') } }
        : {}),
      noAmount: mapping.noAmount === true,
      mixedLineEndings: false,
      jsonArray: false,
      jsonWrapper: null,
      guessedCustomer: mapping.guessedCustomer ?? null,
      unusedColumns:
        mapping.layout === 'plain' && flatRecords
          ? columns.filter((c) => !Object.values(mapping.columns).includes(c))
          : [],
      ...(mapping.minorUnits ? { minorUnits: true } : {}),
      ...(mapping.wooStatuses ? { wooStatuses: true } : {}),
      otherAmounts:
        mapping.otherAmounts && mapping.columns.amount
          ? { read: mapping.columns.amount, others: mapping.otherAmounts }
          : null,
      // as the unused columns: JSON's nested records name their customer's every field
      // (customer.id, customer.email), which says nothing of the file
      ...(mapping.otherCustomers && mapping.columns.customer_id && flatRecords
        ? { otherCustomers: { read: mapping.columns.customer_id, others: mapping.otherCustomers } }
        : {}),
      repeatedHeaders: repeatedHeaders(mapping.columns, columns),
      placesFilled: places.length > 0 ? placesFilled : null,
      questionColumns: mapping.questions ?? null,
      // a status column is read for its words (refunded in full or not), not as a number
      decimalCommaFound: opts.decimalCommaFound
        ? [...new Set(headersOf(spec, 'number'))].filter((h) => h !== mapping.columns.status)
        : null,
      pointThousands,
      ...(commaThousands.length > 0 ? { commaThousands } : {}),
      emptyRows,
      ...(utcColumns.length > 0 ? { utcColumns } : {}),
      ...(mapping.amountCurrency && markedCurrency === null
        ? {
            amountCurrency: {
              column: mapping.columns.amount ?? '',
              currency: mapping.amountCurrency,
            },
          }
        : {}),
      dateShape: opts.dateShape
        ? {
            label: opts.dateShape.shape.label,
            format: opts.dateShape.format,
            example: opts.dateShape.example,
            columns: headersOf(spec, 'date'),
          }
        : null,
    }
  } finally {
    await dropTemp(engine)
  }
}

/**
 * Mapped headers that the file repeats, apart from case too: DuckDB's reader keeps the first as
 * named and calls the others `<name>_1`, `<name>_2` ... (laterCopies; a file that really names a
 * column `Date_1` beside `Date` reads as a repeat too; the note then only says which one was read).
 */
function repeatedHeaders(
  mapped: Readonly<Record<string, string>>,
  columns: readonly string[],
): ImportResult['repeatedHeaders'] {
  const out: { field: string; header: string; others: string[] }[] = []
  for (const [field, header] of Object.entries(mapped)) {
    const others = laterCopies(columns, header)
    if (others.length > 0) out.push({ field, header, others })
  }
  return out
}

/** The columns of `headers` whose sampled dotted values are all written 1.234 (see the query). */
async function thousandsHeaders(
  engine: Engine,
  source: string,
  headers: readonly string[],
  currencyHeader: string | null,
  fileCurrency: string | null,
): Promise<{ point: string[]; comma: string[] }> {
  if (headers.length === 0) return { point: [], comma: [] }
  // in dinars (KWD, BHD ...) every amount has three decimals: 2.000 is two, and the point note
  // would only point the user to a wrong --decimal-comma
  const [row] = await engine.query<Record<string, number | string | null>>(
    importPointThousands(engine.dialect, {
      source,
      headers,
      ...(currencyHeader ? { currency: currencyHeader } : {}),
    }),
  )
  const n = (name: string, i: number) => Number(row?.[`${name}_${i}`] ?? 0)
  const sampled = row?.currencies ? String(row.currencies).split(',') : []
  const codes = fileCurrency !== null ? [fileCurrency] : sampled
  const inThousandths = codes.length > 0 && codes.every((c) => minorDigits(c) === 3)
  return {
    point: inThousandths
      ? []
      : headers.filter((_, i) => n('dotted', i) > 0 && n('three', i) === n('dotted', i)),
    comma: headers.filter(
      (_, i) => n('commaed', i) > 0 && n('grouped', i) === n('commaed', i) && n('dotted', i) === 0,
    ),
  }
}

/** How a JSON copy's records sat in the file, from what the copy mended (`mark`). */
function recordLayout(mark: Partial<ImportResult>): RecordLayout {
  if (mark.jsonWrapper) return { kind: 'list', field: mark.jsonWrapper }
  return mark.jsonDocuments ? { kind: 'documents' } : { kind: 'array' }
}

/** A rewritten copy of an input file (see `readFrom`), and how to delete it. */
interface FileCopy {
  readonly path: string
  readonly remove: () => Promise<void>
}

/** Import `file` read from its `copy`, then delete the copy; `mark` says what the copy mended. */
async function importCopy(
  engine: Engine,
  file: string,
  opts: ImportOptions,
  copy: FileCopy,
  mark: Partial<ImportResult>,
): Promise<ImportResult> {
  try {
    return { ...(await importFile(engine, file, { ...opts, readFrom: copy.path })), ...mark }
  } catch (e) {
    // the copy holds one record a line, so its line numbers are record numbers of the file; the
    // line each opens on in the file is found by one scan of it (unless they share one line)
    if (mark.jsonArray && e instanceof ImportError && e.problems.length > 0) {
      const { starts } = await scanRecordLines(
        file,
        detectFormat(file, {}).gzip,
        recordLayout(mark),
      )
      const oneLine = starts.length > 0 && starts[0] === starts.at(-1)
      // "also on line N" of a duplicate names a line of the copy: record N of the file
      const at = (n: number) => {
        const line = oneLine ? undefined : starts[n - 1]
        return `in record ${n}${line !== undefined ? ` (line ${line})` : ''}`
      }
      const problems = e.problems.map((p) => {
        if (p.line === null) return p
        const startLine = oneLine ? undefined : starts[p.line - 1]
        const reason = p.reason.replace(
          / also on line (\d+) /,
          (_m, n) => ` also ${at(Number(n))} `,
        )
        return { ...p, reason, record: true, ...(startLine !== undefined ? { startLine } : {}) }
      })
      throw new ImportError(e.message, problems, Number(e.details.total ?? problems.length))
    }
    throw e
  } finally {
    await copy.remove()
  }
}

/**
 * JSON records written out as JSON lines, one object a line, in a temporary directory: the
 * records of a top-level array (`wrapper` null), or the list under the field `wrapper` of each
 * document, one after another.
 * @throws ImportError when the file is not valid JSON.
 */
async function jsonLinesCopy(
  engine: Engine,
  file: string,
  gzip: boolean,
  records: null | { readonly list: string } | { readonly documents: true },
): Promise<FileCopy> {
  const { dir, remove } = await interruptibleTempDir('loyals-json-')
  const path = join(dir, 'records.jsonl')
  // null: an array of records; documents: each document (over any number of lines) a record;
  // a wrapper's list: one row per record (unnest of the list), its fields as columns (of the struct)
  const select =
    records === null
      ? `SELECT * FROM read_json(${pathLit(file)}, format='array', sample_size=-1${KEEP_TIMES_AS_TEXT}${gzip ? ", compression='gzip'" : ''})`
      : 'documents' in records
        ? `SELECT * FROM ${unstructured(file, gzip)}`
        : `SELECT unnest(r) FROM (SELECT unnest(${ident(records.list)}) AS r FROM ${unstructured(file, gzip)})`
  try {
    await engine.exec(`COPY (${select}) TO ${lit(path)} (FORMAT json)`)
  } catch (e) {
    await remove()
    const err = readError(file, 'jsonl', e)
    // DuckDB names the byte and its own count of values: a scan says the line and the record
    const found = /Malformed JSON/.test(err.message) ? await findJsonSyntaxError(file, gzip) : null
    if (!found) throw err
    const record =
      records === null ? found.element : 'documents' in records ? found.document : found.list
    throw jsonSyntaxProblem(file, found, record)
  }
  return { path, remove }
}

/**
 * A JSON syntax error said as a bad row at its own line: the record it is in (`record`) is named
 * by its number, with the line it opens on when that is another, except a record of JSON lines
 * (a document on one line), whose line is its name.
 */
function jsonSyntaxProblem(
  file: string,
  found: JsonSyntaxError,
  record: JsonRecordAt | undefined,
): ImportError {
  const oneLine = record === found.document && record.line === found.line
  const where =
    record === undefined || oneLine
      ? ''
      : ` in record ${record.n}${record.line === found.line ? '' : ` (which opens on line ${record.line})`}`
  const reason = `malformed JSON${where}, character ${found.column}: ${found.reason}`
  const e = new ImportError(`cannot read ${file}`, [
    { file, line: found.line, column: null, reason },
  ])
  scanned.add(e)
  return e
}

/** The errors jsonSyntaxProblem made: importFile reads no copy without their lines. */
const scanned = new WeakSet<ImportError>()

/**
 * read_json's date and time formats that no value matches (a literal '%'): times stay the text
 * they were. Detected as TIMESTAMP, "2024-03-09T23:30:00Z" was turned into a UTC clock time without
 * its offset, which the copy then wrote and the import read as a local time in --tz: an array of
 * records put its orders on other days than the same records as JSON lines.
 */
const KEEP_TIMES_AS_TEXT = ", dateformat='%%', timestampformat='%%'"

/** A JSON file read as whole documents (one or more, each over any number of lines). */
const unstructured = (file: string, gzip: boolean): string =>
  `read_json(${pathLit(file)}, format='unstructured', sample_size=-1${KEEP_TIMES_AS_TEXT}${gzip ? ", compression='gzip'" : ''})`

/**
 * Amounts that carry currency marks ("$10.50", "€5", "12 EUR") in a file without a currency column
 * are read as bare numbers; marks of two currencies would then be added up as one, in the amount
 * or between it and the other money columns (a "$7.00" cost of a "€12.50" order). Such a file is
 * refused, naming each currency's rows; with a currency column the rows keep their currency and the
 * analysis says the orders mix currencies. `amounts` gives the (line, raw) relation of the money
 * column named `header` (typedAmounts or fileAmounts).
 * @returns the one currency the marks name (the file's orders are stored in it) with its first
 *   marked value, or null
 */
async function refuseMixedCurrencies(
  engine: Engine,
  file: string,
  spec: TypedSpec,
  amounts: (header: string, field: string) => string,
): Promise<CurrencyMark | null> {
  const money = moneyFields(spec)
  if (!money.some((m) => m.field === 'amount') || currencyColumn(spec)) return null
  const from = `(${money
    .map((m) => `SELECT line, raw, ${lit(m.header)} AS col FROM ${amounts(m.header, m.field)}`)
    .join(' UNION ALL ')})`
  const marks = await engine.query<{
    currency: string
    n: number
    line: number
    text: string
    col: string
  }>(importCurrencyMarks(engine.dialect, { from }))
  if (marks.length < 2) {
    const [m] = marks
    return m ? { currency: m.currency, line: Number(m.line), text: m.text, column: m.col } : null
  }
  const each = marks.map(
    (m) =>
      `${m.currency} on ${Number(m.n).toLocaleString('en-US')} row${Number(m.n) === 1 ? '' : 's'}`,
  )
  // the columns the marks were found in
  const cols = [...new Set(marks.map((m) => m.col))]
  const where =
    cols.length === 1 ? `the amounts in ${cols[0]}` : `the money columns (${cols.join(', ')})`
  throw new ImportError(
    `${file}: ${where} are in ${marks.length} currencies (${each.join(', ')}); ` +
      'adding them without conversion would be wrong, so nothing was imported. Convert the ' +
      "amounts to one currency first, or import each currency's orders into a workspace of its " +
      'own (--db).',
    marks.map((m) => ({
      file,
      line: Number(m.line),
      column: m.col,
      reason: `first amount in ${m.currency}: "${m.text}"`,
    })),
  )
}

/** The currency an amount's mark names, with where the first such amount is. */
interface CurrencyMark {
  readonly currency: string
  readonly line: number
  readonly text: string
  readonly column: string
}

/** Kinds whose amounts may carry currency marks: orders, and the lines and returns of orders. */
const MARKED_KINDS: ReadonlySet<ImportKind> = new Set(['orders', 'order-lines', 'returns'])

/**
 * Order lines and returns have no currency of their own: they are in their orders'. Amounts
 * marked in another currency than the stored orders' ("$40.00" returned of a EUR order) would be
 * taken as that currency unconverted, so the file is refused: against the currencies of the
 * orders its rows name (`staged`, the file's staged rows), every one of which must be the marks',
 * else, when it names no stored order, against the store's. Without stored orders a marked file
 * is refused too (the rows keep no currency: the orders imported later could not be checked
 * against it); with orders but none of a known currency, the file is taken.
 */
async function refuseForeignMarks(
  engine: Engine,
  file: string,
  kind: ImportKind,
  mark: CurrencyMark,
  staged: string,
): Promise<void> {
  if (!(await hasOrdersTable(engine))) return
  const what = kind === 'returns' ? 'returned amounts' : 'line amounts'
  if ((await count(engine, 'SELECT count(*) AS n FROM (SELECT 1 FROM orders LIMIT 1) o')) === 0) {
    // nothing to check the marks against, and nothing would later: the rows keep no currency
    throw new ImportError(
      `${file}: the ${what} are marked in ${mark.currency} ("${mark.text}"), but no orders are imported yet, so the marks cannot be checked against their currency; nothing was imported. Import the orders first.`,
      [
        {
          file,
          line: mark.line,
          column: mark.column,
          reason: `"${mark.text}" is marked ${mark.currency}, and there are no orders yet to check it against`,
        },
      ],
    )
  }
  // the currencies of the orders the rows name; of all stored orders when it names none stored
  const named = await engine.query<{ currency: string }>(
    referencedOrderCurrencies(engine.dialect, { staged }),
  )
  const stored =
    named.length > 0
      ? named
      : await engine.query<{ currency: string }>(orderCurrencies(engine.dialect))
  // every one must be the marks' (in a workspace of EUR and USD orders, "$" returns of EUR orders
  // are wrong however many USD orders there are)
  if (stored.length === 0) return
  if (
    named.length > 0
      ? stored.every((c) => markMayBe(mark.text, c.currency))
      : stored.some((c) => markMayBe(mark.text, c.currency))
  )
    return
  const theirs = stored.map((c) => c.currency).join(', ')
  throw new ImportError(
    `${file}: the ${what} are marked in ${mark.currency} ("${mark.text}"), but the orders are in ${theirs}; ` +
      `they would be taken as ${theirs} without conversion, so nothing was imported. Convert them ` +
      `to ${theirs} first (or remove the marks when they are ${theirs} already).`,
    [
      {
        file,
        line: mark.line,
        column: mark.column,
        reason: `"${mark.text}" is marked ${mark.currency}, but the orders are in ${theirs}`,
      },
    ],
  )
}

/** Whether the orders file names a currency column. */
function currencyColumn(spec: TypedSpec | null | undefined): boolean {
  return Boolean(spec?.fields.find((f) => f.field === 'currency')?.header)
}

/** Bytes of a CSV read to look for a quote never closed (csv-quotes.ts). */
const QUOTE_HEAD_BYTES = 64 * 1024

/** DuckDB's sniffed dialect of a CSV: delimiter, quote ('(empty)' for none) and header names. */
interface SniffedCsv {
  readonly delim: string
  readonly quote: string
  /** The header names as a JSON list. */
  readonly names: string
}

/** The sniffer's dialect of a CSV; null when it cannot make one out (the read says why). */
async function sniffCsv(
  engine: Engine,
  path: string,
  gzip: boolean,
  skip: number,
): Promise<SniffedCsv | null> {
  const comp = gzip ? ", compression='gzip'" : ''
  const [s] = await engine
    .query<{ delim: string; quote: string; names: string }>(
      `SELECT Delimiter AS delim, Quote AS quote,
        CAST(to_json(list_transform(Columns, c -> c.name)) AS VARCHAR) AS names
      FROM sniff_csv(${pathLit(path)}, header=true, skip=${skip}${comp})`,
    )
    .catch(() => [])
  return s ?? null
}

/**
 * The dialect to read a CSV with when DuckDB's sniffer found no quoting in it: its delimiter and
 * header, with `"` as the quote (import-stage.ts QuotedCsv); null when the sniffer found quoting,
 * or made out one column only (the read then reports what is wrong), or the header names a
 * column twice.
 */
function quotedDialect(s: SniffedCsv, path: string, gzip: boolean): QuotedCsv | null {
  // only where it found no quote character at all: a file quoted with ' keeps its own
  if (!(s.quote === '(empty)' || s.quote === '') || s.delim.length !== 1) return null
  let delim = s.delim
  const names = JSON.parse(s.names) as string[]
  // a name the sniffer read without quoting keeps its quote marks: "customer_id"
  let columns = names.map((n) => (/^".*"$/s.test(n) ? n.slice(1, -1).replaceAll('""', '"') : n))
  // one column: a bad quote or a ragged row can also throw the sniffer off the delimiter; the
  // header's most frequent separator is the file's, outside quotes ("Total, USD" is one name)
  const [only] = names
  if (names.length === 1 && only !== undefined) {
    const seps = [',', ';', '\t', '|'].map((c) => ({ c, fields: splitCsvLine(only, c) }))
    const best = seps.reduce((a, b) => (b.fields.length > a.fields.length ? b : a))
    if (best.fields.length > 1) {
      delim = best.c
      columns = best.fields
    }
  }
  // a quote never closed would take the lines after it: without quoting, the id check names it
  const head = readHead(path, QUOTE_HEAD_BYTES)
  const text = (gzip ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : head).toString(
    'utf8',
  )
  if (quoteRunsOn(text, delim)) return null
  // one column still: the sniffer made out no header at all (the read's own recovery names it)
  return columns.length > 1 && new Set(columns).size === columns.length ? { delim, columns } : null
}

/**
 * The rows of a same-time query (importSameTimeOrders, importSameTimeResponses: n, then the first
 * few with line, customer_id, at and the two versions in `value` and `stored`), or undefined.
 */
async function sameTimeRows<V>(
  engine: Engine,
  sql: string,
  read: (v: unknown) => V,
): Promise<{ n: number; first: SameTimeRow<V>[] } | undefined> {
  const rows = await engine.query<Record<string, unknown>>(sql)
  if (rows.length === 0) return undefined
  return {
    n: Number(rows[0]?.n ?? 0),
    first: rows.map((r) => ({
      line: Number(r.line),
      customerId: String(r.customer_id),
      at: String(r.at),
      value: read(r.value),
      stored: read(r.stored),
    })),
  }
}

type SameTimeRow<V> = {
  line: number
  customerId: string
  at: string
  value: V
  stored: V
}

/** The new id-less survey responses stored beside a stored one of the same customer and time. */
async function sameTimeResponses(engine: Engine): Promise<ImportResult['sameTimeResponses']> {
  const found = await sameTimeRows(engine, importSameTimeResponses(engine.dialect).sql, String)
  return (
    found && {
      n: found.n,
      first: found.first.map(({ value, ...r }) => ({ ...r, answers: value })),
    }
  )
}

/** The rows repeating an earlier row of the file exactly, stored once (ImportResult). */
async function repeatedRowsOf(
  engine: Engine,
  u: NonNullable<TypedSpec['uniqueBy']>,
  hasProblems: boolean,
): Promise<ImportResult['repeatedRows']> {
  // most files repeat no key: then there is nothing to look up
  if ((await count(engine, 'SELECT count(*) AS n FROM import_dupkeys')) === 0) return undefined
  const key = ident(u.field)
  const rows = await engine.query<{ line: number; k: string; first_line: number; n: number }>(
    importRepeatedRows(engine.dialect, {
      key,
      scope: `${key} IS NOT NULL${u.when ? ` AND ${u.when}` : ''}`,
      hasProblems,
      limit: 3,
    }).sql,
  )
  if (rows.length === 0) return undefined
  return {
    n: Number(rows[0]!.n),
    noun: u.noun,
    first: rows.map((r) => ({ line: Number(r.line), sameAs: Number(r.first_line), key: r.k })),
  }
}

/** The new id-less orders stored beside a stored one of the same customer and time (ImportResult). */
async function sameTimeOrders(engine: Engine): Promise<ImportResult['sameTimeOrders']> {
  // most files give every order an id: then the join below (and its anti-join on the file's keys)
  // is not built at all
  const idless = await count(
    engine,
    'SELECT count(*) AS n FROM (SELECT 1 FROM import_write WHERE __new AND order_id IS NULL LIMIT 1)',
  )
  if (idless === 0) return undefined
  const found = await sameTimeRows(engine, importSameTimeOrders(engine.dialect).sql, Number)
  return (
    found && {
      n: found.n,
      first: found.first.map(({ value, ...r }) => ({ ...r, amount: value })),
    }
  )
}
