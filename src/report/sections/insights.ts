// The insights sections: one per analysis, each a table (and bars or a shaded matrix) read from the
// `insights` block. A summary without that block renders nothing, so these can join any report.
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import { MIN_SILENCE_DAYS } from '../../service/insights/lapsed-best.ts'
import {
  escapeHtml,
  formatCount,
  formatInt,
  formatMoney,
  formatNumber,
  formatPct,
  formatTopShare,
} from '../format.ts'
import {
  type Column,
  dateColumn,
  htmlTable,
  kpi,
  labelColumn,
  shareWithBar,
  withCode,
} from '../html.ts'
import type { ReportSection } from '../render.ts'
import { mixColor, textColorOn } from '../svg.ts'

/** The analysis summary, whose optional `insights` block these sections read. */
export type WithInsights = AnalysisSummary
type Section = ReportSection<WithInsights>

const p = (v: number) => (v < 1e-4 ? v.toExponential(1) : v.toFixed(4))
/** Value expressions that count purchases or days rather than money. */
const COUNT_VALUES = new Set([
  'orders',
  'purchase_days',
  'repeat_purchase_days',
  'x',
  'tenure_days',
])

/**
 * The value that ranks the cohort, in words for the default expressions (defaultValueExpression)
 * and the columns named most; any other expression as given (`--value`), which the user wrote.
 */
const VALUE_WORDS: Readonly<Record<string, string>> = {
  total_value: 'total value: past and predicted profit with referrals',
  'revenue + coalesce(predicted_value, 0)': 'revenue plus predicted value',
  revenue: 'revenue',
  orders: 'orders',
  predicted_value: 'predicted value',
  historical_profit: 'past profit',
}
const valueWords = (expr: string): string => VALUE_WORDS[expr.trim()] ?? `value = ${expr}`

/** An interval as "lo to hi": a dash between signed figures read "-27–-20". */
const range = (lo: string, hi: string) => `${lo} to ${hi}`
const ci = (lo: number, hi: number) => range(formatPct(lo), formatPct(hi))
const para = (s: string) => `<p>${escapeHtml(s)}</p>`
/**
 * Under a list cut short: how many of how many it shows and the file holding them all (`loyals
 * insights` writes it; analyze does not). Empty when the list is whole.
 * @example cutNote(50, 115, 'lapsed_best.csv')
 */
const cutNote = (shown: number, all: number, file: string, what = '') =>
  shown < all
    ? `<p class="meta">${withCode(`Showing ${formatInt(shown)} of ${formatInt(all)}${what}; \`loyals insights\` writes them all to ${file}.`)}</p>`
    : ''
/**
 * Above the list of rising stars, when it runs past the high-propensity candidates: which of its
 * rows those are (the list is the highest scores, whether or not they reach the threshold).
 */
const aboveThreshold = (rs: {
  list: readonly unknown[]
  highPropensity: number
  threshold: number
}) =>
  rs.list.length > rs.highPropensity
    ? para(
        rs.highPropensity === 0
          ? `No candidate reaches the threshold of ${formatPct(rs.threshold)} (the validation's top-k score); these are the highest scores.`
          : `The first ${formatInt(rs.highPropensity)} reach the threshold of ${formatPct(rs.threshold)} (the validation's top-k score): the high-propensity candidates; the others are the next highest.`,
      )
    : ''
/** A table, or a sentence saying why there is none (a header row alone reads as a bug). */
const tableOr = <R>(cols: Column<R>[], rows: readonly R[], empty: string) =>
  rows.length > 0 ? htmlTable(cols, rows) : `<p class="meta">${escapeHtml(empty)}</p>`

export const icpSection: Section = {
  id: 'icp',
  title: 'Ideal customer profile',
  lead: 'What the top cohort has in common, written from the analyses below; each sentence rests on a significant figure.',
  render(s) {
    const i = s.insights
    if (!i) return ''
    const c = i.cohort
    // a value that counts (--value orders on a transaction log) is no money: "8", not "8.00"
    const counted = COUNT_VALUES.has(c.valueExpression.trim()) ? c.valueExpression.trim() : null
    const cards = [
      kpi(
        'Top cohort',
        formatInt(c.top),
        `${formatTopShare(c.topShare, c.top, c.eligible)} customers with ${c.minHistoryDays}+ days`,
      ),
      kpi('Their share of value', formatPct(c.topValueShare), valueWords(c.valueExpression)),
      kpi(
        'Entry threshold',
        counted ? formatNumber(c.threshold, 0) : formatMoney(c.threshold, s.currency),
        `smallest value in the cohort${counted ? ` (${counted.replaceAll('_', ' ')})` : ''}`,
      ),
    ]
    const notes = i.notes.length
      ? `<ul class="notes">${i.notes.map((n) => `<li>${withCode(n)}</li>`).join('')}</ul>`
      : ''
    return `<div class="kpis">${cards.join('')}</div>${i.icp.map(para).join('')}${notes}`
  },
}

export const pathToBestSection: Section = {
  id: 'path-to-best',
  title: 'Path to best',
  lead: 'First-order combinations and their chance of reaching the top cohort. q: the combination against all other customers; q vs parts: against the customers with each of its parts one item smaller, which decides whether it is productive (below 0.05). Both Benjamini-Hochberg adjusted.',
  render(s) {
    const pb = s.insights?.pathToBest
    if (!pb) return ''
    const max = Math.max(0, ...pb.itemsets.map((r) => r.rate))
    type R = (typeof pb.itemsets)[number]
    const cols: Column<R>[] = [
      labelColumn('First order held', (r) => r.items.join(' + '), 'wrap'),
      { header: 'Customers', num: true, cell: (r) => formatInt(r.customers) },
      { header: 'Support', num: true, cell: (r) => formatPct(r.support, 2) },
      {
        header: 'P(top)',
        num: true,
        className: 'bar-cell',
        cell: (r) => shareWithBar(r.rate, max),
      },
      { header: '95 % CI', num: true, cell: (r) => ci(r.lower, r.upper) },
      { header: 'Lift', num: true, cell: (r) => formatNumber(r.lift, 2) },
      { header: 'q', num: true, cell: (r) => p(r.qValue) },
      { header: 'q vs parts', num: true, cell: (r) => p(r.productiveQ) },
      { header: 'Productive', cell: (r) => (r.productive ? 'yes' : 'no') },
    ]
    type P = (typeof pb.paths)[number]
    const pcols: Column<P>[] = [
      labelColumn('First order', (r) => r.first),
      labelColumn('Then', (r) => r.second),
      { header: 'Customers', num: true, cell: (r) => formatInt(r.customers) },
      { header: 'P(top)', num: true, cell: (r) => formatPct(r.rate) },
      { header: '95 % CI', num: true, cell: (r) => ci(r.lower, r.upper) },
      { header: 'Lift', num: true, cell: (r) => formatNumber(r.lift, 2) },
      { header: 'q', num: true, cell: (r) => p(r.qValue) },
    ]
    const base = pb.pathBase
    const pathLead =
      base && base.customers > 0
        ? para(
            `Among the ${formatInt(base.customers)} customers with a second purchase (and a category in both orders), ${formatPct(base.rate)} reach the top cohort: lift is over that rate, and only paths above it are listed (${formatInt(pb.pathsTested ?? 0)} paths with at least ${pb.minCount} customers tested; q is Benjamini-Hochberg over them).`,
          )
        : ''
    return `${para(`Base rate: ${formatPct(pb.baseRate)} of ${formatInt(pb.baskets)} customers reach the top cohort; ${formatInt(pb.tested)} combinations with at least ${pb.minCount} customers were tested.`)}
${tableOr(cols, pb.itemsets, `No first-order combination is held by ${pb.minCount} or more customers yet: none to compare.`)}${cutNote(pb.itemsets.length, pb.tested, 'path_to_best.csv', ' combinations tested')}<h3>Best paths from new to loyal</h3>${pathLead}${tableOr(pcols, pb.paths, `No first-to-second order path has ${pb.minCount}+ customers and leads to the top cohort more often than the other repeat buyers (paths need order lines with categories, and ${pb.minCount} customers taking one).`)}`
  },
}

export const risingStarsSection: Section = {
  id: 'rising-stars',
  title: 'Rising stars',
  lead: 'New customers whose first weeks look like those of the top cohort, but who have not spent like them yet.',
  render(s) {
    const rs = s.insights?.risingStars
    if (!rs) return ''
    const expression = s.insights?.cohort.valueExpression ?? null
    const counted = expression !== null && COUNT_VALUES.has(expression.trim())
    const v = rs.validation
    const cards = [
      kpi(
        'AUC (later cohort)',
        formatNumber(v.auc, 3),
        `${formatCount(v.customers, 'customer')}, trained on ${formatInt(rs.train.customers)} earlier ones`,
      ),
      kpi(
        `Precision at top ${formatInt(v.k)}`,
        formatPct(v.precisionAtK),
        `${formatNumber(v.liftAtK, 1)}× the base rate`,
      ),
      kpi(
        'High-propensity candidates',
        formatInt(rs.highPropensity),
        `of ${formatInt(rs.candidates)} new customers below the top`,
      ),
    ]
    // the bands come lowest score first, cut at the score deciles (a band of tied scores can be
    // empty and is left out): each row is named by its place, or the rows read as unlabelled
    type C = (typeof v.calibration)[number] & { readonly band: number }
    const bands: C[] = v.calibration.map((r, i) => ({ ...r, band: i + 1 }))
    const last = bands.length
    const cal: Column<C>[] = [
      {
        header: 'Score band',
        cell: (r) =>
          `${formatInt(r.band)}${r.band === 1 ? ' (lowest)' : r.band === last ? ' (highest)' : ''}`,
      },
      { header: 'Customers', num: true, cell: (r) => formatInt(r.n) },
      { header: 'Predicted', num: true, cell: (r) => formatPct(r.meanPredicted) },
      { header: 'Observed', num: true, cell: (r) => formatPct(r.observedRate) },
      { header: '95 % CI', num: true, cell: (r) => ci(r.lower, r.upper) },
    ]
    type L = (typeof rs.list)[number]
    const list: Column<L>[] = [
      labelColumn('Customer', (r) => r.customerId, 'id'),
      { header: 'Propensity', num: true, cell: (r) => formatPct(r.propensity) },
      {
        header: 'Value',
        num: true,
        // a value that counts (--value orders) is no money, as the cohort's threshold shows it
        cell: (r) => (counted ? formatNumber(r.value, 0) : formatMoney(r.value, s.currency)),
      },
      labelColumn('Why', (r) => r.reasons.map((x) => x.text).join('; '), 'wrap'),
    ]
    const valueNote =
      rs.list.length > 0 && expression !== null
        ? `<p class="meta">Value: the customer's ${escapeHtml(valueWords(expression))} so far, the measure that ranks the top cohort.</p>`
        : ''
    return `<div class="kpis">${cards.join('')}</div><h3>Calibration on the later cohort</h3>${bands.length > 0 ? para(`The later cohort in bands of about a tenth each by score, lowest first${bands.length < 10 ? ' (customers of one score share a band, so there are fewer)' : ''}: the mean predicted chance of reaching the top beside the share that did.`) : ''}${tableOr(cal, bands, 'No calibration bins.')}<h3>Highest propensity</h3>${aboveThreshold(rs)}${valueNote}${tableOr(list, rs.list, rs.candidates === 0 ? `No candidate to score: no customer below the top cohort's value is newer than the ${formatCount(s.insights?.cohort.minHistoryDays ?? 0, 'day')} of history a ranked customer has.` : 'No candidate scored.')}${cutNote(rs.list.length, rs.candidates, 'rising_stars.csv', ' candidates, highest propensity first')}`
  },
}

/**
 * What the lapsed best bought in a year, in money; in purchases when the orders carry no amounts
 * (a transaction log: their money at stake would read 0.00).
 */
export function lapsedStake(
  lb: {
    readonly priced: boolean
    readonly valueAtStake: number
    readonly purchasesAtStake: number
  },
  currency: string | null,
): string {
  return lb.priced
    ? formatMoney(lb.valueAtStake, currency)
    : `${formatNumber(lb.purchasesAtStake, 0)} purchases`
}

export const lapsedBestSection: Section = {
  id: 'lapsed-best',
  title: 'Lapsed best customers',
  lead: 'Best customers (now or within the last months) who have gone quiet for much longer than usual for them, most value at stake first.',
  render(s) {
    const lb = s.insights?.lapsedBest
    if (!lb) return ''
    type L = (typeof lb.list)[number]
    const cols: Column<L>[] = [
      labelColumn('Customer', (r) => r.customerId, 'id'),
      lb.priced
        ? {
            header: 'Value at stake / year',
            num: true,
            cell: (r) => formatMoney(r.valueAtStake, s.currency),
          }
        : {
            header: 'Purchases / year',
            num: true,
            cell: (r) => formatNumber(r.purchasesAtStake, 1),
          },
      ...(lb.priced
        ? [{ header: 'Revenue', num: true, cell: (r: L) => formatMoney(r.revenue, s.currency) }]
        : []),
      dateColumn('Last order', (r) => r.lastPurchase),
      { header: 'Days silent', num: true, cell: (r) => formatInt(r.daysSinceLast) },
      {
        header: 'Usual gap (days)',
        num: true,
        cell: (r) => (r.usualGap === null ? '–' : formatInt(Math.round(r.usualGap))),
      },
      {
        header: 'P(alive)',
        num: true,
        cell: (r) => (r.pAlive === null ? '–' : formatPct(r.pAlive)),
      },
    ]
    return `${para(`${formatInt(lb.customers)} lapsed best customer${lb.customers === 1 ? '' : 's'}, ${lapsedStake(lb, s.currency)} a year at stake (silent longer than ${lb.gapFactor}× their usual gap and ${MIN_SILENCE_DAYS} days${lb.pAliveThreshold !== null ? `, or P(alive) < ${lb.pAliveThreshold}` : ''}).`)}${tableOr(cols, lb.list, 'No best customer has gone quiet.')}${cutNote(lb.list.length, lb.customers, 'lapsed_best.csv', ', most value at stake first')}`
  },
}

export const overIndexSection: Section = {
  id: 'over-index',
  title: 'Where the best over-index',
  lead: 'Attribute levels far more (or less) common among the top cohort than among all customers; index 100 = as common; Holm-adjusted p < 0.05.',
  render(s) {
    const oi = s.insights?.overIndex
    if (!oi) return ''
    type L = (typeof oi.significant)[number]
    const max = Math.max(0, ...oi.significant.map((l) => l.index))
    const cols: Column<L>[] = [
      labelColumn('Attribute', (r) => r.attribute),
      labelColumn('Level', (r) => r.level),
      { header: 'Share of top', num: true, cell: (r) => formatPct(r.shareTop) },
      { header: 'Share of all', num: true, cell: (r) => formatPct(r.shareAll) },
      {
        header: 'Index',
        num: true,
        className: 'bar-cell',
        cell: (r) =>
          `${formatInt(Math.round(r.index))}<span class="track"><span class="bar" style="width:${Math.min(100, (r.index / Math.max(max, 1)) * 100).toFixed(1)}%"></span></span>`,
      },
      {
        header: '95 % CI',
        num: true,
        cell: (r) =>
          Number.isFinite(r.indexUpper)
            ? range(formatInt(Math.round(r.indexLower)), formatInt(Math.round(r.indexUpper)))
            : `${formatInt(Math.round(r.indexLower))} or more`,
      },
      { header: 'Holm p', num: true, cell: (r) => p(r.pHolm) },
    ]
    type C = (typeof oi.categories)[number]
    const ccols: Column<C>[] = [
      labelColumn('Category', (r) => r.category),
      { header: 'Orders', num: true, cell: (r) => formatInt(r.orders) },
      { header: 'Return rate', num: true, cell: (r) => formatPct(r.returnRate) },
      { header: 'First buyers', num: true, cell: (r) => formatInt(r.firstCustomers) },
      { header: 'Repeat rate', num: true, cell: (r) => formatPct(r.repeatRate) },
      { header: 'Toxic', cell: (r) => (r.toxic === null ? '–' : r.toxic ? 'yes' : 'no') },
    ]
    const sig = oi.significant.length
      ? htmlTable(cols, oi.significant)
      : oi.levels.length === 0
        ? para(
            oi.attributesCompared.length > 0
              ? `Too few customers to compare: no value of ${oi.attributesCompared.join(', ')} is held by ${oi.minCount} customers.`
              : oi.attributesTooRecent.length > 0
                ? // imported, but none of the customers with enough history has a value: another
                  // import would change nothing (the note says the same)
                  `Not compared yet: only customers with less than ${formatCount(oi.minHistoryDays, 'day')} of history have a value for ${oi.attributesTooRecent.join(', ')}.`
                : 'No customer attribute to compare: import customers with a country, region, industry or channel, or order lines with categories.',
          )
        : para('No attribute level differs significantly between the top cohort and the rest.')
    return `${sig}<h3>Categories: returns and repeat</h3>${tableOr(ccols, oi.categories, 'No categories to compare (they come from order lines with a category).')}`
  },
}

/** One cohort × month matrix as read from the insights block (row-major, null = not observed). */
interface CohortMatrix {
  readonly cohorts: readonly string[]
  readonly sizes: readonly number[]
  readonly periods: number
  readonly values: readonly (number | null)[]
  /** Per month, weighted over the cohorts that lived through it; null where none did. */
  readonly average: readonly (number | null)[]
  /**
   * Cohorts whose values are undefined rather than unobserved (no first-month revenue), with the
   * cells they have lived through (non-null there): shown "n/a", not blank.
   */
  readonly undefinedRows?: {
    readonly cohorts: readonly string[]
    readonly lived: readonly (number | null)[]
  }
}

/**
 * A shaded cohort × months-since-acquisition table, every month some cohort has lived through (the
 * later columns would be empty for all), scrolling sideways when it is wider than the page. Empty
 * cells are months a cohort has not reached yet, not zero retention.
 */
/** What a retention table says when no cohort has lived through a whole month. */
const NO_WHOLE_MONTH =
  'No acquisition month is complete yet: a month counts once the as-of date reaches its last day.'

/** Cohort rows a retention table shows: the latest three years of acquisition months. */
export const SHOWN_COHORTS = 36

/**
 * The type size a retention table of `columns` columns prints at: 11 px like the other tables when
 * it fits the A4 page's 718 px, smaller down to 6.5 px for many months. Measured in Chromium, a
 * column takes about 8 px plus 2.5 times the type size.
 * @example retentionPrintPx(20) // 11
 */
export function retentionPrintPx(columns: number): number {
  const px = (718 / Math.max(1, columns) - 8) / 2.5
  return Math.round(Math.min(11, Math.max(6.5, px)) * 10) / 10
}

/**
 * The months a retention table shows: up to the last one some cohort has lived through, in its
 * values or as a row without a first month to compare with (the revenue table's "n/a" cells: a
 * month such a cohort lived through was cut from the revenue table the customers' one showed).
 */
function shownMonths(
  m: Pick<CohortMatrix, 'cohorts' | 'periods' | 'values' | 'undefinedRows'>,
): number {
  const undefinedRow = new Set(m.undefinedRows?.cohorts ?? [])
  const seen = (j: number) =>
    m.cohorts.some(
      (c, i) =>
        m.values[i * m.periods + j] != null ||
        (undefinedRow.has(c) && m.undefinedRows?.lived[i * m.periods + j] != null),
    )
  let shown = m.periods
  while (shown > 1 && !seen(shown - 1)) shown--
  return shown
}

export function retentionTable(m: CohortMatrix, caption: string): string {
  if (m.cohorts.length === 0) return '<p class="meta">No acquisition cohorts yet.</p>'
  if (m.values.every((v) => v === null) && (m.undefinedRows?.cohorts.length ?? 0) === 0) {
    return `<p class="meta">${NO_WHOLE_MONTH}</p>`
  }
  const shown = shownMonths(m)
  const months = Array.from({ length: shown }, (_, j) => j)
  const undefinedRow = new Set(m.undefinedRows?.cohorts ?? [])
  const cell = (v: number | null | undefined, i: number, j: number) => {
    if (undefinedRow.has(m.cohorts[i] ?? '') && m.undefinedRows?.lived[i * m.periods + j] != null) {
      return '<td class="num meta" title="no revenue in the first month: no share of it">n/a</td>'
    }
    if (v === null || v === undefined) return '<td></td>'
    // revenue can pass 100 % of the first month: the colour saturates there
    const fill = mixColor('#eef6f5', '#0f5c55', Math.sqrt(Math.min(1, Math.max(0, v))))
    return `<td class="num" style="background:${fill};color:${textColorOn(fill)}">${formatPct(v, 0)}</td>`
  }
  const head = `<tr><th scope="col">Cohort</th><th scope="col" class="num">Customers</th>${months.map((j) => `<th scope="col" class="num">${j}</th>`).join('')}</tr>`
  // the latest SHOWN_COHORTS months: twenty years of history made 230 rows a table (half the
  // page); the all-cohort row below still averages every cohort, and cohorts.csv lists them all
  const first = Math.max(0, m.cohorts.length - SHOWN_COHORTS)
  const rows = m.cohorts
    .map(
      (c, i) =>
        `<tr><td>${escapeHtml(c)}</td><td class="num">${formatInt(m.sizes[i] ?? 0)}</td>${months.map((j) => cell(m.values[i * m.periods + j], i, j)).join('')}</tr>`,
    )
    .slice(first)
    .join('\n')
  const left =
    first > 0
      ? `<p class="meta">${escapeHtml(`The latest ${SHOWN_COHORTS} of ${formatInt(m.cohorts.length)} cohorts; the ${formatInt(first)} before ${m.cohorts[first] ?? ''} are in cohorts.csv and in the all-cohort row.`)}</p>`
      : ''
  // the all-cohort row counts the customers its averages are over: not a cohort with no month
  // observed yet (the as-of month's) nor one whose shares are undefined (n/a)
  const inAverage = (i: number) =>
    m.values[i * m.periods] != null && !undefinedRow.has(m.cohorts[i] ?? '')
  const total = m.sizes.reduce((a, b, i) => a + (inAverage(i) ? b : 0), 0)
  const unobserved = m.sizes.reduce(
    (a, b, i) =>
      a + (m.values[i * m.periods] == null && !undefinedRow.has(m.cohorts[i] ?? '') ? b : 0),
    0,
  )
  const foot = `<tfoot><tr><td>All cohorts</td><td class="num">${formatInt(total)}</td>${months.map((j) => `<td class="num">${formatPct(m.average[j] ?? null, 0)}</td>`).join('')}</tr></tfoot>`
  const na = undefinedRow.size
  const naNote =
    na > 0
      ? `<p class="meta">${escapeHtml(`n/a: ${formatCount(na, 'cohort')} had no revenue above 0 in ${na === 1 ? 'its' : 'their'} first month (free first orders, or refunds as large as them), so no share of it can be given; ${na === 1 ? 'it is' : 'they are'} left out of the all-cohort row.`)}</p>`
      : ''
  const unobservedNote =
    unobserved > 0
      ? `<p class="meta">${escapeHtml(`The all-cohort row leaves out ${formatCount(unobserved, 'customer')} of the as-of month, which is not complete yet (a month counts once the as-of date reaches its last day).`)}</p>`
      : ''
  // on paper every month must fit the page: only a table too wide for it prints smaller (all were
  // at 7.5 px, 18 months that fit at 11 px among them)
  const print = `--print-font:${retentionPrintPx(months.length + 2)}px`
  return `<div class="scroll"><table class="retention" style="${print}" aria-label="${escapeHtml(caption)}"><thead>${head}</thead><tbody>${rows}</tbody>${foot}</table></div>${left}${naNote}${unobservedNote}`
}

export const cohortsSection: Section = {
  id: 'cohorts-kpis',
  title: 'Cohorts and KPIs',
  lead: 'Share of each acquisition month still buying in each later month (customers, and revenue against the first month), and the retention KPIs.',
  render(s) {
    const k = s.insights?.kpis
    if (!k) return ''
    const r = k.retention
    const customerMatrix = retentionTable(
      {
        cohorts: r.cohorts,
        sizes: r.sizes,
        periods: r.periods,
        values: r.customers,
        average: r.averageCustomers,
      },
      'Customer retention by acquisition month',
    )
    // a transaction log without amounts has no first-month revenue to compare against
    const revenueMatrix = !s.revenue.measured
      ? '<p class="meta">No cohort has revenue in its first month (orders without amounts).</p>'
      : r.customers.every((v) => v === null)
        ? `<p class="meta">${NO_WHOLE_MONTH}</p>`
        : retentionTable(
            {
              cohorts: r.cohorts,
              sizes: r.sizes,
              periods: r.periods,
              values: r.revenue,
              average: r.averageRevenue,
              // older insights.json files have no such list
              undefinedRows: { cohorts: r.noRevenueBase ?? [], lived: r.customers },
            },
            'Revenue retention by acquisition month',
          )
    // the columns stop at the insights' limit, not at the data's end: said, so a cohort of three
    // years does not read as one that stopped buying after two
    // the months the customers' table shows (the revenue table's are as many or fewer): fewer
    // than the limit when the oldest cohort is younger, said so rather than "0 to 23" over five
    const shown =
      r.periods > 0
        ? shownMonths({ cohorts: r.cohorts, periods: r.periods, values: r.customers })
        : 0
    const span =
      r.periods === 0
        ? ''
        : shown < r.periods
          ? `<p class="meta">Columns are months since the acquisition month, 0 to ${shown - 1}: as far as the oldest cohort has been seen (up to the first ${formatInt(r.periods)} months of each cohort are shown).</p>`
          : `<p class="meta">Columns are months since the acquisition month, 0 to ${r.periods - 1}: the first ${formatInt(r.periods)} months of each cohort, however long the data runs.</p>`
    type Rr = (typeof k.retentionRate)[number]
    const rrCols: Column<Rr>[] = [
      dateColumn('Month', (x) => x.month),
      { header: 'Start (S)', num: true, cell: (x) => formatInt(x.start) },
      { header: 'New', num: true, cell: (x) => formatInt(x.acquired) },
      { header: 'Reactivated', num: true, cell: (x) => formatInt(x.reactivated) },
      { header: 'End (E)', num: true, cell: (x) => formatInt(x.end) },
      {
        header: '(E − N) / S',
        num: true,
        className: 'bar-cell',
        cell: (x) => shareWithBar(x.rate, 1),
      },
    ]
    const sp = k.secondPurchase
    const cards = [
      kpi(
        'Repeat purchase rate',
        formatPct(k.repeatRate.estimate),
        `95 % CI ${ci(k.repeatRate.lower, k.repeatRate.upper)}`,
      ),
      kpi(
        'Median days to 2nd purchase',
        sp.medianDays === null ? 'not reached' : formatInt(sp.medianDays),
        `Kaplan-Meier, ${formatInt(sp.events)} of ${formatInt(sp.customers)} came back${(sp.quartileAtRisk?.[1] ?? Infinity) < sp.minAtRisk ? `; only ${formatCount(sp.quartileAtRisk?.[1] ?? 0, 'customer')} still waiting at the median` : ''}`,
      ),
      kpi(
        'Retention rate (last month)',
        formatPct(k.retentionRate.at(-1)?.rate ?? null),
        '(E − N) / S, N = new + reactivated, active = bought in the last 365 days',
      ),
    ]
    type W = (typeof sp.within)[number]
    const quartiles = sp.quartileDays
      .map((d, i) => {
        if (d === null) return null
        // reached by the returns of the last few still waiting: their time, not the group's
        const atRisk = sp.quartileAtRisk?.[i] ?? null
        const few =
          atRisk !== null && atRisk < sp.minAtRisk
            ? ` (only ${formatCount(atRisk, 'customer')} still waiting then)`
            : ''
        return `${[25, 50, 75][i]} % by day ${formatInt(d)}${few}`
      })
      .filter((x) => x !== null)
    const comeback =
      sp.customers > 0
        ? `${htmlTable<W>(
            [
              { header: 'Within', cell: (x) => `${formatInt(x.days)} days` },
              {
                header: 'Came back',
                num: true,
                className: 'bar-cell',
                cell: (x) => (x.share === null ? 'not observed yet' : shareWithBar(x.share, 1)),
              },
            ],
            sp.within,
          )}<p class="meta">${escapeHtml(
            `Kaplan-Meier over ${formatCount(sp.customers, 'customer')} (those not back yet count for the days seen so far)${quartiles.length ? `; ${quartiles.join(', ')}` : ''}.`,
          )}</p>`
        : '<p class="meta">No customers to follow yet.</p>'
    type St = (typeof k.stickiness)[number]
    const st: Column<St>[] = [
      labelColumn('By', (x) => x.attribute),
      labelColumn('Level', (x) => x.level),
      { header: 'Customers', num: true, cell: (x) => formatInt(x.customers) },
      { header: '2nd purchase ≤ 90 days', num: true, cell: (x) => formatPct(x.rate) },
      { header: '95 % CI', num: true, cell: (x) => ci(x.lower, x.upper) },
    ]
    // an attribute absent from the data is said to be so, not shown as one row of everyone
    const missing = k.stickinessMissing ?? []
    const noData =
      missing.length > 0
        ? `<p class="note">No acquisition ${missing.map(escapeHtml).join(' or ')} in the data: not compared.</p>`
        : ''
    const stickinessTable =
      k.stickiness.length === 0 && missing.length > 0
        ? noData
        : `${tableOr(st, k.stickiness, 'No new customers to follow yet.')}${noData}`
    type G = NonNullable<typeof k.nps>[number]
    const g = (title: string, rows: readonly G[] | null, fmt: (v: number) => string) =>
      rows
        ? `<h3>${escapeHtml(title)}</h3>${htmlTable<G>(
            [
              labelColumn('Group', (x) => `${x.kind}: ${x.group}`),
              { header: 'n', num: true, cell: (x) => formatInt(x.n) },
              { header: title, num: true, cell: (x) => fmt(x.value) },
              {
                header: '95 % CI',
                num: true,
                // a group of one answer has no interval
                cell: (x) =>
                  x.lower === null || x.upper === null ? '–' : range(fmt(x.lower), fmt(x.upper)),
              },
            ],
            rows,
          )}`
        : ''
    return `<div class="kpis">${cards.join('')}</div><h3>Customer retention by acquisition month (months since)</h3>${span}${customerMatrix}<h3>Revenue retention by acquisition month (share of the first month's revenue)</h3>${revenueMatrix}<div class="split"><div><h3>Customer retention rate by month</h3>${tableOr(rrCols, k.retentionRate, 'No months to measure yet.')}</div><div><h3>Time to second purchase</h3>${comeback}</div></div><h3>New-customer stickiness</h3>${stickinessTable}${g('NPS', k.nps, (v) => formatNumber(v, 0))}${g('CES', k.ces, (v) => formatNumber(v, 2))}${g('Ticket resolution', k.ticketResolution, (v) => formatPct(v))}${g('Return rate', k.returnRate, (v) => formatPct(v))}`
  },
}

export const surveySection: Section = {
  id: 'survey-lists',
  title: 'Survey lists',
  lead: 'A seeded random sample per segment (and tier) to interview; the command loyals insights writes the list as survey_samples.csv.',
  render(s) {
    const sv = s.insights?.surveys
    if (!sv || sv.groups.length === 0) return ''
    type G = (typeof sv.groups)[number]
    const resting = sv.groups.some((g) => g.resting > 0)
    const table = htmlTable<G>(
      [
        labelColumn('Group', (x) => `${x.kind}: ${x.group}`),
        { header: 'Sampled', num: true, cell: (x) => formatInt(x.sampled) },
        ...(resting
          ? [
              {
                header: 'Resting',
                num: true,
                cell: (x: G) => formatInt(x.resting),
              },
            ]
          : []),
      ],
      sv.groups,
    )
    const note =
      sv.restDays > 0
        ? `<p class="note">Customers who answered a survey in the ${formatInt(sv.restDays)} days up to the as-of date rest: they are not sampled (${resting ? 'the Resting column counts them' : 'none did'}).</p>`
        : ''
    return table + note
  },
}

/** The insights sections in reading order. */
export function insightsSections(): Section[] {
  return [
    icpSection,
    pathToBestSection,
    risingStarsSection,
    lapsedBestSection,
    overIndexSection,
    cohortsSection,
    surveySection,
  ]
}
