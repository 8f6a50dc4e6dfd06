// The one spelling of a customer id: the rule the importer applies in SQL (wholeId in
// service/import/validate.ts), for an id a user types.

/**
 * `id` as the importer stores it: trimmed; a whole number written with ".0" without it; an email
 * address (any id with an @) in lower case; text beyond ASCII in Unicode normal form C.
 * @example normalizeCustomerId(' Ann@X.com ') // 'ann@x.com'; normalizeCustomerId('13085.0') // '13085'
 */
export function normalizeCustomerId(id: string): string {
  const t = id.trim()
  if (/^[0-9]+\.0$/.test(t)) return t.slice(0, -2)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, control characters included
  const nfc = /^[\x00-\x7f]*$/.test(t) ? t : t.normalize('NFC')
  return t.includes('@') ? nfc.toLowerCase() : nfc
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
