// Concentration: the curve of revenue held by the top customers, with the equality diagonal,
// beside the top-share table. The Lorenz curve is drawn from the top (the "top x % hold y %"
// view merchants read), the same curve rotated; the Gini is identical either way.
import type { AnalysisSummary, ConcentrationSummary } from '../../service/analysis-summary.ts'
import { formatCount, formatInt, formatNumber, formatPct } from '../format.ts'
import { htmlTable } from '../html.ts'
import type { ReportSection } from '../render.ts'
import { type CurveMarker, type CurvePoint, concentrationChart, responsiveChart } from '../svg.ts'

/**
 * Turn Lorenz points (bottom p of customers hold L(p)) into the top-down concentration curve
 * C(q) = 1 - L(1 - q), ascending in q.
 * @example fromTop([{customers:0,value:0},{customers:0.9,value:0.5},{customers:1,value:1}])
 *   // [{x:0,y:0},{x:0.1,y:0.5},{x:1,y:1}]
 */
export function fromTop(lorenz: ConcentrationSummary['lorenz']): CurvePoint[] {
  const pts: CurvePoint[] = []
  for (const p of lorenz) if (p.value !== null) pts.push({ x: 1 - p.customers, y: 1 - p.value })
  pts.sort((a, b) => a.x - b.x)
  return pts
}

/**
 * The highest Gini of n customers, (n - 1) / n (one customer holding everything), in words:
 * "1" only where it rounds to 1, else "its highest for 4 customers, 0.750".
 */
export function giniTop(n: number, digits = 3): string {
  const top = n > 0 ? (n - 1) / n : 0
  const shown = formatNumber(top, digits)
  return shown === formatNumber(1, digits)
    ? '1'
    : `its highest for ${formatCount(n, 'customer')}, ${shown},`
}

/** The curve's height at share x of customers, read off the drawn line (points ascending in x). */
export function curveAt(points: readonly CurvePoint[], x: number): number {
  const i = points.findIndex((p) => p.x >= x)
  const b = points[i]
  const a = points[i - 1]
  if (b === undefined) return points.at(-1)?.y ?? 0
  if (a === undefined || b.x === a.x) return b.y
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x)
}

/**
 * Whether a top group is the share of customers it is named after: with few customers a group is
 * rounded up to whole customers (the top 10 % of 3 is 1 customer, 33 %), and its percent misleads.
 */
function isExact(percents: readonly number[], customers: number, n: number): boolean {
  const [k] = percents
  return percents.length === 1 && k !== undefined && Math.abs(customers / n - k / 100) < 0.005
}

/**
 * A top group's name: its percent when it is that share of the customers, else the customers it
 * holds ("Top 1 customer"), as the headline says "(1 customer of 3)".
 * @example groupName([10, 20], 1, 3) // 'Top 1 customer'
 */
export function groupName(percents: readonly number[], customers: number, n: number): string {
  return isExact(percents, customers, n)
    ? `Top ${percents[0]}%`
    : `Top ${formatCount(customers, 'customer')}`
}

/**
 * The "Top k %" markers, on the drawn curve: a top group holds ceil(k n / 100) customers (at least
 * one), so with few customers "top 10 %" is a larger share than 10 %; the height is the
 * curve's (values clamped at 0), the label the table's net share, which negatives can push above
 * it (the lead says so when they do; the label then gives the drawn height too).
 * Groups of the same customers are one point, so they get one marker ("Top 10–20%").
 */
export function curveMarkers(
  c: ConcentrationSummary,
  points: readonly CurvePoint[],
  percents: readonly number[] = [10, 20],
): CurveMarker[] {
  const groups = new Map<number, { pcts: number[]; share: number }>()
  for (const t of c.topShares) {
    if (!percents.includes(t.percent) || t.share === null || c.customers === 0) continue
    const g = groups.get(t.customers) ?? { pcts: [], share: t.share }
    groups.set(t.customers, { ...g, pcts: [...g.pcts, t.percent] })
  }
  return [...groups].map(([customers, { pcts, share }]) => {
    const x = Math.min(1, customers / c.customers)
    const y = curveAt(points, x)
    // the label is the table's net share (the figure the page states everywhere else), the point
    // the curve's height there; "Top 10–20%" sat at x = 33 % on 3 customers: named by the customers
    // a net share that negatives pushed off the curve says the drawn height beside it, so the
    // marker does not contradict the axis it sits on (QA: "34.3%" drawn at 29.75 %)
    const off = formatPct(y) !== formatPct(share) ? ` (${formatPct(y)} drawn)` : ''
    return { x, y, label: `${groupName(pcts, customers, c.customers)}: ${formatPct(share)}${off}` }
  })
}

function chartFor(c: ConcentrationSummary, label: string): string {
  const points = fromTop(c.lorenz)
  if (points.length < 2) return `<p>The ${label} total is zero: there is no curve to draw.</p>`
  const opts = {
    title: `Share of ${label} held by the top customers`,
    xLabel: 'Share of customers, most valuable first',
    yLabel: `Share of ${label}`,
    markers: curveMarkers(c, points),
  }
  // a phone: a 340-unit canvas that fits its box with 9 px text (the 560-unit one scrolled and cut
  // its x-axis title to "most valuabl")
  const chart = responsiveChart(
    concentrationChart(points, opts),
    concentrationChart(points, { ...opts, width: 340, height: 320 }),
  )
  const n = c.negativeCustomers
  if (n === 0) return chart
  return `${chart}<p class="meta">The curve counts the ${formatInt(n)} customer${n === 1 ? '' : 's'} with a negative net ${label} as 0; the labels are shares of the net ${label}, as in the table, which ${n === 1 ? 'that customer pulls' : 'they pull'} down.</p>`
}

export const concentrationSection: ReportSection = {
  id: 'concentration',
  title: 'Revenue concentration',
  lead: 'How much of the revenue the most valuable customers bring. The dashed diagonal is what equal spending would look like; the further the curve bows above it, the more revenue depends on a few customers.',
  render(s: AnalysisSummary): string {
    // a transaction log without amounts has no revenue to be concentrated (data-quality says so)
    if (!s.revenue.measured) return ''
    const rev = s.concentration.revenue
    if (s.counts.customers === 0) return '<p>No customers to rank.</p>'
    const mar = s.concentration.margin
    const marginByPct = new Map(mar?.topShares.map((t) => [t.percent, t]) ?? [])
    type Row = (typeof rev.topShares)[number] & { readonly percents: readonly number[] }
    // rows of the same customers are one row (Top 1/2/5/10/20 % of 3 customers were five rows of
    // "1 customer"), named by those customers when rounding made them more than the percent
    const rows: Row[] = []
    for (const t of rev.topShares) {
      const last = rows.at(-1)
      const same =
        last !== undefined &&
        last.customers === t.customers &&
        marginByPct.get(last.percent)?.customers === marginByPct.get(t.percent)?.customers
      if (same) rows[rows.length - 1] = { ...last, percents: [...last.percents, t.percent] }
      else rows.push({ ...t, percents: [t.percent] })
    }
    const n = rev.customers
    const cols = [
      {
        header: 'Top customers',
        cell: (t: Row) =>
          isExact(t.percents, t.customers, n)
            ? `Top ${t.percent}%`
            : `${groupName(t.percents, t.customers, n)} (${formatPct(t.customers / n)})`,
      },
      {
        header: 'Customers',
        num: true,
        cell: (t: Row) => formatInt(t.customers),
      },
      {
        header: 'Revenue share',
        num: true,
        cell: (t: Row) => formatPct(t.share),
      },
    ]
    if (mar) {
      // margin known for some customers only: its top 10 % is of those, another count, shown
      // beside its share (or the row would read "69 customers hold 59.3 % of the margin" of 65)
      if (
        rev.topShares.some(
          (t) => (marginByPct.get(t.percent)?.customers ?? t.customers) !== t.customers,
        )
      ) {
        cols.push({
          header: 'Customers (margin)',
          num: true,
          cell: (t) => {
            const m = marginByPct.get(t.percent)
            return m ? formatInt(m.customers) : ''
          },
        })
      }
      cols.push({
        header: 'Margin share',
        num: true,
        cell: (t) => formatPct(marginByPct.get(t.percent)?.share ?? null),
      })
    }
    const gini =
      rev.customers === 1
        ? `<p class="gini">Gini coefficient: <strong>${formatNumber(rev.gini, 3)}</strong>: with one customer there is no one to compare with, so it says nothing of concentration.</p>`
        : `<p class="gini">Gini coefficient: <strong>${formatNumber(rev.gini, 3)}</strong>${mar ? ` (margin: ${formatNumber(mar.gini, 3)})` : ''}. 0 means every customer spends the same; ${giniTop(rev.customers)} means one customer brings everything.</p>`
    const marginChart = mar ? `<h3>Margin</h3>${chartFor(mar, 'margin')}` : ''
    return `<div class="split"><div>${chartFor(rev, 'revenue')}${marginChart}</div><div><div class="scroll">${htmlTable(cols, rows)}</div>${gini}</div></div>`
  },
}
