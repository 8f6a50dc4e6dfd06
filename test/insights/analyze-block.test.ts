// Insights inside `analyze`: summary.json carries the insights block and report.html its sections;
// `insights: false` leaves both out; the CLI writes them for an orders file with no other input.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { analyze } from '../../src/service/analyze.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { companyWorkspace, type TestCompany } from './company.ts'

const SECTIONS = [
  'icp',
  'path-to-best',
  'rising-stars',
  'lapsed-best',
  'over-index',
  'cohorts-kpis',
]

describe('insights in analyze', () => {
  let c: TestCompany
  beforeAll(async () => {
    c = await companyWorkspace({ customers: 3000, seed: 5, extra: ['surveys', 'returns'] })
  }, 300_000)
  afterAll(() => c?.close())

  it('writes the insights block into summary.json and the sections into report.html', async () => {
    const dir = tempDir('loyals-analyze-insights-')
    const { summary, files } = await analyze(c.engine, dir, { source: 'test' })
    expect(summary.insights).toBeDefined()
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as AnalysisSummary
    const i = json.insights!
    expect(i.schemaVersion).toBe(1)
    expect(i.asOf).toBe(json.asOf)
    expect(i.timings).toBeUndefined() // run-specific: in insights.json only
    // the block is computed after the value step: ranked by whole-customer value, with tiers
    expect(i.cohort.valueExpression).toBe('total_value')
    expect(i.cohort.top).toBeGreaterThan(0)
    expect(i.kpis.nps?.some((g) => g.kind === 'tier')).toBe(true)
    expect(i.overIndex.overallReturnRate).toBeGreaterThan(0)
    const html = readFileSync(files.html, 'utf8')
    for (const id of SECTIONS) expect(html).toContain(`id="${id}"`)
    // after the value section
    expect(html.indexOf('id="icp"')).toBeGreaterThan(html.indexOf('id="customer-value"'))
  }, 300_000)

  it('leaves both out with insights: false', async () => {
    const dir = tempDir('loyals-analyze-no-insights-')
    const { summary, files } = await analyze(c.engine, dir, {
      source: 'test',
      predictions: false,
      value: false,
      insights: false,
    })
    expect(summary.insights).toBeUndefined()
    expect(JSON.parse(readFileSync(files.json, 'utf8')).insights).toBeUndefined()
    const html = readFileSync(files.html, 'utf8')
    for (const id of SECTIONS) expect(html).not.toContain(`id="${id}"`)
  }, 300_000)
})

describe('loyals analyze (CLI) on an orders file alone', () => {
  it('adds the insights block, with notes on the inputs that are missing', () => {
    const out = join(tempDir('loyals-analyze-cli-insights-'), 'out')
    const r = runCli(['analyze', 'data/cdnow/cdnow_sample_orders.csv', '--out', out])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const json = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as AnalysisSummary
    expect(json.insights?.cohort.customers).toBe(json.counts.customers)
    expect(json.insights?.notes.join(' ')).toMatch(/No surveys table/)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('id="cohorts-kpis"')
    // no order lines, and every customer has a year of history: the empty lists say why
    expect(json.insights?.pathToBest?.paths).toEqual([])
    expect(html).toContain('No first-to-second order path has')
    expect(json.insights?.risingStars?.list).toEqual([])
    // every customer is past the 365 days: nobody is too young to score, there is simply no one
    expect(json.insights?.risingStars?.candidates).toBe(0)
    expect(html).toContain('is newer than the 365 days of history a ranked customer has.')
  })

  it('--no-insights leaves them out', () => {
    const out = join(tempDir('loyals-analyze-cli-no-insights-'), 'out')
    const r = runCli([
      'analyze',
      'data/cdnow/cdnow_sample_orders.csv',
      '--out',
      out,
      '--no-insights',
    ])
    expect(r.code).toBe(0)
    const json = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as AnalysisSummary
    expect(json.insights).toBeUndefined()
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('id="cohorts-kpis"')
  })
})
