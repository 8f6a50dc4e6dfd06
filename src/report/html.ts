// Small HTML builders shared by the report sections. Cells return HTML, so callers escape text
// with escapeHtml (or a format* helper, whose output has no markup characters).
import { escapeHtml, formatPct } from './format.ts'

export interface Column<T> {
  readonly header: string
  /** Right-aligned, tabular digits. */
  readonly num?: boolean
  readonly className?: string
  /** Cell HTML for one row. */
  readonly cell: (row: T) => string
}

/** A table with escaped headers; `footer` is an optional last row of cell HTML, one per column. */
export function htmlTable<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  footer?: readonly string[],
): string {
  const cls = (c: Column<T>) => {
    const names = [c.num ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ')
    return names ? ` class="${names}"` : ''
  }
  const head = columns.map((c) => `<th scope="col"${cls(c)}>${escapeHtml(c.header)}</th>`).join('')
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td${cls(c)}>${c.cell(r)}</td>`).join('')}</tr>`)
    .join('\n')
  const foot = footer
    ? `<tfoot><tr>${columns.map((c, i) => `<td${cls(c)}>${footer[i] ?? ''}</td>`).join('')}</tr></tfoot>`
    : ''
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody>${foot}</table></div>`
}

/**
 * A chart's figures as a table, closed under the chart: the SVG is one image to a screen reader
 * (its bars' tooltips are hidden from it), and some charts' figures appear nowhere else as text.
 * @example chartData('The bins', cols, rows) // '<details class="chart-data"><summary>The bins ...'
 */
export function chartData<T>(
  what: string,
  columns: readonly Column<T>[],
  rows: readonly T[],
): string {
  if (rows.length === 0) return ''
  return `<details class="chart-data"><summary>${escapeHtml(what)}</summary>${htmlTable(columns, rows)}</details>`
}

/**
 * A message as HTML: escaped, with each `backquoted` span (a command or flag the notes name) set
 * as code instead of showing its backquotes.
 * @example withCode('run `loyals insights` again') // 'run <code>loyals insights</code> again'
 */
export function withCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/**
 * User text in one line, clipped by its cell's `id` or `clip` class; the whole text on hover, and
 * wrapped whole where no hover shows it (print, a touch screen, a phone).
 */
export function clipped(text: string): string {
  const t = escapeHtml(text)
  return `<span title="${t}">${t}</span>`
}

/**
 * A column of user text (customer ids, categories, channels, products ...): one clipped line with
 * the whole text as its tooltip, so one long label cannot make the table wider than the page.
 * `id` also sets the text in monospace (customer ids); `wrap` wraps it in a wider cell instead,
 * for labels made of several parts ("category: Lenses + category: Sunglasses", a list of reasons)
 * whose clipped starts would read alike.
 */
export function labelColumn<T>(
  header: string,
  text: (row: T) => string,
  className: 'clip' | 'id' | 'wrap' = 'clip',
): Column<T> {
  return { header, className, cell: (row) => clipped(text(row)) }
}

/** A column of dates (2024-01-31, 2024-01): one line each, never broken at a hyphen. */
export function dateColumn<T>(header: string, date: (row: T) => string): Column<T> {
  return { header, className: 'date', cell: (row) => escapeHtml(date(row)) }
}

/** A share as text followed by a fixed-width track with a bar scaled so `max` fills it. */
export function shareWithBar(share: number | null, max: number): string {
  const pct =
    share !== null && max > 0 && Number.isFinite(share)
      ? Math.min(100, Math.max(0, (share / max) * 100))
      : 0
  return `${formatPct(share)}<span class="track"><span class="bar" style="width:${pct.toFixed(1)}%"></span></span>`
}

/** A headline figure card. All arguments are text and are escaped here. */
export function kpi(label: string, value: string, note = ''): string {
  const n = note ? `<div class="note">${escapeHtml(note)}</div>` : ''
  return `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${n}</div>`
}
