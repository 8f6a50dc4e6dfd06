// Engagement events (email opens and clicks, site visits, reviews, social shares, promo
// redemptions). Event names are folded ("Email Open", "email-open" -> email_open) and anything
// else is a bad row, so a typo never silently weighs nothing in the engagement score.
import { ENGAGEMENT_EVENT_TYPES } from '../../../core/value/config.ts'
import { lit } from '../../../data/queries/import-stage.ts'
import { CUSTOMER_SYNONYMS, column, contentOf, type ExtraKindSpec, kf } from './common.ts'

/** The canonical event type of a text expression, or NULL when it is not one of the six. */
export function eventTypeSql(expr: string): string {
  const folded = `trim(regexp_replace(lower(${expr}), '[^a-z0-9]+', '_', 'g'), '_')`
  const known = ENGAGEMENT_EVENT_TYPES.map(lit).join(', ')
  return `CASE WHEN ${folded} IN (${known}) THEN ${folded} END`
}

export const ENGAGEMENT: ExtraKindSpec = {
  kind: 'engagement',
  noun: 'engagement events',
  table: 'engagement_events',
  key: 'event_key',
  columns: ['event_key', 'customer_id', 'occurred_at', 'event', 'source', 'source_line'],
  fields: [
    kf('customer_id', true, CUSTOMER_SYNONYMS),
    kf('occurred_at', true, [
      'occurred',
      'event time',
      'event date',
      'time',
      'timestamp',
      'date',
      'created at',
      'at',
    ]),
    kf('event', true, ['event type', 'type', 'event name', 'action', 'activity', 'kind']),
  ],
  typed(c) {
    return {
      fields: [
        column(c, 'customer_id', 'text', true),
        column(c, 'occurred_at', 'date', true),
        column(c, 'event', 'text', true),
      ],
      from: 'import_raw x',
      checks: [
        {
          field: 'event',
          bad: `event IS NOT NULL AND ${eventTypeSql('event')} IS NULL`,
          reason: `'unknown event ''' || event || ''': use one of ${ENGAGEMENT_EVENT_TYPES.join(', ')}'`,
        },
      ],
    }
  },
  rows: () => ({
    key: 'event_key',
    id: null,
    content: contentOf('customer_id', 'occurred_at', 'event'),
    columns: [
      ['customer_id', 'customer_id'],
      ['occurred_at', 'occurred_at'],
      ['event', eventTypeSql('event')],
    ],
  }),
}
