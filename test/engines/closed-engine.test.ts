// A call on a closed workspace engine: a UsageError that says so, not the driver's "connection
// disconnected" as a QueryError (nor, from importFile, a complaint about the time zone).
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { UsageError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'

test('a closed DuckDB engine refuses every call with a UsageError; closing twice is fine', async () => {
  const engine = await openWorkspace(join(tempDir('loyals-closed-'), 'w.duckdb'))
  await engine.query('SELECT 1 AS one')
  // a call queued behind close() finds it closed when its turn comes
  const closing = engine.close()
  const queued = engine.query('SELECT 2 AS two').catch((e: unknown) => e)
  await closing
  expect(await queued).toBeInstanceOf(UsageError)
  for (const call of [
    () => engine.query('SELECT 1'),
    () => engine.exec('SELECT 1'),
    () => importFile(engine, 'orders.csv', { kind: 'orders' }),
  ]) {
    const e = await call().then(
      () => null,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(UsageError)
    expect((e as Error).message).toMatch(/is closed \(engine\.close\(\) was called\)/)
  }
  await expect(engine.close()).resolves.toBeUndefined()
})
