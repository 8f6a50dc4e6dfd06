// An output directory whose file names one of the inputs: `analyze customers.csv --out .` wrote
// customers.csv over the orders it read, and `insights cohorts.csv --out .` likewise, with exit
// code 0. Both are refused before anything is read or written. A run that fails leaves no empty
// output directory it made.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')

describe('an output that would overwrite an input', () => {
  it('analyze refuses to write customers.csv over the orders file it reads', () => {
    const dir = tempDir()
    const input = join(dir, 'customers.csv')
    copyFileSync(SAMPLE, input)
    const before = readFileSync(input)
    const r = runCli(
      ['analyze', 'customers.csv', '--out', '.', '--no-predictions', '--no-value', '--no-insights'],
      { cwd: dir },
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      '--out .: its customers.csv would overwrite customers.csv, the orders file it reads',
    )
    expect(readFileSync(input).equals(before)).toBe(true)
    expect(existsSync(join(dir, 'summary.json'))).toBe(false)
  })

  it('analyze refuses to write summary.json over its value configuration', () => {
    const dir = tempDir()
    const config = join(dir, 'summary.json')
    writeFileSync(config, '{}\n')
    const r = runCli(['analyze', SAMPLE, '--out', dir, '--config', config, '--no-predictions'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('the value configuration it reads')
    expect(readFileSync(config, 'utf8')).toBe('{}\n')
  })

  it('insights refuses to write cohorts.csv over the orders file it reads', () => {
    const dir = tempDir()
    const input = join(dir, 'cohorts.csv')
    copyFileSync(SAMPLE, input)
    const before = readFileSync(input)
    const r = runCli(['insights', input, '--out', dir, '--no-predictions'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cohorts.csv, the orders file it reads')
    expect(readFileSync(input).equals(before)).toBe(true)
  })

  it('a failed analyze leaves no empty output directory behind', () => {
    const dir = tempDir()
    const out = join(dir, 'out')
    const r = runCli(['analyze', SAMPLE, '--out', out, '--as-of', '1990-01-01', '--no-value'])
    expect(r.code).not.toBe(0)
    expect(existsSync(out)).toBe(false)
    // an existing directory stays, with what it held
    const kept = join(dir, 'kept')
    mkdirSync(kept)
    writeFileSync(join(kept, 'notes.txt'), 'x')
    expect(runCli(['analyze', SAMPLE, '--out', kept, '--as-of', '1990-01-01']).code).not.toBe(0)
    expect(readFileSync(join(kept, 'notes.txt'), 'utf8')).toBe('x')
  })
})
