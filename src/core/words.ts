// Words as a sentence says them, for the notes and reasons written in plain English.
import { roundHalfAway } from './round.ts'

/**
 * Words as a list in a sentence: "A", "A and B", "A, B and C" (or "A, B or C").
 * @example wordList(['Platinum', 'Silver']) // 'Platinum and Silver'
 */
export function wordList(words: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`
}

/**
 * How long ago something happened, in whole days as a sentence says it: "today" under half a day
 * (the service's days are fractional: an order 20 minutes ago was today, not "0 days ago"), then
 * "1 day ago", "2 days ago" and so on.
 * @example daysAgo(0) // 'today'; daysAgo(1) // '1 day ago'; daysAgo(1234) // '1,234 days ago'
 */
export function daysAgo(days: number): string {
  if (days < 0.5) return 'today'
  const n = Math.round(days)
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'day' : 'days'} ago`
}

/**
 * The decimals at which two figures one sentence compares read as it says: `low` below `high`
 * ("is below the minimum", "costs exceed the margin"). Rounding can make them read the same
 * ("€315 is below the Silver minimum of €315"), so when they do, the next try is `minor` decimals
 * (the cents), then one more at a time, up to four more, until they read apart. A `difference`
 * said beside them (passed as high - low; said as it or its negative, "profit -€1") must read as
 * the shown high minus the shown low, so its sign and size agree with the figures. Returns `decimals` when the
 * figures already read apart there, and null when no decimals make them read as the sentence
 * says (a figure rounded before it came here can sit on the other side).
 * @example decimalsApart(314.53, 314.586853, 0, 2) // 2: '314.53' below '314.59'
 * @example decimalsApart(4.74, 5.49, 0, 2, 0.75) // 2: '4.74' below '5.49', difference '0.75'
 */
export function decimalsApart(
  low: number,
  high: number,
  decimals: number,
  minor: number,
  difference?: number,
): number | null {
  const last = Math.max(decimals, minor) + 4
  for (let d = decimals; d <= last; d = d < minor ? minor : d + 1) {
    const l = roundHalfAway(low, d)
    const h = roundHalfAway(high, d)
    if (!(l < h)) continue
    // the shown difference is the difference of the shown figures, to within float noise
    if (difference !== undefined && Math.abs(roundHalfAway(difference, d) - (h - l)) > 10 ** -d / 2)
      continue
    return d
  }
  return null
}

/**
 * The fewest decimals, from `decimals` up to `max`, that show `v` as it is (a configured line such
 * as a tier minimum of 199.995, which two decimals show as 200.00, a line it is not); `max` when
 * none does.
 * @example exactDecimals(199.995, 0, 6) // 3; exactDecimals(200, 0, 6) // 0
 */
export function exactDecimals(v: number, decimals: number, max: number): number {
  for (let d = decimals; d < max; d++) {
    if (Math.abs(roundHalfAway(v, d) - v) <= Math.abs(v) * 1e-12) return d
  }
  return max
}

/**
 * `arg` as one word of a POSIX shell command the user may paste: as it is when it holds only
 * characters no shell reads specially, else in single quotes (a quote inside as '\''). A path
 * with a space, printed bare in a suggested command, split into two arguments.
 * @example shellArg('/tmp/w.duckdb') // /tmp/w.duckdb; shellArg('/tmp/my ws.duckdb') // '/tmp/my ws.duckdb'
 */
export function shellArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replaceAll("'", "'\\''")}'`
}

/**
 * The candidates a mistyped word most likely meant, for a "did you mean" after an unknown name:
 * those at the fewest single-character edits (insert, delete, replace, or two neighbours
 * swapped), case and separators (_ - / space) aside, when that is at most a third of the word's
 * length (at least 1); at most three, in the candidates' order. A word no candidate is near gets
 * no guess rather than a wrong one.
 * @example closestWords('Europe/Berln', ['Europe/Berlin', 'Europe/Paris']) // ['Europe/Berlin']
 * @example closestWords('weeks', ['day', 'week', 'month']) // ['week']
 */
export function closestWords(word: string, candidates: readonly string[]): string[] {
  const fold = (s: string): string => s.toLowerCase().replace(/[_\-/ ]+/g, ' ')
  const w = fold(word)
  const limit = Math.max(1, Math.floor(w.length / 3))
  let best: string[] = []
  let bestD = limit + 1
  for (const c of candidates) {
    const d = editDistance(w, fold(c), Math.min(limit, bestD))
    if (d < bestD) {
      best = [c]
      bestD = d
    } else if (d === bestD && d <= limit) {
      best.push(c)
    }
  }
  return best.slice(0, 3)
}

/** "A", "A or B", "A, B or C": the guesses of {@link closestWords} as a question says them. */
export const orList = (words: readonly string[]): string => wordList(words, 'or')

/**
 * Optimal string alignment distance of `a` and `b` (Levenshtein plus a swap of neighbours),
 * stopping at `cap` + 1 once every path is past it: the candidates are the ~600 IANA zones.
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1
  let prev2 = new Array<number>(b.length + 1).fill(0)
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1)
    cur[0] = i
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1)
      }
      cur[j] = d
      if (d < rowMin) rowMin = d
    }
    if (rowMin > cap) return cap + 1
    prev2 = prev
    prev = cur
  }
  return prev[b.length]!
}
