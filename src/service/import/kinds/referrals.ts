// Referrals: who brought whom. One row per (referrer, referred) pair; the referral date decides
// which referral wins when a customer was referred twice (docs/value.md), so it is kept.
import { REFERRAL_COLUMNS, referralKeySql } from '../../../data/queries/value-input-columns.ts'
import { column, contentOf, type ExtraKindSpec, kf } from './common.ts'

export const REFERRALS: ExtraKindSpec = {
  kind: 'referrals',
  noun: 'referrals',
  table: 'referrals',
  key: 'referral_key',
  columns: [...REFERRAL_COLUMNS, 'source_line'],
  fields: [
    kf('referrer_id', true, [
      'referrer',
      'referrer id',
      'referrer customer id',
      'referrer email',
      'advocate email',
      'sender email',
      'referred by',
      'referring customer',
      'advocate',
      'advocate id',
      'ambassador',
      'sender',
    ]),
    kf('referred_id', true, [
      'referred',
      'referred id',
      'referred customer',
      'referred customer id',
      'referred email',
      'referral email',
      'referee email',
      'friend email',
      'invitee email',
      'referee',
      'referee id',
      'invitee',
      'friend',
      'new customer',
      'customer id',
      'customer',
    ]),
    kf('referred_at', false, [
      'referral date',
      'referred on',
      'date',
      'created at',
      'created',
      'time',
      'timestamp',
    ]),
    kf('code', false, ['referral code', 'code used', 'invite code', 'coupon', 'voucher']),
  ],
  typed(c) {
    const referrer = column(c, 'referrer_id', 'text', true)
    const referred = column(c, 'referred_id', 'text', true)
    return {
      fields: [
        referrer,
        referred,
        column(c, 'referred_at', 'date', false),
        column(c, 'code', 'text', false),
        {
          // one referral per pair: a repeat with other content is a conflict
          field: 'referral_pair',
          header: c.referred_id ?? null,
          // of the ids as stored (`123.0` is customer 123), so one pair has one key
          raw: referralKeySql(referrer.raw, referred.raw),
          type: 'text',
          required: false,
        },
      ],
      from: 'import_raw x',
      uniqueBy: { field: 'referral_pair', noun: 'referral' },
      // a self-referral (someone using their own code) is stored: the value step ignores and
      // counts it (docs/value.md), so one such row does not hold up a whole program's export
    }
  },
  rows: (day) => ({
    key: 'referral_key',
    id: 'referral_pair',
    content: contentOf('referral_pair'),
    columns: [
      ['referrer_id', 'referrer_id'],
      ['referred_id', 'referred_id'],
      ['referred_at', 'referred_at'],
      ['referred_date', day('referred_at')],
      ['code', 'code'],
    ],
  }),
}
