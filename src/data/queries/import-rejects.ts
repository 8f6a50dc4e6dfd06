// Write rejected rows to a CSV: the original columns, then the file line and every reason.
// Rows DuckDB's CSV reader could not split (wrong width) are written with their raw text. A file
// with a column of one of those names (a returns file's `reason`) gets all three as `reject_line`,
// `reject_reason`, `reject_raw_line` instead: DuckDB renamed the added one `reason_1`, and a
// script reading `reason` read the return's reason.
import type { Dialect, Query } from '../engine.ts'
import { LINE, lit } from './import-stage.ts'

export function importRejects(
  _d: Dialect,
  args: { out: string; csvRejects: boolean; columns: readonly string[] },
): Query {
  const taken = new Set(args.columns.map((c) => c.toLowerCase()))
  const clash = ['line', 'reason', 'raw_line'].some((c) => taken.has(c))
  const name = (base: string): string => (clash ? `reject_${base}` : base)
  const [line, reason, rawLine] = [name('line'), name('reason'), name('raw_line')]
  const reasons = `(SELECT line, string_agg(coalesce(col || ': ', '') || reason, '; ' ORDER BY col) AS reason
    FROM import_problems GROUP BY line)`
  const unsplit = args.csvRejects
    ? `UNION ALL BY NAME SELECT CAST(e.line AS BIGINT) AS ${line}, any_value(trim(e.csv_line, chr(13) || chr(10))) AS ${rawLine},
         any_value(p.reason) AS ${reason}
       FROM import_csv_errors e JOIN ${reasons} p ON p.line = CAST(e.line AS BIGINT)
       GROUP BY e.line`
    : ''
  return {
    sql: `COPY (
  SELECT * EXCLUDE (sort_line) FROM (
    SELECT r.* EXCLUDE (${LINE}), p.line AS ${line}, p.reason AS ${reason}, p.line AS sort_line
    FROM import_raw r JOIN ${reasons} p ON p.line = r.${LINE}
    ${unsplit ? unsplit.replace(`CAST(e.line AS BIGINT) AS ${line},`, `CAST(e.line AS BIGINT) AS ${line}, CAST(e.line AS BIGINT) AS sort_line,`) : ''}
  ) ORDER BY sort_line
) TO ${lit(args.out)} (HEADER, DELIMITER ',')`,
  }
}
