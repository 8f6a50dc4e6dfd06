// How many rows each value input holds: the report says which inputs were missing.
import type { Dialect, Query } from '../engine.ts'

/** Row counts of the value inputs. */
export function valueInputCounts(_d: Dialect): Query {
  return {
    sql: `SELECT (SELECT count(*) FROM referrals) AS referrals,
  (SELECT count(*) FROM engagement_events) AS engagement_events,
  (SELECT count(*) FROM tickets) AS tickets,
  (SELECT count(*) FROM returns) AS returns,
  (SELECT count(*) FROM survey_responses) AS survey_responses`,
  }
}
