// The report's only stylesheet, inlined into the page: system fonts, no web fonts, no images,
// so the file renders identically offline. Print rules let sections run across pages, keep only
// short blocks whole, and fit every table's columns on the page.

export const REPORT_CSS = `
:root {
  --ink: #1d2433; --muted: #5b6475; --line: #e3e7ee; --bg: #f6f7f9; --card: #ffffff;
  --accent: #0f766e; --accent-soft: #d5efec; --warn: #a15c07; --warn-soft: #fdf3e1;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  overflow-wrap: break-word;
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 64px; }
header.report-head { margin-bottom: 8px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 19px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 20px 0 8px; color: var(--muted); font-weight: 600; }
p { margin: 6px 0; }
.meta { color: var(--muted); font-size: 13px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 14px 0 22px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
section {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 22px 24px; margin: 0 0 20px;
}
section > .lead { color: var(--muted); margin-bottom: 14px; max-width: 780px; }
.headline {
  font-size: 22px; line-height: 1.35; margin: 4px 0 18px; max-width: 820px;
}
.headline strong { color: var(--accent); }
/* a card is never narrower than its figure (a flex item keeps its content's width, up to the row's):
   cards move to another row instead of breaking a figure */
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { flex: 1 1 160px; max-width: 100%; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fbfcfd; }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.kpi .note { color: var(--muted); font-size: 12px; }
.split { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 28px; align-items: start; }
@media (max-width: 860px) { .split, .split-wide { grid-template-columns: minmax(0, 1fr); } }
/* a chart shrinks with its box down to its readable width (--min-width, see chartSvg), then its
   box scrolls */
.chart { max-width: 100%; min-width: var(--min-width, 0); height: auto; display: block; }
/* a chart drawn twice (responsiveChart): its narrow layout on a phone, where the wide one would
   scroll or shrink its text below reading size; paper takes the wide one */
.chart-narrow { display: none; }
@media screen and (max-width: 640px) {
  .chart-wide { display: none; }
  .chart-narrow { display: block; }
}
.chart .grid { stroke: #edf0f4; stroke-width: 1; }
.chart .tick { fill: var(--muted); font-size: 12px; }
.chart .tick-note { fill: var(--muted); font-size: 10px; }
.chart .axis-label { fill: var(--ink); font-size: 13px; }
.chart .diagonal { stroke: #9aa3b2; stroke-width: 1.5; stroke-dasharray: 5 4; }
.chart .curve { fill: none; stroke: var(--accent); stroke-width: 2.5; }
.chart .area { fill: var(--accent-soft); opacity: 0.7; }
.chart .marker { fill: #fff; stroke: var(--accent); stroke-width: 2.5; }
.chart .marker-guide { stroke: var(--accent); stroke-width: 1; stroke-dasharray: 2 3; opacity: 0.6; }
.chart .marker-label { fill: var(--ink); font-size: 12.5px; font-weight: 600; }
.heatmap .cell { stroke: #fff; }
.heatmap .cell-main { font-size: 15px; font-weight: 650; }
.heatmap .cell-sub { font-size: 11.5px; }
.heatmap .cell-caption { font-size: 10.5px; }
details.chart-data { margin: 4px 0 12px; font-size: 13px; }
details.chart-data summary { color: var(--muted); cursor: pointer; }
@media print { details.chart-data { display: none; } }
.split-wide { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 28px; align-items: start; }
@media (max-width: 980px) { .split-wide { grid-template-columns: 1fr; } }
.split-wide h3 { margin-top: 0; }
dl.defs { margin: 0; font-size: 13px; }
dl.defs dt { font-weight: 600; margin-top: 6px; }
dl.defs dd { margin: 0; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
/* compact columns, and headers that wrap at their spaces, before a table outgrows its box */
th, td { padding: 7px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.date { white-space: nowrap; }
tbody tr:hover { background: #f9fafb; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); border-bottom: none; }
.track { display: inline-block; width: 80px; height: 8px; margin-left: 10px; vertical-align: middle; background: #eef1f5; border-radius: 4px; overflow: hidden; }
.bar { display: block; height: 100%; border-radius: 4px; background: var(--accent); opacity: 0.85; }
.bar-cell { white-space: nowrap; }
.id, .clip { max-width: 200px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wrap { min-width: 160px; max-width: 360px; white-space: normal; overflow-wrap: anywhere; }
/* a column of sentences (service levels, perks, reasons) keeps a few words a line where its table
   scrolls sideways anyway (a phone): squeezed to 1-3 words, a Platinum tier row stood 250 px tall
   and the rising stars' reasons 4,400 px. A desktop and paper fit the whole table instead */
.text { max-width: 28em; }
@media screen and (max-width: 640px) {
  .text { min-width: 14em; }
  .wrap { min-width: 20em; }
}
/* 150 px: the top customers' twelve columns fit a desktop window with it (report-browser test) */
.id { max-width: 150px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
/* the whole label, wrapped, where no tooltip shows: on paper, a touch screen, a phone (a word
   longer than the cell breaks in it, as body text does) */
@media print, (hover: none), (max-width: 640px) {
  .id, .clip { white-space: normal; }
}
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef1f5; white-space: nowrap; }
/* a box that scrolls sideways (a chart or table wider than a phone) shows a shadow at the edge
   with more beyond it, and none where it ends: the covers scroll with the content (local), the
   shadows stay at the edges (scroll), so a cut-off chart reads as one that goes on */
.scroll {
  overflow-x: auto;
  background:
    linear-gradient(to right, var(--card) 30%, rgba(255, 255, 255, 0)) left center / 40px 100% no-repeat local,
    linear-gradient(to left, var(--card) 30%, rgba(255, 255, 255, 0)) right center / 40px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.2), rgba(0, 0, 0, 0)) left center / 14px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.2), rgba(0, 0, 0, 0)) right center / 14px 100% no-repeat scroll;
}
table.retention { width: auto; font-size: 12.5px; }
table.retention th, table.retention td { padding: 4px 7px; }
table.retention td.num, table.retention th.num { min-width: 3.6em; }
/* the cohort names stay in view while the months scroll past */
table.retention th:first-child, table.retention td:first-child { position: sticky; left: 0; background: var(--card); white-space: nowrap; }
.gini { font-size: 14px; margin-top: 12px; }
.notes { margin: 0; padding-left: 18px; }
.notes li { margin: 4px 0; }
.notes li.warning { color: var(--warn); }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 28px; }
@media print {
  body { background: #fff; }
  main { padding: 0; }
  section { border: none; padding: 8px 0; }
  nav.toc { display: none; }
  /* paper does not scroll: every column and chart must fit the page, so tables and charts shrink */
  .scroll { overflow: visible; background: none; }
  .chart { min-width: 0; }
  table { font-size: 11px; }
  th, td { padding: 3px 4px; }
  th { font-size: 9.5px; }
  .id, .pill { font-size: 1em; }
  .pill { padding: 0 5px; }
  /* a section kept whole moved to a new page when it did not fit, then split anyway when longer
     than a page, leaving pages mostly blank: sections run on, and only short blocks are kept whole
     (a heading stays with what follows it; a table's header repeats on each page) */
  h2, h3, .lead { break-after: avoid; }
  tr, .kpi, .headline, .chart, .notes li, p, dt, dd { break-inside: avoid; }
  /* the last card of a row ended on the page's edge, and its right border was cut off */
  .kpis { padding-right: 2px; }
  thead { display: table-header-group; }
  .track { width: 36px; margin-left: 4px; }
  /* bars and shaded cells are backgrounds, which a browser leaves off paper unless told (the
     share bars were blank and a dark cell's white figure was lost) */
  .track, .bar, table.retention td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table.retention { font-size: var(--print-font, 7.5px); }
  table.retention th, table.retention td { padding: 2px; }
  /* the right-aligned Customers header ran into Cohort ("COHORT CUSTOMERS") with 2 px between */
  table.retention th:nth-child(2), table.retention td:nth-child(2) { padding-left: 1.2em; }
  table.retention td.num, table.retention th.num { min-width: 0; }
}
`
