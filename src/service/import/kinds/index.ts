// The secondary import kinds, by name. Adding a kind = one file + one line here + its table.
import type { ExtraKindSpec, KindName } from './common.ts'
import { ENGAGEMENT } from './engagement.ts'
import { REFERRALS } from './referrals.ts'
import { RETURNS } from './returns.ts'
import { SURVEYS } from './surveys.ts'
import { TICKETS } from './tickets.ts'

export type { ExtraKindSpec, KindField, KindName } from './common.ts'

export const EXTRA_KINDS: Readonly<Record<KindName, ExtraKindSpec>> = {
  referrals: REFERRALS,
  engagement: ENGAGEMENT,
  tickets: TICKETS,
  returns: RETURNS,
  surveys: SURVEYS,
}

export const EXTRA_KIND_NAMES = Object.keys(EXTRA_KINDS) as KindName[]

/** The spec of a secondary kind, or undefined for orders, order lines and customers. */
export function extraKind(kind: string): ExtraKindSpec | undefined {
  return (EXTRA_KINDS as Record<string, ExtraKindSpec>)[kind]
}
