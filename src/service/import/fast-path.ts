// The import's fast path: read the file once, straight into typed columns plus one "bad" flag, with
// no all-text staging copy. When any row is bad (or the CSV reader balks) it reports failure and the
// caller runs the validating path, which re-reads the file and names every problem as file:line.
// Only the file's own fields are stored: a field the file lacks is a NULL constant in the view.
import type { Engine } from '../../data/engine.ts'
import { ident, lit } from '../../data/queries/import-stage.ts'
import { LoyalsError } from '../../errors.ts'
import { dateSql, type FieldDef, numberSql, type ParseOptions, type TypedSpec } from './validate.ts'

const rawName = (f: string): string => ident(`${f}__raw`)
const absent = (f: FieldDef): boolean => f.raw === 'CAST(NULL AS VARCHAR)'

/** Whether a spec can take the fast path: a plain projection of the file, no extra rules. */
export function fastEligible(spec: TypedSpec): boolean {
  return spec.from === 'import_raw x' && !spec.where && (spec.checks ?? []).length === 0
}

/**
 * CREATE TEMP TABLE import_fast: the fields of `spec` parsed exactly as `typedTableSql` does (same
 * number and date rules), without the raw text, plus `__bad` = the row would get a problem from
 * `problemsSql` (a required value missing, a number or date that does not parse, a future date).
 * Rows keep the file's order (DuckDB preserves insertion order), so rowid gives the line number.
 * Fields the file lacks are not stored (ten million NULLs per field cost memory and time);
 * `typedViewSql` puts them back.
 */
export function fastTypedSql(spec: TypedSpec, o: ParseOptions): string {
  const inner = spec.fields.map((f) => `${f.raw} AS ${rawName(f.field)}`).join(',\n    ')
  const middle = spec.fields
    .filter((f) => f.type === 'number' && !absent(f))
    .map((f) => `, try_cast(${rawName(f.field)} AS DOUBLE) AS ${ident(`${f.field}__fast`)}`)
    .join('')
  const parsed = spec.fields
    .map((f) => {
      const r = rawName(f.field)
      if (f.type === 'text') return `${r} AS ${ident(f.field)}`
      const type = f.type === 'number' ? 'DOUBLE' : 'TIMESTAMP'
      if (absent(f)) return `${r}, CAST(NULL AS ${type}) AS ${ident(f.field)}`
      const p = f.type === 'number' ? numberSql(r, ident(`${f.field}__fast`)) : dateSql(r, o)
      return `${r}, ${p} AS ${ident(f.field)}`
    })
    .join(',\n    ')
  const nowUtc = o.now.toISOString().replace('T', ' ').replace('Z', '')
  const future = `(TIMESTAMP ${lit(nowUtc)} + INTERVAL 1 DAY)`
  const bad: string[] = []
  for (const f of spec.fields) {
    const v = ident(f.field)
    const r = f.type === 'text' ? v : rawName(f.field)
    if (f.required) bad.push(`${r} IS NULL`)
    if (f.type !== 'text' && !absent(f)) bad.push(`(${r} IS NOT NULL AND ${v} IS NULL)`)
    if (f.type === 'date' && !absent(f)) bad.push(`coalesce(${v} > ${future}, false)`)
  }
  const fields = spec.fields
    .filter((f) => !absent(f))
    .map((f) => ident(f.field))
    .join(', ')
  return `CREATE OR REPLACE TEMP TABLE import_fast AS
SELECT ${fields}, ${bad.length > 0 ? bad.join('\n    OR ') : 'false'} AS __bad
FROM (
  SELECT ${parsed}
  FROM (SELECT *${middle} FROM (SELECT ${inner} FROM ${spec.from}))
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
  const cols = spec.fields
    .map((f) =>
      absent(f) ? `CAST(NULL AS ${SQL_TYPE[f.type]}) AS ${ident(f.field)}` : ident(f.field),
    )
    .join(', ')
  return `CREATE OR REPLACE TEMP VIEW ${ident(args.view)} AS
SELECT rowid + ${args.firstLine} AS __line, ${cols} FROM ${ident(args.table)}`
}

/** The source for the fast read: CSV without a rejects table, so any malformed line throws. */
export function fastSource(source: string): string {
  return source.replace(
    /, store_rejects=true, rejects_table='import_csv_errors', rejects_scan='import_csv_scans'/,
    '',
  )
}

export interface FastStage {
  /** Data rows read. */
  readonly rows: number
}

/**
 * Try the fast path. On success the TEMP view `import_typed` (with `__line`) and the TEMP table
 * `import_dupkeys` exist as the validating path would leave them when there are no problems, and
 * the result says how many rows were read. Null when the file needs the validating path: a bad
 * value, a repeated key with different content, no rows, or a read error.
 * `firstLine` is the file line of the first data row (2 for CSV with a header, 1 otherwise).
 */
export async function tryFastStage(
  engine: Engine,
  args: { source: string; spec: TypedSpec; parse: ParseOptions; firstLine: number },
): Promise<FastStage | null> {
  const { spec } = args
  if (engine.dialect !== 'duckdb' || !fastEligible(spec)) return null
  try {
    await engine.exec(`CREATE OR REPLACE TEMP VIEW import_raw AS SELECT * FROM ${args.source}`)
    const prevTz = (
      await engine.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")
    )[0]?.tz
    await engine.exec(`SET TimeZone = ${lit(args.parse.tz)}`)
    try {
      await engine.exec(fastTypedSql(spec, args.parse))
    } finally {
      await engine.exec(`SET TimeZone = ${lit(prevTz ?? 'UTC')}`)
    }
    const [c] = await engine.query<{ n: number; bad: number }>(
      'SELECT count(*) AS n, count(*) FILTER (WHERE __bad) AS bad FROM import_fast',
    )
    if (!c || c.n === 0 || c.bad > 0) return null
    await engine.exec(
      typedViewSql(spec, { table: 'import_fast', view: 'import_typed', firstLine: args.firstLine }),
    )
    if (!(await uniqueKeysAgree(engine, spec))) return null
    return { rows: c.n }
  } catch (e) {
    if (e instanceof LoyalsError) return null
    throw e
  }
}

/**
 * import_dupkeys = keys seen more than once; false when one of them carries different content
 * (the validating path reports those with both lines). Keys are grouped by a 64-bit hash first,
 * which is cheaper than grouping the strings; only the (rare) hash repeats are compared as text.
 */
async function uniqueKeysAgree(engine: Engine, spec: TypedSpec): Promise<boolean> {
  const u = spec.uniqueBy
  if (!u) {
    await engine.exec(
      'CREATE OR REPLACE TEMP TABLE import_dupkeys AS SELECT CAST(NULL AS VARCHAR) AS k LIMIT 0',
    )
    return true
  }
  const key = ident(u.field)
  const scope = `${key} IS NOT NULL ${u.when ? `AND ${u.when}` : ''}`
  await engine.exec(`CREATE OR REPLACE TEMP TABLE import_dupkeys AS
WITH h AS (
  SELECT hash(${key}) AS h FROM import_fast WHERE ${scope} GROUP BY 1 HAVING count(*) > 1
)
SELECT ${key} AS k FROM import_fast
WHERE ${scope} AND hash(${key}) IN (SELECT h FROM h)
GROUP BY ${key} HAVING count(*) > 1`)
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
