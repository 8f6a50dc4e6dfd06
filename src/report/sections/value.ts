// Customer value: what customers are worth after the cost of serving them, who is served at a
// loss, who brings other customers, and the tiers with their service levels. Reads summary.value.
import { hours } from '../../core/value/reasons.ts'
import { wordList } from '../../core/words.ts'
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import type {
  LossCustomer,
  ReferralTreeNodeSummary,
  TierSummary,
  TopReferrer,
  ValueSummary,
} from '../../service/value-summary.ts'
import {
  escapeHtml,
  formatCount,
  formatInt,
  formatMoney,
  formatMoneyCard,
  formatMoneyCompact,
  formatMoneyExact,
  formatPct,
} from '../format.ts'
import { type Column, chartData, clipped, htmlTable, kpi, labelColumn } from '../html.ts'
import type { ReportSection } from '../render.ts'
import { waterfallChart } from '../waterfall.ts'

const TYPE_NAMES: Record<string, string> = {
  lucrative_loyal: 'Lucrative loyal',
  limited_loyal: 'Limited loyal',
  lazy_loyal: 'Lazy loyal',
  one_time_buyer: 'One-time buyer',
  lapsed: 'Lapsed',
}

const TYPE_NOTES: Record<string, string> = {
  lucrative_loyal:
    'high value, repeat buying and connected (referrals, reviews, engagement, promoter)',
  limited_loyal: 'buys again but the bond is thin: a detractor, a switching cost, or no engagement',
  lazy_loyal: 'buys again out of habit or for the price',
  one_time_buyer: 'one purchase day so far',
  lapsed: 'a repeat buyer who has most likely stopped',
}

/** What a loyalty type means, with the one-time buyer's threshold when the rules raise it. */
function typeNote(type: string, minRepeat: number | undefined): string {
  if (type === 'one_time_buyer' && minRepeat !== undefined && minRepeat > 1) {
    return `fewer than ${formatInt(minRepeat)} repeat purchase days so far`
  }
  return TYPE_NOTES[type] ?? ''
}

/** A response-time target: minutes, hours or days. */
function minutes(m: number): string {
  return m < 60
    ? `${formatInt(m)} min`
    : m < 1440
      ? `${formatInt(m / 60)} h`
      : `${formatInt(m / 1440)} d`
}

function breakdown(v: ValueSummary): string {
  const b = v.breakdown
  const c = b.costs
  const steps = [
    { label: 'Gross margin', value: b.grossMargin, total: true },
    { label: 'Support tickets', value: -c.tickets },
    { label: 'Returns', value: -c.returns },
    { label: 'Shipping', value: -c.shipping },
    { label: 'Payment fees', value: -c.fees },
    { label: 'Discounts', value: -c.discounts },
    { label: 'Past profit', value: b.pastProfit, total: true },
    { label: 'Predicted profit', value: b.predictedProfit },
    // no referral step: referral value is the referred customers' own value again
    { label: 'Customer value', value: b.companyValue, total: true },
  ].filter((s) => s.total || s.value !== 0)
  const chart = waterfallChart(steps, {
    title: 'Customer value: margin minus the cost to serve, plus predicted profit',
    format: (x) => formatMoneyCompact(x, v.currency, v.locale),
  })
  return (
    chart +
    chartData<(typeof steps)[number]>(
      'The chart as a table',
      [
        { header: 'Part', cell: (x) => escapeHtml(x.label) },
        { header: 'Amount', num: true, cell: (x) => formatMoney(x.value, v.currency, v.locale) },
      ],
      steps,
    )
  )
}

/**
 * Why referral value is not added to the company's value: it credits referrers with value the
 * referred customers' own profit already holds. Empty without referral value.
 */
function referralCreditNote(v: ValueSummary): string {
  const b = v.breakdown
  if (b.referralValue === 0) return ''
  const money = (x: number) => formatMoney(x, v.currency, v.locale)
  return `<p class="meta">Referral credit of ${escapeHtml(money(b.referralValue))} is not added: it is the value of the customers referrers brought, already inside those customers' own past and predicted profit. Each customer's total value (customers.csv, the tiers' total value) includes their referral credit, so those add up to ${escapeHtml(money(b.totalValue))}, more than the customers are worth together.</p>`
}

function tiersTable(v: ValueSummary): string {
  const cur = v.currency
  const cols: Column<TierSummary>[] = [
    { header: 'Tier', cell: (t) => `<span class="pill">${escapeHtml(t.name)}</span>` },
    { header: 'Customers', num: true, cell: (t) => formatInt(t.customers) },
    { header: 'Share', num: true, cell: (t) => formatPct(t.share) },
    { header: 'Total value', num: true, cell: (t) => formatMoney(t.totalValue, cur, v.locale) },
    // the share of the customers' value the tier holds: own value, so that the shares add up
    { header: 'Own value', num: true, cell: (t) => formatMoney(t.ownValue, cur, v.locale) },
    { header: 'Value share', num: true, cell: (t) => formatPct(t.valueShare) },
    {
      header: 'From',
      num: true,
      // the last tier takes the rest; a tier above it without a minimum admits nobody this run
      cell: (t) =>
        t.minValue !== null
          ? formatMoneyExact(t.minValue, cur, v.locale)
          : t === v.tiers.levels[v.tiers.levels.length - 1]
            ? 'rest'
            : '–',
    },
    { header: 'Held by grace', num: true, cell: (t) => formatInt(t.heldByGrace) },
    {
      header: 'Service',
      className: 'text',
      cell: (t) =>
        escapeHtml(
          `priority ${t.serviceLevel.priority}, reply within ${minutes(t.serviceLevel.responseTargetMinutes)}` +
            (t.serviceLevel.dedicatedOwner ? ', dedicated owner' : ''),
        ),
    },
    { header: 'Outreach', className: 'text', cell: (t) => escapeHtml(t.outreach) },
    { header: 'Perks', className: 'text', cell: (t) => escapeHtml(t.perks.join(', ') || '–') },
  ]
  // a rank tier without a minimum admits nobody: said in words, not only as a dash
  const empty = v.tiers.levels.slice(0, -1).filter((t) => t.minValue === null)
  const note =
    v.tiers.basis === 'rank' && empty.length > 0
      ? `<p class="meta">${escapeHtml(wordList(empty.map((t) => t.name)))} ${empty.length === 1 ? 'has' : 'have'} no minimum this run: no customer's total value qualifies for ${empty.length === 1 ? 'it' : 'them'} (customers tied at the line of a tier above all go to that tier, a share smaller than one customer holds nobody, and no tier above the last admits a total value of 0 or less).</p>`
      : ''
  return htmlTable(cols, v.tiers.levels) + note
}

function loyaltyTable(v: ValueSummary): string {
  const n = v.breakdown.customers
  const cur = v.currency
  type T = ValueSummary['loyalty']['types'][number]
  const cols: Column<T>[] = [
    {
      header: 'Loyalty type',
      className: 'text',
      cell: (t) =>
        `<strong>${escapeHtml(TYPE_NAMES[t.type] ?? t.type)}</strong><br><span class="meta">${escapeHtml(typeNote(t.type, v.loyalty.minRepeat))}</span>`,
    },
    { header: 'Customers', num: true, cell: (t) => formatInt(t.customers) },
    { header: 'Share', num: true, cell: (t) => formatPct(n > 0 ? t.customers / n : null) },
    { header: 'Total value', num: true, cell: (t) => formatMoney(t.totalValue, cur, v.locale) },
    {
      header: 'Per customer',
      num: true,
      cell: (t) => formatMoney(t.customers > 0 ? t.totalValue / t.customers : null, cur, v.locale),
    },
  ]
  return htmlTable(cols, v.loyalty.types)
}

/** Customers left with no purchase day whose tickets and returns cost something (not valued). */
function unvaluedText(v: ValueSummary): string {
  const u = v.unvalued
  if (!u || u.customers === 0) return ''
  const one = u.customers === 1
  const names = u.worst
    .slice(0, 5)
    .map((c) => c.customerId)
    .join(', ')
  const more = u.customers > 5 ? ', ...' : ''
  return `<p>Besides, ${formatInt(u.customers)} ${one ? 'customer' : 'customers'} whose orders were all refunded (no purchase day left) cost ${escapeHtml(formatMoney(u.costToServe, v.currency, v.locale))} to serve in support tickets and returns: not valued, and not in the figures above (${escapeHtml(names)}${more}; summary.json value.unvalued).</p>`
}

function lossTable(v: ValueSummary): string {
  if (v.unprofitable.worst.length === 0) return '<p>No customer is served at a loss.</p>'
  const cur = v.currency
  const cols: Column<LossCustomer>[] = [
    labelColumn('Customer', (c) => c.customerId, 'id'),
    { header: 'Profit', num: true, cell: (c) => formatMoney(c.pastProfit, cur, v.locale) },
    { header: 'Revenue', num: true, cell: (c) => formatMoney(c.revenue, cur, v.locale) },
    { header: 'Margin', num: true, cell: (c) => formatMoney(c.grossMargin, cur, v.locale) },
    { header: 'Cost to serve', num: true, cell: (c) => formatMoney(c.costToServe, cur, v.locale) },
    { header: 'Orders', num: true, cell: (c) => formatInt(c.orders) },
    {
      header: 'Tickets',
      num: true,
      cell: (c) => `${formatInt(c.tickets)}${c.tickets > 0 ? ` (${hours(c.ticketMinutes)})` : ''}`,
    },
    { header: 'Returns', num: true, cell: (c) => formatInt(c.returns) },
  ]
  return htmlTable(cols, v.unprofitable.worst)
}

function treeList(
  nodes: readonly ReferralTreeNodeSummary[],
  cur: string | null,
  locale: string,
): string {
  if (nodes.length === 0) return ''
  const items = nodes
    .map(
      (n) =>
        `<li>${clipped(n.customerId)} <span class="meta">level ${n.level}: ${escapeHtml(formatMoney(n.contribution, cur, locale))}</span>${treeList(n.children, cur, locale)}</li>`,
    )
    .join('')
  return `<ul>${items}</ul>`
}

function referrersTable(v: ValueSummary): string {
  const r = v.referrals
  // someone who never bought is a link inside others' trees, never a top referrer
  if (r.top.length === 0)
    return '<p>No referrals were imported, or no customer referred anyone.</p>'
  const cur = v.currency
  const cols: Column<TopReferrer>[] = [
    labelColumn('Referrer', (t) => t.customerId, 'id'),
    {
      header: 'Referral value',
      num: true,
      cell: (t) => formatMoney(t.referralValue, cur, v.locale),
    },
    { header: 'Direct', num: true, cell: (t) => formatInt(t.direct) },
    { header: 'In all', num: true, cell: (t) => formatInt(t.descendants) },
    {
      header: 'Referral tree',
      className: 'clip',
      cell: (t) =>
        `<details><summary>${formatCount(t.descendants, 'person', 'people')}</summary>${treeList(t.children, cur, v.locale)}${t.omitted > 0 ? `<p class="meta">and ${formatInt(t.omitted)} more</p>` : ''}</details>`,
    },
  ]
  const notes: string[] = []
  if (r.duplicates > 0)
    notes.push(
      `${formatCount(r.duplicates, 'repeat referral')} of a customer already referred (the earliest counted)`,
    )
  if (r.selfReferrals > 0) notes.push(`${formatCount(r.selfReferrals, 'self-referral')} ignored`)
  if (r.cyclesBroken > 0) {
    const shown = r.cycleEdgesDropped.map((e) => `${e.referrer} → ${e.referred}`).join(', ')
    const more = r.cyclesBroken > r.cycleEdgesDropped.length ? ', ...' : ''
    notes.push(
      `${formatCount(r.cyclesBroken, 'referral cycle')} broken by dropping ${shown}${more}`,
    )
  }
  const head = `<p>${formatCount(r.referrers, 'customer')} referred ${formatCount(r.referred, 'other')}. A referrer is credited with the value of the customers they brought: direct referrals in full, each level further down times ${r.decay} (up to ${r.maxDepth} levels).${notes.length > 0 ? ` ${escapeHtml(notes.join('; '))}.` : ''}</p>`
  return head + htmlTable(cols, r.top)
}

export const valueSection: ReportSection = {
  id: 'customer-value',
  title: 'Customer value',
  lead: "What each customer is worth after the cost of serving them: past profit (margin minus support, returns, shipping, payment fees and discounts), plus predicted profit, plus the value of the customers they referred (a credit to the referrer, not added to the company's total: it is the referred customers' own value).",
  render(s: AnalysisSummary): string {
    const v = s.value
    if (!v) return ''
    const cur = v.currency
    const b = v.breakdown
    const conc = v.profitConcentration
    const kpis = `<div class="kpis">${[
      kpi(
        'Customer value',
        formatMoneyCard(b.companyValue, cur, v.locale),
        `${formatCount(b.customers, 'customer')}: past + predicted profit`,
      ),
      kpi(
        'Past profit',
        formatMoneyCard(b.pastProfit, cur, v.locale),
        `after ${formatMoneyCard(b.costToServe, cur, v.locale)} cost to serve`,
      ),
      kpi(
        'Predicted profit',
        formatMoneyCard(b.predictedProfit, cur, v.locale),
        v.predictions === 'model'
          ? 'predicted revenue at the value margin, less projected costs'
          : 'no predictions',
      ),
      kpi(
        'Referral credit',
        formatMoneyCard(b.referralValue, cur, v.locale),
        "already inside the referred customers' value",
      ),
      kpi(
        'Served at a loss',
        formatInt(v.unprofitable.customers),
        // -0 reads "losing -0": nobody loses anything then
        v.unprofitable.customers > 0
          ? `losing ${formatMoneyCard(Math.abs(v.unprofitable.loss), cur, v.locale)}`
          : 'nobody',
      ),
      kpi('Top 20% hold', formatPct(conc.share), 'of all past profit'),
    ].join('')}</div>`
    // each with the command that imports it: a bare `--kind` named no kind to give it
    const missing = (
      [
        ['referrals', v.inputs.referrals, 'referrals'],
        ['engagement events', v.inputs.engagementEvents, 'engagement'],
        ['support tickets', v.inputs.tickets, 'tickets'],
        ['returns', v.inputs.returns, 'returns'],
        ['survey responses', v.inputs.surveyResponses, 'surveys'],
      ] as const
    ).filter(([, k]) => k === 0)
    const note =
      missing.length > 0
        ? `<p class="meta">Not imported: ${missing.map(([name, , kind]) => `${escapeHtml(name)} (<code>loyals import FILE --kind ${kind}</code>)`).join(', ')}; values leave those parts out.</p>`
        : ''
    // what the cards rest on, beside them (it was only under "About the data", pages below): a
    // margin nobody gave, and why predicted profit is not the predictions' predicted value
    const basis: string[] = []
    if (s.revenue.margin === null && b.revenue > 0) {
      basis.push(
        `No cost or margin was imported: gross margin, profit and tiers assume a margin of ${formatPct(b.grossMargin / b.revenue)} of revenue for every customer (<code>costs.defaultMarginRate</code> in the value config; import a cost or margin column to measure it).`,
      )
    }
    if (v.predictions === 'model') {
      basis.push(
        "Predicted profit prices the predictions' discounted revenue at each customer's own margin rate and takes off the costs projected for the expected orders (payment fees, shipping, and the customer's own support, return and discount cost per order), so it is not the predictions' predicted value above, which applies one margin rate to spend alone.",
      )
    }
    const basisNote = basis.length > 0 ? `<p class="meta">${basis.join(' ')}</p>` : ''
    const over =
      conc.share !== null && conc.share > 1
        ? `<p>The top 20% of customers hold <strong>${formatPct(conc.share)}</strong> of the profit: more than all of it, because the ${formatCount(v.unprofitable.customers, 'customer')} served at a loss ${v.unprofitable.customers === 1 ? 'takes' : 'take'} ${formatMoney(-v.unprofitable.loss, cur, v.locale)} back.</p>`
        : ''
    return [
      kpis,
      basisNote,
      note,
      `<h3>Value breakdown</h3>${breakdown(v)}${referralCreditNote(v)}`,
      over,
      `<h3>Tiers</h3>${tiersTable(v)}`,
      `<h3>Loyalty types</h3>${loyaltyTable(v)}`,
      `<h3>Customers served at a loss</h3>${
        v.unprofitable.customers > 0
          ? `<p>${formatInt(v.unprofitable.customers)} ${v.unprofitable.customers === 1 ? 'customer costs' : 'customers cost'} more to serve than their margin, ${formatMoney(Math.abs(v.unprofitable.loss), cur, v.locale)} in all. The worst:</p>${lossTable(v)}`
          : '<p>No customer is served at a loss.</p>'
      }${unvaluedText(v)}`,
      `<h3>Top referrers</h3>${referrersTable(v)}`,
    ].join('\n')
  },
}
