import type { Dialect, Query } from '../engine.ts'
import { ident } from './import-stage.ts'

/** Rows sampled from the start of the file: enough to see how its amounts are written. */
const SAMPLE = 50_000

/**
 * Over the first rows of `source` (read as text), for each column of `headers`: how many values
 * have a decimal point (dotted) and how many of those are written 1.234 or 12.500 (one to three
 * digits, a point, exactly three digits: three). When every dotted value is so, the points may
 * separate thousands (German 2.000 = two thousand) though they read as decimals; the import says so.
 * The mirror for commas: how many values have a comma (commaed) and how many are whole numbers
 * grouped by commas, 1,234 or 12,500,000 (grouped): when every one is so and no value of the
 * column has a point, the commas read as thousands may be decimal commas (1,234 = 1.234).
 * A currency mark or code before or after the number is not part of it for the points.
 */
export function importPointThousands(
  _d: Dialect,
  args: {
    source: string
    headers: readonly string[]
    /** The currency column: `currencies` lists the sampled rows' distinct codes, upper case. */
    currency?: string
  },
): Query {
  const cols = args.headers
    .map((h, i) => {
      const t = `trim(${ident(h)})`
      // for the points, the number without a currency mark or code around it ("1.500 €", "EUR
      // 2.000", "(1.500)"): a mark made German thousands read as decimals with no note (1.5 for
      // 1.500 €). The commas keep the value whole: "$1,200" is US money, not a note's case
      const c = `regexp_replace(${t}, '^[^0-9.,-]+|[^0-9]+$', '', 'g')`
      return `count(*) FILTER (WHERE ${c} LIKE '%.%') AS dotted_${i},
  count(*) FILTER (WHERE regexp_full_match(${c}, '-?[0-9]{1,3}[.][0-9]{3}')) AS three_${i},
  count(*) FILTER (WHERE ${t} LIKE '%,%') AS commaed_${i},
  count(*) FILTER (WHERE regexp_full_match(${t}, '-?[0-9]{1,3}(,[0-9]{3})+')) AS grouped_${i}`
    })
    .join(',\n  ')
  const currency = args.currency
    ? `,\n  string_agg(DISTINCT upper(nullif(trim(${ident(args.currency)}), '')), ',') AS currencies`
    : ''
  return { sql: `SELECT ${cols}${currency}\nFROM (SELECT * FROM ${args.source} LIMIT ${SAMPLE})` }
}
