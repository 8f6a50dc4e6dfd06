// Rows of a secondary import kind (referrals, engagement, tickets, returns, surveys) ready to
// upsert. One builder for all of them: the key is the row's own id when it has one, else a hash of
// its content and its occurrence number in the file, so re-importing a file is a no-op while two
// identical events in one file stay two events.
import type { Dialect, Query } from '../engine.ts'
import { goodRows } from './import-order-rows.ts'
import { ident, LINE, lit } from './import-stage.ts'

export interface KindRowsArgs {
  /** Store column name -> SQL expression over the validated rows (`import_typed`). */
  readonly columns: readonly (readonly [string, string])[]
  /** Name of the key column (first column written). */
  readonly key: string
  /** The row's own id (NULL when absent); rows sharing an id collapse to the first. */
  readonly id: string | null
  /** Content that identifies a row without an id (hashed with its occurrence number). */
  readonly content: string
  readonly source: string
  readonly hasProblems: boolean
}

/**
 * TEMP table `import_kind_rows`: key, the given columns, source, source_line.
 * key = id when present, else md5(content | occurrence of that content in the file).
 */
export function importKindRows(_d: Dialect, args: KindRowsArgs): Query {
  const id = args.id ?? 'CAST(NULL AS VARCHAR)'
  const cols = args.columns.map(([name, expr]) => `${expr} AS ${ident(name)}`).join(',\n  ')
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_kind_rows AS
SELECT coalesce(${id}, md5(__content || '|' || CAST(__occ AS VARCHAR))) AS ${ident(args.key)},
  ${cols},
  ${lit(args.source)} AS source, ${LINE} AS source_line
FROM (
  SELECT *, row_number() OVER (PARTITION BY coalesce(${id}, __content) ORDER BY ${LINE}) AS __occ
  FROM (SELECT *, ${args.content} AS __content FROM (${goodRows(args.hasProblems)}))
)
WHERE ${id} IS NULL OR __occ = 1`,
  }
}
