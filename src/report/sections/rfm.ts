// RFM: the 5x5 grid of recency by combined frequency-monetary score, which is the grid the
// segment rules are drawn on, so each cell shows its segment; then the segment table.
import type { AnalysisSummary, RfmCell, SegmentRow } from '../../service/analysis-summary.ts'
import {
  escapeHtml,
  formatCount,
  formatInt,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPct,
} from '../format.ts'
import { type Column, chartData, htmlTable, shareWithBar } from '../html.ts'
import type { ReportSection } from '../render.ts'
import { type HeatCell, heatmap, responsiveChart } from '../svg.ts'

const SCORES = [1, 2, 3, 4, 5]

/**
 * Merge the grid rows into one heat cell per (R, FM): with custom rules that also test F or M
 * alone, one cell can hold several segments; it is then labelled 'mixed'.
 */
export function gridCells(
  grid: readonly RfmCell[],
  currency: string | null,
  money = true,
): HeatCell[] {
  const cells = new Map<
    string,
    { r: number; fm: number; n: number; rev: number; segs: Set<string> }
  >()
  for (const g of grid) {
    const key = `${g.r}:${g.fm}`
    const c = cells.get(key) ?? { r: g.r, fm: g.fm, n: 0, rev: 0, segs: new Set<string>() }
    c.n += g.customers
    c.rev += g.revenue
    c.segs.add(g.segment)
    cells.set(key, c)
  }
  return [...cells.values()].map((c) => {
    const segment = c.segs.size === 1 ? ([...c.segs][0] ?? '') : 'mixed'
    return {
      row: c.r,
      col: c.fm,
      value: c.n,
      caption: segment,
      label: formatInt(c.n),
      ...(money ? { sublabel: formatMoneyCompact(c.rev, currency) } : {}),
      title:
        `R ${c.r}, FM ${c.fm} (${[...c.segs].join(', ')}): ${formatCount(c.n, 'customer')}` +
        (money ? `, ${formatMoney(c.rev, currency)}` : ''),
    }
  })
}

/**
 * The phone grid's key: its cells leave the segment names out (56 units hold no "Hibernating"),
 * so each recency row lists its cells' segments, lowest FM first ('–' for an empty cell).
 * @example segmentKey(cells) // ['R 5: New, Potential loyalist, Loyal, Champions, Champions', ...]
 */
export function segmentKey(cells: readonly HeatCell[]): string[] {
  return [...SCORES].reverse().map((r) => {
    const names = SCORES.map((fm) => cells.find((c) => c.row === r && c.col === fm)?.caption ?? '–')
    return `R ${r}: ${names.join(', ')}`
  })
}

export const rfmSection: ReportSection = {
  id: 'rfm',
  title: 'RFM segments',
  lead: (s) =>
    !s.revenue.measured
      ? 'Customers scored 1 to 5 by quintile on recency (R) and frequency (F); the orders carry no amounts, so there is no spend score and FM is F. 5 is best. Each cell shows its segment and its customers; darker cells hold more customers.'
      : 'Customers scored 1 to 5 by quintile on recency (R) and on frequency and spend (FM, the rounded mean of the F and M scores); 5 is best. Each cell shows its segment, its customers and their revenue; darker cells hold more customers.',
  render(s: AnalysisSummary): string {
    if (s.counts.customers === 0) return ''
    const cur = s.currency
    // a log without amounts: no spend in the cells, the axis or the segment table
    const money = s.revenue.measured
    const cells = gridCells(s.rfm.grid, cur, money)
    const gridOpts = {
      rows: [...SCORES].reverse(),
      cols: SCORES,
      rowLabel: 'Recency score (5 = most recent)',
      colLabel: money ? 'Frequency and spend score (5 = most)' : 'Frequency score (5 = most)',
      title: money
        ? 'Customers by recency and frequency-spend score'
        : 'Customers by recency and frequency score',
    }
    // a phone: five columns of 56 units, where the 692-unit grid showed two and scrolled
    const grid = responsiveChart(
      heatmap(cells, gridOpts),
      heatmap(cells, { ...gridOpts, compact: true }) +
        `<p class="meta">The cells' segments, FM 1 to 5:</p><ul class="notes meta">${segmentKey(
          cells,
        )
          .map((k) => `<li>${escapeHtml(k)}</li>`)
          .join('')}</ul>`,
    )
    // the cells' figures as text: the grid is one image to a screen reader
    const held = [...s.rfm.grid]
      .filter((c) => c.customers > 0)
      .sort((a, b) => b.r - a.r || b.fm - a.fm)
    const gridData = chartData<RfmCell>(
      'The grid as a table',
      [
        { header: 'R', num: true, cell: (c) => formatInt(c.r) },
        { header: money ? 'FM' : 'F', num: true, cell: (c) => formatInt(c.fm) },
        { header: 'Segment', cell: (c) => escapeHtml(c.segment) },
        { header: 'Customers', num: true, cell: (c) => formatInt(c.customers) },
        ...(money
          ? [{ header: 'Revenue', num: true, cell: (c: RfmCell) => formatMoney(c.revenue, cur) }]
          : []),
      ],
      held,
    )
    const segs = [...s.rfm.segments].sort((a, b) =>
      money ? b.revenue - a.revenue : b.customers - a.customers,
    )
    const maxShare = Math.max(0, ...segs.map((r) => r.revenueShare ?? 0))
    const cols: Column<SegmentRow>[] = [
      {
        header: 'Segment',
        cell: (r) =>
          `<span class="pill" title="${escapeHtml(r.description ?? '')}">${escapeHtml(r.segment)}</span>`,
      },
      { header: 'Customers', num: true, cell: (r) => formatInt(r.customers) },
      { header: 'Share', num: true, cell: (r) => formatPct(r.share) },
      ...(money
        ? [
            { header: 'Revenue', num: true, cell: (r: SegmentRow) => formatMoney(r.revenue, cur) },
            {
              header: 'Revenue share',
              num: true,
              className: 'bar-cell',
              cell: (r: SegmentRow) => shareWithBar(r.revenueShare, maxShare),
            },
          ]
        : []),
      { header: 'Days since last', num: true, cell: (r) => formatInt(r.avgRecencyDays) },
      { header: 'Orders', num: true, cell: (r) => formatNumber(r.avgFrequency, 1) },
      ...(money
        ? [
            {
              header: 'Revenue / customer',
              num: true,
              cell: (r: SegmentRow) => formatMoney(r.avgMonetary, cur),
            },
          ]
        : []),
    ]
    const caveat = gridCaveat(s)
    const defs = segs
      .filter((g) => g.description)
      .map((g) => `<dt>${escapeHtml(g.segment)}</dt><dd>${escapeHtml(g.description ?? '')}</dd>`)
      .join('')
    const side = defs ? `<div><h3>The segments</h3><dl class="defs">${defs}</dl></div>` : ''
    return `${caveat}<div class="split-wide"><div>${grid}${gridData}</div>${side}</div><h3>Segments (averages per customer)</h3>${htmlTable(cols, segs)}`
  },
}

/**
 * A warning beside the grid when its names cannot be read as they stand (it was only under
 * "About the data", pages below a grid that called a customer who bought on the as-of day Lost):
 * every customer with one R score (their last purchases tied), one F or one M score, or too few
 * customers for quintiles.
 */
function gridCaveat(s: AnalysisSummary): string {
  const held = s.rfm.grid.filter((c) => c.customers > 0)
  const rScores = new Set(held.map((c) => c.r))
  const n = s.counts.customers
  const why: string[] = []
  if (n < 5) {
    why.push(
      `With ${formatInt(n)} customer${n === 1 ? '' : 's'}, there are fewer than the five quintiles the scores rank into: the segments say little.`,
    )
  }
  if (rScores.size === 1 && n > 1) {
    why.push(
      `Every customer has the same recency (their last purchases are tied), so all share R ${[...rScores][0]} by the tie rule (the lowest score): a segment such as Lost or At risk says nothing about when they bought.`,
    )
  }
  // every customer with one F or one M score: the notes analyze wrote, said here too (a grid of
  // customers who all spent 100 named some of them "have not spent much yet")
  for (const q of s.quality) if (/every [FM] score is 1/.test(q.message)) why.push(q.message)
  return why.length === 0
    ? ''
    : `<ul class="notes">${why.map((w) => `<li class="warning">${escapeHtml(w)}</li>`).join('')}</ul>`
}
