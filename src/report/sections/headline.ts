// The first thing a reader sees: one sentence on concentration and the headline figures.
import type { AnalysisSummary, ConcentrationSummary } from '../../service/analysis-summary.ts'
import {
  escapeHtml,
  formatCount,
  formatInt,
  formatMoney,
  formatNumber,
  formatPct,
  roundedGroupNote,
} from '../format.ts'
import { kpi } from '../html.ts'
import type { ReportSection } from '../render.ts'

/** The share held by the top `percent` % of customers, or null when not computed. */
export function topShareOf(c: ConcentrationSummary, percent: number): number | null {
  return c.topShares.find((t) => t.percent === percent)?.share ?? null
}

export const headlineSection: ReportSection = {
  id: 'headline',
  title: '',
  render(s: AnalysisSummary): string {
    const rev = s.concentration.revenue
    const top10 = topShareOf(rev, 10)
    const top20 = topShareOf(rev, 20)
    const money = s.revenue.measured
    const sentence =
      s.counts.customers === 0
        ? 'No customers purchased on or before the as-of date.'
        : !money
          ? `${formatCount(s.counts.customers, 'customer')} placed ${formatCount(s.counts.orders, 'order')}. The orders carry no amounts, so customers are compared by how recently and how often they buy.`
          : top10 === null
            ? `${formatCount(s.counts.customers, 'customer')} spent ${formatMoney(s.revenue.total, s.currency)}.`
            : `The top 10% of customers${roundedGroupNote(
                rev.topShares.find((t) => t.percent === 10),
                s.counts.customers,
              )} hold <strong>${formatPct(top10)}</strong> of revenue` +
              (top20 === null
                ? '.'
                : `; the top 20%${roundedGroupNote(
                    rev.topShares.find((t) => t.percent === 20),
                    s.counts.customers,
                  )} hold <strong>${formatPct(top20)}</strong>.`)
    const repeatShare = s.counts.customers > 0 ? s.counts.repeatCustomers / s.counts.customers : 0
    const perCustomer = s.counts.customers > 0 ? s.counts.orders / s.counts.customers : null
    const cards = money
      ? [
          kpi('Customers', formatInt(s.counts.customers), `${formatPct(repeatShare)} bought again`),
          kpi(
            'Revenue',
            formatMoney(s.revenue.total, s.currency),
            `${formatMoney(s.revenue.perCustomer, s.currency)} per customer`,
          ),
          kpi(
            'Orders',
            formatInt(s.counts.orders),
            `${formatMoney(s.revenue.averageOrderValue, s.currency)} average order`,
          ),
        ]
      : [
          kpi('Customers', formatInt(s.counts.customers), `${formatPct(repeatShare)} bought again`),
          kpi('Orders', formatInt(s.counts.orders), `${formatNumber(perCustomer, 1)} per customer`),
        ]
    if (s.revenue.margin !== null) {
      // the rate on the revenue the margin is known for: revenue without a cost is not margin 0
      const base = s.revenue.marginRevenue ?? s.revenue.total
      const ms = base !== 0 ? s.revenue.margin / base : null
      const of =
        Math.abs(base - s.revenue.total) < 0.005
          ? 'of revenue'
          : `of the ${formatMoney(base, s.currency)} revenue with a known cost`
      cards.push(kpi('Margin', formatMoney(s.revenue.margin, s.currency), `${formatPct(ms)} ${of}`))
    }
    if (money)
      cards.push(
        kpi(
          'Gini',
          formatNumber(rev.gini, 2),
          // one customer has nobody to be unequal to: "0 = equal, 0.00 = one customer" read as both
          rev.customers === 1
            ? 'one customer: nobody to compare with'
            : `0 = equal, ${formatNumber(rev.customers > 0 ? (rev.customers - 1) / rev.customers : 0, 2)} = one customer`,
        ),
      )
    const period =
      s.period.firstPurchase && s.period.lastPurchase
        ? `Purchases from ${escapeHtml(s.period.firstPurchase)} to ${escapeHtml(s.period.lastPurchase)}, analyzed as of ${escapeHtml(s.asOf)}.`
        : `Analyzed as of ${escapeHtml(s.asOf)}.`
    const holdout =
      s.counts.ordersAfterAsOf > 0
        ? ` ${formatCount(s.counts.ordersAfterAsOf, 'later order')}${money ? ` (${formatMoney(s.counts.amountAfterAsOf, s.currency)} of sales, before refunds)` : ''} ${s.counts.ordersAfterAsOf === 1 ? 'is' : 'are'} left out of these figures.`
        : ''
    return `<p class="headline">${sentence}</p><div class="kpis">${cards.join('')}</div><p class="meta" style="margin-top:12px">${period}${holdout}</p>`
  },
}
