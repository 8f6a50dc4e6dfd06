// Test data for the insights suite: a generated company (docs/generator.md) written to CSV and
// imported the way a user would (`loyals import` kinds), into an in-memory workspace.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import type { GenerationTruth } from '../../src/service/generate/company.ts'
import { DEFAULT_OPTIONS } from '../../src/service/generate/company.ts'
import type { Plant } from '../../src/service/generate/params.ts'
import { writeCompany } from '../../src/service/generate/write.ts'
import { importFile } from '../../src/service/import/import-file.ts'

export interface TestCompany {
  readonly engine: Engine
  readonly truth: GenerationTruth
  readonly dir: string
  close(): Promise<void>
}

/** Generate `customers` customers (seeded), write CSVs to a temp dir and import them. */
export async function companyWorkspace(opts: {
  customers: number
  seed: number
  plants?: readonly Plant[]
  db?: string
  /** Secondary files to import too (returns, surveys, tickets, engagement); default none. */
  extra?: readonly ('returns' | 'surveys' | 'tickets' | 'engagement')[]
}): Promise<TestCompany> {
  const dir = mkdtempSync(join(tmpdir(), 'loyals-insights-'))
  await writeCompany(
    {
      ...DEFAULT_OPTIONS,
      customers: opts.customers,
      seed: opts.seed,
      plants: opts.plants ?? DEFAULT_OPTIONS.plants,
    },
    dir,
  )
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GenerationTruth
  const engine = await openWorkspace(opts.db ?? ':memory:')
  const now = new Date('2030-01-01T00:00:00Z')
  await importFile(engine, join(dir, 'orders.csv'), { kind: 'orders', now })
  await importFile(engine, join(dir, 'order_lines.csv'), { kind: 'order-lines', now })
  await importFile(engine, join(dir, 'customers.csv'), { kind: 'customers', now })
  for (const kind of opts.extra ?? []) {
    await importFile(engine, join(dir, `${kind}.csv`), { kind, now })
  }
  return {
    engine,
    truth,
    dir,
    async close() {
      await engine.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
