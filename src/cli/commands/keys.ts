// `loyals keys create|list|revoke`: API keys for `loyals serve`. The key is printed once; only a
// salted hash is stored. While a server holds the workspace, use the API's /v1/keys instead.
import type { Command } from 'commander'
import { openWorkspace } from '../../data/workspace.ts'
import { UsageError } from '../../errors.ts'
import { createApiKey, listApiKeys, ROLES, revokeApiKey } from '../../service/ops/keys.ts'
import { resolveDb, withDb } from '../common.ts'
import { printJson, println, table } from '../output.ts'

async function withWorkspace<T>(
  opts: { db?: string },
  fn: (e: Awaited<ReturnType<typeof openWorkspace>>) => Promise<T>,
): Promise<T> {
  const engine = await openWorkspace(resolveDb(opts))
  try {
    return await fn(engine)
  } finally {
    await engine.close()
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys for loyals serve.')
  withDb(keys.command('create').description('Create an API key and print it (shown once).'))
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'who or what uses the key', 'api')
    .option('--json', 'print JSON')
    .action(async (opts: { role: string; name: string; json?: boolean; db?: string }) => {
      const r = await withWorkspace(opts, (e) => createApiKey(e, opts.role, opts.name))
      if (opts.json) printJson({ key: r.key, ...r.info })
      else {
        println(r.key)
        println(
          `(${r.info.role} key "${r.info.name}", id ${r.info.keyId}: store it now, it is not shown again)`,
        )
      }
    })
  withDb(keys.command('list').description('List API keys (never their secrets).'))
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean; db?: string }) => {
      const list = await withWorkspace(opts, (e) => listApiKeys(e))
      if (opts.json) printJson(list)
      else {
        println(
          table(
            ['id', 'name', 'role', 'created', 'revoked'],
            list.map((k) => [k.keyId, k.name, k.role, k.createdAt, k.revokedAt]),
          ),
        )
      }
    })
  withDb(keys.command('revoke').description('Revoke an API key by id.'))
    .argument('<id>', 'key id (from keys list)')
    .action(async (id: string, opts: { db?: string }) => {
      const ok = await withWorkspace(opts, (e) => revokeApiKey(e, id))
      if (!ok) throw new UsageError(`no active key with id ${id}`)
      println(`revoked ${id}`)
    })
}
