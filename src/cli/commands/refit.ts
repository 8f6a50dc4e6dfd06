// `loyals refit`: the full refit and re-score of the live profiles (the job behind POST
// /v1/jobs/refit). Through the running server when one holds the workspace (or with --server): it
// starts the job there and follows its progress; otherwise it runs the job on the workspace.

import type { Command } from 'commander'
import { parseOpsConfig } from '../../core/ops/config.ts'
import { openWorkspace } from '../../data/workspace.ts'
import { DataError, UsageError } from '../../errors.ts'
import { JobRunner, type JobView } from '../../service/ops/jobs.ts'
import { priceInOrdersCurrency } from '../../service/ops/priced-config.ts'
import { OpsStore } from '../../service/ops/store.ts'
import { loadValueConfig } from '../../service/value-config.ts'
import { existingStore, resolveDb, withDb } from '../common.ts'
import { eprintln, isTty, printJson, println } from '../output.ts'
import { type RemoteOptions, remoteFor, withServer } from '../remote.ts'
import { parseNow } from './tick.ts'

interface RefitOptions extends RemoteOptions {
  now?: string
  valueConfig?: string
  wait: boolean
  json?: boolean
}

function describeJob(j: JobView): string {
  const r = (j.result ?? {}) as { customers?: number; model?: string | null; note?: string }
  const parts = [`refit ${j.id}: ${j.status}`]
  if (r.customers !== undefined) parts.push(`${r.customers} customers`)
  if (r.model !== undefined) parts.push(`model ${r.model ?? 'none'}`)
  if (j.message) parts.push(j.message)
  return parts.join(', ')
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
    .option('--value-config <file>', 'value configuration (tiers), without a server')
    .option('--no-wait', 'through a server: print the job id and return at once')
    .option('--json', 'print the job as JSON')
    .action(async (opts: RefitOptions) => {
      // each customer's time span runs to the refit's now: the profiles are as of that moment
      const nowMs = opts.now === undefined ? null : parseNow(opts.now)
      const remote = await remoteFor(opts)
      let job: JobView
      if (remote) {
        if (opts.valueConfig) throw new UsageError('--value-config is the server’s own')
        if (nowMs !== null) throw new UsageError('--now: a server refits as of its own clock')
        const started = await remote.request<{ jobId: string }>('POST', '/v1/jobs/refit', {})
        const path = `/v1/jobs/${encodeURIComponent(started.jobId)}`
        job = await remote.request<JobView>('GET', path)
        while (opts.wait && (job.status === 'queued' || job.status === 'running')) {
          if (isTty()) eprintln(`  ${Math.round(job.progress * 100)}% ${job.message ?? ''}`)
          await new Promise((r) => setTimeout(r, 500))
          job = await remote.request<JobView>('GET', path)
        }
      } else {
        const db = await existingStore(resolveDb(opts))
        // a bad file is told before the workspace is opened
        const loaded = await loadValueConfig(opts.valueConfig)
        const engine = await openWorkspace(db)
        try {
          const { value } = await priceInOrdersCurrency(engine, loaded)
          const store = new OpsStore(engine, {
            ops: parseOpsConfig({}),
            value,
            ...(nowMs === null ? {} : { now: () => nowMs }),
          })
          await store.loadModel()
          const jobs = new JobRunner(store)
          const { id } = await jobs.startRefit()
          await jobs.idle()
          job = await jobs.get(id)
        } finally {
          await engine.close()
        }
      }
      if (opts.json) printJson(job)
      else println(describeJob(job))
      if (job.status === 'failed') throw new DataError(`the refit failed: ${job.message ?? ''}`)
    })
}
