// `analyze` writes the customer files before it learns from the best customers: the insights fill
// the engine's memory with their own tables, and the exports written after them spilled to disk.
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../src/service/analysis-summary.ts'
import { analyze, type StepRunner } from '../../src/service/analyze.ts'
import { tempDir } from '../helpers/cli.ts'
import { companyWorkspace, type TestCompany } from './company.ts'

describe('analyze step order', () => {
  let c: TestCompany
  beforeAll(async () => {
    c = await companyWorkspace({ customers: 800, seed: 11 })
  }, 300_000)
  afterAll(() => c?.close())

  it('writes customers.parquet and customers.csv before the insights, summary.json after', async () => {
    const steps: string[] = []
    const progress: StepRunner = {
      step: (label, fn) => {
        steps.push(label)
        return fn()
      },
    }
    const dir = tempDir('loyals-step-order-')
    const { summary, files } = await analyze(c.engine, dir, { source: 'test', progress })
    const at = (label: string): number => steps.indexOf(label)
    expect(at('valuing customers')).toBeGreaterThanOrEqual(0)
    expect(at('writing customers.parquet')).toBeGreaterThan(at('valuing customers'))
    expect(at('writing customers.csv')).toBeGreaterThan(at('writing customers.parquet'))
    expect(at('learning from the best customers')).toBeGreaterThan(at('writing customers.csv'))
    expect(at('writing summary.json and report.html')).toBeGreaterThan(
      at('learning from the best customers'),
    )
    // the files written before the insights carry the value columns; summary.json the insights
    expect(existsSync(files.parquet)).toBe(true)
    expect(readFileSync(files.csv, 'utf8').split('\n', 1)[0]).toContain('tier')
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as AnalysisSummary
    expect(json.insights?.cohort.top).toBeGreaterThan(0)
    expect(summary.insights).toBeDefined()
    expect(readFileSync(files.html, 'utf8')).toContain('path-to-best')
  })
})
