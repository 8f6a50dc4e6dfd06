// Library calls with wrong inputs from JavaScript get a UsageError saying what is wrong, as the
// README promises of every failure (these were TypeErrors, a SQL conversion error, or the engine's
// "Table ... does not exist").
import { copyFileSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import {
  analyze,
  buildCustomerSummary,
  buildRfm,
  buildValue,
  computeAnalysis,
  computeInsights,
  customerProfile,
  DEFAULT_VALUE_CONFIG,
  importFile,
  openSource,
  openWorkspace,
  UsageError,
} from '../../src/index.ts'
import { tempDir } from '../helpers/cli.ts'

const CDNOW = resolve(import.meta.dirname, '../../data/cdnow/cdnow_sample_orders.csv')
const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})
const as = <T>(v: unknown): T => v as T

test('read options of the wrong type: tz, map as CLI text, map values', async () => {
  await expect(openSource(CDNOW, { tz: as<string>(5) })).rejects.toThrow(
    new UsageError('tz must be a string (got number)'),
  )
  await expect(
    openSource(CDNOW, { map: as<Record<string, string>>('customer_id=x') }),
  ).rejects.toThrow(/map must be an object of field -> file column.*got string/)
  await expect(
    openSource(CDNOW, { map: as<Record<string, string>>({ amount: 3 }) }),
  ).rejects.toThrow(new UsageError('map.amount must be a column name (got number)'))
  const e = await openWorkspace(':memory:')
  open.push(e)
  await expect(
    importFile(e, CDNOW, { kind: 'orders', dateFormat: as<string>(1) }),
  ).rejects.toBeInstanceOf(UsageError)
})

test('computeAnalysis without options, analyze without a directory, a horizon as text', async () => {
  const { engine } = await openSource(CDNOW)
  open.push(engine)
  await expect(computeAnalysis(engine, as<never>(undefined))).rejects.toThrow(
    /computeAnalysis\(engine, opts\) needs its options/,
  )
  await expect(analyze(engine, as<string>(5), { source: 'x' })).rejects.toThrow(
    new UsageError('analyze(engine, outDir, opts) needs the directory to write to (got number)'),
  )
  const run = computeAnalysis(engine, {
    source: 'x',
    asOf: '1997-09-30',
    value: false,
    insights: false,
    predictions: { horizon: as<number>('52') },
  })
  await expect(run).rejects.toThrow(
    new UsageError('horizon (--horizon) must be a number (got "52", string)'),
  )
})

test('buildRfm before a summary says to build one first; after it, it scores', async () => {
  const e = await openWorkspace(join(tempDir('loyals-lib-'), 'w.duckdb'))
  open.push(e)
  await importFile(e, CDNOW, { kind: 'orders' })
  const early = await buildRfm(e).then(
    () => null,
    (err: unknown) => err,
  )
  expect(early).toBeInstanceOf(UsageError)
  expect((early as Error).message).toBe(
    'buildRfm scores the customer summary table customer_summary, which does not exist: run buildCustomerSummary first',
  )
  await buildCustomerSummary(e, { unit: 'week', asOf: '1997-09-30' })
  const rfm = await buildRfm(e)
  expect(rfm.segments.reduce((a, s) => a + s.customers, 0)).toBe(2357)
})

test('a history value given as text is named with its type, not printed as if valid', async () => {
  const { bgnbd, DataError } = await import('../../src/index.ts')
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
  expect(() => bgnbd.probabilityAlive(params, as<number>('2'), 30, 38)).toThrow(
    new DataError('invalid history: x must be a number (got string "2")'),
  )
  expect(bgnbd.probabilityAlive(params, 2, 30, 38)).toBeGreaterThan(0)
})

test('buildValue runs again on its own analysis table; bad unitDays, config or table are UsageErrors', async () => {
  const { engine } = await openSource(CDNOW)
  open.push(engine)
  await computeAnalysis(engine, {
    source: 'orders',
    asOf: '1997-09-30',
    value: false,
    insights: false,
  })
  const o = { config: DEFAULT_VALUE_CONFIG, asOf: '1997-09-30', unitDays: 7, predictions: null }
  const first = await buildValue(engine, 'customer_analysis', o)
  // the first run left its value view under the table's name (that was "rowid not found")
  const again = await buildValue(engine, 'customer_analysis', o)
  expect(again.summary.breakdown.totalValue).toBe(first.summary.breakdown.totalValue)
  for (const unitDays of [Number.NaN, 0, -7, Number.POSITIVE_INFINITY]) {
    await expect(buildValue(engine, 'customer_analysis', { ...o, unitDays })).rejects.toThrow(
      /buildValue: opts.unitDays must be the days per unit/,
    )
  }
  await expect(
    buildValue(engine, 'customer_analysis', { ...o, config: as<never>({}) }),
  ).rejects.toThrow(/opts.config must be a whole value configuration/)
  // a date or unit other than the analysis's: revenue of one date would meet costs of another
  await expect(
    buildValue(engine, 'customer_analysis', { ...o, asOf: '1997-01-15' }),
  ).rejects.toThrow(
    new UsageError(
      'buildValue: the table customer_analysis is as of 1997-09-30 (the last computeAnalysis on this engine), not 1997-01-15: pass asOf 1997-09-30, or run computeAnalysis with asOf 1997-01-15 first',
    ),
  )
  await expect(buildValue(engine, 'customer_analysis', { ...o, unitDays: 1 })).rejects.toThrow(
    new UsageError(
      'buildValue: the table customer_analysis counts t_x and T in units of 7 days (its computeAnalysis unit), not 1: pass unitDays 7',
    ),
  )
  // a predictions table misspelt, or one without the predictions, is named (it was the engine's
  // catalog error, naming neither buildValue nor the option)
  await expect(
    buildValue(engine, 'customer_analysis', { ...o, predictions: 'customer_prediction' }),
  ).rejects.toThrow(
    new UsageError(
      'buildValue: opts.predictions names no table: there is no customer_prediction: it must be the predictions table computeAnalysis makes (customer_predictions), or null for none',
    ),
  )
  await expect(
    buildValue(engine, 'customer_analysis', { ...o, predictions: 'customer_summary' }),
  ).rejects.toThrow(
    /opts.predictions names the table customer_summary, which has no p_alive, expected_purchases, predicted_revenue:/,
  )
  const predicted = await buildValue(engine, 'customer_analysis', {
    ...o,
    predictions: 'customer_predictions',
  })
  expect(predicted.summary.breakdown.totalValue).toBeGreaterThan(first.summary.breakdown.totalValue)
  await expect(buildCustomerSummary(engine, as<never>(undefined))).rejects.toThrow(
    /buildCustomerSummary\(engine, opts\) needs its options/,
  )
  await expect(computeInsights(engine, as<never>(undefined))).rejects.toThrow(
    /computeInsights\(engine, opts\) needs its options/,
  )
  await buildCustomerSummary(engine, { unit: 'week', asOf: '1997-09-30' })
  await buildRfm(engine)
  await expect(buildValue(engine, 'customer_summary', o)).rejects.toThrow(
    new UsageError(
      'buildValue: the table customer_summary has no rfm_segment: the value step reads the per-customer table computeAnalysis makes (customer_analysis; run it with value: false to value the customers yourself)',
    ),
  )
  await expect(buildValue(engine, 'customer_rfm', o)).rejects.toThrow(/customer_rfm is a view/)
  await expect(
    computeInsights(engine, { asOf: '1997-09-30', table: 'customer_rfm' }),
  ).rejects.toThrow(/the table customer_rfm has no first_purchase, last_purchase, orders/)
  // the analysis table is whole after all that
  const last = await buildValue(engine, 'customer_analysis', o)
  expect(last.summary.breakdown.totalValue).toBe(first.summary.breakdown.totalValue)
})

test('analyze does not write over the orders file it reads', async () => {
  const dir = tempDir('loyals-lib-')
  const orders = join(dir, 'customers.csv')
  copyFileSync(CDNOW, orders)
  const before = readFileSync(orders, 'utf8')
  const { engine } = await openSource(orders)
  open.push(engine)
  await expect(analyze(engine, dir, { source: orders, insights: false })).rejects.toThrow(
    /its customers.csv would overwrite .*customers.csv, the orders file it reads/,
  )
  expect(readFileSync(orders, 'utf8')).toBe(before)
})

test('insights refuse an analysis table of another date; a workspace table is no output table', async () => {
  const e = await openWorkspace(join(tempDir('loyals-lib-'), 'w.duckdb'))
  open.push(e)
  await importFile(e, CDNOW, { kind: 'orders' })
  await computeAnalysis(e, { source: 'w', asOf: '1998-06-30', value: false, insights: false })
  const first = await computeInsights(e, { asOf: '1998-06-30' })
  // a profile as of another day replaces the analysis table
  await customerProfile(e, '1', { asOf: '1997-09-30' })
  await expect(computeInsights(e, { asOf: '1998-06-30' })).rejects.toThrow(
    /the table customer_analysis is as of 1997-09-30 .* not 1998-06-30: run computeAnalysis with asOf 1998-06-30 first/,
  )
  await computeAnalysis(e, { source: 'w', asOf: '1998-06-30', value: false, insights: false })
  const again = await computeInsights(e, { asOf: '1998-06-30' })
  expect(again.summary.cohort).toEqual(first.summary.cohort)
  await expect(buildCustomerSummary(e, { unit: 'week', table: 'orders' })).rejects.toThrow(
    /buildCustomerSummary: table "orders" is a workspace table/,
  )
  await buildCustomerSummary(e, { unit: 'week' })
  await expect(buildRfm(e, { out: 'Customers' })).rejects.toThrow(/is a workspace table/)
  // the stored orders are still what the jobs read
  const s = await computeAnalysis(e, { source: 'w', value: false, insights: false })
  expect(s.counts.orders).toBe(6919)
  await expect(
    buildValue(e, 'customer_analysis', {
      config: DEFAULT_VALUE_CONFIG,
      asOf: '1998-06-30',
      unitDays: 7,
      predictions: as<null>(undefined),
    }),
  ).rejects.toThrow(/opts.predictions must be the predictions table/)
})
