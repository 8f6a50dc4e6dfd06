// The types that exported signatures use are exported too, and an ImportError's problems can be
// written as the CLI writes them (a developer's audit found RowProblem, InsightsOptions,
// InsightsResult, RfmResult and StepRunner missing, and formatProblem unexported).
import { describe, expect, expectTypeOf, it } from 'vitest'
import type {
  ConcentrationDecileRow,
  ConcentrationTopShare,
  ConvergenceDetails,
  ImportOptions,
  InsightsOptions,
  InsightsResult,
  RfmResult,
  RowProblem,
  StepRunner,
} from '../../src/index.ts'
import * as loyals from '../../src/index.ts'

describe('the library entry point', () => {
  it('writes a row problem as the CLI does', () => {
    const p: RowProblem = { file: 'o.csv', line: 3, column: 'amount', reason: 'not a number' }
    expect(loyals.formatProblem(p)).toBe('o.csv:3 amount: not a number')
  })

  it('exports the types its signatures use', () => {
    expectTypeOf<Parameters<typeof loyals.computeInsights>[1]>().toMatchTypeOf<
      InsightsOptions | undefined
    >()
    expectTypeOf<Awaited<ReturnType<typeof loyals.buildRfm>>>().toEqualTypeOf<RfmResult>()
    expectTypeOf<InsightsResult['summary']>().toEqualTypeOf<loyals.InsightsSummary>()
    expectTypeOf<StepRunner['step']>().toBeFunction()
    expectTypeOf<ConvergenceDetails['iterations']>().toEqualTypeOf<number>()
    // the kinds are offered, and any string is still taken (checked at run time)
    expectTypeOf<'orders'>().toMatchTypeOf<ImportOptions['kind']>()
    expectTypeOf<'something'>().toMatchTypeOf<ImportOptions['kind']>()
    // concentration()'s rows by their own names: TopShare is summary.json's ({ percent })
    type Conc = Awaited<ReturnType<typeof loyals.concentration>>
    expectTypeOf<Conc['top'][number]>().toEqualTypeOf<ConcentrationTopShare>()
    expectTypeOf<Conc['deciles'][number]>().toEqualTypeOf<ConcentrationDecileRow>()
  })

  it('says what is missing when a JavaScript caller leaves the options out', async () => {
    const engine = await loyals.openWorkspace(':memory:')
    try {
      const call = loyals.importFile as (...a: unknown[]) => Promise<unknown>
      await expect(call(engine, 'orders.csv')).rejects.toThrow(loyals.UsageError)
      await expect(call(engine, 'orders.csv')).rejects.toThrow(/needs its options/)
      const value = loyals.buildValue as (...a: unknown[]) => Promise<unknown>
      await expect(value(engine, {})).rejects.toThrow(loyals.UsageError)
    } finally {
      await engine.close()
    }
  })
})
