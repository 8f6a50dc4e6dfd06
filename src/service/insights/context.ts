// What every insights analysis shares: the engine, resolved options, which optional tables and
// columns exist, and the notes collected for the reader. Plus the two conversions from engine
// results to typed arrays (lists and grouped counts), so no analysis reads per-customer rows.
import type { Engine, Row } from '../../data/engine.ts'
import { UsageError } from '../../errors.ts'

export interface InsightsOptions {
  /** Per-customer table with summary and RFM columns (default customer_analysis). */
  readonly table?: string
  readonly asOf: string
  /** Share of eligible customers in the top cohort (default 0.10). */
  readonly topShare?: number
  /** Customers with less history (days since first purchase) are not ranked (default 365). */
  readonly minHistoryDays?: number
  /** The "first N days" window of early behaviour (default 30). */
  readonly earlyDays?: number
  /** Customers drawn per survey group (default 50). */
  readonly surveySize?: number
  /**
   * Customers who answered a survey in the days up to the as-of date are not drawn (default 90;
   * 0 draws everyone).
   */
  readonly surveyRestDays?: number
  readonly seed?: number
  /** SQL expression over the table's columns; default see {@link defaultValueExpression}. */
  readonly value?: string
  /** Lapsed best: top cohort "within the last N months" (default 6). */
  readonly lapsedMonths?: number
  /** Lapsed best: silence longer than k × own usual gap (default 3). */
  readonly lapsedGapFactor?: number
  /** Lapsed best: p_alive below this counts as lapsed when the column exists (default 0.3). */
  readonly pAliveThreshold?: number
  /** Minimum support of a path-to-best itemset, share of eligible customers (default 0.002). */
  readonly minSupport?: number
  /** Minimum customers behind an itemset, path or attribute level (default 20). */
  readonly minCount?: number
  /** Rising stars listed in insights.json (default 25; the CSV holds up to 1000). */
  readonly listSize?: number
}

export type ResolvedOptions = Required<Omit<InsightsOptions, 'value'>> & { readonly value: string }

export interface InsightsContext {
  readonly engine: Engine
  readonly opts: ResolvedOptions
  /** Lower-cased column names per table, for the tables probed. */
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>
  /** The workspace table behind each optional input present (surveys -> survey_responses). */
  readonly tables: ReadonlyMap<string, string>
  readonly notes: string[]
  /** Some order of the table carries an amount (false: a transaction log without spend). */
  readonly priced: boolean
}

export const DEFAULTS = {
  table: 'customer_analysis',
  topShare: 0.1,
  minHistoryDays: 365,
  earlyDays: 30,
  surveySize: 50,
  surveyRestDays: 90,
  seed: 1,
  lapsedMonths: 6,
  lapsedGapFactor: 3,
  pAliveThreshold: 0.3,
  minSupport: 0.002,
  minCount: 20,
  listSize: 25,
} as const

/**
 * The value that ranks customers: `total_value` when the table has it (whole customer value),
 * else `revenue + coalesce(predicted_value, 0)` when a model added predictions, else `revenue`.
 */
export function defaultValueExpression(columns: ReadonlySet<string>): string {
  if (columns.has('total_value')) return 'total_value'
  if (columns.has('predicted_value')) return 'revenue + coalesce(predicted_value, 0)'
  return 'revenue'
}

/**
 * The functions a value expression may call: deterministic arithmetic on one customer's numbers.
 * Anything else named before a parenthesis (a subquery's SELECT, read_text(), random()) would
 * reach past the customer's own columns or change from run to run.
 */
export const VALUE_FUNCTIONS: ReadonlySet<string> = new Set([
  'abs',
  'ceil',
  'coalesce',
  'exp',
  'floor',
  'greatest',
  'least',
  'ln',
  'log',
  'log10',
  'log2',
  'nullif',
  'pow',
  'power',
  'round',
  'sign',
  'sqrt',
])

/** Aggregates: let through here for the probe (index.ts) to refuse in its own words. */
const AGGREGATES = new Set(['sum', 'avg', 'count', 'min', 'max', 'median', 'stddev', 'mean'])

/** Words that make a query, or a window over other customers, of an expression. */
const QUERY_WORDS = new Set(
  'select from where union intersect except join with values table group order limit having window over filter qualify using lateral exists in'.split(
    ' ',
  ),
)

const NUMBER = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/

/**
 * Check a user's value expression by reading it token by token as the engine would: numbers,
 * names, + - * / ( ) and commas only; a name before a parenthesis is one of
 * {@link VALUE_FUNCTIONS}, any other name is a column (of `columns`, when given). A scan of the
 * text for names was not enough: the engine also reads comments (`random/**\/()`), calls written
 * after a dot (`x.fn()`) and a keyword glued to a number (`1from`), through which an expression
 * could call any function and read any file.
 * @throws UsageError naming what is not allowed.
 */
export function checkValueExpression(sql: string, columns?: ReadonlySet<string>): string {
  const invalid = (why: string): never => {
    throw new UsageError(`invalid value expression ${JSON.stringify(sql)}: ${why}`)
  }
  if (sql.trim() === '') invalid('use column names, numbers, + - * / ( ) and functions')
  // '--' and '/*' open comments in SQL: `a - -b` and `a / *b` are written with a space
  // "--" is also a minus before a minus, so say how to write that; "/*" is only ever a comment
  if (sql.includes('--')) invalid('no comments (for a minus before a minus write "- -")')
  if (/\/\*|\*\//.test(sql)) invalid('no comments (/* ... */)')
  const known = columns ? new Set([...columns].map((c) => c.toLowerCase())) : null
  let depth = 0
  let i = 0
  while (i < sql.length) {
    const rest = sql.slice(i)
    const ch = sql[i] as string
    if (/\s/.test(ch)) {
      i++
      continue
    }
    const num = NUMBER.exec(rest)
    if (num) {
      i += num[0].length
      // a name, a dot or a digit right after a number is not arithmetic (1from, 1.2.3, 10.x)
      if (/[A-Za-z0-9_.]/.test(sql[i] ?? '')) {
        invalid(`${JSON.stringify(rest.slice(0, num[0].length + 1))} is not a number`)
      }
      continue
    }
    const name = NAME.exec(rest)
    if (name) {
      i += name[0].length
      const word = name[0].toLowerCase()
      const call = /^\s*\(/.test(sql.slice(i))
      if (call) {
        if (!VALUE_FUNCTIONS.has(word) && !AGGREGATES.has(word)) {
          invalid(
            `${name[0]}() is not one of the functions allowed (${[...VALUE_FUNCTIONS].join(', ')})`,
          )
        }
      } else if (QUERY_WORDS.has(word)) {
        // a query word is most often a column's name mistyped (order for orders): say so first
        const near = known ? [...known].filter((c) => c.startsWith(word)) : []
        invalid(
          `${name[0]} is not a column of the customers${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''}, and as a word of SQL it would make a query of it: a value is computed from one customer's columns${known ? ` (columns: ${columnList(columns!)})` : ''}`,
        )
      } else if (known && !known.has(word)) {
        invalid(`${name[0]} is not a column of the customers (columns: ${columnList(columns!)})`)
      }
      continue
    }
    if ('+-*/,'.includes(ch)) {
      i++
      continue
    }
    if (ch === '(' || ch === ')') {
      depth += ch === '(' ? 1 : -1
      if (depth < 0) invalid('a ) closes no (')
      i++
      continue
    }
    invalid(
      `${JSON.stringify(ch)} is not allowed: use column names, numbers, + - * / ( ) and functions`,
    )
  }
  if (depth !== 0) invalid('a ( is not closed')
  return sql
}

/** Numbers of a list column (the adapter may hand BIGINTs as strings). */
export function ints(v: unknown): Int32Array {
  const a = (v ?? []) as ArrayLike<unknown>
  const out = new Int32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i])
  return out
}

export function doubles(v: unknown): Float64Array {
  const a = (v ?? []) as ArrayLike<unknown>
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i])
  return out
}

/** Expand grouped (value, n) rows into one typed array holding each value n times. */
export function expandCounts(
  rows: readonly Row[],
  value: string,
  count: string,
): { values: Float64Array; total: number } {
  let total = 0
  for (const r of rows) total += Number(r[count])
  const values = new Float64Array(total)
  let o = 0
  for (const r of rows) {
    const n = Number(r[count])
    values.fill(Number(r[value]), o, o + n)
    o += n
  }
  return { values, total }
}

/** A finite number or null (JSON has no NaN/Infinity). */
export const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null
  const n = Number(v)
  return Number.isFinite(n) ? n : null
}

/** The workspace table holding an optional input (call after {@link has} said it is there). */
export const tableOf = (ctx: InsightsContext, name: string): string => ctx.tables.get(name) ?? name

export const has = (ctx: InsightsContext, table: string, ...cols: string[]): boolean => {
  const c = ctx.columns.get(table)
  return c !== undefined && cols.every((x) => c.has(x))
}

/**
 * The column that dates an optional input's rows by day: `<what>_date`, the local day the import
 * stored (as orders' order_date), else the instant `<what>_at` of a table made otherwise, else null.
 * @example dayColumn(ctx, 'tickets', 'opened') // 'opened_date'
 */
export const dayColumn = (ctx: InsightsContext, table: string, what: string): string | null =>
  has(ctx, table, `${what}_date`)
    ? `${what}_date`
    : has(ctx, table, `${what}_at`)
      ? `${what}_at`
      : null

/**
 * The per-customer table's columns as a user names them, sorted: read in lower case, but the
 * column is T in customers.csv and the docs (an expression may name it either way).
 */
export function columnList(columns: Iterable<string>): string {
  return [...columns]
    .map((c) => (c === 't' ? 'T' : c))
    .sort((a, b) => a.localeCompare(b))
    .join(', ')
}
