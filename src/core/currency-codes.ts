// The ISO 4217 codes Loyals takes, as Intl knows them: one list for the import (a column's header
// and values), the value configuration's currency and the API's currency fields.

let codes: ReadonlySet<string> | undefined

/** The ISO 4217 codes Intl knows, upper case (`USD`, `KWD`, ...). */
export function currencyCodes(): ReadonlySet<string> {
  codes ??= new Set(Intl.supportedValuesOf('currency'))
  return codes
}

/**
 * Whether `code` is an ISO 4217 code Intl knows, in upper case as written.
 * @example isCurrencyCode('KWD') // true; isCurrencyCode('XYZ') // false
 */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && currencyCodes().has(code)
}

/**
 * The ISO 4217 code a currency column's symbol stands for: the symbols shops and payment exports
 * write in place of a code. A bare `$` is the US dollar and `¥` the yen, as amount marks are read
 * (README); a symbol of several currencies not listed here (`¢`, `$$`) is no currency at all.
 */
export const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = {
  $: 'USD',
  US$: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  'JP¥': 'JPY',
  'CN¥': 'CNY',
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₪': 'ILS',
  '₫': 'VND',
  '฿': 'THB',
  '₱': 'PHP',
  '₦': 'NGN',
  '₴': 'UAH',
  '₸': 'KZT',
  '₡': 'CRC',
  '₲': 'PYG',
  R$: 'BRL',
  C$: 'CAD',
  CA$: 'CAD',
  A$: 'AUD',
  AU$: 'AUD',
  NZ$: 'NZD',
  HK$: 'HKD',
  S$: 'SGD',
  MX$: 'MXN',
  NT$: 'TWD',
}

/**
 * A currency column's value as the code stored: an ISO code in any case (`usd` is USD) or a
 * symbol of {@link CURRENCY_SYMBOLS}; null for an empty value or one that is neither.
 * @example currencyOfValue(' € ') // 'EUR'; currencyOfValue('us$') // 'USD'; currencyOfValue('XYZ') // null
 */
export function currencyOfValue(value: string): string | null {
  const t = value.trim().toUpperCase()
  if (t === '') return null
  if (currencyCodes().has(t)) return t
  return CURRENCY_SYMBOLS[t] ?? null
}

/**
 * The marks an amount's text may carry next to its digits (`$12.50`, `12,50 €`, `US$ 3.00`,
 * `R$ 3,50`), as one regular-expression alternation, the longer first so that `US$` is read
 * whole rather than as its `$`.
 */
export const AMOUNT_SYMBOLS: string = Object.keys(CURRENCY_SYMBOLS)
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[$]/g, '\\$'))
  .join('|')

/**
 * The ISO codes an amount's text may carry (`12 EUR`, `SEK 99`): the codes of the symbols above,
 * the Swiss franc and the currencies written as a code or a local abbreviation (`kr`, `zł`,
 * `Kč`), which Loyals reads by their codes only.
 */
export const AMOUNT_CODES: readonly string[] = [
  ...new Set([
    ...Object.values(CURRENCY_SYMBOLS),
    'CHF',
    'SEK',
    'NOK',
    'DKK',
    'ISK',
    'PLN',
    'CZK',
    'HUF',
    'RON',
    'ZAR',
  ]),
]
