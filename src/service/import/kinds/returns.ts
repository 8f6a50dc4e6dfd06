// Returns: each one costs a handling fee and possibly written-off goods. The order id is required
// (a return is of an order); the customer may be left out and is then found through the order.

import { RETURN_COLUMNS } from '../../../data/queries/value-input-columns.ts'
import { CURRENCY_SYNONYMS } from '../currency-synonyms.ts'
import { CUSTOMER_SYNONYMS, check, column, contentOf, type ExtraKindSpec, kf } from './common.ts'

export const RETURNS: ExtraKindSpec = {
  kind: 'returns',
  noun: 'returns',
  table: 'returns',
  key: 'return_key',
  columns: [...RETURN_COLUMNS, 'source_line'],
  fields: [
    kf('order_id', true, [
      'order',
      'order number',
      'order no',
      'order ref',
      'order name',
      'transaction id',
      'invoice',
      'invoice id',
      'invoice no',
      'invoice number',
    ]),
    kf('returned_at', true, [
      'returned',
      'returned on',
      'return date',
      'date',
      'created at',
      'time',
    ]),
    kf('amount', true, [
      'return amount',
      'refund',
      'refund amount',
      'total refund',
      'refund total',
      'refunded amount',
      'amount refunded',
      'refunded',
      'credit',
      'credit amount',
      'value',
      'total',
      'returned value',
    ]),
    kf('return_id', false, ['return', 'return number', 'rma', 'rma number', 'id']),
    kf('customer_id', false, CUSTOMER_SYNONYMS),
    kf('reason', false, ['return reason', 'cause', 'why']),
    // not stored (a return is in its order's currency): checked against the order's
    kf('currency', false, CURRENCY_SYNONYMS),
  ],
  typed(c) {
    return {
      fields: [
        column(c, 'order_id', 'text', true),
        column(c, 'returned_at', 'date', true),
        column(c, 'amount', 'number', true, 'an amount'),
        column(c, 'return_id', 'text', false),
        column(c, 'customer_id', 'text', false),
        column(c, 'reason', 'text', false),
        column(c, 'currency', 'text', false),
      ],
      from: 'import_raw x',
      inTheirOrdersCurrency: true,
      uniqueBy: { field: 'return_id', noun: 'return' },
      checks: [check('amount', 'amount < 0', 'a returned amount cannot be negative', true)],
    }
  },
  rows: (day) => ({
    key: 'return_key',
    id: 'return_id',
    content: contentOf('order_id', 'returned_at', 'amount', 'customer_id'),
    columns: [
      ['return_id', 'return_id'],
      ['order_id', 'order_id'],
      ['customer_id', 'customer_id'],
      ['returned_at', 'returned_at'],
      ['returned_date', day('returned_at')],
      ['amount', 'amount'],
      ['reason', 'reason'],
    ],
  }),
}
