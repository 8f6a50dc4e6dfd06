// `loyals serve`: the operations HTTP API on a workspace (src/api/server.ts). Prints one line with
// the URL when it listens (tests and scripts read it), stops cleanly on SIGINT/SIGTERM.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { staleOrdersNote, startNotes, startServer } from '../../api/server.ts'
import { webhookSecret } from '../../config.ts'
import { isPostgresUrl, postgresWorkspaceAt } from '../../data/workspace.ts'
import { UsageError } from '../../errors.ts'
import { VERSION } from '../../version.ts'
import { resolveDb, withDb } from '../common.ts'
import { eprintln, println } from '../output.ts'

interface ServeOptions {
  db?: string
  port: string
  host: string
  config?: string
  valueConfig?: string
  refitEvery?: string
  tickEvery: string
}

/** '90s', '15m', '1h', '1d' -> milliseconds. @throws UsageError otherwise. */
export function parseEvery(s: string, flag = '--refit-every'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(s.trim())
  if (!m) {
    // --tick-every also takes off (handled before it gets here), and says so
    const off = flag === '--tick-every' ? ', or off' : ''
    throw new UsageError(`invalid ${flag} ${JSON.stringify(s)}: use e.g. 30m, 1h, 1d${off}`)
  }
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
  const ms = Number(m[1]) * unit
  if (ms < 60_000) throw new UsageError(`${flag} must be at least 1m`)
  return ms
}

export function registerServe(program: Command): void {
  withDb(
    program
      .command('serve')
      .description(
        'Serve the operations HTTP API (profiles, events, service priority, playbooks).',
      ),
    'workspace file or postgres://user@host/db URL',
  )
    .option('--port <n>', 'TCP port (0 = any free port)', '8787')
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option('--config <file>', 'operations configuration (loyals.ops.json)')
    .option('--value-config <file>', 'value configuration (tiers, costs)')
    .option(
      '--refit-every <interval>',
      'refit and re-score on a schedule, e.g. 1h (default: only at start when files were imported, and on POST /v1/jobs/refit)',
    )
    .option(
      '--tick-every <interval>',
      'check time-based playbook triggers at start and on a schedule, e.g. 15m; "off" = never',
      '1h',
    )
    .action(async (opts: ServeOptions) => {
      // checked before anything opens: a secret too short is the operator's to fix first
      const secret = webhookSecret()
      const port = Number(opts.port)
      // Number('') is 0 (any free port) and Number('0x50') 80: only digits are a port
      if (!/^\d+$/.test(opts.port.trim()) || !Number.isInteger(port) || port > 65535) {
        throw new UsageError(
          `invalid --port ${JSON.stringify(opts.port)}: give a number from 0 (any free port) to 65535`,
        )
      }
      // an empty host is every interface to Node, not the default loopback: the API would face
      // the network while the user meant no host at all
      if (opts.host.trim() === '') {
        throw new UsageError(
          '--host is empty: give an interface address (127.0.0.1, the default, for this machine only; 0.0.0.0 for every interface)',
        )
      }
      const db = resolveDb(opts)
      // a PostgreSQL store without Loyals' tables is made by this start, as a new DuckDB file is
      const existed = isPostgresUrl(db) ? await postgresWorkspaceAt(db) : existsSync(db)
      const server = await startServer({
        db,
        port,
        host: opts.host,
        ...(opts.config ? { opsConfigPath: opts.config } : {}),
        ...(opts.valueConfig ? { valueConfigPath: opts.valueConfig } : {}),
        refitEveryMs: opts.refitEvery ? parseEvery(opts.refitEvery) : null,
        tickEveryMs: opts.tickEvery === 'off' ? null : parseEvery(opts.tickEvery, '--tick-every'),
        version: VERSION,
        webhookSecret: secret,
        onHoldLost: (message) => {
          eprintln(`loyals serve: ${message}`)
          // the server is closing itself; end with a failure once it has
          server.close().then(
            () => process.exit(1),
            () => process.exit(1),
          )
        },
      })
      println(
        `loyals serve: listening on ${server.url} (workspace ${server.store.engine.location})`,
      )
      const notes = await startNotes(server.store, existed)
      const stale = await staleOrdersNote(server.store)
      for (const n of stale ? [...notes, stale] : notes) eprintln(`loyals serve: note: ${n}`)
      const stop = (signal: string) => {
        eprintln(`loyals serve: ${signal}, stopping`)
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        )
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
}
