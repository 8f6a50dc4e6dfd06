// RFM: the 5x5 recency-by-frequency grid (the picture merchants know) and the segment table.
import type { AnalysisSummary, SegmentRow } from '../../service/analysis-summary.ts'
import {
  escapeHtml,
  formatInt,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPct,
} from '../format.ts'
import { type Column, htmlTable, shareWithBar } from '../html.ts'
import type { ReportSection } from '../render.ts'
import { heatmap } from '../svg.ts'

const SCORES = [1, 2, 3, 4, 5]

export const rfmSection: ReportSection = {
  id: 'rfm',
  title: 'RFM segments',
  lead: 'Recency (R) and frequency (F) scores from 1 to 5 by quintile, 5 being the most recent or most frequent buyers. Each cell shows its customers and their revenue; the named segments below group the cells.',
  render(s: AnalysisSummary): string {
    if (s.counts.customers === 0) return ''
    const cur = s.currency
    const grid = heatmap(
      s.rfm.grid.map((c) => ({
        row: c.r,
        col: c.f,
        value: c.customers,
        label: formatInt(c.customers),
        sublabel: formatMoneyCompact(c.revenue, cur),
        title: `R ${c.r}, F ${c.f}: ${formatInt(c.customers)} customers, ${formatMoney(c.revenue, cur)}`,
      })),
      {
        rows: [...SCORES].reverse(),
        cols: SCORES,
        rowLabel: 'Recency score (5 = most recent)',
        colLabel: 'Frequency score (5 = most frequent)',
        title: 'Customers by recency and frequency score',
      },
    )
    const segs = [...s.rfm.segments].sort((a, b) => b.revenue - a.revenue)
    const maxShare = Math.max(0, ...segs.map((r) => r.revenueShare))
    const cols: Column<SegmentRow>[] = [
      { header: 'Segment', cell: (r) => `<span class="pill">${escapeHtml(r.segment)}</span>` },
      { header: 'Customers', num: true, cell: (r) => formatInt(r.customers) },
      { header: 'Share', num: true, cell: (r) => formatPct(r.share) },
      { header: 'Revenue', num: true, cell: (r) => formatMoney(r.revenue, cur) },
      {
        header: 'Revenue share',
        num: true,
        className: 'bar-cell',
        cell: (r) => shareWithBar(r.revenueShare, maxShare),
      },
      { header: 'Days since last', num: true, cell: (r) => formatInt(r.avgRecencyDays) },
      { header: 'Orders', num: true, cell: (r) => formatNumber(r.avgFrequency, 1) },
      { header: 'Revenue / customer', num: true, cell: (r) => formatMoney(r.avgMonetary, cur) },
    ]
    return `${grid}<h3>Segments (averages per customer)</h3>${htmlTable(cols, segs)}`
  },
}
