#!/usr/bin/env node
// The `loyals` command. Each subcommand lives in commands/ and registers itself here.
import { Command } from 'commander'
import { VERSION } from '../index.ts'
import { registerAnalyze } from './commands/analyze.ts'
import { registerCustomer } from './commands/customer.ts'
import { registerDemo } from './commands/demo.ts'
import { registerFit } from './commands/fit.ts'
import { registerGenerate } from './commands/generate.ts'
import { registerImport } from './commands/import.ts'
import { registerInsights } from './commands/insights.ts'
import { registerKeys } from './commands/keys.ts'
import { registerServe } from './commands/serve.ts'
import { registerSummary } from './commands/summary.ts'
import { fail } from './output.ts'

const program = new Command()
program
  .name('loyals')
  .description('Find your most valuable customers, explain why, and keep them.')
  .version(VERSION)
  .showHelpAfterError()

// Subcommands register themselves: one import + one call per command.
// (keep this list sorted)
registerAnalyze(program)
registerCustomer(program)
registerDemo(program)
registerFit(program)
registerGenerate(program)
registerImport(program)
registerInsights(program)
registerKeys(program)
registerServe(program)
registerSummary(program)

program.exitOverride((err) => {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0)
  process.exit(err.exitCode === 0 ? 0 : 2)
})

program.parseAsync(process.argv).catch(fail)
