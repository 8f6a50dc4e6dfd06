// The import's fast path: read the file once, straight into typed columns plus one "bad" flag, with
// no all-text staging copy. When any row is bad (or the CSV reader balks) it reports failure and the
// caller runs the validating path, which re-reads the file and names every problem as file:line.
// Only the file's own fields are stored: a field the file lacks is a NULL constant in the view.
// A CSV's plain number columns are read as DOUBLE by the reader itself (an optimistic read: a value
// it rejects, such as "$1,234.50", fails the read and the all-text read runs instead). Dates of the
// one shape "2024-03-10T14:30:00Z" are read as TIMESTAMP the same way, in UTC imports.
import type { Engine } from '../../data/engine.ts'
import { ident, lit } from '../../data/queries/import-stage.ts'
import { LoyalsError } from '../../errors.ts'
import {
  absent,
  afterTomorrowSql,
  belowMillionthAsZero,
  currencyClashes,
  currencyValueFits,
  dateSql,
  earliestSql,
  emptyRowSql,
  type FieldDef,
  fieldParse,
  MARKED_MISSING_FIELDS,
  MAX_NUMBER,
  missingMark,
  numberSql,
  type ParseOptions,
  QUOTE_CHECKED,
  rawName,
  refundOwnerConflicts,
  type StoredTable,
  storedOrderConflicts,
  storedRefundConflicts,
  type TypedSpec,
  textOf,
  valueChecks,
} from './validate.ts'

/**
 * Whether a spec can take the fast path: a plain projection of the file, no extra rules (lines
 * with a currency column are checked against their orders' currency: validating path).
 */
export function fastEligible(spec: TypedSpec): boolean {
  return (
    spec.from === 'import_raw x' &&
    !spec.where &&
    (spec.checks ?? []).length === 0 &&
    (spec.rawChecks ?? []).length === 0 &&
    !(spec.inTheirOrdersCurrency && spec.fields.some((f) => f.field === 'currency' && f.header))
  )
}

/**
 * The file columns a CSV read can hand over as DOUBLE: each one read only by number fields, as
 * their plain trimmed text (`textOf`), so the reader's number parse stands in for
 * `try_cast(text AS DOUBLE)`. A column that anything else reads stays text.
 */
export function doubleColumns(spec: TypedSpec): string[] {
  return plainColumns(spec, 'number')
}

/** The file columns read only by fields of `type`, each as its plain trimmed text. */
function plainColumns(spec: TypedSpec, type: FieldDef['type']): string[] {
  const out = new Set<string>()
  for (const f of spec.fields) {
    const h = f.header
    if (f.type !== type || h === null || f.raw !== textOf(h)) continue
    const readers = spec.fields.filter((g) => g.raw.includes(ident(h)))
    if (readers.every((g) => g.type === type && g.raw === f.raw)) out.add(h)
  }
  return [...out]
}

/** The only date shape the reader parses (`timestampColumns`): ISO 8601 in UTC, to the second. */
export const ZULU_FORMAT = '%Y-%m-%dT%H:%M:%SZ'

/**
 * The file columns a CSV read can hand over as TIMESTAMP parsed with `ZULU_FORMAT`: each one read
 * only by date fields, as their plain trimmed text, in an import whose --tz is UTC and that has no
 * --date-format. For every text that format takes, `dateSql` gives the same instant (its Z lane, or
 * the cast of the other lanes, which read Z as UTC), with one exception: DuckDB's strptime reads
 * 'epoch' and '(-)infinity' as 1900-01-01 00:00:00, so a row with that value counts as bad and
 * the validating path reads it (see `fastTypedSql`). Naive shapes are not read this way: the
 * reader skips tabs and line feeds around a value, which the validating path rejects there.
 * Under another --tz, dateSql reads "...Z" followed by such a space as local time.
 */
export function timestampColumns(spec: TypedSpec, o: ParseOptions): string[] {
  return o.tz !== 'UTC' || o.dateFormat || o.dateShape ? [] : plainColumns(spec, 'date')
}

/** What strptime makes of 'epoch', 'infinity' and '-infinity' (see `timestampColumns`). */
const STRPTIME_SPECIAL = "TIMESTAMP '1900-01-01 00:00:00'"

/** Where the fast read reads from (see `fastTypedSql`). */
export interface FastRead {
  /** The reader (a table function call); default: the spec's own FROM (`import_raw`). */
  readonly source?: string
  /** File columns the source reads as DOUBLE (see `doubleColumns`). */
  readonly doubles?: readonly string[]
  /** File columns the source reads as TIMESTAMP (see `timestampColumns`). */
  readonly timestamps?: readonly string[]
  /** The file's columns, to find its rows of nothing but separators (a CSV's; else none). */
  readonly columns?: readonly string[]
}

/**
 * CREATE TEMP TABLE import_fast: the fields of `spec` parsed exactly as `typedTableSql` does (same
 * number and date rules), without the raw text, plus `__bad` = the row would get a problem from
 * `problemsSql` (a required value missing, a number or date that does not parse, a future date),
 * NULL for a row of nothing but separators or spaces (`,,,`: skipped, as the validating path
 * skips it; `tryFastStage` deletes those rows, which leaves the others' rowids as they are).
 * Rows keep the file's order (DuckDB preserves insertion order), so rowid gives the line number.
 * Fields the file lacks are not stored (ten million NULLs per field cost memory and time);
 * `typedViewSql` puts them back.
 * `read.doubles`: the reader's parse equals `try_cast` of the trimmed text wherever it succeeds and
 * gives NULL only for a blank field, so such a field's value is the finite number or NULL, and a
 * non-finite one is bad, as in `numberSql`. `read.timestamps`: the reader's parse is the instant
 * (or NULL for a blank field), except the strptime value of the specials, which counts as bad.
 */
export function fastTypedSql(spec: TypedSpec, o: ParseOptions, read: FastRead = {}): string {
  const doubles = read.doubles ?? []
  const timestamps = read.timestamps ?? []
  const typed = (f: FieldDef): boolean =>
    f.header !== null &&
    f.raw === textOf(f.header) &&
    ((f.type === 'number' && doubles.includes(f.header)) ||
      (f.type === 'date' && timestamps.includes(f.header)))
  const text = (f: FieldDef): string => (typed(f) ? ident(f.header ?? '') : f.raw)
  const inner = spec.fields.map((f) => `${text(f)} AS ${rawName(f.field)}`).join(',\n    ')
  const middle = spec.fields
    .filter((f) => f.type === 'number' && !absent(f) && !typed(f))
    .map((f) => `, try_cast(${rawName(f.field)} AS DOUBLE) AS ${ident(`${f.field}__fast`)}`)
    .join('')
  const parsed = spec.fields
    .map((f) => {
      const r = rawName(f.field)
      if (f.type === 'text') return `${r} AS ${ident(f.field)}`
      const type = f.type === 'number' ? 'DOUBLE' : 'TIMESTAMP'
      if (absent(f)) return `${r}, CAST(NULL AS ${type}) AS ${ident(f.field)}`
      const p = typed(f)
        ? f.type === 'number'
          ? `CASE WHEN isfinite(${r}) THEN ${belowMillionthAsZero(r)} END` // as numberSql reads it
          : r
        : f.type === 'number'
          ? numberSql(r, ident(`${f.field}__fast`))
          : dateSql(r, fieldParse(o, f))
      return `${r}, ${p} AS ${ident(f.field)}`
    })
    .join(',\n    ')
  const future = afterTomorrowSql(o.now, o.tz)
  const bad: string[] = []
  for (const f of spec.fields) {
    const v = ident(f.field)
    const r = f.type === 'text' ? v : rawName(f.field)
    if (f.required) bad.push(`${r} IS NULL`)
    // an id that marks no value ("NULL") goes to the validating path, which takes it as none
    if (f.type === 'text' && MARKED_MISSING_FIELDS.includes(f.field) && !absent(f)) {
      bad.push(`coalesce(${missingMark(v)}, false)`)
    }
    // a leading quote sends the file to the validating path, which applies the exact rule (LIKE
    // is the cheap test: ~20 ms for ten million ids, the exact rule ~200 ms)
    if (f.type === 'text' && QUOTE_CHECKED.includes(f.field) && f.header !== null) {
      bad.push(`coalesce(${v} LIKE '"%', false)`)
    }
    if (f.type !== 'text' && !absent(f)) bad.push(`(${r} IS NOT NULL AND ${v} IS NULL)`)
    if (f.type === 'number' && !absent(f)) bad.push(`coalesce(abs(${v}) >= ${MAX_NUMBER}, false)`)
    if (f.type === 'date' && !absent(f)) {
      bad.push(`coalesce(${v} >= ${future} OR ${v} < ${earliestSql(o.tz)}, false)`)
    }
    if (f.type === 'date' && typed(f)) bad.push(`coalesce(${r} = ${STRPTIME_SPECIAL}, false)`)
  }
  // money whose mark names another currency than the row's: the validating path reports it
  for (const clash of currencyClashes(spec)) {
    const field = spec.fields.find((f) => f.field === clash.field)
    if (field && !typed(field)) bad.push(clash.bad)
  }
  // a row with its required field present is not empty: the whole row is looked at only when not
  const gate = spec.fields.find((f) => f.required && f.header !== null)
  const empty =
    gate && (read.columns ?? []).length > 0
      ? `CASE WHEN (${text(gate)}) IS NULL THEN ${emptyRowSql(read.columns ?? [])} ELSE false END`
      : 'false'
  const anyBad = bad.length > 0 ? bad.join('\n    OR ') : 'false'
  const fields = spec.fields
    .filter((f) => !absent(f))
    .map((f) => ident(f.field))
    .join(', ')
  return `CREATE OR REPLACE TEMP TABLE import_fast AS
SELECT ${fields}, CASE WHEN __empty THEN NULL ELSE ${anyBad} END AS __bad
FROM (
  SELECT ${parsed}, __empty
  FROM (SELECT *${middle} FROM (SELECT ${inner}, ${empty} AS __empty FROM ${read.source ? `${read.source} x` : spec.from}))
)`
}

const SQL_TYPE = { text: 'VARCHAR', number: 'DOUBLE', date: 'TIMESTAMP' } as const

/**
 * CREATE TEMP VIEW `view` over the fast table `table`: `__line` (rowid + `firstLine`), then every
 * field of `spec` in order, NULL for the fields the file lacks; what `import_typed` is to the
 * validating path.
 */
export function typedViewSql(
  spec: TypedSpec,
  args: { table: string; view: string; firstLine: number },
): string {
  return `CREATE OR REPLACE TEMP VIEW ${ident(args.view)} AS
SELECT rowid + ${args.firstLine} AS __line, ${fieldList(spec)} FROM ${ident(args.table)}`
}

/** Every field of `spec` in order, as stored in the fast table or NULL when the file lacks it. */
function fieldList(spec: TypedSpec): string {
  return spec.fields
    .map((f) =>
      absent(f) ? `CAST(NULL AS ${SQL_TYPE[f.type]}) AS ${ident(f.field)}` : ident(f.field),
    )
    .join(', ')
}

/**
 * The source for the fast read: CSV without a rejects table, so any malformed line throws; with
 * `doubles`, those CSV columns are read as DOUBLE, with `timestamps` as TIMESTAMP in `ZULU_FORMAT`
 * (a value the reader cannot parse throws too).
 */
export function fastSource(
  source: string,
  doubles: readonly string[] = [],
  timestamps: readonly string[] = [],
): string {
  const plain = source.replace(
    /, store_rejects=true, rejects_table='import_csv_errors', rejects_scan='import_csv_scans'/,
    '',
  )
  if (doubles.length + timestamps.length === 0 || !plain.startsWith('read_csv(')) return plain
  const format = timestamps.length > 0 ? `, timestampformat=${lit(ZULU_FORMAT)}` : ''
  if (plain.includes(', columns={')) {
    // a dialect given, not sniffed (import-stage.ts QuotedCsv): the reader takes no `types` beside
    // `columns`, so the columns' own types change
    let typed = plain
    for (const [names, type] of [
      [doubles, 'DOUBLE'],
      [timestamps, 'TIMESTAMP'],
    ] as const) {
      for (const h of names) typed = typed.replace(`${lit(h)}: 'VARCHAR'`, `${lit(h)}: '${type}'`)
    }
    return `${typed.slice(0, -1)}${format})`
  }
  const types = [
    ...doubles.map((h) => `${lit(h)}: 'DOUBLE'`),
    ...timestamps.map((h) => `${lit(h)}: 'TIMESTAMP'`),
  ].join(', ')
  return `${plain.slice(0, -1)}, types={${types}}${format})`
}

export interface FastStage {
  /** Data rows read (empty rows not counted). */
  readonly rows: number
  /** CSV rows of nothing but separators or spaces, skipped (ImportResult.emptyRows); only if any. */
  readonly empty?: number
  /** Rows where the `tally` condition holds (0 without one). */
  readonly tally: number
  /**
   * Some number field of the file was not read as DOUBLE but parsed from its text: it may be
   * formatted ("$1,234.50", "12 EUR") and carry a currency mark.
   */
  readonly formattedNumbers: boolean
}

/**
 * Read the source into import_fast: 'read', or why the read threw: 'malformed' for a CSV line the
 * reader cannot split (a wrong number of columns, bad quoting or encoding), 'failed' for anything
 * else (a value it cannot convert to a column's type among them), with that column when named.
 */
async function readFast(
  engine: Engine,
  args: { spec: TypedSpec; parse: ParseOptions; read: FastRead },
): Promise<'read' | 'malformed' | { failed: string | null }> {
  try {
    const prevTz = (
      await engine.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")
    )[0]?.tz
    await engine.exec(`SET TimeZone = ${lit(args.parse.tz)}`)
    try {
      await engine.exec(fastTypedSql(args.spec, args.parse, args.read))
    } finally {
      await engine.exec(`SET TimeZone = ${lit(prevTz ?? 'UTC')}`)
    }
    return 'read'
  } catch (e) {
    if (!(e instanceof LoyalsError)) throw e
    const m = e.cause instanceof Error ? e.cause.message : e.message
    const column = /Error when converting column "((?:[^"]|"")*)"/.exec(m)
    if (/CSV Error on Line/.test(m) && !column) return 'malformed'
    return { failed: column ? (column[1] ?? '').replaceAll('""', '"') : null }
  }
}

/**
 * Try the fast path. On success the TEMP view `import_typed` (with `__line`) and the TEMP table
 * `import_dupkeys` exist as the validating path would leave them when there are no problems, and
 * the result says how many rows were read and how many match `tally` (a condition over the
 * fields, as in `import_typed`, counted in the same scan). Null when the file needs the validating path: a bad
 * value, a repeated key with different content, no rows, or a read error.
 * `source` is the reader without rejects (`fastSource`); `typedSource` (optional) the same reader
 * with the columns of `doubleColumns(spec)` as DOUBLE, tried first; `datedSource` (optional) that
 * one with the columns of `timestampColumns(spec, parse)` as TIMESTAMP too, tried before it.
 * `firstLine` is the file line of the first data row (2 for CSV with a header, 1 otherwise).
 */
export async function tryFastStage(
  engine: Engine,
  args: {
    source: string
    typedSource?: string
    datedSource?: string
    /** The CSV's columns: its rows of nothing but separators are skipped (FastRead.columns). */
    columns?: readonly string[]
    spec: TypedSpec
    parse: ParseOptions
    firstLine: number
    tally?: string
    /** The store's table of this kind: rows that merge with it out of order take the other path. */
    stored?: StoredTable
  },
): Promise<FastStage | null> {
  const { spec } = args
  if (engine.dialect !== 'duckdb' || !fastEligible(spec)) return null
  const doubles = args.typedSource ? doubleColumns(spec) : []
  const timestamps = args.datedSource ? timestampColumns(spec, args.parse) : []
  const read = (source: string, d: readonly string[], t: readonly string[] = []) =>
    readFast(engine, {
      spec,
      parse: args.parse,
      read: { source, doubles: d, timestamps: t, columns: args.columns ?? [] },
    })
  // A typed read that meets a value its parser rejects (a formatted amount, another date shape)
  // throws: a read with fewer typed columns takes it, the all-text read last. One that reads has
  // the same bad rows as the all-text read would; a malformed line would fail every read.
  let got: Awaited<ReturnType<typeof read>> = { failed: null }
  // the columns the read that succeeded typed as DOUBLE
  let typed: readonly string[] = doubles
  if (timestamps.length > 0) got = await read(args.datedSource ?? '', doubles, timestamps)
  const failedOn = (g: typeof got, cols: readonly string[]): boolean =>
    typeof g === 'object' && (g.failed === null || cols.includes(g.failed))
  // the dated read failing on an amount would fail the same way without the dates
  if (failedOn(got, timestamps) && doubles.length > 0) {
    got = await read(args.typedSource ?? '', doubles)
  }
  if (typeof got === 'object') {
    got = await read(args.source, [])
    typed = []
  }
  if (got !== 'read') return null
  // a number field the reader did not type was parsed from its text, which may be formatted: an
  // amount that a status column also reads ("refunded" when the status says so) is never typed
  const formattedNumbers = spec.fields.some(
    (f) => f.type === 'number' && !absent(f) && !(f.header !== null && typed.includes(f.header)),
  )
  try {
    await engine.exec(
      typedViewSql(spec, { table: 'import_fast', view: 'import_typed', firstLine: args.firstLine }),
    )
    const c = await fastCounts(engine, spec, args.tally)
    if (!c || c.n === c.empty || c.bad > 0) return null
    // deleted rows leave the rowids of the others, and so their lines, as they were
    if (c.empty > 0) await engine.exec('DELETE FROM import_fast WHERE __bad IS NULL')
    if (!(await uniqueKeysAgree(engine, spec, c.keysDistinct))) return null
    // a value the store cannot take (validate.ts valueChecks): the validating path names its rows.
    // A currency is checked by the column's distinct values (few), not row by row.
    const checks = valueChecks(spec)
    const unfit = checks.filter((x) => x.field !== 'currency')
    if (unfit.length > 0) {
      const [u] = await engine.query<{ n: number }>(
        // (a NULL is no match in a WHERE of ORs: no coalesce, which would make each test read
        // every row, 0.4 s more over ten million orders)
        `SELECT count(*) AS n FROM (SELECT 1 FROM import_fast WHERE ${unfit.map((x) => `(${x.bad})`).join(' OR ')} LIMIT 1)`,
      )
      if (Number(u?.n ?? 0) > 0) return null
    }
    if (checks.some((x) => x.field === 'currency')) {
      const values = await engine.query<{ v: string | null }>(
        'SELECT DISTINCT currency AS v FROM import_fast',
      )
      if (!values.every((r) => currencyValueFits(r.v === null ? null : String(r.v)))) return null
    }
    const storedOrders = spec.refundsNameTheirCustomer === true && (await hasOrdersTable(engine))
    // the validating path names each such refund with its order's line, and each such order with
    // its stored refund (a file without refunds meets those too)
    const owners = [
      ...(c.refunds > 0 ? [refundOwnerConflicts('import_typed', storedOrders)] : []),
      ...(storedOrders ? [storedRefundConflicts('import_typed')] : []),
    ]
    for (const conflicts of owners) {
      const [k] = await engine.query<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM (${conflicts}) LIMIT 1)`,
      )
      if (Number(k?.n ?? 0) > 0) return null
    }
    const merged = args.stored && storedOrderConflicts('import_typed', spec, args.stored)
    if (merged && args.stored && (await hasStoreTable(engine, args.stored.table))) {
      const [k] = await engine.query<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM (${merged.sql}) LIMIT 1)`,
      )
      // the validating path names each row that the stored one it merges with puts out of order
      if (Number(k?.n ?? 0) > 0) return null
    }
    return {
      rows: c.n - c.empty,
      ...(c.empty > 0 ? { empty: c.empty } : {}),
      tally: c.tally,
      formattedNumbers,
    }
  } catch (e) {
    if (e instanceof LoyalsError) return null
    throw e
  }
}

/** Whether the engine holds a store's `orders` table (a workspace does; a bare engine not). */
export function hasOrdersTable(engine: Engine): Promise<boolean> {
  return hasStoreTable(engine, 'orders')
}

/** Whether the engine holds the store table `table` (not a TEMP one of the import). */
export async function hasStoreTable(engine: Engine, table: string): Promise<boolean> {
  const [t] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ${lit(table)} AND NOT temporary`,
  )
  return Number(t?.n ?? 0) > 0
}

/** Inside the uniqueness scope of `spec` (its key present and its `when` true). */
function scopeOf(u: NonNullable<TypedSpec['uniqueBy']>): string {
  return `${ident(u.field)} IS NOT NULL ${u.when ? `AND ${u.when}` : ''}`
}

/**
 * Rows, bad rows, `tally` rows (one parallel scan), and whether the keys are distinct for sure.
 * Keys are distinct when every row is in scope and each key is strictly above (or each strictly
 * below) the one of the row before it, in some total order: a strictly monotonic sequence repeats
 * nothing, whatever order the scan delivers. Byte order first, then (byte length, bytes) order,
 * which plain numbers ("9" < "10") pass, each in a scan of the keys on one thread (`lag` needs one
 * sequence); the second scan runs only when the first finds neither direction (the length tests
 * cost as much again as the byte tests, ~0.25 s per ten million keys). Other keys take the hash
 * check.
 */
async function fastCounts(
  engine: Engine,
  spec: TypedSpec,
  tally: string | undefined,
): Promise<
  | { n: number; bad: number; empty: number; tally: number; refunds: number; keysDistinct: boolean }
  | undefined
> {
  const u = spec.uniqueBy
  const from = `(SELECT __bad, ${fieldList(spec)} FROM import_fast)`
  const conditions = {
    bad: '__bad',
    empty: '__bad IS NULL',
    tally: tally ? `(${tally}) AND __bad IS NOT NULL` : null,
    unscoped: u ? `NOT coalesce(${scopeOf(u)}, false)` : null,
    refunds: spec.refundsNameTheirCustomer ? 'amount < 0 AND order_id IS NOT NULL' : null,
  }
  // Most files have none of these rows. Each is first looked for alone: a filter that the table's
  // statistics rule out (no bad row, no negative amount, no id missing) reads no row, where one
  // scan counting them all reads every row (~0.3 s for ten million).
  let none = true
  for (const cond of Object.values(conditions)) {
    if (cond === null) continue
    const [e] = await engine.query<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${cond} LIMIT 1)`,
    )
    if (Number(e?.n ?? 0) > 0) {
      none = false
      break
    }
  }
  // none: every count but the rows' is 0, and the one scan is skipped
  const counted = (name: keyof typeof conditions): string => {
    const cond = conditions[name]
    return cond === null || none ? '0' : `count(*) FILTER (WHERE ${cond})`
  }
  const [c] = await engine.query<{
    n: number
    bad: number
    empty: number
    tally: number
    unscoped: number
    refunds: number
  }>(
    `SELECT count(*) AS n, ${counted('bad')} AS bad, ${counted('empty')} AS empty,
  ${counted('tally')} AS tally, ${counted('unscoped')} AS unscoped, ${counted('refunds')} AS refunds
FROM ${none ? 'import_fast' : from}`,
  )
  if (!c) return undefined
  const counts = {
    n: Number(c.n),
    bad: Number(c.bad),
    empty: Number(c.empty),
    tally: Number(c.tally),
    refunds: Number(c.refunds),
  }
  if (!u || counts.n === 0 || counts.bad > 0 || Number(c.unscoped) > 0) {
    return { ...counts, keysDistinct: !u }
  }
  const k = ident(u.field)
  const byBytes = (a: string, b: string): string => `${a} > ${b}`
  const byLength = (a: string, b: string): string =>
    `(strlen(${a}) > strlen(${b}) OR (strlen(${a}) = strlen(${b}) AND ${a} > ${b}))`
  // rows breaking the order, in both directions, in one scan
  const monotonic = async (above: typeof byBytes): Promise<boolean> => {
    const breaks = [above(k, 'p'), above('p', k)]
    const [b] = await engine.query<Record<string, number>>(`SELECT
  ${breaks.map((c, i) => `count(*) FILTER (WHERE NOT ${c}) AS b${i}`).join(',\n  ')}
FROM (SELECT ${k}, lag(${k}) OVER () AS p FROM import_fast)`)
    return breaks.some((_, i) => Number(b?.[`b${i}`]) === 0)
  }
  const keysDistinct = (await monotonic(byBytes)) || (await monotonic(byLength))
  return { ...counts, keysDistinct }
}

/**
 * import_dupkeys = keys seen more than once; false when one of them carries different content
 * (the validating path reports those with both lines). With `distinct` known, it is empty. Else
 * keys are grouped by a 64-bit hash first, which is cheaper than grouping the strings; only the
 * (rare) hash repeats are compared as text.
 */
async function uniqueKeysAgree(
  engine: Engine,
  spec: TypedSpec,
  distinct: boolean,
): Promise<boolean> {
  const u = spec.uniqueBy
  if (!u || distinct) {
    await engine.exec(
      'CREATE OR REPLACE TEMP TABLE import_dupkeys AS SELECT CAST(NULL AS VARCHAR) AS k LIMIT 0',
    )
    return true
  }
  const key = ident(u.field)
  const scope = scopeOf(u)
  await engine.exec(`CREATE OR REPLACE TEMP TABLE import_dupkeys AS
WITH h AS (
  SELECT hash(${key}) AS h FROM import_fast WHERE ${scope} GROUP BY 1 HAVING count(*) > 1
)
SELECT ${key} AS k FROM import_fast
WHERE ${scope} AND hash(${key}) IN (SELECT h FROM h)
GROUP BY ${key} HAVING count(*) > 1`)
  const [n] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM import_dupkeys')
  if (Number(n?.n ?? 0) === 0) return true
  // a field the file lacks is NULL everywhere: it cannot make two rows differ
  const content = spec.fields
    .filter((f) => !absent(f))
    .map((f) => `coalesce(CAST(${ident(f.field)} AS VARCHAR), '~')`)
    .join(", '|', ")
  const [d] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM (
  SELECT ${key} FROM import_fast WHERE ${scope} AND ${key} IN (SELECT k FROM import_dupkeys)
  GROUP BY ${key} HAVING count(DISTINCT md5(concat(${content}))) > 1)`)
  return (d?.n ?? 0) === 0
}
