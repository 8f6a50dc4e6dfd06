import type { Dialect, Query } from '../engine.ts'
import { utcTimestamp } from './api-refit-aggregates.ts'

/**
 * One row (n: 0 or 1): whether the live profiles lag the stored data, so that a refit is due
 * before anything acts on them: some customer with orders has no profile yet (a workspace filled
 * by `loyals import`, which writes orders but scores nobody), or a file was imported after the
 * last refit (orders of a customer scored before: their order count, last order and P(alive)
 * would be those of the refit), or orders are stored and no refit ever scored a customer (no
 * model, or one of no customers). Stops at the first unscored customer. `now` (epoch ms): the
 * store's clock; a customer whose orders all come after it is not known yet to a refit as of it
 * (a tick replayed with --now a month back refitted on every run for them).
 */
export function refitDue(_d: Dialect, now?: number): Query {
  return {
    sql: `SELECT CASE WHEN EXISTS (
  SELECT 1 FROM orders o
  WHERE ${now === undefined ? '' : `o.ordered_at <= ${utcTimestamp(now)} AND `}NOT EXISTS (SELECT 1 FROM customer_profile p WHERE p.customer_id = o.customer_id)
) OR (
  -- orders no refit ever scored (a file sent through a server's import, which writes no
  -- imports row: its customers were left without tiers or segments for good): no model, or one
  -- fitted on no customer (a refit before any order; the model's JSON counts its customers)
  NOT EXISTS (
    SELECT 1 FROM model_params WHERE name = 'current' AND params NOT LIKE '%"customers":0,%'
  ) AND EXISTS (SELECT 1 FROM orders)
) OR (SELECT max(imported_at) FROM imports) >
  coalesce((SELECT max(fitted_at) FROM model_params WHERE name = 'current'), TIMESTAMP '1900-01-01')
THEN 1 ELSE 0 END AS n`,
  }
}
