// One background job row by id (progress polling).
import type { Dialect, Query } from '../engine.ts'

export function jobById(_dialect: Dialect, jobId: string): Query {
  return { sql: 'SELECT * FROM jobs WHERE job_id = $1', params: [jobId] }
}
