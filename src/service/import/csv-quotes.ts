// Whether a CSV holds a quote that is never closed, from its first bytes. Read with `"` as the
// quote, such a value runs on to the end of the file and takes every line after it as its own:
// the importer then reads the file without quoting, where the check of unclosed ids names it.

/**
 * Whether `text` (a CSV's head, split by `delim`) ends inside a quoted value that has run on over
 * more than `maxBreaks` line breaks. A quote opens a value only at the start of a field; `""`
 * inside one is a quote; what follows a closing quote up to the next delimiter is no quoting.
 * @example quoteRunsOn('a,b\n1,"x\n2,y\n3,z\n', ',') // true
 * @example quoteRunsOn('a,b\n1,"x\ny"\n2,"12" pipe"\n', ',') // false
 */
export function quoteRunsOn(text: string, delim: string, maxBreaks = 1): boolean {
  let quoted = false
  let fieldStart = true
  let breaks = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++
        else quoted = false
      } else if (ch === '\n') breaks++
    } else if (ch === '\n' || ch === delim) fieldStart = true
    else if (ch === '"' && fieldStart) {
      quoted = true
      breaks = 0
      fieldStart = false
    } else if (ch !== '\r') fieldStart = false
  }
  return quoted && breaks > maxBreaks
}

/**
 * The fields of one CSV line split by `delim` with `"` as the quote, by the rules of
 * {@link quoteRunsOn}: a quote opens a value only at the start of a field, `""` inside one is a
 * quote, and what follows a closing quote up to the next delimiter is kept as written. For a
 * header the sniffer could not split (a ragged row threw it off): `"Total, USD"` is one name.
 * @example splitCsvLine('id,"Total, USD",x', ',') // ['id', 'Total, USD', 'x']
 */
export function splitCsvLine(line: string, delim: string): string[] {
  const fields: string[] = []
  let cur = ''
  let quoted = false
  let fieldStart = true
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch !== '"') cur += ch
      else if (line[i + 1] === '"') {
        cur += '"'
        i++
      } else quoted = false
    } else if (ch === delim) {
      fields.push(cur)
      cur = ''
      fieldStart = true
    } else if (ch === '"' && fieldStart) {
      quoted = true
      fieldStart = false
    } else {
      cur += ch
      fieldStart = false
    }
  }
  fields.push(cur)
  return fields
}
