// Path-to-best baskets as two compact columns: every eligible customer's first-order items as
// integer ids (flattened, in customer order) and the basket lengths, plus the item dictionary.
// Items are labelled in SQL so the JS side only sees integers (core/stats/itemsets.ts).
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

export const INSIGHTS_ITEMS = 'insights_items'

/**
 * CREATE OR REPLACE TEMP TABLE insights_items (bidx, item): one row per (eligible customer, item)
 * where bidx is the basket index (0-based, eligible customers in cidx order). Items: each
 * first-order category and product, its value band (1 + floor(4 (rank - 1) / n) of first order
 * value among the n eligible, ties sharing the lowest rank), "discount used", the order channel and campaign. Only the first order: what happens
 * after it (coming back early) is an outcome of the same customer and would swamp the basket
 * effects; it is measured by the paths and the rising-stars model instead.
 */
export function insightsBasketItems(_dialect: Dialect): Query {
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_ITEMS} AS
WITH k AS (
  -- the windows sort integers and amounts only; the item lists are joined back by cidx
  -- quartile band by rank with ties sharing the lowest rank (the RFM rule): equal first-order
  -- values always share a band. ntile() cut runs of equal values by cidx, so a common price
  -- point (or a log without amounts) was spread over bands by customer order, and a band could
  -- "predict" the top cohort only through that order.
  SELECT b.cidx, CAST(row_number() OVER (ORDER BY b.cidx) - 1 AS INTEGER) AS bidx,
    CAST(1 + floor(4 * (rank() OVER (ORDER BY f.first_amount) - 1) / count(*) OVER ()) AS INTEGER)
      AS band
  FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
  WHERE b.eligible
),
e AS (
  SELECT k.bidx, k.band, f.first_categories, f.first_products, f.first_discount,
    f.first_channel, f.first_campaign
  FROM k JOIN ${INSIGHTS_FIRST} f ON f.cidx = k.cidx
),
items AS (
  SELECT bidx, 'category: ' || unnest(first_categories) AS item FROM e
  UNION ALL SELECT bidx, 'product: ' || unnest(first_products) FROM e
  -- with one first-order value for all (a log without amounts: every amount 0) there are no
  -- quarters: "lowest quarter" held every customer
  UNION ALL SELECT bidx, 'first order value: ' ||
    CASE band WHEN 1 THEN 'lowest quarter' WHEN 2 THEN 'second quarter'
      WHEN 3 THEN 'third quarter' ELSE 'top quarter' END FROM e
    WHERE (SELECT max(band) FROM k) > 1
  UNION ALL SELECT bidx, 'discount used' FROM e WHERE first_discount > 0
  UNION ALL SELECT bidx, 'ordered via ' || first_channel FROM e WHERE first_channel IS NOT NULL
  UNION ALL SELECT bidx, 'campaign: ' || first_campaign FROM e WHERE first_campaign IS NOT NULL
)
-- no DISTINCT: the category and product lists are distinct already, the other items one each
SELECT bidx, item FROM items
`,
  }
}

/** The item dictionary: id (0-based, by label) and label. */
export function insightsItemLabels(_dialect: Dialect): Query {
  return {
    sql: `SELECT CAST(dense_rank() OVER (ORDER BY item) - 1 AS INTEGER) AS id, item
FROM (SELECT DISTINCT item FROM ${INSIGHTS_ITEMS}) ORDER BY id`,
  }
}

/**
 * One row with three lists in basket order: `items` (flattened ids, grouped by basket, in no
 * order within one), `lengths` (items per basket) and `top` (0/1). Lists instead of rows: a
 * million baskets arrive as three arrays. One sort of (basket, id) integers, no list per basket.
 */
export function insightsBasketArrays(_dialect: Dialect): Query {
  return {
    sql: `
WITH dict AS (
  SELECT item, CAST(dense_rank() OVER (ORDER BY item) - 1 AS INTEGER) AS id
  FROM (SELECT DISTINCT item FROM ${INSIGHTS_ITEMS})
),
ids AS (SELECT i.bidx, d.id FROM ${INSIGHTS_ITEMS} i JOIN dict d ON d.item = i.item),
lens AS (SELECT bidx, CAST(count(*) AS INTEGER) AS n FROM ids GROUP BY bidx),
e AS (
  SELECT CAST(row_number() OVER (ORDER BY cidx) - 1 AS INTEGER) AS bidx, top
  FROM ${INSIGHTS_BASE} b SEMI JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
  WHERE b.eligible
)
SELECT (SELECT list(id ORDER BY bidx) FROM ids) AS items,
  list(coalesce(l.n, 0) ORDER BY e.bidx) AS lengths,
  list(CAST(e.top AS INTEGER) ORDER BY e.bidx) AS top
FROM e LEFT JOIN lens l ON l.bidx = e.bidx
`,
  }
}
