// Background jobs (the refit) with progress in the jobs table, so any client can poll
// GET /v1/jobs/:id. One refit at a time: asking again while one runs returns the running job.
import { randomUUID } from 'node:crypto'
import { insertRows } from '../../data/queries/api-insert-rows.ts'
import { jobUpdate } from '../../data/queries/api-job-update.ts'
import { jobById } from '../../data/queries/api-jobs.ts'
import { StoreUnreachableError } from '../../errors.ts'
import { refit } from './refit.ts'
import type { OpsStore } from './store.ts'
import { NotFoundError } from './tasks.ts'
import { isoOrNull, sqlTs, tsMs } from './time.ts'

export interface JobView {
  readonly id: string
  readonly kind: string
  readonly status: 'queued' | 'running' | 'succeeded' | 'failed'
  readonly progress: number
  readonly message: string | null
  readonly createdAt: string | null
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly result: unknown
}

/**
 * How many times (a second apart) a failed job's record is written while the store cannot be
 * reached: a graceful stop waits for them.
 */
const FAILURE_RECORD_TRIES = 30

export class JobRunner {
  readonly #store: OpsStore
  readonly #onFailed: ((id: string, message: string) => void) | undefined
  readonly #clock: () => number
  #running: { id: string; created: Promise<void>; done: Promise<void> } | null = null

  /**
   * `onFailed`: told of a job that failed (the server logs it; the job record says why too).
   * `clock`: when the job is created, started and finished (default the store's clock); `loyals
   * refit --now` scores as of another time but runs now, and its record says when it ran.
   */
  constructor(
    store: OpsStore,
    opts: { onFailed?: (id: string, message: string) => void; clock?: () => number } = {},
  ) {
    this.#store = store
    this.#onFailed = opts.onFailed
    this.#clock = opts.clock ?? (() => store.now())
  }

  /** Start a refit (or return the one running). Resolves once the job row exists. */
  async startRefit(): Promise<{ id: string; started: boolean }> {
    const running = this.#running
    if (running) {
      await running.created
      return { id: running.id, started: false }
    }
    const id = `job_${randomUUID()}`
    const store = this.#store
    const now = sqlTs(this.#clock())
    // taken before the first await: requests arriving meanwhile find this job, not start another
    const created = store.use((e) =>
      e.exec(
        insertRows(e.dialect, {
          table: 'jobs',
          columns: ['job_id', 'kind', 'status', 'progress', 'created_at'],
          rows: [[id, 'refit', 'queued', 0, now]],
        }),
      ),
    )
    // `done` is awaited by idle() alone: a job row never written (the store away) is told to the
    // caller through `created`, and must not reject here too, unhandled (it ended the server)
    const slot = {
      id,
      created,
      done: created.then(
        () => {},
        () => {},
      ),
    }
    this.#running = slot
    try {
      await created
    } catch (e) {
      this.#running = null
      throw e
    }
    const update = (
      status: string,
      progress: number,
      message: string | null,
      extra: { started?: string; finished?: string; result?: string } = {},
    ) =>
      store.use((e) =>
        e.exec(
          jobUpdate(e.dialect, {
            jobId: id,
            status,
            progress,
            message,
            startedAtTs: extra.started ?? now,
            finishedAtTs: extra.finished ?? null,
            result: extra.result ?? null,
          }),
        ),
      )
    const done = (async () => {
      try {
        await update('running', 0, 'starting')
        const r = await refit(store, (p, m) => update('running', p, m))
        await update('succeeded', 1, r.note ?? 'done', {
          finished: sqlTs(this.#clock()),
          result: JSON.stringify(r),
        })
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e)
        this.#onFailed?.(id, msg)
        const finished = sqlTs(this.#clock())
        // a refit that failed because the store went away cannot say so until it is back: the
        // record said "running" for good (GET /v1/jobs/:id, and `loyals refit` waiting on it)
        for (let tries = 1; ; tries++) {
          try {
            await update('failed', 1, msg, { finished })
            break
          } catch (e2) {
            if (!(e2 instanceof StoreUnreachableError) || tries >= FAILURE_RECORD_TRIES) break
            await new Promise((r) => setTimeout(r, 1000))
          }
        }
      } finally {
        this.#running = null
      }
    })()
    slot.done = done
    return { id, started: true }
  }

  /** Wait for the running job, if any (tests, shutdown). */
  async idle(): Promise<void> {
    // a job started a moment ago holds only its row's creation as `done` until that is written
    // (a refit started in the background by a request): waiting on it alone returned before the
    // refit ran
    while (this.#running) await this.#running.done
  }

  /** @throws NotFoundError for an unknown job id. */
  async get(id: string): Promise<JobView> {
    const [r] = await this.#store.use((e) => e.query(jobById(e.dialect, id)))
    if (!r) throw new NotFoundError('job', id)
    return {
      id: String(r.job_id),
      kind: String(r.kind),
      status: String(r.status) as JobView['status'],
      progress: Number(r.progress),
      message: r.message === null ? null : String(r.message),
      createdAt: isoOrNull(tsMs(r.created_at)),
      startedAt: isoOrNull(tsMs(r.started_at)),
      finishedAt: isoOrNull(tsMs(r.finished_at)),
      result: r.result === null ? null : JSON.parse(String(r.result)),
    }
  }
}
