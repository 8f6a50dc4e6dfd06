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
