// An erased customer named in other customers' event payloads (the referred id of a referral, an
// email in a free-text field) is named by the pseudonym there: one UPDATE per mention, over the
// payloads that contain it (a LIKE first, so the regular expression runs on those rows only).
import type { Dialect, Query } from '../engine.ts'

/**
 * What to replace: `text` anywhere and in any case (an email address: distinctive wherever it
 * stands), or only where it is a whole JSON string value (another id: `c1` inside `c12` or a
 * sentence is no mention of customer c1).
 */
export interface Mention {
  readonly text: string
  readonly anywhere: boolean
}

const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, '\\$&')

export function eraseMentions(_dialect: Dialect, mentions: readonly Mention[], pseudonym: string) {
  return mentions.map((m): Query => {
    // payloads are JSON.stringify of the call: a whole value is the id's JSON text, quotes and all
    const text = m.anywhere ? m.text : JSON.stringify(m.text)
    return {
      sql: `UPDATE events SET payload = regexp_replace(payload, $1, $2, $3)
WHERE payload ${m.anywhere ? 'ILIKE' : 'LIKE'} $4 ESCAPE '\\'`,
      params: [
        regexEscape(text),
        m.anywhere ? pseudonym : JSON.stringify(pseudonym),
        m.anywhere ? 'gi' : 'g',
        `%${likeEscape(text)}%`,
      ],
    }
  })
}
