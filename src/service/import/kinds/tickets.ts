// Support tickets: the handling minutes price a customer's cost to serve; satisfaction (CSAT 1-5)
// is kept for the profile. A ticket id is required: support desks always have one.

import { MAX_TICKET_MINUTES, TICKET_COLUMNS } from '../../../data/queries/value-input-columns.ts'
import type { FieldDef } from '../validate.ts'
import { CUSTOMER_SYNONYMS, check, column, type ExtraKindSpec, kf } from './common.ts'

/** Help-desk rating words (matched ignoring case) and what each reads as on the 1-5 scale. */
const SATISFIED = ['good', 'good with comment', 'satisfied', 'positive', 'happy']
const DISSATISFIED = [
  'bad',
  'bad with comment',
  'dissatisfied',
  'unsatisfied',
  'negative',
  'unhappy',
]
const NOT_RATED = ['offered', 'unoffered', 'not offered', 'none', 'n/a']

const capital = (w: string): string =>
  w === 'n/a' ? 'N/A' : w.charAt(0).toUpperCase() + w.slice(1)
const words = (ws: readonly string[]): string => ws.map(capital).join(', ')
const sqlList = (ws: readonly string[]): string => ws.map((w) => `'${w}'`).join(', ')

/**
 * What a satisfaction value may be, for the "cannot read 'Great' as ..." message: a bad value
 * is more often an unknown word than a typo'd number, so the words are listed.
 */
export const SATISFACTION_ACCEPTS =
  `a satisfaction score: a number from 1 to 5, or ${words(SATISFIED)} (read as 5), ` +
  `${words(DISSATISFIED)} (read as 1), ${words(NOT_RATED)} (no rating)`

/**
 * Help desks rate a ticket Good or Bad (Zendesk: "Good", "Bad with comment", "Offered" when the
 * survey went unanswered): on the 1-5 scale, satisfied is 5 and dissatisfied 1, and a survey
 * offered but not answered is no rating. Any other text fails, naming what is accepted.
 */
function satisfactionColumn(c: Readonly<Record<string, string>>): FieldDef {
  const def = column(c, 'satisfaction', 'number', false, SATISFACTION_ACCEPTS)
  if (def.header === null) return def
  const v = `lower(${def.raw})`
  return {
    ...def,
    raw: `CASE
  WHEN ${v} IN (${sqlList(SATISFIED)}) THEN '5'
  WHEN ${v} IN (${sqlList(DISSATISFIED)}) THEN '1'
  WHEN ${v} IN (${sqlList(NOT_RATED)}) THEN NULL
  ELSE ${def.raw} END`,
  }
}

/**
 * Handling minutes as a number, or as a duration written hh:mm or hh:mm:ss (Freshdesk's Time
 * tracked `01:30`, 90 minutes): read as its minutes, the value as written quoted in problems.
 */
function minutesColumn(c: Readonly<Record<string, string>>): FieldDef {
  const def = column(c, 'handling_minutes', 'number', false, 'a number of minutes')
  if (def.header === null) return def
  const part = (i: number) => `CAST(string_split(${def.raw}, ':')[${i}] AS DOUBLE)`
  return {
    ...def,
    raw: `CASE WHEN regexp_full_match(${def.raw}, '[0-9]+:[0-5][0-9](:[0-5][0-9])?')
  THEN CAST(${part(1)} * 60 + ${part(2)} + coalesce(${part(3)}, 0) / 60 AS VARCHAR)
  ELSE ${def.raw} END`,
    shown: def.raw,
  }
}

/**
 * The ticket's customer: Zendesk exports its Requester external id column whether or not the shop
 * syncs its ids, empty on the tickets of requesters it never got one for; on those rows the
 * Requester email is the customer, as it is for a whole file without external ids.
 */
function requesterColumn(c: Readonly<Record<string, string>>): FieldDef {
  const def = column(c, 'customer_id', 'text', true)
  const email = column(c, 'requester_email', 'text', false)
  if (def.header === null || email.header === null) return def
  return { ...def, raw: `coalesce(${def.raw}, ${email.raw})` }
}

/** resolved_at, with the closed time on the rows whose resolved time is empty (Freshdesk). */
function resolvedColumn(c: Readonly<Record<string, string>>): FieldDef {
  const def = column(c, 'resolved_at', 'date', false)
  const closed = column(c, 'closed_at', 'date', false)
  if (def.header === null || closed.header === null || closed.header === def.header) return def
  return { ...def, raw: `coalesce(${def.raw}, ${closed.raw})` }
}

export const TICKETS: ExtraKindSpec = {
  kind: 'tickets',
  noun: 'tickets',
  table: 'tickets',
  key: 'ticket_id',
  columns: [...TICKET_COLUMNS, 'source_line'],
  fields: [
    kf('ticket_id', true, [
      'ticket',
      'ticket number',
      'ticket no',
      'case id',
      'case',
      'case number',
      'issue id',
      'id',
    ]),
    // a help desk's customer is the ticket's requester. Zendesk exports both its own user id
    // (Requester id, which never matches a shop's customer id) and the email: the shop's id
    // (Requester external id) first, then the email, the help desk's id last
    kf('customer_id', true, [
      ...CUSTOMER_SYNONYMS,
      'requester external id',
      'requester email',
      'requester id',
      'requester',
    ]),
    kf('opened_at', true, [
      'opened',
      'opened on',
      'created at',
      'created',
      // Freshdesk
      'created time',
      'submitted at',
      'date',
      'time',
    ]),
    kf('resolved_at', false, [
      'resolved',
      'resolved on',
      'closed at',
      'closed',
      'solved at',
      // Freshdesk: Resolved time, and Closed time for a ticket closed without being resolved
      'resolved time',
      'closed time',
    ]),
    // recognised only beside a resolved column: Freshdesk's Closed time stands in on the rows
    // whose Resolved time is empty (a ticket closed without being resolved; resolvedColumn)
    kf('closed_at', false, ['closed time']),
    kf('channel', false, ['via', 'contact channel', 'source', 'medium']),
    kf('handling_minutes', false, [
      'handling time',
      'handling time minutes',
      'handle time',
      'minutes',
      'time spent',
      'agent minutes',
      'duration minutes',
      // Freshdesk, written hh:mm (minutesColumn)
      'time tracked',
    ]),
    kf('satisfaction', false, ['csat', 'satisfaction score', 'rating', 'score']),
    // recognised only beside another customer column: the requester's email stands in on the
    // rows where that one is empty (requesterColumn)
    kf('requester_email', false, ['requester email']),
  ],
  typed(c) {
    return {
      fields: [
        column(c, 'ticket_id', 'text', true),
        requesterColumn(c),
        column(c, 'opened_at', 'date', true),
        resolvedColumn(c),
        column(c, 'channel', 'text', false),
        minutesColumn(c),
        satisfactionColumn(c),
      ],
      from: 'import_raw x',
      uniqueBy: { field: 'ticket_id', noun: 'ticket' },
      checks: [
        check(
          'handling_minutes',
          'handling_minutes < 0',
          'handling minutes cannot be negative',
          true,
        ),
        {
          field: 'handling_minutes',
          bad: `handling_minutes > ${MAX_TICKET_MINUTES}`,
          // as written: 200:00, not the 12000 it reads as
          reason: `'handling minutes ' || handling_minutes__${c.handling_minutes ? 'shown' : 'raw'} || ' are more than a week of work (${MAX_TICKET_MINUTES.toLocaleString('en-US')} minutes) on one ticket: is the column in seconds? Convert it to minutes'`,
        },
        check(
          'satisfaction',
          'satisfaction < 1 OR satisfaction > 5',
          'satisfaction must be from 1 to 5',
          true,
        ),
        check('resolved_at', 'resolved_at < opened_at', 'resolved before it was opened'),
      ],
      inOrder: { first: 'opened_at', last: 'resolved_at' },
    }
  },
  rows: (day) => ({
    key: 'ticket_id',
    id: 'ticket_id',
    content: 'ticket_id',
    columns: [
      ['customer_id', 'customer_id'],
      ['opened_at', 'opened_at'],
      ['opened_date', day('opened_at')],
      ['resolved_at', 'resolved_at'],
      ['channel', 'channel'],
      ['handling_minutes', 'handling_minutes'],
      ['satisfaction', 'satisfaction'],
    ],
  }),
}
