// An erased customer named in other customers' rows (the referred id of a referral, an email in a
// free-text field: a note in an event, a survey comment, a return reason, a referral code, what
// staff wrote after a call or why they cancelled it, a product name on an order line) is named by
// the pseudonym there: one UPDATE per mention and column, over the rows that contain it (an id by
// a LIKE first, so the regular expression runs on those rows only; an email by its pattern).
import type { Dialect, Query } from '../engine.ts'

/**
 * What to replace: `text` anywhere and in any case (an email address: distinctive wherever it
 * stands), or only where it is a whole value (another id: `c1` inside `c12` or a sentence is no
 * mention of customer c1).
 */
export interface Mention {
  readonly text: string
  readonly anywhere: boolean
}

const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** `s` as a LIKE pattern's literal text (ESCAPE '\\'). */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, '\\$&')

/**
 * The columns of free text a person may write another customer's email into; the erased
 * customer's own rows lost theirs already (api-erase-customer.ts). Fixed names, never user input.
 */
const FREE_TEXT: readonly (readonly [table: string, column: string])[] = [
  ['survey_responses', 'comment'],
  ['returns', 'reason'],
  ['referrals', 'code'],
  ['tasks', 'outcome'],
  ['tasks', 'cancel_reason'],
  ['order_lines', 'product_name'],
]

/**
 * `s` as a regular expression that matches it in any case, letter by letter (`Jö` as `[jJ][öÖ]`):
 * PostgreSQL's case-insensitive matching (ILIKE, the `i` flag) folds case by the database's
 * LC_CTYPE, which under C is ASCII only, and an erased JÖRG@X.COM stayed in other rows there.
 * A letter whose other case is more than one character (ß, SS) keeps its own forms only.
 */
export function caseless(s: string): string {
  let out = ''
  for (const ch of s) {
    const forms = [...new Set([ch, ch.toLowerCase(), ch.toUpperCase()])].filter(
      (f) => [...f].length === 1,
    )
    out += forms.length > 1 ? `[${forms.join('')}]` : regexEscape(ch)
  }
  return out
}

/**
 * An email as a whole address in text, in any case (caseless): not inside a longer one
 * (`xa@b.com`, `a@b.com.au`, `a@b.comx`), where a sentence's full stop after it still ends it.
 * The characters around it are captured and put back (`\1`, `\2`): DuckDB's RE2 has no
 * lookaround. A character between two mentions is taken by the first match, so the UPDATE runs
 * twice (see eraseMentions).
 */
const wholeEmail = (email: string): string =>
  `(^|[^a-zA-Z0-9._%+-])${caseless(email)}($|[^a-zA-Z0-9_.-]|\\.$|\\.[^a-zA-Z0-9_-])`

/** SQL: `column` matches the regular expression parameter `param`, on either engine. */
export const matches = (d: Dialect, column: string, param: string): string =>
  d === 'postgres' ? `${column} ~ ${param}` : `regexp_matches(${column}, ${param})`

export function eraseMentions(dialect: Dialect, mentions: readonly Mention[], pseudonym: string) {
  return mentions.flatMap((m): Query[] => {
    // payloads are JSON.stringify of the call: a whole value is the id's JSON text, quotes and all
    // (an email is matched in any case by its pattern, not by ILIKE: see caseless)
    const text = m.anywhere ? m.text : JSON.stringify(m.text)
    const inPayloads: Query = m.anywhere
      ? {
          sql: `UPDATE events SET payload = regexp_replace(payload, $1, $2, 'g')
WHERE ${matches(dialect, 'payload', '$1')}`,
          params: [wholeEmail(text), `\\1${pseudonym}\\2`],
        }
      : {
          sql: `UPDATE events SET payload = regexp_replace(payload, $1, $2, 'g')
WHERE payload LIKE $3 ESCAPE '\\'`,
          params: [regexEscape(text), JSON.stringify(pseudonym), `%${likeEscape(text)}%`],
        }
    // another id names the customer in free text only as a referral code that is the id: a
    // comment, a reason or a product name "42" is no mention of customer 42
    const inText = m.anywhere
      ? FREE_TEXT.map(
          ([table, column]): Query => ({
            sql: `UPDATE ${table} SET ${column} = regexp_replace(${column}, $1, $2, 'g')
WHERE ${matches(dialect, column, '$1')}`,
            params: [wholeEmail(m.text), `\\1${pseudonym}\\2`],
          }),
        )
      : [{ sql: 'UPDATE referrals SET code = $2 WHERE code = $1', params: [m.text, pseudonym] }]
    // twice for an email: two mentions one character apart ("a@b.com,a@b.com") need two passes
    return m.anywhere ? [inPayloads, ...inText, inPayloads, ...inText] : [inPayloads, ...inText]
  })
}
