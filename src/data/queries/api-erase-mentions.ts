// An erased customer named in other customers' rows (the referred id of a referral, an email in a
// free-text field: a note in an event, a survey comment, a return reason, a referral code, what
// staff wrote after a call or why they cancelled it, a product name on an order line) is named by
// the pseudonym there: one UPDATE per mention and column, over the rows that contain it (a LIKE
// first, so the regular expression runs on those rows only).
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
 * An email as a whole address in text: not inside a longer one (`xa@b.com`, `a@b.com.au`,
 * `a@b.comx`), where a sentence's full stop after it still ends it. The characters around it are
 * captured and put back (`\1`, `\2`): DuckDB's RE2 has no lookaround. A character between two
 * mentions is taken by the first match, so the UPDATE runs twice (see eraseMentions).
 */
const wholeEmail = (email: string): string =>
  `(^|[^a-z0-9._%+-])${regexEscape(email)}($|[^a-z0-9_.-]|\\.$|\\.[^a-z0-9_-])`

export function eraseMentions(_dialect: Dialect, mentions: readonly Mention[], pseudonym: string) {
  return mentions.flatMap((m): Query[] => {
    // payloads are JSON.stringify of the call: a whole value is the id's JSON text, quotes and all
    const text = m.anywhere ? m.text : JSON.stringify(m.text)
    const inPayloads: Query = {
      sql: `UPDATE events SET payload = regexp_replace(payload, $1, $2, $3)
WHERE payload ${m.anywhere ? 'ILIKE' : 'LIKE'} $4 ESCAPE '\\'`,
      params: m.anywhere
        ? [wholeEmail(text), `\\1${pseudonym}\\2`, 'gi', `%${likeEscape(text)}%`]
        : [regexEscape(text), JSON.stringify(pseudonym), 'g', `%${likeEscape(text)}%`],
    }
    // another id names the customer in free text only as a referral code that is the id: a
    // comment, a reason or a product name "42" is no mention of customer 42
    const inText = m.anywhere
      ? FREE_TEXT.map(
          ([table, column]): Query => ({
            sql: `UPDATE ${table} SET ${column} = regexp_replace(${column}, $1, $2, 'gi')
WHERE ${column} ILIKE $3 ESCAPE '\\'`,
            params: [wholeEmail(m.text), `\\1${pseudonym}\\2`, `%${likeEscape(m.text)}%`],
          }),
        )
      : [{ sql: 'UPDATE referrals SET code = $2 WHERE code = $1', params: [m.text, pseudonym] }]
    // twice for an email: two mentions one character apart ("a@b.com,a@b.com") need two passes
    return m.anywhere ? [inPayloads, ...inText, inPayloads, ...inText] : [inPayloads, ...inText]
  })
}
