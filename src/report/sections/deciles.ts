// The decile table: customers ranked by revenue and cut into ten equal groups.
import type { AnalysisSummary, DecileRow } from '../../service/analysis-summary.ts'
import { formatInt, formatMoney, formatNumber, formatPct } from '../format.ts'
import { type Column, htmlTable, shareWithBar } from '../html.ts'
import type { ReportSection } from '../render.ts'

export const decilesSection: ReportSection = {
  id: 'deciles',
  title: 'Customers by revenue decile',
  lead: 'Customers ranked by revenue and cut into ten groups of equal size; decile 1 is the most valuable tenth.',
  render(s: AnalysisSummary): string {
    const rows = s.concentration.revenue.deciles
    if (rows.length === 0 || !s.revenue.measured) return ''
    const cur = s.currency
    const max = Math.max(0, ...rows.map((r) => r.share ?? 0))
    const cols: Column<DecileRow>[] = [
      { header: 'Decile', cell: (r) => String(r.decile) },
      { header: 'Customers', num: true, cell: (r) => formatInt(r.customers) },
      { header: 'Revenue', num: true, cell: (r) => formatMoney(r.value, cur) },
      {
        header: 'Share',
        num: true,
        className: 'bar-cell',
        cell: (r) => shareWithBar(r.share, max),
      },
      { header: 'Cumulative', num: true, cell: (r) => formatPct(r.cumulativeShare) },
      { header: 'Orders / customer', num: true, cell: (r) => formatNumber(r.ordersPerCustomer, 2) },
      { header: 'Avg order value', num: true, cell: (r) => formatMoney(r.averageOrderValue, cur) },
    ]
    const totalOrders = rows.reduce((a, r) => a + r.orders, 0)
    const totalCustomers = rows.reduce((a, r) => a + r.customers, 0)
    const totalRevenue = rows.reduce((a, r) => a + r.value, 0)
    const footer = [
      'All',
      formatInt(totalCustomers),
      formatMoney(totalRevenue, cur),
      // shares of a total of 0 or below are none (the rows say "–"), so neither is the whole's
      formatPct(totalRevenue > 0 ? 1 : null),
      '',
      formatNumber(totalCustomers > 0 ? totalOrders / totalCustomers : null, 2),
      formatMoney(totalOrders > 0 ? totalRevenue / totalOrders : null, cur),
    ]
    return htmlTable(cols, rows, footer)
  },
}
