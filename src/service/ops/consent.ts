// What a customer agreed to hear. An email opt-out (`unsubscribed`) holds back the non-essential
// departments' messages (recognition and marketing) on the email channel; a marketing consent
// withdrawn (`marketingConsent: false`) holds them back on every channel. Service messages (an
// order problem, a support reply) are not promotion and still go, as staff tasks do. A consent
// never given either way (null) holds nothing back: the store's default before it was kept.
import type { Department } from '../../core/ops/config.ts'

/** The departments whose messages a customer may refuse: not `service`. */
export const NON_ESSENTIAL: ReadonlySet<string> = new Set<Department>(['recognition', 'marketing'])

/** A customer's consent as the profile keeps it. */
export interface Consent {
  /** When they opted out of email; null: not opted out. */
  readonly unsubscribedAtMs: number | null
  /** Consent to marketing messages; null: never said. */
  readonly marketingConsent: boolean | null
  /** The imported customers file's consent, where they said nothing through the API. */
  readonly importedConsent?: boolean | null
}

/**
 * Why the customer does not want an action, or null when nothing they said holds it back: a
 * recognition or marketing message on the email channel after an email opt-out (`unsubscribed`,
 * checked first: the more specific), or on any channel without marketing consent
 * (`no_consent`). Staff tasks and service messages are never held back.
 * @example withoutConsent({kind: 'webhook', channel: 'sms', department: 'marketing'},
 *   {unsubscribedAtMs: null, marketingConsent: false}) // {reason: 'no_consent', ...}
 */
export function withoutConsent(
  action: { readonly kind: unknown; readonly channel: unknown; readonly department: unknown },
  consent: Consent | undefined,
): { reason: string; detail: string } | null {
  if (!consent || action.kind !== 'webhook' || !NON_ESSENTIAL.has(String(action.department))) {
    return null
  }
  if (action.channel === 'email' && consent.unsubscribedAtMs !== null) {
    return {
      reason: 'unsubscribed',
      detail: `the customer unsubscribed from email at ${new Date(consent.unsubscribedAtMs).toISOString()}`,
    }
  }
  if (consent.marketingConsent === false) {
    return {
      reason: 'no_consent',
      detail: 'the customer does not consent to marketing (recognition and marketing messages)',
    }
  }
  if (consent.marketingConsent === null && consent.importedConsent === false) {
    return {
      reason: 'no_consent',
      detail:
        'the imported customers file says the customer does not accept marketing (recognition and marketing messages)',
    }
  }
  return null
}
