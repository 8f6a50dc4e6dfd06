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
 * first-order category and product, its value band (quartiles of first order value among the
 * eligible), "discount used", the order channel and campaign. Only the first order: what happens
 * after it (coming back early) is an outcome of the same customer and would swamp the basket
 * effects; it is measured by the paths and the rising-stars model instead.
 */
export function insightsBasketItems(_dialect: Dialect): Query {
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_ITEMS} AS
WITH e AS (
  SELECT CAST(row_number() OVER (ORDER BY b.cidx) - 1 AS INTEGER) AS bidx, f.*,
    ntile(4) OVER (ORDER BY f.first_amount, b.cidx) AS band
  FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
  WHERE b.eligible
),
items AS (
  SELECT bidx, 'category: ' || unnest(first_categories) AS item FROM e
  UNION ALL SELECT bidx, 'product: ' || unnest(first_products) FROM e
  UNION ALL SELECT bidx, 'first order value: ' ||
    CASE band WHEN 1 THEN 'lowest quarter' WHEN 2 THEN 'second quarter'
      WHEN 3 THEN 'third quarter' ELSE 'top quarter' END FROM e
  UNION ALL SELECT bidx, 'discount used' FROM e WHERE first_discount > 0
  UNION ALL SELECT bidx, 'ordered via ' || first_channel FROM e WHERE first_channel IS NOT NULL
  UNION ALL SELECT bidx, 'campaign: ' || first_campaign FROM e WHERE first_campaign IS NOT NULL
)
SELECT DISTINCT bidx, item FROM items
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
 * One row with three lists in basket order: `items` (flattened ids), `lengths` (items per
 * basket) and `top` (0/1). Lists instead of rows: a million baskets arrive as three arrays.
 */
export function insightsBasketArrays(_dialect: Dialect): Query {
  return {
    sql: `
WITH dict AS (
  SELECT item, CAST(dense_rank() OVER (ORDER BY item) - 1 AS INTEGER) AS id
  FROM (SELECT DISTINCT item FROM ${INSIGHTS_ITEMS})
),
e AS (
  SELECT CAST(row_number() OVER (ORDER BY cidx) - 1 AS INTEGER) AS bidx, top
  FROM ${INSIGHTS_BASE} b SEMI JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
  WHERE b.eligible
),
per AS (
  SELECT e.bidx, e.top, list(d.id ORDER BY d.id) FILTER (WHERE d.id IS NOT NULL) AS ids
  FROM e LEFT JOIN ${INSIGHTS_ITEMS} i ON i.bidx = e.bidx LEFT JOIN dict d ON d.item = i.item
  GROUP BY e.bidx, e.top
)
SELECT flatten(list(coalesce(ids, []) ORDER BY bidx)) AS items,
  list(CAST(len(coalesce(ids, [])) AS INTEGER) ORDER BY bidx) AS lengths,
  list(CAST(top AS INTEGER) ORDER BY bidx) AS top
FROM per
`,
  }
}
