// `loyals demo`: analyze the bundled CDNOW sample. The sample is found relative to this file
// (the installed package), not the cwd, and goes into an in-memory workspace, so the user's
// ./loyals.duckdb is never touched.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Command } from 'commander'
import { shellArg } from '../../core/words.ts'
import { UsageError } from '../../errors.ts'
import { DEFAULT_OUT_DIR } from '../../service/analyze.ts'
import { buildDemoCompany } from '../../service/demo-company.ts'
import { refuseFileAsOutDir } from '../../service/out-dir.ts'
import { checkAsOf } from '../../service/summary.ts'
import { asOfArg, outDir } from '../common.ts'
import { eprintln, println } from '../output.ts'
import { runAnalysis } from './analyze.ts'
import { parseSeed } from './generate.ts'

/** The last order day of the bundled CDNOW sample: an --as-of from it on holds no order out. */
const SAMPLE_LAST_DAY = '1998-06-30'

/** Package root: dist/cli/commands/demo.js (or src/cli/commands/demo.ts) is three levels down. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
}

/** Path of the bundled CDNOW sample orders file. */
export function demoSamplePath(): string {
  return join(packageRoot(), 'data', 'cdnow', 'cdnow_sample_orders.csv')
}

/**
 * `loyals demo --company`: generate a seeded company of 5,000 customers with every input kind,
 * import it into a workspace in a temporary directory, and analyze it with its cost rates.
 */
async function companyDemo(opts: {
  out: string
  json?: boolean
  seed?: string
  asOf?: string
}): Promise<void> {
  const given = opts.seed ?? '1'
  const seed = parseSeed(given)
  refuseFileAsOutDir(opts.out)
  // before a company is generated for an analysis that would refuse the date
  if (opts.asOf) checkAsOf(opts.asOf)
  if (!opts.json) {
    println(`Generating a company (5,000 customers, 2023-2025, seed ${seed}): orders, customers,`)
    println('referrals, engagement, support tickets, returns and surveys; then analyzing it.')
    println('')
  }
  const co = await buildDemoCompany({ seed })
  const { summary, files } = await runAnalysis({
    input: co.db,
    label: `generated company (loyals generate --customers ${co.customers} --seed ${co.seed})`,
    out: opts.out,
    value: co.value,
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.json ? { json: true } : {}),
  })
  if (opts.json) {
    // stdout is summary.json for a script; the person still learns where the company is (its
    // directory is kept, about 12 MB, so that `loyals customer --db` works on it)
    eprintln(`The company's files and workspace are in ${co.dir} (workspace ${co.db})`)
  } else {
    const top = summary.value?.referrals.top[0]?.customerId ?? summary.topCustomers[0]?.customerId
    println('')
    println(`Open the report in a browser: ${pathToFileURL(resolve(files.html)).href}`)
    println(`The company's files and workspace are in ${co.dir}; look at one customer with`)
    println(
      // with the demo's as-of, or the profile would be valued at another day than the report
      `  loyals customer ${top === undefined ? '<id>' : shellArg(top)} --db ${shellArg(co.db)} --config ${shellArg(co.valueConfig)}${opts.asOf ? ` --as-of ${shellArg(opts.asOf)}` : ''}`,
    )
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Analyze the bundled CDNOW sample (2,357 customers) and write a report')
    .option('--out <dir>', 'output directory', outDir, DEFAULT_OUT_DIR)
    .option(
      '--json',
      'print summary.json to stdout instead of the summary (the files are still written)',
    )
    // the advice of a run without a holdout ("re-run with an earlier --as-of") works here too
    .option(
      '--as-of <date>',
      'analysis date YYYY-MM-DD (default: the last order day); the orders after it are the holdout that picks the model, e.g. 1997-09-30 for the CDNOW sample',
      asOfArg,
    )
    .option('--company', 'analyze a generated company instead: referrals, tickets, returns ...')
    // no commander default: a --seed given without --company is told apart, and refused
    .option('--seed <n>', 'with --company: random seed of the generated company (default 1)')
    .action(
      async (opts: {
        out: string
        json?: boolean
        company?: boolean
        seed?: string
        asOf?: string
      }) => {
        if (opts.company) {
          await companyDemo(opts)
          return
        }
        if (opts.seed !== undefined) {
          throw new UsageError(
            '--seed applies to --company only (the seed of the generated company); the CDNOW sample has none: add --company or leave it out',
          )
        }
        const sample = demoSamplePath()
        if (!existsSync(sample)) {
          throw new UsageError(
            `the bundled sample is missing: ${sample} (is the package complete?)`,
          )
        }
        refuseFileAsOutDir(opts.out)
        // a date the analysis refuses is refused before the banner announces it
        if (opts.asOf) checkAsOf(opts.asOf)
        if (!opts.json) {
          println('Analyzing the CDNOW sample: 1997-98 purchases of 2,357 customers of an online')
          println(
            `music store (Fader, Hardie & Lee 2005), as of ${!opts.asOf ? 'its last order day' : opts.asOf < SAMPLE_LAST_DAY ? `${opts.asOf} (the later orders are the holdout)` : `${opts.asOf} (no holdout: the last order is of ${SAMPLE_LAST_DAY})`}.`,
          )
          println('')
        }
        const { files } = await runAnalysis({
          input: sample,
          label: 'CDNOW sample (data/cdnow/cdnow_sample_orders.csv)',
          out: opts.out,
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
          ...(opts.json ? { json: true } : {}),
        })
        if (!opts.json) {
          println('')
          println(`Open the report in a browser: ${pathToFileURL(resolve(files.html)).href}`)
        }
      },
    )
}
