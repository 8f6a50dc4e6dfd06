// `loyals insights` as a user runs it: a workspace file of a generated company, the digest on
// stdout, insights.json on --json, and every output file written.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { INSIGHTS_FILES } from '../../src/service/insights/index.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { companyWorkspace } from './company.ts'

describe('loyals insights (CLI)', () => {
  const dir = tempDir('loyals-insights-cli-')
  const db = join(dir, 'work.duckdb')
  beforeAll(async () => {
    const c = await companyWorkspace({ customers: 3000, seed: 5, db })
    await c.close()
  })
  afterAll(() => {})

  it("leaves the tiers analyze stored as they were, and values customers with --config's rates", async () => {
    const cfg = join(dir, 'value.json')
    writeFileSync(
      cfg,
      JSON.stringify({
        costs: { defaultMarginRate: 0.4 },
        tiers: {
          basis: 'threshold',
          levels: [
            {
              name: 'VIP',
              minValue: 300,
              serviceLevel: { priority: 1, responseTargetMinutes: 60 },
            },
            { name: 'Member', serviceLevel: { priority: 2, responseTargetMinutes: 1440 } },
          ],
        },
      }),
    )
    const a = runCli(['analyze', db, '--config', cfg, '--out', join(dir, 'a1'), '--no-insights'])
    expect(a.code, a.stderr).toBe(0)
    const tierState = async () => {
      const engine = await openWorkspace(db)
      try {
        return await engine.query(
          'SELECT count(*) AS n, CAST(sum(hash(t)) AS VARCHAR) AS h FROM tier_state t',
        )
      } finally {
        await engine.close()
      }
    }
    const before = await tierState()
    expect(Number(before[0]?.n)).toBeGreaterThan(0)
    // insights values the customers to rank them, here with the default rates (other tiers
    // than analyze's), but is no scoring run: the grace periods analyze keeps stay as they were
    const plain = runCli(['insights', db, '--out', join(dir, 'plain')])
    expect(plain.code, plain.stderr).toBe(0)
    expect(await tierState()).toEqual(before)
    // ... and with --config it values them as analyze did
    const out = join(dir, 'with-config')
    const r = runCli(['insights', db, '--config', cfg, '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect(await tierState()).toEqual(before)
    const json = JSON.parse(readFileSync(join(out, 'insights.json'), 'utf8'))
    expect(json.cohort.valueExpression).toBe('total_value')
    const refused = runCli(['insights', db, '--config', cfg, '--no-predictions', '--out', out])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--config configures the whole-customer value')
  })

  it('prints a digest and writes insights.json, insights.html and the CSV lists', () => {
    const out = join(dir, 'out')
    const r = runCli(['insights', db, '--out', out, '--no-predictions', '--survey-size', '7'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Top cohort: [\d,]+ customers/)
    expect(r.stdout).toContain('Lapsed best:')
    // the eight files, as INSIGHTS_FILES names them (the CLI checks those against its inputs)
    expect(readdirSync(out).sort()).toEqual([...INSIGHTS_FILES].sort())
    const json = JSON.parse(readFileSync(join(out, 'insights.json'), 'utf8'))
    expect(json.schemaVersion).toBe(1)
    expect(json.cohort.valueExpression).toBe('revenue')
    const html = readFileSync(join(out, 'insights.html'), 'utf8')
    for (const id of ['icp', 'path-to-best', 'lapsed-best', 'over-index', 'cohorts-kpis']) {
      expect(html).toContain(`id="${id}"`)
    }
    const survey = readFileSync(join(out, 'survey_samples.csv'), 'utf8').trim().split('\n')
    expect(survey[0]).toMatch(/^group_kind,group,customer_id/)
    const perGroup = new Map<string, number>()
    for (const line of survey.slice(1)) {
      const g = line.split(',').slice(0, 2).join(',')
      perGroup.set(g, (perGroup.get(g) ?? 0) + 1)
    }
    expect(Math.max(...perGroup.values())).toBeLessThanOrEqual(7)
    const lapsed = readFileSync(join(out, 'lapsed_best.csv'), 'utf8').split('\n')[0]
    expect(lapsed).toContain('value_at_stake')
    // each itemset says the q that decides productive (against its parts), beside its q
    const [head, ...rows] = readFileSync(join(out, 'path_to_best.csv'), 'utf8').trim().split('\n')
    const cols = head!.split(',')
    expect(cols.slice(-5)).toEqual([
      'p_value',
      'q_value',
      'productive_p',
      'productive_q',
      'productive',
    ])
    const at = (row: string, name: string) => row.split(',').at(cols.indexOf(name) - cols.length)!
    expect(rows.length).toBeGreaterThan(10)
    for (const row of rows) {
      expect(at(row, 'productive')).toBe(String(Number(at(row, 'productive_q')) < 0.05))
      expect(Number(at(row, 'productive_q'))).toBeGreaterThanOrEqual(
        Number(at(row, 'productive_p')),
      )
    }
    // the digest's best productive itemset: a combination is given both figures
    const best = json.pathToBest.itemsets.find((s: { productive: boolean }) => s.productive)
    const line = r.stdout.split('\n').find((l) => l.startsWith('Path to best:'))
    expect(line).toContain(`, q ${best.qValue.toExponential(1)}`)
    expect(line?.includes('against its parts')).toBe(best.items.length > 1)
  })

  it('prints only insights.json with --json', () => {
    const r = runCli(['insights', db, '--out', join(dir, 'o2'), '--no-predictions', '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.cohort.top).toBeGreaterThan(0)
    expect(Array.isArray(json.icp)).toBe(true)
  })

  it('says rising stars lack customers outside the top when the top share is nearly everyone', () => {
    const r = runCli([
      'insights',
      db,
      '--out',
      join(dir, 'o3'),
      '--no-predictions',
      '--top-share',
      '0.999',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const notes: string[] = JSON.parse(r.stdout).notes
    const note = notes.find((n) => n.startsWith('Rising stars skipped'))
    expect(note).toMatch(
      /^Rising stars skipped: too few customers outside the top cohort to train and validate \(top customers: train [\d,]+ of [\d,]+, validation [\d,]+ of [\d,]+\)\.$/,
    )
  })

  it('rejects a bad option with exit code 2', () => {
    const r = runCli(['insights', db, '--top-share', '2', '--no-predictions'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/top-share/)
    const r2 = runCli(['insights', db, '--value', 'revenue; DROP TABLE orders', '--no-predictions'])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/invalid value expression/)
    // a seed the model's sampling cannot take (it took -1 and 2^31 and failed in SQL)
    for (const seed of ['-1', '2147483648']) {
      const r3 = runCli(['insights', db, '--seed', seed, '--no-predictions'])
      expect(r3.code).toBe(2)
      expect(r3.stderr).toMatch(/--seed must be a whole number from 0 to 2147483646/)
    }
    const r4 = runCli(['insights', db, '--value', '', '--no-predictions'])
    expect(r4.code).toBe(2)
    expect(r4.stderr).toMatch(/invalid value expression ""/)
  })
})
