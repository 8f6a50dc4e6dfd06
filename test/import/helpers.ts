// Shared helpers for import tests: real DuckDB files in temp dirs, store fingerprints, and a way
// to capture the ImportError an import throws.
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { ImportError } from '../../src/errors.ts'
import { tempDir } from '../helpers/cli.ts'

export const ROOT = resolve(import.meta.dirname, '../..')
export const CDNOW = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
export const FIXTURES = join(ROOT, 'test/fixtures/import')

/** A fresh workspace file in its own temp dir. */
export async function freshWorkspace(): Promise<{ engine: Engine; dir: string; db: string }> {
  const dir = tempDir('loyals-import-')
  const db = join(dir, 'w.duckdb')
  return { engine: await openWorkspace(db), dir, db }
}

export function write(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

/** Row counts and content checksums of every store table: equal fingerprints = unchanged store. */
export async function fingerprint(engine: Engine): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of ['orders', 'order_lines', 'customers', 'imports']) {
    const rows = await engine.query<{ n: number; h: string }>(
      `SELECT count(*) AS n, CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) AS h FROM ${t} t`,
    )
    out[t] = `${rows[0]?.n}:${rows[0]?.h}`
  }
  return out
}

/** Run `fn`, expecting an ImportError; return it. */
export async function importError(fn: () => Promise<unknown>): Promise<ImportError> {
  try {
    await fn()
  } catch (e) {
    if (e instanceof ImportError) return e
    throw e
  }
  throw new Error('expected an ImportError, but the import succeeded')
}
