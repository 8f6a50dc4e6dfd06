// The ISO 4217 codes an import takes, as Intl knows them (the value config checks its currency
// against the same list): one module without imports, read by columns.ts and validate.ts alike.

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
