// The store columns a file does not carry. Staged as NULL, they would erase what the store holds
// (a returns file without customers wiping the customers of earlier returns): the write keeps the
// stored values in them instead (import-changes.ts). One rule for every kind, from its fields.
import { absent, type TypedSpec } from './validate.ts'

/** Store columns computed from other fields as well as their own: carried when any of them is. */
const ALSO_FROM: Readonly<Record<string, readonly string[]>> = {
  // orders: margin = coalesce(margin, amount - cost) (import-order-rows.ts)
  margin: ['cost'],
}

/**
 * Ids make a row's key: a file without them keys rows by content, so a stored row it meets was
 * stored without an id too (or, for orders, with the one a refund's row takes from its key).
 */
const IDS: ReadonlySet<string> = new Set(['order_id', 'return_id', 'response_id'])

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
  const fields = new Set(spec.fields.map((f) => f.field))
  return columns.filter(
    (c) =>
      missing.has(c) &&
      !IDS.has(c) &&
      !filled.includes(c) &&
      (ALSO_FROM[c] ?? []).every((f) => missing.has(f) || !fields.has(f)),
  )
}
