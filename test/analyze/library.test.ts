// The main job from code, through the package's public surface (src/index.ts): an orders file
// read into a scratch store, analyzed into the four files, as `loyals analyze` does it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type AnalysisSummary,
  analyze,
  assignSegment,
  buildCustomerSummary,
  buildRfm,
  computeAnalysis,
  concentration,
  defaultSections,
  generateCompany,
  importFile,
  insightsSections,
  marginKnown,
  openSource,
  openWorkspace,
  RfmRulesSchema,
  rankShares,
  rfmSegmentCaseSql,
  writeCompany,
} from '../../src/index.ts'
import { ROOT, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')

describe('the library runs the main job', () => {
  it('openSource + analyze write the files and answer the summary the CLI writes', async () => {
    const out = tempDir('loyals-lib-')
    const { engine, temporary, notes } = await openSource(SAMPLE, {})
    expect(temporary).toBe(true)
    expect(notes).toEqual([])
    let summary: AnalysisSummary
    try {
      const r = await analyze(engine, out, {
        source: 'cdnow',
        asOf: '1997-09-30',
        value: false,
        insights: false,
      })
      summary = r.summary
      for (const f of [r.files.csv, r.files.parquet, r.files.json, r.files.html]) {
        expect(existsSync(f), f).toBe(true)
      }
    } finally {
      await engine.close()
    }
    expect(summary.counts.customers).toBe(2357)
    expect(summary.counts.ordersAfterAsOf).toBeGreaterThan(0)
    // the summary answered is the one written
    const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(written.counts).toEqual(summary.counts)
    expect(written.predictions.model).toBe(summary.predictions?.model)
  })

  it('a workspace imported with importFile gives the same counts through computeAnalysis', async () => {
    const dir = tempDir('loyals-lib-ws-')
    const engine = await openWorkspace(join(dir, 'w.duckdb'))
    try {
      const imported = await importFile(engine, SAMPLE, { kind: 'orders' })
      expect(imported.rowsStored).toBe(6919)
      const info = await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
      expect(info.customers).toBe(2357)
      const s = await computeAnalysis(engine, {
        source: 'w.duckdb',
        asOf: '1997-09-30',
        predictions: false,
        value: false,
      })
      expect(s.counts.customers).toBe(2357)
      expect(s.rfm.segments.reduce((n, x) => n + x.customers, 0)).toBe(2357)
    } finally {
      await engine.close()
    }
  })

  it('the functions the docs name for use from code come from the package entry', async () => {
    // docs/generator.md: a small company in memory, and the same company written as files
    const company = await generateCompany({ customers: 40, seed: 7 })
    expect(company.orders.length).toBeGreaterThan(40)
    const dir = tempDir('loyals-lib-docs-')
    const written = await writeCompany({ customers: 40, seed: 7 }, dir, 'csv')
    expect(existsSync(join(dir, 'orders.csv'))).toBe(true)
    expect(written).toBeTruthy()
    // docs/rfm.md and docs/summary.md on a workspace of the CDNOW sample
    const engine = await openWorkspace(join(dir, 'w.duckdb'))
    try {
      await importFile(engine, SAMPLE, { kind: 'orders' })
      await buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' })
      const rfm = await buildRfm(engine, { table: 'customer_summary' })
      expect(rfm.customers).toBe(2357)
      expect(await marginKnown(engine)).toBe(false)
      const c = await concentration(engine, { table: 'customer_summary', value: 'revenue' })
      expect(c.customers).toBe(2357)
    } finally {
      await engine.close()
    }
    expect(assignSegment(5, 5, null)).toBe('Champions')
    expect(
      rfmSegmentCaseSql(RfmRulesSchema.parse({ rules: [{ name: 'All', r: [1, 5] }] })),
    ).toContain("'All'")
    expect(Array.from(rankShares(Float64Array.of(0, 5, 5, 10)).topShare)).toEqual([
      Number.NaN,
      75,
      75,
      25,
    ])
    expect(defaultSections().length).toBeGreaterThan(insightsSections().length)
  })
})
