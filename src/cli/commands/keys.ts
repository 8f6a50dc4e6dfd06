// `loyals keys create|list|revoke`: API keys for `loyals serve`. The key is printed once; only a
// salted hash is stored. While a server holds the workspace (or with --server), the command goes
// through the API's /v1/keys with an admin key.
import type { Command } from 'commander'
import { openWorkspace } from '../../data/workspace.ts'
import { UsageError } from '../../errors.ts'
import {
  createApiKey,
  type KeyInfo,
  listApiKeys,
  ROLES,
  revokeKeyKeepingAdmin,
} from '../../service/ops/keys.ts'
import { NotFoundError } from '../../service/ops/tasks.ts'
import { existingStore, resolveDb, withDb } from '../common.ts'
import { eprintln, printJson, println, table } from '../output.ts'
import { type RemoteOptions, remoteFor, withServer } from '../remote.ts'

/**
 * Run `fn` on the workspace. `create`: a workspace not there yet is created (a key is made before
 * the first `loyals serve`, as the README starts); listing or revoking keys of a mistyped --db
 * would report on an empty workspace made for it.
 */
async function withWorkspace<T>(
  opts: { db?: string },
  fn: (e: Awaited<ReturnType<typeof openWorkspace>>) => Promise<T>,
  create = false,
): Promise<T> {
  const db = resolveDb(opts)
  const engine = await openWorkspace(create ? db : await existingStore(db, false))
  try {
    return await fn(engine)
  } finally {
    await engine.close()
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys for loyals serve.')
  withServer(
    withDb(keys.command('create').description('Create an API key and print it (shown once).')),
  )
    .requiredOption('--role <role>', `required: one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'who or what uses the key', 'api')
    .option('--json', 'print JSON')
    .action(async (opts: { role: string; name: string; json?: boolean } & RemoteOptions) => {
      // before a workspace is made for the key
      if (opts.name.trim() === '') {
        throw new UsageError('--name is blank: name who or what uses the key')
      }
      // said as the workspace says it, also before a server's validator words it
      if (!(ROLES as readonly string[]).includes(opts.role)) {
        throw new UsageError(`unknown role "${opts.role}": use one of ${ROLES.join(', ')}`)
      }
      const remote = await remoteFor(opts)
      const r = remote
        ? await remote
            .request<{ key: string } & KeyInfo>('POST', '/v1/keys', {
              role: opts.role,
              name: opts.name,
            })
            .then(({ key, ...info }) => ({ key, info }))
        : await withWorkspace(opts, (e) => createApiKey(e, opts.role, opts.name), true)
      if (opts.json) printJson({ key: r.key, ...r.info })
      else {
        // the key alone on stdout, so that KEY=$(loyals keys create ...) captures just it
        println(r.key)
        eprintln(
          `(${r.info.role} key "${r.info.name}", id ${r.info.keyId}: store it now, it is not shown again)`,
        )
      }
    })
  withServer(withDb(keys.command('list').description('List API keys (never their secrets).')))
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean } & RemoteOptions) => {
      const remote = await remoteFor(opts)
      const list = remote
        ? (await remote.request<{ keys: KeyInfo[] }>('GET', '/v1/keys')).keys
        : await withWorkspace(opts, (e) => listApiKeys(e))
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
  withServer(withDb(keys.command('revoke').description('Revoke an API key by id.')))
    .argument('<id>', 'key id (from keys list)')
    .option('--json', 'print JSON: {keyId, revokedAt, alreadyRevoked}')
    .action(async (id: string, opts: { json?: boolean } & RemoteOptions) => {
      const remote = await remoteFor(opts)
      // an unknown id is a 404 (exit 1, as `customer ID` of nobody), not a usage error; a key
      // revoked before is revoked, as DELETE /v1/keys/{id} answers it
      const r = remote
        ? await remote.request<{ revokedAt: string; alreadyRevoked: boolean }>(
            'DELETE',
            `/v1/keys/${encodeURIComponent(id)}`,
          )
        : // the same rule as the API's: the last active admin key stays (a server started on the
          // workspace after would turn every admin request away, keys and erasures among them)
          await withWorkspace(opts, async (e) => {
            const done = await e.transaction((tx) =>
              revokeKeyKeepingAdmin(tx, id, Date.now(), '`loyals keys create --role admin`'),
            )
            if (!done) throw new NotFoundError('key', id)
            return done
          })
      if (opts.json) {
        printJson({ keyId: id, revokedAt: r.revokedAt, alreadyRevoked: r.alreadyRevoked })
      } else {
        println(r.alreadyRevoked ? `${id} was revoked before, at ${r.revokedAt}` : `revoked ${id}`)
      }
    })
}
