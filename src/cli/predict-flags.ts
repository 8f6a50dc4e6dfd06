// --horizon, --discount-rate and --margin: one definition for every command that predicts (analyze,
// customer), so a profile can be asked for with the same figures analyze wrote.
import type { Command } from 'commander'
import { marginProblem } from '../core/clv.ts'
import { UsageError } from '../errors.ts'
import { MAX_HORIZON_YEARS, maxHorizon, type PredictOptions } from '../service/predict.ts'
import type { TimeUnit } from '../service/summary.ts'
import { decimalFlag } from './common.ts'

export interface PredictFlags {
  unit: string
  horizon?: string
  discountRate?: string
  margin?: string
}

/** Declare the three prediction flags on `cmd`. */
export function predictFlags(cmd: Command): Command {
  return cmd
    .option(
      '--horizon <n>',
      `prediction horizon in --unit units (default one year: 365 days, 52 weeks or 12 months; at most ${MAX_HORIZON_YEARS} years: 3653 days, 522 weeks, 120 months)`,
    )
    .option(
      '--discount-rate <rate>',
      'annual discount rate of predicted value, a share (0.10 is 10 %)',
      '0.10',
    )
    .option(
      '--margin <share>',
      "share of spend that is profit in predicted_value (default: from the data, else 1); whole-customer profit and tiers take the value config's costs.defaultMarginRate",
    )
}

/**
 * The options of the predictions, or false with --no-predictions; a prediction flag given beside
 * it is refused, as --config beside --no-value is (it was dropped in silence: no column, no word).
 * The discount rate counts as given when it is not its default, 0.10.
 * @throws UsageError naming the flags
 */
export function predictionsOrOff(
  opts: PredictFlags & { predictions?: boolean },
): PredictOptions | false {
  if (opts.predictions !== false) return predictOptions(opts)
  const given = [
    opts.horizon !== undefined && '--horizon',
    // (as a number: 0.1 and .100 are the default written otherwise)
    opts.discountRate !== undefined && Number(opts.discountRate) !== 0.1 && '--discount-rate',
    opts.margin !== undefined && '--margin',
  ].filter((f): f is string => typeof f === 'string')
  if (given.length > 0) {
    throw new UsageError(
      `${given.join(', ')} ${given.length === 1 ? 'sets' : 'set'} the predictions, which --no-predictions turns off: leave ${given.length === 1 ? 'it' : 'them'} out, or the --no-predictions`,
    )
  }
  return false
}

/** Parse --horizon, --discount-rate and --margin; UsageError names the bad flag. */
export function predictOptions(opts: PredictFlags): PredictOptions {
  const number = (flag: string, v: string | undefined, ok: (n: number) => boolean) => {
    if (v === undefined) return undefined
    const n = decimalFlag(v)
    if (!Number.isFinite(n) || !ok(n)) {
      throw new UsageError(
        `${flag} must be ${flag === '--horizon' ? 'a positive number' : flag === '--margin' ? 'the share of spend that is profit, from 0 to 1' : 'a number >= 0'}, got ${JSON.stringify(v)}`,
      )
    }
    return n
  }
  const horizon = number('--horizon', opts.horizon, (n) => n > 0)
  const most = maxHorizon(opts.unit as TimeUnit)
  if (horizon !== undefined && horizon > most) {
    throw new UsageError(
      `--horizon must be more than 0 and at most ${most} ${opts.unit}s (${MAX_HORIZON_YEARS} years), got ${JSON.stringify(opts.horizon)}`,
    )
  }
  const rate = number('--discount-rate', opts.discountRate, (n) => n >= 0)
  // a number out of range is said as the service says it: 30 is refused with the share it meant
  const margin = number('--margin', opts.margin, () => true)
  const marginWrong = margin === undefined ? null : marginProblem(margin)
  if (marginWrong) throw new UsageError(`--margin ${marginWrong}`)
  return {
    ...(horizon !== undefined ? { horizon } : {}),
    ...(rate !== undefined ? { annualDiscountRate: rate } : {}),
    ...(margin !== undefined ? { margin } : {}),
  }
}
