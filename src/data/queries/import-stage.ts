// Load an input file into the TEMP table `import_raw` (every column VARCHAR) with the file line of
// each row in `__line`. DuckDB's readers do the parsing; CSV rows of the wrong width go to a
// rejects table instead of failing the whole read, so they can be reported like any other bad row.
import type { Dialect, Query } from '../engine.ts'

export type StageFormat = 'csv' | 'parquet' | 'jsonl'

export const LINE = '__line'

/**
 * `from`'s rows with __run, the number of the run of consecutive rows of one order (`order`, an
 * expression) counted from the file's start, and __counted: whether the row's line item counts.
 * An export's rows of an order come together; an order whose rows come again further down is two
 * exports pasted together (its lines repeated) or a sheet re-sorted (a line moved away from its
 * order). So a line (`line`, an expression of the line item's content) counts from the first run
 * of its order that holds it: a repeated line is left out, a moved or added one is kept.
 */
export function withOrderRuns(order: string, from: string, line: string): string {
  return `SELECT *, __run = min(__run) OVER (PARTITION BY ${order}, ${line}) AS __counted FROM (
    SELECT *, sum(CASE WHEN __prev IS NOT DISTINCT FROM ${order} THEN 0 ELSE 1 END)
      OVER (ORDER BY ${LINE} ROWS UNBOUNDED PRECEDING) AS __run
    FROM (SELECT *, lag(${order}) OVER (ORDER BY ${LINE}) AS __prev FROM ${from}) p
  ) q`
}

/** SQL: the content of a row's line item, from its columns' trimmed texts (withOrderRuns). */
export function lineContent(columns: readonly (string | undefined)[]): string {
  const parts = columns.flatMap((c) => (c ? [`coalesce(trim(${ident(c)}), '')`] : []))
  return parts.length > 0 ? `concat_ws('|', ${parts.join(', ')})` : "''"
}

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}

/**
 * SQL string literal of a file path for DuckDB's readers, which take `*`, `?` and `[...]` as a
 * glob: `sales[1].csv` read `sales1.csv` and a file named `*.csv` every CSV beside it, with no
 * word. Each such character is put in a bracket of its own (`[[]`, `[*]`, `[?]`), which matches
 * only itself.
 * @example pathLit('/d/sales[1].csv') // "'/d/sales[[]1].csv'"
 */
export function pathLit(path: string): string {
  return lit(path.replace(/[[*?]/g, (c) => `[${c}]`))
}

/** SQL identifier. */
export function ident(s: string): string {
  return `"${s.replaceAll('"', '""')}"`
}

/**
 * The source relation (a table function call) for a file, UTF-8 (a Windows-1252 file is read from
 * a UTF-8 copy: service/import/windows-1252.ts). A CSV's header is its first line (skip=0): the
 * reader would skip a title line on its own in some reads and not in others, and the line numbers
 * of every message would be off; a title above the header is named by the import instead.
 * `longLines`: lines up to 64 MB (the reader's default is 2 MB).
 * `skip`: the empty lines above the header (with skip=0 the reader returns the header of such a
 * file as a row of data).
 * `quoted`: read the CSV with this delimiter and these columns (all text), quoted by `"`, rather
 * than sniff its dialect (see {@link QuotedCsv}).
 */
export function sourceOf(
  file: string,
  format: StageFormat,
  gzip: boolean,
  skip = 0,
  longLines = false,
  quoted: QuotedCsv | null = null,
): string {
  const comp = gzip ? ", compression='gzip'" : ''
  switch (format) {
    case 'parquet':
      return `read_parquet(${pathLit(file)})`
    case 'jsonl':
      return `read_json(${pathLit(file)}, format='newline_delimited'${comp}, sample_size=-1)`
    case 'csv': {
      // the columns are text as given (all_varchar would override the fast read's typed ones)
      const dialect = quoted
        ? `auto_detect=false, delim=${lit(quoted.delim)}, quote='"', escape='"', columns={${quoted.columns.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ')}}`
        : 'all_varchar=true'
      return (
        `read_csv(${pathLit(file)}, ${dialect}, header=true, skip=${skip}${comp}${longLines ? ', max_line_size=67108864' : ''}, ` +
        "store_rejects=true, rejects_table='import_csv_errors', rejects_scan='import_csv_scans')"
      )
    }
  }
}

/**
 * A CSV whose dialect is given rather than sniffed. DuckDB's sniffer drops quoting altogether when
 * one value in its sample is badly quoted (`"12" pipe"`): every `"C1"` would then be read with its
 * quote marks, as a customer of its own, and the bad line named by nobody. Read with `"` as the
 * quote, the good lines come out right and the bad one is a rejected line. A file without quotes
 * (the sniffer finds none in it either) reads the same either way.
 */
export interface QuotedCsv {
  readonly delim: string
  /** The header's names, unquoted. */
  readonly columns: readonly string[]
}

/**
 * A JSON lines source read with every scalar as its text (objects keep their fields, each as text):
 * the reader's own typing turns a time written with `Z` or an offset into a naive UTC TIMESTAMP
 * (which `--tz` would then shift again) and an integer id above 2^64 into a rounded DOUBLE (two
 * customers made one). As text, JSON values go through the same validation as a CSV's.
 * `described` is the reader's DESCRIBE of the file; the result's `described` is the source's own
 * (the same columns as text), so that it needs no second DESCRIBE.
 */
export function jsonTextSource(
  file: string,
  gzip: boolean,
  described: readonly { column_name: string; column_type: string }[],
): { source: string; described: { column_name: string; column_type: string }[] } {
  const comp = gzip ? ", compression='gzip'" : ''
  const text = (type: string): string => {
    const fields = structFields(type)
    if (fields) return `STRUCT(${fields.map((f) => `${ident(f.name)} ${text(f.type)}`).join(', ')})`
    // lists, maps and JSON keep their type; every scalar (numbers, booleans, times) is text
    return /\[\]$|^MAP\(|^JSON$|^UNION\(/.test(type) ? type : 'VARCHAR'
  }
  const typed = described.map((d) => ({
    column_name: d.column_name,
    column_type: text(d.column_type),
  }))
  const cols = typed.map((d) => `${lit(d.column_name)}: ${lit(d.column_type)}`)
  return {
    source: `read_json(${pathLit(file)}, format='newline_delimited'${comp}, columns={${cols.join(', ')}})`,
    described: typed,
  }
}

/**
 * The fields of a DuckDB STRUCT type as DESCRIBE writes it (`STRUCT(id BIGINT, "first name"
 * VARCHAR)`): name and type of each, in order; null for any other type (a list of structs,
 * `STRUCT(...)[]`, included).
 * @example structFields('STRUCT(id BIGINT, "a b" VARCHAR)') // [{name:'id',type:'BIGINT'},{name:'a b',type:'VARCHAR'}]
 */
export function structFields(type: string): { name: string; type: string }[] | null {
  if (!type.startsWith('STRUCT(') || !type.endsWith(')')) return null
  const body = type.slice('STRUCT('.length, -1)
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]
    if (ch === '"') quoted = !quoted
    else if (quoted) continue
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      parts.push(body.slice(start, i))
      start = i + 1
    }
    // a closing parenthesis before its opening one: not one struct (STRUCT(a INT)[] and the like)
    if (depth < 0) return null
  }
  parts.push(body.slice(start))
  const out: { name: string; type: string }[] = []
  for (const raw of parts) {
    const p = raw.trim()
    const m = p.startsWith('"') ? /^"((?:[^"]|"")*)"\s+(.+)$/s.exec(p) : /^(\S+)\s+(.+)$/s.exec(p)
    if (!m) return null
    out.push({ name: (m[1] as string).replaceAll('""', '"'), type: (m[2] as string).trim() })
  }
  return out
}

/**
 * `source` (JSON lines or Parquet) with each object column spread into one column per field,
 * named `column.field` (Shopify's API order: `customer` -> `customer.id`, `customer.email`, which
 * the column synonyms recognise), and every JSON-typed value as plain text. One level: a field
 * that is itself an object stays one column. Returns the source and its columns.
 * JSON as text: DuckDB's JSON reader types a field whose values mix strings and numbers
 * (`"customer_id": 123` on one line, `"123"` on another) as JSON, and that type's text keeps the
 * quotes of a string: `"123"` would be another customer than 123, and `"12.50"` no amount.
 * json_extract_string gives a string's own text, a number's digits, NULL for null, and an
 * object's or array's JSON text; a NaN (which Python's json writes for a missing float) is NULL,
 * as a float column's NaN is (importStage), not the text 'NaN'.
 */
/** A JSON value as text (see flattenObjects): NULL for null and for NaN. */
const jsonText = (v: string): string =>
  `CASE WHEN json_type(${v}) = 'DOUBLE' AND isnan(TRY_CAST(${v} AS DOUBLE)) THEN NULL ELSE json_extract_string(${v}, '$') END`

export function flattenObjects(
  source: string,
  described: readonly { column_name: string; column_type: string }[],
): { source: string; columns: string[] } {
  const names = new Set(described.map((d) => d.column_name))
  const columns: string[] = []
  const select: string[] = []
  let changed = false
  for (const d of described) {
    const fields = structFields(d.column_type)
    const spread = fields?.filter((f) => !names.has(`${d.column_name}.${f.name}`)) ?? []
    if (fields && spread.length === fields.length && fields.length > 0) {
      changed = true
      for (const f of fields) {
        const name = `${d.column_name}.${f.name}`
        const value = `${ident(d.column_name)}.${ident(f.name)}`
        select.push(`${f.type === 'JSON' ? jsonText(value) : value} AS ${ident(name)}`)
        columns.push(name)
      }
      continue
    }
    if (d.column_type === 'JSON') {
      changed = true
      select.push(`${jsonText(ident(d.column_name))} AS ${ident(d.column_name)}`)
    } else select.push(ident(d.column_name))
    columns.push(d.column_name)
  }
  return { source: changed ? `(SELECT ${select.join(', ')} FROM ${source})` : source, columns }
}

/**
 * Materialise `source` into the TEMP table `import_src` (all VARCHAR). `columns` are the source's
 * column names (from DESCRIBE); non-CSV columns are cast so validation has one path for every format.
 * `floats`: those of them typed FLOAT or DOUBLE, whose NaN is the value a data frame writes for a
 * missing one (pandas, Polars, Spark): it is staged as missing, not as the text 'nan' (a customer
 * id 'nan', or two id-less orders as one order 'nan').
 */
export function importStage(
  _dialect: Dialect,
  args: {
    source: string
    format: StageFormat
    columns: readonly string[]
    floats?: ReadonlySet<string>
  },
): Query {
  const text = (c: string): string =>
    args.floats?.has(c)
      ? `CASE WHEN NOT isnan(${ident(c)}) THEN CAST(${ident(c)} AS VARCHAR) END`
      : `CAST(${ident(c)} AS VARCHAR)`
  const cols =
    args.format === 'csv' ? '*' : args.columns.map((c) => `${text(c)} AS ${ident(c)}`).join(', ')
  return { sql: `CREATE OR REPLACE TEMP TABLE import_src AS SELECT ${cols} FROM ${args.source}` }
}

/** Line feeds inside the values of a row (quoted multi-line fields such as a survey comment). */
function lineFeeds(columns: readonly string[]): string {
  return columns
    .map((c) => `coalesce(length(${ident(c)}) - length(replace(${ident(c)}, chr(10), '')), 0)`)
    .join(' + ')
}

/** Whether any staged CSV value holds a line feed (stops at the first). */
export function importMultilineCheck(_dialect: Dialect, columns: readonly string[]): Query {
  const any = columns.map((c) => `contains(${ident(c)}, chr(10))`).join(' OR ') || 'false'
  return { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM import_src WHERE ${any} LIMIT 1)` }
}

/**
 * TEMP table `import_blank_lines` (line, slot): the file's blank lines (`runs`, from the blank-line
 * scan), one row per line; slot = data records before it (0 before the first). Batched statements.
 */
export function importBlankLines(
  _dialect: Dialect,
  runs: readonly { line: number; count: number; recordsBefore: number }[],
): Query[] {
  const out: Query[] = [
    { sql: 'CREATE OR REPLACE TEMP TABLE import_blank_lines (line BIGINT, slot BIGINT)' },
  ]
  for (let i = 0; i < runs.length; i += 1000) {
    const values = runs
      .slice(i, i + 1000)
      .map((r) => `(${r.line}, ${r.count}, ${Math.max(r.recordsBefore, 0)})`)
      .join(', ')
    out.push({
      sql: `INSERT INTO import_blank_lines
SELECT line + unnest(range(cnt)) AS line, slot FROM (VALUES ${values}) v(line, cnt, slot)`,
    })
  }
  return out
}

/** error_type of a JSON line that parses but is no record: its error_message is the reason. */
export const JSON_RECORD_ERROR = 'JSON RECORD'

/**
 * TEMP table `import_csv_errors` as DuckDB's CSV reader leaves it, holding the JSON lines that do
 * not parse (`lines`, from withoutMalformedLines): the problems and rejects of an import read
 * them as it reads a CSV's unsplittable lines. A line that parses but is no record has the type
 * {@link JSON_RECORD_ERROR} and the field it names, if any, in column_name. Batched statements.
 */
export function importMalformedLines(
  _dialect: Dialect,
  lines: readonly {
    line: number
    text: string
    reason: string
    record?: { readonly field: string | null }
  }[],
): Query[] {
  const out: Query[] = [
    {
      sql: `CREATE OR REPLACE TEMP TABLE import_csv_errors (line BIGINT, column_idx BIGINT,
  column_name VARCHAR, error_type VARCHAR, error_message VARCHAR, csv_line VARCHAR)`,
    },
  ]
  for (let i = 0; i < lines.length; i += 1000) {
    const values = lines
      .slice(i, i + 1000)
      .map((l) => {
        const type = l.record ? JSON_RECORD_ERROR : 'MALFORMED JSON'
        const field = l.record?.field == null ? 'NULL' : lit(l.record.field)
        return `(${l.line}, 0, ${field}, '${type}', ${lit(l.reason)}, ${lit(l.text)})`
      })
      .join(', ')
    out.push({ sql: `INSERT INTO import_csv_errors VALUES ${values}` })
  }
  return out
}

/**
 * The view `import_raw` = `import_src` plus the file line of each row in `__line` (no copy).
 * CSV data row i is line i+1 (header) plus the rejected lines before it, and with `multiline`
 * (some value spans lines) plus the line feeds inside the values of the rows before it; with
 * rejected lines, the reader's line of each (a record count) becomes its physical line in
 * `import_csv_errors` too; JSON
 * lines: line i; Parquet: row i. With `blanks` (the TEMP table import_blank_lines exists), plus
 * the blank lines before the row, which the readers skip without a trace.
 */
export function importRawView(
  _dialect: Dialect,
  args: {
    format: StageFormat
    rejectedLines: number
    multiline?: { columns: readonly string[] }
    blanks?: boolean
  },
): Query {
  // blank lines before row rid: the shift of the last step whose slot <= rid
  const blankSteps = `CREATE OR REPLACE TEMP TABLE import_blank_steps AS
SELECT slot, sum(count(*)) OVER (ORDER BY slot) AS shift FROM import_blank_lines GROUP BY slot;`
  const withBlanks = (base: string): Query => ({
    sql: `${blankSteps}
CREATE OR REPLACE TEMP VIEW import_raw AS
SELECT ${base} + coalesce(b.shift, 0) AS ${LINE}, s.* EXCLUDE (rid)
FROM (SELECT rowid AS rid, * FROM import_src) s
ASOF LEFT JOIN import_blank_steps b ON s.rid >= b.slot;`,
  })
  if (args.format !== 'csv') {
    if (args.blanks && args.format === 'jsonl') return withBlanks('s.rid + 1')
    return {
      sql: `CREATE OR REPLACE TEMP VIEW import_raw AS SELECT rowid + 1 AS ${LINE}, * FROM import_src`,
    }
  }
  if (args.rejectedLines === 0 && args.multiline) {
    const before = `sum(${lineFeeds(args.multiline.columns)}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`
    const lines = `CREATE OR REPLACE TEMP TABLE import_raw_lines AS
SELECT rowid AS rid, rowid + 2 + coalesce(${before}, 0) AS line FROM import_src;
`
    if (args.blanks) {
      return {
        sql: `${lines}${blankSteps}
CREATE OR REPLACE TEMP VIEW import_raw AS
SELECT l.line + coalesce(b.shift, 0) AS ${LINE}, s.* EXCLUDE (rid)
FROM (SELECT rowid AS rid, * FROM import_src) s JOIN import_raw_lines l ON l.rid = s.rid
ASOF LEFT JOIN import_blank_steps b ON s.rid >= b.slot;`,
      }
    }
    return {
      sql: `${lines}CREATE OR REPLACE TEMP VIEW import_raw AS
SELECT l.line AS ${LINE}, s.* EXCLUDE (rid)
FROM (SELECT rowid AS rid, * FROM import_src) s JOIN import_raw_lines l ON l.rid = s.rid;`,
    }
  }
  if (args.rejectedLines === 0) {
    if (args.blanks) return withBlanks('s.rid + 2')
    return {
      sql: `CREATE OR REPLACE TEMP VIEW import_raw AS SELECT rowid + 2 AS ${LINE}, * FROM import_src`,
    }
  }
  // The reader numbers records, not lines: a rejected record's `line` counts the lines above it
  // (blank ones too) but each multi-line record above it as one. Every record gets its physical
  // line here, the rejected ones included (import_csv_errors is rewritten to it, so the problems
  // and the rejects file name the line a record starts on). Data record j (good or rejected, in
  // file order) starts on line 2 + j + the blank lines above it + the line feeds inside the
  // records above it; a rejected record's reader number is that less those line feeds.
  const feeds = args.multiline ? lineFeeds(args.multiline.columns) || '0' : '0'
  // a blank line's reader number: the header's 1, the data records and blank lines above it, 1
  const blanksBefore = args.blanks
    ? `(SELECT count(*) FROM (SELECT 2 + slot + row_number() OVER (ORDER BY line) - 1 AS d
         FROM import_blank_lines) b WHERE b.d < e.d)`
    : '0'
  const blankShift = args.blanks
    ? `${blankSteps}
`
    : ''
  return {
    sql: `${blankShift}CREATE OR REPLACE TEMP TABLE import_rej_slots AS
SELECT d, lf, j, j - (row_number() OVER (ORDER BY j) - 1) AS slot, row_number() OVER (ORDER BY j) AS shift
FROM (
  SELECT d, lf, d - 2 - ${blanksBefore} AS j
  FROM (
    -- the reader's text of a record starts with the blank lines above it
    SELECT CAST(line AS BIGINT) AS d,
      length(t) - length(replace(t, chr(10), '')) AS lf
    FROM (SELECT line, trim(coalesce(any_value(csv_line), ''), chr(13) || chr(10)) AS t
          FROM import_csv_errors GROUP BY line)
  ) e
);
CREATE OR REPLACE TEMP TABLE import_raw_lines AS
SELECT rid, d, CAST(CASE WHEN d IS NULL THEN 2 + j + ${args.blanks ? 'coalesce(b.shift, 0)' : '0'} + before
                         ELSE d + before END AS BIGINT) AS line
FROM (
  SELECT rid, d, j, coalesce(sum(lf) OVER (ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
  FROM (
    SELECT s.rid, CAST(NULL AS BIGINT) AS d, s.rid + coalesce(r.shift, 0) AS j, s.lf
    FROM (SELECT rowid AS rid, ${feeds} AS lf FROM import_src) s
    ASOF LEFT JOIN (SELECT slot, max(shift) AS shift FROM import_rej_slots GROUP BY slot) r
      ON s.rid >= r.slot
    UNION ALL SELECT NULL, d, j, lf FROM import_rej_slots
  )
) x${args.blanks ? '\nASOF LEFT JOIN import_blank_steps b ON x.j >= b.slot' : ''};
UPDATE import_csv_errors SET line = l.line
FROM import_raw_lines l WHERE l.d = CAST(import_csv_errors.line AS BIGINT);
CREATE OR REPLACE TEMP VIEW import_raw AS
SELECT l.line AS ${LINE}, s.* EXCLUDE (rid)
FROM (SELECT rowid AS rid, * FROM import_src) s JOIN import_raw_lines l ON l.rid = s.rid;`,
  }
}
