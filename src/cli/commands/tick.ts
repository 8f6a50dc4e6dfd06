// `loyals tick`: one scheduler tick (time-based playbook triggers, then deferred actions due). It
// goes through the running server when one holds the workspace (or with --server); otherwise it
// opens the workspace, ticks, delivers the webhooks it queued and exits, for a cron-driven setup.

import type { Command } from 'commander'
import { webhookSecret } from '../../config.ts'
import { calendarDayProblem, isCalendarDay } from '../../core/calendar.ts'
import { refitDue } from '../../data/queries/api-refit-due.ts'
import { openWorkspace } from '../../data/workspace.ts'
import { UsageError } from '../../errors.ts'
import { formatInt } from '../../report/format.ts'
import { type DeliveryTally, dispatchDue, MAX_ATTEMPTS } from '../../service/ops/dispatch.ts'
import { dateTime } from '../../service/ops/events.ts'
import { priceInOrdersCurrency } from '../../service/ops/priced-config.ts'
import { type RefitResult, refit, refitBeforeLast } from '../../service/ops/refit.ts'
import { runTick, type TickReport } from '../../service/ops/scheduler.ts'
import { OpsStore } from '../../service/ops/store.ts'
import { loadOpsConfig, loadValueConfig } from '../../service/value-config.ts'
import { existingStore, resolveDb, withDb } from '../common.ts'
import { printJson, println, table } from '../output.ts'
import { type RemoteOptions, remoteFor, withServer } from '../remote.ts'

interface TickOptions extends RemoteOptions {
  now?: string
  config?: string
  valueConfig?: string
  json?: boolean
}

/** The report as text: one line per playbook, then the deferred actions released. */
export function formatTick(r: TickReport): string {
  const lines = [`Tick as of ${r.now}: ${r.actions} action(s), ${r.queued} message(s) queued.`]
  if (r.playbooks.length > 0) {
    lines.push(
      table(
        ['playbook', 'trigger', 'customers due', 'actions'],
        r.playbooks.map((p) => [p.playbookId, p.trigger, p.candidates, p.actions]),
      ),
    )
  } else lines.push('No time-based playbooks in the configuration.')
  const d = r.released
  lines.push(
    `Deferred actions due: ${d.queued} queued, ${d.tasks} task(s) created, ${d.deferred} deferred again, ${d.suppressed} suppressed.`,
  )
  return lines.join('\n')
}

/** What the local tick's webhook deliveries came to, in one line. */
export function formatDeliveries(d: DeliveryTally): string {
  const parts = [`${formatInt(d.sent)} sent`]
  if (d.retry > 0)
    parts.push(
      `${formatInt(d.retry)} failed and queued for a retry by a later tick (due 5 s, then 10 s, after a failure)`,
    )
  if (d.failed > 0)
    parts.push(`${formatInt(d.failed)} failed for the last time (${MAX_ATTEMPTS} attempts)`)
  if (d.held > 0) parts.push(`${formatInt(d.held)} held back (unsubscribed or no email since)`)
  return `Messages delivered: ${parts.join(', ')}.`
}

/**
 * `--now` as epoch ms, read by the rule the server reads its `now` with (an ISO 8601 date-time
 * with an offset, 1900 to 2199), so a tick means the same with and without one. Date.parse alone
 * rolls 2025-02-30 over to March 2: the tick ran as of a day nobody asked for.
 * @example parseNow('2025-03-01T09:00:00Z') // 1740819600000
 * @throws UsageError naming --now and what is wrong with it.
 */
export function parseNow(value: string): number {
  const invalid = (why: string) => new UsageError(`invalid --now ${JSON.stringify(value)}: ${why}`)
  const day = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0]
  if (day !== undefined && !isCalendarDay(day)) throw invalid(calendarDayProblem(day))
  const r = dateTime.safeParse(value)
  if (!r.success) throw invalid(r.error.issues[0]?.message ?? 'not a date-time')
  return Date.parse(r.data)
}

export function registerTick(program: Command): void {
  withServer(
    withDb(
      program
        .command('tick')
        .description(
          'Run one scheduler tick: time-based playbook triggers (anniversary, next purchase due, at risk, no order for N days) and deferred actions due.',
        ),
    ),
  )
    .option(
      '--now <time>',
      'evaluate as of this ISO 8601 date-time with an offset, e.g. 2025-03-01T09:00:00Z (default: now)',
    )
    .option('--config <file>', 'operations configuration (loyals.ops.json), without a server')
    .option('--value-config <file>', 'value configuration (tiers), without a server')
    .option('--json', 'print the report as JSON')
    .action(async (opts: TickOptions) => {
      const nowMs = opts.now === undefined ? Date.now() : parseNow(opts.now)
      const remote = await remoteFor(opts)
      let report: TickReport
      let refitted: number | null = null
      let tierMoves = 0
      const deliveries: DeliveryTally = { sent: 0, failed: 0, retry: 0, held: 0 }
      if (remote) {
        if (opts.config || opts.valueConfig) {
          throw new UsageError('--config and --value-config are the server’s own when it ticks')
        }
        report = await remote.request<TickReport>(
          'POST',
          '/v1/jobs/tick',
          opts.now === undefined ? {} : { now: new Date(nowMs).toISOString() },
        )
      } else {
        // checked before anything opens: a secret too short is the operator's to fix first
        const secret = webhookSecret()
        const db = await existingStore(resolveDb(opts), false)
        const loaded = await loadValueConfig(opts.valueConfig)
        const ops = await loadOpsConfig(opts.config, loaded)
        const engine = await openWorkspace(db)
        try {
          // priced in the orders' currency when the file names none, as the server prices
          const { value: priced } = await priceInOrdersCurrency(engine, loaded)
          // a --now after the clock fires the occasions due by then early, but decides and sends
          // them at the clock, as the server does (docs/operations.md): with the store's clock at
          // --now, a message held for tonight's quiet hours was pushed to that day. A --now before
          // the clock replays the run as of it.
          // (while its refit runs, the clock may stand at the last refit's time: see below)
          let refitAt: number | null = null
          const clock = () => refitAt ?? Math.min(nowMs, Date.now())
          const store = new OpsStore(engine, {
            ops,
            value: priced,
            now: clock,
            // a --now before the clock replays the run as of it: what had happened by then
            ...(opts.now === undefined ? {} : { countAheadMs: 0 }),
            webhookSecret: secret,
          })
          // files imported since the last refit: the profiles would be theirs from before, and a
          // customer who ordered yesterday would be sent "we miss you"; or tiers other than the
          // profiles were scored with (a tier removed or renamed): a tier trigger would miss them
          await store.loadModel()
          const [due] = await engine.query<{ n: number }>(refitDue(engine.dialect, store.now()))
          const imported = Number(due?.n ?? 0) > 0
          if (imported || store.tiersChanged) {
            const why = imported
              ? 'files were imported since the last refit'
              : 'the tiers changed since the last refit'
            // a tick replayed before the last refit cannot refit back in time (the stored tiers and
            // grace periods are from later: refitBeforeLast): it scores the imports as of that
            // refit's time, and its playbooks then see the orders
            const last = store.model?.fittedAtMs ?? null
            const back = last !== null && refitBeforeLast(store, store.now()) !== null
            if (back) refitAt = last
            let r: RefitResult
            try {
              r = await refit(store)
            } finally {
              refitAt = null
            }
            refitted = r.customers
            tierMoves = r.tierMoves
            if (!opts.json) {
              // the tier playbooks of the customers it moved ran in it, not in the tick's table
              const moves =
                r.tierMoves > 0
                  ? `, ${formatInt(r.tierMoves)} changed tier (their tier_up and tier_down playbooks ran)`
                  : ''
              println(
                `Refitted first (${why}): ${formatInt(r.customers)} customers scored${back ? ` as of the last refit's time, ${new Date(last).toISOString()} (a refit does not go back before it)` : ''}${moves}${r.note ? `; ${r.note}` : ''}.`,
              )
            }
          }
          report = await runTick(store, nowMs)
          // deliver what the tick queued (no server runs to do it), and what earlier ticks left
          // queued for a retry: said after the report, as the server's log would
          while ((await dispatchDue(store, fetch, undefined, deliveries)) > 0) {}
        } finally {
          await engine.close()
        }
      }
      if (opts.json) {
        printJson({
          ...report,
          ...(refitted === null ? {} : { refitted, tierMoves }),
          ...(remote ? {} : { deliveries }),
        })
      } else {
        println(formatTick(report))
        if (!remote) println(formatDeliveries(deliveries))
      }
    })
}
