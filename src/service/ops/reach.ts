// A message needs somewhere to go. The email channel's address is the one Loyals holds (the
// profile's email), so an email to a customer without one cannot be delivered: it is suppressed
// with reason `no_email` rather than handed to the webhook with "email": null and logged as sent.
// Other channels' addresses (phone, device) live with the receiver, which Loyals cannot check.
// Before the address, what the customer agreed to hear (consent.ts): a message they refused is
// held back whether or not it could reach them.
import { type Consent, withoutConsent } from './consent.ts'

/** The audit log's reason and detail for an email action to a customer without an address. */
export const NO_EMAIL = { reason: 'no_email', detail: 'the customer has no email address' } as const

/**
 * Whether an action of `kind` on `channel` has no address to go to: a message on the email
 * channel for a customer whose email is missing or blank. Staff tasks always have somewhere to go.
 */
export function lacksAddress(
  action: { readonly kind: unknown; readonly channel: unknown },
  email: string | null | undefined,
): boolean {
  return action.kind === 'webhook' && action.channel === 'email' && (email ?? '').trim() === ''
}

/**
 * Why an action cannot go to its customer, or null when it can: what they refused
 * (`unsubscribed`, `no_consent`: consent.ts), else an email without an address (`no_email`).
 * Decided before the contact budget and again when a held action is due, so a message that
 * cannot go takes no slot.
 */
export function heldBack(
  action: { readonly kind: unknown; readonly channel: unknown; readonly department: unknown },
  to: (Consent & { readonly email: string | null }) | undefined,
): { reason: string; detail: string } | null {
  return withoutConsent(action, to) ?? (lacksAddress(action, to?.email) ? { ...NO_EMAIL } : null)
}
