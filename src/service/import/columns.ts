// Column recognition: each target field has synonyms compared after folding case, spaces,
// underscores and punctuation; `--map field=Column` always wins. Shopify exports are recognised by
// their distinctive headers and mapped to fixed columns, because their layout is not one row per order.

import { isCurrencyCode } from '../../core/currency-codes.ts'
import { closestWords } from '../../core/words.ts'
import { ImportError, UsageError, WrongKindError } from '../../errors.ts'
import { FIT_ROLE_NAMES, type FitRole, SURVIVAL_PERIOD } from '../fit-tables.ts'
import { CURRENCY_SYNONYMS } from './currency-synonyms.ts'
import { EXTRA_KIND_NAMES, EXTRA_KINDS, type KindName } from './kinds/index.ts'

export type ImportKind = 'orders' | 'order-lines' | 'customers' | KindName
export const KINDS: readonly ImportKind[] = [
  'orders',
  'order-lines',
  'customers',
  ...EXTRA_KIND_NAMES,
]

/** Which special layout the file has. */
export type Layout = 'plain' | 'shopify-orders' | 'shopify-customers' | 'line-items'

interface FieldSpec {
  readonly field: string
  readonly required: boolean
  /** Folded synonyms, most specific first. */
  readonly synonyms: readonly string[]
}

/**
 * Lower-case, drop accents and everything that is not a letter or digit: "Customer ID" ->
 * "customerid", "Numéro client" -> "numeroclient".
 */
export function fold(name: string): string {
  const known = FOLDED.get(name)
  if (known !== undefined) return known
  const folded = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '')
  // the headers are folded again for every field and synonym: a title of a million characters
  // above the header (read as its one column) took 5 s of folds, ten million minutes
  if (FOLDED.size >= 10_000) FOLDED.clear()
  FOLDED.set(name, folded)
  return folded
}

/**
 * Folded headers that only WooCommerce's orders have: its REST API's order object (order_key,
 * cart_hash, created_via, prices_include_tax, date_created_gmt, customer_user_agent) and the
 * columns of its order exports (the stored `_customer_user` as Customer User ID, Advanced Order
 * Export's Order Total Amount, Order Subtotal Amount and Order Refund Amount).
 */
const WOO_HEADERS = [
  'orderkey',
  'carthash',
  'createdvia',
  'pricesincludetax',
  'datecreatedgmt',
  'customeruseragent',
  'customeruserid',
  'ordertotalamount',
  'ordersubtotalamount',
  'orderrefundamount',
]

/**
 * Whether `header` is one of the names `field` of `kind` is recognised by (`Amount`, `Total` ...
 * for an orders file's amount).
 */
export function namedAs(kind: ImportKind, field: string, header: string): boolean {
  return (FIELDS[kind]?.find((s) => s.field === field)?.synonyms ?? []).includes(fold(header))
}

/** Folded names, by name ({@link fold}). */
const FOLDED = new Map<string, string>()

/** `t` cut at `max` characters with an ellipsis (a header's text for a message). */
export const clipText = (t: string, max: number): string =>
  t.length > max ? `${t.slice(0, max - 1)}…` : t

/**
 * Column names for a message: each cut at 60 characters, and at most 40 of them (a line of a
 * million characters read as a header was echoed whole).
 */
export function shownHeaders(headers: readonly string[]): string {
  const shown = headers
    .slice(0, 40)
    .map((h) => clipText(h, 60))
    .join(', ')
  return headers.length > 40 ? `${shown} and ${headers.length - 40} more` : shown
}

/**
 * A place word as an order's or a customer's address names it: "Billing Country", "Ship City",
 * and an API's nested address read as one column (Shopify's `shipping_address.city`).
 */
const addressed = (word: string): string[] =>
  ['billing', 'shipping', 'ship', 'ship to', 'delivery', 'billing address', 'shipping address'].map(
    (a) => `${a} ${word}`,
  )

const f = (field: string, required: boolean, synonyms: readonly string[]): FieldSpec => ({
  field,
  required,
  synonyms: [field, ...synonyms].map(fold),
})

/** A field whose own name is tried after its synonyms, not before them. */
const ownNameLast = (s: FieldSpec): FieldSpec => ({
  ...s,
  synonyms: [...s.synonyms.slice(1), s.synonyms[0] as string],
})

/** The customer's id as German, Spanish, French, Dutch and Italian exports name it (folded). */
const CUSTOMER_ID_ABROAD = [
  'kunde',
  'kundennummer',
  'kundennr',
  'kunden id',
  'cliente',
  'id cliente',
  'codice cliente',
  'codigo cliente',
  'numero cliente',
  'client no',
  'numero client',
  'klant',
  'klantnummer',
]

/**
 * Place names in German, French, Spanish, Portuguese, Italian and Dutch (folded in use), for
 * customers and orders alike. Never a bare "Estado" or "Staat": a status, or a country.
 */
const COUNTRY_ABROAD = ['land', 'lieferland', 'pais', 'pays', 'paese']
const REGION_ABROAD = ['bundesland', 'provincia', 'provincie', 'regione', 'kanton', 'departement']
const CITY_ABROAD = [
  'stadt',
  'ort',
  'wohnort',
  'ciudad',
  'localidad',
  'ville',
  'cidade',
  'citta',
  'comune',
  'plaats',
  'woonplaats',
]

/** How an orders export names the buyer's email: a customer id, or the fallback of one. */
const BUYER_EMAIL = [
  'email',
  'customer email',
  // "Customer's Email" (an apostrophe folds away: customersemail)
  'customers email',
  'email address',
  // store exports name the buyer's email after the billing address (WooCommerce, Magento)
  'customer email address',
  'billing email',
  'billing email address',
  'customer user email',
  'buyer email',
  'purchaser email',
]

const FIELDS: Record<ImportKind, readonly FieldSpec[]> = {
  ...(Object.fromEntries(
    EXTRA_KIND_NAMES.map((k) => [
      k,
      EXTRA_KINDS[k].fields.map((s) => f(s.field, s.required, s.synonyms)),
    ]),
  ) as unknown as Record<KindName, readonly FieldSpec[]>),
  orders: [
    f('customer_id', true, [
      'customer id',
      'customer',
      'customer number',
      'customer no',
      'cust id',
      'cust',
      'client id',
      'client',
      'user id',
      'user',
      'buyer id',
      'buyer user id',
      'buyer',
      'member id',
      'account id',
      'sample id',
      ...BUYER_EMAIL,
      ...CUSTOMER_ID_ABROAD,
    ]),
    f('ordered_at', true, [
      'order date',
      'order time',
      'ordered on',
      'order datetime',
      'created at',
      'created',
      'created utc',
      'created date',
      'date created',
      'purchased at',
      'purchase date',
      // Etsy's sold orders
      'sale date',
      'purchase time',
      'transaction date',
      'transaction time',
      'invoice date',
      'timestamp',
      'datetime',
      'date',
      'time',
      'bestelldatum',
      'datum',
      'fecha',
      'fecha pedido',
      'date de commande',
      'date commande',
      'besteldatum',
      'data ordine',
      // Italian and Portuguese for date (Data, Data do pedido)
      'data',
      'data do pedido',
      'data pedido',
    ]),
    f('amount', true, [
      'order amount',
      'order total',
      'order total amount',
      'total order amount',
      'grand total',
      'total paid',
      'amount paid',
      'paid amount',
      'net amount',
      'gross amount',
      'sale amount',
      'sales amount',
      'total sales',
      'purchase amount',
      'transaction amount',
      'payment amount',
      'amount charged',
      'total',
      'total amount',
      'total price',
      'revenue',
      'sales',
      'price',
      'value',
      'order value',
      'dollars',
      'spend',
      'net',
      'net sales',
      'gross',
      'subtotal',
      'betrag',
      'gesamtbetrag',
      'gesamtsumme',
      'gesamt',
      'bruttobetrag',
      'rechnungsbetrag',
      'bestellwert',
      'endsumme',
      'umsatz',
      'summe',
      'montant',
      'montant total',
      'importe',
      'importe total',
      'monto',
      'bedrag',
      'totaalbedrag',
      'totaal',
      'totale',
      'importo',
      'importo totale',
      'valor',
      'valor total',
    ]),
    f('order_id', false, [
      'order id',
      'order',
      'order number',
      'order no',
      'order ref',
      // a shop's order number as customers see it ("#1001"), when the export is not Shopify's own
      'order name',
      'amazon order id',
      'marketplace order id',
      'transaction id',
      'transaction',
      'invoice',
      'invoice id',
      'invoice no',
      'invoice number',
      'receipt id',
      'bestellnummer',
      'bestellnr',
      // a German export's "Bestellung" column (the order), as "Order" is read in English exports
      'bestellung',
      'auftragsnummer',
      'auftragsnr',
      'rechnungsnummer',
      'numero ordine',
      'ordernummer',
      'numero de commande',
      'pedido',
      'numero pedido',
      'bestelnummer',
    ]),
    f('currency', false, CURRENCY_SYNONYMS),
    f('quantity', false, [
      'qty',
      'units',
      'items',
      'item count',
      'quantity ordered',
      'quantity purchased',
      'cds',
    ]),
    f('cost', false, ['cogs', 'cost of goods', 'unit cost', 'total cost']),
    f('margin', false, ['gross margin', 'profit', 'gross profit']),
    f('discount', false, ['discount amount', 'discounts', 'total discount', 'total discounts']),
    f('channel', false, ['sales channel', 'source', 'order source', 'utm medium', 'medium']),
    f('campaign', false, ['utm campaign', 'campaign name']),
    f('status', false, [
      'order status',
      'financial status',
      'payment status',
      'bestellstatus',
      'zahlungsstatus',
      'statut',
      'statut de la commande',
      'statut du paiement',
      'estado del pedido',
      'estado pedido',
      'estado do pedido',
      'estado del pago',
      'estado do pagamento',
      'stato ordine',
      'stato dell ordine',
      'stato del pagamento',
      'bestelstatus',
      'betaalstatus',
    ]),
    // a bare "refunded" after the amounts: Stripe's charges carry refunded (true/false) beside
    // amount_refunded, the money
    ownNameLast(
      f('refunded', false, [
        'refunded amount',
        'amount refunded',
        'refund amount',
        'total refunded',
        'refunded total',
        'refund total',
        'total refund',
        // WooCommerce's order export
        'order refund amount',
        'order refunded amount',
      ]),
    ),
    // where the order went: the customer's place when no customers file says it (the UCI Online
    // Retail data: Country on every invoice line); never a bare "State", which may be the order's
    f('country', false, [
      ...addressed('country'),
      'country code',
      'country name',
      // Shopify's nested order (billing_address.country_code, read as one column)
      ...addressed('country code'),
      ...COUNTRY_ABROAD,
    ]),
    f('region', false, [
      ...addressed('province'),
      ...addressed('state'),
      'state province',
      'province',
      ...addressed('province code'),
      ...REGION_ABROAD,
    ]),
    f('city', false, [...addressed('city'), ...CITY_ABROAD]),
    // the buyer's email beside a customer id: the customer of a row without one (a Stripe payment
    // by a guest has no Customer ID, only its Customer Email); the id column wins. Its own name
    // last: an API's nested customer.email is missing on the very orders of guests, whose
    // top-level email (Shopify's order JSON) is there
    ownNameLast(f('customer_email', false, BUYER_EMAIL)),
  ],
  'order-lines': [
    f('order_id', true, [
      'order id',
      'order',
      'order number',
      'order no',
      'transaction id',
      'invoice',
      'invoice id',
      'invoice no',
      'name',
    ]),
    f('product_id', false, ['product', 'sku', 'item id', 'stock code', 'variant id', 'item']),
    f('product_name', false, ['product title', 'title', 'item name', 'description']),
    f('category', false, ['product category', 'product type', 'type', 'department']),
    f('quantity', false, ['qty', 'units', 'count']),
    // not stored (a line is in its order's currency): checked against the order's
    f('currency', false, CURRENCY_SYNONYMS),
    f('amount', false, ['line total', 'line amount', 'total', 'revenue', 'sales', 'value']),
    // beside a quantity a price is the unit's, as in an orders file of line items (3 at 8 is a
    // line of 24); without a quantity, the line's. Read only when no column gives the amount.
    f('unit_price', false, ['unit price', 'price each', 'price per unit', 'item price', 'price']),
  ],
  customers: [
    f('customer_id', true, [
      'customer id',
      'customer',
      'cust id',
      'cust',
      'client id',
      'client',
      'user id',
      'user',
      'member id',
      'account id',
      'id',
      'email',
      'email address',
      ...CUSTOMER_ID_ABROAD,
    ]),
    f('email', false, [
      'email address',
      'e mail',
      'mail',
      'correo',
      'correo electronico',
      'courriel',
    ]),
    f('name', false, [
      'full name',
      'customer name',
      'client name',
      'kundenname',
      'nombre',
      'nom',
      'naam',
      'nome',
    ]),
    f('signup_at', false, [
      'signup date',
      'signed up',
      'sign up date',
      'registered at',
      'registration date',
      'created at',
      'created',
      'joined',
      'join date',
      'first seen',
      // CRM exports (HubSpot: Create Date, Became a Customer Date)
      'create date',
      'created date',
      'date created',
      'customer since',
      'became a customer date',
      'anmeldedatum',
      'registrierungsdatum',
      'registriert am',
      'kunde seit',
      'fecha de alta',
      'fecha alta',
      'fecha de registro',
      'date d inscription',
      'date inscription',
      'registratiedatum',
      'klant sinds',
      'data registrazione',
      'data iscrizione',
    ]),
    f('country', false, [
      'country code',
      'default address country code',
      'nation',
      'country region',
      'country name',
      ...addressed('country'),
      ...COUNTRY_ABROAD,
    ]),
    f('region', false, [
      'state',
      'province',
      'province code',
      'region code',
      'county',
      'state region',
      'state province',
      ...addressed('state'),
      ...addressed('province'),
      ...REGION_ABROAD,
    ]),
    f('city', false, ['town', 'default address city', ...addressed('city'), ...CITY_ABROAD]),
    f('industry', false, ['sector', 'vertical', 'branche', 'industria', 'secteur']),
    f('channel', false, [
      'acquisition channel',
      'source',
      'acquisition source',
      'utm source',
      'utm medium',
      'original source',
      'lead source',
      'first touch channel',
    ]),
    f('campaign', false, [
      'acquisition campaign',
      'utm campaign',
      'original campaign',
      'first campaign',
      'lead campaign',
    ]),
    // held by a switching cost (loyalty rule switching_cost): a yes/no column of the CRM
    f('switching_cost', false, [
      'under contract',
      'contract',
      'subscriber',
      'subscription',
      'has subscription',
      'stored balance',
      'locked in',
    ]),
    // consent to marketing messages (the service holds marketing and recognition back without
    // it): Shopify's customers export, CRMs' opt-in columns
    f('marketing_consent', false, [
      'accepts email marketing',
      'accepts marketing',
      'accepts email',
      'email marketing consent',
      'marketing consent',
      'marketing opt in',
      'email opt in',
      'opt in',
      'opted in',
      'newsletter opt in',
      'email subscription status',
    ]),
  ],
}

/** Target fields of a kind, required first. */
export function fieldsOf(kind: ImportKind): readonly string[] {
  return FIELDS[kind].map((s) => s.field)
}

export function parseKind(kind: string | undefined): ImportKind {
  if (kind && (KINDS as readonly string[]).includes(kind)) return kind as ImportKind
  // the singular or another spelling of a kind (order, order_lines, Survey), or a typo of one
  // (oders): named
  const near =
    kind === undefined
      ? undefined
      : (KINDS.find((k) => fold(k).replace(/s$/, '') === fold(kind).replace(/s$/, '')) ??
        closestWords(kind, KINDS)[0])
  throw new UsageError(
    kind === undefined
      ? `--kind is required: one of ${KINDS.join(', ')}`
      : `unknown kind '${kind}' (--kind; kind in the library)${near ? ` (did you mean ${near}?)` : ''}: use one of ${KINDS.join(', ')}`,
    { kind },
  )
}

/**
 * Parse `--map` values: `field=Column`, repeatable and/or comma-separated. A comma separates two
 * entries only when a field's name (or a name that names one: `total`, `Order Time`) and '='
 * follow it, so a column name may hold commas: `amount=Revenue, net`.
 * @example parseMap(['customer_id=Email,amount=Net']) // { customer_id: 'Email', amount: 'Net' }
 * @throws UsageError on an entry without '='.
 */
export function parseMap(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values ?? []) {
    // a whole --map "" (an unset shell variable) mapped nothing without a word; an empty part
    // beside others (a trailing comma) is skipped
    if (v.trim() === '')
      throw new UsageError(
        'the --map value is empty: give field=Column, e.g. --map customer_id=Email',
      )
    for (const part of splitMap(v)) {
      if (part.trim() === '') continue
      const eq = part.indexOf('=')
      if (eq <= 0) throw new UsageError(`--map expects field=Column, got '${part}'`)
      const field = part.slice(0, eq).trim()
      const column = part.slice(eq + 1).trim()
      // the later one silently won: which column was meant is the user's to say
      const before = out[field]
      if (before !== undefined && before !== column) {
        throw new UsageError(
          `--map names ${field} twice (${before} and ${column}): give one column for each field`,
        )
      }
      out[field] = column
    }
  }
  return out
}

/** Every name a --map entry may start with, folded: the fields of every kind and their synonyms. */
let mapNames: ReadonlySet<string> | undefined
function mapKeyNames(): ReadonlySet<string> {
  mapNames ??= new Set(
    [
      ...Object.values(FIELDS).flatMap((specs) => specs.flatMap((s) => [s.field, ...s.synonyms])),
      ...SHOPIFY_ORDER_FIELDS,
      ...LINE_ITEM_FIELDS,
    ].map(fold),
  )
  return mapNames
}

/** A --map value cut at each comma that a known name and '=' follow (see parseMap). */
function splitMap(v: string): string[] {
  const parts: string[] = []
  let start = 0
  for (let i = v.indexOf(','); i >= 0; i = v.indexOf(',', i + 1)) {
    const rest = v.slice(i + 1)
    const eq = rest.indexOf('=')
    const key = eq < 0 || rest.slice(0, eq).includes(',') ? '' : rest.slice(0, eq).trim()
    // an empty entry (`a=X,,b=Y`, a trailing comma) is a separator too
    if (
      rest.trim() === '' ||
      rest.trimStart().startsWith(',') ||
      (key !== '' && mapKeyNames().has(fold(key)))
    ) {
      parts.push(v.slice(start, i))
      start = i + 1
    }
  }
  parts.push(v.slice(start))
  return parts
}

const SHOPIFY_ORDER_MARKERS = ['financialstatus', 'lineitemquantity', 'lineitemname', 'paidat']
const SHOPIFY_CUSTOMER_MARKERS = ['customerid', 'firstname', 'lastname', 'totalspent']

/** A line's price per unit (folded), most specific first. */
const UNIT_PRICE_NAMES = ['unitprice', 'priceeach', 'itemprice', 'priceperunit', 'price']
/** What names a line's product (folded): its code first, then its name. */
const PRODUCT_ID_NAMES = ['stockcode', 'sku', 'productid', 'productcode', 'itemcode', 'itemid']
const PRODUCT_NAME_NAMES = ['description', 'productname', 'itemname', 'product', 'item']
/** Columns that hold what a whole order or line cost: with one, the file is not line items. */
const TOTAL_NAMES = ['amount', 'total', 'ordertotal', 'orderamount', 'totalamount', 'totalprice']
const TOTAL_MORE = ['linetotal', 'lineamount', 'revenue', 'sales', 'netsales', 'subtotal', 'value']
const QUANTITY_NAMES = ['quantity', 'qty', 'units', 'quantitypurchased']

/**
 * Recognise a Shopify export from its headers (needs most of its distinctive columns), and an
 * orders file of line items: a quantity and a price per unit on every row and no total (the UCI
 * "Online Retail" export: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
 * CustomerID, Country). A product is not needed: beside a quantity, a price is the unit's (a
 * customer,date,price,quantity row of 8 and 3 was read as an order of 8, not 24).
 */
export function detectLayout(headers: readonly string[], kind: ImportKind): Layout {
  const folded = new Set(headers.map(fold))
  const hits = (markers: readonly string[]) => markers.filter((m) => folded.has(m)).length
  const orderKind = kind === 'orders' || kind === 'order-lines'
  if (orderKind && folded.has('name') && hits(SHOPIFY_ORDER_MARKERS) >= 3) {
    return 'shopify-orders'
  }
  if (kind === 'customers' && hits(SHOPIFY_CUSTOMER_MARKERS) >= 3) return 'shopify-customers'
  if (
    kind === 'orders' &&
    hits(UNIT_PRICE_NAMES) > 0 &&
    hits(QUANTITY_NAMES) > 0 &&
    hits([...TOTAL_NAMES, ...TOTAL_MORE]) === 0
  ) {
    return 'line-items'
  }
  return 'plain'
}

/** Result of column recognition: target field -> source column (exact header text). */
export interface ColumnMapping {
  readonly layout: Layout
  readonly columns: Readonly<Record<string, string>>
  /**
   * Orders without spend (a transaction log such as `cust,date`): no amount column, and no column
   * left over that could hold one. Every order then has amount 0; x, t_x and T need only dates.
   */
  readonly noAmount?: true
  /** No column was named for the customer: this one, a bare "Id", was taken as the customer id. */
  readonly guessedCustomer?: string
  /**
   * The line-items price column is the line's total, not a unit price: Amazon's order reports
   * (amazon-order-id ... quantity, item-price) give item-price for the whole quantity.
   */
  readonly lineTotal?: true
  /**
   * Survey answers found by their question rather than a field name (field -> header): "How
   * likely are you to recommend us to a friend?" is the NPS answer (see surveyQuestions).
   */
  readonly questions?: Readonly<Record<string, string>>
  /**
   * Columns left unread that are named like an amount too ("Revenue gross" read, "Revenue net"
   * left): the amount was taken from the first by the synonyms' order, which is said, with the
   * --map that reads another.
   */
  readonly otherAmounts?: readonly string[]
  /**
   * Columns left unread that name the customer too (WooCommerce's Customer User ID beside the
   * Billing Email read): said, with the --map that reads another.
   */
  readonly otherCustomers?: readonly string[]
  /**
   * The records are Stripe API objects (a field `object` beside `livemode` or another of their
   * amounts, as its list endpoints and `stripe ... list` give them): `amount` and `amount_refunded` are in the currency's
   * smallest unit (cents), read as such (1999 is 19.99; 1999 JPY is 1999).
   */
  readonly minorUnits?: true
  /**
   * The file is WooCommerce's (a column only its orders have: {@link WOO_HEADERS}): a status
   * written without the prefix WooCommerce stores (`pending`, `on-hold`, `On hold`, `Draft`) is
   * its order not paid yet (validate.ts WOO_UNPAID_STATUS), which elsewhere is a paid order.
   */
  readonly wooStatuses?: true
  /**
   * Orders without a currency column whose amount header names an ISO code after the amount's
   * name (`Umsatz (EUR)`, `Amount (USD)`): that currency, stored as the orders'.
   */
  readonly amountCurrency?: string
}

/** Fields of a line-items file beyond the generic orders ones (`unit_price` replaces amount). */
const LINE_ITEM_FIELDS = ['unit_price', 'line_sku', 'line_name']

function findHeader(headers: readonly string[], folded: string): string | undefined {
  return headers.find((h) => fold(h) === folded)
}

/**
 * The reader's names of the later columns a file names as `header` (apart from case): DuckDB
 * keeps the first as it is and calls the others `<header>_1`, `<header>_2` ..., as its names are
 * case-blind ("Total" and "total" read as Total and total_1).
 */
export function laterCopies(headers: readonly string[], header: string): string[] {
  const lower = header.toLowerCase()
  return headers.filter(
    (h) =>
      h.length > header.length &&
      h.slice(0, header.length).toLowerCase() === lower &&
      /^_\d+$/.test(h.slice(header.length)),
  )
}

/**
 * The field a `--map` key names: the field itself, or a name a file would use for it
 * ("order_date", "order time" for ordered_at) when that names one field only and the map does not
 * also give that field by its own name.
 */
function mapField(
  given: string,
  specs: readonly FieldSpec[],
  map: Readonly<Record<string, string>>,
  extra: readonly string[],
): string | undefined {
  if (specs.some((s) => s.field === given) || extra.includes(given)) return given
  const named = specs.filter((s) => s.synonyms.includes(fold(given)))
  const only = named.length === 1 ? named[0]?.field : undefined
  return only !== undefined && map[only] === undefined ? only : undefined
}

/**
 * Map file headers to target fields: `--map` first, then synonyms in priority order; a header is
 * used for one field only.
 * `fitReadable`: the file is a plain CSV, which `loyals fit` reads (said by the hint for one of its
 * tables).
 * @throws UsageError for a --map naming an unknown field or a column the file lacks;
 *   ImportError when required fields are missing (lists them and the columns found).
 */
export function resolveColumns(
  file: string,
  headers: readonly string[],
  kind: ImportKind,
  map: Readonly<Record<string, string>> = {},
  fitReadable = true,
): ColumnMapping {
  if (kind === 'customers') {
    const hint = ordersFileHint(headers) ?? otherKindHint(headers, kind)
    if (hint) throw new ImportError(`${file}: ${hint}`)
  }
  // an amount the user names is the order's: the rows are then orders, not line items
  const detected = detectLayout(headers, kind)
  // read as order lines, Shopify's columns (Lineitem name, quantity, price) are no line field's
  // names: every line was stored empty and replaced the order's stored lines
  if (kind === 'order-lines' && detected === 'shopify-orders') {
    throw new ImportError(
      `${file}: This looks like a Shopify orders export (one row per line item): import it with --kind orders, which stores its line items as the orders' lines (names, quantities and prices); nothing was imported.`,
    )
  }
  const layout = detected === 'line-items' && map.amount !== undefined ? 'plain' : detected
  const lineItems = layout === 'line-items'
  const specs = lineItems ? FIELDS.orders.filter((s) => s.field !== 'amount') : FIELDS[kind]
  const columns: Record<string, string> = {}
  const used = new Set<string>()
  const valid = specs.map((s) => s.field)
  const shopifyFields =
    layout === 'shopify-orders' ? SHOPIFY_ORDER_FIELDS : lineItems ? LINE_ITEM_FIELDS : []
  // written the wrong way round (--map cust=customer_id): the file's column on the left and the
  // field on the right; said when the right side names no column
  const swapHint = (given: string, col: string): string => {
    const column = headers.includes(given) ? given : findHeader(headers, fold(given))
    const swapped = column === undefined ? undefined : mapField(col, specs, map, shopifyFields)
    return swapped === undefined
      ? ''
      : `; the field comes first and the file's column second: --map ${swapped}=${column}`
  }
  for (const [given, col] of Object.entries(map)) {
    const field = mapField(given, specs, map, shopifyFields)
    const header = headers.includes(col) ? col : findHeader(headers, fold(col))
    if (field === undefined) {
      throw new UsageError(
        `--map: unknown field '${given}' for --kind ${kind}; the fields are ${valid.join(', ')}${header === undefined ? swapHint(given, col) : ''}`,
        { fields: valid },
      )
    }
    if (header === undefined) {
      throw new UsageError(
        `--map ${given}=${col}: no column '${col}' in ${file} (columns: ${headers.join(', ')})${swapHint(given, col)}`,
      )
    }
    // 'total' beside "Total" and "total" in the file: the reader kept the first as Total, so the
    // name given is not the first's and may be the second's, which the reader renamed
    const copies = header === col ? [] : laterCopies(headers, header)
    if (copies.length > 0) {
      throw new UsageError(
        `--map ${field}=${col}: ${file} has ${copies.length + 1} columns named '${col}' apart from case, which the reader calls ${[header, ...copies].join(', ')} in file order: name the one to read that way (--map ${field}=${copies[0]} for the second); nothing was imported`,
      )
    }
    columns[field] = header
    used.add(header)
  }
  if (layout === 'shopify-orders') return { layout, columns: shopifyOrders(headers, columns) }
  if (layout === 'shopify-customers') {
    return { layout, columns: shopifyCustomers(headers, columns) }
  }
  if (lineItems) {
    // the line's own columns first, so that "Description" is a product name, not a channel
    for (const [field, names] of [
      ['unit_price', UNIT_PRICE_NAMES],
      ['line_sku', PRODUCT_ID_NAMES],
      ['line_name', PRODUCT_NAME_NAMES],
    ] as const) {
      if (columns[field] !== undefined) continue
      const h = names.map((n) => headers.find((x) => fold(x) === n && !used.has(x))).find(Boolean)
      if (h !== undefined) {
        columns[field] = h
        used.add(h)
      }
    }
  }
  // each field's synonyms in order, each by its exact name, then followed by a qualifier ("Order
  // Total (inc tax)", "Amount (EUR)", "Order Date (UTC)"): "Total (USD)" before "Subtotal"
  for (const spec of specs) {
    if (columns[spec.field] !== undefined) continue
    for (const syn of spec.synonyms) {
      const h =
        headers.find((x) => !used.has(x) && fold(x) === syn) ??
        headers.find((x) => !used.has(x) && qualified(x, syn))
      if (h !== undefined) {
        columns[spec.field] = h
        used.add(h)
        break
      }
    }
  }
  // a line's amount given, its price is not read (a quantity times it may differ by discounts)
  if (kind === 'order-lines' && columns.amount !== undefined && columns.unit_price !== undefined) {
    if (map.unit_price === undefined) {
      used.delete(columns.unit_price)
      delete columns.unit_price
    }
  }
  const guessed = guessCustomer(headers, kind, columns, used)
  // customers keyed by their email address: the email is known too (as for Shopify's export)
  const key = columns.customer_id
  if (kind === 'customers' && key !== undefined && columns.email === undefined) {
    if (fold(key).includes('email')) columns.email = key
  }
  const questions = kind === 'surveys' ? surveyQuestions(file, headers, columns, used) : {}
  const missing = specs.filter((s) => s.required && columns[s.field] === undefined)
  // a transaction log: only the amount missing, and every column of the file already used
  if (
    kind === 'orders' &&
    missing.length === 1 &&
    missing[0]?.field === 'amount' &&
    headers.every((h) => used.has(h))
  ) {
    return { layout, columns, noAmount: true, ...guessed }
  }
  if (missing.length > 0) {
    // no date column and no amount, and no column left but the one the date may be in: that
    // column mapped, the file is a log of customers and dates, which needs no amount (a customer
    // and `when` column said "missing required columns ordered_at, amount")
    const logOnce =
      kind === 'orders' &&
      missing.length === 2 &&
      missing.some((s) => s.field === 'ordered_at') &&
      missing.some((s) => s.field === 'amount') &&
      headers.filter((h) => !used.has(h)).length <= 1
    const names = missing.map((s) => s.field).filter((f) => !(logOnce && f === 'amount'))
    const other =
      noHeaderHint(headers) ??
      spacedHeaderHint(headers) ??
      (kind === 'orders'
        ? (modelTableHint(headers, fitReadable) ??
          otherKindHint(headers, kind) ??
          customersFileHint(headers) ??
          productCatalogHint(headers) ??
          orderLinesHint(headers))
        : otherKindHint(headers, kind))
    // a column named like the missing field that a --map gave to another field: say so
    const taken = names.flatMap((n) => {
      const given = Object.entries(map).find(([, col]) => fold(col) === fold(n))
      return given ? [`${given[1]} is mapped to ${given[0]} (--map ${given[0]}=${given[1]})`] : []
    })
    // one field missing and one column left over (CLVTools' Id,Date,Price): name that column
    const left = headers.filter((h) => !used.has(h))
    const example =
      names.length === 1 && left.length === 1 && taken.length === 0 ? left[0] : '<Column>'
    const message =
      `${file}: missing required column${names.length > 1 ? 's' : ''} ${names.join(', ')} ` +
      `(found: ${shownHeaders(headers)}${taken.length > 0 ? `; ${taken.join('; ')}` : ''}). ` +
      (other ??
        `Name ${names.length > 1 ? 'them' : 'it'} with --map, e.g. --map ${names[0]}=${example}`)
    if (kind === 'orders' && shopifyCustomersExport(headers)) {
      throw new WrongKindError(message, 'customers')
    }
    throw new ImportError(message)
  }
  // order lines with no product, category or quantity but an order's customer and date: orders
  // (stored as lines, they counted nowhere and the orders were never imported)
  if (
    kind === 'order-lines' &&
    ['product_id', 'product_name', 'category', 'quantity'].every((f) => columns[f] === undefined)
  ) {
    const has = (field: string) => headers.some((h) => namedAs('orders', field, h))
    if (has('customer_id') && has('ordered_at')) {
      throw new ImportError(
        `${file}: This looks like orders (one row per order: a customer and an order date, no product), not order lines: import it with --kind orders.`,
      )
    }
    // an order id alone: every line would be stored empty, replacing the order's stored lines
    if (columns.amount === undefined) {
      throw new ImportError(
        `${file}: no column holds a line's product (product_id, product_name), category, quantity or amount (found: ${shownHeaders(headers)}). Name one with --map, e.g. --map product_name=<Column>; nothing was imported.`,
      )
    }
  }
  const others =
    map.amount === undefined ? unreadNamedLike('amount', headers, specs, columns, used) : []
  const otherIds =
    kind === 'orders' &&
    layout === 'plain' &&
    map.customer_id === undefined &&
    !guessed.guessedCustomer
      ? unreadNamedLike('customer_id', headers, specs, columns, used, customerNamed)
      : []
  const lineTotal =
    lineItems &&
    fold(columns.unit_price ?? '') === 'itemprice' &&
    headers.some((h) => fold(h) === 'amazonorderid')
      ? { lineTotal: true as const }
      : {}
  // Stripe API objects carry `object` ("charge") beside `livemode` or their other amounts
  // (amount_captured, amount_refunded, amount_received); their `amount` is in cents
  const has = (n: string) => headers.some((h) => fold(h) === n)
  const stripe =
    kind === 'orders' &&
    layout === 'plain' &&
    fold(columns.amount ?? '') === 'amount' &&
    has('object') &&
    ['livemode', 'amountcaptured', 'amountrefunded', 'amountreceived'].some(has)
      ? { minorUnits: true as const }
      : {}
  // WooCommerce's orders (its REST API's order_key, cart_hash, created_via ..., its export
  // plugins' Customer User ID and Order Total Amount ...): their bare statuses are its own
  const woo =
    (kind === 'orders' || kind === 'order-lines') &&
    layout === 'plain' &&
    columns.status !== undefined &&
    WOO_HEADERS.some(has)
      ? { wooStatuses: true as const }
      : {}
  const currency =
    kind === 'orders' && layout === 'plain' && columns.currency === undefined
      ? headerCurrency(columns.amount)
      : null
  return {
    layout,
    columns,
    ...guessed,
    ...(currency ? { amountCurrency: currency } : {}),
    ...questions,
    ...lineTotal,
    ...stripe,
    ...woo,
    ...(others.length > 0 ? { otherAmounts: others } : {}),
    ...(otherIds.length > 0 ? { otherCustomers: otherIds } : {}),
  }
}

/** What a column naming the customer holds, after who (folded): `Customer User ID`, `Buyer Email`. */
const CUSTOMER_WHO = /(customer|user|client|buyer|member|kunde|klant)/
const CUSTOMER_WHAT = /(id|email|number|no|nr)$/
const customerNamed = (folded: string): boolean =>
  CUSTOMER_WHO.test(folded) && CUSTOMER_WHAT.test(folded)

/**
 * Headers no field took that are named as `field` is (a synonym, alone or with a qualifier, or a
 * folded name `also` takes), when `field` was found by name: "Revenue net" beside the "Revenue
 * gross" read as the amount; WooCommerce's Customer User ID beside the Billing Email read as the
 * customer. The import says which was read.
 */
function unreadNamedLike(
  field: string,
  headers: readonly string[],
  specs: readonly FieldSpec[],
  columns: Readonly<Record<string, string>>,
  used: ReadonlySet<string>,
  also: (folded: string) => boolean = () => false,
): string[] {
  const spec = specs.find((s) => s.field === field)
  if (spec === undefined || columns[field] === undefined) return []
  return headers.filter((h) => {
    const f = fold(h)
    return !used.has(h) && (spec.synonyms.some((syn) => f === syn || qualified(h, syn)) || also(f))
  })
}

/** Words of a survey question that say which answer its column holds (folded, first match). */
const QUESTION_WORDS: readonly (readonly [string, readonly string[]])[] = [
  // "How likely are you to recommend us to a friend or colleague?" (the NPS question)
  ['nps', ['recommend']],
  // "How easy was it to ...", "... made it easy for me to handle my issue", "effort"
  ['ces', ['howeasy', 'madeiteasy', 'easyfor', 'easyto', 'effort']],
  // "How satisfied are you with ...", "Overall satisfaction"
  ['csat', ['satisfied', 'satisfaction']],
  // "Why did you give this score?", "What could we do better?", "Any other comments?"
  [
    'comment',
    ['why', 'dobetter', 'improve', 'comment', 'feedback', 'tellus', 'anythingelse', 'openended'],
  ],
]

/** Headers that hold a survey answer without saying which scale (Delighted's "Score"). */
const BARE_ANSWER = new Set(['score', 'rating', 'answer', 'value', 'response'])

/**
 * A survey export names its answer columns by the question asked (Typeform, SurveyMonkey, Google
 * Forms): a header not used yet that contains a question's words holds that answer, and is said.
 * A file with no recognisable score then fails when one column could be any of the three scales
 * ("Score": 0-10 NPS, 1-7 CES or 1-5 CSAT), since a wrong guess would misread every answer.
 * @throws ImportError naming the ambiguous column and the --map that settles it.
 */
function surveyQuestions(
  file: string,
  headers: readonly string[],
  columns: Record<string, string>,
  used: Set<string>,
): { questions: Record<string, string> } | Record<string, never> {
  const found: Record<string, string> = {}
  for (const [field, words] of QUESTION_WORDS) {
    if (columns[field] !== undefined) continue
    const h = headers.find((x) => !used.has(x) && words.some((w) => fold(x).includes(w)))
    if (h === undefined) continue
    // "How much effort did you personally have to put forth ..." (CES 1.0) runs the other way
    // from the CES read here (agreement that it was easy, 7 = easiest): read as it is, every
    // hard time would count as an easy one
    if (field === 'ces' && ['howmucheffort', 'putforth'].some((w) => fold(h).includes(w))) {
      throw new ImportError(
        `${file}: the column ${h} asks how much effort it took (high = hard), but a CES answer here is agreement that the company made it easy (1-7, 7 = easiest); ` +
          'write the answers reversed (8 - answer on a 1-7 scale) in a column of their own and import it with --map ces=COLUMN',
      )
    }
    columns[field] = h
    used.add(h)
    found[field] = h
  }
  if (['nps', 'ces', 'csat'].every((f) => columns[f] === undefined)) {
    const bare = headers.find((x) => !used.has(x) && BARE_ANSWER.has(fold(x)))
    if (bare !== undefined) {
      throw new ImportError(
        `${file}: the column ${bare} may hold NPS (0-10), CES (1-7) or CSAT (1-5) answers; ` +
          `say which, e.g. --map nps=${bare}`,
      )
    }
  }
  return Object.keys(found).length > 0 ? { questions: found } : {}
}

/**
 * What an export writes after a column's name: its currency, tax or time zone (folded). Any other
 * ISO code is a qualifier too when written as a code (codeQualifier).
 */
const QUALIFIERS = new Set([
  'usd',
  'eur',
  'gbp',
  'cad',
  'aud',
  'chf',
  'jpy',
  'sek',
  'nok',
  'dkk',
  'pln',
  'inr',
  'brl',
  'mxn',
  'nzd',
  'sgd',
  'hkd',
  'cny',
  'czk',
  'huf',
  'inctax',
  'incltax',
  'exctax',
  'excltax',
  'extax',
  'inclvat',
  'exclvat',
  'incvat',
  'exvat',
  'gross',
  'net',
  'utc',
  'gmt',
  'local',
  'localtime',
])

/**
 * The ISO 4217 code a header ends in written apart from its name as a code is (`Amount (KWD)`,
 * `[kwd]`, `amount_kwd`, `Total KWD`), upper case: any code Intl knows, beyond the common ones of
 * QUALIFIERS. A word that is also a code, written as a word, is none (`Total All`: ALL is the
 * Albanian lek; `Amount Top`); nor is a qualifier Intl does not know (`Amount (net)`).
 */
function codeQualifier(header: string): string | null {
  const m =
    /.(?:\(\s*([A-Za-z]{3})\s*\)|\[\s*([A-Za-z]{3})\s*\]|_([A-Za-z]{3})|[\s.-]([A-Z]{3}))\s*$/.exec(
      header,
    )
  const code = (m?.[1] ?? m?.[2] ?? m?.[3] ?? m?.[4])?.toUpperCase()
  return code !== undefined && isCurrencyCode(code) ? code : null
}

/**
 * The ISO code a column's header ends in as a qualifier (`Umsatz (EUR)`, `amount_usd`,
 * `Amount (KWD)`), upper case; null when it ends in none or in one Intl does not know as a
 * currency (`Total (UTC)`).
 */
function headerCurrency(header: string | undefined): string | null {
  const folded = fold(header ?? '')
  const code = folded.slice(-3)
  if (folded.length <= 3) return null
  if (QUALIFIERS.has(code) && isCurrencyCode(code.toUpperCase())) return code.toUpperCase()
  return codeQualifier(header ?? '')
}

/** `header` is `synonym` followed by one qualifier (see {@link QUALIFIERS}, {@link codeQualifier}). */
function qualified(header: string, synonym: string): boolean {
  const folded = fold(header)
  if (folded.length <= synonym.length || !folded.startsWith(synonym)) return false
  const rest = folded.slice(synonym.length)
  return QUALIFIERS.has(rest) || codeQualifier(header)?.toLowerCase() === rest
}

/**
 * A bare "Id" column of an orders file: the order's id when a column names the customer (and none
 * the order); else the customer's (CLVTools' apparelTrans: Id,Date,Price), which is said
 * (ColumnMapping.guessedCustomer), since it may number the orders.
 */
function guessCustomer(
  headers: readonly string[],
  kind: ImportKind,
  columns: Record<string, string>,
  used: Set<string>,
): { guessedCustomer: string } | Record<string, never> {
  if (kind !== 'orders') return {}
  const h = headers.find((x) => fold(x) === 'id' && !used.has(x))
  if (h === undefined) return {}
  if (columns.customer_id !== undefined) {
    // the customer is named: a bare id is the order's own (Stripe's payments export: id, Customer
    // ID, Amount, Status), so a failed or refunded payment is netted against its order
    if (columns.order_id === undefined) {
      columns.order_id = h
      used.add(h)
    }
    return {}
  }
  columns.customer_id = h
  used.add(h)
  return { guessedCustomer: h }
}

/**
 * When the "header" is made of numbers and dates only, the file has no header line (the BTYD
 * CDNOW_sample.txt: ` 00004 0001 19970101  2   29.33`): say so rather than list data as columns.
 */
export function noHeaderHint(headers: readonly string[]): string | null {
  if (headers.length === 0 || !headers.every((h) => /^[\s\d.,:/+-]+$/.test(h))) return null
  const spaced = headers.some((h) => /\d\s+\d/.test(h.trim()))
  return (
    'Line 1 is data, not column names: the file needs a header line naming its columns ' +
    '(e.g. customer_id,ordered_at,amount)' +
    (spaced ? ', and its values are separated by runs of spaces, not by a delimiter.' : '.')
  )
}

/**
 * When the header is one column of several words (`customer_id ordered_at amount`), no delimiter
 * was found: the columns are separated by spaces, which no delimiter of a CSV is (a name may hold
 * one). Say so rather than ask for a --map of columns the file does have.
 */
export function spacedHeaderHint(headers: readonly string[]): string | null {
  const [only] = headers
  if (headers.length !== 1 || only === undefined || !/\S\s+\S/.test(only.trim())) return null
  return (
    'Line 1 reads as one column: its names are separated by spaces, not by a delimiter. ' +
    'Save the file with a comma, semicolon, tab or | between the columns.'
  )
}

/**
 * When an "orders" file is one of the tables `loyals fit` reads instead (the header names of
 * service/fit.ts ROLE_NAMES, case folded), the command to use; null otherwise. A user who passes
 * the BTYD donations table or a calibration summary to `analyze` learns where it goes, rather
 * than being asked to map columns that are not there. `fitReadable` false: the table is not a
 * plain CSV (JSON, Parquet, gzip), which fit does not read: it is said, or the advice was to run
 * fit on the file, the command that had just failed on it (`summary --format json` wrote it).
 */
export function modelTableHint(headers: readonly string[], fitReadable = true): string | null {
  const h = new Set(headers.map(fold))
  const has = (role: FitRole) => FIT_ROLE_NAMES[role].some((n) => h.has(fold(n)))
  // how the table reaches fit: as it is, or saved as a CSV first
  const fitWith = (what: string, model: string, save = 'save it as one') =>
    fitReadable
      ? `fit ${what} with \`loyals fit FILE --model ${model}\``
      : `\`loyals fit\` reads it as an uncompressed CSV file: ${save} and fit that with \`loyals fit FILE --model ${model}\``
  if (has('x') && has('tx') && has('n')) {
    return `This is a table of frequency, recency and periods for the BG/BB model, not orders: ${fitWith('it', 'bgbb')}.`
  }
  if (has('x') && has('tx') && has('T')) {
    return `This is a per-customer summary (x, t_x, T), not orders: ${fitWith('a model to it', 'bgnbd', 'write it with `loyals summary ORDERS --format csv --out FILE`')} (or pareto, mbgnbd; gg with a monetary column).`
  }
  const period = headers.some((c) => SURVIVAL_PERIOD.test(c.trim()))
  if (period && headers.some((c) => /alive|surviv|retain|retention|active/i.test(c))) {
    return `This is a survival table (the share of a cohort still active per period), not orders: ${fitWith('it', 'sbg')}.`
  }
  return null
}

/** Whether the headers are Shopify's customers export (Customer ID, First Name, Total Spent ...). */
export function shopifyCustomersExport(headers: readonly string[]): boolean {
  const folded = new Set(headers.map(fold))
  return SHOPIFY_CUSTOMER_MARKERS.filter((m) => folded.has(m)).length >= 3
}

/**
 * When an "orders" file without order dates is a customers export (Shopify's: Customer ID, First
 * Name, Last Name, Total Spent ...; or any file with a customer id and a signup date), the flag to
 * use; null otherwise.
 */
export function customersFileHint(headers: readonly string[]): string | null {
  const folded = new Set(headers.map(fold))
  const shopify = shopifyCustomersExport(headers)
  const signup = (FIELDS.customers.find((f) => f.field === 'signup_at')?.synonyms ?? []).some((n) =>
    folded.has(n),
  )
  return shopify || signup
    ? 'This looks like a customers file (one row per customer), not orders: import it with --kind customers.'
    : null
}

/**
 * When a file imported as `kind` is plainly another kind, the `--kind` to use; null otherwise. A
 * kind fits when its required columns are all there and at least one of them is a name `kind`
 * never reads (`returned_at`, `referrer`, `ticket_id`; `ordered_at` for returns): the --map of the
 * missing field that the message gave otherwise (`--map ordered_at=returned_at`,
 * `--map returned_at=ordered_at`) stored each return as an order, or each order as a return. Of
 * several kinds that fit, the one with the most such columns; orders files are also checked for
 * customers and order lines by their own hints, after this one.
 */
export function otherKindHint(headers: readonly string[], kind: ImportKind): string | null {
  const folded = new Set(headers.map(fold))
  const read = new Set(FIELDS[kind].flatMap((s) => s.synonyms))
  // a customers file may hold a total and a date beside its customer: orders by ordersFileHint
  const candidates: readonly ImportKind[] =
    kind === 'orders' || kind === 'customers' ? EXTRA_KIND_NAMES : ['orders', ...EXTRA_KIND_NAMES]
  let best: { kind: ImportKind; own: number } | null = null
  for (const k of candidates.filter((c) => c !== kind)) {
    const found = FIELDS[k].filter((s) => s.synonyms.some((n) => folded.has(n)))
    if (FIELDS[k].some((s) => s.required && !found.includes(s))) continue
    const own = found.filter((s) => s.synonyms.some((n) => folded.has(n) && !read.has(n))).length
    if (own > 0 && (best === null || own > best.own)) best = { kind: k, own }
  }
  if (best !== null) {
    return `This looks like ${nounOf(best.kind)} (one row per ${ONE[best.kind]}), not ${nounOf(kind)}: import it with --kind ${best.kind}.`
  }
  if (kind === 'orders' || kind === 'customers') return null
  // a customers file by a signup date no order or `kind` reads by that name (not "Created at")
  const orders = new Set(FIELDS.orders.flatMap((s) => s.synonyms))
  const signup = FIELDS.customers.find((f) => f.field === 'signup_at')?.synonyms ?? []
  if (
    shopifyCustomersExport(headers) ||
    signup.some((n) => folded.has(n) && !read.has(n) && !orders.has(n))
  ) {
    return `This looks like a customers file (one row per customer), not ${nounOf(kind)}: import it with --kind customers.`
  }
  return kind === 'order-lines' ? null : orderLinesHint(headers)
}

/** A kind's rows in messages: "orders", "order lines", "survey responses". */
const nounOf = (kind: ImportKind): string =>
  kind === 'orders' || kind === 'customers'
    ? kind
    : kind === 'order-lines'
      ? 'order lines'
      : EXTRA_KINDS[kind].noun

/** What one row of each kind is, for otherKindHint. */
const ONE: Readonly<Record<ImportKind, string>> = {
  orders: 'order',
  'order-lines': 'product of an order',
  customers: 'customer',
  returns: 'return of an order',
  referrals: 'customer brought by another',
  engagement: 'event of a customer',
  surveys: 'answer to a survey',
  tickets: 'support ticket',
}

/**
 * When an "orders" file is a product catalog (a product id and its name, brand, category or price
 * on each row, no customer: the generator's products.csv, a shop's product export), that Loyals
 * imports none; null otherwise. The missing customer, date and amount said nothing of it.
 */
export function productCatalogHint(headers: readonly string[]): string | null {
  const folded = new Set(headers.map(fold))
  const product = ['productid', 'sku', 'itemid', 'variantid'].some((n) => folded.has(n))
  const about = ['productname', 'name', 'title', 'brand', 'category', 'price', 'listprice'].some(
    (n) => folded.has(n),
  )
  // order lines carry a product too, with their order (and orders a customer)
  const has = (field: string) => headers.some((h) => namedAs('orders', field, h))
  return product && about && !has('order_id') && !has('customer_id')
    ? "This looks like a product catalog (one row per product), which Loyals does not import: order lines (--kind order-lines) carry each product's name and category themselves."
    : null
}

/**
 * When an "orders" file is order lines (an order id and a product on each row, no customer and no
 * order date: the generator's order_lines.csv, a shop's line-item export), the kind to use; null
 * otherwise. The missing customer and date alone did not say which file this is.
 */
export function orderLinesHint(headers: readonly string[]): string | null {
  const folded = new Set(headers.map(fold))
  const has = (kind: 'orders' | 'order-lines', field: string) =>
    (FIELDS[kind].find((f) => f.field === field)?.synonyms ?? []).some((n) => folded.has(n))
  const product = ['product_id', 'product_name', 'category'].some((f) => has('order-lines', f))
  return product &&
    has('order-lines', 'order_id') &&
    !has('orders', 'customer_id') &&
    !has('orders', 'ordered_at')
    ? 'This looks like order lines (one row per product of an order): import it with --kind order-lines, after the orders it belongs to.'
    : null
}

/**
 * When a "customers" file is an orders export (Shopify's, one row per line item; or any file with
 * an order id, an order date and an amount), the flag to use; null otherwise. Imported as
 * customers, its line-item rows were each reported as a customer without an id.
 */
export function ordersFileHint(headers: readonly string[]): string | null {
  if (detectLayout(headers, 'orders') === 'shopify-orders') {
    return 'This looks like a Shopify orders export (one row per line item), not customers: import it with --kind orders.'
  }
  const has = (field: string) => headers.some((h) => namedAs('orders', field, h))
  return has('order_id') && has('ordered_at') && has('amount')
    ? 'This looks like an orders file (order id, order date and amount on each row), not customers: import it with --kind orders.'
    : null
}

/** Shopify orders fields beyond the generic ones. */
const SHOPIFY_ORDER_FIELDS = [
  'shopify_id',
  'order_id',
  'ordered_at',
  'total',
  'refunded',
  'financial_status',
  'cancelled_at',
  'currency',
  'discount',
  'channel',
  'line_quantity',
  'line_name',
  'line_price',
  'line_sku',
  'email',
  'billing_name',
  'phone',
  'country',
  'region',
  'city',
]

function pick(
  headers: readonly string[],
  columns: Record<string, string>,
  field: string,
  ...names: string[]
): void {
  if (columns[field] !== undefined) return
  for (const n of names) {
    const h = findHeader(headers, fold(n))
    if (h !== undefined) {
      columns[field] = h
      return
    }
  }
}

function shopifyOrders(
  headers: readonly string[],
  columns: Record<string, string>,
): Record<string, string> {
  const c = { ...columns }
  // the generic names a user maps (--map amount="Subtotal") are the fields this layout reads by
  // its own names: the amount is the order's total, the quantity its lines'
  for (const [generic, own] of [
    ['amount', 'total'],
    ['quantity', 'line_quantity'],
  ] as const) {
    if (c[generic] !== undefined && c[own] === undefined) {
      c[own] = c[generic]
      delete c[generic]
    }
  }
  pick(headers, c, 'order_id', 'Name')
  pick(headers, c, 'email', 'Email')
  pick(headers, c, 'shopify_id', 'Customer ID')
  pick(headers, c, 'ordered_at', 'Created at', 'Paid at')
  pick(headers, c, 'total', 'Total')
  pick(headers, c, 'refunded', 'Refunded Amount')
  pick(headers, c, 'financial_status', 'Financial Status')
  pick(headers, c, 'cancelled_at', 'Cancelled at')
  pick(headers, c, 'currency', 'Currency')
  pick(headers, c, 'discount', 'Discount Amount')
  pick(headers, c, 'channel', 'Source')
  pick(headers, c, 'line_quantity', 'Lineitem quantity')
  pick(headers, c, 'line_name', 'Lineitem name')
  pick(headers, c, 'line_price', 'Lineitem price')
  pick(headers, c, 'line_sku', 'Lineitem sku')
  pick(headers, c, 'billing_name', 'Billing Name')
  // a guest or point-of-sale order without an email is known by its phone
  pick(headers, c, 'phone', 'Phone', 'Billing Phone', 'Shipping Phone')
  pick(headers, c, 'country', 'Billing Country', 'Shipping Country')
  pick(headers, c, 'region', 'Billing Province', 'Shipping Province')
  pick(headers, c, 'city', 'Billing City', 'Shipping City')
  return c
}

function shopifyCustomers(
  headers: readonly string[],
  columns: Record<string, string>,
): Record<string, string> {
  const c = { ...columns }
  pick(headers, c, 'shopify_id', 'Customer ID')
  pick(headers, c, 'email', 'Email')
  pick(headers, c, 'first_name', 'First Name')
  pick(headers, c, 'last_name', 'Last Name')
  pick(headers, c, 'phone', 'Phone', 'Default Address Phone')
  pick(headers, c, 'country', 'Default Address Country Code', 'Country Code', 'Country')
  pick(headers, c, 'region', 'Default Address Province Code', 'Province Code', 'Province')
  pick(headers, c, 'city', 'Default Address City', 'City')
  pick(headers, c, 'signup_at', 'Created At', 'Created at')
  // the customer's email marketing consent (older exports: Accepts Marketing); yes / no
  pick(headers, c, 'marketing_consent', 'Accepts Email Marketing', 'Accepts Marketing')
  return c
}
