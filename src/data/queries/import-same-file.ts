// The last import of a file with the same content (SHA-256) and kind: an import that adds rows
// from it read the file otherwise (another --map, --date-format or --tz), which the importer says;
// with `reading`, the last one that read it the same way (whose rows an import again must not
// change back).
import type { Dialect, Query } from '../engine.ts'

export function importSameFile(
  _d: Dialect,
  args: { sha256: string; kind: string; reading?: string },
): Query {
  const same = args.reading === undefined ? '' : ' AND reading = $3'
  return {
    sql: `SELECT file, CAST(imported_at AS VARCHAR) AS at, rows_rejected AS rejected FROM imports
WHERE sha256 = $1 AND kind = $2${same} ORDER BY imported_at DESC LIMIT 1`,
    params:
      args.reading === undefined
        ? [args.sha256, args.kind]
        : [args.sha256, args.kind, args.reading],
  }
}

/**
 * A row of the write set `import_write` (orders) that is a new refund row of the file's own (an
 * amount below 0, not the `<order id>:refunded` row made of a refunded amount or status): what an
 * import of the same file again stores when the earlier one left it out with its bad order.
 */
export const LEFT_OUT_REFUND = "__new AND amount < 0 AND NOT ends_with(order_key, ':refunded')"
