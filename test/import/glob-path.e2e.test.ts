// A file path is a path, not a pattern: DuckDB's readers take `*`, `?` and `[...]` as a glob, so
// `sales[1].csv` read a `sales1.csv` beside it (and `*.csv` every CSV of the folder), storing
// another file's orders under the name given, with no word (QA).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('a path with glob characters', () => {
  it('reads the file it names, in every format and for analyze --out', () => {
    const dir = tempDir('loyals-glob-')
    const real = 'customer_id,order_date,amount\nREAL,2024-01-01,100\n'
    const decoy = 'customer_id,order_date,amount\nDECOY,2024-01-01,1\n'
    writeFileSync(join(dir, 'sales[1].csv'), real)
    writeFileSync(join(dir, 'sales1.csv'), decoy)
    writeFileSync(join(dir, '*.csv'), real)
    writeFileSync(
      join(dir, 'o?.jsonl'),
      '{"customer_id":"REAL","order_date":"2024-01-01","amount":100}\n',
    )
    writeFileSync(
      join(dir, 'oX.jsonl'),
      '{"customer_id":"DECOY","order_date":"2024-01-01","amount":1}\n',
    )
    mkdirSync(join(dir, 'd[1]'))
    mkdirSync(join(dir, 'd1'))
    writeFileSync(join(dir, 'd[1]', 'o.csv'), real)
    writeFileSync(join(dir, 'd1', 'o.csv'), decoy)
    for (const name of ['sales[1].csv', '*.csv', 'o?.jsonl', join('d[1]', 'o.csv')]) {
      const db = join(dir, `${name.replace(/\W/g, '_')}.duckdb`)
      const r = runCli(['import', join(dir, name), '--db', db])
      expect(r.code, `${name}: ${r.stderr}`).toBe(0)
      expect(r.stdout, name).toContain('1 row read')
      const s = runCli(['summary', db])
      expect(s.stdout.split('\n')[1], name).toMatch(/^REAL,/)
    }
    // analyze writes customers.parquet under a temporary name and reads it back for the CSV
    const out = join(dir, 'out[1]')
    mkdirSync(join(dir, 'out1'))
    const a = runCli(['analyze', join(dir, 'sales[1].csv'), '--out', out, '--no-predictions'])
    expect(a.code, a.stderr).toBe(0)
  })
})
