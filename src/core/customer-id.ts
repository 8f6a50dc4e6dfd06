// The one spelling of a customer id: the rule the importer applies in SQL (wholeId in
// service/import/validate.ts), for an id a user types.

/**
 * An id that is an email address: something@domain.tld without spaces. Only such an id is folded
 * to lower case: another id with an @ (a spreadsheet's `@SUM(A1)`, a shop's `Store@1`) keeps its
 * case, since `Store@1` and `store@1` may be two customers. One pattern for JavaScript and for the
 * importer's SQL (RE2), written with what both read alike: a whole-text match, explicit ASCII
 * spaces (`\s` differs: JavaScript's includes Unicode spaces, RE2's does not).
 */
export const EMAIL_ID_PATTERN =
  '[^@ \\t\\n\\r\\f\\v]+@[^@ \\t\\n\\r\\f\\v]+[.][^@ \\t\\n\\r\\f\\v]+'

const EMAIL_ID = new RegExp(`^(?:${EMAIL_ID_PATTERN})$`)

/** Whether `id` is an email address ({@link EMAIL_ID_PATTERN}). */
export const isEmailId = (id: string): boolean => EMAIL_ID.test(id.trim())

const EDGE_SPACES = /^\p{Zs}+|\p{Zs}+$/gu

/**
 * `text` trimmed as the importer trims a field (the engine's trim): of Unicode space separators
 * (' ', no-break and ideographic spaces ...), not of tabs or line breaks, so an id sent to the
 * API is the id an import of the same text stores.
 */
export const trimSpaces = (text: string): string => text.replace(EDGE_SPACES, '')

/**
 * `id` as the importer stores it: trimmed of spaces; Excel's text formula ="007" as 007; a whole
 * number written with ".0" (".00") without it; an email
 * address ({@link EMAIL_ID_PATTERN}) in lower case; text beyond ASCII in Unicode normal form C.
 * @example normalizeCustomerId(' Ann@X.com ') // 'ann@x.com'; normalizeCustomerId('Store@1') // 'Store@1'
 */
export function normalizeCustomerId(id: string): string {
  // the importer's trim (the engine's): Unicode space separators, not tabs or line breaks
  const given = trimSpaces(id)
  // Excel's text formula ="007" (a spreadsheet keeping leading zeros) is the text inside it
  const t = /^="[^"]+"$/.test(given) ? given.slice(2, -1) : given
  if (/^[0-9]+\.0+$/.test(t)) return t.slice(0, t.indexOf('.'))
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, control characters included
  const nfc = /^[\x00-\x7f]*$/.test(t) ? t : t.normalize('NFC')
  return EMAIL_ID.test(t) ? nfc.toLowerCase() : nfc
}

/**
 * Look up an id a user typed: as given first (an id stored before the importer normalized ids
 * keeps its old spelling), then, when it differs, as the importer spells it. The first answer
 * `found` accepts wins; with neither, the answer for the id as given.
 */
export async function lookUpTyped<T>(
  typed: string,
  look: (id: string) => Promise<T>,
  found: (answer: T) => boolean,
): Promise<{ readonly id: string; readonly answer: T }> {
  const answer = await look(typed)
  const stored = normalizeCustomerId(typed)
  if (found(answer) || stored === typed) return { id: typed, answer }
  const other = await look(stored)
  return found(other) ? { id: stored, answer: other } : { id: typed, answer }
}
