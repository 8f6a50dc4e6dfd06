// Where a value sits in a JSON text: a configuration problem found by its schema has a path
// (rules[0].F) but no line, and a hand-written file is fixed in an editor, by line. A scan of the
// text as written (already parsed, so valid JSON), no second parser.

/** One step of a path: an object's key or a list's 0-based index. */
export type JsonPathStep = string | number

const SPACE = /\s/

/** Characters that may open a value (a number's sign or digit, a literal's first letter). */
const opensValue = (c: string): boolean =>
  c === '{' || c === '[' || c === '"' || c === '-' || (c >= '0' && c <= '9') || /[tfn]/.test(c)

/**
 * The 1-based line of `path` in `text`: the line of its key for an object member, of its first
 * character for a list item; where the path goes past what the text holds (a key left out), the
 * line of its deepest part that is there; the first line of the value for an empty path.
 * @example jsonPathLine('{\n "a": [1,\n  2]\n}', ['a', 1]) // 3
 */
export function jsonPathLine(text: string, path: readonly JsonPathStep[]): number {
  // one entry per open container: a list counts its items, an object names its current key
  const open: { list: boolean; at: JsonPathStep | null }[] = []
  let line = 1
  let best = 0
  let bestLine = 1
  // how many leading steps of the path the containers open now match
  const matched = (): number => {
    let k = 0
    while (k < open.length && k < path.length && open[k]?.at === path[k]) k++
    return k
  }
  const reached = (): boolean => {
    const k = matched()
    if (k === open.length && k > best) {
      best = k
      bestLine = line
    }
    return k === path.length && k === open.length
  }
  let started = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\n') {
      line++
      continue
    }
    if (SPACE.test(c) || c === ':') continue
    if (!started) {
      started = true
      bestLine = line
      if (path.length === 0) return line
    }
    const top = open[open.length - 1]
    if (top?.list && opensValue(c) && reached()) return line
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      let k = j + 1
      while (k < text.length && SPACE.test(text[k] as string)) k++
      if (top && !top.list && text[k] === ':') {
        top.at = JSON.parse(text.slice(i, j + 1)) as string
        if (reached()) return line
      }
      i = j
    } else if (c === '{' || c === '[') {
      open.push({ list: c === '[', at: c === '[' ? 0 : null })
    } else if (c === '}' || c === ']') {
      open.pop()
    } else if (c === ',') {
      if (top?.list) top.at = (top.at as number) + 1
    } else {
      // the rest of a number or a literal
      while (i + 1 < text.length && /[^\s,\]}]/.test(text[i + 1] as string)) i++
    }
  }
  return bestLine
}

/** A schema's problem (zod's issue, in the part used here). */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[]
  readonly code: string
  readonly keys?: readonly string[]
}

/**
 * The path of a schema's problem as steps of the text: a key the schema does not know is named
 * by its own step (zod gives the object holding it).
 */
export function issueSteps(issue: SchemaIssue): JsonPathStep[] {
  const steps = issue.path.filter((p): p is JsonPathStep => typeof p !== 'symbol')
  const key = issue.code === 'unrecognized_keys' ? issue.keys?.[0] : undefined
  return key === undefined ? steps : [...steps, key]
}

/** A path as text: `rules[0].F`, `(root)` for none. */
export function pathText(path: readonly PropertyKey[]): string {
  let s = ''
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p)
  return s || '(root)'
}
