// Hashed emails for ad-platform audiences (Meta Custom Audiences, Google Customer Match). SHA-256 is
// implemented in pure TypeScript (sha256.ts) so this stays in the I/O-free core and the same hash
// serves holdout assignment; the platforms' rule is trim + lowercase, then SHA-256 as lowercase hex.
import { sha256Hex } from './sha256.ts'

export interface EmailNormalization {
  /**
   * 'keep' (default): Gmail dots stay, as Meta and Google Ads Customer Match expect (trim and
   * lowercase only). 'remove' drops dots before @gmail.com / @googlemail.com, which Campaign
   * Manager 360 asks for. Hashes made with one setting never match the other.
   */
  readonly gmailDots?: 'keep' | 'remove'
}

/**
 * Normalize an email address for matching: trim surrounding whitespace and lowercase. Returns null
 * for anything that is not `local@domain` with one `@`, non-empty parts and no inner whitespace,
 * so an export can skip it rather than upload the hash of garbage.
 * @example normalizeEmail('  Jane.Doe@GMail.com ') // 'jane.doe@gmail.com'
 */
export function normalizeEmail(
  raw: string | null | undefined,
  options: EmailNormalization = {},
): string | null {
  if (raw === null || raw === undefined) return null
  const e = raw.trim().toLowerCase()
  const at = e.indexOf('@')
  if (at <= 0 || at !== e.lastIndexOf('@') || at === e.length - 1 || /\s/.test(e)) return null
  if (options.gmailDots === 'remove') {
    const domain = e.slice(at + 1)
    if (domain === 'gmail.com' || domain === 'googlemail.com') {
      return `${e.slice(0, at).replaceAll('.', '')}@${domain}`
    }
  }
  return e
}

/**
 * SHA-256 (lowercase hex) of the normalized email, or null when the address is not usable.
 * @example hashEmail(' Test@Example.com') === sha256Hex('test@example.com') // true
 */
export function hashEmail(
  raw: string | null | undefined,
  options: EmailNormalization = {},
): string | null {
  const e = normalizeEmail(raw, options)
  return e === null ? null : sha256Hex(e)
}
