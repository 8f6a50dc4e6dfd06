// Line and grouped-bar SVG charts for the predictions section, in the same hand-rolled style as
// svg.ts (one offline file, no DOM). Colours are presentation attributes, so the shared stylesheet
// needs no new rules.
import { escapeHtml, formatNumber } from './format.ts'
import { chartSvg, downsample, r2 } from './svg.ts'

export const ACTUAL_COLOR = '#1d2433'
export const PREDICTED_COLOR = '#0f766e'

export interface Series {
  readonly label: string
  readonly color: string
  readonly dashed?: boolean
  readonly points: readonly { readonly x: number; readonly y: number }[]
}

export interface LineChartOptions {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly width?: number
  readonly height?: number
  /** A vertical divider at this x with labels left and right of it (e.g. calibration | holdout). */
  readonly divider?: { readonly x: number; readonly left: string; readonly right: string }
}

/** Round numbers for axis ticks: 1, 2, 2.5, 5 × 10^k, about `count` of them from 0 to max. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1]
  const raw = max / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const ticks: number[] = []
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

/**
 * Tick labels with the decimals the step needs, all alike: a step of 0.2 or 2.5 rounded to whole
 * numbers labels evenly spaced gridlines 0 0 1 1 or 0 3 5 8.
 * @example tickLabels([0, 2.5, 5]) // ['0.0', '2.5', '5.0']; tickLabels([0, 10]) // ['0', '10']
 */
export function tickLabels(ticks: readonly number[]): string[] {
  const step = Math.abs((ticks[1] ?? 1) - (ticks[0] ?? 0))
  let decimals = 0
  // toPrecision(12) in niceTicks leaves steps exact to well under 1e-9 of a unit of the last digit
  while (
    decimals < 10 &&
    Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6
  )
    decimals++
  return ticks.map((t) => formatNumber(t, decimals))
}

/** A 12 px tick label's width, a guess (no fonts here) at DejaVu Sans's widest digits, 0.64 em. */
const TICK_CHAR = 7.7

/**
 * The left margin for y-tick labels ending 8 px left of the plot: at least `min`, and wide enough
 * that the widest label stays clear of the rotated axis title, whose glyphs reach x = 18.
 */
function leftMargin(ticks: readonly number[], min: number): number {
  const widest = Math.max(...tickLabels(ticks).map((l) => l.length * TICK_CHAR))
  return Math.max(min, Math.ceil(18 + 6 + 8 + widest))
}

/** Gridlines and labels of a y-axis at `left`, `w` wide. */
function yAxis(ticks: readonly number[], sy: (y: number) => number, left: number, w: number) {
  const labels = tickLabels(ticks)
  return ticks.flatMap((t, i) => [
    `<line class="grid" x1="${left}" y1="${r2(sy(t))}" x2="${left + w}" y2="${r2(sy(t))}"/>`,
    `<text class="tick" x="${left - 8}" y="${r2(sy(t) + 4)}" text-anchor="end">${labels[i]}</text>`,
  ])
}

function legend(series: readonly { label: string; color: string; dashed?: boolean }[], x: number) {
  return series
    .map((s, i) => {
      const y = 14 + i * 18
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : ''
      return (
        `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${s.color}" stroke-width="2.5"${dash}/>` +
        `<text class="tick" x="${x + 28}" y="${y + 4}">${escapeHtml(s.label)}</text>`
      )
    })
    .join('')
}

/** A 12 px tick label's width per character (lower-case letters at ~0.55 em, rounded up). */
const TICK_CHAR_WIDTH = 7

/**
 * Lines on linear axes from 0 (x from the smallest x); a legend at the top left.
 * @example lineChart([{ label: 'Actual', color: '#000', points: [{x:1,y:0},{x:2,y:3}] }], opts)
 */
export function lineChart(series: readonly Series[], opts: LineChartOptions): string {
  const width = opts.width ?? 640
  const height = opts.height ?? 360
  const all = series.flatMap((s) => s.points)
  const x0 = Math.min(...all.map((p) => p.x), 0)
  const x1 = Math.max(...all.map((p) => p.x), x0 + 1)
  const yTicks = niceTicks(Math.max(...all.map((p) => (Number.isFinite(p.y) ? p.y : 0)), 0))
  const m = { top: 16, right: 20, bottom: 52, left: leftMargin(yTicks, 64) }
  const w = width - m.left - m.right
  const h = height - m.top - m.bottom
  const yMax = yTicks[yTicks.length - 1] ?? 1
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * w
  const sy = (y: number) => m.top + (1 - y / yMax) * h
  const parts = yAxis(yTicks, sy, m.left, w)
  const xTicks = niceTicks(x1 - x0, 6).map((t) => x0 + t)
  const xLabels = tickLabels(xTicks)
  xTicks.forEach((x, i) => {
    if (x > x1) return
    parts.push(
      `<text class="tick" x="${r2(sx(x))}" y="${r2(m.top + h + 18)}" text-anchor="middle">${xLabels[i]}</text>`,
    )
  })
  // the divider's labels, drawn over the curves (under them, a curve crossing the plot's foot
  // hid the holdout label)
  const labels: string[] = []
  if (opts.divider && opts.divider.x > x0 && opts.divider.x < x1) {
    const dx = sx(opts.divider.x)
    const { left, right } = opts.divider
    const fitsLeft = left.length * TICK_CHAR_WIDTH + 6 <= dx - m.left - 2
    const fitsRight = right.length * TICK_CHAR_WIDTH + 6 <= width - dx - 2
    const at = (x: number, y: number, anchor: 'start' | 'end', text: string) =>
      `<text class="tick" x="${r2(x)}" y="${r2(y)}" text-anchor="${anchor}">${escapeHtml(text)}</text>`
    const low = m.top + h - 8
    const high = m.top + h - 24
    parts.push(
      `<line x1="${r2(dx)}" y1="${m.top}" x2="${r2(dx)}" y2="${m.top + h}" stroke="#9aa3b2" stroke-width="1.5" stroke-dasharray="4 4"/>`,
    )
    // a short holdout leaves too little room right of the line (a label at x 975 of a 1000-wide
    // chart), an early split too little left of it (over the y-axis numbers, cut at the edge on a
    // phone): that label goes to the other side, above the one there, pointing across
    labels.push(
      fitsLeft || !fitsRight
        ? at(dx - 6, low, 'end', left)
        : at(dx + 6, high, 'start', `← ${left}`),
      fitsRight || !fitsLeft
        ? at(dx + 6, low, 'start', right)
        : at(dx - 6, high, 'end', `${right} →`),
    )
  }
  for (const s of series) {
    const pts = downsample(s.points, 600)
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r2(sx(p.x))},${r2(sy(p.y))}`).join('')
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : ''
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${dash}><title>${escapeHtml(s.label)}</title></path>`,
    )
  }
  parts.push(...labels)
  parts.push(`<g transform="translate(${m.left + 12} ${m.top})">${legend(series, 0)}</g>`)
  return chartSvg({ width, height, title: opts.title }, [
    ...parts,
    `<text class="axis-label" x="${r2(m.left + w / 2)}" y="${height - 8}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${r2(m.top + h / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.yLabel)}</text>`,
  ])
}

/** A 10 px note's width per character (class tick-note), a guess on the wide side (digits, ',', '='). */
const NOTE_CHAR = 6.2

/**
 * The lines each group's note is drawn on under its label, alike for every group: one line when
 * every note fits its group's width, else split at ' = ' ("n =" over "1,411") when the halves fit,
 * else none (the notes stay in the bars' tooltips): side by side "n = 1,411n = 439" read as one.
 */
function noteLines(groups: readonly BarGroup[], groupWidth: number): string[][] {
  const room = groupWidth - 4
  const fits = (t: string) => t.length * NOTE_CHAR <= room
  const all = groups.map((g) => g.note ?? '')
  if (all.every(fits)) return all.map((n) => (n ? [n] : []))
  const split = all.map((n) => {
    const at = n.indexOf(' = ')
    return at < 0 ? [n] : [n.slice(0, at + 2), n.slice(at + 3)]
  })
  if (split.every((lines) => lines.every(fits))) return split.map((l) => l.filter(Boolean))
  return all.map(() => [])
}

export interface BarGroup {
  readonly label: string
  /** One value per series, in series order; NaN draws no bar (unknown, not 0). */
  readonly values: readonly number[]
  /** A second line under the label and in the tooltips ("n = 707"): how much a group weighs. */
  readonly note?: string
}

/**
 * Grouped vertical bars: one group per category, one bar per series (legend at the top left).
 * @example barChart([{ label: '0', values: [0.2, 0.25] }], [{label:'Predicted', color:'#0f766e'}], opts)
 */
export function barChart(
  groups: readonly BarGroup[],
  series: readonly { readonly label: string; readonly color: string }[],
  /** `format` is for the bars' values; the axis labels take the decimals of the tick step. */
  opts: Omit<LineChartOptions, 'divider'> & { readonly format?: (v: number) => string },
): string {
  const width = opts.width ?? 480
  const height = opts.height ?? 320
  const max = Math.max(0, ...groups.flatMap((g) => g.values.filter(Number.isFinite)))
  const yTicks = niceTicks(max)
  const left = leftMargin(yTicks, 60)
  const gw = (width - left - 16) / Math.max(groups.length, 1)
  const notes = noteLines(groups, gw)
  const lines = Math.max(0, ...notes.map((n) => n.length))
  const m = {
    top: series.length > 1 ? 16 + 18 * series.length : 16,
    right: 16,
    // tick labels, the notes' lines under them, then the axis title clear of both
    bottom: lines === 0 ? 52 : 57 + 12 * (lines - 1),
    left,
  }
  const w = width - m.left - m.right
  const h = height - m.top - m.bottom
  const yMax = yTicks[yTicks.length - 1] ?? 1
  const sy = (y: number) => m.top + (1 - Math.max(0, y) / yMax) * h
  const bw = (gw * 0.8) / Math.max(series.length, 1)
  const fmt = opts.format ?? ((v: number) => formatNumber(v, 2))
  const parts = yAxis(yTicks, sy, m.left, w)
  groups.forEach((g, gi) => {
    const gx = m.left + gi * gw + gw * 0.1
    const note = g.note ? ` (${g.note})` : ''
    g.values.forEach((v, si) => {
      const s = series[si]
      // an unknown value (a group without customers) has no bar: a bar of 0 would say "none"
      if (!s || !Number.isFinite(v)) return
      const y = sy(v)
      parts.push(
        `<rect x="${r2(gx + si * bw)}" y="${r2(y)}" width="${r2(bw - 2)}" height="${r2(m.top + h - y)}" fill="${s.color}" rx="2"><title>${escapeHtml(`${g.label} · ${s.label}: ${fmt(v)}${note}`)}</title></rect>`,
      )
    })
    const cx = r2(m.left + gi * gw + gw / 2)
    parts.push(
      `<text class="tick" x="${cx}" y="${r2(m.top + h + 18)}" text-anchor="middle">${escapeHtml(g.label)}</text>`,
    )
    ;(notes[gi] ?? []).forEach((line, li) => {
      parts.push(
        `<text class="tick-note" x="${cx}" y="${r2(m.top + h + 33 + 12 * li)}" text-anchor="middle">${escapeHtml(line)}</text>`,
      )
    })
  })
  if (series.length > 1) {
    parts.push(`<g transform="translate(${m.left} 0)">${legend(series, 0)}</g>`)
  }
  return chartSvg({ width, height, title: opts.title }, [
    ...parts,
    `<text class="axis-label" x="${r2(m.left + w / 2)}" y="${height - 8}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${r2(m.top + h / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.yLabel)}</text>`,
  ])
}
