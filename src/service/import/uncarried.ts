// The store columns a file does not carry. Staged as NULL, they would erase what the store holds
// (a returns file without customers wiping the customers of earlier returns): the write keeps the
// stored values in them instead (import-changes.ts). One rule for every kind, from its fields.
import { VALUE_DAYS } from '../../data/queries/value-input-columns.ts'
import { absent, type TypedSpec } from './validate.ts'

/**
 * Store columns that go with the amount: an order's margin is coalesce(margin, amount - cost)
 * (import-order-rows.ts), so a cost or margin kept from an earlier import beside a new amount
 * would be stale (amount 20 with the margin 6 of amount 10 at cost 4). A file without them stores
 * none, as it stores its own amount; one without an amount (a transaction log) keeps all three.
 */
const WITH_AMOUNT: ReadonlySet<string> = new Set(['cost', 'margin'])

/**
 * Ids make a row's key: a file without them keys rows by content, so a stored row it meets was
 * stored without an id too (or, for orders, with the one a refund's row takes from its key).
 */
const IDS: ReadonlySet<string> = new Set(['order_id', 'return_id', 'response_id'])

/** A value input's day goes with its instant: a file without referral dates keeps both. */
const DAY_OF: ReadonlyMap<string, string> = new Map(VALUE_DAYS.map(([, at, day]) => [day, at]))

/**
 * A place is one unit (README): a customers file that says any of country, region and city says
 * the whole place, so the parts it has no column for are cleared, not kept. Kept, a file of
 * countries and regions over the place an order filled in left "FR, (none), Vienna".
 */
const PLACE: readonly string[] = ['country', 'region', 'city']

/**
 * The store `columns` whose field the file has no column for (`spec`), less those it fills
 * otherwise (`filled`: the currency the amounts' marks name).
 * @example uncarriedColumns(spec, RETURN_COLUMNS) // ['customer_id'] for a file without customers
 */
export function uncarriedColumns(
  spec: TypedSpec,
  columns: readonly string[],
  filled: readonly string[] = [],
): string[] {
  const missing = new Set(
    spec.fields.filter((f) => f.header === null && absent(f)).map((f) => f.field),
  )
  // a transaction log (orders without an amount column) stages every amount as 0 for its new
  // orders; over a stored order that 0 means "not said", not "free": replaced, a log of the same
  // orders set every stored amount to 0. The cost and margin that go with it stay too.
  const log = spec.fields.some((f) => f.field === 'amount' && f.header === null && !absent(f))
  if (log) missing.add('amount')
  for (const [day, at] of DAY_OF) if (missing.has(at)) missing.add(day)
  const placed = PLACE.some((f) => columns.includes(f) && !missing.has(f))
  if (placed) for (const f of PLACE) missing.delete(f)
  return columns.filter(
    (c) =>
      missing.has(c) &&
      !IDS.has(c) &&
      (!WITH_AMOUNT.has(c) || missing.has('amount')) &&
      !filled.includes(c),
  )
}
