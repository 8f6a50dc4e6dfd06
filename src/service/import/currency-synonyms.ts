// Names a currency column goes by, and how its value is read, in one module that imports only the
// core: columns.ts and the kinds (which validate.ts loads) both read it, and neither may wait on
// the other's initialization.
import { CURRENCY_SYMBOLS } from '../../core/currency-codes.ts'

/** Currency column synonyms: of orders, and of the lines and returns checked against them. */
export const CURRENCY_SYNONYMS = [
  'currency code',
  // WooCommerce's order export (Order Currency), Magento's (Order Currency Code), PayPal's
  // and payment processors' (Transaction Currency), Shopify Payments' (Presentment Currency)
  'order currency',
  'order currency code',
  'transaction currency',
  'payment currency',
  'charge currency',
  'presentment currency',
  'currency iso code',
  'iso currency code',
  'curr',
  'ccy',
  'währung',
  'waehrung',
  'devise',
  'moneda',
  'divisa',
  'valuta',
  'moeda',
]

/**
 * SQL: a currency column's text (already trimmed, NULL when empty) as the code stored: upper case
 * (`usd` is USD), a symbol of CURRENCY_SYMBOLS as its code (`€` is EUR, `US$` USD); anything else
 * stays as written, for valueChecks to refuse.
 */
export function currencyOfText(text: string): string {
  const cases = Object.entries(CURRENCY_SYMBOLS)
    .map(([symbol, code]) => `WHEN '${symbol}' THEN '${code}'`)
    .join(' ')
  return `CASE upper(${text}) ${cases} ELSE upper(${text}) END`
}
