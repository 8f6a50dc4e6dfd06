// `loyals refit`: the full refit and re-score of the live profiles (the job behind POST
// /v1/jobs/refit). Through the running server when one holds the workspace (or with --server): it
// starts the job there and follows its progress; otherwise it runs the job on the workspace.

import type { Command } from 'commander'
import { openWorkspace } from '../../data/workspace.ts'
import { DataError, LoyalsError, UsageError } from '../../errors.ts'
import { formatInt } from '../../report/format.ts'
import { JobRunner, type JobView } from '../../service/ops/jobs.ts'
import { priceInOrdersCurrency } from '../../service/ops/priced-config.ts'
import { refitBeforeLast } from '../../service/ops/refit.ts'
import { OpsStore } from '../../service/ops/store.ts'
import { loadOpsConfig, loadValueConfig } from '../../service/value-config.ts'
import { existingStore, resolveDb, withDb } from '../common.ts'
import { eprintln, isTty, printJson, println } from '../output.ts'
import { type RemoteOptions, type RemoteServer, remoteFor, withServer } from '../remote.ts'
import { parseNow } from './tick.ts'

interface RefitOptions extends RemoteOptions {
  now?: string
  config?: string
  valueConfig?: string
  wait: boolean
  json?: boolean
}

function describeJob(j: JobView): string {
  const r = (j.result ?? {}) as { customers?: number; model?: string | null; note?: string }
  const parts = [`refit ${j.id}: ${j.status}`]
  if (r.customers !== undefined) parts.push(`${r.customers.toLocaleString('en-US')} customers`)
  if (r.model !== undefined) parts.push(`model ${r.model ?? 'none'}`)
  if (j.message) parts.push(j.message)
  return parts.join(', ')
}

/** How long `readJob` goes on asking while the server's store cannot be reached. */
const STORE_WAIT_MS = 120_000

/**
 * The job at `path` on the server. The job record is in the store: while the store cannot be
 * reached (PostgreSQL restarting) the server answers 503 `store_unavailable`, which said "nothing
 * of this request was stored" and ended the command, for a job that went on and succeeded. Such
 * an answer is asked again each second for up to STORE_WAIT_MS, with a word on stderr.
 * @throws the last answer's error when the store stays away, saying the job was started.
 */
export async function readJob(remote: RemoteServer, path: string, id: string): Promise<JobView> {
  const giveUp = Date.now() + STORE_WAIT_MS
  let told = false
  for (;;) {
    try {
      return await remote.request<JobView>('GET', path)
    } catch (e) {
      if (!(e instanceof LoyalsError) || e.code !== 'store_unavailable') throw e
      if (Date.now() >= giveUp) {
        throw new LoyalsError(
          'store_unavailable',
          `refit ${id} was started, but its state cannot be read: ${e.message.replace(/; nothing of this request was stored.*$/, '')} (for ${Math.round(STORE_WAIT_MS / 1000)} s); ask again with GET ${path}`,
          e.details,
        )
      }
      if (!told) eprintln(`note: the server's store cannot be reached; asking again each second`)
      told = true
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}

export function registerRefit(program: Command): void {
  withServer(
    withDb(
      program
        .command('refit')
        .description(
          'Refit the model on every customer and re-score the live profiles (tiers, segments, P(alive)).',
        ),
    ),
  )
    .option(
      '--now <time>',
      'score as of this ISO 8601 date-time with an offset, e.g. 2025-03-01T09:00:00Z, without a server (default: now); two refits of one workspace as of one time store the same profiles',
    )
    .option(
      '--config <file>',
      'operations configuration (loyals.ops.json), without a server: the tier_up and tier_down playbooks fire for the customers the refit moves',
    )
    .option('--value-config <file>', 'value configuration (tiers), without a server')
    .option('--no-wait', 'through a server: print the job id and return at once')
    .option('--json', 'print the job as JSON')
    .action(async (opts: RefitOptions) => {
      // each customer's time span runs to the refit's now: the profiles are as of that moment
      const nowMs = opts.now === undefined ? null : parseNow(opts.now)
      // profiles scored as of a time still to come would stand until then: every refit before it
      // is one back in time (refused), and orders imported meanwhile would wait for it
      if (nowMs !== null && nowMs > Date.now() + 60_000) {
        throw new UsageError(
          `invalid --now ${JSON.stringify(opts.now)}: it is in the future (the clock says ${new Date().toISOString().slice(0, 19)}Z); a refit scores as of now or an earlier time`,
        )
      }
      const remote = await remoteFor(opts)
      let job: JobView
      if (remote) {
        if (opts.config || opts.valueConfig) {
          throw new UsageError('--config and --value-config are the server’s own when it refits')
        }
        if (nowMs !== null) throw new UsageError('--now: a server refits as of its own clock')
        const started = await remote.request<{ jobId: string }>('POST', '/v1/jobs/refit', {})
        const path = `/v1/jobs/${encodeURIComponent(started.jobId)}`
        job = await readJob(remote, path, started.jobId)
        while (opts.wait && (job.status === 'queued' || job.status === 'running')) {
          if (isTty()) eprintln(`  ${Math.round(job.progress * 100)}% ${job.message ?? ''}`)
          await new Promise((r) => setTimeout(r, 500))
          job = await readJob(remote, path, started.jobId)
        }
      } else {
        const db = await existingStore(resolveDb(opts), false)
        // a bad file is told before the workspace is opened
        const loaded = await loadValueConfig(opts.valueConfig)
        const ops = await loadOpsConfig(opts.config, loaded)
        const engine = await openWorkspace(db)
        try {
          const { value } = await priceInOrdersCurrency(engine, loaded)
          const store = new OpsStore(engine, {
            ops,
            value,
            // as of a time given: what had happened by then (no day ahead of a live clock)
            ...(nowMs === null ? {} : { now: () => nowMs, countAheadMs: 0 }),
          })
          await store.loadModel()
          const early = refitBeforeLast(store, store.now())
          if (early) throw new UsageError(`refit${nowMs === null ? '' : ' --now'}: ${early}`)
          // the record says when the job ran; the profiles are as of --now
          const jobs = new JobRunner(store, { clock: Date.now })
          const { id } = await jobs.startRefit()
          await jobs.idle()
          job = await jobs.get(id)
        } finally {
          await engine.close()
        }
      }
      if (opts.json) printJson(job)
      else println(describeJob(job))
      const moves = (job.result as { tierMoves?: number } | null)?.tierMoves ?? 0
      if (!remote && opts.config === undefined && moves > 0) {
        // the moves are stored: a later refit finds no move, so these playbooks never fire
        eprintln(
          `note: ${formatInt(moves)} customer${moves === 1 ? '' : 's'} changed tier, and no tier_up or tier_down playbook ran for ${moves === 1 ? 'it' : 'them'}: without a server, give the operations file with --config`,
        )
      }
      if (job.status === 'failed') throw new DataError(`the refit failed: ${job.message ?? ''}`)
    })
}
