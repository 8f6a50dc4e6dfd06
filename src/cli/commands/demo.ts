// `loyals demo`: analyze the bundled CDNOW sample. The sample is found relative to this file
// (the installed package), not the cwd, and goes into an in-memory workspace, so the user's
// ./loyals.duckdb is never touched.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { UsageError } from '../../errors.ts'
import { DEFAULT_OUT_DIR } from '../../service/analyze.ts'
import { println } from '../output.ts'
import { runAnalysis } from './analyze.ts'

/** Package root: dist/cli/commands/demo.js (or src/cli/commands/demo.ts) is three levels down. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
}

/** Path of the bundled CDNOW sample orders file. */
export function demoSamplePath(): string {
  return join(packageRoot(), 'data', 'cdnow', 'cdnow_sample_orders.csv')
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Analyze the bundled CDNOW sample (2,357 customers) and write a report')
    .option('--out <dir>', 'output directory', DEFAULT_OUT_DIR)
    .option('--json', 'print summary.json to stdout (and nothing else)')
    .action(async (opts: { out: string; json?: boolean }) => {
      const sample = demoSamplePath()
      if (!existsSync(sample)) {
        throw new UsageError(`the bundled sample is missing: ${sample} (is the package complete?)`)
      }
      if (!opts.json) {
        println('Analyzing the CDNOW sample: 1997-98 purchases of 2,357 customers of an online')
        println('music store (Fader, Hardie & Lee 2005), as of its last order day.')
        println('')
      }
      const { files } = await runAnalysis({
        input: sample,
        label: 'CDNOW sample (data/cdnow/cdnow_sample_orders.csv)',
        out: opts.out,
        ...(opts.json ? { json: true } : {}),
      })
      if (!opts.json) {
        println('')
        println(`Open the report in a browser: file://${files.html}`)
      }
    })
}
