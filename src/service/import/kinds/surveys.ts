// Survey responses: NPS (0-10, whole), CES (1-7, whole: agreement with "the company made it
// easy"), CSAT (1-5) and free text. An answer outside its scale is a bad row, never clamped:
// a 1-10 scale imported as NPS would otherwise shift every promoter count silently.

import { ident, LINE } from '../../../data/queries/import-stage.ts'
import { SURVEY_COLUMNS } from '../../../data/queries/value-input-columns.ts'
import { textOf } from '../validate.ts'
import { CUSTOMER_SYNONYMS, check, column, contentOf, type ExtraKindSpec, kf } from './common.ts'

const whole = (f: string, lo: number, hi: number) =>
  `${f} IS NOT NULL AND (${f} <> round(${f}) OR ${f} < ${lo} OR ${f} > ${hi})`

/** What SurveyMonkey's second header row says under a question (its answer's kind), lower case. */
const SUB_HEADERS = ['response', 'open-ended response', 'other (please specify)', 'comment']

/**
 * SurveyMonkey writes a second header row under the questions ("Response", "Open-Ended Response")
 * with the respondent's columns empty: no answer, so that line is left out rather than refused.
 */
function subHeader(c: Readonly<Record<string, string>>): { where?: string } {
  const answers = ['nps', 'ces', 'csat', 'comment'].flatMap((f) => (c[f] ? [c[f]] : []))
  if (answers.length === 0 || !c.customer_id || !c.responded_at) return {}
  const empty = (h: string) => `${textOf(h)} IS NULL`
  const labels = SUB_HEADERS.map((l) => `'${l}'`).join(', ')
  const said = answers.map((h) => `lower(trim(${ident(h)})) IN (${labels})`).join(' OR ')
  return {
    where: `NOT coalesce(x.${LINE} = 2 AND ${empty(c.customer_id)} AND ${empty(c.responded_at)} AND (${said}), false)`,
  }
}

export const SURVEYS: ExtraKindSpec = {
  kind: 'surveys',
  noun: 'survey responses',
  table: 'survey_responses',
  key: 'response_key',
  columns: [...SURVEY_COLUMNS, 'source_line'],
  fields: [
    kf('customer_id', true, CUSTOMER_SYNONYMS),
    kf('responded_at', true, [
      'responded',
      'response date',
      'submitted at',
      'answered at',
      'completed at',
      'date',
      'created at',
      'time',
      'timestamp',
      // SurveyMonkey: when the answer was finished, else begun
      'end date',
      'start date',
    ]),
    kf('response_id', false, [
      'response',
      'survey response id',
      'respondent id',
      'survey id',
      'id',
    ]),
    kf('nps', false, [
      'nps score',
      'net promoter score',
      'likelihood to recommend',
      'recommend',
      'ltr',
    ]),
    kf('ces', false, ['ces score', 'customer effort', 'customer effort score', 'effort']),
    kf('csat', false, ['csat score', 'satisfaction', 'satisfaction score']),
    kf('comment', false, ['comments', 'free text', 'feedback', 'text', 'verbatim', 'answer']),
  ],
  typed(c) {
    return {
      fields: [
        column(c, 'customer_id', 'text', true),
        column(c, 'responded_at', 'date', true),
        column(c, 'response_id', 'text', false),
        column(c, 'nps', 'number', false, 'an NPS answer'),
        column(c, 'ces', 'number', false, 'a CES answer'),
        column(c, 'csat', 'number', false, 'a CSAT answer'),
        column(c, 'comment', 'text', false),
      ],
      from: 'import_raw x',
      ...subHeader(c),
      uniqueBy: { field: 'response_id', noun: 'response' },
      checks: [
        check('nps', whole('nps', 0, 10), 'NPS must be a whole number from 0 to 10', true),
        check('ces', whole('ces', 1, 7), 'CES must be a whole number from 1 to 7', true),
        check('csat', 'csat < 1 OR csat > 5', 'CSAT must be from 1 to 5', true),
        {
          field: '',
          bad: 'nps__raw IS NULL AND ces__raw IS NULL AND csat__raw IS NULL AND comment IS NULL',
          reason: "'no answer: nps, ces, csat and comment are all empty'",
        },
      ],
    }
  },
  rows: (day) => ({
    key: 'response_key',
    id: 'response_id',
    content: contentOf('customer_id', 'responded_at', 'nps', 'ces', 'csat', 'comment'),
    columns: [
      ['response_id', 'response_id'],
      ['customer_id', 'customer_id'],
      ['responded_at', 'responded_at'],
      ['responded_date', day('responded_at')],
      ['nps', 'CAST(nps AS INTEGER)'],
      ['ces', 'CAST(ces AS INTEGER)'],
      ['csat', 'csat'],
      ['comment', 'comment'],
    ],
  }),
}
