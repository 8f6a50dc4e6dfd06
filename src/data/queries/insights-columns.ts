// Which optional inputs a workspace has: later import kinds (returns, surveys, tickets, engagement)
// and model columns (p_alive, predicted_value, total_value, tier) are used when present, so
// insights probe the catalog instead of assuming a schema version.
import type { Dialect, Query } from '../engine.ts'

/** Every (table, column) of the given tables, temporary ones included. */
export function insightsColumns(_dialect: Dialect, args: { tables: readonly string[] }): Query {
  const names = args.tables.map((_, i) => `$${i + 1}`).join(', ')
  return {
    sql: `SELECT table_name, column_name FROM information_schema.columns
WHERE table_name IN (${names}) ORDER BY table_name, ordinal_position`,
    params: [...args.tables],
  }
}
