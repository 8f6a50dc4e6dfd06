// The most valuable customers by name (id), with what makes them valuable.
import type { AnalysisSummary, TopCustomer } from '../../service/analysis-summary.ts'
import { escapeHtml, formatInt, formatMoney, formatPct } from '../format.ts'
import { type Column, dateColumn, htmlTable, labelColumn } from '../html.ts'
import type { ReportSection } from '../render.ts'

export const topCustomersSection: ReportSection = {
  id: 'top-customers',
  title: 'Top customers',
  lead: (s) =>
    !s.revenue.measured
      ? 'The customers with the most orders up to the as-of date (the orders carry no amounts), with their RFM scores and segment.'
      : 'The customers with the most revenue up to the as-of date, with their RFM scores and segment.',
  render(s: AnalysisSummary): string {
    if (s.topCustomers.length === 0) return ''
    const cur = s.currency
    const money = s.revenue.measured
    const cols: Column<TopCustomer>[] = [
      { header: '#', num: true, cell: (c) => formatInt(c.rank) },
      labelColumn('Customer', (c) => c.customerId, 'id'),
      { header: 'Segment', cell: (c) => `<span class="pill">${escapeHtml(c.segment)}</span>` },
      { header: 'RFM', cell: (c) => `${c.r}${c.f}${c.m ?? ''}` },
      { header: 'Orders', num: true, cell: (c) => formatInt(c.orders) },
    ]
    if (money) {
      cols.push({ header: 'Revenue', num: true, cell: (c) => formatMoney(c.revenue, cur) })
      if (s.topCustomers.some((c) => c.margin !== null)) {
        cols.push({ header: 'Margin', num: true, cell: (c) => formatMoney(c.margin, cur) })
      }
      cols.push(
        { header: 'Share', num: true, cell: (c) => formatPct(c.share, 2) },
        { header: 'Cumulative', num: true, cell: (c) => formatPct(c.cumulativeShare, 2) },
      )
    }
    cols.push(
      dateColumn('First purchase', (c) => c.firstPurchase),
      dateColumn('Last purchase', (c) => c.lastPurchase),
      { header: 'Days since', num: true, cell: (c) => formatInt(c.daysSinceLast) },
    )
    return htmlTable(cols, s.topCustomers)
  },
}
