// Hand-rolled SVG charts for the report. Why not a chart library: the report must be one offline
// file, and Plot/D3 need a DOM (jsdom) at render time to emit SVG: a heavy dependency for two
// chart types. Strings are enough; every label passes through escapeHtml.
import { escapeHtml, formatPct } from './format.ts'

/** Round for SVG coordinates: two decimals keep files small and output deterministic. */
export function r2(n: number): string {
  if (!Number.isFinite(n)) return '0'
  return String(Math.round(n * 100) / 100)
}

/**
 * Linear interpolation between two `#rrggbb` colours, t in [0, 1] (clamped).
 * @example mixColor('#000000', '#ffffff', 0.5) // '#808080'
 */
export function mixColor(from: string, to: string, t: number): string {
  const k = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0))
  const a = parseHex(from)
  const b = parseHex(to)
  const c = a.map((v, i) => Math.round(v + ((b[i] ?? 0) - v) * k))
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`
}

function parseHex(hex: string): number[] {
  const h = hex.replace('#', '')
  return [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16) || 0)
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2.1, "relative luminance"). */
function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/**
 * The contrast ratio of two `#rrggbb` colours, 1 to 21 (WCAG 2.1, "contrast ratio").
 * @example contrastRatio('#ffffff', '#000000') // 21
 */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/**
 * Text on a shaded cell: white or black, whichever contrasts more. The worse of the two is at
 * least 4.58:1 on any fill (WCAG AA asks 4.5 of small text); the page's ink (#1d2433) would fall
 * to 4:1 on the mid tones where it and white are equally poor.
 * @example textColorOn('#0f5c55') // '#ffffff'
 */
export function textColorOn(fill: string): '#ffffff' | '#000000' {
  return contrastRatio(fill, '#ffffff') >= contrastRatio(fill, '#000000') ? '#ffffff' : '#000000'
}

/** Keep at most `max` points, evenly spaced, always keeping the first and last. */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points]
  const out: T[] = []
  const step = (points.length - 1) / (max - 1)
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)] as T)
  return out
}

/** The smallest chart text a screen shows, in px: a chart shrinks with its box down to that size. */
const READABLE_PX = 9

/**
 * A chart's SVG, drawn on a `width` × `height` canvas and scaled with its box, but never so far
 * that its smallest text (`minFont` px on the canvas) reads below READABLE_PX: in a narrower box
 * (a phone) the chart keeps that width and scrolls sideways. Print lifts the floor (paper cannot
 * scroll). `parts` are SVG markup; the title is escaped here.
 * @example chartSvg({ width: 560, height: 420, title: 'Share' }, ['<path d="M0,0L1,1"/>'])
 */
export function chartSvg(
  canvas: {
    readonly width: number
    readonly height: number
    readonly title: string
    readonly className?: string
    readonly minFont?: number
  },
  parts: readonly string[],
): string {
  const { width, height } = canvas
  const floor = Math.ceil((width * READABLE_PX) / (canvas.minFont ?? 12))
  const cls = canvas.className ? `chart ${canvas.className}` : 'chart'
  const title = escapeHtml(canvas.title)
  return [
    `<div class="scroll"><svg class="${cls}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="--min-width:${floor}px" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    ...parts,
    '</svg></div>',
  ].join('')
}

/**
 * One chart in two layouts: `wide` for a desktop box and paper, `narrow` for a phone's (the
 * stylesheet shows one of them at a time, by the window's width).
 * @example responsiveChart(chartSvg(wideCanvas, parts), chartSvg(narrowCanvas, parts))
 */
export function responsiveChart(wide: string, narrow: string): string {
  return `<div class="chart-wide">${wide}</div><div class="chart-narrow">${narrow}</div>`
}

export interface CurvePoint {
  readonly x: number
  readonly y: number
}

export interface CurveMarker {
  readonly x: number
  readonly y: number
  readonly label: string
}

export interface ConcentrationChartOptions {
  readonly width?: number
  readonly height?: number
  readonly xLabel: string
  readonly yLabel: string
  /** Accessible title of the chart. */
  readonly title: string
  readonly markers?: readonly CurveMarker[]
}

/** Where a marker label's text lies: its horizontal extent and its baseline. */
interface LabelBox {
  readonly left: number
  readonly right: number
  readonly y: number
}

/** Line height of a marker label (12.5 px type). */
const LABEL_LINE = 16

/** A label's box; the width is a guess (no fonts here) a little over Chromium's 8 px a character. */
function labelBox(text: string, x: number, y: number, startsAtX: boolean): LabelBox {
  const w = text.length * 8.5
  return startsAtX ? { left: x, right: x + w, y } : { left: x - w, right: x, y }
}

/**
 * The baseline for `box`, moved below each placed label it would print over (nearby markers, e.g.
 * the top 10 % and top 20 % of a few customers, sit almost on one spot); the box joins `placed`.
 */
function clearOf(placed: LabelBox[], box: LabelBox): number {
  let y = box.y
  // a label one line below another (y = its y + 16) is clear of it, also when the sum rounds to
  // 15.999999999999986 apart: read as a hit, it moved the label to the same y again, for ever
  // (analyze hung on a 200-customer file)
  const hits = (b: LabelBox) =>
    b.left < box.right && box.left < b.right && Math.abs(b.y - y) < LABEL_LINE - 1e-6
  // each move puts y a line below a label within a line above it: y only grows, so a label
  // passed is never met again, and placed.length moves are the most there can be
  for (let moves = 0; moves <= placed.length; moves++) {
    const hit = placed.find(hits)
    if (!hit) break
    y = hit.y + LABEL_LINE
  }
  placed.push({ ...box, y })
  return y
}

/**
 * A cumulative-share chart on the unit square: the curve, the equality diagonal, the area between
 * them shaded, 20 % grid lines and labelled markers. Points are shares in [0, 1], x ascending.
 * @example concentrationChart([{x:0,y:0},{x:0.1,y:0.5},{x:1,y:1}], {title:'t', xLabel:'x', yLabel:'y'})
 */
export function concentrationChart(
  points: readonly CurvePoint[],
  opts: ConcentrationChartOptions,
): string {
  const width = opts.width ?? 560
  const height = opts.height ?? 420
  const m = { top: 16, right: 20, bottom: 52, left: 60 }
  const w = width - m.left - m.right
  const h = height - m.top - m.bottom
  const sx = (x: number) => m.left + x * w
  const sy = (y: number) => m.top + (1 - y) * h

  const pts = downsample(points, 400)
  const path = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r2(sx(p.x))},${r2(sy(p.y))}`).join('')
  // area between the curve and the diagonal: along the curve, then back down the diagonal
  const area = `${path}L${r2(sx(1))},${r2(sy(1))}L${r2(sx(0))},${r2(sy(0))}Z`

  const grid: string[] = []
  for (let i = 0; i <= 5; i++) {
    const v = i / 5
    grid.push(
      `<line class="grid" x1="${r2(sx(v))}" y1="${r2(sy(0))}" x2="${r2(sx(v))}" y2="${r2(sy(1))}"/>`,
      `<line class="grid" x1="${r2(sx(0))}" y1="${r2(sy(v))}" x2="${r2(sx(1))}" y2="${r2(sy(v))}"/>`,
      `<text class="tick" x="${r2(sx(v))}" y="${r2(sy(0) + 18)}" text-anchor="middle">${formatPct(v, 0)}</text>`,
      `<text class="tick" x="${r2(sx(0) - 8)}" y="${r2(sy(v) + 4)}" text-anchor="end">${formatPct(v, 0)}</text>`,
    )
  }

  const placed: LabelBox[] = []
  const markers = (opts.markers ?? []).map((mk) => {
    const cx = sx(mk.x)
    const cy = sy(mk.y)
    // labels sit right of the point; one that would run past the right edge goes to its left
    // when it fits there (a long label, such as a net share with its plotted height, near the
    // middle ran off the canvas)
    const labelWidth = labelBox(mk.label, 0, 0, true).right
    const right = cx + 10 + labelWidth <= width || cx - 10 - labelWidth < 0
    const tx = right ? cx + 10 : cx - 10
    const ty = clearOf(placed, labelBox(mk.label, tx, cy + 16, right))
    return (
      `<line class="marker-guide" x1="${r2(cx)}" y1="${r2(cy)}" x2="${r2(cx)}" y2="${r2(sy(0))}"/>` +
      `<circle class="marker" cx="${r2(cx)}" cy="${r2(cy)}" r="5"/>` +
      `<text class="marker-label" x="${r2(tx)}" y="${r2(ty)}" text-anchor="${right ? 'start' : 'end'}">${escapeHtml(mk.label)}</text>`
    )
  })

  return chartSvg({ width, height, title: opts.title }, [
    ...grid,
    `<path class="area" d="${area}"/>`,
    `<line class="diagonal" x1="${r2(sx(0))}" y1="${r2(sy(0))}" x2="${r2(sx(1))}" y2="${r2(sy(1))}"/>`,
    `<path class="curve" d="${path}"/>`,
    ...markers,
    `<text class="axis-label" x="${r2(m.left + w / 2)}" y="${r2(height - 8)}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${r2(m.top + h / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.yLabel)}</text>`,
  ])
}

export interface HeatCell {
  /** Row key (drawn top to bottom in `rows` order). */
  readonly row: number
  readonly col: number
  readonly value: number
  /** Small first line (e.g. the segment name). */
  readonly caption?: string
  /** Main text of the cell (e.g. the count). */
  readonly label: string
  /** Second line (e.g. revenue). */
  readonly sublabel?: string
  /** Tooltip. */
  readonly title?: string
}

export interface HeatmapOptions {
  readonly rows: readonly number[]
  readonly cols: readonly number[]
  readonly rowLabel: string
  readonly colLabel: string
  readonly title: string
  readonly cellWidth?: number
  readonly cellHeight?: number
  readonly low?: string
  readonly high?: string
  /** A phone's layout: narrow cells with the count and the sublabel, no caption (the segment's
   * name is in the cell's tooltip and the table beside). */
  readonly compact?: boolean
}

/**
 * Mean advance of a caption's character (10.5 px sans-serif, style.ts), a little above the usual
 * half an em: an estimate on the wide side, so that a fitted caption stays inside its cell.
 */
const CAPTION_CHAR_WIDTH = 6.2
/** A cell's 11.5 px sublabel (money), per character: digits and capitals at ~0.62 em. */
const SUB_CHAR_WIDTH = 7.2

/**
 * `text` cut to fit `width` units at `charWidth` per character, ending in "…" when cut (a custom
 * RFM segment's long name ran over its neighbours' cells and off the grid).
 * @example fitText('Whales with extraordinarily high spending', 114, 6.2) // 'Whales with extraor…'
 */
export function fitText(text: string, width: number, charWidth: number): string {
  const most = Math.max(1, Math.floor(width / charWidth))
  const chars = [...text]
  return chars.length <= most
    ? text
    : `${chars
        .slice(0, most - 1)
        .join('')
        .trimEnd()}…`
}

/**
 * A grid heatmap: colour intensity by `value` relative to the largest cell, text inside each cell.
 * Missing cells are drawn empty. Used for the RFM recency-by-frequency grid.
 */
export function heatmap(cells: readonly HeatCell[], opts: HeatmapOptions): string {
  const compact = opts.compact === true
  const cw = opts.cellWidth ?? (compact ? 56 : 124)
  const ch = opts.cellHeight ?? (compact ? 56 : 70)
  const left = compact ? 40 : 64
  const top = 8
  const bottom = 48
  const width = left + cw * opts.cols.length + 8
  const height = top + ch * opts.rows.length + bottom
  const low = opts.low ?? '#eef6f5'
  const high = opts.high ?? '#0f5c55'
  const max = Math.max(0, ...cells.map((c) => c.value))
  const byKey = new Map(cells.map((c) => [`${c.row}:${c.col}`, c]))

  const parts: string[] = []
  opts.rows.forEach((row, ri) => {
    const y = top + ri * ch
    parts.push(
      `<text class="tick" x="${left - 12}" y="${r2(y + ch / 2 + 4)}" text-anchor="end">${escapeHtml(row)}</text>`,
    )
    opts.cols.forEach((col, ci) => {
      const x = left + ci * cw
      const cell = byKey.get(`${row}:${col}`)
      const t = cell && max > 0 ? cell.value / max : 0
      // sqrt keeps small cells visible next to one very large cell
      const k = Math.sqrt(t)
      const fill = cell && cell.value > 0 ? mixColor(low, high, k) : '#fafafa'
      const ink = textColorOn(fill)
      parts.push(
        `<g><rect class="cell" x="${x + 1}" y="${y + 1}" width="${cw - 2}" height="${ch - 2}" rx="4" fill="${fill}"/>`,
      )
      if (cell) {
        if (cell.title) parts.push(`<title>${escapeHtml(cell.title)}</title>`)
        const cx = r2(x + cw / 2)
        if (cell.caption && !compact) {
          const caption = fitText(cell.caption, cw - 10, CAPTION_CHAR_WIDTH)
          // a shortened caption keeps its whole text as a tooltip when the cell has none
          if (caption !== cell.caption && !cell.title) {
            parts.push(`<title>${escapeHtml(cell.caption)}</title>`)
          }
          parts.push(
            `<text class="cell-text cell-caption" fill="${ink}" x="${cx}" y="${r2(y + 18)}" text-anchor="middle">${escapeHtml(caption)}</text>`,
          )
        }
        parts.push(
          `<text class="cell-text cell-main" fill="${ink}" x="${cx}" y="${r2(compact && cell.sublabel ? y + 26 : y + ch / 2 + 6)}" text-anchor="middle">${escapeHtml(cell.label)}</text>`,
        )
        if (cell.sublabel) {
          // "CHF 1.53K" is wider than a phone's 56-unit cell and ran into the next one: squeezed
          // to the cell (glyphs and spacing), as few characters as fit drop nothing
          const room = cw - 8
          const squeeze =
            cell.sublabel.length * SUB_CHAR_WIDTH > room
              ? ` textLength="${room}" lengthAdjust="spacingAndGlyphs"`
              : ''
          parts.push(
            `<text class="cell-text cell-sub" fill="${ink}" x="${cx}" y="${r2(y + ch - (compact ? 12 : 10))}" text-anchor="middle"${squeeze}>${escapeHtml(cell.sublabel)}</text>`,
          )
        }
      }
      parts.push('</g>')
    })
  })
  opts.cols.forEach((col, ci) => {
    parts.push(
      `<text class="tick" x="${r2(left + ci * cw + cw / 2)}" y="${top + ch * opts.rows.length + 18}" text-anchor="middle">${escapeHtml(col)}</text>`,
    )
  })
  parts.push(
    `<text class="axis-label" x="${r2(left + (cw * opts.cols.length) / 2)}" y="${height - 8}" text-anchor="middle">${escapeHtml(opts.colLabel)}</text>`,
    `<text class="axis-label" transform="translate(16 ${r2(top + (ch * opts.rows.length) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(opts.rowLabel)}</text>`,
  )
  // its smallest text is the cell caption, 10.5 px in the stylesheet (compact: the sublabel, 11.5)
  const minFont = compact ? 11.5 : 10.5
  return chartSvg({ width, height, title: opts.title, className: 'heatmap', minFont }, parts)
}
