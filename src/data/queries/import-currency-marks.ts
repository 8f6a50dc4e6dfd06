// Currency marks written into amounts ("$10.50", "€5", "12 EUR") of a file without a currency
// column: the amount parser strips them, so a file whose amounts carry two currencies would be
// added up as one. One row per currency the marks name, to refuse such a file (import-file.ts).
import { AMOUNT_CODES, AMOUNT_SYMBOLS, CURRENCY_SYMBOLS } from '../../core/currency-codes.ts'
import type { Dialect, Query } from '../engine.ts'
import { ident, LINE } from './import-stage.ts'

/** The ISO codes and the symbols next to the digits that the money pattern of validate.ts reads. */
const CODE_MARK = String.raw`\b(${AMOUNT_CODES.join('|')})\b`
const SYMBOL_MARK = `(${AMOUNT_SYMBOLS})`

/**
 * SQL: the mark an amount's text carries, upper case ('$', 'EUR'), or '' (a plain number). A code
 * wins over a symbol: "$12.50 CAD" is Canadian dollars; a symbol of one currency is its code
 * ("US$ 3.00" is 'USD', "R$ 3,50" 'BRL').
 */
export const markOfSql = (raw: string): string => {
  // the symbols of SYMBOL_CODES stay the mark (`$` may be any dollar, `¥` the yen or the yuan);
  // every other symbol names one currency and is its code
  const symbol = `regexp_extract(${raw}, '${SYMBOL_MARK}', 0)`
  const codes = Object.entries(CURRENCY_SYMBOLS)
    .filter(([s]) => !(s in SYMBOL_CODES))
    .map(([s, code]) => `WHEN '${s}' THEN '${code}'`)
    .join(' ')
  return `coalesce(nullif(upper(regexp_extract(${raw}, '${CODE_MARK}', 1, 'i')), ''), CASE ${symbol} ${codes} ELSE ${symbol} END)`
}

/**
 * Over `from` (a relation of `line`, the file line, `raw`, a money column's text, and `col`, its
 * header): the currency
 * named by each text's mark ('$' and 'USD' are one, as are '€'/'EUR', '£'/'GBP', '¥'/'JPY'), with
 * how many rows (n), the first line and its text. Only the texts that are not plain numbers are
 * searched (a plain number has no mark).
 */
export function importCurrencyMarks(_d: Dialect, args: { from: string }): Query {
  return {
    sql: `WITH marked AS (
  SELECT line, raw AS text, col, ${markOfSql('raw')} AS mark
  FROM ${args.from} src
  WHERE raw IS NOT NULL AND try_cast(raw AS DOUBLE) IS NULL
)
SELECT CASE mark WHEN '$' THEN 'USD' WHEN '€' THEN 'EUR' WHEN '£' THEN 'GBP' WHEN '¥' THEN 'JPY'
    ELSE mark END AS currency,
  count(*) AS n, min(line) AS line, arg_min(text, line) AS text, arg_min(col, line) AS col
FROM marked WHERE mark <> ''
GROUP BY 1 ORDER BY n DESC, line`,
  }
}

// The codes whose symbols are known, and the codes each symbol may stand for ('$' is every dollar,
// the peso and the real's R$; '¥' the yen and the yuan). A code outside the list is never said to
// clash: nothing is known of its symbol.
const SYMBOL_CODES: Readonly<Record<string, readonly string[]>> = {
  $: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN', 'BRL'],
  '€': ['EUR'],
  '£': ['GBP'],
  '¥': ['JPY', 'CNY'],
}
const KNOWN_CODES = [...new Set([...Object.values(SYMBOL_CODES).flat(), 'CHF'])]
const codeList = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(', ')

/**
 * SQL true when an amount's text (`raw`) carries a currency mark that names another currency than
 * the row's currency code (`currency`, upper case): "$1,234.50" in a EUR row; or when the row has
 * no currency at all ("$5" beside a blank currency: it would be taken for the file's other rows'
 * currency). A plain number never clashes.
 */
export function markClashSql(raw: string, currency: string): string {
  const mark = markOfSql(raw)
  const bySymbol = Object.entries(SYMBOL_CODES)
    .map(([s, codes]) => `WHEN '${s}' THEN ${currency} NOT IN (${codeList(codes)})`)
    .join(' ')
  return `CASE WHEN ${raw} IS NULL OR try_cast(${raw} AS DOUBLE) IS NOT NULL THEN false
  WHEN ${currency} IS NULL THEN ${mark} <> ''
  WHEN ${currency} NOT IN (${codeList(KNOWN_CODES)}) THEN false
  ELSE CASE ${mark} WHEN '' THEN false ${bySymbol} ELSE ${mark} <> ${currency} END END`
}

/**
 * Whether an amount's text ("$40.00", "40 CAD") may be in `currency` (upper case), by the rules of
 * markClashSql: a code names itself, a symbol any of its codes ('$' a Canadian dollar too), and a
 * currency whose symbols are not known never clashes.
 */
export function markMayBe(text: string, currency: string): boolean {
  if (!KNOWN_CODES.includes(currency)) return true
  const code = new RegExp(CODE_MARK, 'i').exec(text)?.[1]
  if (code) return code.toUpperCase() === currency
  const symbol = new RegExp(SYMBOL_MARK).exec(text)?.[0]
  if (symbol === undefined) return true
  if (!(symbol in SYMBOL_CODES)) return CURRENCY_SYMBOLS[symbol] === currency
  return SYMBOL_CODES[symbol]?.includes(currency) ?? true
}

/** The relation of importCurrencyMarks over the validating path's import_typed. */
export const typedAmounts = (raw: string): string =>
  `(SELECT ${LINE} AS line, ${raw} AS raw FROM import_typed)`

/**
 * The relation of importCurrencyMarks over a file read again by `source` (the fast path keeps no
 * text of its amounts): rows numbered in file order from `firstLine`, the column `header` as text.
 */
export const fileAmounts = (source: string, header: string, firstLine: number): string =>
  `(SELECT row_number() OVER () + ${firstLine - 1} AS line, ${ident(header)} AS raw FROM ${source})`
