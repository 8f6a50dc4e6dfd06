// Without a cost or margin column the value step prices revenue at the default margin rate: the
// quality note said "value is measured by revenue only" while the value section showed a gross
// margin of exactly 30 % of revenue (report audit).
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const notes = (stdout: string) =>
  (JSON.parse(stdout) as { quality: { message: string }[] }).quality.map((q) => q.message)

describe('the margin the value step assumes', () => {
  it('is said in the quality notes, and only when the value step runs', () => {
    const dir = tempDir()
    const withValue = runCli([
      'analyze',
      SAMPLE,
      '--out',
      join(dir, 'a'),
      '--no-insights',
      '--json',
    ])
    expect(withValue.code).toBe(0)
    expect(notes(withValue.stdout)).toContainEqual(
      expect.stringMatching(/assumes a gross margin of 30\.0% of revenue for every customer/),
    )
    const plain = runCli([
      'analyze',
      SAMPLE,
      '--out',
      join(dir, 'b'),
      '--no-insights',
      '--no-value',
      '--json',
    ])
    expect(notes(plain.stdout)).toContain(
      'Margin is unknown (no cost or margin column): value is measured by revenue only.',
    )
  })
})
