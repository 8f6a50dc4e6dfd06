// The demo's generated company: a seeded synthetic company (src/service/generate) written to a
// temporary directory, every file imported into a workspace there, and its cost rates turned into a
// value configuration, so one `loyals demo --company` shows every feature on realistic data.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openWorkspace } from '../data/workspace.ts'
import { DEFAULT_OPTIONS, type GenerateOptions } from './generate/company.ts'
import { VALUE_CONFIG_FILE, writeCompany } from './generate/write.ts'
import type { ImportKind } from './import/columns.ts'
import { importFile } from './import/import-file.ts'
import { type LoadedValueConfig, loadValueConfig } from './value-config.ts'

/** Generated file -> import kind, in import order (orders before the files that refer to them). */
export const COMPANY_FILES: readonly (readonly [string, ImportKind])[] = [
  ['orders.csv', 'orders'],
  ['order_lines.csv', 'order-lines'],
  ['customers.csv', 'customers'],
  ['referrals.csv', 'referrals'],
  ['engagement.csv', 'engagement'],
  ['tickets.csv', 'tickets'],
  ['returns.csv', 'returns'],
  ['surveys.csv', 'surveys'],
]

export interface DemoCompany {
  /** Directory holding the generated files, costs.json and the workspace. */
  readonly dir: string
  /** The workspace file with every kind imported. */
  readonly db: string
  /** The generator's cost rates as a value configuration file (loyals.value.json in `dir`). */
  readonly valueConfig: string
  /** That configuration, loaded. */
  readonly value: LoadedValueConfig
  readonly customers: number
  readonly seed: number
}

/**
 * Generate a company (default 5,000 customers, seed 1, 2023-2025) into a new temporary directory,
 * import every file into `company.duckdb` there, and build its value configuration.
 * @example const co = await buildDemoCompany({ customers: 2000, seed: 7 }); co.db
 * @throws ImportError if a generated file does not import (a bug); file-system errors.
 */
export async function buildDemoCompany(
  opts: Partial<Pick<GenerateOptions, 'customers' | 'seed'>> = {},
): Promise<DemoCompany> {
  const dir = await mkdtemp(join(tmpdir(), 'loyals-demo-company-'))
  const gen: GenerateOptions = {
    ...DEFAULT_OPTIONS,
    customers: opts.customers ?? 5000,
    seed: opts.seed ?? DEFAULT_OPTIONS.seed,
  }
  const db = join(dir, 'company.duckdb')
  try {
    const { files } = await writeCompany(gen, dir, 'csv')
    const rows = new Map(files.map((f) => [f.name, f.rows]))
    const engine = await openWorkspace(db)
    try {
      for (const [file, kind] of COMPANY_FILES) {
        // a small company may have no referral, ticket or return at all: a file of a header only
        // is refused by the import (rightly, for a user's export), so it is left out
        if (rows.get(file) === 0) continue
        await importFile(engine, join(dir, file), { kind })
      }
    } finally {
      await engine.close()
    }
    // the file `loyals customer --config` is pointed at, so a profile shows the demo's figures
    const valueConfig = join(dir, VALUE_CONFIG_FILE)
    return {
      dir,
      db,
      valueConfig,
      value: await loadValueConfig(valueConfig),
      customers: gen.customers,
      seed: gen.seed,
    }
  } catch (e) {
    // a company that could not be built leaves no directory behind in the temporary folder
    await rm(dir, { recursive: true, force: true })
    throw e
  }
}
