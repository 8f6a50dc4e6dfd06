// Options shared by every command that touches a workspace.
import type { Command } from 'commander'
import { env } from '../config.ts'
import { DEFAULT_DB } from '../data/workspace.ts'

/** Add `--db PATH` (default: $LOYALS_DB, else ./loyals.duckdb). */
export function withDb(cmd: Command): Command {
  return cmd.option('--db <path>', `workspace file (default: $LOYALS_DB or ${DEFAULT_DB})`)
}

export function resolveDb(opts: { db?: string }): string {
  return opts.db ?? env().LOYALS_DB ?? DEFAULT_DB
}
