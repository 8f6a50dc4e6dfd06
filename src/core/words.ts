// Words as a sentence says them, for the notes and reasons written in plain English.

/**
 * Words as a list in a sentence: "A", "A and B", "A, B and C".
 * @example wordList(['Platinum', 'Silver']) // 'Platinum and Silver'
 */
export function wordList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}
