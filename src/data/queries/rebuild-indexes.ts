// Rebuild a DuckDB workspace's explicit indexes after its write-ahead log was replayed (the
// process that wrote it was killed before a checkpoint). DuckDB 1.5.6 replays a committed
// delete + insert of the same key (how the server rewrites customer_profile rows) without the
// inserted rows in the ART index: the next rewrite of those rows finds 0 of them in the index
// and invalidates the database ("Failed to delete all rows from index"), and lookups by id miss
// rows that are there. An index built again from the table is whole. A key that the broken index
// let in twice keeps its newest row (the highest rowid, the last written) so that the unique
// index can be built. Constraint indexes (PRIMARY KEY) are not listed by duckdb_indexes() and
// stay: those tables are only inserted into or updated off their keys.
import type { Engine } from '../engine.ts'
import { ident } from './import-stage.ts'

interface IndexRow {
  readonly table_name: string
  readonly index_name: string
  readonly is_unique: boolean
  readonly expressions: string
  readonly sql: string
}

/** Drop and build again every explicit index; returns the number of duplicate rows dropped. */
export async function rebuildIndexes(engine: Engine): Promise<number> {
  const indexes = await engine.query<IndexRow & Record<string, unknown>>(
    `SELECT table_name, index_name, is_unique, CAST(expressions AS VARCHAR) AS expressions, sql
     FROM duckdb_indexes() WHERE sql IS NOT NULL AND NOT is_primary AND database_name = current_database()`,
  )
  let dropped = 0
  for (const ix of indexes) {
    // one statement at a time: DuckDB refuses to build an index in the transaction that dropped
    // one of the same name. Stopped in between, the next open's schema builds it again.
    await engine.exec(`DROP INDEX ${ident(ix.index_name)}`)
    if (ix.is_unique) {
      // the index's key columns as DuckDB lists them: [customer_id] or [a, b]; rows with a
      // NULL key do not collide in a unique index and stay
      const keys = ix.expressions.replace(/^\[|\]$/g, '')
      const known = keys
        .split(',')
        .map((k) => `${k.trim()} IS NOT NULL`)
        .join(' AND ')
      const gone = await engine.query(
        `DELETE FROM ${ident(ix.table_name)} WHERE rowid IN (
           SELECT rowid FROM (
             SELECT rowid, row_number() OVER (PARTITION BY ${keys} ORDER BY rowid DESC) AS k
             FROM ${ident(ix.table_name)} WHERE ${known})
           WHERE k > 1)
         RETURNING 1 AS n`,
      )
      dropped += gone.length
    }
    await engine.exec(ix.sql)
  }
  await engine.exec('CHECKPOINT')
  return dropped
}
