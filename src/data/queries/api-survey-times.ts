// When each customer last answered the NPS and the CES question, from the stored "Survey
// Responded" events and the imported surveys files: an answer sent late (a survey tool's retry,
// a batch of old answers) must not replace a newer one on the live profile.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/**
 * Rows (customer_id, nps_at, ces_at) for these customers: the latest time of a stored answer to
 * the NPS and to the CES question, from "Survey Responded" events (leaving out the events
 * `excluded`: the group being applied, stored in the same transaction) and from surveys files.
 */
export function surveyTimes(
  dialect: Dialect,
  customerIds: readonly string[],
  excluded: readonly string[],
): Query {
  const answered = (field: string): string =>
    dialect === 'postgres'
      ? `(CAST(payload AS json) -> 'properties' ->> '${field}') IS NOT NULL`
      : `json_extract_string(payload, '$.properties.${field}') IS NOT NULL`
  const ids = jsonKeyList(dialect, 1)
  return {
    sql: `SELECT customer_id, max(nps_at) AS nps_at, max(ces_at) AS ces_at
FROM (
  SELECT customer_id,
    max(occurred_at) FILTER (WHERE ${answered('nps')}) AS nps_at,
    max(occurred_at) FILTER (WHERE ${answered('ces')}) AS ces_at
  FROM events
  WHERE kind = 'track' AND name = 'Survey Responded'
    AND customer_id IN (${ids}) AND event_id NOT IN (${jsonKeyList(dialect, 2)})
  GROUP BY customer_id
  UNION ALL
  -- the answers of a surveys file (the API's own rows are its events above)
  SELECT customer_id,
    max(responded_at) FILTER (WHERE nps IS NOT NULL) AS nps_at,
    max(responded_at) FILTER (WHERE ces IS NOT NULL) AS ces_at
  FROM survey_responses
  WHERE source <> 'api' AND customer_id IN (${ids})
  GROUP BY customer_id
) t
GROUP BY customer_id`,
    params: [JSON.stringify(customerIds), JSON.stringify(excluded)],
  }
}
