#!/usr/bin/env node
// Benchmark dispatcher: `npm run bench -- [suite] [suite options]` runs bench/<suite>.js.
// Each suite is a plain ESM module exporting `run(args: string[]): Promise<void>`, so suites stay
// independent and a new one (e.g. `models`) is one new file listed in SUITES.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The suites this runs; the other files here are their helpers or scripts run on their own. */
const SUITES = {
  'import-analyze':
    'import plus analyze of a seeded orders file against a bare DuckDB scan (default; --sizes 100k,1m,10m --runs N --no-write)',
  models:
    'the model library: fits, scores and CLV at 1M customers, and `loyals fit` whole (--customers N --runs N)',
  stats: 'the insights statistics (positional: baskets, items)',
}
const OWN =
  'run on their own: node bench/value-analyze.js, node bench/api-load.js, node bench/insights-1m.mjs, node bench/bgbb-fit.mjs'

const args = process.argv.slice(2)
if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
  console.log('usage: npm run bench -- [suite] [options]\n\nsuites:')
  for (const [name, what] of Object.entries(SUITES)) console.log(`  ${name.padEnd(15)} ${what}`)
  console.log(`\n${OWN}`)
  process.exit(0)
}
const suite = args[0] && !args[0].startsWith('-') ? args.shift() : 'import-analyze'
if (!Object.hasOwn(SUITES, suite)) {
  console.error(
    `error: no benchmark suite '${suite}': one of ${Object.keys(SUITES).join(', ')} (${OWN})`,
  )
  process.exit(2)
}
const mod = await import(pathToFileURL(join(import.meta.dirname, `${suite}.js`)).href)
try {
  await mod.run(args)
} catch (e) {
  // a bad option or a failed step: its message, not a stack trace
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
