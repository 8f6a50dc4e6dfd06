// Words as a sentence says them, for the notes and reasons written in plain English.

/**
 * Words as a list in a sentence: "A", "A and B", "A, B and C".
 * @example wordList(['Platinum', 'Silver']) // 'Platinum and Silver'
 */
export function wordList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
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
