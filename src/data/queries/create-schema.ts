// The workspace schema. Portable SQL (DuckDB and PostgreSQL both accept it). Money is a double:
// analytics sums, not ledger arithmetic. `order_key` makes imports idempotent: it is the order id
// when the file has one, else a hash of the row's content and its occurrence number in the file.
// No PRIMARY KEY on the big tables: DuckDB's ART index made inserting 2M orders 28x slower
// (17.8 s vs 0.6 s); the importer keeps keys unique with set-based anti-joins instead.
import type { Dialect, Query } from '../engine.ts'
import { VALUE_DAYS } from './value-input-columns.ts'

export const SCHEMA_VERSION = 1

// The `loyals serve` tables (src/service/ops). A PRIMARY KEY makes an event, an action or a task
// idempotent (INSERT ... ON CONFLICT DO NOTHING). customer_profile has none: on DuckDB an upsert on
// a key is 4x slower than an update plus an insert of the new keys (api-update-keyed-rows.ts), and
// only the server's serialized writers touch it.
const OPS_SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  key_id     VARCHAR PRIMARY KEY,
  name       VARCHAR NOT NULL,
  role       VARCHAR NOT NULL,
  salt       VARCHAR NOT NULL,
  hash       VARCHAR NOT NULL,        -- hex SHA-256(salt || secret): the secret is never stored
  created_at TIMESTAMP NOT NULL,
  revoked_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS events (
  event_id    VARCHAR PRIMARY KEY,    -- Segment messageId: a retried event is stored once
  kind        VARCHAR NOT NULL,       -- identify | track | marker
  name        VARCHAR,
  customer_id VARCHAR,
  occurred_at TIMESTAMP NOT NULL,
  received_at TIMESTAMP NOT NULL,
  payload     VARCHAR
);
-- a file loyals import sends through the server: its batches wait here under the import's id
-- until the commit applies them all in one transaction and drops them (a client stopped midway
-- leaves some, which expire: api-drop-staged.ts)
CREATE TABLE IF NOT EXISTS import_staging (
  import_id VARCHAR NOT NULL,
  seq       INTEGER NOT NULL,
  payload   VARCHAR NOT NULL,         -- the batch's calls as a JSON array, validated
  staged_at TIMESTAMP NOT NULL,
  PRIMARY KEY (import_id, seq)
);
CREATE TABLE IF NOT EXISTS customer_profile (
  customer_id     VARCHAR NOT NULL,   -- unique: see api-update-keyed-rows.ts
  email           VARCHAR,
  name            VARCHAR,
  time_zone       VARCHAR,
  signup_at       TIMESTAMP,
  orders_count    BIGINT NOT NULL,
  purchase_days   BIGINT NOT NULL,
  revenue         DOUBLE PRECISION NOT NULL,
  first_order_at  TIMESTAMP,
  last_order_at   TIMESTAMP,
  referrals       BIGINT NOT NULL,
  reviews         BIGINT NOT NULL,
  nps             INTEGER,
  ces             DOUBLE PRECISION,
  p_alive         DOUBLE PRECISION,
  expected_purchases DOUBLE PRECISION,
  predicted_value DOUBLE PRECISION,
  value           DOUBLE PRECISION,
  tier            INTEGER,
  tier_name       VARCHAR,
  segment         VARCHAR,
  loyalty_type    VARCHAR,
  reasons         VARCHAR,            -- JSON array of {code, text, amount}
  scored_at       TIMESTAMP,
  updated_at      TIMESTAMP NOT NULL,
  unsubscribed_at TIMESTAMP,          -- when the customer opted out of email; NULL: not opted out
  marketing_consent BOOLEAN,          -- consent to marketing messages; NULL: never said
  imported_consent BOOLEAN,           -- the customers file's consent (a refit copies it); NULL: none
  first_order_day DATE,               -- the days the first and last orders were placed on, where
  last_order_day  DATE                -- they were placed (order_date); NULL: not known yet
);
-- workspaces made before consent was kept: added, empty (no opt-out, consent never said)
ALTER TABLE customer_profile ADD COLUMN IF NOT EXISTS unsubscribed_at TIMESTAMP;
ALTER TABLE customer_profile ADD COLUMN IF NOT EXISTS marketing_consent BOOLEAN;
ALTER TABLE customer_profile ADD COLUMN IF NOT EXISTS imported_consent BOOLEAN;
ALTER TABLE customer_profile ADD COLUMN IF NOT EXISTS first_order_day DATE;
ALTER TABLE customer_profile ADD COLUMN IF NOT EXISTS last_order_day DATE;
CREATE TABLE IF NOT EXISTS profile_tier_grace (
  customer_id VARCHAR NOT NULL,     -- a customer a refit kept in a tier they fall below
  tier        INTEGER NOT NULL,     -- the tier index kept
  below_since TIMESTAMP NOT NULL,   -- the first refit that found them below it
  runs_below  INTEGER NOT NULL      -- refits below it so far
);
CREATE TABLE IF NOT EXISTS model_params (
  name      VARCHAR PRIMARY KEY,
  params    VARCHAR NOT NULL,         -- JSON
  fitted_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS actions_log (
  action_key   VARCHAR PRIMARY KEY,   -- the playbook's idempotency key
  playbook_id  VARCHAR NOT NULL,
  customer_id  VARCHAR NOT NULL,
  event_id     VARCHAR,
  trigger_type VARCHAR NOT NULL,
  department   VARCHAR NOT NULL,
  kind         VARCHAR NOT NULL,      -- webhook | task
  channel      VARCHAR,
  status       VARCHAR NOT NULL,      -- queued | sent | failed | deferred | suppressed | task_created
  reason       VARCHAR,               -- suppression or deferral reason
  detail       VARCHAR,
  control      BOOLEAN NOT NULL,
  attempts     INTEGER NOT NULL,
  created_at   TIMESTAMP NOT NULL,
  scheduled_at TIMESTAMP NOT NULL,
  sent_at      TIMESTAMP,
  payload      VARCHAR
);
CREATE TABLE IF NOT EXISTS tasks (
  task_id      VARCHAR PRIMARY KEY,
  customer_id  VARCHAR NOT NULL,
  title        VARCHAR NOT NULL,
  role         VARCHAR,
  assignee     VARCHAR,
  playbook_id  VARCHAR,
  goal_id      VARCHAR,
  status       VARCHAR NOT NULL,
  created_at   TIMESTAMP NOT NULL,
  due_at       TIMESTAMP NOT NULL,
  claimed_by   VARCHAR,
  claimed_at   TIMESTAMP,
  completed_at TIMESTAMP,
  outcome      VARCHAR,
  cancelled_at TIMESTAMP,
  cancel_reason VARCHAR
);
CREATE TABLE IF NOT EXISTS jobs (
  job_id      VARCHAR PRIMARY KEY,
  kind        VARCHAR NOT NULL,
  status      VARCHAR NOT NULL,       -- queued | running | succeeded | failed
  progress    DOUBLE PRECISION NOT NULL,
  message     VARCHAR,
  created_at  TIMESTAMP NOT NULL,
  started_at  TIMESTAMP,
  finished_at TIMESTAMP,
  result      VARCHAR
);
`

// Whole-customer value inputs (import --kind referrals|engagement|tickets|returns|surveys) and the
// tier state kept between analyze runs for the grace period. Keys are enforced by the importer,
// as for orders (no ART index).
// A profile is found by id through an index on both engines: the server reads one per lookup that
// misses its cache and rewrites a group's profiles. DuckDB at 1M profiles: a lookup 1.0 ms CPU
// with the ART index vs 6.3 ms scanning.
const OPS_INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS customer_profile_id ON customer_profile (customer_id);
`

// The value inputs' days (value-input-columns.ts): rows stored before the column, or written by
// hand, get the UTC day, the only day known for them, at the next open. Once every row has its
// day, DuckDB answers the fill from column statistics (1 ms at 5M events).
const VALUE_DAYS_MIGRATION = VALUE_DAYS.map(
  ([table, instant, day]) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${day} DATE;
UPDATE ${table} SET ${day} = CAST(${instant} AS DATE) WHERE ${day} IS NULL AND ${instant} IS NOT NULL;
`,
).join('')

const VALUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS referrals (
  referral_key VARCHAR NOT NULL,    -- referrer > referred: one referral per pair
  referrer_id  VARCHAR NOT NULL,
  referred_id  VARCHAR NOT NULL,
  referred_at  TIMESTAMP,
  referred_date DATE,               -- calendar day in the import's time zone (UTC from the API)
  code         VARCHAR,
  source       VARCHAR,
  source_line  BIGINT
);
CREATE TABLE IF NOT EXISTS engagement_events (
  event_key   VARCHAR NOT NULL,     -- hash of content and occurrence
  customer_id VARCHAR NOT NULL,
  occurred_at TIMESTAMP NOT NULL,
  occurred_date DATE,               -- calendar day in the import's time zone (UTC from the API)
  event       VARCHAR NOT NULL,     -- email_open, email_click, site_visit, review, social_share, promo_redemption
  source      VARCHAR,
  source_line BIGINT
);
CREATE TABLE IF NOT EXISTS tickets (
  ticket_id        VARCHAR NOT NULL,
  customer_id      VARCHAR NOT NULL,
  opened_at        TIMESTAMP NOT NULL,
  opened_date      DATE,            -- calendar day in the import's time zone (UTC from the API)
  resolved_at      TIMESTAMP,
  channel          VARCHAR,
  handling_minutes DOUBLE PRECISION,
  satisfaction     DOUBLE PRECISION, -- 1-5
  source           VARCHAR,
  source_line      BIGINT
);
CREATE TABLE IF NOT EXISTS returns (
  return_key  VARCHAR NOT NULL,     -- the return id, else a hash of content and occurrence
  return_id   VARCHAR,
  order_id    VARCHAR NOT NULL,
  customer_id VARCHAR,              -- NULL: found through the order
  returned_at TIMESTAMP NOT NULL,
  returned_date DATE,               -- calendar day in the import's time zone (UTC from the API)
  amount      DOUBLE PRECISION NOT NULL,
  reason      VARCHAR,
  source      VARCHAR,
  source_line BIGINT
);
CREATE TABLE IF NOT EXISTS survey_responses (
  response_key VARCHAR NOT NULL,
  response_id  VARCHAR,
  customer_id  VARCHAR NOT NULL,
  responded_at TIMESTAMP NOT NULL,
  responded_date DATE,              -- calendar day in the import's time zone (UTC from the API)
  nps          INTEGER,             -- 0-10
  ces          INTEGER,             -- 1-7
  csat         DOUBLE PRECISION,    -- 1-5
  comment      VARCHAR,
  source       VARCHAR,
  source_line  BIGINT
);
CREATE TABLE IF NOT EXISTS tier_state (
  customer_id VARCHAR NOT NULL,
  tier        VARCHAR NOT NULL,     -- tier name held after the run
  below_since DATE,                 -- first run date found below the held tier's boundary
  runs_below  INTEGER NOT NULL,
  as_of       DATE NOT NULL
);
${VALUE_DAYS_MIGRATION}`

// PostgreSQL looks rows up by customer and by order (the service's per-customer reads of orders
// and of the value inputs, the playbook effects' orders of the customers it reached, refunds
// finding their order): without these indexes each lookup read the whole table, and a playbook's
// effect over 5,500 customers of 190,000 orders took 120 s (0.05 s on DuckDB). Each is created
// only when missing: CREATE INDEX IF NOT EXISTS locks its table against writes before it looks,
// and this runs at every open. DuckDB keeps no ART index on these tables: its scans are fast, and
// an index would slow every bulk import.
const POSTGRES_LOOKUP_INDEXES: readonly (readonly [name: string, on: string])[] = [
  ['orders_customer_id', 'orders (customer_id)'],
  ['orders_order_id', 'orders (order_id)'],
  ['orders_order_key', 'orders (order_key)'],
  ['order_lines_order_id', 'order_lines (order_id)'],
  ['customers_customer_id', 'customers (customer_id)'],
  ['engagement_events_customer_id', 'engagement_events (customer_id)'],
  ['tickets_customer_id', 'tickets (customer_id)'],
  ['returns_customer_id', 'returns (customer_id)'],
  ['survey_responses_customer_id', 'survey_responses (customer_id)'],
  ['referrals_referrer_id', 'referrals (referrer_id)'],
  ['referrals_referred_id', 'referrals (referred_id)'],
]

const POSTGRES_INDEXES = `
DO $$ BEGIN
${POSTGRES_LOOKUP_INDEXES.map(
  ([name, on]) => `  IF to_regclass('${name}') IS NULL THEN CREATE INDEX ${name} ON ${on}; END IF;`,
).join('\n')}
END $$;
`

export function createSchema(dialect: Dialect): Query {
  return {
    sql: `
CREATE TABLE IF NOT EXISTS orders (
  order_key   VARCHAR NOT NULL,     -- unique: enforced by the importer (see above)
  order_id    VARCHAR,
  customer_id VARCHAR NOT NULL,
  ordered_at  TIMESTAMP NOT NULL,   -- UTC instant
  order_date  DATE NOT NULL,        -- calendar day in the import's time zone
  amount      DOUBLE PRECISION NOT NULL, -- net of refunds; negative rows are refunds
  currency    VARCHAR,
  quantity    DOUBLE PRECISION,
  cost        DOUBLE PRECISION,
  margin      DOUBLE PRECISION,     -- amount - cost when either is known
  discount    DOUBLE PRECISION,
  channel     VARCHAR,
  campaign    VARCHAR,
  source      VARCHAR,
  source_line BIGINT
);
CREATE TABLE IF NOT EXISTS order_lines (
  line_key     VARCHAR NOT NULL,    -- unique: enforced by the importer
  order_id     VARCHAR NOT NULL,
  product_id   VARCHAR,
  product_name VARCHAR,
  category     VARCHAR,
  quantity     DOUBLE PRECISION,
  amount       DOUBLE PRECISION,
  source       VARCHAR,
  source_line  BIGINT
);
CREATE TABLE IF NOT EXISTS customers (
  customer_id VARCHAR NOT NULL,     -- unique: enforced by the importer
  email       VARCHAR,
  name        VARCHAR,
  signup_at   TIMESTAMP,
  country     VARCHAR,
  region      VARCHAR,
  city        VARCHAR,
  industry    VARCHAR,
  channel     VARCHAR,
  campaign    VARCHAR,
  source      VARCHAR,
  source_line BIGINT,
  switching_cost BOOLEAN,           -- held by a contract, subscription or stored balance
  marketing_consent BOOLEAN         -- the file's consent to marketing (Shopify's Accepts Email Marketing)
);
-- workspaces made before the columns: added, empty (unknown)
ALTER TABLE customers ADD COLUMN IF NOT EXISTS switching_cost BOOLEAN;
ALTER TABLE customers ADD COLUMN IF NOT EXISTS marketing_consent BOOLEAN;
CREATE TABLE IF NOT EXISTS imports (
  import_id   VARCHAR PRIMARY KEY,
  kind        VARCHAR NOT NULL,
  file        VARCHAR NOT NULL,
  sha256      VARCHAR NOT NULL,
  rows_in     BIGINT NOT NULL,
  rows_stored BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  imported_at TIMESTAMP NOT NULL,
  reading     VARCHAR                -- how the file was read (import-file.ts readingOf)
);
-- workspaces made before the column: added, empty (an earlier import's reading is not known)
ALTER TABLE imports ADD COLUMN IF NOT EXISTS reading VARCHAR;
CREATE TABLE IF NOT EXISTS meta (
  key   VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL
);
${OPS_SCHEMA}${VALUE_SCHEMA}${OPS_INDEXES}${dialect === 'postgres' ? POSTGRES_INDEXES : ''}`,
  }
}
