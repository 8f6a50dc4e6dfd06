#!/usr/bin/env node
// Benchmark dispatcher: `npm run bench -- [suite] [suite options]` runs bench/<suite>.js.
// Each suite is a plain ESM module exporting `run(args: string[]): Promise<void>`, so suites stay
// independent and a new one (e.g. `models`) is one new file.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const args = process.argv.slice(2)
const suite = args[0] && !args[0].startsWith('-') ? args.shift() : 'import-analyze'
if (!/^[a-z0-9-]+$/.test(suite)) {
  console.error(`error: bad suite name '${suite}'`)
  process.exit(2)
}
const file = join(import.meta.dirname, `${suite}.js`)
if (!existsSync(file)) {
  console.error(`error: no benchmark suite '${suite}' (expected ${file})`)
  process.exit(2)
}
const mod = await import(pathToFileURL(file).href)
if (typeof mod.run !== 'function') {
  console.error(`error: ${file} does not export run(args)`)
  process.exit(2)
}
await mod.run(args)
