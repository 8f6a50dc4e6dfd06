// Rounding for display that agrees with the files: the engine writes money with round(x, 2).

/**
 * `n` rounded to `decimals` places the way the engine's round(x, d) writes the files: the binary
 * value times 10^d, rounded half away from zero. Intl alone rounds the shortest decimal text of
 * the double (280.275 -> 280.28), the engine the double itself (280.27499... -> 280.27): a total
 * would read one cent apart in a sentence and in customers.csv.
 * @example roundHalfAway(280.275, 2) // 280.27; roundHalfAway(-0.125, 2) // -0.13
 */
export function roundHalfAway(n: number, decimals: number): number {
  const scale = 10 ** decimals
  const r = Math.round(Math.abs(n) * scale) / scale
  return n < 0 ? -r : r
}
