// A horizontal waterfall chart for money breakdowns (margin minus costs = profit, plus predicted
// and referral value = total): each step is a bar from the running total before it to after it,
// totals are full bars from zero. Hand-rolled SVG like svg.ts, so the report stays one file.
import { escapeHtml } from './format.ts'
import { niceTicks } from './prediction-charts.ts'
import { chartSvg, r2, responsiveChart } from './svg.ts'

export interface WaterfallStep {
  readonly label: string
  /** Signed change; for a total, the total itself. */
  readonly value: number
  /** A subtotal or total: drawn from zero to `value`, and the running total becomes `value`. */
  readonly total?: boolean
}

export interface WaterfallOptions {
  readonly title: string
  readonly format: (v: number) => string
  readonly width?: number
}

const POS = '#0f766e'
const NEG = '#b42318'
const TOTAL = '#1d2433'

/**
 * The waterfall as HTML: the chart drawn twice, labels beside the bars for a wide box and above them
 * for a phone, where the wide one kept 540 px in a 292 px box and hid most bars and every figure.
 * The stylesheet shows one (`chart-wide` / `chart-narrow`); paper takes the wide one.
 * @example waterfallChart([{ label: 'Margin', value: 90, total: true }, { label: 'Fees', value: -9 }],
 *   { title: 'Breakdown', format: String })
 */
export function waterfallChart(steps: readonly WaterfallStep[], opts: WaterfallOptions): string {
  return responsiveChart(waterfallSvg(steps, opts, 'wide'), waterfallSvg(steps, opts, 'narrow'))
}

/**
 * One layout of the waterfall as an SVG string; every label is escaped. `wide`: labels left of
 * the bars on a 720-unit canvas; `narrow`: each label above its bar on a 360-unit canvas, which
 * shrinks to 270 px with its text at 9 px.
 */
export function waterfallSvg(
  steps: readonly WaterfallStep[],
  opts: WaterfallOptions,
  layout: 'wide' | 'narrow',
): string {
  const narrow = layout === 'narrow'
  const width = narrow ? 360 : (opts.width ?? 720)
  const row = narrow ? 40 : 30
  // narrow: the value figure right of the longest bar needs ~60 units ("-123.4K" at 12 px)
  const m = narrow
    ? { top: 4, right: 64, bottom: 34, left: 16 }
    : { top: 10, right: 110, bottom: 34, left: 170 }
  const height = m.top + m.bottom + row * steps.length
  const spans: { from: number; to: number }[] = []
  let run = 0
  for (const s of steps) {
    if (s.total) {
      spans.push({ from: 0, to: s.value })
      run = s.value
    } else {
      spans.push({ from: run, to: run + s.value })
      run += s.value
    }
  }
  const lo = Math.min(0, ...spans.map((s) => Math.min(s.from, s.to)))
  const hi = Math.max(0, ...spans.map((s) => Math.max(s.from, s.to)))
  // one step on both sides of 0, the larger side's: each side's own step put six labels of a
  // small loss into the width of one step of the gains
  const larger = niceTicks(Math.max(hi, -lo))
  const step = (larger[1] ?? 1) - (larger[0] ?? 0)
  const side = (extent: number): number[] => {
    const out = [0]
    while ((out.at(-1) as number) < extent) {
      out.push(Number(((out.length as number) * step).toPrecision(12)))
    }
    return out
  }
  const ticksPos = side(hi)
  const ticksNeg = side(-lo).map((t) => (t === 0 ? 0 : -t))
  const x0 = Math.min(lo, ...ticksNeg)
  const x1 = Math.max(hi, ...ticksPos, x0 + 1)
  const w = width - m.left - m.right
  const sx = (v: number) => m.left + ((v - x0) / (x1 - x0)) * w
  const parts: string[] = []
  for (const t of [...new Set([...ticksNeg, ...ticksPos])]) {
    const text = opts.format(t)
    // a figure centred on a tick near the edge ran off the canvas ("KWD 0" at the narrow layout's
    // left edge showed as "WD 0"): there it is aligned to the edge instead (~6.6 units a character)
    const half = (text.length * 6.6) / 2
    const at = sx(t)
    const anchor =
      at - half < 2
        ? `x="${r2(Math.max(2, at - 4))}" text-anchor="start"`
        : at + half > width - 2
          ? `x="${r2(Math.min(width - 2, at + 4))}" text-anchor="end"`
          : `x="${r2(at)}" text-anchor="middle"`
    parts.push(
      `<line class="grid" x1="${r2(at)}" y1="${m.top}" x2="${r2(at)}" y2="${height - m.bottom}"/>`,
      `<text class="tick" ${anchor} y="${height - m.bottom + 18}">${escapeHtml(text)}</text>`,
    )
  }
  steps.forEach((s, i) => {
    const span = spans[i] as { from: number; to: number }
    const y = m.top + i * row
    const a = sx(Math.min(span.from, span.to))
    const b = sx(Math.max(span.from, span.to))
    const fill = s.total ? TOTAL : s.value < 0 ? NEG : POS
    // narrow: the label on the row's first line, the bar and its figure on the second
    const barTop = narrow ? y + 18 : y + 5
    const barMid = narrow ? y + 30 : y + row / 2 + 4
    const label = narrow
      ? `<text class="tick bar-label" x="${m.left}" y="${r2(y + 13)}">${escapeHtml(s.label)}</text>`
      : `<text class="tick bar-label" x="${m.left - 10}" y="${r2(y + row / 2 + 4)}" text-anchor="end">${escapeHtml(s.label)}</text>`
    parts.push(
      label,
      `<rect x="${r2(a)}" y="${r2(barTop)}" width="${r2(Math.max(1, b - a))}" height="${narrow ? 16 : row - 10}" rx="3" fill="${fill}"><title>${escapeHtml(`${s.label}: ${opts.format(s.value)}`)}</title></rect>`,
      `<text class="tick bar-value" x="${r2(b + 6)}" y="${r2(barMid)}">${escapeHtml(opts.format(s.value))}</text>`,
    )
  })
  parts.push(
    `<line class="diagonal" x1="${r2(sx(0))}" y1="${m.top}" x2="${r2(sx(0))}" y2="${height - m.bottom}"/>`,
  )
  return chartSvg({ width, height, title: opts.title }, parts)
}
