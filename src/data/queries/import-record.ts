// One row in `imports` per completed import: what was read, from where, with what result.
import type { Dialect, Query } from '../engine.ts'

export function importRecord(
  _d: Dialect,
  args: {
    importId: string
    kind: string
    file: string
    sha256: string
    rowsIn: number
    rowsStored: number
    rowsRejected: number
    /** How the file was read (--map, --tz, --date-format ...), as text to compare. */
    reading: string
  },
): Query {
  return {
    sql: `INSERT INTO imports (import_id, kind, file, sha256, rows_in, rows_stored, rows_rejected, imported_at, reading)
VALUES ($1, $2, $3, $4, $5, $6, $7, CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP), $8)`,
    params: [
      args.importId,
      args.kind,
      args.file,
      args.sha256,
      args.rowsIn,
      args.rowsStored,
      args.rowsRejected,
      args.reading,
    ],
  }
}
