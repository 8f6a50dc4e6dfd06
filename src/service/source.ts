// What `summary` and `analyze` read: a workspace file as is, or any orders file imported into a
// scratch in-memory workspace. A DuckDB file is recognised by its magic bytes, not its extension.
import type { Engine } from '../data/engine.ts'
import {
  assertNamedWorkspace,
  isDuckDbFile,
  isPostgresUrl,
  missingWorkspace,
  noWorkspace,
  openWorkspace,
  requirePath,
  workspaceName,
} from '../data/workspace.ts'

export { isDuckDbFile }

import { type ImportOptions, type ImportResult, importFile } from './import/import-file.ts'

/** How to read an orders file given in place of a workspace: those options of `importFile`. */
export type ReadOptions = Pick<
  ImportOptions,
  'tz' | 'dateFormat' | 'map' | 'decimalComma' | 'encoding' | 'skipBadRows'
>

/** The read options among `o`'s (a command's options hold others too). */
export function readOptions(o: ReadOptions): ReadOptions {
  return {
    ...(o.tz ? { tz: o.tz } : {}),
    ...(o.dateFormat ? { dateFormat: o.dateFormat } : {}),
    ...(o.map ? { map: o.map } : {}),
    ...(o.decimalComma ? { decimalComma: true } : {}),
    ...(o.encoding ? { encoding: o.encoding } : {}),
    ...(o.skipBadRows ? { skipBadRows: true } : {}),
  }
}

/** Whether openSource opens `path` as a workspace (DuckDB file, postgres:// URL), not a file. */
export function isWorkspaceSource(path: string): boolean {
  return isPostgresUrl(path) || isDuckDbFile(path) || workspaceName(path)
}

/**
 * Open a workspace file, or import an orders file into a temporary in-memory workspace.
 * `temporary` tells the caller the store disappears on close; `notes` says in words what reading
 * the file decided for the user (see importNotes).
 * @example const { engine } = await openSource('orders.csv', { tz: 'UTC' })
 * @throws ImportError / UsageError from the import when the file is not a valid orders file.
 */
export async function openSource(
  pathOrWorkspace: string,
  opts: ReadOptions = {},
): Promise<{ engine: Engine; temporary: boolean; notes: string[] }> {
  requirePath(pathOrWorkspace, 'openSource')
  // a PostgreSQL store is a workspace too (what runs on it is each caller's to say); past the
  // checks of a file, a .duckdb name is a workspace (an empty file a new one)
  const postgres = isPostgresUrl(pathOrWorkspace)
  if (!postgres) {
    if (missingWorkspace(pathOrWorkspace)) throw noWorkspace(pathOrWorkspace)
    assertNamedWorkspace(pathOrWorkspace)
  }
  if (isWorkspaceSource(pathOrWorkspace)) {
    return {
      engine: await openWorkspace(pathOrWorkspace, { reading: true }),
      temporary: false,
      notes: [],
    }
  }
  const engine = await openWorkspace(':memory:')
  let imported: ImportResult
  try {
    imported = await importFile(engine, pathOrWorkspace, {
      kind: 'orders',
      scratch: true,
      ...readOptions(opts),
    })
  } catch (e) {
    await engine.close()
    throw e
  }
  // the columns not read, as `loyals import` says them under its summary
  const unused = unusedColumnsNote(imported)
  const notes = importNotes(imported)
  return {
    engine,
    temporary: true,
    notes: unused === null ? notes : [...notes, `${imported.file}: ${unused}`],
  }
}

/**
 * How an import read the file without being told (a date shape, the customer column, a decimal
 * comma, JSON records), in words; `loyals import` prints these under its own summary.
 */
export function readingNotes(r: ImportResult): string[] {
  return [
    dateShapeNote(r),
    utcColumnsNote(r),
    r.amountCurrency
      ? `${r.file}: the amounts are in ${r.amountCurrency.currency}, as their column ${r.amountCurrency.column} says (the file has no currency column): stored as the orders' currency`
      : null,
    guessedCustomerNote(r),
    otherCustomersNote(r),
    otherAmountsNote(r),
    r.minorUnits
      ? `${r.file}: the records are Stripe API objects, whose amounts are in the currency's smallest unit: read as such (1999 is 19.99; 1999 JPY and the other zero-decimal currencies is 1999; 5120 KWD and the other three-decimal currencies is 5.120)`
      : null,
    r.wooStatuses
      ? `${r.file}: the orders are WooCommerce's: one whose status is pending, on hold or a checkout draft is not paid yet and counts as no purchase, as wc-pending, wc-on-hold and wc-checkout-draft do`
      : null,
    r.columns.customer_id && r.columns.customer_email
      ? `${r.file}: a row whose ${r.columns.customer_id} is empty, 0 or NULL (a guest's order) takes the email address in its ${r.columns.customer_email} as its customer (--map ${shellWord(`customer_id=${r.columns.customer_email}`)} reads every row's customer from that column)`
      : null,
    readAgainNote(r),
    r.importedBefore ? importedBeforeNote(r.file, r.importedBefore) : null,
    questionsNote(r),
    decimalCommaNote(r),
    r.jsonArray ? jsonArrayNote(r) : null,
    r.utf8ReadAsLatin1
      ? `${r.file}: the file reads as UTF-8, but --encoding latin-1 read each accented letter as two (ë as Ã«); import it again without --encoding if the names look wrong`
      : null,
    r.pointThousands.length > 0
      ? `${r.file}: every amount with a point in ${r.pointThousands.join(', ')} has three digits after it (such as 2.000), read as a decimal point (2.000 = 2); if the point separates thousands, pass --decimal-comma`
      : null,
    (r.commaThousands ?? []).length > 0
      ? `${r.file}: every amount with a comma in ${r.commaThousands!.join(', ')} is a whole number grouped by commas (such as 1,234), read as a thousands separator (1,234 = 1234); if the comma is the decimal mark, pass --decimal-comma`
      : null,
    repeatedRowsNote(r),
    unknownStatusNote(r),
    r.emptyRows > 0
      ? `${r.file}: ${r.emptyRows} row${r.emptyRows === 1 ? '' : 's'} of nothing but separators or spaces (as spreadsheets leave at the end) skipped`
      : null,
    ...r.repeatedHeaders.map(
      (h) =>
        `${r.file}: the header names ${h.header} ${h.others.length + 1} times${h.others.every((o) => o.startsWith(`${h.header}_`)) ? '' : ' (apart from case)'}; the first ${h.header} column was read as ${h.field} (--map ${h.field}=${h.others[0]} reads the next one)`,
    ),
  ].filter((n): n is string => n !== null)
}

/**
 * Status words that say neither that an order was never paid or paid back nor that it was paid
 * ("Returned", "Fraud", "Disputed"): those rows count as purchases, which may not be what the
 * shop meant; said with the words the import knows for an order that is none.
 */
function unknownStatusNote(r: ImportResult): string | null {
  const u = r.unknownStatuses
  if (!u || u.rows === 0) return null
  const one = u.rows === 1
  const listed = u.values.map((v) => `${v.status} ${v.rows.toLocaleString('en-US')}`).join(', ')
  const more = u.kinds > u.values.length ? `, and ${u.kinds - u.values.length} more` : ''
  return (
    `${r.file}: ${one ? '1 row has a status' : `${u.rows.toLocaleString('en-US')} rows have a status`} ` +
    `that Loyals does not know (${listed}${more}), counted as ${one ? 'a purchase' : 'purchases'}; ` +
    'an order whose status says it was never paid or was paid back in full (cancelled, voided, ' +
    'failed, declined, refunded, unpaid, chargeback ...; docs/summary.md) counts as none: if ' +
    `${one ? 'this order was' : 'these orders were'} not paid or paid back, give ${one ? 'it' : 'them'} such a status or leave ${one ? 'it' : 'them'} out of the file`
  )
}

/**
 * The rows that repeat an earlier row exactly, stored once: said, or the user is left to wonder
 * why fewer rows were stored than read (and a total summed from the file disagrees with ours).
 */
function repeatedRowsNote(r: ImportResult): string | null {
  const rep = r.repeatedRows
  if (!rep || rep.n === 0) return null
  const one = rep.n === 1
  const at = r.jsonArray ? 'record' : 'line'
  const shown = rep.first
    .map((x) => `${at} ${x.line} = ${at} ${x.sameAs}, ${rep.noun} ${x.key}`)
    .join('; ')
  const more =
    rep.n > rep.first.length
      ? `; and ${(rep.n - rep.first.length).toLocaleString('en-US')} more`
      : ''
  return (
    `${r.file}: ${one ? '1 row repeats' : `${rep.n.toLocaleString('en-US')} rows repeat`} an earlier row exactly ` +
    `(${shown}${more}), counted once (the same id with other content would be a bad row)`
  )
}

/** What an import decided without being told, in words (empty when it decided nothing). */
export function importNotes(r: ImportResult): string[] {
  const out = readingNotes(r)
  // orders of several currencies, which analyze refuses: said at the import, where they came in
  for (const n of currencyNotes(r)) out.push(`${r.file}: ${n}`)
  // what `loyals import` warns of an orders file's refunds, said by analyze FILE too (it was lost)
  const suspect = r.suspectRefunds
  if (suspect) {
    for (const n of suspectRefundNotes(suspect, 'taken')) out.push(`${r.file}: ${n}`)
  }
  if (r.rejected > 0) {
    // most of the file bad (30 of 31 rows) is more likely a file read wrongly than bad rows: the
    // figures that follow are of the few left, which a bare count beside them did not make plain
    const most = r.rowsRead > 0 && r.rejected * 2 > r.rowsRead
    out.push(
      most
        ? `${r.file}: ${r.rejected.toLocaleString('en-US')} of its ${r.rowsRead.toLocaleString('en-US')} rows are bad and were left out (--skip-bad-rows), each with its reason in ${r.rejectsFile}: most of the file, so the figures below are of the few rows left; check the reasons (a column or date format read wrongly?) before trusting them`
        : `${r.file}: ${r.rejected} bad row${r.rejected === 1 ? '' : 's'} left out (--skip-bad-rows), each with its reason in ${r.rejectsFile}`,
    )
  }
  return out
}

/**
 * `n orders are <what>` (up to 3 examples, then ...); `advice`: one sentence of what orders a file
 * names, as `loyals import` and analyze FILE say it (`itWas`: "it was" or "they were").
 */
export function ordersNote(
  o: { readonly orders: number; readonly examples: string },
  verb: readonly [string, string],
  what: (itWas: string) => string,
  advice: string,
): string | null {
  if (o.orders === 0) return null
  const one = o.orders === 1
  return (
    `${o.orders} order${one ? ` ${verb[0]}` : `s ${verb[1]}`} ${what(one ? 'it was' : 'they were')} ` +
    `(${o.examples}${o.orders > 3 ? ', ...' : ''}); ${advice}`
  )
}

/**
 * The refunds of an orders file that cannot be what they say: more than their order was paid, or
 * dated before it. `stored`: `loyals import` kept them so; `taken`: analyze FILE read them so.
 */
export function suspectRefundNotes(
  suspect: NonNullable<ImportResult['suspectRefunds']>,
  as: 'stored' | 'taken',
): string[] {
  return [
    ordersNote(
      suspect.over,
      ['is', 'are'],
      (it) => `refunded by more than ${it} paid`,
      `${as} as given, so revenue nets the whole refund: check the refund amounts or their order ids`,
    ),
    ordersNote(
      suspect.early,
      ['is', 'are'],
      (it) => `refunded before ${it} placed`,
      `${as} as given: check the dates or the order ids`,
    ),
  ].filter((n): n is string => n !== null)
}

/** That a date column whose header names UTC was read in UTC, not in --tz's zone. */
function utcColumnsNote(r: ImportResult): string | null {
  const cols = r.utcColumns ?? []
  if (cols.length === 0) return null
  const one = cols.length === 1
  return `${r.file}: ${cols.join(', ')} ${one ? 'names' : 'name'} UTC as ${one ? 'its' : 'their'} zone, so ${one ? 'its' : 'their'} times without an offset were read as UTC, not in the --tz zone (which still gives each order its local day)`
}

/** That a JSON array was read record by record, and how its problems are numbered. */
function jsonArrayNote(r: ImportResult): string {
  const what = r.jsonDocuments
    ? 'JSON records each over several lines'
    : r.jsonWrapper === null
      ? 'a JSON array'
      : `the records listed under "${r.jsonWrapper}"`
  // problems read `orders.json:37 (record 3)`: the line the record opens on, then its number
  const rejects = r.rejected > 0 ? "; the rejects file's line column holds the record's number" : ''
  return `${r.file}: ${what}, read one record after another; a problem names its record's number (1 = the first) after the line the record opens on (${r.file}:LINE (record N)), or alone when the records share one line${rejects}`
}

/** That an import found the file's numbers written with a decimal comma, in words. */
function decimalCommaNote(r: ImportResult): string | null {
  if (r.decimalCommaFound === null) return null
  return `${r.file}: the numbers in ${r.decimalCommaFound.join(', ')} are written with a decimal comma (12,50; a point between thousands) and none with a decimal point, so they were read so (as with --decimal-comma)`
}

/** Which of several columns naming the customer an import read, and how to read another. */
function otherCustomersNote(r: ImportResult): string | null {
  const c = r.otherCustomers
  if (c === undefined) return null
  const one = c.others.length === 1
  return `${r.file}: the customer id was read from ${c.read}; ${c.others.join(', ')} ${one ? 'names' : 'name'} the customer too and ${one ? 'was' : 'were'} not read (--map ${shellWord(`customer_id=${c.others[0]}`)} reads ${one ? 'it' : 'the first'} instead)`
}

/**
 * The file's columns no field read, in words ("3 columns not read: ..."), but for those another
 * note names (otherAmounts, otherCustomers); null when there are none. `loyals import` prints it
 * under its summary; a file read in place of a workspace (openSource) says it with the other notes.
 */
export function unusedColumnsNote(r: ImportResult): string | null {
  // the ones named beside the amount or customer read are said there
  const said = new Set([...(r.otherAmounts?.others ?? []), ...(r.otherCustomers?.others ?? [])])
  const unused = r.unusedColumns.filter((c) => !said.has(c))
  if (unused.length === 0) return null
  const shown = unused.slice(0, 8).join(', ')
  const more = unused.length > 8 ? ` and ${unused.length - 8} more` : ''
  const one = unused.length === 1
  return `${unused.length} column${one ? '' : 's'} not read: ${shown}${more} (no field of --kind ${r.kind} reads ${one ? 'it' : 'them'}; --map FIELD=COLUMN reads a column as a field)`
}

/** Which of several amount-like columns an import read, and how to read another, in words. */
function otherAmountsNote(r: ImportResult): string | null {
  const a = r.otherAmounts
  if (a === null) return null
  const names = a.others.join(', ')
  const one = a.others.length === 1
  return `${r.file}: the amount was read from ${a.read}; ${names} ${one ? 'is' : 'are'} named like an amount too and ${one ? 'was' : 'were'} not read (--map ${shellWord(`amount=${a.others[0]}`)} reads ${one ? 'it' : 'the first'} instead)`
}

/** That the same file, imported before, was read otherwise and added rows beside the first reading. */
function readAgainNote(r: ImportResult): string | null {
  const a = r.readAgain
  if (a === null) return null
  return `${r.file}: the same file was imported before (${a.file}, ${a.importedAt} UTC) and read otherwise this time (another --map, --date-format, --tz ...): ${r.inserted} new row${r.inserted === 1 ? ' now sits' : 's now sit'} beside the ones stored then. If the earlier reading was wrong, import the file into a fresh workspace (--db).`
}

/** `w` as one shell word: quoted when it holds anything beyond letters, digits and _.=- */
const shellWord = (w: string): string =>
  /^[\w.=-]+$/.test(w) ? w : `"${w.replace(/(["\\$`])/g, '\\$1')}"`

/** Which column an import took as the customer id without being told (ColumnMapping), in words. */
function guessedCustomerNote(r: ImportResult): string | null {
  const col = r.guessedCustomer
  if (col === null) return null
  // an Id on every row of its own more likely numbers the orders than the customers
  const own =
    r.rowsStored > 1 && r.customers === r.rowsStored
      ? ` Every order has an ${col} of its own, so each customer bought once: if ${col} numbers the orders, name the customer's column.`
      : ''
  return `${r.file}: no column is named for the customer, so ${col} was read as the customer id (--map customer_id=COLUMN names another).${own}`
}

const ANSWER_NAMES: Readonly<Record<string, string>> = {
  nps: 'the NPS answer (0-10)',
  ces: 'the CES answer (1-7)',
  csat: 'the CSAT answer (1-5)',
  comment: 'the comment',
}

/** Which survey questions an import read as which answer (ColumnMapping.questions), in words. */
function questionsNote(r: ImportResult): string | null {
  const q = r.questionColumns
  if (q === null) return null
  const parts = Object.entries(q).map(([f, h]) => `"${h}" as ${ANSWER_NAMES[f] ?? f}`)
  return `${r.file}: read the question${parts.length > 1 ? 's' : ''} ${parts.join(', ')} (--map ${Object.keys(q)[0]}=COLUMN names another)`
}

/** The date shape an import read the file's dates in (importFile's dateShape), in words. */
function dateShapeNote(r: ImportResult): string | null {
  if (!r.dateShape) return null
  const columns = r.dateShape.columns.join(', ')
  return `${r.file}: the dates in ${columns} are not ISO 8601; every one of them reads as ${r.dateShape.label} ('${r.dateShape.example}' as ${r.dateShape.format}), the one reading that takes them all without a date in the future, so they were read so (--date-format chooses another reading)`
}

const MIXED_ADVICE =
  "summary and analyze refuse to add their amounts without conversion; convert them to one currency, or import each currency's orders into a workspace of its own (--db)"

/**
 * The notes on an orders file whose currency column names several currencies (summary and analyze
 * refuse to add them up: said here with the first line of each, where the file can be fixed) or
 * is empty on some rows among one currency's (those count as that currency).
 */
export function currencyNotes(r: ImportResult): string[] {
  const all = r.currencies ?? []
  const named = all.filter((c) => c.currency !== null)
  const blank = all.find((c) => c.currency === null)
  const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`
  const out: string[] = []
  if (named.length > 1) {
    out.push(
      `the orders are in ${named.length} currencies (${named.map((c) => `${c.currency} on ${rows(c.rows)}, first ${r.file}:${c.line}`).join('; ')}): ` +
        MIXED_ADVICE,
    )
  }
  const stored = r.storeCurrencies ?? []
  if (stored.length > 1) {
    out.push(
      `the workspace's orders are now in ${stored.length} currencies (${stored.map((c) => `${c.currency} on ${rows(c.rows)}`).join(', ')}): ` +
        MIXED_ADVICE,
    )
  }
  if (blank && named.length > 0) {
    const one = blank.rows === 1
    out.push(
      `${rows(blank.rows)} ${one ? 'has' : 'have'} no currency (first ${r.file}:${blank.line}) among rows in ${named.map((c) => c.currency).join(', ')}` +
        (named.length === 1
          ? `: ${one ? 'it counts' : 'they count'} as ${named[0]?.currency}; fill the currency in if ${one ? 'it is' : 'they are'} not`
          : ': fill the currency in'),
    )
  }
  return out
}

/**
 * The note on a file imported again after later files changed what it had stored: how many of its
 * rows keep a later version, and how many lines later files added to its orders (kept too).
 */
function importedBeforeNote(file: string, b: NonNullable<ImportResult['importedBefore']>): string {
  const one = b.keptLater === 1
  const changed =
    b.keptLater > 0
      ? `${b.keptLater} of its rows ${one ? 'has' : 'have'} been changed by later imports since: ${one ? 'it keeps its' : 'they keep their'} later version`
      : ''
  const added = b.addedLater
    ? `later imports added ${b.addedLater} line${b.addedLater === 1 ? '' : 's'} to its orders, which ${b.addedLater === 1 ? 'stays' : 'stay'}`
    : ''
  return `${file}: the same file was imported before (${b.file}, ${b.importedAt} UTC), and ${[changed, added].filter(Boolean).join('; ')} (an import of the same file again changes nothing)`
}
