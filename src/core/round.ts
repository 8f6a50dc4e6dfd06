// Rounding for display that agrees with the files: the engine writes money with round(x, d), d the
// digits of the currency's minor unit.

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

/**
 * `n` rounded to `decimals` places as the decimal it stands for: a sum or product of amounts in
 * minor units (a referral value, 109 + 86 × 0.5 + 26.30 × 0.25 = 158.575) carries float dust in its
 * last bits (158.57499999999998), which {@link roundHalfAway} rounds down where the exact value is a
 * half and rounds up. A value in minor units within 1e-6 of a half is cut to 12 significant digits
 * first, which drops that dust (any amount below 1e9 in cents keeps every digit it has); then it
 * is rounded half away from zero. For money the engine did not compute: what it writes is rounded from this already.
 * @example roundDecimalHalfAway(158.57499999999998, 2) // 158.58; roundDecimalHalfAway(1.005, 2) // 1.01
 */
export function roundDecimalHalfAway(n: number, decimals: number): number {
  const scale = 10 ** decimals
  let units = Math.abs(n) * scale
  // only a value within float dust of a half needs the cut (toPrecision costs ~0.4 µs, and this
  // runs for every customer valued)
  const frac = units - Math.floor(units)
  if (Math.abs(frac - 0.5) < 1e-6) units = Number(units.toPrecision(12))
  const r = Math.round(units) / scale
  return n < 0 ? -r : r
}

/**
 * `parts` rounded to `decimals` places so that they add up to `total` rounded alike, as a table of
 * parts beside its total should: each part rounded on its own, then the few cents the total
 * differs by given one each to the parts that rounding moved furthest the other way (each shown
 * part stays within one unit of its exact value). When the difference is more units than there
 * are parts (the parts do not make up the total), the parts are only rounded. `round` rounds each
 * figure (default {@link roundHalfAway}; {@link roundDecimalHalfAway} for sums of minor units).
 * @example apportion([0.5, 0.5, 0.5], 1.5, 0) // [0, 1, 1]: 2, as round(1.5)
 */
export function apportion(
  parts: readonly number[],
  total: number,
  decimals: number,
  round: (n: number, decimals: number) => number = roundHalfAway,
): number[] {
  const scale = 10 ** decimals
  const shown = parts.map((p) => round(p, decimals))
  let diff = Math.round((round(total, decimals) - shown.reduce((a, b) => a + b, 0)) * scale)
  if (diff === 0 || Math.abs(diff) > parts.length) return shown
  const step = Math.sign(diff)
  // parts by how far rounding moved them against the needed direction, furthest first
  const order = parts
    .map((p, i) => ({ i, off: (p - (shown[i] as number)) * step }))
    .sort((a, b) => b.off - a.off || a.i - b.i)
  for (const { i } of order) {
    if (diff === 0) break
    shown[i] = round((shown[i] as number) + step / scale, decimals)
    diff -= step
  }
  return shown
}

/**
 * Digits of the currency's minor unit: 2 for cents, 3 for the dinars (KWD, BHD, ...), 0 for the
 * yen; 2 without a code or for one Intl does not know. Money in the value files and sentences is
 * rounded to it, so a KWD breakdown keeps its fils and a yen one adds up in whole yen.
 * @example minorDigits('EUR') // 2; minorDigits('KWD') // 3; minorDigits('JPY') // 0
 */
export function minorDigits(code: string | null | undefined): number {
  if (!code) return 2
  try {
    const o = new Intl.NumberFormat('en-US', { style: 'currency', currency: code })
    return o.resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/**
 * An amount in millionths, exactly: from the shortest decimal that reads back as the number (what
 * the client sent, to 15 digits) or the store's DECIMAL text, not from amount × 1e6 in doubles
 * (999999999999.99 × 1e6 is off by up to 64 millionths there).
 */
export function millionths(v: unknown): bigint {
  const text = typeof v === 'number' ? String(v) : String(v ?? 0).trim()
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (!m) return BigInt(Math.round(Number(text) * 1e6))
  const frac = (m[3] ?? '').padEnd(7, '0')
  // to the millionth, half away from zero
  const whole = BigInt(`${m[2] || '0'}${frac.slice(0, 6)}`) + (frac[6]! >= '5' ? 1n : 0n)
  return m[1] === '-' ? -whole : whole
}

/** A number of millionths as the shortest decimal text (10000n: "0.01"). */
export function fromMillionths(n: bigint): string {
  const sign = n < 0n ? '-' : ''
  const a = n < 0n ? -n : n
  const frac = (a % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '')
  return `${sign}${a / 1_000_000n}${frac ? `.${frac}` : ''}`
}
