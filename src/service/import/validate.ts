// Validation as SQL: every target field becomes a raw text column and a parsed column in one TEMP
// table, and every rule is one set-based check that writes (line, column, reason) rows. Nothing
// iterates over rows in JavaScript, so ten million rows validate in seconds.

import { addDays, latestDay } from '../../core/calendar.ts'
import { AMOUNT_CODES, AMOUNT_SYMBOLS, currencyCodes } from '../../core/currency-codes.ts'
import { EMAIL_ID_PATTERN } from '../../core/customer-id.ts'
import { MAX_MONEY } from '../../data/queries/customer-summary.ts'
import { markClashSql, markOfSql } from '../../data/queries/import-currency-marks.ts'
import {
  ident,
  JSON_RECORD_ERROR,
  LINE,
  lineContent,
  lit,
  withOrderRuns,
} from '../../data/queries/import-stage.ts'
import type { ColumnMapping, ImportKind } from './columns.ts'
import { currencyOfText } from './currency-synonyms.ts'
import type { DateReading } from './date-shapes.ts'
import { NOT_UTF8 } from './formats.ts'
import { extraKind } from './kinds/index.ts'

export type FieldType = 'text' | 'number' | 'date'

/** One target field: where its text comes from and how to parse it. */
export interface FieldDef {
  readonly field: string
  /** The file's column named in problems. */
  readonly header: string | null
  /** SQL expression over `import_raw` giving trimmed text or NULL. */
  readonly raw: string
  readonly type: FieldType
  readonly required: boolean
  /** Noun used in messages ("an amount", "a number"). */
  readonly noun?: string
  /** The value as written, when `raw` rewrites it (a decimal comma): what problems quote. */
  readonly shown?: string
  /**
   * The other columns a value is taken from when `header`'s is empty, in order (a Shopify
   * export's Phone after its Email): a required value missing names them too.
   */
  readonly fallbacks?: readonly string[]
}

/** import_typed's column of a field's value as written (FieldDef.shown). */
const shownName = (field: string): string => ident(`${field}__shown`)

/**
 * import_typed's column of `field`'s text as the file wrote it: its shown text when the raw one was
 * rewritten (a decimal comma's `12,00 €` read as `12.00 €`), else the raw text.
 */
export function writtenName(spec: TypedSpec, field: string): string {
  return spec.fields.find((f) => f.field === field)?.shown ? shownName(field) : rawName(field)
}

export interface ParseOptions {
  /** strptime format for dates (--date-format); ISO 8601 when neither it nor dateShape is set. */
  readonly dateFormat?: string
  /** The shape of the dates worked out from the file (date-shapes.ts): its formats, in order. */
  readonly dateShape?: DateReading
  /** IANA zone for times without an offset. The session TimeZone must be set to it. */
  readonly tz: string
  /**
   * The zone whose midnight a date without a time of day is, when not `tz`: --tz, for a column
   * whose header names UTC for its times (fieldParse). A date names a calendar day, and read as
   * midnight UTC it would fall on the day before west of UTC.
   */
  readonly dayTz?: string
  /** Dates after now + 1 day are errors. */
  readonly now: Date
  /**
   * The file is a CSV read without quoting (the sniffer found no balanced quotes): an id starting
   * with a quote is then the trace of a quoted field never closed. A CSV read with quoting can hold
   * such an id legitimately (`"""Bob"" Inc"` is `"Bob" Inc`); other formats hold what they hold.
   */
  readonly unquotedCsv?: boolean
}

/** Everything needed to build and check the typed table for one kind/layout. */
export interface TypedSpec {
  readonly fields: readonly FieldDef[]
  /** FROM clause (a subquery over import_raw) and row filter. */
  readonly from: string
  readonly where?: string
  /**
   * Field whose repeats must carry identical content (order id, customer id); a row with a problem
   * of its own (an unreadable amount) is left out of the comparison.
   */
  readonly uniqueBy?: { field: string; noun: string; when?: string }
  /** Extra rules: rows of `import_typed` where `bad` holds get `reason` (a SQL text expression). */
  readonly checks?: readonly { field: string; bad: string; reason: string }[]
  /**
   * Rules over every row of `import_raw`, for values on rows that `where` leaves out of
   * import_typed but that are stored all the same (a Shopify export's line items below an
   * order's first row): rows where `bad` holds get `reason`, under the column `header`.
   */
  readonly rawChecks?: readonly { header: string; bad: string; reason: string }[]
  /**
   * Refund rows (amount < 0) must name the customer of the order they refund: the summary nets a
   * refund into its order by (customer, order id), so one naming another customer would leave the
   * order unrefunded and give its customer a refund for nothing (refundOwnerConflicts); so would
   * an order naming another customer than a refund of it stored before it (storedRefundConflicts).
   */
  readonly refundsNameTheirCustomer?: boolean
  /**
   * Two date fields that come in order (`last` not before `first`: a ticket resolved after it was
   * opened). `checks` holds the rule for a file's own rows; a file without a column for one of
   * them keeps the stored row's value there (uncarried.ts), so the merged row is checked too
   * (storedOrderConflicts).
   */
  readonly inOrder?: { readonly first: string; readonly last: string }
  /**
   * Rows of orders (lines, returns) whose currency column must be their stored order's currency:
   * they have no currency of their own, and an amount in another would be taken unconverted.
   */
  readonly inTheirOrdersCurrency?: boolean
}

/** The store table that an import's rows merge with, and its key column (a field of the file). */
export interface StoredTable {
  readonly table: string
  readonly key: string
}

/**
 * SQL: the refund rows of `t` (a typed import table) whose order names another customer: the
 * order's rows in the same file (the first one), else (`stored`: the store has an `orders` table)
 * the stored orders. Columns line, order_id, customer_id, owner, owner_line (NULL for a stored
 * order). Refunds are few: both sides are cut to the refunded order ids first.
 */
export function refundOwnerConflicts(t: string, stored: boolean): string {
  return `WITH refund_ids AS (
  SELECT DISTINCT order_id FROM ${t} WHERE amount < 0 AND order_id IS NOT NULL
),
in_file AS (
  SELECT order_id, arg_min(customer_id, ${LINE}) AS owner, min(${LINE}) AS owner_line
  FROM ${t} WHERE amount >= 0 AND order_id IN (SELECT order_id FROM refund_ids)
  GROUP BY order_id
),
owners AS (
  SELECT * FROM in_file${
    stored
      ? `
  UNION ALL
  SELECT order_id, min(customer_id), CAST(NULL AS BIGINT) FROM orders
  WHERE amount >= 0 AND order_id IN (SELECT order_id FROM refund_ids)
    AND order_id NOT IN (SELECT order_id FROM in_file)
  GROUP BY order_id`
      : ''
  }
)
SELECT r.${LINE} AS line, r.order_id, r.customer_id, o.owner, o.owner_line
FROM ${t} r JOIN owners o ON r.order_id = o.order_id
WHERE r.amount < 0 AND r.customer_id <> o.owner`
}

/**
 * SQL: the order rows (amount >= 0) of `t` (a typed import table) whose order id has a stored
 * refund naming another customer: {@link refundOwnerConflicts} the other way round, for a refund
 * stored before its order (an earlier file), so that the outcome does not hang on which came
 * first. A refund whose customer has a stored order of that id is none: a file that gives the
 * order to another customer takes the refund with it (import-refund-owners.ts). Columns line,
 * order_id, customer_id, owner (the refund's customer), refund (its amount), refund_day, refund_source;
 * the earliest such refund of a row. (About 0.4 s for a file of five million orders into a store
 * of as many: the probe of the file's order ids, which any form of the check pays.)
 */
export function storedRefundConflicts(t: string): string {
  return `WITH refunds AS (
  SELECT order_id, customer_id, amount, order_date, source FROM orders r
  WHERE amount < 0 AND order_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM orders o
    WHERE o.order_id = r.order_id AND o.amount >= 0 AND o.customer_id = r.customer_id)
)
SELECT f.${LINE} AS line, f.order_id, f.customer_id, r.customer_id AS owner, r.amount AS refund,
  r.order_date AS refund_day, r.source AS refund_source
FROM ${t} f JOIN refunds r ON r.order_id = f.order_id AND r.customer_id <> f.customer_id
WHERE f.amount >= 0
QUALIFY row_number() OVER (PARTITION BY f.${LINE} ORDER BY r.order_date, r.customer_id, r.amount) = 1`
}

/**
 * The rows of `t` (a typed import table) whose `spec.inOrder` dates are out of order once merged
 * with the stored row of their key: the file carries one date, and the stored row the other, which
 * the write keeps (the file has no column for it). `sql` gives every column of `t` and `__stored`
 * (the stored date); `carried` is the file's field, `kept` the stored one. Null when the file
 * carries both dates or neither.
 */
export function storedOrderConflicts(
  t: string,
  spec: TypedSpec,
  stored: StoredTable,
): { sql: string; carried: string; kept: string; after: boolean } | null {
  const pair = spec.inOrder
  if (!pair) return null
  const field = (name: string) => spec.fields.find((f) => f.field === name)
  const carries = (f: FieldDef | undefined) => f !== undefined && !(f.header === null && absent(f))
  const [first, last] = [field(pair.first), field(pair.last)]
  if (carries(first) === carries(last) || !first || !last) return null
  // `after`: the file's date is after the stored one it must not pass
  const after = carries(first)
  const [carried, kept] = after ? [pair.first, pair.last] : [pair.last, pair.first]
  const [f, k] = [ident(carried), ident(kept)]
  const key = ident(stored.key)
  const bad = after ? `o.${k} < t.${f}` : `t.${f} < o.${k}`
  return {
    sql: `SELECT t.*, o.${k} AS __stored
FROM ${t} t JOIN ${ident(stored.table)} o ON o.${key} = t.${key}
WHERE ${bad}`,
    carried,
    kept,
    after,
  }
}

/**
 * A column's trimmed text, or NULL when blank: `nullif(trim(c), '')`, same value for every input.
 * DuckDB's trim copies every string (about a CPU-second per ten million 20-character values). It
 * strips only the Unicode space separators, all non-ASCII but ' ', so text that is all ASCII
 * (`strlen` = `length`) and neither starts nor ends with ' ' is its own trim and skips it.
 */
export function textOf(header: string): string {
  const c = ident(header)
  return `CASE WHEN NOT starts_with(${c}, ' ') AND NOT ends_with(${c}, ' ') AND strlen(${c}) = length(${c}) THEN nullif(${c}, '') ELSE nullif(trim(${c}), '') END`
}

/**
 * A customer id as stored, so that one customer is one id across files and systems:
 * - written as a whole number with ".0" (13085.0: pandas writes an id column with any gap as
 *   floats, and so do the Kaggle copies of Online Retail II; or ".00") it is the id without it (13085), so
 *   that the orders meet the customers file and the CRM lists that write 13085;
 * - an email address (EMAIL_ID_PATTERN, something@domain.tld) is folded to lower case, as a
 *   Shopify export writes it: a CRM's Ann@X.com and a shop's ann@x.com are one customer (another
 *   id with an @, Store@1, keeps its case);
 * - text beyond ASCII is put in Unicode normal form C: "Jürgen" typed on macOS (u + combining
 *   diaeresis) and elsewhere (ü) are one name;
 * - Excel's text formula ="007" is the text inside it, 007 ({@link unformulated}).
 * The regular expression and the normalizations run only on the texts that need them.
 * normalizeCustomerId (core/customer-id.ts) is the same rule for an id a user types.
 */
export const wholeId = (t: string): string =>
  unformulated(
    t,
    (v) => `CASE WHEN ${floatWritten(v)} THEN ${withoutZeros(v)}
    WHEN contains(${v}, '@') AND regexp_full_match(${v}, ${lit(EMAIL_ID_PATTERN)}) THEN lower(CASE WHEN strlen(${v}) = length(${v}) THEN ${v} ELSE nfc_normalize(${v}) END)
    WHEN strlen(${v}) <> length(${v}) THEN nfc_normalize(${v}) ELSE ${v} END`,
  )

/**
 * SQL: `rule` applied to `t`, or, when `t` is written as Excel's text formula ="007" (what a
 * spreadsheet exports to keep an id's leading zeros), to the text inside it: `="007"` and `007`
 * are one id (the formula made a customer of its own). Only text starting `="` pays for more
 * than one test.
 */
function unformulated(t: string, rule: (v: string) => string): string {
  const inner = `substr(${t}, 3, length(${t}) - 3)`
  return `CASE WHEN starts_with(${t}, '="') AND ends_with(${t}, '"') AND length(${t}) > 3 AND NOT contains(${inner}, '"') THEN ${rule(inner)} ELSE ${rule(t)} END`
}

/**
 * An order, ticket, return or response id as stored: a whole number written with ".0" (1001.0, as
 * pandas writes an id column with a gap, or a Parquet DOUBLE column) is the id without it, as for
 * customer ids ({@link wholeId}), so that the same rows in another format are the same rows and a
 * return of order 1001.0 finds order 1001; Excel's text formula ="0001" is 0001. Other ids are
 * kept as written.
 */
export const wholeNumberId = (t: string): string =>
  unformulated(t, (v) => `CASE WHEN ${floatWritten(v)} THEN ${withoutZeros(v)} ELSE ${v} END`)

/**
 * SQL: `t` is a whole number written with zero decimals (13085.0, or 13085.00 from a spreadsheet
 * column formatted with two): the cheap tests first, the regular expression only for such text.
 */
function floatWritten(t: string): string {
  return `contains(${t}, '.') AND ends_with(${t}, '0') AND regexp_full_match(${t}, '[0-9]+[.]0+')`
}

/** SQL: {@link floatWritten} text without its point and zeros. */
const withoutZeros = (t: string): string => `regexp_replace(${t}, '^([0-9]+)[.]0+$', '\\1')`

/**
 * What exports write for a missing value (SQL's NULL, pandas' nan, R's NA, Excel's #N/A, None,
 * nil, a dash), as they write it; compared in any case. As an id it is no customer or order: 100
 * guest orders under "NULL" made one customer who held a third of the revenue.
 */
export const MISSING_MARKS: readonly string[] = [
  'NULL',
  'nan',
  'NA',
  'N/A',
  '#N/A',
  'None',
  'nil',
  '-',
]

/** SQL: text `t`, NULL when it is one of {@link MISSING_MARKS} (only short texts are compared). */
export const unlessMissingMark = (t: string): string =>
  `CASE WHEN ${missingMark(t)} THEN NULL ELSE ${t} END`

/**
 * SQL: `expr` is one of the texts `values`. Not `expr IN (...)`: DuckDB turns an IN list of six or
 * more constants into a join, and a statement with a join no longer keeps the rows in the file's
 * order, which the fast path's line numbers (rowid) and its test of ascending order ids rely on
 * (with the marks below as an IN list, one seam in ten million rows sent every import of the
 * benchmark to the duplicate-key search: +1.1 s).
 */
export const oneOf = (expr: string, values: readonly string[]): string =>
  `list_contains([${values.map(lit).join(', ')}], ${expr})`

/** SQL: text `t` is one of {@link MISSING_MARKS} (upper case taken only of short texts). */
export const missingMark = (t: string): string =>
  `CASE WHEN strlen(${t}) > 4 THEN false ELSE ${oneOf(
    `upper(${t})`,
    MISSING_MARKS.map((m) => m.toUpperCase()),
  )} END`

/**
 * SQL: a text field's value from its raw column `r` (a column name: the id expressions repeat
 * their argument, and the mark test inside them cost ~8 s per ten million rows), without a mark
 * of no value for the {@link MARKED_MISSING_FIELDS}. The fast path sends a row with one to this
 * validating path instead (fastTypedSql).
 */
export function textValue(f: FieldDef, r: string): string {
  return MARKED_MISSING_FIELDS.includes(f.field) && !absent(f) ? unlessMissingMark(r) : r
}

/**
 * The fields whose {@link MISSING_MARKS} are no value: every id that names a customer or an order
 * (a referral programme's export writes NULL for "no referrer": read as an id, that referrer took
 * the referred customer from the real one).
 */
export const MARKED_MISSING_FIELDS: readonly string[] = [
  'customer_id',
  'order_id',
  'referrer_id',
  'referred_id',
]

const MARKS_SHOWN = `${MISSING_MARKS.slice(0, -1).join(', ')} or ${MISSING_MARKS.at(-1)}`

/**
 * import_typed's column that says a required field's cell held text (a mark of no value, when
 * the value is none), for the reason of its problem; null for the other fields.
 */
function markGiven(f: FieldDef): string | null {
  return f.required && f.header !== null && MARKED_MISSING_FIELDS.includes(f.field)
    ? `${f.field}__given`
    : null
}

/** The id fields read by {@link wholeNumberId}. */
export const NUMBER_ID_FIELDS: readonly string[] = [
  'order_id',
  'ticket_id',
  'return_id',
  'response_id',
]

/**
 * SQL: a Shopify export's phone as a customer id when the row has no email (a guest or
 * point-of-sale order): its digits and a leading +, so that "+49 30 1234" and "+49301234" (the
 * orders and the customers export) are one customer. Both exports take it before Shopify's own
 * Customer ID, which only the customers export has: a phone-only customer is the same id in both.
 */
const phoneOf = (header: string | undefined): string =>
  header ? `nullif(regexp_replace(${textOf(header)}, '[^0-9+]', '', 'g'), '')` : 'NULL'

/**
 * The columns a Shopify export's customer id is taken from, in the order its SQL takes them (a
 * customer id column alone, else `coalesce(Email, Phone, Customer ID)`): the first is the field's
 * header, the others are named too when all are empty.
 */
function shopifyIdColumns(c: Readonly<Record<string, string>>): {
  header: string | null
  fallbacks: string[]
} {
  const cols = c.customer_id
    ? [c.customer_id]
    : [c.email, c.phone, c.shopify_id].filter((h): h is string => h !== undefined)
  return { header: cols[0] ?? null, fallbacks: cols.slice(1) }
}

/** The raw text of a field the file does not have. */
export const NO_TEXT = 'CAST(NULL AS VARCHAR)'

/** The field is not in the file (its raw text is {@link NO_TEXT}). */
export const absent = (f: FieldDef): boolean => f.raw === NO_TEXT

/** The column of a field's raw text in import_typed and import_fast. */
export const rawName = (f: string): string => ident(`${f}__raw`)

function col(
  columns: Readonly<Record<string, string>>,
  field: string,
  type: FieldType,
  required: boolean,
  noun?: string,
): FieldDef {
  const header = columns[field] ?? null
  return {
    field,
    header,
    raw:
      header === null
        ? NO_TEXT
        : field === 'customer_id'
          ? wholeId(textOf(header))
          : NUMBER_ID_FIELDS.includes(field)
            ? wholeNumberId(textOf(header))
            : // a currency code is one whatever its case ('usd' is USD): else one currency counts as two
              field === 'currency'
              ? currencyOfText(textOf(header))
              : textOf(header),
    type,
    required,
    ...(noun ? { noun } : {}),
  }
}

/**
 * An order's customer: its customer id, or, where the row has none (empty, a mark of no value such
 * as Magento's NULL, or the 0 WooCommerce and BigCommerce write for a guest), the email address in
 * the buyer's email column beside it (a guest's Stripe payment: no Customer ID, a Customer Email),
 * read as a customer id is (folded to lower case). Only an email address stands in: a till's
 * "Walk-in Customer" in that column would make one customer of every walk-in sale. A guest who
 * later opens an account is then two customers, as the shop's own records have them; the import
 * says how it read the columns.
 */
function orderCustomer(c: Readonly<Record<string, string>>): FieldDef {
  const id = col(c, 'customer_id', 'text', true)
  const email = c.customer_email
  if (id.header === null || email === undefined) return id
  const t = textOf(id.header)
  const e = textOf(email)
  const none = `(${t} IS NULL OR ${t} = '0' OR coalesce(${missingMark(t)}, false))`
  return {
    ...id,
    raw: `CASE WHEN ${none} AND coalesce(regexp_full_match(${e}, ${lit(EMAIL_ID_PATTERN)}), false) THEN ${wholeId(e)} ELSE ${id.raw} END`,
    fallbacks: [email],
  }
}

const CURRENCY = `${AMOUNT_CODES.join('|')}|usd|eur|gbp`
/** A currency symbol beside an amount's digits ($, €, US$, R$, ₹ ...: core/currency-codes.ts). */
const SYMBOL = `(${AMOUNT_SYMBOLS})`
/**
 * What a formatted amount may look like: "$1,234.50", "-$5", "(12.00)", "12 EUR", "12.50 €" (the
 * symbol after the number, as German and French shops write it), "12.50-" (a trailing minus, as
 * SAP writes a credit); the parentheses of a negative amount around the symbol or inside it,
 * "$(12.00)" and "(12.00) €" as Excel's accounting format writes them (one pair: `numberSql`).
 */
const MONEY_PATTERN = `\\s*\\(?\\s*[-+]?\\s*(${CURRENCY})?\\s*${SYMBOL}?\\s*\\(?\\s*[-+]?(\\d{1,3}(,\\d{3})+|\\d*)(\\.\\d+)?-?\\s*\\)?\\s*${SYMBOL}?\\s*(${CURRENCY})?\\s*\\)?\\s*`

/**
 * Excel's accounting format writes a zero as a dash beside the currency mark ("$ -  ", "- €"): an
 * amount of 0, not a bad row. A dash alone stays what exports write for a missing value.
 */
const ACCOUNTING_ZERO = `\\s*((${SYMBOL}|${CURRENCY})\\s*-+|-+\\s*(${SYMBOL}|${CURRENCY}))\\s*`

/**
 * SQL: money text as a spreadsheet or Intl writes it, in plain characters: the no-break spaces
 * U+00A0 and U+202F ("12,00 €" from Excel or de-DE formatting) as spaces, the minus sign U+2212 as
 * '-' (else the digits-only step dropped it: −5 read as 5, so such text was refused).
 */
const typographic = (r: string): string =>
  `replace(replace(replace(${r}, '\u00a0', ' '), '\u202f', ' '), '\u2212', '-')`

/**
 * What decimalCommaSql makes of a number with a point that is no thousands separator ('12.50',
 * '1,234.50'): no number, so that the row is a bad one. Read with a point, such a value beside
 * '1,500' read with a comma would mix the two ways of writing numbers in one column unseen.
 */
export const POINT_IN_COMMA_FILE = '(decimal point)'

/**
 * A number written with a decimal comma as the same number with a point: '1.234,50' -> '1234.50',
 * '-12,5' -> '-12.5', '1.234' -> '1234' ('.' separates thousands, in groups of three). A point
 * elsewhere gives POINT_IN_COMMA_FILE when `points` (text read from a CSV; a JSON or Parquet
 * number is 12.5 whatever the flag says); text of any other shape is left as it is, so its
 * problem is reported in the file's own words.
 */
export function decimalCommaSql(raw: string, points = true): string {
  const r = typographic(raw)
  // around the digits only what a money text has: signs, spaces, parentheses, symbols, codes
  const around = `([-+ ()A-Z]|${SYMBOL})*`
  // thousands grouped by points, or by spaces as French and Nordic exports write them (Excel's
  // no-break spaces U+00A0 and U+202F too): '1 234,50'
  const shape = `'^${around}[0-9]{1,3}([.][0-9]{3})+(,[0-9]+)?${around}$|^${around}[0-9]{1,3}([ \u00a0\u202f][0-9]{3})+(,[0-9]+)?${around}$|^${around}[0-9]+(,[0-9]+)?${around}$'`
  const ungrouped = `regexp_replace(${r}, '([0-9])[. \u00a0\u202f]([0-9]{3})', '\\1\\2', 'g')`
  return `CASE WHEN regexp_matches(${r}, ${shape}) THEN replace(regexp_replace(${ungrouped}, '([0-9])[. \u00a0\u202f]([0-9]{3})', '\\1\\2', 'g'), ',', '.')
    ${points ? `WHEN regexp_matches(${r}, '[0-9][.]|[.][0-9]') THEN '${POINT_IN_COMMA_FILE}'` : ''} ELSE ${r} END`
}

/**
 * Parse money and quantities. `fast` is `try_cast(r AS DOUBLE)`, computed once by the caller; the
 * formatted-amount path runs only for the rows where it failed (CASE evaluates selectively).
 */
export function numberSql(raw: string, fast: string): string {
  const r = typographic(raw)
  const digits = `regexp_replace(${r}, '[^0-9.+-]', '', 'g')`
  // a trailing minus (12.50-) is the sign in front
  const signed = `CASE WHEN ends_with(${digits}, '-') THEN '-' || rtrim(${digits}, '-') ELSE ${digits} END`
  // parentheses, both of them and with no sign inside, make it negative: "(-12.50)" says two
  // opposite things and "12.50)" is cut off, so neither is read (NULL: a bad row)
  // (one pair: "((12.00))" is no amount)
  const paren = `CASE WHEN NOT contains(${r}, '(') AND NOT contains(${r}, ')') THEN 1
    WHEN regexp_full_match(${r}, '[^()]*[(][^()]*[)][^()]*') AND NOT regexp_matches(${digits}, '[-+]') THEN -1 END`
  const slow = `try_cast(${signed} AS DOUBLE) * ${paren}`
  // + 0.0 makes -0 the 0 it is (IEEE: -0 + 0 = +0): as text "-0.0" it was another content than 0
  return `CASE WHEN isfinite(${fast}) THEN ${belowMillionthAsZero(fast)}
    WHEN ${fast} IS NULL AND regexp_full_match(${r}, '${MONEY_PATTERN}') AND regexp_matches(${r}, '\\d') THEN ${belowMillionthAsZero(slow)}
    WHEN ${fast} IS NULL AND regexp_full_match(${r}, '${ACCOUNTING_ZERO}') THEN 0.0 END`
}

/**
 * SQL: number `v`, or 0 when it is below half a millionth in size (the README's rule: money is
 * kept to six decimals). Float noise such as pandas' -1.4210854715202004e-14 for a net of nothing
 * is an amount of 0, an order; stored as it was, a negative one read as the import's own mark of a
 * cancelled order (ZERO_REFUND, -1e-9) and the day's purchase was lost. -0 becomes 0 as well.
 */
export const belowMillionthAsZero = (v: string): string =>
  `CASE WHEN abs(${v}) < 0.0000005 THEN 0.0 ELSE ${v} END`

/**
 * Whether a date column's header names UTC or GMT as its zone (`Created (UTC)`, `Order Date GMT`,
 * `created_utc`, `CreatedUTC`; not `UTC+2`, an offset): its times without an offset are UTC,
 * whatever --tz says (Stripe's exports write UTC under such names).
 * @example headerNamesUtc('Created (UTC)') // true
 */
export function headerNamesUtc(header: string | null): boolean {
  if (header === null) return false
  return (
    /(?:^|[^\p{L}\p{N}])(?:utc|gmt)(?![\p{L}\p{N}+-])/iu.test(header) ||
    /\p{Ll}(?:UTC|GMT)(?![\p{L}\p{N}+-])/u.test(header)
  )
}

/** The parse options of date field `f`: UTC for a column whose header names it (headerNamesUtc). */
export function fieldParse(o: ParseOptions, f: FieldDef): ParseOptions {
  return o.tz !== 'UTC' && headerNamesUtc(f.header) ? { ...o, tz: 'UTC', dayTz: o.tz } : o
}

/**
 * Parse a date or timestamp to a UTC TIMESTAMP. Text without an offset is local time in `o.tz`;
 * that common case takes a plain TIMESTAMP cast (twice as fast as the ICU TIMESTAMPTZ cast).
 * Text with an offset or Z goes through TIMESTAMPTZ, read in the session TimeZone (set to --tz by
 * the caller); Shopify's "2024-03-05 14:22:10 -0500" loses its space first.
 */
export function dateSql(r: string, o: ParseOptions): string {
  // text without a digit is no date: DuckDB's casts read 'epoch' as 1970-01-01 and 'infinity',
  // 'inf' and their negatives as the infinite instants, and its strptime reads them as 1900-01-01
  return `CASE WHEN ${r} GLOB '*[0-9]*' THEN ${writtenDateSql(r, o)} END`
}

/** {@link dateSql} of text with a digit. */
function writtenDateSql(r: string, o: ParseOptions): string {
  const inZone = (tz: string, naive: string) =>
    tz === 'UTC' ? naive : `timezone('UTC', timezone(${lit(tz)}, ${naive}))`
  const toUtc = (naive: string) => inZone(o.tz, naive)
  // a date without a time of day (no colon in the text) is midnight in dayTz, when it is another zone
  const dayTz = o.dayTz ?? o.tz
  const naiveUtc = (naive: string) =>
    dayTz === o.tz
      ? toUtc(naive)
      : `CASE WHEN contains(${r}, ':') THEN ${toUtc(naive)} ELSE ${inZone(dayTz, naive)} END`
  const formats = o.dateShape?.shape.formats ?? (o.dateFormat ? [o.dateFormat] : null)
  if (formats) {
    const p = `try_strptime(${r}, ${formats.length === 1 ? lit(formats[0] ?? '') : `[${formats.map(lit).join(', ')}]`})`
    const zoned = formats.some((f) => /%z|%Z/.test(f))
    const named = formats.some((f) => f.includes('%Z'))
      ? `CASE WHEN ${zoneAbbreviated(r)} THEN NULL ELSE ${p} END`
      : p
    // a format without a time of day reads days (%d/%m/%Y): midnight in dayTz; with one (a shape
    // may hold both), the value's own text says which
    const timed = formats.some((f) => /%[HIkTRrlXcsp]/.test(f))
    const read = zoned ? `timezone('UTC', ${named})` : timed ? naiveUtc(p) : inZone(dayTz, p)
    // --date-format, or the shape the import found (day/month/year), is for dates written as text;
    // a typed Parquet TIMESTAMP or DATE (as text here: 2024-01-05 10:00:00) and any ISO 8601 value
    // the format does not take read as ISO 8601, which no other shape reads otherwise
    const iso = writtenDateSql(r, {
      tz: o.tz,
      now: o.now,
      ...(o.dayTz ? { dayTz: o.dayTz } : {}),
    })
    return `coalesce(${read}, CASE WHEN ${r} GLOB '${YMD}*' THEN ${iso} END)`
  }
  const zulu = `(ends_with(${r}, 'Z') OR ends_with(${r}, 'z'))`
  const noOffset = `(length(${r}) <= 19 AND NOT contains(${r}, '+') AND NOT ${zulu} AND strpos(substr(${r}, 11), '-') = 0)`
  // the offset's minutes may go too (+02), as ISO 8601 lets them
  const spaced = `CASE WHEN regexp_matches(${r}, '\\s[+-]\\d{2}(:?\\d{2})?$') THEN try_cast(regexp_replace(${r}, '\\s+([+-]\\d{2}(:?\\d{2})?)$', '\\1') AS TIMESTAMPTZ) END`
  // ISO 8601 lets the seconds go (14:30+01:00), and so do times with a zone name after them (14:30
  // UTC, 14:30 Europe/London); the cast wants them. An offset may follow a space (14:30 +0200, as
  // Shopify writes it), which the cast does not take either. An abbreviation never gets here
  // (zoneAbbreviated)
  const zone = `([+-]\\d{2}(:?\\d{2})?| [A-Za-z][A-Za-z0-9_/+-]*)$`
  const minutes = `CASE WHEN regexp_matches(${r}, '[T ]\\d{2}:\\d{2}\\s*${zone}') THEN try_cast(regexp_replace(${r}, '([T ]\\d{2}:\\d{2})\\s*${zone}', '\\1:00\\2') AS TIMESTAMPTZ) END`
  const offset = `CASE WHEN ${zoneAbbreviated(r)} OR ${offsetOutOfRange(r)} THEN NULL
    ELSE timezone('UTC', coalesce(try_cast(${r} AS TIMESTAMPTZ), ${spaced}, ${minutes})) END`
  // "...Z" with no other offset is already UTC: dropping the Z skips the ICU cast (most exports)
  const utc = `(${zulu} AND length(${r}) BETWEEN 17 AND 30 AND NOT contains(${r}, '+') AND strpos(substr(${r}, 11), '-') = 0 AND substr(${r}, length(${r}) - 1, 1) BETWEEN '0' AND '9')`
  // The common shapes first: one GLOB each decides the branch below that such text takes (cheaper
  // than its five string tests), and the branch's own expression follows. For "...:ssZ" the cast
  // of the whole text is the cast without the Z (a zero offset; pinned by the import tests).
  const zShape = `${r} GLOB '${YMD}[T ]${HMS}Z'`
  const naiveShape = `(${r} GLOB '${YMD}' OR ${r} GLOB '${YMD}[T ]${HMS}')`
  return `CASE WHEN ${zShape} THEN coalesce(try_cast(${r} AS TIMESTAMP), ${offset})
    WHEN ${naiveShape} THEN ${naiveUtc(`try_cast(${r} AS TIMESTAMP)`)}
    WHEN ${r} GLOB '${EPOCH_GLOB}' THEN ${epochSql(r)}
    WHEN ${noOffset} THEN ${naiveUtc(`try_cast(${r} AS TIMESTAMP)`)}
    WHEN ${utc} THEN coalesce(try_cast(left(${r}, length(${r}) - 1) AS TIMESTAMP), ${offset})
    ELSE ${offset} END`
}

/**
 * SQL: `r` looks like a spreadsheet's serial day number (45292, 45292.5: days since 1899-12-30,
 * 1955 to 2119), what Excel writes for a date cell formatted as a number. No --date-format reads
 * it, and it is not read as one here: a workbook may count from 1904, so the day is not certain.
 */
const excelSerial = (r: string): string => `regexp_full_match(${r}, '[2-9][0-9]{4}([.][0-9]+)?')`

/** The reason for an excelSerial value, with the day it would be in the 1900 system. */
const excelSerialReason = (r: string): string =>
  `': it looks like a spreadsheet serial day number (' || ${r} || ' is ' || strftime(DATE '1899-12-30' + CAST(floor(CAST(${r} AS DOUBLE)) AS INTEGER), '%Y-%m-%d') || ' in Excel''s 1900 system); format the column as dates (yyyy-mm-dd) in the spreadsheet and export it again'`

/**
 * SQL: `r` ends in a zone abbreviation right after the time ("00:30:00 BST", "00:30 CET"). The engine's cast
 * reads such a name as ICU's zone of that id, BST as Asia/Dhaka (+6) rather than British Summer
 * Time, and CET in July as +2: a wrong day with no message. Such text is no date; UTC, GMT and Z
 * are what they say, AM and PM are the 12-hour clock's, and a full IANA name (Europe/London) is
 * not caught here.
 */
function zoneAbbreviated(r: string): string {
  // after a time (hh:mm, seconds and fractions optional): "2024-01-0x" has none, and is no date
  // for another reason than a zone
  return `(regexp_matches(${r}, '[0-9]:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*[A-Za-z]+$') AND NOT regexp_matches(${r}, '[0-9]\\s*([Uu][Tt][Cc]?|[Gg][Mm][Tt]|[Zz]|[AaPp][Mm])$'))`
}

/**
 * SQL CASE branches (bad rows only): a value that --date-format, written without a time of day
 * (`%d/%m/%Y`), does not read because it carries one (`13/01/2024 10:00`) is told the format with
 * the time that reads it, rather than only that the format did not.
 */
function timeOfDayHint(r: string, o: ParseOptions): string {
  const format = o.dateShape ? undefined : o.dateFormat
  if (format === undefined || /%[HIkTRrlXc]/.test(format)) return ''
  return ['%H:%M', '%H:%M:%S']
    .map((t) => {
      const reason = ` with --date-format ${format}, which has no time of day: --date-format '${format} ${t}' reads it`
      return ` WHEN try_strptime(${r}, ${lit(`${format} ${t}`)}) IS NOT NULL THEN ${lit(reason)}`
    })
    .join('')
}

/** The offset after a time of day: sign, hours and minutes (optional, with or without a colon). */
const TIME_OFFSET = `[0-9]:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*([+-])([0-9]{2}):?([0-9]{2})?$`

/**
 * SQL: `r` ends in a UTC offset no clock has (+99:99, -23:59, +14:30: offsets run from -12:00 to
 * +14:00, minutes below 60). The engine's cast takes any two digits, and moved such an order by
 * up to four days with no word.
 */
function offsetOutOfRange(r: string): string {
  const part = (i: number) =>
    `CAST(coalesce(nullif(regexp_extract(${r}, '${TIME_OFFSET}', ${i}), ''), '0') AS INTEGER)`
  // groups 3-5 of TIME_OFFSET: sign, hours, minutes
  const most = `CASE regexp_extract(${r}, '${TIME_OFFSET}', 3) WHEN '+' THEN 840 ELSE 720 END`
  return `(regexp_matches(${r}, '${TIME_OFFSET}') AND (${part(4)} * 60 + ${part(5)} > ${most} OR ${part(5)} >= 60))`
}

/** SQL: why text that {@link offsetOutOfRange} is no date, naming its offset. */
function offsetReason(r: string): string {
  return `': the UTC offset ' || regexp_extract(${r}, '([+-][0-9]{2}:?([0-9]{2})?)$', 1) || ' is none a clock keeps (offsets run from -12:00 to +14:00, with minutes below 60)'`
}

/** SQL: why text that {@link zoneAbbreviated} is no date, naming its abbreviation. */
function abbreviationReason(r: string): string {
  return `': ' || regexp_extract(${r}, '([A-Za-z]+)$', 1) || ' after the time is a zone abbreviation, which is not read: an abbreviation can stand for several zones (BST for British and Bangladesh time) or change its offset with summer time (CET); write the offset (+01:00), UTC, or an IANA zone (Europe/London)'`
}

/** Text that may be a Unix time: digits only, nine or more (see epochSql). */
const EPOCH_GLOB = `${'[0-9]'.repeat(9)}*`

/**
 * A Unix time (an instant, so --tz does not apply) as a UTC TIMESTAMP: 9-10 digits are seconds
 * (1973-2286), with up to six decimals (Python's time.time()); 12-13 digits are milliseconds
 * (JavaScript's Date.now(), 2001-2286), with up to three decimals (1700000000000.0: a JSON
 * column that also holds fractional seconds is read as floats). Other digit strings are no date (an 8-digit 20240105 is
 * the year-month-day shape, read by its date shape).
 */
function epochSql(r: string): string {
  return `CASE WHEN regexp_full_match(${r}, '[0-9]{9,10}([.][0-9]{1,6})?')
      THEN make_timestamp(CAST(round(CAST(${r} AS DOUBLE) * 1000000) AS BIGINT))
    WHEN regexp_full_match(${r}, '[0-9]{12,13}([.][0-9]{1,3})?')
      THEN make_timestamp(CAST(round(CAST(${r} AS DOUBLE) * 1000) AS BIGINT)) END`
}

const D2 = '[0-9][0-9]'
const YMD = `${D2}${D2}-${D2}-${D2}`
const HMS = `${D2}:${D2}:${D2}`

/**
 * Order statuses (lower case) of an order that was never paid or was paid back in full: such an
 * order is stored with a refund row of its whole amount, so it is no purchase and adds no revenue.
 */
export const UNPAID_STATUS =
  // WooCommerce stores its statuses with a prefix (wc-cancelled), as exports of the stored value show
  '(wc-)?(cancell?ed|void(ed)?|failed|declined|refunded|fully[ _-]?refunded|abandoned|rejected|chargeback|charged[ _-]?back' +
  // said outright: no money yet (BigCommerce's Awaiting Payment, WooCommerce's Pending payment;
  // a bare "pending" is Shopify's payment under way, which counts)
  '|unpaid|not[ _-]?paid|awaiting[ _-]?payment|pending[ _-]?payment' +
  // Stripe's payments that never took money: Blocked (by its fraud rules), Incomplete (the
  // customer never finished paying); Shopify's Expired (a payment authorized but never captured
  // before the authorization ran out) and Stripe's expired Checkout sessions
  '|blocked|incomplete|expired' +
  // a PaymentIntent still waiting for a card, the customer's confirmation or their 3-D Secure step
  // (requires_payment_method ...): no money taken; "processing" (a bank debit under way) counts
  '|requires[ _-]?(payment[ _-]?method|confirmation|action)' +
  // the same words in the languages whose column names are read (a German shop's Storniert): a
  // whole value only, so "teilweise erstattet" (partly refunded) is no full refund
  // (matched without accents: strip_accents, so a Mac's decomposed ü is the same letter)
  '|storniert|(ruck)?erstattet|fehlgeschlagen|abgebrochen|abgelehnt' +
  '|annulee?|remboursee?|echouee?|refusee?' +
  '|cancelad[oa]|anulad[oa]|reembolsad[oa]|fallid[oa]|rechazad[oa]' +
  '|annullat[oa]|rimborsat[oa]|fallit[oa]|rifiutat[oa]' +
  '|geannuleerd|terugbetaald|mislukt|geweigerd)' +
  // WooCommerce's own words for an order not paid yet, as it stores them: wc-pending ("Pending
  // payment"), wc-on-hold ("awaiting payment": a bank transfer to confirm), wc-checkout-draft (a
  // checkout left unfinished; no other platform says checkout-draft, so without the prefix too).
  // Without the prefix "pending" and "on hold" are other platforms' paid orders (Shopify's payment
  // under way, a fulfilment held), which count, unless the file is WooCommerce's (WOO_UNPAID_STATUS)
  '|wc-(pending|on[ _-]?hold)|(wc-)?checkout[ _-]?draft'

/**
 * {@link UNPAID_STATUS} for a file that is WooCommerce's (ColumnMapping.wooStatuses): its REST API
 * and its order exports write the statuses without the stored prefix (`pending`, `on-hold`, or the
 * admin's labels `On hold`, `Draft`), which there mean what wc-pending, wc-on-hold and
 * wc-checkout-draft mean: not paid yet.
 */
export const WOO_UNPAID_STATUS = `${UNPAID_STATUS}|pending|on[ _-]?hold|draft`

/**
 * Order statuses (lower case, without accents) of an order that was paid and stands, in the
 * platforms' and languages' words: an order with any other status that is not one of
 * {@link UNPAID_STATUS} counts as a purchase all the same, and the import names those words
 * (ImportResult.unknownStatuses), as "Returned", "Fraud" or "Disputed" may mean no sale.
 */
export const PAID_STATUS =
  '(wc-)?(paid|completed?|fulfilled|unfulfilled|shipped|delivered|processing|succeeded|success(ful)?' +
  '|captured|authori[sz]ed|pending|on[ _-]?hold|open|settled|approved|confirmed|ok|done|finished' +
  '|in[ _-]?transit|ready[ _-]?for[ _-]?pick[ _-]?up|picked[ _-]?up|awaiting[ _-]?(fulfil?ment|shipment|pick[ _-]?up)' +
  '|partial(ly)?[ _-]?(paid|fulfilled|shipped|refunded)' +
  '|bezahlt|abgeschlossen|versendet|versandt|geliefert|erledigt|in[ _-]?bearbeitung|offen|teilweise[ _-]?erstattet' +
  '|payee?|terminee?|expediee?|livree?|en[ _-]?cours|validee?|partiellement[ _-]?remboursee?' +
  '|pagad[oa]|completad[oa]|enviad[oa]|entregad[oa]|en[ _-]?proceso|procesando|parcialmente[ _-]?reembolsad[oa]' +
  '|pagat[oa]|completat[oa]|spedit[oa]|consegnat[oa]|in[ _-]?lavorazione|parzialmente[ _-]?rimborsat[oa]' +
  '|betaald|voltooid|verzonden|geleverd|in[ _-]?behandeling|gedeeltelijk[ _-]?terugbetaald)'

/**
 * SQL: the status column says the order was never paid or was paid back in full (`woo`: in
 * WooCommerce's words too, see {@link WOO_UNPAID_STATUS}).
 */
const unpaidStatusSql = (header: string, woo = false): string =>
  `regexp_full_match(strip_accents(lower(${textOf(header)})), ${lit(woo ? WOO_UNPAID_STATUS : UNPAID_STATUS)})`

/**
 * What was refunded of an order, on its own row: the file's refunded amount (Stripe's Amount
 * Refunded), and all of it when its status says it was never paid or was paid back (cancelled,
 * voided, failed, refunded ...). importOrderRows stores it as a refund row of the order.
 */
function refundedField(
  c: Readonly<Record<string, string>>,
  noAmount: boolean,
  woo: boolean,
): FieldDef {
  const unpaid = c.status && c.amount && !noAmount ? unpaidStatusSql(c.status, woo) : null
  const given = c.refunded ? textOf(c.refunded) : NO_TEXT
  if (!unpaid && !c.refunded) {
    return { field: 'refunded', header: null, raw: given, type: 'number', required: false }
  }
  return {
    field: 'refunded',
    header: c.refunded ?? c.status ?? null,
    raw: unpaid ? `CASE WHEN ${unpaid} THEN ${textOf(c.amount ?? '')} ELSE ${given} END` : given,
    type: 'number',
    required: false,
    noun: 'an amount',
  }
}

/**
 * `unpaid` ('yes' or NULL): the status says the order (or line) was never paid or was paid back in
 * full. importLineOrders refunds an unpaid line's amount; importOrderRows refunds an unpaid order
 * of 0 with a refund row of its own, since it has no amount to refund and alone would read as a
 * free sample, a purchase.
 */
function unpaidField(status: string | undefined, woo: boolean): FieldDef[] {
  if (!status) return []
  return [
    {
      field: 'unpaid',
      header: status,
      raw: `CASE WHEN ${unpaidStatusSql(status, woo)} THEN 'yes' END`,
      type: 'text',
      required: false,
    },
  ]
}

/**
 * Currencies Stripe gives in whole units (no cents): its list of zero-decimal currencies. Every
 * other amount of a Stripe API object is in hundredths (cents).
 */
const ZERO_DECIMAL = 'bif|clp|djf|gnf|jpy|kmf|krw|mga|pyg|rwf|ugx|vnd|vuv|xaf|xof|xpf'
/** Stripe's three-decimal currencies: 5120 is KWD 5.120 (a thousandth is their smallest unit). */
const THREE_DECIMAL = 'bhd|jod|kwd|omr|tnd'

/**
 * SQL: an amount in the currency's smallest unit (1999 cents) as text in its units (19.99): a
 * whole number read exactly as DECIMAL; anything else is left as it is, to be reported as read.
 */
export function minorUnitsSql(raw: string, currencyHeader: string | undefined): string {
  const code = currencyHeader ? `lower(coalesce(${textOf(currencyHeader)}, ''))` : null
  const zero = code ? `regexp_full_match(${code}, '${ZERO_DECIMAL}')` : 'false'
  const three = code ? `regexp_full_match(${code}, '${THREE_DECIMAL}')` : 'false'
  // a whole number of cents, also as a float column writes it (1999.0: pandas, Parquet DOUBLE)
  const whole = `CAST(CAST(${raw} AS DOUBLE) AS DECIMAL(18,0))`
  return `CASE WHEN NOT ${zero} AND regexp_full_match(${raw}, '-?[0-9]{1,15}([.]0+)?') THEN CASE WHEN ${three} THEN CAST(CAST(${whole} / 1000 AS DECIMAL(18,3)) AS VARCHAR) ELSE CAST(CAST(${whole} / 100 AS DECIMAL(18,2)) AS VARCHAR) END ELSE ${raw} END`
}

/** Where an order went (country, region, city): the customer's place (import-order-places.ts). */
const orderPlace = (c: Readonly<Record<string, string>>): FieldDef[] => [
  col(c, 'country', 'text', false),
  col(c, 'region', 'text', false),
  col(c, 'city', 'text', false),
]

/** The optional fields every orders layout reads the same way: costs, discount, tags and place. */
const orderDetails = (c: Readonly<Record<string, string>>): FieldDef[] => [
  col(c, 'cost', 'number', false, 'an amount'),
  col(c, 'margin', 'number', false, 'an amount'),
  col(c, 'discount', 'number', false, 'an amount'),
  col(c, 'channel', 'text', false),
  col(c, 'campaign', 'text', false),
  ...orderPlace(c),
]

/**
 * A line item's quantity or price, on any row of an order, must read as the line rows read it
 * (importItemLineRows: commas between thousands dropped); else the line would be stored without it.
 */
function lineItemNumber(header: string): { header: string; bad: string; reason: string } {
  const t = `nullif(trim(${ident(header)}), '')`
  return {
    header,
    bad: `${t} IS NOT NULL AND try_cast(replace(${t}, ',', '') AS DOUBLE) IS NULL`,
    reason: `'cannot read ''' || ${show(t)} || ''' as a number'`,
  }
}

/**
 * The least and greatest customer an order's rows name (x.__customer_lo, x.__customer_hi, computed
 * by the layout's `from`), carried to the checks: one order, one customer.
 */
const CUSTOMER_RANGE: readonly FieldDef[] = ['__customer_lo', '__customer_hi'].map(
  (field): FieldDef => ({ field, header: null, raw: `x.${field}`, type: 'text', required: false }),
)

/** Field definitions for a kind and its recognised columns. */
export function typedSpec(kind: ImportKind, m: ColumnMapping): TypedSpec {
  const c = m.columns
  const extra = extraKind(kind)
  if (extra) return extra.typed(c)
  if (kind === 'orders' && m.layout === 'shopify-orders') {
    // One order per Name: the first row of an order carries Total and the order fields.
    const name = ident(c.order_id ?? 'Name')
    const total = c.total ? textOf(c.total) : 'NULL'
    const email = c.email ? wholeId(textOf(c.email)) : 'NULL'
    // Shopify prefixes ids with ' so spreadsheets keep them as text.
    const sid = c.shopify_id ? `nullif(ltrim(${textOf(c.shopify_id)}, ''''), '')` : 'NULL'
    const customer = c.customer_id
      ? wholeId(textOf(c.customer_id))
      : `coalesce(${email}, ${phoneOf(c.phone)}, ${sid})`
    const qty = c.line_quantity ? `try_cast(${textOf(c.line_quantity)} AS DOUBLE)` : 'NULL'
    // A voided order (cancelled before payment) keeps its Total with nothing refunded: none of it
    // was paid, so all of it counts as refunded. A refunded one (Shopify's status for a refund of
    // the whole order) is all refunded too: its Refunded Amount, which holds shipping and taxes,
    // is more than a Subtotal read with --map amount=Subtotal. So is an expired one (an
    // authorization that ran out uncaptured: never paid, as the status words of a plain file
    // read it, so that --map status="Financial Status" gives the same rows), and an order
    // cancelled (Cancelled at) while its payment was still pending or authorized: it will never
    // be paid. A cancelled order that was paid keeps what its Refunded Amount says (the shop may
    // have kept a fee).
    const status = c.financial_status ? `lower(${textOf(c.financial_status)})` : 'NULL'
    const cancelled = c.cancelled_at ? `${textOf(c.cancelled_at)} IS NOT NULL` : 'false'
    // a status column the user maps (--map status="Order State") says unpaid orders as in a
    // plain file: cancelled, refunded, failed ... refunds all of the order
    const mapped = c.status ? ` OR ${unpaidStatusSql(c.status)}` : ''
    const voided = `coalesce(${status} IN ('voided', 'refunded', 'expired') OR (${cancelled} AND ${status} IN ('pending', 'authorized'))${mapped}, false)`
    const refunded = c.refunded ? textOf(c.refunded) : NO_TEXT
    return {
      fields: [
        {
          field: 'customer_id',
          ...shopifyIdColumns(c),
          raw: 'x.__customer',
          type: 'text',
          required: true,
        },
        col(c, 'ordered_at', 'date', true),
        { ...col(c, 'total', 'number', true, 'an amount'), field: 'amount' },
        col(c, 'order_id', 'text', true),
        {
          ...col(c, 'refunded', 'number', false, 'an amount'),
          raw: `CASE WHEN ${voided} THEN ${total} ELSE ${refunded} END`,
        },
        {
          // a voided or refunded order of 0 has no amount to refund: importOrderRows marks it as
          // refunded so it is no purchase day, as for a plain file's cancelled order of 0
          field: 'unpaid',
          header: c.financial_status ?? c.cancelled_at ?? c.status ?? null,
          // (a free order cancelled after Shopify took its 0 as paid is no purchase either)
          raw: `CASE WHEN ${voided} OR ${cancelled} THEN 'yes' END`,
          type: 'text',
          required: false,
        },
        col(c, 'currency', 'text', false),
        {
          field: 'quantity',
          header: c.line_quantity ?? null,
          // a whole sum as digits alone: the DOUBLE's text (3.0) has a decimal point, which a
          // file of decimal commas (a German Excel's 30,00) refused on every order, and which
          // kept such a file from being recognised as one
          raw: 'CASE WHEN x.__qty = trunc(x.__qty) AND abs(x.__qty) < 1e15 THEN CAST(CAST(x.__qty AS BIGINT) AS VARCHAR) ELSE CAST(x.__qty AS VARCHAR) END',
          type: 'number',
          required: false,
        },
        col(c, 'cost', 'number', false),
        col(c, 'margin', 'number', false),
        col(c, 'discount', 'number', false, 'an amount'),
        col(c, 'channel', 'text', false),
        col(c, 'campaign', 'text', false),
        ...orderPlace(c),
        ...CUSTOMER_RANGE,
        {
          field: '__customer_odd',
          header: null,
          raw: 'x.__customer_odd',
          type: 'text',
          required: false,
        },
      ],
      // the quantity of the order's lines, each counted once (two exports pasted together repeat
      // them; a re-sorted sheet moves some away from the order's first row); the customers its
      // rows name (an item row naming another was ignored unseen: one order, one customer)
      // (one window over the order's rows for all three)
      // and the lines of the item rows that name another customer than the order's row, to name
      // the odd row rather than only the order's
      from: `(SELECT *, string_agg(CASE WHEN __customer <> __order_customer THEN CAST(${LINE} AS VARCHAR) END, ', '
          ORDER BY ${LINE}) OVER (PARTITION BY trim(${name})) AS __customer_odd
        FROM (SELECT *, ${customer} AS __customer,
        sum(CASE WHEN __counted THEN ${qty} END) OVER o AS __qty,
        min(${customer}) OVER o AS __customer_lo, max(${customer}) OVER o AS __customer_hi,
        max(CASE WHEN ${total} IS NOT NULL THEN ${customer} END) OVER o AS __order_customer
        FROM (${withOrderRuns(`trim(${name})`, 'import_raw', lineContent([c.line_sku, c.line_name, c.line_quantity, c.line_price]))}) r
        WINDOW o AS (PARTITION BY trim(${name}))) r2) x`,
      where: `${total} IS NOT NULL`,
      checks: [
        {
          field: 'customer_id',
          bad: '__customer_lo <> __customer_hi',
          reason: `'the rows of order ' || order_id || ' name different customers (' || __customer_lo || ' and ' || __customer_hi || ')' || coalesce('; the item row on line ' || __customer_odd || ' names another customer than the order''s row', '')`,
        },
      ],
      uniqueBy: { field: 'order_id', noun: 'order' },
      rawChecks: [
        ...[c.line_quantity, c.line_price].flatMap((h) => (h ? [lineItemNumber(h)] : [])),
        // an item row whose order has no first row (Total) in the file would be dropped unseen:
        // a cut or filtered export, whose order would lose its revenue and lines
        {
          header: c.order_id ?? 'Name',
          bad: `${total} IS NULL AND coalesce(trim(${name}), '') NOT IN
            (SELECT coalesce(trim(${name}), '') FROM import_raw WHERE ${total} IS NOT NULL)`,
          reason: `'an item row of order ' || coalesce(${show(`nullif(trim(${name}), '')`)}, '(no name)') || ', but no row of that order gives its Total (the order''s first row): the export was cut or filtered; export the whole order'`,
        },
      ],
    }
  }
  if (kind === 'orders' && m.layout === 'line-items') {
    // Every line is validated on its own line of the file; the orders are its lines summed
    // (importLineOrders). The lines of one order must name one customer (or none).
    const order = c.order_id ? textOf(c.order_id) : null
    const customer = c.customer_id ? wholeId(textOf(c.customer_id)) : 'NULL'
    // a line without an order id is an order of its own (importLineOrders), not one with the others
    const across = (agg: string) =>
      order
        ? `${agg}(${customer}) OVER (PARTITION BY ${order}, CASE WHEN ${order} IS NULL THEN ${LINE} END)`
        : customer
    return {
      fields: [
        // a line without a customer is the customer's whom the order's other lines name
        { ...col(c, 'customer_id', 'text', true), raw: `coalesce(${customer}, x.__customer_lo)` },
        col(c, 'ordered_at', 'date', true),
        col(c, 'unit_price', 'number', true, 'a price'),
        col(c, 'quantity', 'number', true),
        col(c, 'order_id', 'text', false),
        col(c, 'currency', 'text', false),
        ...orderDetails(c),
        // a line whose status says it was never paid or was paid back (cancelled, refunded ...):
        // importLineOrders refunds its amount, as a plain orders file's unpaid order is refunded
        ...unpaidField(c.status, m.wooStatuses === true),
        ...CUSTOMER_RANGE,
      ],
      from: `(SELECT *, ${across('min')} AS __customer_lo, ${across('max')} AS __customer_hi
        FROM import_raw) x`,
      checks: [
        {
          field: 'customer_id',
          bad: '__customer_lo <> __customer_hi',
          reason: `'the lines of order ' || order_id || ' name different customers (' || __customer_lo || ' and ' || __customer_hi || ')'`,
        },
      ],
    }
  }
  if (kind === 'orders') {
    const amount = col(c, 'amount', 'number', true, 'an amount')
    const refunded = refundedField(c, m.noAmount === true, m.wooStatuses === true)
    // Stripe API objects give money in the currency's smallest unit (see ColumnMapping.minorUnits)
    const units = (f: FieldDef): FieldDef =>
      m.minorUnits && f.header !== null ? { ...f, raw: minorUnitsSql(f.raw, c.currency) } : f
    return {
      fields: [
        orderCustomer(c),
        col(c, 'ordered_at', 'date', true),
        // a transaction log without spend: every order is worth 0 (see ColumnMapping.noAmount)
        m.noAmount ? { ...amount, raw: "'0'" } : units(amount),
        col(c, 'order_id', 'text', false),
        units(refunded),
        // (a transaction log's cancelled order is an order of 0 so marked too: no purchase)
        ...unpaidField(c.status, m.wooStatuses === true),
        col(c, 'currency', 'text', false),
        col(c, 'quantity', 'number', false),
        ...orderDetails(c),
      ],
      from: 'import_raw x',
      // Refund rows repeat their order's id on purpose.
      uniqueBy: { field: 'order_id', noun: 'order', when: 'NOT coalesce(amount < 0, false)' },
      refundsNameTheirCustomer: c.order_id !== undefined,
    }
  }
  if (kind === 'order-lines') {
    return {
      fields: [
        col(c, 'order_id', 'text', true),
        col(c, 'product_id', 'text', false),
        col(c, 'product_name', 'text', false),
        col(c, 'category', 'text', false),
        col(c, 'quantity', 'number', false),
        col(c, 'amount', 'number', false, 'an amount'),
        col(c, 'currency', 'text', false),
        // the price of one unit (ColumnMapping): the line's amount is it times the quantity
        ...(c.unit_price ? [col(c, 'unit_price', 'number', false, 'a price')] : []),
      ],
      from: 'import_raw x',
      // as the API refuses them: a line of an order is goods sold; goods sent back are returns and
      // money paid back a refund (an orders file read as line items keeps a credit note's
      // negative lines: that note is an order of its own, a refund of what it names)
      checks: [
        {
          field: 'quantity',
          bad: 'quantity < 0',
          reason: `'a line''s quantity cannot be negative: goods sent back are a returns file (--kind returns)'`,
        },
        {
          field: 'amount',
          bad: 'amount < 0',
          reason: `'a line''s amount cannot be negative: money paid back is a refund (a negative row of the orders file) or a returns file'`,
        },
        ...(c.unit_price
          ? [
              {
                field: 'unit_price',
                bad: 'unit_price < 0',
                reason: `'a line''s price cannot be negative: money paid back is a refund (a negative row of the orders file) or a returns file'`,
              },
            ]
          : []),
      ],
      inTheirOrdersCurrency: true,
    }
  }
  if (m.layout === 'shopify-customers') {
    const email = c.email ? wholeId(textOf(c.email)) : 'NULL'
    // Shopify prefixes ids with ' so spreadsheets keep them as text.
    const sid = c.shopify_id ? `nullif(ltrim(${textOf(c.shopify_id)}, ''''), '')` : 'NULL'
    const first = c.first_name ? `trim(${ident(c.first_name)})` : 'NULL'
    const last = c.last_name ? `trim(${ident(c.last_name)})` : 'NULL'
    return {
      fields: [
        {
          field: 'customer_id',
          ...shopifyIdColumns(c),
          raw: c.customer_id
            ? wholeId(textOf(c.customer_id))
            : `coalesce(${email}, ${phoneOf(c.phone)}, ${sid})`,
          type: 'text',
          required: true,
        },
        { ...col(c, 'email', 'text', false), raw: c.email ? email : NO_TEXT },
        {
          field: 'name',
          header: c.first_name ?? null,
          raw: `nullif(concat_ws(' ', ${first}, ${last}), '')`,
          type: 'text',
          required: false,
        },
        col(c, 'signup_at', 'date', false),
        col(c, 'country', 'text', false),
        col(c, 'region', 'text', false),
        col(c, 'city', 'text', false),
        col(c, 'industry', 'text', false),
        col(c, 'channel', 'text', false),
        col(c, 'campaign', 'text', false),
        yesNoField(c, 'switching_cost'),
        yesNoField(c, 'marketing_consent'),
      ],
      from: 'import_raw x',
      uniqueBy: { field: 'customer_id', noun: 'customer' },
      checks: [yesNoCheck('switching_cost'), yesNoCheck('marketing_consent')],
    }
  }
  return {
    fields: [
      col(c, 'customer_id', 'text', true),
      // in lower case, as the id an address is and Shopify's email: `Ann@X.com` and `ann@x.com`
      // on two rows of one customer were two contents of one id (refused as a conflict)
      { ...col(c, 'email', 'text', false), raw: c.email ? wholeId(textOf(c.email)) : NO_TEXT },
      col(c, 'name', 'text', false),
      col(c, 'signup_at', 'date', false),
      col(c, 'country', 'text', false),
      col(c, 'region', 'text', false),
      col(c, 'city', 'text', false),
      col(c, 'industry', 'text', false),
      col(c, 'channel', 'text', false),
      col(c, 'campaign', 'text', false),
      yesNoField(c, 'switching_cost'),
      yesNoField(c, 'marketing_consent'),
    ],
    from: 'import_raw x',
    uniqueBy: { field: 'customer_id', noun: 'customer' },
    checks: [yesNoCheck('switching_cost'), yesNoCheck('marketing_consent')],
  }
}

/** Words a CRM's yes/no column uses, lower case. */
const YES = ['yes', 'y', 'true', 't', '1', 'x', 'ja', 'oui', 'si', 'sí']
const NO = ['no', 'n', 'false', 'f', '0', 'nein', 'non']

/** A consent column's own words (Mailchimp's statuses, opt-in wording), lower case. */
const CONSENT_YES = ['subscribed', 'opted in', 'opt in', 'opted_in']
const CONSENT_NO = [
  'unsubscribed',
  'not subscribed',
  'not_subscribed',
  'opted out',
  'opt out',
  'opted_out',
]

/**
 * A yes/no column of the customers file (held by a switching cost: a contract, subscription or
 * stored balance; consent to marketing): the file's yes/no as 'true' / 'false' (stored as BOOLEAN
 * by importCustomerRows), other words as written, for {@link yesNoCheck} to refuse.
 */
function yesNoField(
  c: Readonly<Record<string, string>>,
  field: 'switching_cost' | 'marketing_consent',
): FieldDef {
  const def = col(c, field, 'text', false)
  if (def.header === null) return def
  const v = `lower(trim(${def.raw}))`
  const consent = field === 'marketing_consent'
  const yes = consent ? [...YES, ...CONSENT_YES] : YES
  const no = consent ? [...NO, ...CONSENT_NO] : NO
  return {
    ...def,
    raw: `CASE WHEN ${oneOf(v, yes)} THEN 'true' WHEN ${oneOf(v, no)} THEN 'false' ELSE ${def.raw} END`,
  }
}

const yesNoCheck = (field: 'switching_cost' | 'marketing_consent') => ({
  field,
  bad: `${field} NOT IN ('true', 'false')`,
  reason: `'cannot read ''' || ${field} || ''' as yes or no'`,
})

/** CREATE TEMP TABLE import_typed: __line, then per field `<f>__raw` (numbers, dates) and `<f>`. */
export function typedTableSql(spec: TypedSpec, o: ParseOptions): string {
  const given = (f: FieldDef): string => {
    const g = markGiven(f)
    return g && f.header !== null ? `, ${textOf(f.header)} IS NOT NULL AS ${ident(g)}` : ''
  }
  const inner = spec.fields
    .map(
      (f) =>
        `${f.raw} AS ${rawName(f.field)}${f.shown ? `, ${f.shown} AS ${shownName(f.field)}` : ''}${given(f)}`,
    )
    .join(',\n  ')
  const middle = spec.fields
    .filter((f) => f.type === 'number' && !absent(f))
    .map((f) => `, try_cast(${rawName(f.field)} AS DOUBLE) AS ${ident(`${f.field}__fast`)}`)
    .join('')
  const outer = spec.fields
    .map((f) => {
      const r = rawName(f.field)
      const g = markGiven(f)
      if (f.type === 'text')
        return `${textValue(f, r)} AS ${ident(f.field)}${g ? `, ${ident(g)}` : ''}`
      const type = f.type === 'number' ? 'DOUBLE' : 'TIMESTAMP'
      if (absent(f)) return `${r}, CAST(NULL AS ${type}) AS ${ident(f.field)}`
      const parsed =
        f.type === 'number' ? numberSql(r, ident(`${f.field}__fast`)) : dateSql(r, fieldParse(o, f))
      return `${r}, ${f.shown ? `${shownName(f.field)}, ` : ''}${parsed} AS ${ident(f.field)}`
    })
    .join(',\n  ')
  const where = spec.where ? `WHERE ${spec.where}` : ''
  return `CREATE OR REPLACE TEMP TABLE import_typed AS
SELECT ${LINE},
  ${outer}
FROM (SELECT *${middle} FROM (SELECT x.${LINE}, ${inner} FROM ${spec.from} ${where}))`
}

/**
 * SQL true for a row of the file whose every field (`columns`) is empty or white space: what Excel
 * writes below its data (`,,,` or `;;`), skipped like a blank line. A conjunction, so a row with
 * a value in its first column costs one test.
 */
export function emptyRowSql(columns: readonly string[]): string {
  if (columns.length === 0) return 'false'
  return `(${columns
    .map((c) => `trim(coalesce(CAST(${ident(c)} AS VARCHAR), ''), ' ' || chr(9)) = ''`)
    .join(' AND ')})`
}

/**
 * SQL true for a line of the CSV reader's rejects (import_csv_errors) that holds nothing but
 * spaces: the reader rejects it for its column count, but it is a blank line, skipped too.
 */
export const SPACES_ONLY_LINE = `regexp_full_match(coalesce(csv_line, ''), '\\s*')`

/** Ends the reason of a value that only a decimal comma makes a number. */
const COMMA_HINT = ' (written with a decimal comma? pass --decimal-comma)'

/** Ends the reason of a value of points between thousands (1.500.000 €), which --decimal-comma reads. */
const POINTS_HINT = ' (points between thousands? pass --decimal-comma)'

/**
 * ' (...pass --decimal-comma)' after a value that only a decimal comma makes a number: one with a
 * comma, or one with two points between groups of three digits (1.500.000), a German million that
 * read as no number with nothing said of how it could.
 */
const commaHint = (raw: string): string => {
  const c = decimalCommaSql(raw)
  const reads = `(${numberSql(c, `try_cast(${c} AS DOUBLE)`)}) IS NOT NULL`
  return `CASE WHEN contains(${raw}, ',') AND ${reads} THEN '${COMMA_HINT}' WHEN regexp_matches(${raw}, '[0-9][.][0-9]{3}[.][0-9]{3}') AND ${reads} THEN '${POINTS_HINT}' ELSE '' END`
}

/** ' (a decimal point ...)' after a value that decimalCommaSql found written with a point. */
const pointHint = (raw: string): string =>
  `CASE WHEN ${raw} = '${POINT_IN_COMMA_FILE}' THEN ' (a decimal point, but the numbers are read with a decimal comma, where a point only separates thousands: 1.234,50)' ELSE '' END`

/**
 * SQL over import_typed and import_problems (the validating path): one row with `comma`, the
 * problems that a decimal comma would mend, and `point`, the rows with a number written with
 * a decimal point (a '.' followed by other than three digits: '12.50', '0.1234') or with commas
 * between thousands and nothing after them ('1,234'). When some number reads only with a decimal
 * comma and none is written with a point, the file is read again with --decimal-comma (where
 * '1.234' is a thousand and more). Other problems (an empty amount, 'n/a', a bad date) say nothing
 * of how the numbers are written: the second read reports them.
 */
export function decimalCommaCheckSql(spec: TypedSpec): string {
  const raws = spec.fields
    .filter((f) => f.type === 'number' && !absent(f))
    .map((f) => {
      const r = rawName(f.field)
      // a decimal point, or a comma between thousands as a point-file writes it (1,234: that a
      // comma-file means 1.234 is too rare in money to read it so without being told)
      return `(regexp_matches(${r}, '[0-9][.]([0-9]{1,2}|[0-9]{4,})([^0-9]|$)') OR regexp_matches(${r}, '^[^0-9]*[0-9]{1,3}(,[0-9]{3})+[^0-9,.]*$'))`
    })
  return `SELECT
  (SELECT count(*) FROM import_problems
    WHERE ends_with(reason, '${COMMA_HINT}') OR ends_with(reason, '${POINTS_HINT}')) AS comma,
  (SELECT count(*) FROM import_typed WHERE ${raws.length > 0 ? raws.join(' OR ') : 'false'}) AS point`
}

/**
 * An id that starts with a quote never closed: the trace of a quoted field without its closing
 * quote, which a reader that found no quoting in the file takes literally (`"C1` a customer of its
 * own). Checked for the ids of a CSV read without quoting (ParseOptions.unquotedCsv), where a
 * stray quote splits a customer or an order in two.
 */
export const QUOTE_CHECKED = ['customer_id', 'order_id']
const unclosedQuote = (v: string): string =>
  `coalesce(starts_with(${v}, '"') AND NOT (length(${v}) > 1 AND ends_with(${v}, '"')), false)`
const UNCLOSED_QUOTE_REASON =
  "starts with a quote that is never closed (a quoted field without its closing quote?): '"

/** SQL: a bad value as a reason quotes it, cut to 40 characters. */
export const show = (raw: string): string =>
  `CASE WHEN length(${raw}) > 40 THEN left(${raw}, 40) || '...' ELSE ${raw} END`

/** Numbers this large are refused: money is summed as DECIMAL(18,6) (customer-summary.ts). */
export const MAX_NUMBER = String(MAX_MONEY)

/** Dates before this year are refused: what reads so is a two-digit year taken as ISO 8601. */
export const EARLIEST_YEAR = 1900
export const EARLIEST_DATE = `TIMESTAMP '${EARLIEST_YEAR}-01-01'`

/** The fields that name a customer, in every kind (a referral names two). */
const CUSTOMER_FIELDS = ['customer_id', 'referrer_id', 'referred_id']

/**
 * Values that read but that the store cannot take, as (header, bad, reason) on import_typed: a
 * currency that is no ISO 4217 code Intl knows (`US`, `DOLLARS`: reports would show money in it,
 * and the value config could never name it),
 * and a customer id `.` or `..`, which the API refuses: a URL path takes those as steps. (A known
 * symbol, `$` or `€`, was read as its code already; an unknown one is refused.) Both the
 * validating path and the fast path check them.
 */
export function valueChecks(
  spec: TypedSpec,
): { field: string; header: string; bad: string; reason: string }[] {
  const out: { field: string; header: string; bad: string; reason: string }[] = []
  for (const f of spec.fields) {
    if (f.header === null || f.type !== 'text') continue
    const v = ident(f.field)
    if (f.field === 'currency') {
      const codes = [...currencyCodes()].map(lit).join(', ')
      out.push({
        field: f.field,
        header: f.header,
        bad: `nullif(trim(${v}), '') IS NOT NULL AND upper(trim(${v})) NOT IN (${codes})`,
        reason: `'not an ISO 4217 currency code: ''' || ${show(v)} || ''' (write the code, such as USD, EUR or KWD)'`,
      })
    }
    if (CUSTOMER_FIELDS.includes(f.field) || f.field === 'order_id') {
      // a JSON lines file whose field holds a list or an object on some lines (["B", "C"]) reads
      // that value as its JSON text: no id (README: lists and objects are no field's value)
      // (valid JSON that opens with a bracket or a brace is a list or an object; the prefix
      // tests first, so that json_valid reads next to no row: ~0.15 s over ten million orders)
      out.push({
        field: f.field,
        header: f.header,
        bad: `((${v} LIKE '[%' OR ${v} LIKE '{%') AND json_valid(${v}))`,
        reason: `CASE WHEN ${v} LIKE '[%' THEN 'a list' ELSE 'an object' END || ' (' || ${show(v)} || ') is no ${f.field}: a row names one'`,
      })
    }
    if (CUSTOMER_FIELDS.includes(f.field)) {
      out.push({
        field: f.field,
        header: f.header,
        bad: `${v} IN ('.', '..')`,
        reason: `'a customer id of ''' || ${v} || ''' cannot be named in a URL path (the API''s GET and DELETE /v1/customers/{id} would never reach the customer, not even to erase them): give the customer another id'`,
      })
    }
  }
  return out
}

/**
 * A currency column's value as {@link valueChecks} takes it, in JavaScript: the fast path checks
 * the column's distinct values (one cheap hash aggregate) rather than every row (1.7 s per ten
 * million rows for the SQL test).
 */
export function currencyValueFits(value: string | null): boolean {
  const t = (value ?? '').trim()
  if (t === '') return true
  return currencyCodes().has(t.toUpperCase())
}

/** The money fields of an orders row: a currency mark in any of them names the row's currency. */
const MONEY_FIELDS: readonly string[] = ['amount', 'refunded', 'cost', 'margin', 'discount']

/** The money fields the file has a column for, read as numbers. */
export const moneyFields = (spec: TypedSpec): (FieldDef & { readonly header: string })[] =>
  spec.fields.filter(
    (f): f is FieldDef & { readonly header: string } =>
      f.header !== null && f.type === 'number' && MONEY_FIELDS.includes(f.field),
  )

/**
 * The rows whose money fields name another currency than their currency column ("$1,234.50" in a
 * EUR row, or a cost of "$7.00" beside a EUR amount: the mark is dropped when the number is read,
 * so one of the two is wrong), one rule per money field the file has, over a relation with the
 * fields' text (rawName) and the currency; none when the file has no currency column.
 */
export function currencyClashes(spec: TypedSpec): {
  readonly field: string
  readonly header: string
  readonly bad: string
  readonly reason: string
}[] {
  const currency = spec.fields.find((f) => f.field === 'currency')
  if (!currency?.header) return []
  const code = ident('currency')
  return moneyFields(spec).map((f) => {
    const raw = rawName(f.field)
    return {
      field: f.field,
      header: f.header,
      bad: markClashSql(raw, code),
      reason: `'''' || ${show(f.shown ? shownName(f.field) : raw)} || ''' is marked ' || ${markOfSql(raw)} || ', but the row''s currency (' || ${lit(currency.header as string)} || ') is ' || coalesce(${code} || ': correct one of them', 'empty: fill it in')`,
    }
  })
}

/** ' (Email, else Phone: both empty)' after a required value missing that `f.fallbacks` fill. */
function fallbacksEmpty(f: FieldDef): string {
  const from = [...(f.header === null ? [] : [f.header]), ...(f.fallbacks ?? [])]
  if (from.length < 2) return ''
  return ` (${from.join(', else ')}: ${from.length === 2 ? 'both' : 'all'} empty)`
}

/**
 * SQL: the first instant (a UTC TIMESTAMP, as the parsed dates are) a file's date may not reach:
 * the start, in the import's zone `tz`, of the day after {@link latestDay} ("a date after
 * tomorrow where the day is furthest along is refused", README). The rule is on the row's local
 * day, the day it is stored and summarized on: with the start of UTC's day after tomorrow, a
 * date-only order on that day read under --tz Europe/Berlin (its midnight an hour before it in
 * UTC) got in, and the default as-of became a day that --as-of refuses.
 */
export function afterTomorrowSql(now: Date, tz: string): string {
  return utcOfLocal(`TIMESTAMP ${lit(`${addDays(latestDay(now), 1)} 00:00:00`)}`, tz)
}

/**
 * SQL: the UTC instant of 1 January {@link EARLIEST_YEAR}, 00:00 in `tz` (--tz): a date is before
 * the year when its day there is, as an order's day is its local day (1900-01-01 03:00 in Tokyo is
 * 1899-12-31 in UTC, and no two-digit year).
 */
export const earliestSql = (tz: string): string => utcOfLocal(EARLIEST_DATE, tz)

/** SQL: the UTC instant of the local time `ts` (a TIMESTAMP expression) in `tz`. */
const utcOfLocal = (ts: string, tz: string): string =>
  tz === 'UTC' ? ts : `timezone('UTC', timezone(${lit(tz)}, ${ts}))`

/**
 * SQL: a hint when the text `r` is its column's own name (`amount` under the header amount): the
 * line repeats the header, as in two exports pasted into one file; '' otherwise.
 */
function headerHint(r: string, header: string | null): string {
  if (header === null) return "''"
  return `CASE WHEN trim(${r}) = ${lit(header.trim())} THEN ${lit(": the column's own name: this line repeats the header (two files pasted into one?)")} ELSE '' END`
}

/** Rows (line, col, reason) for every bad value; one SELECT per rule, UNION ALL. */
export function problemsSql(
  spec: TypedSpec,
  o: ParseOptions,
  csvRejects: boolean,
  /**
   * The engine holds a store's `orders` table (hasOrdersTable): refunds are checked against it,
   * orders against its refunds, and lines and returns against their orders' currency.
   */
  storedOrders: boolean,
  /** The store's table of this kind, when the engine holds it: rows merged with it are checked. */
  stored?: StoredTable,
): string {
  const parts: string[] = []
  const nowLit = afterTomorrowSql(o.now, o.tz)
  for (const f of spec.fields) {
    const h = f.header === null ? 'CAST(NULL AS VARCHAR)' : lit(f.header)
    const r = f.type === 'text' ? ident(f.field) : rawName(f.field)
    if (f.required) {
      const empty = lit(`empty value: ${f.field} is required${fallbacksEmpty(f)}`)
      // a mark of a missing value ("NULL", "nan") reads as none, and is said to
      const reason = markGiven(f)
        ? `CASE WHEN ${ident(markGiven(f) as string)} THEN ${lit(`a mark of no value (${MARKS_SHOWN}): ${f.field} is required`)} ELSE ${empty} END`
        : empty
      parts.push(`SELECT ${LINE}, ${h}, ${reason} FROM import_typed WHERE ${r} IS NULL`)
    }
    if (f.type === 'number') {
      // the refunded amount of an unpaid (voided, cancelled) order is its amount's text: a bad
      // amount is said once, as the amount's, not again under the status or refunded column
      const again =
        f.field === 'refunded' && spec.fields.some((g) => g.field === 'amount' && !absent(g))
          ? ` AND NOT coalesce(${r} = ${rawName('amount')} AND ${ident('amount')} IS NULL, false)`
          : ''
      parts.push(
        `SELECT ${LINE}, ${h}, 'cannot read ''' || ${show(f.shown ? shownName(f.field) : r)} || ''' as ${f.noun ?? 'a number'}' || ${commaHint(r)} || ${pointHint(r)} || ${headerHint(r, f.header)} FROM import_typed WHERE ${r} IS NOT NULL AND ${ident(f.field)} IS NULL${again}`,
        `SELECT ${LINE}, ${h}, 'number too large: ' || ${show(r)} || ' (at most 999,999,999,999.99: amounts are summed to the millionth)' FROM import_typed WHERE abs(${ident(f.field)}) >= ${MAX_NUMBER}`,
      )
    }
    if (
      o.unquotedCsv &&
      f.type === 'text' &&
      QUOTE_CHECKED.includes(f.field) &&
      f.header !== null
    ) {
      parts.push(
        `SELECT ${LINE}, ${h}, ${lit(UNCLOSED_QUOTE_REASON)} || ${show(r)} || '''' FROM import_typed WHERE ${unclosedQuote(r)}`,
      )
    }
    if (f.type === 'date') {
      const hint = o.dateShape
        ? ` as ${o.dateShape.shape.label} (${o.dateShape.format}), as the file's other dates read; pass --date-format if they are meant otherwise`
        : o.dateFormat
          ? ` with --date-format ${o.dateFormat}`
          : ' (expected ISO 8601 such as 2024-03-10 or 2024-03-10T14:30:00Z or a Unix time in seconds or milliseconds; or pass --date-format)'
      parts.push(
        `SELECT ${LINE}, ${h}, 'cannot read ''' || ${show(r)} || ''' as a date' || CASE WHEN ${headerHint(r, f.header)} <> '' THEN ${headerHint(r, f.header)} WHEN ${zoneAbbreviated(r)} THEN ${abbreviationReason(r)}${timeOfDayHint(r, o)} WHEN ${offsetOutOfRange(r)} THEN ${offsetReason(r)} WHEN ${excelSerial(r)} THEN ${excelSerialReason(r)} ELSE '${hint.replaceAll("'", "''")}' END FROM import_typed WHERE ${r} IS NOT NULL AND ${ident(f.field)} IS NULL`,
        `SELECT ${LINE}, ${h}, 'date is in the future: ' || ${show(r)} FROM import_typed WHERE ${ident(f.field)} >= ${nowLit}`,
        // 13-01-24 reads as ISO 8601 in the year 13: a two-digit year, never a customer's date
        `SELECT ${LINE}, ${h}, 'date before ${EARLIEST_YEAR}: ' || ${show(r)} || ' (a two-digit year? pass --date-format, e.g. %d-%m-%y or %y-%m-%d)' FROM import_typed WHERE ${ident(f.field)} < ${earliestSql(o.tz)}`,
      )
    }
  }
  for (const c of spec.checks ?? []) {
    const header = spec.fields.find((f) => f.field === c.field)?.header ?? null
    const h = header === null ? 'CAST(NULL AS VARCHAR)' : lit(header)
    parts.push(`SELECT ${LINE}, ${h}, ${c.reason} FROM import_typed WHERE ${c.bad}`)
  }
  for (const c of spec.rawChecks ?? []) {
    parts.push(`SELECT ${LINE}, ${lit(c.header)}, ${c.reason} FROM import_raw WHERE ${c.bad}`)
  }
  for (const c of valueChecks(spec)) {
    parts.push(`SELECT ${LINE}, ${lit(c.header)}, ${c.reason} FROM import_typed WHERE ${c.bad}`)
  }
  for (const clash of currencyClashes(spec)) {
    parts.push(
      `SELECT ${LINE}, ${lit(clash.header)}, ${clash.reason} FROM import_typed WHERE ${clash.bad}`,
    )
  }
  const currency = spec.fields.find((f) => f.field === 'currency')?.header
  if (spec.inTheirOrdersCurrency && currency && storedOrders) {
    // A return of a EUR order marked USD: its amount would be taken as EUR unconverted. As with
    // currency marks (import-file.ts, refuseForeignMarks): a row naming no stored order is held
    // to the store's currencies, and with no orders at all, or orders of no currency, nothing
    // could check it later (the rows keep no currency), so it is refused.
    parts.push(`SELECT x.${LINE}, ${lit(currency)},
  'the row''s currency is ' || trim(x.currency) || CASE
    WHEN o.order_id IS NOT NULL THEN ', but order ' || x.order_id || ' is in ' || o.currency
      || ': convert the amount to ' || o.currency || ' (or correct the currency)'
    WHEN s.n = 0 THEN ', and no orders are imported yet to check it against (lines and returns are in their orders'' currency): import the orders first'
    WHEN s.currencies IS NULL THEN ', but the stored orders name no currency to check it against (lines and returns are in their orders'' currency, taken as the orders'' money unconverted): import the orders with their currency column, or remove the currency column from this file'
    ELSE ', but order ' || x.order_id || ' is not imported and the stored orders are in '
      || s.currencies || ': convert the amount (or correct the currency)' END
FROM import_typed x
LEFT JOIN (SELECT DISTINCT order_id, currency FROM orders
  WHERE amount >= 0 AND currency IS NOT NULL) o ON o.order_id = x.order_id
CROSS JOIN (SELECT (SELECT count(*) FROM (SELECT 1 FROM orders LIMIT 1) f) AS n,
  (SELECT string_agg(DISTINCT currency, ', ') FROM orders) AS currencies) s
WHERE nullif(trim(x.currency), '') IS NOT NULL
  -- a value that is no currency at all is said once, by valueChecks
  AND upper(trim(x.currency)) IN (${[...currencyCodes()].map(lit).join(', ')}) AND CASE
  WHEN o.order_id IS NOT NULL THEN upper(trim(x.currency)) <> o.currency
  WHEN s.n = 0 THEN true
  -- a store whose orders name no currency at all: a row saying USD would be counted as the
  -- orders' money, whatever currency the value configuration then names
  WHEN s.currencies IS NULL THEN true
  -- an order stored without a currency in a store of some cannot be checked
  WHEN EXISTS (SELECT 1 FROM orders w WHERE w.order_id = x.order_id) THEN false
  ELSE upper(trim(x.currency)) NOT IN (SELECT currency FROM orders WHERE currency IS NOT NULL) END`)
  }
  if (spec.refundsNameTheirCustomer) {
    const header = spec.fields.find((f) => f.field === 'customer_id')?.header ?? null
    const h = header === null ? 'CAST(NULL AS VARCHAR)' : lit(header)
    parts.push(`SELECT line, ${h},
  'refund of order ' || order_id || ' names customer ' || customer_id || ', but '
    || CASE WHEN owner_line IS NULL THEN 'the stored order' ELSE 'the order on line ' || owner_line END
    || ' is customer ' || owner || '''s'
FROM (${refundOwnerConflicts('import_typed', storedOrders)})`)
    if (storedOrders) {
      parts.push(`SELECT line, ${h},
  'order ' || order_id || ' is customer ' || customer_id || '''s, but the stored refund of it ('
    || regexp_replace(CAST(refund AS VARCHAR), '\\.0$', '') || ' on ' || refund_day
    || coalesce(' from ' || refund_source, '') || ') names customer ' || owner
FROM (${storedRefundConflicts('import_typed')})`)
    }
  }
  const merged = stored ? storedOrderConflicts('import_typed', spec, stored) : null
  if (stored && merged) {
    const header = spec.fields.find((f) => f.field === merged.carried)?.header ?? null
    // the stored date as the file's dates are written: in --tz, the day alone at midnight
    const local = o.tz === 'UTC' ? '__stored' : `timezone(${lit(o.tz)}, timezone('UTC', __stored))`
    const shown = `CASE WHEN ${local} = date_trunc('day', ${local}) THEN CAST(CAST(${local} AS DATE) AS VARCHAR) ELSE CAST(${local} AS VARCHAR) END`
    const noun = spec.uniqueBy?.noun ?? 'row'
    parts.push(`SELECT ${LINE}, ${header === null ? 'CAST(NULL AS VARCHAR)' : lit(header)},
  ${show(rawName(merged.carried))} || ${lit(` is ${merged.after ? 'after' : 'before'} the stored ${merged.kept} `)} || ${shown}
    || ${lit(` of ${noun} `)} || ${ident(stored.key)}
    || ${lit(` (the file has no ${merged.kept} column: the stored one is kept)`)}
FROM (${merged.sql})`)
  }
  const u = spec.uniqueBy
  let pre = ''
  let post = ''
  if (u) {
    const key = ident(u.field)
    const h = spec.fields.find((f) => f.field === u.field)?.header ?? u.field
    const content = spec.fields
      .map((f) => `coalesce(CAST(${ident(f.field)} AS VARCHAR), '~')`)
      .join(", '|', ")
    const scope = `${key} IS NOT NULL ${u.when ? `AND ${u.when}` : ''}`
    // Repeated keys are rare: find them with a hash aggregate, then order only their rows.
    pre = `CREATE OR REPLACE TEMP TABLE import_dupkeys AS
SELECT ${key} AS k FROM import_typed WHERE ${scope} GROUP BY ${key} HAVING count(*) > 1;
`
    // Run after the other rules: a row with any problem is left out of the comparison. Its
    // content is not what the file means ('-1O.00' read as no amount, where the amount meant
    // would have made it a refund, outside the scope), and its problem names it already.
    // (NOT EXISTS, not NOT IN: one NULL line would turn a NOT IN off for every row.)
    // which columns differ, named as the file names them: "with different content" alone left
    // the user to compare two rows of twenty columns (a line-item export's Quantity)
    const differs = spec.fields
      .filter((f) => f.field !== u.field && !f.field.startsWith('__'))
      .map((f) => {
        const v = `coalesce(CAST(${ident(f.field)} AS VARCHAR), '~')`
        return `CASE WHEN ${v} <> first_value(${v}) OVER w THEN ${lit(f.header ?? f.field)} END`
      })
    const which = differs.length > 0 ? `concat_ws(', ', ${differs.join(', ')})` : "''"
    post = `;
INSERT INTO import_problems
SELECT ${LINE}, ${lit(h)}, ${lit(`${u.noun} `)} || ${key} || ' also on line ' || first_line || ' with different content'
  || CASE WHEN which <> '' THEN ' (' || which || ')' ELSE '' END
FROM (
  SELECT ${LINE}, ${key}, h,
    first_value(${LINE}) OVER w AS first_line, first_value(h) OVER w AS first_h, ${which} AS which
  FROM (SELECT *, md5(concat(${content})) AS h FROM import_typed
        WHERE ${scope} AND ${key} IN (SELECT k FROM import_dupkeys)
          AND NOT EXISTS (SELECT 1 FROM import_problems p WHERE p.line = import_typed.${LINE}))
  WINDOW w AS (PARTITION BY ${key} ORDER BY ${LINE})
) WHERE h <> first_h`
  } else {
    pre =
      'CREATE OR REPLACE TEMP TABLE import_dupkeys AS SELECT CAST(NULL AS VARCHAR) AS k LIMIT 0;\n'
  }
  if (csvRejects) {
    parts.push(`SELECT CAST(line AS BIGINT),
  CASE WHEN error_type = '${JSON_RECORD_ERROR}' THEN column_name END,
  CASE WHEN error_type = '${JSON_RECORD_ERROR}' THEN error_message
       WHEN error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS')
       THEN 'wrong number of columns (expected ' || regexp_extract(error_message, 'Columns: (\\d+)', 1)
            || ', found ' || regexp_extract(error_message, 'Found: (\\d+)', 1) || ')'
       WHEN error_type = 'INVALID ENCODING' THEN ${lit(NOT_UTF8)}
       WHEN error_type = 'MALFORMED JSON' THEN 'malformed JSON: ' || error_message
       WHEN error_type = 'UNQUOTED VALUE'
         THEN 'bad quoting: a quoted value is never closed, or a quote inside it is not doubled ("")'
       ELSE lower(error_type) || ': ' || error_message END
FROM (
  -- one entry per missing column: the first one carries the true count; one per extra column:
  -- the last one does
  SELECT line, arg_min(error_type, column_idx) AS error_type,
    arg_min(column_name, column_idx) AS column_name,
    CASE WHEN arg_min(error_type, column_idx) = 'TOO MANY COLUMNS'
      THEN arg_max(error_message, column_idx) ELSE arg_min(error_message, column_idx) END
      AS error_message
  FROM import_csv_errors WHERE NOT ${SPACES_ONLY_LINE} GROUP BY line)`)
  }
  return `${pre}CREATE OR REPLACE TEMP TABLE import_problems AS
SELECT * FROM (
${parts.join('\nUNION ALL\n')}
) t(line, col, reason)${post}`
}
