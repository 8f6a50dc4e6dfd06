// A message needs somewhere to go. The email channel's address is the one Loyals holds (the
// profile's email), so an email to a customer without one cannot be delivered: it is suppressed
// with reason `no_email` rather than handed to the webhook with "email": null and logged as sent.
// Other channels' addresses (phone, device) live with the receiver, which Loyals cannot check.

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
