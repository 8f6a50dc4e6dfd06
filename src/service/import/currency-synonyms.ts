// Names a currency column goes by, in one module without imports: columns.ts and the kinds (which
// validate.ts loads) both read it, and neither may wait on the other's initialization.

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
