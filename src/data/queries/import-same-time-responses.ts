// Survey responses without a response id are known by their content (customer, instant, answers):
// a later export in which such an answer was corrected cannot say it is the same response, and the
// import stores it beside the first, where the two tie as the customer's latest answer. Those new
// rows are named, so that a correction stored as a second response does not pass unnoticed.
import type { Dialect, Query } from '../engine.ts'
import { SAME_TIME_SHOWN } from './import-same-time-orders.ts'

/** A response's answers in words: "nps 9, ces 5, a comment". */
const answers = (r: string): string =>
  `concat_ws(', ', 'nps ' || CAST(${r}.nps AS VARCHAR), 'ces ' || CAST(${r}.ces AS VARCHAR),
    'csat ' || CAST(${r}.csat AS VARCHAR), CASE WHEN ${r}.comment IS NOT NULL THEN 'a comment' END)`

/**
 * The new rows of the write set `import_write` (survey responses) without a response id that have
 * the customer and instant of a stored response without one, that stored response not among this
 * file's rows (`import_kind_rows`): n (all of them), then the first `SAME_TIME_SHOWN` in file
 * order with the line, the customer, the instant, the answers (`value`) and the stored answers. Run before
 * the write, while `survey_responses` holds the old rows.
 */
export function importSameTimeResponses(_d: Dialect): Query {
  return {
    sql: `WITH hit AS (
  SELECT r.source_line, r.customer_id, r.responded_at, ${answers('r')} AS answers,
    min(${answers('s')}) AS stored
  FROM import_write r
  JOIN survey_responses s ON s.customer_id = r.customer_id AND s.responded_at = r.responded_at
  WHERE r.__new AND r.response_id IS NULL AND s.response_id IS NULL
    AND s.response_key NOT IN (SELECT response_key FROM import_kind_rows)
  GROUP BY ALL
)
SELECT count(*) OVER () AS n, source_line AS line, customer_id, CAST(responded_at AS VARCHAR) AS at,
  answers AS value, stored
FROM hit ORDER BY source_line LIMIT ${SAME_TIME_SHOWN}`,
  }
}
