// `loyals fit` options a model does not take, a missing --model, a fractional cohort, sBG on an
// orders file, and fractional purchase counts in a summary file (second outside audit). The
// command runs in-process through commander (no build needed); exitCodeFor is what main's fail()
// exits with.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { registerFit } from '../../src/cli/commands/fit.ts'
import { exitCodeFor } from '../../src/cli/output.ts'
import { formatProblem, ImportError, UsageError } from '../../src/errors.ts'
import { fitFile } from '../../src/service/fit.ts'
import { tempDir } from '../helpers/cli.ts'

const SUMMARY = 'test/fixtures/cdnow/cdnow_calibration_summary.csv'
const SURVIVAL = 'test/fixtures/retention/fader_hardie_2007_survival.csv'
const ORDERS = 'data/cdnow/cdnow_sample_orders.csv'

/** The error `loyals fit ARGS` stops with (the test fails when it does not stop). */
async function fitError(args: readonly string[]): Promise<Error> {
  const program = new Command().exitOverride()
  registerFit(program)
  for (const c of program.commands) c.exitOverride()
  try {
    await program.parseAsync(['fit', ...args], { from: 'user' })
  } catch (e) {
    if (e instanceof Error) return e
    throw e
  }
  throw new Error(`expected loyals fit ${args.join(' ')} to fail`)
}

async function usage(args: readonly string[]): Promise<string> {
  const e = await fitError(args)
  expect(e).toBeInstanceOf(UsageError)
  expect(exitCodeFor(e)).toBe(2)
  return e.message
}

describe('loyals fit refuses options its model does not take (exit 2)', () => {
  it('--exclude-nonpositive, --column and --cohort with a model that ignores them', async () => {
    expect(await usage([SUMMARY, '--model', 'bgnbd', '--exclude-nonpositive'])).toBe(
      '--exclude-nonpositive applies to --model gg only; --model bgnbd does not take it: leave it out',
    )
    expect(await usage([SUMMARY, '--model', 'pareto', '--column', 'x'])).toMatch(
      /^--column applies to --model sbg only; --model pareto does not take it/,
    )
    expect(await usage([SUMMARY, '--model', 'gg', '--cohort', '500'])).toMatch(
      /^--cohort applies to --model sbg only; --model gg does not take it/,
    )
    expect(await usage([SURVIVAL, '--model', 'sbg', '--exclude-nonpositive'])).toMatch(
      /^--exclude-nonpositive applies to --model gg only; --model sbg does not take it/,
    )
  })

  it('no --model is a usage error like a wrong one', async () => {
    expect(await usage([SUMMARY])).toBe(
      '--model is required: one of bgnbd, mbgnbd, pareto, nbd, bgbb, gg, sbg',
    )
    expect(await usage([SUMMARY, '--model', 'foo'])).toMatch(/^--model must be one of/)
  })

  it('--cohort must be a whole number >= 1', async () => {
    for (const c of ['2.5', '0', '-3', 'abc', '']) {
      expect(await usage([SURVIVAL, '--model', 'sbg', '--cohort', c])).toBe(
        `--cohort must be a whole number >= 1, got ${c}`,
      )
    }
  })

  it('sBG on an orders file says it is an orders file, as BG/BB does', async () => {
    expect(await usage([ORDERS, '--model', 'sbg'])).toBe(
      `--model sbg fits a survival table: a period column and the share still active in each period; ${ORDERS} is an orders file`,
    )
    expect(await usage([ORDERS, '--model', 'bgbb'])).toMatch(/ is an orders file$/)
  })

  it('the options still reach the models that take them', async () => {
    const [r] = await fitFile(SURVIVAL, {
      model: 'sbg',
      column: 'regular_pct_alive',
      cohort: 500,
    })
    expect(r!.extra.cohort).toBe(500)
    const [g] = await fitFile(SUMMARY, { model: 'gg', excludeNonPositive: true })
    expect(g!.customers).toBe(946)
  })
})

describe('a summary file with a fractional purchase count', () => {
  const dir = tempDir('loyals-fit-flags-')
  const file = join(dir, 'frac.csv')
  writeFileSync(file, 'x,t_x,T\n2,5,10\n1.5,2,10\n0,0,5\n3,7,9\n')

  for (const model of ['bgnbd', 'mbgnbd', 'pareto'] as const) {
    it(`${model}: file:line x: must be a whole number >= 0`, async () => {
      let err: unknown
      try {
        await fitFile(file, { model })
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ImportError)
      const e = err as ImportError
      expect(e.problems.map(formatProblem)).toEqual([
        'frac.csv:3 x: must be a whole number >= 0 (got 1.5)',
      ])
    })
  }
})
