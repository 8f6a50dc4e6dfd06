// The currencies an orders file's currency column names, with the first line of each: a file of
// several (or with rows of none among them) imports, but summary and analyze refuse to add the
// amounts up, so the importer says so where the file can still be found and fixed.
import type { Dialect, Query } from '../engine.ts'

/**
 * The staged `import_rows` (the file's order rows) by currency, a NULL currency (the row's column
 * empty) included: currency, n (rows) and line (the first), most rows first. Not the refund row
 * the import adds beside a refunded order (key '<order>:refunded'), which is no row of the file.
 */
export function importCurrencyMix(_d: Dialect): Query {
  return {
    sql: `SELECT currency, count(*) AS n, min(source_line) AS line FROM import_rows
WHERE order_key NOT LIKE '%:refunded'
GROUP BY currency ORDER BY n DESC, line`,
  }
}
