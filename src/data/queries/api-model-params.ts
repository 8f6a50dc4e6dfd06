// The last fitted scoring model (JSON), read at start and after each refit.
import type { Dialect, Query } from '../engine.ts'

export function modelParams(_dialect: Dialect, name: string): Query {
  return { sql: 'SELECT params, fitted_at FROM model_params WHERE name = $1', params: [name] }
}
