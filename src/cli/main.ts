#!/usr/bin/env node
// The `loyals` command. Each subcommand lives in commands/ and is loaded only when it is the one
// being run (all of them for help): start-up then costs what that command needs, not the whole
// library (DuckDB's native module, the HTTP server, every model).
import { Command } from 'commander'
import { UsageError } from '../errors.ts'
import { VERSION } from '../version.ts'
import { errorJson, fail } from './output.ts'

type Register = (program: Command) => unknown

// (keep this list sorted)
const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./commands/analyze.ts')).registerAnalyze,
  customer: async () => (await import('./commands/customer.ts')).registerCustomer,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  fit: async () => (await import('./commands/fit.ts')).registerFit,
  generate: async () => (await import('./commands/generate.ts')).registerGenerate,
  import: async () => (await import('./commands/import.ts')).registerImport,
  insights: async () => (await import('./commands/insights.ts')).registerInsights,
  keys: async () => (await import('./commands/keys.ts')).registerKeys,
  refit: async () => (await import('./commands/refit.ts')).registerRefit,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  summary: async () => (await import('./commands/summary.ts')).registerSummary,
  tick: async () => (await import('./commands/tick.ts')).registerTick,
}

async function main(): Promise<void> {
  const program = new Command()
  program
    .name('loyals')
    .description('Find your most valuable customers, explain why, and keep them.')
    .version(VERSION)
    // one line on what to do, not the whole usage after the error (46 lines for analyze)
    .showHelpAfterError('(add --help to see the options)')

  // set before the commands are added: each copies it (an unknown option of `loyals insights`
  // exited 1, not the usage error's 2)
  program.exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0)
    if (err.exitCode === 0) process.exit(0)
    // a usage error of the parser (a required option or argument missing, an unknown option)
    // is said on stdout with --json as every other error is (output.ts, fail); stderr has it
    if (process.argv.includes('--json')) {
      process.stdout.write(`${errorJson(new UsageError(err.message.replace(/^error: /, '')))}\n`)
    }
    process.exit(2)
  })
  // `--out --json`: the parser takes the next flag as the option's value, and the run wrote a
  // directory named --json; a value that is one of the command's own options was left out
  program.hook('preAction', (_program, command) => {
    const names = new Set(command.options.flatMap((o) => (o.long ? [o.long] : [])))
    for (const o of command.options) {
      if (!o.required && !o.optional) continue
      const v = command.getOptionValue(o.attributeName()) as unknown
      for (const value of Array.isArray(v) ? v : [v]) {
        if (typeof value === 'string' && names.has(value.split('=')[0] ?? value)) {
          throw new UsageError(
            `${o.long ?? o.flags} takes a value, and got ${JSON.stringify(value)}, another of its options: was the value left out?`,
          )
        }
      }
    }
  })
  const first = process.argv[2]
  // the version needs no command (loading all of them took ~0.6 s of its ~0.8 s)
  const versionOnly = first === '--version' || first === '-V'
  const names =
    first !== undefined && first in COMMANDS ? [first] : versionOnly ? [] : Object.keys(COMMANDS)
  for (const name of names) (await COMMANDS[name]!())(program)
  await program.parseAsync(process.argv)
}

// `loyals summary ... | head`: the reader closed the pipe and wants no more; stop quietly, as
// other Unix tools do (exit 0 here; an unhandled EPIPE printed a stack trace).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0)
  fail(e)
})

main().catch(fail)
