// Predictions: what the chosen model expects over the horizon, why that model, and how well it
// predicted the holdout (tracking curve, frequency chart), plus the P(alive) distribution.
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import type { PredictionCandidate, PredictionSummary } from '../../service/prediction-summary.ts'
import {
  escapeHtml,
  formatInt,
  formatMoney,
  formatNumber,
  formatPct,
  pctDecimals,
} from '../format.ts'
import {
  type Column,
  chartData,
  dateColumn,
  htmlTable,
  kpi,
  labelColumn,
  withCode,
} from '../html.ts'
import { ACTUAL_COLOR, barChart, lineChart, PREDICTED_COLOR } from '../prediction-charts.ts'
import type { ReportSection } from '../render.ts'
import { responsiveChart } from '../svg.ts'

type Top = PredictionSummary['topCustomers'][number]

const plural = (unit: string, n: number) => `${unit}${n === 1 ? '' : 's'}`

/**
 * A parameter to 4 decimals, or to 3 significant digits when that would show a non-zero value
 * as 0.0000 (a and b of 2.5e-7 at BG/NBD's split-dropout limit read as a broken fit).
 */
export function paramNumber(v: number, decimals: number): string {
  return v !== 0 && Number.isFinite(v) && Math.abs(v) < 0.5 * 10 ** -decimals
    ? v.toExponential(2)
    : formatNumber(v, decimals)
}

/** A model's parameters as the models table shows them, each with its standard error. */
export function params(c: PredictionCandidate): string {
  if (!c.params) return `<span class="muted">${escapeHtml(c.error ?? 'not fitted')}</span>`
  return Object.entries(c.params)
    .map(([k, v]) => {
      const se = c.standardErrors?.[k]
      const s = se !== undefined && Number.isFinite(se) ? ` ± ${paramNumber(se, 3)}` : ''
      // a parameter that ran off to the fit's bound has no standard error: its figure is the
      // bound, not an estimate ("s 10,000,000.0000" read as one), as the notes below explain
      const off =
        s === '' && Math.abs(v) >= 1e6
          ? ' <span class="muted">(→ ∞: ran off to the bound of the fit)</span>'
          : ''
      return `${escapeHtml(k)} ${paramNumber(v, 4)}${escapeHtml(s)}${off}`
    })
    .join('<br>')
}

function modelTable(p: PredictionSummary): string {
  const chosen = (c: PredictionCandidate) => c.key === p.model
  const cols: Column<PredictionCandidate>[] = [
    {
      header: 'Model',
      cell: (c) => `${escapeHtml(c.name)}${chosen(c) ? ' <span class="pill">chosen</span>' : ''}`,
    },
    { header: 'Parameters (± SE)', cell: params },
    { header: 'Log-likelihood', num: true, cell: (c) => formatNumber(c.logLikelihood, 2) },
    { header: 'AIC', num: true, cell: (c) => formatNumber(c.aic, 1) },
    { header: 'BIC', num: true, cell: (c) => formatNumber(c.bic, 1) },
  ]
  if (p.holdout) {
    cols.push(
      // RMSE first: the choice is made on it (validation.ts chooseModel)
      { header: 'Holdout RMSE', num: true, cell: (c) => formatNumber(c.holdout?.rmse, 3) },
      { header: 'MAE', num: true, cell: (c) => formatNumber(c.holdout?.mae, 3) },
      {
        header: 'Predicted / actual',
        num: true,
        cell: (c) =>
          c.holdout
            ? `${formatNumber(c.holdout.totalPredicted, 0)} / ${formatInt(c.holdout.totalActual)} (${signedPct(c.holdout.relativeError)})`
            : '–',
      },
    )
  }
  return htmlTable(cols, p.candidates)
}

/** A relative error as +12.3 %; n/a when the holdout had no purchase to compare with. */
const signedPct = (v: number | null): string =>
  v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${formatPct(v)}`

function topTable(p: PredictionSummary, currency: string | null): string {
  if (p.topCustomers.length === 0) return ''
  const cols: Column<Top>[] = [
    labelColumn('Customer', (c) => c.customerId, 'id'),
    { header: 'Orders', num: true, cell: (c) => formatInt(c.orders) },
    { header: 'Revenue so far', num: true, cell: (c) => formatMoney(c.revenue, currency) },
    { header: 'P(alive)', num: true, cell: (c) => formatPct(c.pAlive) },
    { header: 'Expected purchases', num: true, cell: (c) => formatNumber(c.expectedPurchases, 2) },
    { header: 'Expected spend', num: true, cell: (c) => formatMoney(c.expectedSpend, currency) },
    { header: 'Predicted value', num: true, cell: (c) => formatMoney(c.predictedValue, currency) },
    dateColumn('Next purchase', (c) => c.expectedNextPurchase ?? '–'),
  ]
  // a table of customers at 0 ranked by id says nothing: nobody is predicted to buy again (every
  // customer bought once and the model expects no repeat, or P(alive) is 0 throughout)
  if (p.topCustomers.every((c) => !(Number(c.predictedValue) > 0))) {
    return `<h3>Highest predicted value</h3><p>Nobody is predicted any value over the horizon: the model expects no customer to buy again.</p>`
  }
  return `<h3>Highest predicted value</h3>${htmlTable(cols, p.topCustomers)}`
}

/**
 * A chart drawn for a wide box and again on a 360-unit canvas for a phone's, which fits a 292 px
 * box with 9 px text (the wide ones scrolled: weeks 0-28 of 78 showed, P(alive) 80 and 90 hid).
 */
function forPhone(draw: (size: { width?: number; height?: number }) => string, height: number) {
  return responsiveChart(draw({}), draw({ width: 360, height }))
}

function trackingChart(p: PredictionSummary): string {
  const pts = p.tracking.points
  if (pts.length < 2) return ''
  type Point = (typeof pts)[number]
  const data = chartData<Point>(
    'The chart as a table: cumulative repeat purchases by week',
    [
      { header: `Weeks since ${p.tracking.start}`, num: true, cell: (t) => formatInt(t.period) },
      { header: 'Actual', num: true, cell: (t) => formatNumber(t.actual, 0) },
      {
        header: `Predicted (${p.modelName})`,
        num: true,
        cell: (t) => formatNumber(t.predicted, 1),
      },
    ],
    pts,
  )
  const chart = forPhone(
    (size) =>
      lineChart(
        [
          {
            label: 'Actual',
            color: ACTUAL_COLOR,
            points: pts.map((t) => ({ x: t.period, y: t.actual })),
          },
          {
            label: `Predicted (${p.modelName})`,
            color: PREDICTED_COLOR,
            dashed: true,
            points: pts.map((t) => ({ x: t.period, y: t.predicted })),
          },
        ],
        {
          title: 'Cumulative repeat purchases, actual vs predicted',
          width: 1000,
          height: 380,
          ...size,
          xLabel: `Weeks since ${p.tracking.start}`,
          yLabel: 'Cumulative repeat purchases',
          ...(p.holdout
            ? {
                divider: {
                  x: p.tracking.calibrationPeriods,
                  left: 'calibration',
                  right: 'holdout',
                },
              }
            : {}),
        },
      ),
    300,
  )
  return chart + data
}

function frequencyChart(p: PredictionSummary): string {
  const buckets = p.byFrequency
  if (!buckets) return ''
  type Bucket = (typeof buckets)[number]
  const data = chartData<Bucket>(
    'The chart as a table: holdout purchases per customer',
    [
      { header: 'Repeat purchases before the as-of date', cell: (b) => escapeHtml(b.frequency) },
      { header: 'Customers', num: true, cell: (b) => formatInt(b.customers) },
      { header: 'Actual', num: true, cell: (b) => formatNumber(b.actual, 2) },
      {
        header: `Predicted (${p.modelName})`,
        num: true,
        cell: (b) => formatNumber(b.predicted, 2),
      },
    ],
    buckets,
  )
  const chart = forPhone(
    (size) =>
      barChart(
        // a bucket without customers has no bars (null in summary.json: unknown, not 0), and
        // each says how many customers its means stand on (a bucket of 1 beside one of 707)
        buckets.map((b) => ({
          label: b.frequency,
          values: [b.actual ?? Number.NaN, b.predicted ?? Number.NaN],
          note: `n = ${formatInt(b.customers)}`,
        })),
        [
          { label: 'Actual', color: ACTUAL_COLOR },
          { label: `Predicted (${p.modelName})`, color: PREDICTED_COLOR },
        ],
        {
          title: 'Holdout purchases per customer by calibration repeat purchases',
          xLabel: 'Repeat purchases before the as-of date',
          yLabel: 'Holdout purchases per customer',
          ...size,
        },
      ),
    300,
  )
  return chart + data
}

function aliveChart(p: PredictionSummary): string {
  if (p.pAliveHistogram.length === 0) return ''
  type Bin = (typeof p.pAliveHistogram)[number]
  const data = chartData<Bin>(
    'The chart as a table: customers by P(alive)',
    [
      {
        header: 'P(alive)',
        cell: (b) =>
          `${Math.round(b.from * 100)} % to ${b.to >= 1 ? '' : 'under '}${Math.round(b.to * 100)} %`,
      },
      { header: 'Customers', num: true, cell: (b) => formatInt(b.customers) },
    ],
    p.pAliveHistogram,
  )
  const chart = forPhone(
    (size) =>
      barChart(
        p.pAliveHistogram.map((b) => ({
          label: `${Math.round(b.from * 100)}`,
          values: [b.customers],
        })),
        [{ label: 'Customers', color: PREDICTED_COLOR }],
        {
          title: 'Customers by probability alive',
          xLabel: 'P(alive), % (bin start)',
          yLabel: 'Customers',
          format: (v) => formatNumber(v, 0),
          ...size,
        },
      ),
    280,
  )
  return chart + data
}

export const predictionsSection: ReportSection = {
  id: 'predictions',
  title: 'Predictions',
  // without orders after the as-of date there is nothing to test the model on: the tracking chart
  // then covers the fitting period only, and the lead says so rather than promise a test
  lead: (s: AnalysisSummary) => {
    const fitted =
      'What each customer is expected to buy next, from a repeat-purchase model fitted on the history up to the as-of date'
    const h = s.predictions?.holdout
    // the historical-rate fallback: no model was fitted, and none was tested on the holdout
    if (s.predictions?.model === 'baseline') {
      const rate =
        "What each customer is expected to buy next, at their history's rate up to the as-of date: too little repeat buying to fit a repeat-purchase model (the note below says why)"
      return h
        ? `${rate}; the tracking chart shows that rate beside what happened after it (${h.from} to ${h.to}).`
        : `${rate}.`
    }
    if (!h)
      return `${fitted}. No orders are dated after it, so nothing tests the predictions: the tracking chart shows how closely the model follows the history it was fitted on.`
    // a holdout without a repeat purchase of the fitted customers tested nothing: the model was
    // chosen by BIC, as the warning below says (or was the no-dropout limit, chosen without a
    // contest), and the lead must not promise a test
    const p = s.predictions
    const untested =
      p?.basis === 'bic' ||
      (p?.basis === 'holdout' && !p.candidates.some((c) => (c.holdout?.totalActual ?? 0) > 0))
    if (untested)
      return `${fitted}. The orders after it (${h.from} to ${h.to}) hold no repeat purchase of the customers it was fitted on, so they cannot test the predictions: the charts show what the model expected beside what happened.`
    return `${fitted}; the charts show how well that model predicted what happened after it (the holdout, ${h.from} to ${h.to}).`
  },
  render(s: AnalysisSummary): string {
    const p = s.predictions
    if (!p) return ''
    const cur = s.currency
    const unit = plural(p.unit, p.horizon)
    // orders without amounts: purchases only; no value, spend model or ranking by value
    const money = s.revenue.measured
    const kpis = [
      kpi(
        'Expected purchases',
        // whole purchases once there are many; a few keep two decimals, as the customers' rows
        // show them (one customer's 6.50 read 7 on the card)
        formatNumber(p.totals.expectedPurchases, p.totals.expectedPurchases < 100 ? 2 : 0),
        `next ${formatNumber(p.horizon, 0)} ${unit}`,
      ),
    ]
    if (money) {
      kpis.push(
        kpi(
          'Predicted value',
          formatMoney(p.totals.predictedValue, cur),
          `discounted at ${formatPct(p.annualDiscountRate, pctDecimals(p.annualDiscountRate, 1))} a year${p.margin.value !== 1 ? `, margin ${formatPct(p.margin.value, pctDecimals(p.margin.value, 1))}` : ''}`,
        ),
      )
    }
    kpis.push(
      kpi(
        'Likely to buy again',
        formatNumber(p.totals.expectedActiveCustomers, 0),
        `expected customers with a purchase in the next ${formatNumber(p.horizon, 0)} ${unit}`,
      ),
    )
    if (p.totals.meanPAlive !== null) {
      kpis.push(kpi('Mean P(alive)', formatPct(p.totals.meanPAlive), 'share still active'))
    }
    const notes = p.notes.length
      ? `<ul class="notes">${p.notes.map((n) => `<li class="${n.level}">${withCode(n.message)}</li>`).join('')}</ul>`
      : ''
    const track = trackingChart(p)
    const freq = frequencyChart(p)
    const alive = aliveChart(p)
    const spend =
      p.spend.model === 'gamma-gamma' && p.spend.params
        ? `Spend per purchase: Gamma-Gamma model (p ${formatNumber(p.spend.params.p, 3)}, q ${formatNumber(p.spend.params.q, 3)}, γ ${formatNumber(p.spend.params.gamma, 3)}) on ${formatInt(p.spend.customers)} repeat buyers; a customer without repeat purchases is expected to spend ${formatMoney(p.spend.populationMean, cur)}.${p.spend.correlation !== null ? ` Correlation of frequency and spend: ${formatNumber(p.spend.correlation, 2)} (the model assumes none).` : ''}`
        : `Spend per purchase: the mean, ${formatMoney(p.spend.populationMean, cur)}.`
    return [
      `<p class="headline">Model: <strong>${escapeHtml(p.modelName)}</strong></p>`,
      `<p>${escapeHtml(p.reason)}</p>`,
      `<div class="kpis">${kpis.join('')}</div>`,
      track
        ? `<h3>Tracking: cumulative repeat purchases of the customers analysed</h3>${track}`
        : '',
      freq || alive
        ? `<div class="split">${freq ? `<div><h3>Holdout purchases by past frequency</h3>${freq}</div>` : ''}${alive ? `<div><h3>Probability alive</h3>${alive}</div>` : ''}</div>`
        : '',
      `<h3>Models compared</h3>${modelTable(p)}`,
      money
        ? `<p class="meta">${escapeHtml(spend)} Predictions are as of ${escapeHtml(p.asOf)}; expected purchases and value cover the next ${formatNumber(p.horizon, 0)} ${escapeHtml(unit)}.</p>`
        : `<p class="meta">Predictions are as of ${escapeHtml(p.asOf)}; expected purchases cover the next ${formatNumber(p.horizon, 0)} ${escapeHtml(unit)}. The orders carry no amounts: no spend or value is predicted.</p>`,
      money ? topTable(p, cur) : '',
      notes,
    ].join('\n')
  },
}
