// `loyals demo --company --json` prints summary.json on stdout and says on stderr where the
// generated company was written: its directory is kept, and nothing else named it.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

it('demo --company --json names the company directory on stderr, summary.json on stdout', () => {
  const out = join(tempDir('loyals-demo-json-'), 'out')
  const r = runCli(['demo', '--company', '--json', '--out', out])
  expect(r.code, r.stderr).toBe(0)
  expect(JSON.parse(r.stdout).value.breakdown.customers).toBeGreaterThan(0)
  const m = /The company's files and workspace are in (\S+) \(workspace (\S+)\)/.exec(r.stderr)
  expect(m, r.stderr).not.toBeNull()
  try {
    expect(existsSync(m![2]!)).toBe(true)
  } finally {
    rmSync(m![1]!, { recursive: true, force: true })
  }
})

it('demo --company --as-of prints a customer command with that as-of, which shows the report figures', () => {
  const out = join(tempDir('loyals-demo-asof-'), 'out')
  const r = runCli(['demo', '--company', '--as-of', '2025-06-30', '--out', out])
  expect(r.code, r.stderr).toBe(0)
  const m = /loyals customer (\S+) --db (\S+) --config (\S+) --as-of (\S+)/.exec(r.stdout)
  expect(m, r.stdout).not.toBeNull()
  const [, id, db, config, asOf] = m as unknown as string[]
  try {
    expect(asOf).toBe('2025-06-30')
    const c = runCli([
      'customer',
      id!,
      '--db',
      db!,
      '--config',
      config!,
      '--as-of',
      asOf!,
      '--json',
    ])
    expect(c.code, c.stderr).toBe(0)
    const profile = JSON.parse(c.stdout)
    expect(profile.asOf).toBe('2025-06-30')
    // the same customer's total value as in the demo's customers.csv
    const csv = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')
    const header = csv[0]!.split(',')
    const row = csv.find((l) => l.startsWith(`${id},`))!.split(',')
    const total = Number(row[header.indexOf('total_value')])
    expect(profile.value.totalValue).toBeCloseTo(total, 2)
  } finally {
    rmSync(dirname(db!), { recursive: true, force: true })
  }
})
