// The shape of a secondary import kind. Each kind (referrals, engagement, tickets, returns,
// surveys) is one file that declares its fields, extra checks, store table and key; the orders
// pipeline (stage -> validate in SQL -> one transaction) runs them unchanged.
import type { KindRowsArgs } from '../../../data/queries/import-kind-rows.ts'
import { ident, lit } from '../../../data/queries/import-stage.ts'
import { currencyOfText } from '../currency-synonyms.ts'
import {
  type FieldDef,
  type FieldType,
  NO_TEXT,
  NUMBER_ID_FIELDS,
  show,
  type TypedSpec,
  wholeId,
  wholeNumberId,
} from '../validate.ts'

/** A target field and its header synonyms (compared after folding case and punctuation). */
export interface KindField {
  readonly field: string
  readonly required: boolean
  readonly synonyms: readonly string[]
}

export type KindName = 'referrals' | 'engagement' | 'tickets' | 'returns' | 'surveys'

export interface ExtraKindSpec {
  readonly kind: KindName
  /** Plural noun for messages ("3 tickets"). */
  readonly noun: string
  readonly table: string
  readonly key: string
  /** Store columns in table order (key first, source and source_line last). */
  readonly columns: readonly string[]
  readonly fields: readonly KindField[]
  /** Field definitions and checks over the recognised columns. */
  typed(columns: Readonly<Record<string, string>>): TypedSpec
  /**
   * How validated rows become store rows (see import-kind-rows.ts); `day` makes the SQL of an
   * instant's calendar day in the import's time zone (the table's `*_date` column).
   */
  rows(day: (instant: string) => string): Omit<KindRowsArgs, 'source' | 'hasProblems'>
}

export const kf = (field: string, required: boolean, synonyms: readonly string[]): KindField => ({
  field,
  required,
  synonyms,
})

/**
 * The fields that name a customer: read as orders read theirs (`wholeId`, an email in lower case),
 * the help desk's requester email too (a ticket's customer when the shop's id is empty).
 */
const CUSTOMER_IDS = ['customer_id', 'referrer_id', 'referred_id', 'requester_email']

/** A field read from its recognised column (trimmed, '' as NULL), or NULL when absent. */
export function column(
  columns: Readonly<Record<string, string>>,
  field: string,
  type: FieldType,
  required: boolean,
  noun?: string,
): FieldDef {
  const header = columns[field] ?? null
  return {
    field,
    header,
    raw:
      header === null
        ? NO_TEXT
        : CUSTOMER_IDS.includes(field)
          ? wholeId(`nullif(trim(${ident(header)}), '')`)
          : NUMBER_ID_FIELDS.includes(field)
            ? wholeNumberId(`nullif(trim(${ident(header)}), '')`)
            : // a currency as the orders read theirs: `€` is EUR, `usd` USD
              field === 'currency'
              ? currencyOfText(`nullif(trim(${ident(header)}), '')`)
              : `nullif(trim(${ident(header)}), '')`,
    type,
    required,
    ...(noun ? { noun } : {}),
  }
}

/**
 * A check: rows where `bad` holds get `reason` (SQL text) against `field`'s column, followed by
 * the value as the file wrote it (`got '11'`) for a number or date field (those keep it as
 * `<field>__raw`): "NPS must be from 0 to 10" alone left the reader to find which value.
 */
export const check = (field: string, bad: string, reason: string, quoted = false) => ({
  field,
  bad,
  reason: quoted
    ? `${lit(`${reason}, got '`)} || ${show(`CAST(${ident(`${field}__raw`)} AS VARCHAR)`)} || ''''`
    : lit(reason),
})

/** Customer id synonyms shared by every kind that names a customer. */
export const CUSTOMER_SYNONYMS = [
  'customer id',
  'customer',
  'customer number',
  'cust id',
  'client id',
  'client',
  'user id',
  'user',
  'member id',
  'account id',
  'email',
  'customer email',
  'email address',
  'customer email address',
  'contact id',
  'contact email',
  'subscriber email',
  'buyer id',
  'buyer email',
]

/** Hashable text of typed columns, for content keys. */
export const contentOf = (...cols: string[]): string =>
  `concat_ws('|', ${cols.map((c) => `coalesce(CAST(${ident(c)} AS VARCHAR), '')`).join(', ')})`
